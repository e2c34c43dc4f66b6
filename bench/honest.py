"""The benchmark of issue 12: this library against each anchor used as its documentation
recommends, on one thread, all ratios taken in one run with the methods interleaved.

- **pyAgrum**: one warm engine per network and question, its targets set to what is asked,
  evidence set once and then changed in place with ``chgEvidence``; both LazyPropagation and
  ShaferShenoyInference are timed and the faster is reported. A do-query runs on the
  mutilated network (the variable's arcs cut), with the intervention as evidence.
- **pgmpy**: VariableElimination, one query at a time.
- **cotengra**: the same equation as the library's batched query, contracted by an
  ``opt_einsum`` expression along a path cotengra's hyper-optimiser found (arrays prepared
  beforehand: the contraction alone).

Columns: cold (a fresh process: import, load the BIF file, first answer), steady single
posterior and do-query, all marginals given evidence, B = 1,024 evidence rows (as state names,
and as a pandas categorical column).

Run ``python -m bench.honest asia alarm ...``; it prints a markdown table.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 1024


def path_of(name: str) -> str:
    import pgmpy

    return os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models",
                        f"{name}.bif.gz")


def interleaved(methods: dict, budget: float = 1.0, max_rounds: int = 200) -> dict:
    """Median seconds per call of each method, the methods called in turn (so that load
    on a shared machine hits them alike) until ``budget`` seconds have passed. Each turn
    is a short burst of calls of one method (up to 10, about 0.2 ms in all), timed
    together: a steady call is one that follows calls of its own kind, as when a user
    clicks through evidence, not one whose caches another library has just filled. The
    order turns by one each round: the first turn of a round runs some microseconds slower
    on this machine, whichever method takes it."""
    times: dict = {k: [] for k in methods}
    bursts = {}
    for k, f in methods.items():
        f()  # warm
        each = []
        for _ in range(3):
            t = time.perf_counter()
            f()
            each.append(time.perf_counter() - t)
        bursts[k] = max(1, min(10, round(2e-4 / max(min(each), 1e-9))))
    start = time.perf_counter()
    rounds = 0
    order = list(methods.items())
    while rounds < 3 or (time.perf_counter() - start < budget and rounds < max_rounds):
        turn = rounds % len(order)
        for k, f in order[turn:] + order[:turn]:
            n = bursts[k]
            t = time.perf_counter()
            for _ in range(n):
                f()
            times[k].append((time.perf_counter() - t) / n)
        rounds += 1
    return {k: statistics.median(v) for k, v in times.items()}


# ---- the question asked of every method -------------------------------------------------------

def choose(model):
    """A target (the variable with most ancestors), an evidence variable (a leaf that is not
    the target) and an intervened variable (the target's first parent, else a root)."""
    graph = model.graph
    import networkx as nx

    target = max(model.variables, key=lambda v: (len(nx.ancestors(graph, v)), v))
    leaves = [v for v in model.variables if graph.out_degree(v) == 0 and v != target]
    evidence = leaves[0] if leaves else next(v for v in model.variables if v != target)
    do = model.parents[target][0] if model.parents[target] else evidence
    return target, evidence, do


# ---- pyAgrum ----------------------------------------------------------------------------------

def agrum_bn(model, cut: str | None = None):
    import pyagrum as gum

    bn = gum.BayesNet(model.name or "bn")
    for v in model.variables:
        bn.add(gum.LabelizedVariable(v, v, list(model.states[v])))
    for v in model.variables:
        if v == cut:
            continue
        for p in model.parents[v]:
            bn.addArc(p, v)
    for v in model.variables:
        cpt = bn.cpt(v)
        table = np.asarray(model.cpts[v], dtype=float)
        axes = [*model.parents[v], v]
        if v == cut:
            table, axes = np.full(len(model.states[v]), 1.0 / len(model.states[v])), [v]
        order = [axes.index(n) for n in reversed(cpt.names)]
        cpt.fillWith(table.transpose(order).reshape(-1).tolist())
    return bn


def agrum_engines(bn, targets, evidence: dict):
    """Warm LazyPropagation and ShaferShenoy engines: targets set, evidence set once."""
    import pyagrum as gum

    engines = {}
    for name, kind in (("lazy", gum.LazyPropagation), ("shafer", gum.ShaferShenoyInference)):
        e = kind(bn)
        if targets is not None:
            for t in targets:
                e.addTarget(t)
        e.setEvidence(evidence)
        e.makeInference()
        engines[name] = e
    return engines


def agrum_asker(engine, variable: str, values: list[int], targets):
    """A call that moves ``variable``'s evidence to the next of ``values`` (indices) and
    reads the posteriors of ``targets``."""
    state = {"i": 0}

    def ask():
        state["i"] += 1
        engine.chgEvidence(variable, values[state["i"] % len(values)])
        engine.makeInference()
        return [engine.posterior(t).toarray() for t in targets]

    return ask


# ---- the table --------------------------------------------------------------------------------

def cold(name: str, repeats: int = 7, close: float = 0.1, more: int = 21
         ) -> tuple[float, float]:
    """Seconds of a fresh process: import, load, first posterior (ours, pyAgrum), the median
    of ``repeats`` processes reading compiled bytecode as installed packages do
    (:mod:`bench.cold`); where the two medians are within ``close`` of each other, those of
    ``more`` new processes instead: numpy's import, most of both, spreads over ±20 %."""
    from bench.cold import medians, programs

    codes = {k: v for k, v in programs([name]).items()
             if k in (f"{name} ours", f"{name} pyAgrum")}
    found = medians(codes, repeats)
    ours, theirs = found[f"{name} ours"], found[f"{name} pyAgrum"]
    if abs(ours / theirs - 1) <= close:
        found = medians(codes, more)
    return found[f"{name} ours"], found[f"{name} pyAgrum"]


def row(name: str, budget: float, report=lambda partial: None) -> dict:
    """One network's measurements; ``report`` gets the row so far after each stage (what
    may take longest, pyAgrum's propagation to every variable, comes last)."""
    from causal import CausalModel

    model = CausalModel.from_bif(path_of(name))
    target, ev, do = choose(model)
    # evidence cycles through the states of positive probability (pyAgrum refuses the
    # others), interventions through all; values are state names
    possible = [i for i, p in enumerate(model.query(ev).array.tolist()) if p > 0]
    ev_states = [model.states[ev][i] for i in possible]
    do_states, every_do = model.states[do], list(range(len(model.states[do])))
    result = {"network": name, "n": len(model.variables)}
    bn = agrum_bn(model)
    plain = untabulated(name, target, ev_states[0], do_states[0], ev, do)
    ours_post = cycling(model.query, target, "evidence", ev, ev_states, on_zero="uniform")
    ours_do = cycling(model.query, target, "do", do, do_states)
    ours_all = cycling(model.marginals, None, "evidence", ev, ev_states, on_zero="uniform")
    plain_post = cycling(plain.query, target, "evidence", ev, ev_states, on_zero="uniform")
    plain_do = cycling(plain.query, target, "do", do, do_states)

    post = agrum_engines(bn, [target], {ev: possible[0]})
    cut = agrum_engines(agrum_bn(model, cut=do), [target], {do: 0})
    t = interleaved({
        "post": ours_post, "do": ours_do, "post plain": plain_post, "do plain": plain_do,
        "post lazy": agrum_asker(post["lazy"], ev, possible, [target]),
        "post shafer": agrum_asker(post["shafer"], ev, possible, [target]),
        "do lazy": agrum_asker(cut["lazy"], do, every_do, [target]),
        "do shafer": agrum_asker(cut["shafer"], do, every_do, [target])}, budget)
    result.update({k: t[k] for k in ("post", "do", "post plain", "do plain")})
    for q in ("post", "do"):
        result[q + " agrum"] = min(t[q + " lazy"], t[q + " shafer"])
        result[q + " engine"] = "LP" if t[q + " lazy"] <= t[q + " shafer"] else "SS"
    report(result)
    result.update(batch_row(model, target, ev, possible, post, budget, plain=plain))
    report(result)
    result["all"] = interleaved({"all": ours_all}, budget, max_rounds=30)["all"]
    report(result)
    result.update(pgmpy_row(model, target, (ev, model.states[ev][possible[0]]), budget))
    result["cold"], result["cold agrum"] = cold(name)
    report(result)
    every = agrum_engines(bn, None, {ev: possible[0]})
    t = interleaved({
        "all": ours_all,
        "all lazy": agrum_asker(every["lazy"], ev, possible, model.variables),
        "all shafer": agrum_asker(every["shafer"], ev, possible, model.variables)},
        budget, max_rounds=30)
    result["all"] = t["all"]
    result["all agrum"] = min(t["all lazy"], t["all shafer"])
    result["all engine"] = "LP" if t["all lazy"] <= t["all shafer"] else "SS"
    report(result)
    return result


def cycling(ask, target, role: str, variable: str, values: list, **options):
    """A call of ``ask`` (a model's ``query``, or ``marginals`` when ``target`` is None)
    with ``variable`` given (``role``: ``"evidence"`` or ``"do"``) the next of ``values``."""
    state = {"i": 0}

    def call():
        state["i"] += 1
        given = {role: {variable: values[state["i"] % len(values)]}}
        return ask(**given, **options) if target is None else ask(target, **given, **options)

    return call


def untabulated(name, target, ev_value, do_value, ev, do):
    """A second copy of the network whose query patterns (evidence on ``ev``, an
    intervention on ``do``) are never tabulated (:mod:`causal._fast`): each call runs the
    compiled query's runner, as a pattern over too many combinations of values does."""
    from causal import CausalModel, _fast

    plain = CausalModel.from_bif(path_of(name))
    kept, _fast.TABLE_ROWS = _fast.TABLE_ROWS, 0
    try:  # a pattern decides on its second call whether to tabulate: here, never
        for _ in range(2):
            plain.query(target, evidence={ev: ev_value}, on_zero="uniform")
            plain.query(target, do={do: do_value})
    finally:
        _fast.TABLE_ROWS = kept
    return plain


def batch_row(model, target, ev, possible, engines, budget, *, plain) -> dict:
    """B = 1,024 evidence rows: our batched query (tabulated, and ``plain``'s untabulated),
    given the rows as an array of state names and (tabulated) as a pandas categorical
    column, the same equation along cotengra's path, and a warm pyAgrum loop (16 rows,
    scaled; pyAgrum takes state indices)."""
    import cotengra as ctg
    import opt_einsum as oe

    from causal._query import bind
    from markov.contraction.interpret import _bind

    import pandas as pd

    idx = np.asarray(possible)[np.arange(BATCH) % len(possible)]
    rows = np.asarray(model.states[ev], dtype=object)[idx]  # values are state names
    column = pd.Categorical(rows)  # the same names as a pandas categorical column
    fixed = frozenset({ev}) if ev != target else frozenset()
    compiled = model._compile((target,), (ev,), frozenset(), fixed)
    mapping, _ = bind(compiled, model._arrays, {}, {ev: idx},
                      fixed={ev: idx} if fixed else {}, states=model.states,
                      backend=model.backend)
    bound = _bind(compiled.diagram, mapping, validate=False, prune=False)
    plan = bound.plan
    operands = plan._operands(bound.arrays, bound.backend, None)
    opt = ctg.HyperOptimizer(max_repeats=64, max_time=5, parallel=False, progbar=False,
                             minimize="flops")
    expr = oe.contract_expression(plan.equation, *[a.shape for a in operands], optimize=opt)
    loop = agrum_asker(engines["lazy"], ev, possible, [target])
    loop_shafer = agrum_asker(engines["shafer"], ev, possible, [target])

    def loop16(ask):
        return lambda: [ask() for _ in range(16)]

    t = interleaved({
        "batch": lambda: model.query(target, evidence={ev: rows}, on_zero="uniform"),
        "batch categorical": lambda: model.query(target, evidence={ev: column},
                                                 on_zero="uniform"),
        "batch plain": lambda: plain.query(target, evidence={ev: rows}, on_zero="uniform"),
        "batch cotengra": lambda: expr(*operands),
        "batch lazy": loop16(loop), "batch shafer": loop16(loop_shafer)}, budget, 50)
    return {"batch": t["batch"], "batch categorical": t["batch categorical"],
            "batch plain": t["batch plain"],
            "batch cotengra": t["batch cotengra"],
            "batch agrum": min(t["batch lazy"], t["batch shafer"]) * BATCH / 16}


def pgmpy_row(model, target, observed, budget) -> dict:
    import warnings

    from pgmpy.inference import VariableElimination

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bn = model.to_pgmpy()
        ve = VariableElimination(bn)
        ev, state = observed
        t = interleaved({"pgmpy": lambda: ve.query([target], evidence={ev: state},
                                                   show_progress=False)}, budget / 2, 10)
    return {"post pgmpy": t["pgmpy"]}


def fmt(seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e6:.2g} µs"


def table(rows: list[dict]) -> str:
    head = ("| network | cold: ours / pyAgrum | posterior: ours / pyAgrum (ratio) | "
            "do: ours / pyAgrum (ratio) | all marginals: ours / pyAgrum (ratio) | "
            "B=1024: ours (names; categorical) / cotengra (ratio) / pyAgrum loop | "
            "untabulated: posterior, do, B=1024 (ratios) | pgmpy VE posterior |")
    lines = [head, "|" + "---|" * 8]
    def ratio(a, b):
        return "–" if math.isnan(a / b) else f"{a / b:.2g}x"

    def pair(r, q):
        return (f"{fmt(r[q])} / {fmt(r[q + ' agrum'])} {r[q + ' engine']} "
                f"({ratio(r[q], r[q + ' agrum'])})")

    for r in rows:
        lines.append(
            f"| {r['network']} ({r['n']}) | {fmt(r['cold'])} / {fmt(r['cold agrum'])} | "
            f"{pair(r, 'post')} | {pair(r, 'do')} | {pair(r, 'all')} | "
            f"{fmt(r['batch'])}; {fmt(r['batch categorical'])} / {fmt(r['batch cotengra'])} "
            f"({ratio(r['batch'], r['batch cotengra'])}) / {fmt(r['batch agrum'])} | "
            f"{fmt(r['post plain'])} ({ratio(r['post plain'], r['post agrum'])}), "
            f"{fmt(r['do plain'])} ({ratio(r['do plain'], r['do agrum'])}), "
            f"{fmt(r['batch plain'])} ({ratio(r['batch plain'], r['batch cotengra'])}) | "
            f"{fmt(r['post pgmpy'])} |")
    late = [f"{r['network']} ({r['timeout']:.0f} s)" for r in rows if "timeout" in r]
    if late:
        lines.append(f"\n– not measured: the process was stopped after its time ran out, on "
                     f"{', '.join(late)}; the columns shown were measured before.")
    return "\n".join(lines)


#: Every network pgmpy ships as a BIF file.
ALL = ("asia", "cancer", "earthquake", "sachs", "survey", "alarm", "barley", "child",
       "insurance", "mildew", "water", "hailfinder", "hepar2", "win95pts", "pathfinder",
       "andes", "diabetes", "pigs", "link", "munin1", "munin2", "munin3", "munin4", "munin")


def summary(rows: list[dict]) -> str:
    """The targets of issue 12 against the rows: geometric mean and worst ratio, and on how
    many networks each is met."""
    done = rows
    lines = ["| target | geomean | worst | met on |", "|---|---|---|---|"]

    def line(what, ratios, goal, at_least=False):
        ratios = [(n, x) for n, x in ratios if not math.isnan(x)]
        if not ratios:
            return
        geo = math.exp(sum(math.log(x) for _, x in ratios) / len(ratios))
        worst = (min if at_least else max)(ratios, key=lambda p: p[1])
        met = sum((x >= goal) if at_least else (x <= goal) for _, x in ratios)
        lines.append(f"| {what} | {geo:.2g}x | {worst[1]:.2g}x ({worst[0]}) | "
                     f"{met} of {len(ratios)} |")

    for q, what in (("post", "posterior / pyAgrum ≤ 1"), ("do", "do-query / pyAgrum ≤ 1"),
                    ("all", "all marginals / pyAgrum ≤ 1"), ("cold", "cold / pyAgrum ≤ 1")):
        line(what, [(r["network"], r[q] / r[q + " agrum"]) for r in done], 1.0)
    line("B=1024 / cotengra ≤ 1.2",
         [(r["network"], r["batch"] / r["batch cotengra"]) for r in done], 1.2)
    line("pyAgrum loop / B=1024 ≥ 1000",
         [(r["network"], r["batch agrum"] / r["batch"]) for r in done], 1e3, at_least=True)
    line("pyAgrum loop / B=1024 (categorical) ≥ 1000",
         [(r["network"], r["batch agrum"] / r["batch categorical"]) for r in done], 1e3,
         at_least=True)
    for q, what in (("post", "untabulated posterior / pyAgrum ≤ 1"),
                    ("do", "untabulated do-query / pyAgrum ≤ 1")):
        line(what, [(r["network"], r[q + " plain"] / r[q + " agrum"]) for r in done], 1.0)
    line("untabulated B=1024 / cotengra ≤ 1.2",
         [(r["network"], r["batch plain"] / r["batch cotengra"]) for r in done], 1.2)
    return "\n".join(lines)


#: What a row holds, NaN until measured.
COLUMNS = ("post", "post agrum", "do", "do agrum", "all", "all agrum", "batch",
           "batch categorical", "batch cotengra", "batch agrum", "post pgmpy", "cold", "cold agrum",
           "post plain", "do plain", "batch plain")


def isolated(name: str, timeout: float) -> dict:
    """One network's row, measured in a fresh process that may take at most ``timeout``
    seconds; on time-out, what it had measured by then (``"timeout"`` says so)."""
    import json

    try:
        out = subprocess.run([sys.executable, "-m", "bench.honest", "--row", name],
                             capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                             check=True).stdout
        late = False
    except subprocess.TimeoutExpired as stopped:
        out, late = stopped.stdout or "", True
        out = out.decode() if isinstance(out, bytes) else out
    except subprocess.CalledProcessError as failed:  # keep what it measured, say why
        out, late = failed.stdout or "", False
        print(f"{name}: failed: {(failed.stderr or '').strip().splitlines()[-1:]}",
              file=sys.stderr, flush=True)
    lines = [line for line in out.strip().splitlines() if line.startswith("{")]
    found = json.loads(lines[-1]) if lines else {"network": name}
    row = {k: float("nan") for k in COLUMNS}
    row.update({"n": "?", "post engine": "", "do engine": "", "all engine": ""}, **found)
    if late:
        row["timeout"] = timeout
    return row


def measure(name: str, budget: float) -> dict:
    import json

    t0 = time.perf_counter()
    r = row(name, budget, lambda partial: print(json.dumps(partial), flush=True))
    print(f"{name}: done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return r


def main(argv: list[str]) -> None:
    """``NAME ...`` measures those networks in this process; ``--all`` every network pgmpy
    ships as BIF, each in its own process (``BENCH_TIMEOUT`` seconds at most, default
    900); ``--row NAME`` prints one network's row as JSON."""
    import json

    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass
    sys.path.insert(0, ROOT)
    budget = float(os.environ.get("BENCH_BUDGET", "1.0"))
    if argv[:1] == ["--row"]:
        measure(argv[1], budget)  # prints the row after each stage
        return
    if argv[:1] == ["--all"]:
        timeout = float(os.environ.get("BENCH_TIMEOUT", "900"))
        rows = []
        for name in ALL:
            rows.append(isolated(name, timeout))
            print(f"{name}: {'timed out' if 'timeout' in rows[-1] else 'done'}",
                  file=sys.stderr, flush=True)
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # kept, come what may
    else:
        rows = [measure(name, budget) for name in argv or ["asia", "alarm"]]
    print(table(rows))
    print()
    print(summary(rows))
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
