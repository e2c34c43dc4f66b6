"""Differential fuzz of causal queries: random Bayesian networks against pgmpy's variable
elimination (marginals, posteriors, do-queries on the mutilated network), and exact
(Fraction) models against the same models in floats.

Fixed seeds; ``FUZZ_EXAMPLES`` (default 12) sets how many networks each test draws, so a long
run is ``FUZZ_EXAMPLES=2000 pytest -q -p no:xdist -k fuzz tests``. Example ``k`` uses seed
``k``: a failure names the seed that reproduces it.
"""

from __future__ import annotations

import os
import warnings
from fractions import Fraction

import numpy as np
import pytest

from causal import CausalModel
from markov import ZeroProbabilityEvidence
from markov.inference.disintegration import conditional, disintegrate, marginal

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
SEEDS = range(EXAMPLES)


def random_network(seed: int, exact: bool = False) -> tuple[dict, dict, dict]:
    """Parents, tables (axes ``[*parents, v]``) and cardinalities of a random network of 2 to
    7 variables with up to 3 parents each; exact tables hold Fractions, with zeros now and
    then (deterministic rows)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 8))
    names = [f"V{i}" for i in range(n)]
    card = {v: int(rng.integers(2, 4)) for v in names}
    parents, cpts = {}, {}
    for i, v in enumerate(names):
        k = int(rng.integers(0, min(i, 3) + 1))
        parents[v] = [names[j] for j in sorted(rng.choice(i, size=k, replace=False))] if k else []
        shape = [card[p] for p in parents[v]] + [card[v]]
        weights = rng.integers(0 if exact else 1, 6, size=shape)
        weights[..., 0] += weights.sum(axis=-1) == 0  # no all-zero row
        if exact:
            totals = weights.sum(axis=-1, keepdims=True)
            table = np.vectorize(Fraction, otypes=[object])(weights, totals)
        else:
            table = weights / weights.sum(axis=-1, keepdims=True)
        cpts[v] = table
    return parents, cpts, card


def _pgmpy(parents: dict, cpts: dict, card: dict):
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    bn = DiscreteBayesianNetwork()
    bn.add_nodes_from(parents)
    bn.add_edges_from((p, v) for v, ps in parents.items() for p in ps)
    for v, ps in parents.items():
        values = np.moveaxis(np.asarray(cpts[v], dtype=float), -1, 0).reshape(card[v], -1)
        bn.add_cpds(TabularCPD(v, card[v], values, evidence=ps or None,
                               evidence_card=[card[p] for p in ps] or None))
    return bn


def _pgmpy_query(bn, target: str, do: dict, evidence: dict) -> np.ndarray:
    """P(target | do, evidence) by pgmpy: mutilate (``bn.do`` and point-mass CPDs), then
    condition the mutilated network."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if do:
            bn = bn.do(list(do))
            for v, value in do.items():
                n = bn.get_cardinality(v)
                bn.remove_cpds(bn.get_cpds(v))
                bn.add_cpds(TabularCPD(v, n, [[float(i == value)] for i in range(n)]))
        factor = VariableElimination(bn).query([target], evidence=evidence or None,
                                               show_progress=False)
    return factor.values


def _queries(seed: int, names: list[str], card: dict) -> list[tuple[str, dict, dict]]:
    """A marginal, a posterior, a do-query and a do-query with evidence on one network."""
    rng = np.random.default_rng(10_000 + seed)
    out = []
    for n_do, n_ev in ((0, 0), (0, 2), (1, 0), (1, 1)):
        target = names[int(rng.integers(len(names)))]
        others = [v for v in names if v != target]
        chosen = list(rng.permutation(others))[:n_do + n_ev]
        do = {v: int(rng.integers(card[v])) for v in chosen[:n_do]}
        evidence = {v: int(rng.integers(card[v])) for v in chosen[n_do:]}
        out.append((target, do, evidence))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_random_networks_agree_with_pgmpy_variable_elimination(seed):
    pytest.importorskip("pgmpy")
    parents, cpts, card = random_network(seed)
    model = CausalModel(parents, cpts)
    bn = _pgmpy(parents, cpts, card)
    for target, do, evidence in _queries(seed, list(parents), card):
        ours = model.query(target, do=do, evidence=evidence).array
        theirs = _pgmpy_query(bn, target, do, evidence)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9,
                                   err_msg=f"seed {seed}: P({target} | do {do}, {evidence})")


def _as_float(array) -> np.ndarray:
    return np.asarray(array, dtype=float)


def _all_fractions(array) -> bool:
    return all(isinstance(x, Fraction) for x in np.asarray(array, dtype=object).ravel())


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_exact_queries_return_fractions_equal_to_the_float_answers(seed):
    parents, cpts, card = random_network(seed, exact=True)
    exact = CausalModel(parents, cpts)
    floats = CausalModel(parents, {v: _as_float(t) for v, t in cpts.items()})
    for target, do, evidence in _queries(seed, list(parents), card):
        try:
            want = floats.query(target, do=do, evidence=evidence).array
        except ZeroProbabilityEvidence:  # the exact model must refuse it too
            with pytest.raises(ZeroProbabilityEvidence):
                exact.query(target, do=do, evidence=evidence)
            continue
        got = exact.query(target, do=do, evidence=evidence).array
        assert _all_fractions(got), f"seed {seed}: {got!r}"
        assert sum(np.asarray(got, dtype=object).ravel()) == 1
        np.testing.assert_allclose(_as_float(got), want, rtol=0, atol=1e-12,
                                   err_msg=f"seed {seed}: P({target} | do {do}, {evidence})")


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_exact_joint_marginals_and_disintegrations_stay_exact(seed):
    parents, cpts, _ = random_network(seed, exact=True)
    names = list(parents)[:4]
    exact = CausalModel(parents, cpts).query(names)
    floats = CausalModel(parents, {v: _as_float(t) for v, t in cpts.items()}).query(names)
    keep = names[:2]
    for got, want in ((marginal(exact, keep), marginal(floats, keep)),
                      (conditional(exact, names[:1]), conditional(floats, names[:1]))):
        assert _all_fractions(got.array)
        np.testing.assert_allclose(_as_float(got.array), want.array, rtol=0, atol=1e-12)
    first, second = disintegrate(exact, names[:1])
    assert _all_fractions(first.array) and _all_fractions(second.array)
