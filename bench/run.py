"""Benchmarks: this library against pgmpy, pyAgrum, DisCoPy and hand-precompiled opt_einsum,
side by side in one process, on pgmpy's bundled networks; writes ``bench/last_run.md``
(docs/performance.md is written from :mod:`bench.honest`, which drives pyAgrum with warm
engines as its documentation recommends; this suite's pyAgrum recomputes on every call).

    python bench/run.py            # every network (tens of minutes on two cores)
    python bench/run.py --quick    # small networks, B <= 64, fewer repeats (about a minute)
    python bench/run.py --networks asia,munin --out /tmp/perf.md

Queries per network: a single marginal of the variable with the most ancestors, a do-query
on one of its ancestors, a posterior given point evidence on up to five leaves (drawn from
the model, so it has positive probability), and batches of B = 64 and 1024 interventions
and evidence rows (B = 1 is the single query). Every method's answer is checked against
``interpret`` (numpy); times are medians; loops of pgmpy / pyAgrum queries over a batch are
timed on at most ``--loop-rows`` rows and scaled to B (marked "x B/n").
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small networks, B <= 64")
    parser.add_argument("--networks", help="comma-separated names (default: all, or the "
                        "quick set)")
    parser.add_argument("--out", default=os.path.join(HERE, "last_run.md"),
                        help="where to write the report ('-' for none)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS / torch threads (default 1: stable medians)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds of repeats per measurement (default 0.5, quick 0.15)")
    parser.add_argument("--loop-rows", type=int, default=None,
                        help="batch rows a pgmpy / pyAgrum loop runs (default 16, quick 4)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="a method whose setup or first call takes longer is skipped")
    parser.add_argument("--save", default=os.path.join(HERE, "last_run.json"),
                        help="where to keep the raw results (JSON)")
    parser.add_argument("--render", metavar="JSON",
                        help="only write the report from saved results")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    sys.path.insert(0, ROOT)
    from bench import suite

    return suite.render(args) if args.render else suite.run(args)


if __name__ == "__main__":
    sys.exit(main())
