"""Repeated queries are incremental: the compiled query is kept per pattern, the subtrees of
its plan that depend on no evidence or intervention value are computed once (counted, not
timed), and after a value changes the answer equals a fresh query's."""

import os

import numpy as np
import pytest

from causal import CausalModel, _fast
from markov.contraction.cache import PLANS

pgmpy = pytest.importorskip("pgmpy")
EXAMPLES = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models")


def load(name: str) -> CausalModel:
    return CausalModel.from_bif(os.path.join(EXAMPLES, f"{name}.bif.gz"))


@pytest.mark.parametrize("name", ["asia", "alarm", "andes"])
def test_folded_subtrees_are_computed_once_over_many_evidence_values(name, monkeypatch):
    monkeypatch.setattr(_fast, "TABLE_ROWS", 0)  # untabulated: every call runs the runner
    PLANS.clear()
    m = load(name)
    target, observed = m.variables[0], m.variables[-1]
    for i in range(12):
        m.query(target, evidence={observed: m.states[observed][i % len(m.states[observed])]})
    runners = PLANS.entries("runner")
    assert len(runners) == 1 and runners[0].folding.folded  # something was folded
    assert runners[0].runs == 1                             # ... and computed once, not 11 times
    assert runners[0].calls == 11  # the first call contracted once, compiling nothing


@pytest.mark.parametrize("name", ["asia", "alarm", "andes"])
def test_a_tabulated_pattern_runs_its_runner_once_per_value(name):
    PLANS.clear()
    m = load(name)
    target, observed = m.variables[0], m.variables[-1]
    states = m.states[observed]
    answers = [m.query(target, evidence={observed: states[i % len(states)]},
                       on_zero="uniform") for i in range(12)]
    runners = PLANS.entries("runner")
    # one runner, folded once: the first call contracts once (no runner), the second makes
    # the table with one runner call per value, then lookups only
    assert [(r.runs, r.calls) for r in runners] == [(1, len(states))]
    (prepared,) = PLANS.entries("fast")
    assert prepared.table[0].answers.shape == (len(states), len(m.states[target]))
    fresh = load(name)
    for i, answer in enumerate(answers):
        value = states[i % len(states)]
        expected = fresh.query(target, evidence={observed: value}, on_zero="uniform",
                               max_memory=2**40)  # the general path
        assert np.allclose(answer.array, expected.array, rtol=1e-12, atol=1e-15)


def test_folded_subtrees_are_computed_once_over_many_interventions():
    PLANS.clear()
    m = load("alarm")
    target, y = m.variables[0], m.variables[len(m.variables) // 2]
    for i in range(8):
        m.query(target, do={y: m.states[y][i % len(m.states[y])]})
    assert [s.runs for s in PLANS.entries("runner")] == [1]


@pytest.mark.parametrize("name", ["asia", "alarm", "insurance"])
def test_after_one_evidence_value_changes_the_query_equals_a_fresh_one(name):
    m = load(name)
    vs = m.variables
    targets, e1, e2 = vs[:2], vs[-1], vs[-2]
    evidence = {e1: m.states[e1][0], e2: m.states[e2][0]}
    for step in range(6):
        v = e1 if step % 2 else e2
        evidence[v] = m.states[v][step % 2]
        warm = m.query(targets, evidence=evidence, on_zero="uniform")
        fresh = load(name).query(targets, evidence=evidence, on_zero="uniform")
        assert np.allclose(warm.array, fresh.array, rtol=0, atol=1e-15)


def test_models_do_not_share_folded_values():
    PLANS.clear()
    a = CausalModel({"X": [], "Y": ["X"]}, {"X": [0.5, 0.5], "Y": [[0.9, 0.1], [0.2, 0.8]]})
    b = CausalModel({"X": [], "Y": ["X"]}, {"X": [0.1, 0.9], "Y": [[0.9, 0.1], [0.2, 0.8]]})
    assert not np.allclose(a.query("Y").array, b.query("Y").array)
    assert np.allclose(b.query("Y").array, [0.27, 0.73])


@pytest.mark.parametrize("name", ["asia", "sachs", "alarm", "insurance"])
def test_a_first_answer_contracted_once_equals_the_compiled_one(name):
    # A pattern's first call contracts without compiling (markov.contraction.once); the
    # general path compiles a plan. Targets and evidence at both ends of the order.
    m = load(name)
    vs = m.variables
    for targets, evidence in [(vs[0], {vs[-1]: 0}), (vs[-1], {vs[0]: 1}),
                              (vs[:2], {vs[-2]: 0, vs[len(vs) // 2]: 1}), (vs[3], {})]:
        evidence = {v: m.states[v][i] for v, i in evidence.items()}
        PLANS.clear()
        first = load(name).query(targets, evidence=evidence, on_zero="uniform")
        assert not PLANS.entries("runner")  # contracted once: nothing compiled
        general = m.query(targets, evidence=evidence, on_zero="uniform", max_memory=2**40)
        np.testing.assert_allclose(first.array, general.array, rtol=0, atol=1e-12)
