"""Cold starts: fresh processes timed from their first import to their first answer.

- **imports**: ``import numpy``, ``import markov``, ``import causal``, ``import pyagrum``, and
  ``from markov import Kernel`` (the first use of a name, which loads its modules);
- **cold**: import, load a BIF file that pgmpy bundles, first posterior of the first variable
  given the last one's first state (this library: ``CausalModel.from_bif`` then ``query``;
  pyAgrum: ``loadBN``, ``LazyPropagation``, ``makeInference``, ``posterior``);
- **after numpy**: the import of the library (pyAgrum), the load and the first answer, in a
  process that has imported numpy, untimed: both need it, and its import (~100 ms, most of a
  cold start) spreads over ±20 % between processes, more than the rest;
- **imported**: the load and first answer alone, in a process that has already imported the
  library and answered a query on another network (cancer, or asia for cancer), untimed.

Both programs first import ``gzip`` and ``tempfile``, untimed: pyAgrum reads no gzip file, so
its program inflates the file into a temporary one (timed), and our reader inflates with zlib,
which gzip loads. Each figure is the median of ``--repeats`` fresh processes, ours and
pyAgrum's in turn, after one untimed run of each. The processes read compiled bytecode as an
installed package does (``pip`` compiles it at install): a ``PYTHONDONTWRITEBYTECODE``
environment would compile the library from source on every start while pyAgrum's bytecode
ships compiled, so the cache goes to a temporary folder (``PYTHONPYCACHEPREFIX``);
``--source`` measures the uncached case.

Run ``python -m bench.cold asia alarm andes --repeats 7``; it prints a markdown table.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile

from bench.honest import ROOT, path_of

IMPORTS = {
    "import numpy": "import numpy",
    "import markov": "import markov",
    "import causal": "import causal",
    "from markov import Kernel": "from markov import Kernel",
    "import pyagrum": "import pyagrum",
}

OURS = ("m = causal.CausalModel.from_bif({path!r}); v = m.variables[-1];"
        "m.query(m.variables[0], evidence={{v: m.states[v][0]}}, on_zero='uniform')")
SETUP = "import gzip, tempfile"
THEIRS = ("src = gzip.open({path!r}).read();"
          "f = tempfile.NamedTemporaryFile(suffix='.bif', delete=False); f.write(src);"
          "f.close(); bn = gum.loadBN(f.name); e = gum.LazyPropagation(bn);"
          "names = sorted(bn.names()); e.setEvidence({{names[0]: 0}}); e.makeInference();"
          "e.posterior(names[-1])")


def timed(setup: str, body: str) -> str:
    """A program printing the seconds from before ``body`` to after it (``setup``, imports of
    the standard library only, runs first and is not counted)."""
    return (f"{setup}\nimport time\nt = time.perf_counter()\n{body}\n"
            "print(time.perf_counter() - t)")


def programs(names: list[str]) -> dict[str, str]:
    """Every program to time, by the name of its row and column."""
    out = {k: timed("", code) for k, code in IMPORTS.items()}
    for name in names:
        path = path_of(name)
        # Load and first answer alone: the same process first answers a query on another
        # network, untimed, so that each library is imported and has run once.
        other = path_of("asia" if name == "cancer" else "cancer")
        out[f"{name} ours, imported"] = timed(
            f"{SETUP}\nimport causal\n{OURS.format(path=other)}", OURS.format(path=path))
        out[f"{name} pyAgrum, imported"] = timed(
            f"{SETUP}\nimport pyagrum as gum\n{THEIRS.format(path=other)}",
            THEIRS.format(path=path))
        out[f"{name} ours, after numpy"] = timed(f"{SETUP}, numpy",
                                                 "import causal\n" + OURS.format(path=path))
        out[f"{name} pyAgrum, after numpy"] = timed(
            f"{SETUP}, numpy", "import pyagrum as gum\n" + THEIRS.format(path=path))
        # Both start with the standard library modules pyAgrum's program needs to inflate
        # the file for it (gzip loads zlib, which our reader uses too), untimed.
        out[f"{name} ours"] = timed(SETUP, "import causal\n" + OURS.format(path=path))
        out[f"{name} pyAgrum"] = timed(SETUP,
                                       "import pyagrum as gum\n" + THEIRS.format(path=path))
    return out


def run(code: str, env: dict) -> float:
    """Seconds printed by one fresh process running ``code`` (NaN when it fails)."""
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=300, cwd=ROOT, env=env, check=False)
        return float(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError, subprocess.TimeoutExpired):
        return float("nan")


def medians(codes: dict[str, str], repeats: int, source: bool = False) -> dict[str, float]:
    """Median seconds of each program over ``repeats`` fresh processes, taken in turn."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as cache:
        if source:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env["PYTHONPYCACHEPREFIX"] = cache
        for code in codes.values():  # untimed: fills the bytecode and page caches
            run(code, env)
        times: dict[str, list[float]] = {k: [] for k in codes}
        for _ in range(repeats):
            for k, code in codes.items():
                times[k].append(run(code, env))
    return {k: statistics.median(v) for k, v in times.items()}


def fmt(seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    return f"{seconds * 1e3:.0f} ms" if seconds >= 0.01 else f"{seconds * 1e3:.2f} ms"


def table(found: dict[str, float], names: list[str]) -> str:
    lines = ["| import | median |", "|---|---|"]
    lines += [f"| `{k}` | {fmt(found[k])} |" for k in IMPORTS]
    lines += ["", "| network | cold: ours | cold: pyAgrum | ratio | after numpy: ours | pyAgrum "
              "| ratio | load + first answer, imported: ours | pyAgrum | ratio |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for name in names:
        row = [f"| {name} "]
        for kind in ("", ", after numpy", ", imported"):
            ours, theirs = found[f"{name} ours{kind}"], found[f"{name} pyAgrum{kind}"]
            row.append(f"| {fmt(ours)} | {fmt(theirs)} | {ours / theirs:.2f}x ")
        lines.append("".join(row) + "|")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="*", default=["asia", "alarm", "andes"])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--source", action="store_true",
                        help="no bytecode cache: every module compiled from source")
    args = parser.parse_args(argv)
    found = medians(programs(args.networks), args.repeats, args.source)
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.repeats} processes"
          + (" (no bytecode cache)" if args.source else ""))
    print(table(found, args.networks))


if __name__ == "__main__":
    main(sys.argv[1:])
