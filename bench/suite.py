"""The benchmark suite behind ``bench/run.py``: tasks, timed methods, agreement checks."""

from __future__ import annotations

import math
import signal
import statistics
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench import anchors
from bench.anchors import Skip, Task
from bench.networks import NETWORKS, Query, kahn_order, leaves, load, sample, topological

QUICK = ("asia", "sachs", "child", "insurance", "alarm")
#: Answers further apart than this from interpret's (numpy) count as a disagreement.
AGREE = 1e-6


@dataclass
class Result:
    network: str
    kind: str
    batch: int
    method: str
    seconds: float | None = None      # per call, for the whole batch (scaled for loops)
    rows: int = 1                     # rows actually timed (loops may time fewer than B)
    diff: float | None = None         # max |answer - interpret's answer|
    note: str = ""


def ancestors(spec) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for v in topological(spec):
        out[v] = set(spec.parents[v]).union(*(out[p] for p in spec.parents[v]))
    return out


def tasks_for(name: str, batches: tuple[int, ...]) -> list[Task]:
    """The queries of one network (see bench/run.py)."""
    spec = load(name)
    order = topological(spec)
    anc = ancestors(spec)
    target = max(order, key=lambda v: (len(anc[v]), order.index(v)))
    causes = [v for v in order if v in anc[target] and spec.parents[v]] or \
        [v for v in order if v in anc[target]] or [v for v in order if v != target]
    cause = causes[len(causes) // 2]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    candidates = [v for v in leaves(spec) if v not in (target, cause)]
    observed = [candidates[i] for i in sorted(rng.choice(len(candidates),
                                                         min(5, len(candidates)),
                                                         replace=False))]
    draws = sample(spec, rng, max((1, *batches)))
    k = len(spec.states[cause])
    tasks = [Task(name, "marginal", target),
             Task(name, "do", target, do={cause: draws[cause][:1]}),
             Task(name, "evidence", target, evidence={v: draws[v][:1] for v in observed})]
    for b in batches:
        tasks.append(Task(name, "do", target, do={cause: rng.integers(0, k, b)}, batch=b))
        tasks.append(Task(name, "evidence", target,
                          evidence={v: draws[v][:b] for v in observed}, batch=b))
    return tasks


class _Timeout(Exception):
    pass


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """Run ``fn``, raising :class:`Skip` when it takes longer than ``seconds`` (the alarm
    interrupts Python code; native code is interrupted when it returns)."""
    def alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    except _Timeout:
        raise Skip(f"over {seconds:.0f} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def methods(loop_rows: int) -> list[tuple[str, Callable[[Task], tuple[Callable, Callable, int]]]]:
    """``(name, setup)``; a setup returns (timed call, answer rows, rows timed)."""
    def interp(device):
        def setup(task):
            run = anchors.setup_interpret(task, device)
            return run, run.answer, task.batch
        return setup

    def causal(task):
        run = anchors.setup_causal(task)
        return run, run, task.batch

    def einsum(same_path):
        def setup(task):
            run = anchors.setup_opt_einsum(task, same_path)
            return run, run.answer, task.batch
        return setup

    def loop(setup_loop):
        def setup(task):
            run, rows = setup_loop(task, loop_rows)
            return run, run, rows
        return setup

    def discopy(task):
        run = anchors.setup_discopy(task)
        return run, run.answer, 1

    out = [("interpret", interp(None)), ("interpret-torch", interp("cpu"))]
    try:
        import torch

        if torch.cuda.is_available():
            out.append(("interpret-cuda", interp("cuda")))
    except ImportError:
        pass
    out += [("causal.query", causal), ("opt_einsum", einsum(False)),
            ("opt_einsum-path", einsum(True)),
            ("pyagrum", loop(anchors.setup_pyagrum)), ("pgmpy", loop(anchors.setup_pgmpy)),
            ("discopy", discopy)]
    return out


def run_task(task: Task, loop_rows: int, budget: float, timeout: float,
             skip: dict[str, str], slow: dict[str, float]) -> list[Result]:
    """Every method on one task; ``skip`` remembers methods that timed out on this network,
    ``slow`` the single-query seconds of each method (a loop of queries slower than a second
    each is timed on 2 rows). Methods are set up and checked first, then timed in
    interleaved rounds (:func:`interleaved`), so that a change in the machine's load hits
    them alike."""
    results, calls = [], {}
    reference = anchors.setup_interpret(task).answer()
    for name, setup in methods(loop_rows):
        if task.batch > 1 and slow.get(name, 0.0) > 1.0:
            setup = dict(methods(2))[name]
        result = Result(task.network, task.kind, task.batch, name)
        results.append(result)
        if name in skip:
            result.note = skip[name]
            continue
        try:
            call, answer, rows = within(timeout, lambda setup=setup: setup(task))
            start = time.perf_counter()
            got = within(timeout, answer)
            first = time.perf_counter() - start
            result.rows = rows
            result.diff = float(np.max(np.abs(np.asarray(got) - reference[:len(got)])))
            calls[name] = (call, first)
            if rows < task.batch:
                result.note = f"x B/{rows}"
        except Skip as e:
            result.note = str(e)
            if "over" in str(e) or "clique" in str(e):
                skip[name] = str(e)
        except ImportError as e:
            result.note = f"not installed ({e.name})"
            skip[name] = result.note
        except Exception as e:  # noqa: BLE001  (a method that fails is reported, not fatal)
            result.note = f"{type(e).__name__}: {str(e)[:80]}"
    medians = interleaved(calls, budget)
    for result in results:
        if result.method in medians:
            seconds = medians[result.method]
            result.seconds = seconds * task.batch / result.rows
            if task.batch == 1:
                slow[result.method] = max(slow.get(result.method, 0.0), seconds)
    return results


def interleaved(calls: dict[str, tuple[Callable, float]], budget: float,
                rounds: int = 5) -> dict[str, float]:
    """Median seconds per call of each method, timed in ``rounds`` interleaved rounds that
    together fill about ``budget`` per method; a method whose first call took longer than
    the budget is timed once more, alone."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for name, (call, first) in calls.items():
        if first > budget:
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    fast = {name: c for name, c in calls.items() if c[1] <= budget}
    for _ in range(rounds):
        for name, (call, first) in fast.items():
            n = max(1, min(40, int(budget / rounds / max(first, 1e-6))))
            for _ in range(n):
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items() if t}


def layout(name: str, budget: float) -> dict[str, Any]:
    """The marginal query in two layouts (two topological orders): plan cost and time."""
    from markov import Kernel, interpret, plan

    spec = load(name)
    target = tasks_for(name, ())[0].target
    out: dict[str, Any] = {"network": name}
    calls = {}
    for label, order in (("dfs", topological(spec)), ("kahn", kahn_order(spec))):
        q = Query(spec, (target,), order=order)
        mapping = {b: Kernel(q.mapping[b.name], dom=b.dom, cod=b.cod, validate=False)
                   for b in q.diagram.boxes}
        out[f"{label}_flops"] = plan(q.diagram, mapping).flops

        def call(q=q, m=mapping):
            return interpret(q.diagram, m)

        start = time.perf_counter()
        call()
        calls[label] = (call, time.perf_counter() - start)
    for label, seconds in interleaved(calls, budget).items():
        out[f"{label}_seconds"] = seconds
    return out


def run(args) -> int:
    from bench import report

    networks = args.networks.split(",") if args.networks else (QUICK if args.quick
                                                                 else NETWORKS)
    batches = (64,) if args.quick else (64, 1024)
    budget = args.budget or (0.15 if args.quick else 0.5)
    loop_rows = args.loop_rows or (4 if args.quick else 16)
    _threads(args.threads)
    results: list[Result] = []
    layouts, compiles = [], {}
    started = time.perf_counter()
    for name in networks:
        skip: dict[str, str] = {}
        slow: dict[str, float] = {}
        print(f"== {name}", flush=True)
        tasks = tasks_for(name, batches)
        compiles[name] = anchors.compile_seconds(tasks[0])
        for task in tasks:
            rows = run_task(task, loop_rows, budget, args.timeout, skip, slow)
            results.extend(rows)
            print(report.line(rows), flush=True)
        layouts.append(layout(name, budget))
    elapsed = time.perf_counter() - started
    save(args.save, results, layouts, compiles, elapsed)
    text = report.markdown(results, layouts, compiles, args, elapsed)
    print(report.summary(results, layouts))
    if args.out != "-":
        with open(args.out, "w") as f:
            f.write(text)
        print(f"wrote {args.out}")
    bad = [r for r in results if r.diff is not None and r.diff > AGREE]
    for r in bad:
        print(f"DISAGREE {r.network} {r.kind} B={r.batch} {r.method}: {r.diff:.3g}")
    return 1 if bad else 0


def save(path: str, results, layouts, compiles, elapsed) -> None:
    """The raw results as JSON, so that the report can be rendered again (``--render``)."""
    import dataclasses
    import json

    with open(path, "w") as f:
        json.dump({"results": [dataclasses.asdict(r) for r in results], "layouts": layouts,
                   "compiles": compiles, "elapsed": elapsed}, f, indent=1)


def render(args) -> int:
    """Write the report from saved results (``bench/run.py --render results.json``)."""
    import json

    from bench import report

    with open(args.render) as f:
        data = json.load(f)
    results = [Result(**r) for r in data["results"]]
    text = report.markdown(results, data["layouts"], data["compiles"], args, data["elapsed"])
    print(report.summary(results, data["layouts"]))
    if args.out != "-":
        with open(args.out, "w") as f:
            f.write(text)
        print(f"wrote {args.out}")
    return 0


def _threads(n: int) -> None:
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass


def geomean(values) -> float:
    values = [v for v in values if v and v > 0 and math.isfinite(v)]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")
