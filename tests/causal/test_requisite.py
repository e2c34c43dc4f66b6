"""Bayes-ball (causal.requisite): the requisite observations are exactly those not
d-separated from the targets by the other observations (networkx's d-separation), and a
query pruned to the requisite mechanisms equals the brute-force posterior on random DAGs."""

import string

import networkx as nx
import numpy as np
import pytest

from causal import CausalModel
from causal.requisite import bayes_ball


def random_dag(rng, n):
    names = list(string.ascii_uppercase[:n])
    parents = {v: [p for p in names[:i] if rng.random() < 0.4][:3]
               for i, v in enumerate(names)}
    return names, parents


@pytest.mark.parametrize("seed", range(40))
def test_requisite_observations_are_those_d_connected_to_the_targets(seed):
    rng = np.random.default_rng(seed)
    names, parents = random_dag(rng, 9)
    graph = nx.DiGraph([(p, v) for v, ps in parents.items() for p in ps])
    graph.add_nodes_from(names)
    shuffled = list(rng.permutation(names))
    targets, observed = set(shuffled[:2]), set(shuffled[2:6])
    _, requisite = bayes_ball(parents, targets, observed)
    for e in observed:
        connected = not nx.is_d_separator(graph, targets, {e}, observed - {e})
        assert (e in requisite) == connected, (parents, targets, observed, e)


def brute_force(names, parents, cpts, target, evidence):
    letters = {v: string.ascii_lowercase[i] for i, v in enumerate(names)}
    terms = ",".join("".join(letters[p] for p in parents[v]) + letters[v] for v in names)
    joint = np.einsum(terms + "->" + "".join(letters[v] for v in names),
                      *(cpts[v] for v in names))
    index = tuple(evidence.get(v, slice(None)) for v in names)
    kept = [v for v in names if v not in evidence]
    marginal = joint[index].sum(axis=tuple(i for i, v in enumerate(kept) if v != target))
    return marginal / marginal.sum()


@pytest.mark.parametrize("seed", range(15))
def test_a_query_pruned_to_requisite_mechanisms_equals_the_brute_force_posterior(seed):
    rng = np.random.default_rng(100 + seed)
    names, parents = random_dag(rng, 7)
    cpts = {v: rng.dirichlet(np.ones(2), size=(2,) * len(parents[v])) for v in names}
    m = CausalModel(parents, cpts)
    shuffled = list(rng.permutation(names))
    target = shuffled[0]
    evidence = {v: int(rng.integers(2)) for v in shuffled[1:4]}
    got = m.query(target, evidence=evidence).array
    assert np.allclose(got, brute_force(names, parents, cpts, target, evidence), atol=1e-12)


def test_mechanisms_with_zeros_stay_so_that_impossible_evidence_is_reported():
    from markov import ZeroProbabilityEvidence

    parents = {"U": [], "A": ["U"], "B": []}
    identity = [[1.0, 0.0], [0.0, 1.0]]
    noisy = [[0.9, 0.1], [0.2, 0.8]]
    possible = CausalModel(parents, {"U": [0.5, 0.5], "A": noisy, "B": [0.3, 0.7]})
    compiled = possible._compile(("B",), ("A",), frozenset(), frozenset({"A"}))
    assert [box.name for box in compiled.diagram.boxes] == ["B"]  # U is not requisite
    impossible = CausalModel(parents, {"U": [1.0, 0.0], "A": identity, "B": [0.3, 0.7]})
    with pytest.raises(ZeroProbabilityEvidence):
        impossible.query("B", evidence={"A": 1})


@pytest.mark.parametrize("seed", range(20))
def test_a_pruned_model_diagram_is_built_as_pruning_the_whole_one_gives(seed):
    # a query starts from the diagram of its outputs' ancestors, built directly
    rng = np.random.default_rng(200 + seed)
    names, parents = random_dag(rng, 8)
    m = CausalModel(parents, {v: np.full((2,) * (len(parents[v]) + 1), 0.5) for v in names})
    outputs = tuple(rng.permutation(names)[:int(rng.integers(1, 4))])
    direct = m._diagram(outputs, pruned=True)
    assert direct.is_identical(m._diagram(outputs).pruned())
