"""Surgery is a strict Markov endofunctor on diagrams, idempotent, commuting across
variables; on causal models, do = see for unconfounded roots and interventions do not reach
variables downstream of nothing they touch."""

from fractions import Fraction as Fr
from itertools import product

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from causal import CausalModel, do_box, surgery, surgery_functor
from diagrams import Box, Ty, TypeMismatch, copy, discard, identity
from markov import Kernel, ZeroProbabilityEvidence, interpret
from markov.testing.strategies import diagrams

NAMES = ("X", "Y", "Z")
small_diagrams = diagrams(names=NAMES, max_boxes=4, max_width=2)
targets = st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True)


# ---- functoriality ------------------------------------------------------------------------

@given(small_diagrams.flatmap(lambda f: st.tuples(
    st.just(f), diagrams(names=NAMES, max_boxes=3, max_width=2, dom=f.cod))), targets)
def test_surgery_preserves_composition(fg, variables):
    f, g = fg
    F = surgery_functor(variables)
    assert F(f >> g) == F(f) >> F(g)


@given(small_diagrams, small_diagrams, targets)
def test_surgery_preserves_tensor(f, g, variables):
    F = surgery_functor(variables)
    assert F(f @ g) == F(f) @ F(g)


@given(st.lists(st.sampled_from(NAMES), max_size=3), st.integers(0, 3), targets)
def test_surgery_preserves_copy_discard_and_identity(atoms, n, variables):
    ty = Ty(*atoms)
    F = surgery_functor(variables)
    assert F(copy(ty, n)).is_identical(copy(ty, n))
    assert F(discard(ty)).is_identical(discard(ty))
    assert F(identity(ty)).is_identical(identity(ty))


def test_surgery_of_a_mechanism_is_discard_of_its_parents_tensor_the_state():
    U, S = Ty("U"), Ty("S")
    mechanism = Box("S", U @ U, S)
    assert surgery(mechanism, ["S"]).is_identical(discard(U @ U) @ do_box("S"))


@given(small_diagrams, targets)
def test_surgery_is_idempotent(d, variables):
    once = surgery(d, variables)
    assert surgery(once, variables) == once


@given(small_diagrams, st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_surgeries_on_different_variables_commute(d, a, b):
    ab = surgery(surgery(d, [a]), [b])
    assert ab == surgery(surgery(d, [b]), [a])
    assert ab == surgery(d, sorted({a, b}))


@given(small_diagrams, targets)
def test_surgery_leaves_the_other_outputs_of_a_box_alone(d, variables):
    """Discarding the intervened outputs, the surgically altered diagram is the original
    with those outputs discarded: surgery only cuts the intervened wires."""
    keep = [i for i, t in enumerate(d.cod.names) if t not in variables]
    from diagrams import Diagram

    select = Diagram(d.cod.names, (), (), (), range(len(d.cod)), keep)
    assert surgery(d, variables) >> select == surgery(d >> select, variables)


@given(small_diagrams)
def test_surgery_on_no_variable_is_the_identity_functor(d):
    assert surgery(d, []).is_identical(d)


def test_surgery_state_may_be_a_box_a_diagram_a_kernel_or_none():
    S = Ty("S")
    d = Box("S", Ty("U"), S) >> copy(S)
    s = Box("s", Ty(), S)
    assert surgery(d, {"S": s}) == discard(Ty("U")) @ (s >> copy(S))
    assert surgery(d, {"S": s.to_diagram()}) == discard(Ty("U")) @ (s >> copy(S))
    named = Kernel.state([0.5, 0.5], cod="S", name="coin")
    assert [b.name for b in surgery(d, {"S": named}).boxes] == ["coin"]
    assert [b.name for b in surgery(d, {"S": None}).boxes] == ["do(S)"]
    assert [b.name for b in surgery(d, "S").boxes] == ["do(S)"]


def test_surgery_rejects_a_state_of_the_wrong_type():
    d = Box("S", Ty("U"), Ty("S")).to_diagram()
    with pytest.raises(TypeMismatch, match="the state for S has type U -> S"):
        surgery(d, {"S": Box("k", Ty("U"), Ty("S"))})
    with pytest.raises(TypeError, match="the state for S must be"):
        surgery(d, {"S": [0.5, 0.5]})


def test_surgery_of_a_multi_output_box_interprets_as_the_cut_wire():
    X, Y = Ty("X"), Ty("Y")
    f = Box("f", Ty(), X @ Y)
    joint = Kernel.state([[0.1, 0.2], [0.3, 0.4]], cod=("X", "Y"), name="f")
    cut = surgery(f, {"X": Box("x1", Ty(), X)})
    K = interpret(cut, {"f": joint, "x1": Kernel.state([0.0, 1.0], cod="X")})
    assert cut.cod == X @ Y
    np.testing.assert_allclose(K.array, [[0.0, 0.0], [0.4, 0.6]])


# ---- on causal models ---------------------------------------------------------------------

@st.composite
def causal_models(draw, max_vars: int = 5):
    """Small random causal models with exact CPTs: a random DAG on ``V0..Vn`` (edges go
    from lower to higher index), two or three outcomes per variable."""
    n = draw(st.integers(2, max_vars))
    names = [f"V{i}" for i in range(n)]
    size = {v: draw(st.integers(2, 3)) for v in names}
    parents = {v: draw(st.permutations([names[j] for j in range(i) if draw(st.booleans())]))
               for i, v in enumerate(names)}
    cpts = {}
    for v in names:
        shape = [size[p] for p in parents[v]]
        rows = []
        for _ in range(int(np.prod(shape)) if shape else 1):
            w = draw(st.lists(st.integers(0, 4), min_size=size[v], max_size=size[v]))
            if sum(w) == 0:
                w[0] = 1
            rows.append([Fr(x, sum(w)) for x in w])
        cpts[v] = np.array(rows, dtype=object).reshape(*shape, size[v])
    return CausalModel(parents, cpts)


def brute_force(model, targets, do=None, evidence=None):
    """P(targets | do, evidence) by enumerating every joint assignment: an independent
    reference for the contraction."""
    do, evidence = do or {}, evidence or {}
    names = model.variables
    sizes = [len(model.states[v]) for v in names]
    out = np.zeros([len(model.states[t]) for t in targets], dtype=object)
    out[...] = Fr(0)
    for values in product(*map(range, sizes)):
        a = dict(zip(names, values))
        if any(a[v] != x for v, x in evidence.items()):
            continue
        p = Fr(1)
        for v in names:
            if v in do:
                p *= int(a[v] == do[v])
            else:
                p *= model.cpts[v][tuple(a[u] for u in model.parents[v]) + (a[v],)]
        out[tuple(a[t] for t in targets)] += p
    total = sum(out.ravel())
    return None if total == 0 else out / total


@given(causal_models(), st.data())
def test_query_with_do_and_evidence_matches_brute_force(model, data):
    names = list(model.variables)
    x = data.draw(st.sampled_from(names))
    y = data.draw(st.sampled_from([v for v in names if v != x]))
    yv = data.draw(st.integers(0, len(model.states[y]) - 1))
    rest = [v for v in names if v not in (x, y)]
    observed = data.draw(st.lists(st.sampled_from(rest), max_size=2, unique=True)) if rest \
        else []
    evidence = {z: data.draw(st.integers(0, len(model.states[z]) - 1)) for z in observed}
    expected = brute_force(model, [x], {y: yv}, evidence)
    if expected is None:
        with pytest.raises(ZeroProbabilityEvidence, match="the observations"):
            model.query(x, do={y: yv}, evidence=evidence)
        return
    assert model.query(x, do={y: yv}, evidence=evidence).array.tolist() == expected.tolist()


@given(causal_models(max_vars=4), st.data())
def test_batched_queries_are_the_single_queries(model, data):
    names = list(model.variables)
    x = data.draw(st.sampled_from(names))
    y = data.draw(st.sampled_from([v for v in names if v != x]))
    z = data.draw(st.sampled_from(names))
    ys = list(range(len(model.states[y])))
    zs = [data.draw(st.integers(0, len(model.states[z]) - 1)) for _ in ys]
    batched = model.query(x, do={y: ys}, evidence={z: zs}, on_zero="uniform")
    for i, (yv, zv) in enumerate(zip(ys, zs)):
        expected = brute_force(model, [x], {y: yv}, {z: zv})
        if expected is None:
            n = len(model.states[x])
            assert batched.array[i].tolist() == [Fr(1, n)] * n
        else:
            assert batched.array[i].tolist() == expected.tolist()


@given(causal_models(), st.data())
def test_do_equals_see_for_a_root_without_confounding(model, data):
    roots = [v for v in model.variables if not model.parents[v]]
    x = data.draw(st.sampled_from(roots))
    y = data.draw(st.sampled_from([v for v in model.variables if v != x]))
    value = data.draw(st.integers(0, len(model.states[x]) - 1))
    if model.query(x).array[value] == 0:
        return  # conditioning on a null event is not defined; do is
    assert (model.query(y, do={x: value}).array.tolist()
            == model.query(y, evidence={x: value}).array.tolist())


@given(causal_models(), st.data())
def test_intervention_does_not_affect_a_variable_it_has_no_directed_path_to(model, data):
    graph = model.graph
    x = data.draw(st.sampled_from(model.variables))
    unaffected = [v for v in model.variables if v != x and not nx.has_path(graph, x, v)]
    if not unaffected:
        return
    y = data.draw(st.sampled_from(unaffected))
    value = data.draw(st.integers(0, len(model.states[x]) - 1))
    assert model.query(y, do={x: value}).array.tolist() == model.query(y).array.tolist()


@given(causal_models(), st.data())
def test_model_do_is_surgery_on_the_diagram(model, data):
    x = data.draw(st.sampled_from(model.variables))
    assert model.do({x: 0}).diagram == surgery(model.diagram, [x])
    assert model.do({x: 0}).diagram.is_identical(model.do({x: 1}).diagram)
