"""Importing the library loads none of its heavy dependencies (networkx, opt_einsum, torch,
sympy, pandas, scipy, matplotlib, dask, cotengra) and almost none of its own modules: every
public name loads its module on first use (PEP 562, ``diagrams._lazy.lazy_names``). A cold
start (load a BIF file, ask one posterior) loads only what that needs. Counted, not timed."""

import gzip
import json
import subprocess
import sys

import pytest

HEAVY = ("networkx", "opt_einsum", "torch", "sympy", "pandas", "matplotlib", "cotengra",
         "scipy", "dask")
OWN = ("diagrams", "markov", "causal")

# Prints, as JSON, the modules loaded (a lazy module's stand-in is not in sys.modules).
PROBE = """
import json, sys
{setup}
print(json.dumps(sorted(sys.modules)))
"""

BIF = """network rain { }
variable Cloudy { type discrete [ 2 ] { yes, no }; }
variable Rain { type discrete [ 2 ] { yes, no }; }
variable Sprinkler { type discrete [ 2 ] { on, off }; }
variable Wet { type discrete [ 2 ] { yes, no }; }
probability ( Cloudy ) { table 0.5, 0.5; }
probability ( Rain | Cloudy ) { (yes) 0.8, 0.2; (no) 0.2, 0.8; }
probability ( Sprinkler | Cloudy ) { (yes) 0.1, 0.9; (no) 0.5, 0.5; }
probability ( Wet | Rain, Sprinkler ) { (yes, on) 0.99, 0.01; (yes, off) 0.9, 0.1;
  (no, on) 0.9, 0.1; (no, off) 0.01, 0.99; }
"""

#: Modules a plain posterior on a BIF model has no use for.
NOT_FOR_A_POSTERIOR = ("markov.gaussian", "markov.inference.generic", "markov.inference.lens",
                       "markov.inference.marginals", "markov.contraction.backward",
                       "causal.identify", "causal.counterfactual", "causal.estimand",
                       "causal.expression", "causal.admg", "causal.comb", "causal.hybrid",
                       "causal.learning", "causal.map", "fractions", "logging", "tracemalloc",
                       # zlib alone reads .gz files; dask rows are looked for once dask is in
                       "gzip", "causal.distributed", "markov.arrays.placement",
                       # records are plain classes or records (a dataclass costs ~1 ms)
                       "dataclasses",
                       # topological order needs no heap (its import costs ~0.5 ms)
                       "heapq",
                       # reading a file and asking one posterior neither fits nor resolves
                       # data values; the fast path normalises its answers itself
                       "causal.values", "markov.inference.normalize",
                       # a model's diagrams are built from boxes: no copy, discard or swap
                       "diagrams.wiring",
                       # no array operation beyond a contraction's steps, no io converter
                       "markov.arrays.ops", "markov.arrays.tensor", "markov.arrays.construct",
                       "causal.io")


def _run(probe: str) -> str:
    """What a fresh interpreter running ``probe`` prints."""
    return subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                          text=True).stdout


def _loaded(setup: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def _loading_rain(tmp_path) -> str:
    """Code that loads the network ``BIF``, written as a .bif.gz file, into ``m``."""
    path = tmp_path / "rain.bif.gz"
    path.write_bytes(gzip.compress(BIF.encode()))
    return f"import causal\nm = causal.CausalModel.from_bif({str(path)!r})\n"


def _own(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in OWN]


@pytest.mark.parametrize("package", OWN)
def test_importing_a_package_loads_no_heavy_dependency_and_at_most_three_own_modules(package):
    loaded = _loaded(f"import {package}")
    assert not [m for m in HEAVY if m in loaded], f"import {package} loaded heavy modules"
    own = _own(loaded)
    # the package, diagrams (the lazy loader lives there) and diagrams._lazy
    assert len(own) <= 3, f"import {package} loaded {own}"
    assert "numpy" not in loaded, f"import {package} loaded numpy"


def test_importing_all_three_packages_loads_no_heavy_dependency():
    loaded = _loaded("import diagrams, markov, causal")
    assert not [m for m in HEAVY if m in loaded]
    assert sorted(_own(loaded)) == ["causal", "diagrams", "diagrams._lazy", "markov"]


def test_a_cold_posterior_loads_what_it_needs_and_no_more(tmp_path):
    loaded = _loaded(_loading_rain(tmp_path) + "m.query('Cloudy', evidence={'Wet': 'yes'})")
    # nothing heavy: a small network's paths are trivial (min-weight's, without opt_einsum)
    assert not [m for m in HEAVY if m in loaded]
    unneeded = [m for m in NOT_FOR_A_POSTERIOR if m in loaded]
    assert not unneeded, f"a posterior loaded {unneeded}"
    own = _own(loaded)
    # a first answer contracts once (markov.contraction.once): none of the compiler loads
    compiler = [m for m in own if m.split(".")[-1] in (
        "compile", "folding", "interpret", "pairwise", "paths", "plan", "runner", "staging")]
    assert not compiler, f"a first posterior loaded the compiler: {compiler}"
    # 34 (December 2026); about 90 before the packages loaded their names lazily
    assert len(own) <= 34, f"a cold posterior loaded {len(own)} of the library's modules: {own}"


def test_the_second_answer_of_a_pattern_compiles_it(tmp_path):
    loaded = _loaded(_loading_rain(tmp_path) + "m.query('Cloudy', evidence={'Wet': 'yes'}); "
                     "m.query('Cloudy', evidence={'Wet': 'no'})")
    assert {"markov.contraction.runner", "markov.contraction.compile"} <= set(_own(loaded))


def test_the_records_of_a_cold_posterior_are_built_without_compiling_annotations(tmp_path):
    # typing.NamedTuple compiles each field's annotation (a string under `from __future__
    # import annotations`) when its class is built: ~25 µs a field on every cold start, so
    # records on this path are collections.namedtuple (or plain classes)
    probe = (_loading_rain(tmp_path) + "import json, sys\n"
             "m.query('Cloudy', evidence={'Wet': 'yes'})\n"
             "typed = [f'{name}.{k}' for name, mod in list(sys.modules.items())\n"
             "         if name.split('.')[0] in ('diagrams', 'markov', 'causal')\n"
             "         for k, c in vars(mod).items() if isinstance(c, type)\n"
             "         and c.__module__ == name and issubclass(c, tuple)\n"
             "         and hasattr(c, '_fields') and c.__dict__.get('__annotations__')]\n"
             "print(json.dumps(typed))")
    assert json.loads(_run(probe)) == []


def test_a_cold_posterior_compiles_no_regular_expression_and_no_named_tuple(tmp_path):
    # compiling a pattern costs ~0.1-0.5 ms, a collections.namedtuple class ~150 µs (it
    # compiles code): the reader uses str methods, records are diagrams._lazy.record
    probe = ("import collections, json, re, sys\n"
             "made = []\n"
             "def caller():\n"
             "    return sys._getframe(2).f_globals.get('__name__', '')\n"
             "def own(name):\n"
             "    return name.split('.')[0] in ('diagrams', 'markov', 'causal')\n"
             "compile_, namedtuple = re._compile, collections.namedtuple\n"
             "def counted_compile(pattern, flags):\n"
             "    if own(sys._getframe(2).f_globals.get('__name__', '')):\n"
             "        made.append(str(pattern))\n"
             "    return compile_(pattern, flags)\n"
             "def counted_namedtuple(name, *a, **k):\n"
             "    if own(caller()):\n"
             "        made.append(name)\n"
             "    return namedtuple(name, *a, **k)\n"
             "re._compile, collections.namedtuple = counted_compile, counted_namedtuple\n"
             + _loading_rain(tmp_path)
             + "m.query('Cloudy', evidence={'Wet': 'yes'})\nprint(json.dumps(made))")
    assert json.loads(_run(probe)) == []


def test_a_file_the_bulk_reader_takes_compiles_no_number_pattern(tmp_path):
    # the number patterns check the tables the bulk reader could not read; a plain file has
    # none (they are compiled on first use)
    probe = (_loading_rain(tmp_path)
             + "from causal._bif_tables import _numbers_pattern, number_pattern\n"
             "print(number_pattern.cache_info().misses, _numbers_pattern.cache_info().misses)")
    assert _run(probe).split() == ["0", "0"]


def test_the_wiring_module_can_be_the_first_imported():
    # diagrams.diagram re-exports the wiring diagrams on first use; when it imported them
    # eagerly, `import diagrams.wiring` in a fresh interpreter failed on the circular import
    out = _run("import diagrams.wiring, diagrams.diagram, diagrams\n"
               "print(diagrams.diagram.copy is diagrams.wiring.copy is diagrams.copy)")
    assert out.strip() == "True"


def test_a_lazy_dependency_loads_on_first_use():
    probe = ("import sys, types, causal\n"
             "m = causal.CausalModel({'A': [], 'B': ['A']}, {'A': [0.5, 0.5],"
             " 'B': [[1, 0], [0, 1]]})\n"
             "assert m.graph.number_of_edges() == 1\n"
             "print(type(sys.modules['networkx']) is types.ModuleType)")
    out = _run(probe).strip()
    assert out == "True"


def test_every_public_name_resolves_lazily_and_is_listed_by_dir():
    probe = ("import json, diagrams, markov, causal\n"
             "out = {}\n"
             "for p in (diagrams, markov, causal):\n"
             "    listed = set(dir(p))\n"
             "    out[p.__name__] = [n for n in p.__all__\n"
             "                       if n not in listed or getattr(p, n) is None]\n"
             "print(json.dumps(out))")
    out = _run(probe)
    assert json.loads(out) == {"diagrams": [], "markov": [], "causal": []}


def test_a_submodule_imported_first_never_shadows_its_namesake_function():
    # causal.identify is the function, though causal/identify.py defines it; importing the
    # submodule (as the library does internally) must leave the package's name alone
    probe = ("import causal.identify, causal.surgery, causal.counterfactual, diagrams.trace\n"
             "import causal, diagrams, sys, types\n"
             "names = (causal.identify, causal.surgery, causal.counterfactual, diagrams.trace)\n"
             "print(all(isinstance(f, types.FunctionType) for f in names))\n"
             "from causal import identify\n"
             "print(identify is causal.identify is sys.modules['causal.identify'].identify)")
    out = _run(probe).split()
    assert out == ["True", "True"]


def test_submodules_are_reachable_as_attributes_and_unknown_names_raise_attribute_error():
    import markov

    assert markov.contraction.cache.PLANS is not None
    with pytest.raises(AttributeError, match="module 'markov' has no attribute 'nothing'"):
        markov.nothing  # noqa: B018
    from markov import Kernel, interpret
    assert Kernel.__name__ == "Kernel" and interpret is markov.interpret


def test_star_import_gives_every_public_name():
    probe = ("from causal import *\nimport causal\n"
             "print(sorted(set(causal.__all__) - set(globals())))")
    out = _run(probe).strip()
    assert out == "[]"
