"""The 24 discrete networks bundled with pgmpy 1.1.2 load through ``from_bif``; marginals,
interventions P(X | do(Y=y)) and do + evidence agree with pgmpy's exact inference
(variable elimination) on the surgically altered network to 1e-9.

pgmpy's BIF reader takes minutes on the large networks, so its reference models are built
from ours by ``to_pgmpy`` (tests/causal/test_causal_io.py checks that both readers agree on small
networks); the references for do are mutilated the pgmpy way: ``model.do([Y])`` and a point
mass CPD for Y.
"""

import glob
import os
import warnings
from functools import cache

import networkx as nx
import numpy as np
import pytest

from causal import CausalModel

pgmpy = pytest.importorskip("pgmpy")
from pgmpy.factors.discrete import TabularCPD
from pgmpy.inference import VariableElimination

EXAMPLES = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models")
NETWORKS = sorted(os.path.basename(p)[:-len(".bif.gz")]
                  for p in glob.glob(os.path.join(EXAMPLES, "*.bif.gz")))
TOL = 1e-9


@cache
def model(name: str) -> CausalModel:
    return CausalModel.from_bif(os.path.join(EXAMPLES, f"{name}.bif.gz"))


@cache
def reference(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model(name).to_pgmpy()


def choose(m: CausalModel):
    """Deterministic choices: X has the most ancestors; Y is its first parent, set to its last
    outcome; R is a root ancestor of X; Z is a descendant of Y other than X (or, if Y has
    none, another variable)."""
    graph = m.graph
    ancestors = {v: nx.ancestors(graph, v) for v in m.variables}
    x = max(m.variables, key=lambda v: (len(ancestors[v]), v))
    y = m.parents[x][0]
    roots = sorted(v for v in ancestors[x] if not m.parents[v])
    downstream = sorted(nx.descendants(graph, y) - {x})
    z = downstream[0] if downstream else next(v for v in m.variables if v not in (x, y))
    return x, y, roots[0], z


def at(m: CausalModel, values: dict) -> dict:
    """Values given by index as the state names the model reads (batches too)."""
    return {v: np.asarray(m.states[v])[np.asarray(i)].tolist() for v, i in values.items()}


def pgmpy_query(bn, target, do=None, evidence=None):
    """P(target | do, evidence) in pgmpy: mutilate with ``do`` and point-mass CPDs, then
    condition the mutilated network (the correct reading of do + evidence)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if do:
            bn = bn.do(list(do))
            for v, value in do.items():
                card = bn.get_cardinality(v)
                states = bn.get_cpds(v).state_names[v]
                bn.remove_cpds(bn.get_cpds(v))
                bn.add_cpds(TabularCPD(v, card, [[float(i == value)] for i in range(card)],
                                       state_names={v: states}))
        named = {v: bn.get_cpds(v).state_names[v][i] for v, i in (evidence or {}).items()}
        factor = VariableElimination(bn).query([target], evidence=named or None,
                                               show_progress=False)
    return factor.values


def test_all_24_bundled_networks_are_found():
    assert len(NETWORKS) == 24 and {"asia", "munin", "water", "pathfinder"} <= set(NETWORKS)


@pytest.mark.parametrize("name", NETWORKS)
def test_network_loads_as_a_diagram_of_all_its_variables(name):
    m = model(name)
    path = os.path.join(EXAMPLES, f"{name}.bif.gz")
    import gzip

    with gzip.open(path) as f:
        text = f.read().decode("utf-8", errors="replace")
    assert len(m.variables) == text.count("\nvariable ") + text.startswith("variable ")
    assert m.diagram.cod.names == m.variables
    assert len(m.diagram.boxes) == len(m.variables)


@pytest.mark.parametrize("name", NETWORKS)
def test_marginals_and_interventions_agree_with_pgmpy(name):
    m, bn = model(name), reference(name)
    x, y, root, _ = choose(m)
    middle = m.variables[len(m.variables) // 2]
    for target in (x, y, middle):
        np.testing.assert_allclose(m.query(target).array, pgmpy_query(bn, target),
                                   rtol=0, atol=TOL)
    last = len(m.states[y]) - 1
    np.testing.assert_allclose(m.query(x, do=at(m, {y: last})).array,
                               pgmpy_query(bn, x, do={y: last}), rtol=0, atol=TOL)
    np.testing.assert_allclose(m.query(x, do=at(m, {root: 0})).array,
                               pgmpy_query(bn, x, do={root: 0}), rtol=0, atol=TOL)


@pytest.mark.parametrize("name", NETWORKS)
def test_do_with_evidence_agrees_with_conditioning_the_mutilated_network(name):
    m, bn = model(name), reference(name)
    x, y, root, z = choose(m)
    last = len(m.states[y]) - 1
    # The most likely value of Z after the intervention: evidence of positive probability.
    z_value = int(np.argmax(m.query(z, do=at(m, {y: last})).array))
    target = root if root not in (y, z) else x
    ours = m.query(target, do=at(m, {y: last}), evidence=at(m, {z: z_value})).array
    np.testing.assert_allclose(ours, pgmpy_query(bn, target, {y: last}, {z: z_value}),
                               rtol=0, atol=TOL)
    np.testing.assert_allclose(m.query(target, evidence=at(m, {z: z_value})).array,
                               pgmpy_query(bn, target, evidence={z: z_value}),
                               rtol=0, atol=TOL)


@pytest.mark.parametrize("name", ["munin", "link", "diabetes", "pigs", "andes"])
def test_batched_interventions_on_large_networks_are_the_single_ones(name):
    m = model(name)
    x, y, _, _ = choose(m)
    every = list(range(len(m.states[y])))
    batched = m.query(x, do=at(m, {y: every}))
    assert batched.batch_shape == (len(every),)
    for value in every:
        np.testing.assert_allclose(batched.array[value], m.query(x, do=at(m, {y: value})).array,
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["water", "pathfinder"])
def test_water_and_pathfinder_answers_are_finite(name):
    m = model(name)
    for v in m.variables:
        P = m.query(v)
        assert np.all(np.isfinite(P.array)) and abs(P.array.sum() - 1) < 1e-12
    roots = [v for v in m.variables if not m.parents[v]]
    leaves = [v for v in m.variables if not any(v in ps for ps in m.parents.values())]
    P = m.query(leaves[0], do=at(m, {roots[0]: list(range(len(m.states[roots[0]])))}))
    assert np.all(np.isfinite(P.array))
    np.testing.assert_allclose(P.array.sum(axis=-1), 1, atol=1e-12)
    Q = m.query(roots[0], evidence=at(m, {leaves[-1]: 0}))
    assert np.all(np.isfinite(Q.array)) and abs(Q.array.sum() - 1) < 1e-12


def sample_one(m: CausalModel, seed: int = 1) -> dict:
    """One joint outcome by ancestral sampling, so that evidence taken from it is possible."""
    rng = np.random.default_rng(seed)
    values: dict = {}
    for v in nx.topological_sort(m.graph):
        row = m.cpts[v][tuple(values[p] for p in m.parents[v])]
        values[v] = int(rng.choice(len(row), p=row / row.sum()))
    return values


@pytest.mark.parametrize("name", ["alarm", "hepar2", "andes", "pathfinder", "pigs", "link",
                                  "munin"])
def test_many_observations_agree_with_pgmpy(name):
    """Evidence on every third variable (hundreds on link and munin)."""
    m, bn = model(name), reference(name)
    values = sample_one(m)
    target = m.variables[len(m.variables) // 2]
    evidence = {v: values[v] for v in m.variables[::3] if v != target}
    ours = m.query(target, evidence=at(m, evidence)).array
    np.testing.assert_allclose(ours, pgmpy_query(bn, target, evidence=evidence),
                               rtol=0, atol=TOL)
    # The same rows batched twice give the same answer twice.
    rows = {v: [x, x] for v, x in evidence.items()}
    np.testing.assert_allclose(m.query(target, evidence=at(m, rows)).array, [ours, ours],
                               rtol=0, atol=1e-12)


def test_impossible_evidence_raises_where_pgmpy_answers():
    """munin: R_LNLT1_LP_BE_APB_MUSIZE = V_SMALL has probability zero. pgmpy prunes it away
    as d-separated from the target and answers; a conditional on a null event is not
    defined, so we raise the typed error naming the observations."""
    from markov import ZeroProbabilityEvidence

    m, bn = model("munin"), reference("munin")
    impossible = "R_LNLT1_LP_BE_APB_MUSIZE"
    assert m.query(impossible).array[0] == 0
    target = m.variables[len(m.variables) // 2]
    assert np.isfinite(pgmpy_query(bn, target, evidence={impossible: 0})).all()
    with pytest.raises(ZeroProbabilityEvidence, match=f"{impossible}='V_SMALL'"):
        m.query(target, evidence=at(m, {impossible: 0}))
