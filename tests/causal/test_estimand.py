"""Estimands as string diagrams over kernels of the observational joint, zero-mass policies,
and evaluation from data."""

from __future__ import annotations

import random
from fractions import Fraction

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from causal import empirical
from causal.admg import ADMG
from causal.errors import CausalError, InvalidValue, NoDiagramForm, NotIdentifiable, UnknownVariable
from causal.identify import Estimand, Prob, Product, Quotient, Sum, identify
from diagrams import Box, Ty
from markov import Kernel, ZeroMass, interpret

F = Fraction
BACK_DOOR = ADMG([("Z", "X"), ("X", "Y"), ("Z", "Y")])
FRONT_DOOR = ADMG([("S", "T"), ("T", "C")], [("S", "C")])
NAPKIN = ADMG([("W", "R"), ("R", "X"), ("X", "Y")], [("W", "X"), ("W", "Y")])


def random_joint(names, cards, seed: int, zeros: bool = False) -> Kernel:
    """An exact joint state over ``names``; with ``zeros``, about a third of its cells are 0."""
    rng = random.Random(seed)
    shape = tuple(cards[v] for v in names)
    choices = [0, 0, 1, 2, 3] if zeros else [1, 2, 3, 4]
    raw = np.array([F(rng.choice(choices)) for _ in range(int(np.prod(shape)))],
                   dtype=object).reshape(shape)
    raw.flat[0] += 1
    return Kernel.state(raw / raw.sum(), cod=names)


def diagram_value(est: Estimand, joint: Kernel, on_zero: str = "uniform") -> Kernel:
    return interpret(est.diagram, est.kernels(joint, on_zero=on_zero), sizes=joint.sizes)


def assert_same_kernel(a: Kernel, b: Kernel) -> None:
    assert a.dom == b.dom and a.cod == b.cod
    assert a.array.shape == b.array.shape and (a.array == b.array).all()


# ---- the diagram ---------------------------------------------------------------------------

def test_front_door_diagram_is_the_comb_with_the_marginal_and_equals_evaluate_exactly():
    est = identify(FRONT_DOOR, "S", "C")
    d = est.diagram
    S, T, C = Ty("S"), Ty("T"), Ty("C")
    assert (d.dom, d.cod) == (S, C)
    assert set(d.boxes) == {Box("P(T|S)", S, T), Box("P(S)", Ty(), S),
                            Box("P(C|S,T)", S @ T, C)}
    joint = random_joint(["C", "T", "S"], {"S": 2, "T": 3, "C": 2}, seed=1)
    kernels = est.kernels(joint)
    assert kernels[Box("P(S)", Ty(), S)].array.tolist() == joint.marginal("S").array.tolist()
    assert_same_kernel(interpret(d, kernels), est.evaluate(joint))


def test_back_door_diagram_is_the_adjustment_and_equals_evaluate_exactly():
    est = identify(BACK_DOOR, "X", "Y")
    X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
    assert set(est.diagram.boxes) == {Box("P(Z)", Ty(), Z), Box("P(Y|Z,X)", Z @ X, Y)}
    joint = random_joint(["X", "Y", "Z"], {"X": 3, "Y": 2, "Z": 2}, seed=2)
    assert_same_kernel(interpret(est.diagram, est.kernels(joint)), est.evaluate(joint))


def test_napkin_quotient_is_a_box_computed_by_disintegrating_its_numerator():
    est = identify(NAPKIN, "X", "Y")
    names = [b.name for b in est.diagram.boxes]
    assert "P(R)" in names and any("/" in n for n in names)
    joint = random_joint(["W", "R", "X", "Y"], dict.fromkeys("WRXY", 2), seed=3)
    assert_same_kernel(diagram_value(est, joint), est.evaluate(joint))


def test_conditional_effect_by_idc_has_a_diagram_from_treatment_and_given():
    est = identify(FRONT_DOOR, "S", "C", given="T")
    assert est.diagram.dom == Ty("S", "T")
    joint = random_joint(["S", "T", "C"], {"S": 2, "T": 2, "C": 3}, seed=4)
    assert_same_kernel(diagram_value(est, joint), est.evaluate(joint))


def test_a_treatment_the_effect_ignores_is_a_discarded_input():
    est = identify(ADMG([("Y", "X")]), "X", "Y")
    assert est.formula == "P(Y)" and est.diagram.dom == Ty("X")
    joint = random_joint(["X", "Y"], {"X": 3, "Y": 2}, seed=5)
    assert_same_kernel(diagram_value(est, joint), est.evaluate(joint))


@st.composite
def identified_queries(draw):
    n = draw(st.integers(2, 5))
    names = [f"V{i}" for i in range(n)]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    directed = [p for p in pairs if draw(st.booleans())]
    bidirected = [p for p in pairs if draw(st.integers(0, 3)) == 0]
    g = ADMG(directed, bidirected, nodes=names)
    order = draw(st.permutations(names))
    x = order[:draw(st.integers(1, min(2, n - 1)))]
    rest = order[len(x):]
    y = rest[:draw(st.integers(1, min(2, len(rest))))]
    z = rest[len(y):len(y) + draw(st.integers(0, 1))]
    cards = {v: draw(st.sampled_from([2, 3])) for v in names}
    return g, list(x), list(y), list(z), cards, draw(st.booleans()), draw(st.integers(0, 99))


@settings(max_examples=40, deadline=None)
@given(identified_queries())
@example((NAPKIN, ["X"], ["Y"], [], dict.fromkeys("WRXY", 2), True, 0))
@example((FRONT_DOOR, ["S"], ["C"], ["T"], dict.fromkeys("STC", 2), True, 1))
def test_interpreting_the_diagram_with_the_joints_kernels_is_evaluate_exactly(case):
    g, x, y, z, cards, zeros, seed = case
    try:
        est = identify(g, x, y, z)
    except NotIdentifiable:
        return
    note(str(est))
    names = list(g.nodes)
    joint = random_joint(names, cards, seed, zeros=zeros)
    for policy in ("uniform", "prior"):
        assert_same_kernel(diagram_value(est, joint, policy), est.evaluate(joint, policy))


def test_formulas_that_are_not_diagrams_raise_no_diagram_form():
    twice = Estimand(Product((Prob("Y", "X"), Prob(("X", "Y")))), ("X",), ("Y",))
    with pytest.raises(NoDiagramForm, match="index Y is distributed by two factors"):
        twice.diagram
    nobody = Estimand(Sum(("Z",), Prob("Y", ("X", "Z"))), ("X",), ("Y",))
    with pytest.raises(NoDiagramForm, match="index Z .* is distributed by no factor"):
        nobody.diagram
    cycle = Estimand(Sum(("Z",), Product((Prob("Y", ("X", "Z")), Prob("Z", "Y")))),
                     ("X",), ("Y",))
    with pytest.raises(NoDiagramForm, match="in a cycle"):
        cycle.diagram
    input_produced = Estimand(Prob(("X", "Y")), ("X",), ("Y",))
    with pytest.raises(NoDiagramForm, match="X is an input of the estimand but P\\(X,Y\\)"):
        input_produced.diagram
    assert isinstance(NoDiagramForm("x"), CausalError)
    # a formula without a diagram is still evaluated
    joint = random_joint(["X", "Y", "Z"], dict.fromkeys("XYZ", 2), seed=6)
    assert nobody.evaluate(joint).array.shape == (2, 2)


# ---- zero mass -----------------------------------------------------------------------------

def zero_mass_back_door() -> Kernel:
    """``P(X=1, Z=0) = 0``: ``P(Y | Z=0, X=1)`` is not determined."""
    joint = np.zeros((2, 2, 2), dtype=object) + F(0)   # axes Z, X, Y
    joint[0, 0] = [F(1, 4), F(1, 4)]
    joint[1, 0] = [F(1, 8), F(1, 8)]
    joint[1, 1] = [F(1, 16), F(3, 16)]
    return Kernel.state(joint, cod=("Z", "X", "Y"))


def test_on_zero_policies_of_evaluate():
    est = identify(BACK_DOOR, "X", "Y")
    joint = zero_mass_back_door()
    uniform = est.evaluate(joint)
    assert uniform.array[1].tolist() == [F(1, 2) * F(1, 2) + F(1, 2) * F(1, 4),
                                          F(1, 2) * F(1, 2) + F(1, 2) * F(3, 4)]
    prior = est.evaluate(joint, on_zero="prior")     # P(Y | Z=0, X=1) := P(Y) = (7/16, 9/16)
    assert prior.array[1].tolist() == [F(1, 2) * F(7, 16) + F(1, 2) * F(1, 4),
                                        F(1, 2) * F(9, 16) + F(1, 2) * F(3, 4)]
    floats = Kernel.state(joint.array.astype(float), cod=joint.cod)
    nan = est.evaluate(floats, on_zero="nan").array
    assert np.isnan(nan[1]).all() and not np.isnan(nan[0]).any()
    with pytest.raises(ZeroMass, match=r"conditioning variables Z, X of P\(Y\|Z,X\) have "
                                       r"probability zero at row \(0, 1\)"):
        est.evaluate(joint, on_zero="raise")
    with pytest.raises(ZeroMass):
        est.kernels(joint, on_zero="raise")
    with pytest.raises(ZeroMass):
        est.evaluate_array(joint.array, ["Z", "X", "Y"], on_zero="raise")
    for call in (lambda: est.evaluate(joint, on_zero="zero"),
                 lambda: est.kernels(joint, on_zero="zero"),
                 lambda: est.evaluate_array(joint.array, ["Z", "X", "Y"], on_zero="zero")):
        with pytest.raises(ValueError, match="on_zero must be one of"):
            call()


def test_a_quotient_whose_denominator_is_not_the_numerators_marginal_is_refused():
    bad = Estimand(Quotient(Prob(("X", "Y")), Prob("X", "Y")), (), ("Y",), ("X",))
    joint = random_joint(["X", "Y"], {"X": 2, "Y": 2}, seed=7)
    with pytest.raises(ValueError, match="is not the marginal of its numerator"):
        bad.evaluate(joint)


def test_kernels_check_the_joint():
    est = identify(BACK_DOOR, "X", "Y")
    with pytest.raises(TypeError, match="markov.Kernel state"):
        est.kernels(np.ones((2, 2, 2)) / 8)
    with pytest.raises(CausalError, match="must be a state"):
        est.kernels(Kernel([[1.0, 0.0], [0.0, 1.0]], dom="Z", cod="X"))
    with pytest.raises(UnknownVariable, match=r"no axis for \['Z'\]"):
        est.kernels(Kernel.state([[0.25, 0.25], [0.25, 0.25]], cod=("X", "Y")))


def test_diagram_interprets_on_torch_like_evaluate():
    torch = pytest.importorskip("torch")
    est = identify(NAPKIN, "X", "Y")
    exact = random_joint(["Y", "W", "R", "X"], dict.fromkeys("WRXY", 2), seed=8)
    joint = Kernel.state(torch.tensor(exact.array.astype(float)), cod=exact.cod)
    got = diagram_value(est, joint)
    assert isinstance(got.array, torch.Tensor)
    assert np.allclose(got.array.numpy(), est.evaluate(exact).array.astype(float))


# ---- data ----------------------------------------------------------------------------------

def test_evaluate_data_goes_through_the_empirical_joint_with_labels():
    rng = np.random.default_rng(0)
    n = 400
    s = rng.integers(0, 2, n)
    t = (rng.random(n) < 0.2 + 0.6 * s).astype(int)
    c = (rng.random(n) < 0.3 + 0.4 * t).astype(int)
    df = pd.DataFrame({"Smoking": np.array(["no", "yes"])[s], "Tar": t, "Cancer": c})
    est = identify(ADMG([("Smoking", "Tar"), ("Tar", "Cancer")], [("Smoking", "Cancer")]),
                   "Smoking", "Cancer")
    got = est.evaluate_data(df, exact=True)
    want = est.evaluate(empirical(df, ["Smoking", "Tar", "Cancer"], exact=True))
    assert_same_kernel(got, want)
    assert got.labels == {"Smoking": ("no", "yes"), "Cancer": ("0", "1")}
    floats = est.evaluate_data(df)
    assert np.allclose(floats.array, got.array.astype(float))
    with pytest.raises(UnknownVariable, match="no column 'Tar'"):
        est.evaluate_data(df.drop(columns="Tar"))


def test_variables_follow_the_graph_order():
    assert identify(NAPKIN, "X", "Y").variables == ("W", "R", "X", "Y")
    g = nx.DiGraph([("U", "S"), ("U", "C"), ("S", "T"), ("T", "C")])
    g.nodes["U"]["latent"] = True
    assert identify(g, "S", "C").variables == ("S", "T", "C")


def test_treatment_value_fixes_the_treatment_and_gives_a_state():
    est = identify(FRONT_DOOR, "S", "C")
    joint = random_joint(["S", "T", "C"], {"S": 2, "T": 2, "C": 3}, seed=9)
    kernel = est.evaluate(joint)
    state = est.evaluate(joint, treatment_value=1)
    assert state.dom == Ty() and state.array.tolist() == kernel.array[1].tolist()
    named = Kernel.state(joint.array, cod=joint.cod, labels={"S": ("no", "yes")})
    assert est.evaluate(named, treatment_value="yes").array.tolist() == kernel.array[1].tolist()
    assert est.evaluate(named, treatment_value={"S": "no"}).array.tolist() == \
        kernel.array[0].tolist()
    conditional = identify(FRONT_DOOR, "S", "C", given="T")
    k = conditional.evaluate(joint, treatment_value=0)
    assert k.dom == Ty("T") and k.array.tolist() == conditional.evaluate(joint).array[0].tolist()
    g = ADMG([("X1", "Y"), ("X2", "Y")])
    two = identify(g, ["X1", "X2"], "Y")
    j2 = random_joint(["X1", "X2", "Y"], dict.fromkeys(["X1", "X2", "Y"], 2), seed=10)
    assert two.evaluate(j2, treatment_value={"X1": 1, "X2": 0}).array.tolist() == \
        two.evaluate(j2).array[1, 0].tolist()
    with pytest.raises(CausalError, match="give treatment_value as a mapping"):
        two.evaluate(j2, treatment_value=1)
    with pytest.raises(UnknownVariable, match="treatment_value names \\['X1'\\]"):
        two.evaluate(j2, treatment_value={"X1": 1})
    with pytest.raises(InvalidValue, match="'S' has no outcome 'maybe'"):
        est.evaluate(named, treatment_value="maybe")
