"""CausalModel.marginals: every variable's posterior from one forward and one backward sweep
equals the per-target query, to 1e-12 on pgmpy's bundled networks (rows renormalised, as
the contraction keeps every mechanism), exactly on Fraction models, with evidence batches
and interventions."""

import glob
import os
from fractions import Fraction as Fr

import numpy as np
import pytest

from causal import CausalModel, InvalidValue, UnknownVariable
from markov import ZeroProbabilityEvidence
from markov.inference.normalize import normalize

pgmpy = pytest.importorskip("pgmpy")

EXAMPLES = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models")
NETWORKS = sorted(os.path.basename(p)[:-len(".bif.gz")]
                  for p in glob.glob(os.path.join(EXAMPLES, "*.bif.gz")))
#: Networks whose per-target reference queries take more than a few seconds.
LARGE = {"andes", "barley", "diabetes", "hepar2", "link", "mildew", "munin", "munin1",
         "munin2", "munin3", "munin4", "pathfinder", "pigs", "water", "win95pts"}
TOL = 1e-12


def load(name: str) -> CausalModel:
    m = CausalModel.from_bif(os.path.join(EXAMPLES, f"{name}.bif.gz"))
    # Rows that sum to 1 exactly: a query prunes the mechanisms that reach neither a target
    # nor the evidence, marginals keeps them all, and only stochastic rows make both agree.
    return CausalModel(m.parents, {v: normalize(np.asarray(t), 1) for v, t in m.cpts.items()},
                       states=m.states)


def likely_evidence(m: CausalModel, variables, do=None) -> dict:
    """Each variable observed at its most likely value given the previous ones (evidence of
    positive probability)."""
    evidence = {}
    for v in variables:
        evidence[v] = m.states[v][int(np.argmax(m.query(v, evidence=evidence, do=do).array))]
    return evidence


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.slow) if n in LARGE else n for n in NETWORKS])
def test_marginals_equal_the_per_target_query_on_bundled_networks(name):
    m = load(name)
    evidence = likely_evidence(m, m.variables[-3:])
    post = m.marginals(evidence=evidence)
    assert list(post) == list(m.variables)
    targets = m.variables if name not in LARGE else m.variables[::len(m.variables) // 5]
    for v in targets:
        assert np.abs(post[v].array - m.query(v, evidence=evidence).array).max() < TOL, v
    y = m.variables[len(m.variables) // 2]
    evidence = likely_evidence(m, [v for v in m.variables[-3:] if v != y], {y: m.states[y][0]})
    post = m.marginals(evidence=evidence, do={y: m.states[y][0]})
    for v in targets[:4]:
        want = m.query(v, evidence=evidence, do={y: m.states[y][0]}).array
        assert np.abs(post[v].array - want).max() < TOL, v


SPRINKLER = CausalModel(
    {"Rain": [], "Sprinkler": ["Rain"], "Wet": ["Rain", "Sprinkler"]},
    {"Rain": [Fr(1, 5), Fr(4, 5)],
     "Sprinkler": [[Fr(1, 100), Fr(99, 100)], [Fr(2, 5), Fr(3, 5)]],
     "Wet": [[[Fr(99, 100), Fr(1, 100)], [Fr(4, 5), Fr(1, 5)]],
             [[Fr(9, 10), Fr(1, 10)], [Fr(0), Fr(1)]]]},
    states={"Rain": ["yes", "no"], "Sprinkler": ["on", "off"], "Wet": ["yes", "no"]})


@pytest.mark.parametrize("evidence, do", [
    ({}, {}), ({"Wet": "yes"}, {}), ({"Wet": "yes", "Rain": "no"}, {}),
    ({"Wet": "yes"}, {"Sprinkler": "on"}), ({}, {"Rain": "yes"})])
def test_exact_marginals_equal_exact_queries(evidence, do):
    post = SPRINKLER.marginals(evidence=evidence, do=do)
    for v in SPRINKLER.variables:
        want = SPRINKLER.query(v, evidence=evidence, do=do)
        assert post[v].array.tolist() == want.array.tolist()
        assert all(isinstance(x, Fr) for x in post[v].array.flat)
        assert post[v].labels == want.labels


def test_batches_of_evidence_and_interventions_broadcast():
    post = SPRINKLER.marginals(evidence={"Wet": ["yes", "no", "yes"]},
                               do={"Sprinkler": [["on"], ["off"]]})
    assert post["Rain"].batch_shape == (2, 3)
    for i, s in enumerate(["on", "off"]):
        for j, w in enumerate(["yes", "no", "yes"]):
            want = SPRINKLER.query("Rain", evidence={"Wet": w}, do={"Sprinkler": s})
            assert post["Rain"].array[i, j].tolist() == want.array.tolist()


def test_latent_variables_get_posteriors_too():
    m = CausalModel({"U": [], "X": ["U"]}, {"U": [0.5, 0.5], "X": [[0.9, 0.1], [0.2, 0.8]]},
                    latent=["U"])
    post = m.marginals(evidence={"X": 1})
    assert np.allclose(post["U"].array, m.query("U", evidence={"X": 1}).array)


def test_bad_evidence_is_a_typed_error():
    with pytest.raises(UnknownVariable):
        SPRINKLER.marginals(evidence={"Snow": 0})
    with pytest.raises(InvalidValue):
        SPRINKLER.marginals(evidence={"Wet": "damp"})
    with pytest.raises(UnknownVariable):
        SPRINKLER.marginals(do={"Snow": 0})
    with pytest.raises(ZeroProbabilityEvidence):
        SPRINKLER.marginals(evidence={"Wet": "yes"}, do={"Rain": "no", "Sprinkler": "off"})


def test_repeated_evidence_values_reuse_the_kept_joints_and_equal_a_fresh_models():
    from causal.marginals import _normalised
    from markov.contraction.cache import PLANS

    m = load("asia")
    leaf = next(v for v in m.variables if not m.graph.out_degree(v))
    for value in list(m.states[leaf]) * 3:
        post = m.marginals(evidence={leaf: value})
        fresh = load("asia").marginals(evidence={leaf: value})  # a first call: the sweep
        for v in m.variables:
            assert np.abs(post[v].array - fresh[v].array).max() < TOL, v
            assert post[v].labels == fresh[v].labels
    tables = {id(a) for a in _normalised(m).values()}
    (store,) = [s for s in PLANS.entries("evidence joints")
                if tables <= set(map(id, s.tables[1]))]
    assert store.runs == 1 and store.joints is not None


def test_repeated_exact_marginals_stay_exact():
    for value in ["yes", "no", "yes", "no", "yes"]:
        post = SPRINKLER.marginals(evidence={"Wet": value})
        for v in SPRINKLER.variables:
            want = SPRINKLER.query(v, evidence={"Wet": value})
            assert post[v].array.tolist() == want.array.tolist()
            assert all(isinstance(x, Fr) for x in post[v].array.flat)


def test_interventions_enter_the_cut_model_as_evidence_and_reuse_its_kept_joints():
    from causal.marginals import _cut, _normalised
    from markov import Kernel
    from markov.contraction.cache import PLANS

    m = load("asia")
    leaf = next(v for v in m.variables if not m.graph.out_degree(v))
    x = next(v for v in m.variables if m.parents[v] and m.graph.out_degree(v))
    for value in list(m.states[x]) * 3:
        post = m.marginals(evidence={leaf: m.states[leaf][0]}, do={x: value})
        fresh = load("asia").marginals(evidence={leaf: m.states[leaf][0]}, do={x: value})
        for v in m.variables:
            want = m.query(v, evidence={leaf: m.states[leaf][0]}, do={x: value}).array
            assert np.abs(post[v].array - want).max() < TOL, v
            assert np.abs(post[v].array - fresh[v].array).max() < TOL, v
    tables = {id(a) for a in _normalised(_cut(m, (x,))).values()}
    (store,) = [s for s in PLANS.entries("evidence joints")
                if tables <= set(map(id, s.tables[1]))]
    assert store.runs == 1 and store.joints is not None
    soft = Kernel.state([0.3, 0.7], cod=x)
    post = m.marginals(do={x: soft})
    for v in m.variables:
        assert np.abs(post[v].array - m.query(v, do={x: soft}).array).max() < TOL, v


def test_exact_interventions_stay_exact_when_repeated():
    for value in ["on", "off", "on", "off"]:
        post = SPRINKLER.marginals(evidence={"Wet": "yes"}, do={"Sprinkler": value})
        for v in SPRINKLER.variables:
            want = SPRINKLER.query(v, evidence={"Wet": "yes"}, do={"Sprinkler": value})
            assert post[v].array.tolist() == want.array.tolist()
            assert post[v].labels == want.labels
