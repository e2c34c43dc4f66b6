"""Importing the library loads none of its heavy dependencies (networkx, opt_einsum, torch,
sympy, pandas, matplotlib, cotengra): they load on first use. Counted, not timed."""

import subprocess
import sys

HEAVY = ("networkx", "opt_einsum", "torch", "sympy", "pandas", "matplotlib", "cotengra",
         "scipy")
PROBE = """
import sys, types
import diagrams, markov, causal
loaded = [m for m in {heavy!r} if type(sys.modules.get(m)) is types.ModuleType]
print(",".join(loaded))
"""


def test_importing_the_packages_loads_no_heavy_dependency():
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY)], check=True,
                         capture_output=True, text=True).stdout.strip()
    assert out == "", f"imported at import time: {out}"


def test_a_lazy_dependency_loads_on_first_use():
    probe = ("import sys, types, causal\n"
             "m = causal.CausalModel({'A': [], 'B': ['A']}, {'A': [0.5, 0.5],"
             " 'B': [[1, 0], [0, 1]]})\n"
             "assert m.graph.number_of_edges() == 1\n"
             "print(type(sys.modules['networkx']) is types.ModuleType)")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "True"
