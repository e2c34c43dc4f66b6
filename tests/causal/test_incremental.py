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


def test_a_first_answer_on_a_small_network_compiles_no_query():
    # The first call contracts the diagram of the targets and evidence and reads it at the
    # evidence: no compiled query, no runner; the second call compiles.
    PLANS.clear()
    m = load("asia")
    first = m.query("lung", evidence={"dysp": "yes", "asia": "no"})
    assert not PLANS.entries("query") and not PLANS.entries("runner")
    again = m.query("lung", evidence={"dysp": "yes", "asia": "no"})
    assert PLANS.entries("query")
    np.testing.assert_allclose(first.array, again.array, rtol=0, atol=1e-15)
    assert first.labels == again.labels and first.name == again.name


def _general(m, targets, evidence, on_zero):
    return m.query(targets, evidence=evidence, on_zero=on_zero, max_memory=2**40)


@pytest.mark.parametrize("on_zero", ["uniform", "prior", "nan", "raise"])
def test_a_first_answer_at_zero_or_underflowing_evidence_is_the_general_one(on_zero):
    # zero-probability evidence goes the general way (which applies the policy); evidence of
    # probability 1e-320 has an answer that a plain contraction cannot normalise: the
    # compiled query rescales it
    from markov.errors import ZeroProbabilityEvidence

    tables = {"X": [0.5, 0.5], "Y": [[1.0, 0.0], [0.3, 0.7]], "Z": [[1 - 1e-320, 1e-320]] * 2}
    for evidence in ({"Y": 1, "X": 0}, {"Z": 1}):
        outcomes = []
        for general in (False, True):
            m = CausalModel({"X": [], "Y": ["X"], "Z": ["Y"]}, tables)
            try:
                answer = _general(m, "X", evidence, on_zero) if general else \
                    m.query("X", evidence=evidence, on_zero=on_zero)
                outcomes.append(answer.array)
            except ZeroProbabilityEvidence as e:
                outcomes.append(str(e))
        if isinstance(outcomes[0], str):
            assert outcomes[0] == outcomes[1]
        else:
            np.testing.assert_allclose(outcomes[0], outcomes[1], rtol=1e-12, atol=0)
            assert np.isfinite(outcomes[0]).all() or on_zero == "nan"


def test_a_first_answer_for_a_target_also_observed_is_the_general_one():
    m = load("asia")
    first = m.query(["lung", "xray"], evidence={"xray": "yes"})
    general = _general(load("asia"), ["lung", "xray"], {"xray": "yes"}, "raise")
    np.testing.assert_allclose(first.array, general.array, rtol=0, atol=1e-12)
