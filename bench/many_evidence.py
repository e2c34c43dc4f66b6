"""All marginals with evidence on several leaves, every value changing on every call: what a
user entering a whole record asks, and where the joints kept per evidence pattern
(:mod:`markov.inference.folded_marginals`) do not apply, so that each call sweeps the
network forward and back. Against pyAgrum's warm engines (every variable a target, evidence
changed in place, the faster of LazyPropagation and ShaferShenoy), interleaved as in
:mod:`bench.honest`.

Run ``python -m bench.many_evidence alarm andes pigs --leaves 8``; it prints a markdown table.
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.honest import agrum_bn, agrum_engines, fmt, interleaved, path_of


def rows_of(model, leaves: list[str], n: int, seed: int = 0) -> list[dict]:
    """``n`` combinations of states of ``leaves`` of positive probability (pyAgrum refuses
    the others), as state indices."""
    joint = model.query(leaves).array
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < n:
        values = {v: int(rng.integers(len(model.states[v]))) for v in leaves}
        if joint[tuple(values[v] for v in leaves)] > 0:
            found.append(values)
    return found


def measure(name: str, n_leaves: int, budget: float) -> dict:
    from causal import CausalModel

    model = CausalModel.from_bif(path_of(name))
    leaves = [v for v in model.variables if model.graph.out_degree(v) == 0][:n_leaves]
    rows = rows_of(model, leaves, 64)
    names = [{v: model.states[v][i] for v, i in r.items()} for r in rows]
    engines = agrum_engines(agrum_bn(model), None, rows[0])
    state = {"i": 0}

    def ours():
        state["i"] += 1
        return model.marginals(evidence=names[state["i"] % len(names)])

    def theirs(engine):
        def ask():
            state["i"] += 1
            for v, i in rows[state["i"] % len(rows)].items():
                engine.chgEvidence(v, i)
            engine.makeInference()
            return [engine.posterior(v).toarray() for v in model.variables]
        return ask

    t = interleaved({"ours": ours, "lazy": theirs(engines["lazy"]),
                     "shafer": theirs(engines["shafer"])}, budget, max_rounds=30)
    best = min(("LP", t["lazy"]), ("SS", t["shafer"]), key=lambda p: p[1])
    return {"network": name, "n": len(model.variables), "leaves": len(leaves),
            "ours": t["ours"], "agrum": best[1], "engine": best[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="*", default=["alarm", "andes"])
    parser.add_argument("--leaves", type=int, default=8)
    parser.add_argument("--budget", type=float, default=2.0)
    args = parser.parse_args()
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass
    print("| network | observed leaves | ours | pyAgrum | ratio |")
    print("|---|---|---|---|---|")
    for name in args.networks:
        r = measure(name, args.leaves, args.budget)
        print(f"| {r['network']} ({r['n']}) | {r['leaves']} | {fmt(r['ours'])} | "
              f"{fmt(r['agrum'])} {r['engine']} | {r['ours'] / r['agrum']:.2g}x |", flush=True)


if __name__ == "__main__":
    main()
