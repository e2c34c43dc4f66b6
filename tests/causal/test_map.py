"""MAP and MPE in the (max, x) semiring: brute force, pgmpy's map_query, ties, errors."""

import itertools
import os
import warnings
from fractions import Fraction as Fr

import numpy as np
import pytest

from causal import CausalError, CausalModel, InvalidValue
from causal.map import Explanation, map_query, mpe
from markov import ZeroProbabilityEvidence

EXAMPLES = os.path.join(os.path.dirname(__import__("pgmpy").__file__), "utils",
                        "example_models")


def load(name):
    return CausalModel.from_bif(os.path.join(EXAMPLES, f"{name}.bif.gz"))


def brute_force(m, targets, evidence):
    """argmax over the joint of the targets (from the sum-product query), first state on
    ties, and its probability."""
    P = m.query(list(targets), evidence=evidence).array
    flat = int(np.argmax(P))
    index = np.unravel_index(flat, P.shape)
    return {v: m.states[v][i] for v, i in zip(targets, index)}, P[index]


@pytest.mark.parametrize("evidence", [{}, {"dysp": "yes"}, {"xray": "yes", "smoke": "no"}])
def test_mpe_is_the_argmax_of_the_joint_on_asia(evidence):
    m = load("asia")
    targets = [v for v in m.variables if v not in evidence]
    expected, p = brute_force(m, targets, evidence)
    got = m.mpe(evidence)
    assert got.assignment == expected
    assert got.probability == pytest.approx(p, abs=1e-12)


@pytest.mark.parametrize("targets", [["lung"], ["tub", "bronc"], ["either", "smoke", "asia"]])
def test_marginal_map_sums_the_others_out(targets):
    m = load("asia")
    evidence = {"dysp": "yes", "xray": "yes"}
    expected, p = brute_force(m, targets, evidence)
    got = m.map(targets, evidence=evidence)
    assert got.assignment == expected and got.probability == pytest.approx(p, abs=1e-12)


@pytest.mark.parametrize("name,targets,evidence", [
    ("asia", ["lung", "bronc"], {"dysp": "yes"}),
    ("alarm", ["HYPOVOLEMIA", "LVFAILURE"], {"HRBP": "HIGH", "CVP": "LOW"}),
    ("child", ["Disease"], {"LowerBodyO2": "<5", "CO2Report": ">=7.5"}),
])
def test_map_agrees_with_pgmpy(name, targets, evidence):
    from pgmpy.inference import VariableElimination

    m = load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bn = m.to_pgmpy()
        expected = VariableElimination(bn).map_query(targets, evidence=evidence,
                                                     show_progress=False)
    assert m.map(targets, evidence=evidence).assignment == expected


def test_mpe_with_do_is_the_mpe_of_the_intervened_model():
    m = load("asia")
    assert m.mpe({"dysp": "yes"}, do={"smoke": "yes"}) == \
        m.do(smoke="yes").mpe({"dysp": "yes"})


def test_exact_models_give_exact_probabilities_and_ties_go_to_the_first_state():
    m = CausalModel({"A": [], "B": ["A"]},
                    {"A": [Fr(1, 2), Fr(1, 2)], "B": [[Fr(1, 2), Fr(1, 2)], [Fr(1, 2), Fr(1, 2)]]},
                    states={"A": ["a0", "a1"], "B": ["b0", "b1"]})
    e = m.mpe()
    assert e == Explanation({"A": "a0", "B": "b0"}, Fr(1, 4))
    assert m.map("B", evidence={"A": "a1"}) == Explanation({"B": "b0"}, Fr(1, 2))


def test_mpe_is_the_brute_force_argmax_on_a_random_exact_model():
    rng = np.random.default_rng(0)
    parents = {"A": [], "B": ["A"], "C": ["A", "B"]}
    cpts = {}
    for v, ps in parents.items():
        table = np.empty((3,) * len(ps) + (3,), dtype=object)
        for idx in itertools.product(*(range(3) for _ in ps)):
            w = rng.integers(1, 4, size=3)
            table[idx] = [Fr(int(x), int(w.sum())) for x in w]
        cpts[v] = table
    m = CausalModel(parents, cpts)
    for evidence in ({}, {"C": "2"}, {"A": "1"}):
        targets = [v for v in m.variables if v not in evidence]
        expected, p = brute_force(m, targets, evidence)
        assert m.mpe(evidence) == Explanation(expected, p)


def test_long_chains_stay_in_range():
    n = 400
    parents = {f"X{i}": [f"X{i - 1}"] if i else [] for i in range(n)}
    cpts = {v: [0.5, 0.5] if not ps else [[0.9, 0.1], [0.1, 0.9]] for v, ps in parents.items()}
    m = CausalModel(parents, cpts)
    e = m.mpe({"X0": "1"})
    assert set(e.assignment.values()) == {"1"} and e.probability == pytest.approx(0.9 ** 399)


def test_map_errors_are_typed():
    m = load("asia")
    with pytest.raises(CausalError, match="both a target and evidence"):
        m.map("dysp", evidence={"dysp": "yes"})
    with pytest.raises(InvalidValue, match="'dysp' has no outcome 1"):
        m.map("lung", evidence={"dysp": 1})
    with pytest.raises(CausalError, match="one observation per variable"):
        m.map("lung", evidence={"dysp": ["yes", "no"]})
    with pytest.raises(CausalError, match="over max_memory"):
        map_query(m, "lung", {"dysp": "yes"}, max_memory=8)
    impossible = CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0],
                             "B": [[1.0, 0.0], [0.0, 1.0]]})
    with pytest.raises(ZeroProbabilityEvidence, match="probability zero"):
        mpe(impossible, {"B": "1"})
