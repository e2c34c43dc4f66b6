"""Distributed benchmarks: rows per second scoring a table, and a sliced contraction run as
dask tasks. Writes a markdown report (default ``bench/distributed_results.md``).

    python bench/distributed.py          # alarm and link (10**6 rows each), the grid
    python bench/distributed.py --rows 100000 --networks alarm --no-grid

**Rows per second.** The posterior of one target (the variable with the most ancestors)
given evidence on five leaves, for ``--rows`` rows resampled from a pool of ancestral
samples (so every row has positive probability). Methods:

- *one process*: ``CausalModel.query`` on the rows in batches of ``--partition`` rows, in
  this process;
- *LocalCluster, w workers*: the same rows as a dask DataFrame of ``--partition``-row
  partitions, ``model.query(target, evidence=frame).compute()`` on a LocalCluster of ``w``
  single-threaded worker processes (the rows go to the workers and the answers come back:
  the network is in the time);
- *pyAgrum*: a warm ``LazyPropagation`` with the target set, evidence set once and changed
  in place with ``chgEvidence`` for each row; timed on ``--agrum-rows`` rows and scaled.

**Sliced contraction.** A ``--grid`` W x H grid network (parents: the cells above and to
the left, K states), the posterior of the bottom-right cell given the rest of the bottom
row, unsliced in one process, sliced under ``max_memory`` in one process, and sliced with
its slices as tasks of a 2-worker LocalCluster: time, and the peak memory of a second run
traced by tracemalloc (numpy's arrays), in this process or on each worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="alarm:1000000,link:1000000",
                        help="rows to score: N, or network:N,... ")
    parser.add_argument("--networks", default="alarm,link")
    parser.add_argument("--partition", default="alarm:65536,link:16384",
                        help="rows per partition (and per batch in one process): N, or "
                        "network:N,...")
    parser.add_argument("--workers", default="1,2", help="LocalCluster sizes (scaling curve)")
    parser.add_argument("--agrum-rows", type=int, default=None,
                        help="rows the pyAgrum loop runs (default: 2000 on alarm, 50 on link)")
    parser.add_argument("--agrum-timeout", type=float, default=300.0,
                        help="seconds after which the pyAgrum loop is stopped")
    parser.add_argument("--grid", default="13,13,3", help="W,H,K of the sliced grid")
    parser.add_argument("--slice-factor", type=int, default=16,
                        help="max_memory = the unsliced largest intermediate / this")
    parser.add_argument("--no-grid", action="store_true")
    parser.add_argument("--out", default=os.path.join(HERE, "distributed_results.md"))
    return parser.parse_args(argv)


# ---- rows per second ------------------------------------------------------------------------

def scoring_task(name: str, n_rows: int):
    """(model, target, evidence DataFrame of n_rows rows) for a network."""
    import numpy as np
    import pandas as pd

    from bench.networks import leaves, load, path_of, sample, topological
    from bench.suite import ancestors
    from causal import CausalModel

    spec = load(name)
    order = topological(spec)
    anc = ancestors(spec)
    target = max(order, key=lambda v: (len(anc[v]), order.index(v)))
    rng = np.random.default_rng(0)
    candidates = [v for v in leaves(spec) if v != target]
    observed = [candidates[i] for i in sorted(rng.choice(len(candidates), 5, replace=False))]
    pool = sample(spec, rng, 20_000)
    pick = rng.integers(0, 20_000, n_rows)
    frame = pd.DataFrame({v: pool[v][pick].astype(np.int64) for v in observed})
    return CausalModel.from_bif(path_of(name)), target, frame


def one_process(model, target, frame, partition: int):
    import numpy as np

    model.query(target, evidence=frame.iloc[:partition])     # compile (as the workers do)
    start = time.perf_counter()
    out = [model.query(target, evidence=frame.iloc[i:i + partition]).array
           for i in range(0, len(frame), partition)]
    seconds = time.perf_counter() - start
    return seconds, np.concatenate(out)


def on_cluster(model, target, frame, partition: int, workers: int):
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=40) as cluster, \
            Client(cluster) as client:
        ddf = dd.from_pandas(frame, chunksize=partition)
        warm = dd.from_pandas(frame.iloc[:partition * workers], npartitions=workers)
        model.query(target, evidence=warm).compute()     # workers import and compile
        client.run(_trim)
        start = time.perf_counter()
        result = model.query(target, evidence=ddf).compute()
        seconds = time.perf_counter() - start
    return seconds, result.to_numpy()


def pyagrum_loop(name, model, target, frame, rows: int):
    import numpy as np
    import pyagrum as gum

    from bench.anchors import pyagrum_bn

    bn = pyagrum_bn(name)
    engine = gum.LazyPropagation(bn)
    engine.addTarget(target)
    columns = list(frame.columns)
    values = frame.to_numpy()
    engine.setEvidence({v: int(x) for v, x in zip(columns, values[0])})
    engine.makeInference()
    labels = [bn.variable(target).label(i) for i in range(bn.variable(target).domainSize())]
    order = [labels.index(s) for s in model.states[target]]
    out = []
    start = time.perf_counter()
    for row in values[:rows]:
        for v, x in zip(columns, row):
            engine.chgEvidence(v, int(x))
        engine.makeInference()
        out.append(engine.posterior(target).toarray()[order])
    seconds = time.perf_counter() - start
    return seconds, np.array(out)


def _in_child(fn, args, timeout: float):
    """``fn(*args)`` in a forked process, or None when it takes longer than ``timeout``
    seconds (pyAgrum's inference is native code that a signal does not interrupt)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=lambda: send.send(fn(*args)))
    child.start()
    ready = receive.poll(timeout)
    result = receive.recv() if ready else None
    child.kill() if not ready else child.join()
    return result


def _trim():
    import gc

    gc.collect()


def per_network(value: str, name: str) -> int:
    """``"N"`` or ``"net:N,net2:M"`` -> the number for ``name``."""
    if ":" not in value:
        return int(value)
    return int(dict(item.split(":") for item in value.split(","))[name])


def rows_per_second(args, lines):
    import numpy as np

    workers = [int(w) for w in args.workers.split(",")]
    lines += ["## Rows per second: one target's posterior for a table of evidence rows", "",
              "Evidence on five leaves; pyAgrum timed on a sample of rows and scaled. "
              "'max diff' is against the one-process answer.", "",
              "| network | method | rows (partition) | seconds | rows / s | max diff |",
              "|---|---|---:|---:|---:|---:|"]
    curve = []
    for name in args.networks.split(","):
        n_rows = per_network(args.rows, name)
        partition = per_network(args.partition, name)
        model, target, frame = scoring_task(name, n_rows)
        seconds, reference = one_process(model, target, frame, partition)
        lines.append(f"| {name} | one process | {n_rows:,} ({partition:,}) | {seconds:.2f} | "
                     f"{n_rows / seconds:,.0f} | 0 |")
        print(lines[-1], flush=True)
        for w in workers:
            s, got = on_cluster(model, target, frame, partition, w)
            diff = float(np.abs(got - reference).max())
            lines.append(f"| {name} | LocalCluster, {w} worker{'s' * (w > 1)} | "
                         f"{n_rows:,} ({partition:,}) | {s:.2f} | {n_rows / s:,.0f} | "
                         f"{diff:.1e} |")
            curve.append((name, w, n_rows / s))
            print(lines[-1], flush=True)
        rows = args.agrum_rows or (2000 if name != "link" else 50)
        timed = _in_child(pyagrum_loop, (name, model, target, frame, rows), args.agrum_timeout)
        if timed is None:
            lines.append(f"| {name} | pyAgrum warm loop | 0 of {rows:,} | over "
                         f"{args.agrum_timeout:.0f} s (stopped) | < {rows / args.agrum_timeout:.2g}"
                         " | - |")
        else:
            s, got = timed
            diff = float(np.abs(got - reference[:rows]).max())
            lines.append(f"| {name} | pyAgrum warm loop | {rows:,} (x {n_rows // rows:,}) "
                         f"| {s * n_rows / rows:.4g} | {rows / s:,.3g} | {diff:.1e} |")
        print(lines[-1], flush=True)
    lines += ["", "Scaling curve (rows / s against workers; this machine has 2 cores, so "
              "the curve has two points):", "",
              "| network | workers | rows / s |", "|---|---:|---:|"]
    lines += [f"| {n} | {w} | {r:,.0f} |" for n, w, r in curve]
    lines.append("")


# ---- a sliced contraction -------------------------------------------------------------------

def grid(w: int, h: int, k: int):
    import numpy as np

    from causal import CausalModel

    rng = np.random.default_rng(0)
    parents, cpts = {}, {}
    for i in range(h):
        for j in range(w):
            ps = ([f"g{i - 1}_{j}"] if i else []) + ([f"g{i}_{j - 1}"] if j else [])
            table = rng.random([k] * len(ps) + [k]) + 0.1
            parents[f"g{i}_{j}"], cpts[f"g{i}_{j}"] = ps, table / table.sum(-1, keepdims=True)
    evidence = {f"g{h - 1}_{j}": 0 for j in range(w - 1)}
    return CausalModel(parents, cpts), f"g{h - 1}_{w - 1}", evidence


def _reset_peak() -> int:
    """Start (or reset) tracemalloc's peak in this process; the bytes traced now. numpy's
    arrays are traced, so the peak above this is the contraction's own memory."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        tracemalloc.start()
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def _peak_above(base: int) -> int:
    import tracemalloc

    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def sliced_contraction(args, lines):
    import numpy as np
    from distributed import Client, LocalCluster

    from markov.contraction.interpret import _meta

    w, h, k = (int(x) for x in args.grid.split(","))
    model, target, evidence = grid(w, h, k)
    start = time.perf_counter()
    full = model.query(target, evidence=evidence).array
    compile_s = time.perf_counter() - start
    compiled = next(iter(model._cache.values()))
    plan = next(iter(_meta(compiled.diagram, False).plans.values()))
    budget = max(plan.largest_intermediate * 8 // args.slice_factor, 64)
    rows = []

    def timed(label, **kwargs):
        model.query(target, evidence=evidence, **kwargs)   # compile the sliced plan
        start = time.perf_counter()
        got = model.query(target, evidence=evidence, **kwargs).array
        seconds = time.perf_counter() - start
        base = _reset_peak()                                # a second run, traced
        model.query(target, evidence=evidence, **kwargs)
        rows.append((label, seconds, _peak_above(base), float(np.abs(got - full).max())))
        print(rows[-1], flush=True)

    timed("unsliced, one process")
    timed("sliced, one process", max_memory=budget)
    sliced = next(p for p in _meta(compiled.diagram, False).plans.values() if p.n_slices > 1)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=40) as cluster, \
            Client(cluster) as client:
        model.query(target, evidence=evidence, max_memory=budget, executor=client)
        start = time.perf_counter()
        got = model.query(target, evidence=evidence, max_memory=budget,
                          executor=client).array
        seconds = time.perf_counter() - start
        bases = client.run(_reset_peak)                     # a second run, traced
        model.query(target, evidence=evidence, max_memory=budget, executor=client)
        peaks = client.run(_worker_peak, bases)
    rows.append(("sliced, 2-worker LocalCluster", seconds, max(peaks.values()),
                 float(np.abs(got - full).max())))
    lines += ["## A sliced contraction run distributed", "",
              f"A {w} x {h} grid network ({k} states per cell), the posterior of the "
              "bottom-right cell given the rest of the bottom row. Unsliced plan: largest "
              f"intermediate {plan.largest_intermediate:,} entries "
              f"({plan.largest_intermediate * 8 / 2**20:.1f} MiB), {plan.flops:.3g} "
              f"multiply-adds (first query, compile included: {compile_s:.1f} s). Sliced "
              f"under max_memory = {budget / 2**20:.2f} MiB: {sliced.n_slices} slices of "
              f"{sliced.slice_largest:,} entries ({sliced.slice_largest * 8 / 2**20:.2f} "
              f"MiB), {sliced.flops:.3g} multiply-adds in all. Peak memory: the peak of "
              "the memory tracemalloc traces (numpy's arrays) during a second, traced run, "
              "above what was allocated before it (per worker: the larger of the two).",
              "",
              "| run | seconds | peak memory (MiB) | max diff |", "|---|---:|---:|---:|"]
    lines += [f"| {label} | {s:.2f} | {peak / 2**20:.1f} | {diff:.1e} |"
              for label, s, peak, diff in rows]
    lines.append("")


def _worker_peak(bases, dask_worker=None):
    return _peak_above(bases[dask_worker.address])


def main(argv=None) -> int:
    args = parse(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    # Run as a script, this file's folder comes first on the path and its name would hide
    # the distributed package.
    sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    lines = ["# Distributed benchmarks", "",
             f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
             f"{os.cpu_count()} cores, one thread per process.", ""]
    if args.networks:
        rows_per_second(args, lines)
    if not args.no_grid:
        sliced_contraction(args, lines)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        with open(args.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
