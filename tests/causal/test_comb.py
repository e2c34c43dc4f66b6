"""Comb disintegration (Jacobs, Kissinger & Zanasi): the plugged comb is the intervention,
exactly, whenever the paper's sufficient conditions hold; the conditions are checked."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from causal import CausalModel
from causal.admg import ADMG
from causal.comb import Comb, check_comb_conditions, comb_disintegrate
from causal.errors import CausalError, CombConditionsNotMet, UnknownVariable
from causal.identify import identify
from markov import Kernel

F = Fraction


def smoking(latent: bool = True) -> CausalModel:
    """U -> Smoking, U -> Cancer, Smoking -> Tar -> Cancer, exact CPTs."""
    return CausalModel(
        {"U": [], "S": ["U"], "T": ["S"], "C": ["T", "U"]},
        {"U": np.array([F(1, 2), F(1, 2)], dtype=object),
         "S": np.array([[F(4, 5), F(1, 5)], [F(3, 10), F(7, 10)]], dtype=object),
         "T": np.array([[F(19, 20), F(1, 20)], [F(1, 10), F(9, 10)]], dtype=object),
         "C": np.array([[[F(9, 10), F(1, 10)], [F(7, 10), F(3, 10)]],
                        [[F(3, 5), F(2, 5)], [F(3, 10), F(7, 10)]]], dtype=object)},
        latent=["U"] if latent else [])


def test_plugged_comb_of_the_smoking_joint_is_surgery_with_u_known_exactly():
    model = smoking()
    joint = model.observational()
    comb = comb_disintegrate(joint, "S", "T", "C", graph=model)
    assert isinstance(comb, Comb)
    assert (comb.first.dom, comb.first.cod) == (joint.cod[0:1], joint.cod[1:2])
    assert comb.second.dom.names == ("T", "S") and comb.second.cod.names == ("C",)
    want = model.query("C", do={"S": [0, 1]}).array        # surgery, U explicit
    assert (comb.plug().array == want).all()
    assert comb.plug().array.dtype == object               # exact Fractions throughout


def test_plugged_comb_is_the_front_door_estimand_of_identify():
    model = smoking()
    est = identify(model, "S", "C")
    comb = comb_disintegrate(model.observational(), "S", "T", "C")
    assert est.formula == "Σ_{T} P(T|S) Σ_{S'} P(C|S',T) P(S')"
    assert (comb.plug().array == est.evaluate(model.observational()).array).all()


def test_comb_recomposes_the_joint_it_came_from():
    joint = smoking().observational()
    assert (comb_disintegrate(joint, "S", "T", "C").joint().array == joint.array).all()


def test_plugging_a_soft_intervention_or_a_policy():
    model = smoking()
    comb = comb_disintegrate(model.observational(), "S", "T", "C")
    sigma = Kernel.state(np.array([F(1, 3), F(2, 3)], dtype=object), cod="S")
    soft = comb.plug(sigma)
    assert soft.dom.names == () and (soft.array == (sigma >> comb.plug()).array).all()
    assert (soft.array == model.do(S=sigma).query("C").array).all()
    policy = Kernel(np.array([[F(1), F(0)], [F(1, 2), F(1, 2)]], dtype=object),
                    dom="A", cod="S")
    assert (comb.plug(policy).array == (policy >> comb.plug()).array).all()
    for bad in (Kernel.state([0.5, 0.5], cod="T"), np.array([0.5, 0.5])):
        with pytest.raises(CausalError, match="plug takes a state or kernel into the "
                                              "treatment S"):
            comb.plug(bad)


def test_comb_diagram_is_one_contraction_of_three_boxes():
    comb = comb_disintegrate(smoking().observational(), "S", "T", "C")
    d = comb.diagram()
    assert [b.name for b in d.boxes] == ["P(T|S)", "P(S)", "P(C|T,S)"]
    assert d.dom.names == ("S",) and d.cod.names == ("C",)
    assert d.uses == (1, 1, 1, 1)      # x in, t, memory x', c out: no copy, no discard


@st.composite
def front_door_models(draw):
    """Treatment, mediator, outcome sets with internal edges; latents confound X with Z."""
    nx_, ny, nz = (draw(st.integers(1, 2)) for _ in range(3))
    X = [f"X{i}" for i in range(nx_)]
    Y = [f"Y{i}" for i in range(ny)]
    Z = [f"Z{i}" for i in range(nz)]
    parents = {"U": []}
    for i, x in enumerate(X):
        parents[x] = ["U"] + [p for p in X[:i] if draw(st.booleans())]
    for i, y in enumerate(Y):
        parents[y] = [p for p in X + Y[:i] if draw(st.booleans())] or [X[0]]
    for i, z in enumerate(Z):
        parents[z] = ([p for p in Y + Z[:i] if draw(st.booleans())] or [Y[-1]]) + \
            (["U"] if draw(st.booleans()) or i == 0 else [])
    cards = {v: draw(st.sampled_from([2, 3])) for v in parents}
    rng = random.Random(draw(st.integers(0, 2**16)))
    cpts = {}
    for v, ps in parents.items():
        shape = tuple(cards[p] for p in ps) + (cards[v],)
        raw = np.array([F(rng.randint(1, 4)) for _ in range(int(np.prod(shape)))],
                       dtype=object).reshape(shape)
        cpts[v] = raw / raw.sum(axis=-1, keepdims=True)
    return CausalModel(parents, cpts, latent=["U"]), X, Y, Z


@settings(max_examples=15, deadline=None)
@given(front_door_models())
@example((smoking(), ["S"], ["T"], ["C"]))
def test_plugged_comb_equals_surgery_exactly_under_the_sufficient_conditions(case):
    model, X, Y, Z = case
    check_comb_conditions(model, X, Y, Z)
    comb = comb_disintegrate(model.observational(), X, Y, Z, graph=model)
    sizes = [len(model.states[x]) for x in X]
    do = {x: np.arange(n).reshape([n if j == i else 1 for j in range(len(X))])
          for i, (x, n) in enumerate(zip(X, sizes))}
    want = model.query(Z, do=do).array                     # batch [*X], event [*Z]
    assert (comb.plug().array == want).all()
    assert (comb.joint().array == model.observational(X + Y + Z).array).all()


def test_without_the_screening_off_condition_the_comb_is_not_the_intervention():
    # negative control: a direct edge S -> C breaks condition 4, and the number is wrong
    model = CausalModel(
        {"U": [], "S": ["U"], "T": ["S"], "C": ["T", "U", "S"]},
        {"U": np.array([F(1, 2), F(1, 2)], dtype=object),
         "S": np.array([[F(4, 5), F(1, 5)], [F(3, 10), F(7, 10)]], dtype=object),
         "T": np.array([[F(3, 4), F(1, 4)], [F(1, 4), F(3, 4)]], dtype=object),
         "C": np.array([[[[F(9, 10), F(1, 10)], [F(1, 2), F(1, 2)]],
                         [[F(7, 10), F(3, 10)], [F(1, 5), F(4, 5)]]],
                        [[[F(3, 5), F(2, 5)], [F(1, 10), F(9, 10)]],
                         [[F(3, 10), F(7, 10)], [F(1, 2), F(1, 2)]]]], dtype=object)},
        latent=["U"])
    with pytest.raises(CombConditionsNotMet, match="S -> C goes from the treatment to the "
                                                   "outcome"):
        comb_disintegrate(model.observational(), "S", "T", "C", graph=model)
    comb = comb_disintegrate(model.observational(), "S", "T", "C")   # assumed, not checked
    assert not (comb.plug().array == model.query("C", do={"S": [0, 1]}).array).all()


FD = [("S", "T"), ("T", "C")]


@pytest.mark.parametrize("graph, match", [
    (ADMG([("S", "T"), ("C", "S")]), "C -> S enters the treatment"),
    (ADMG([("T", "S"), ("T", "C")]), "T -> S enters the treatment"),
    (ADMG([("S", "T"), ("C", "T")]), "C -> T enters the mediator from the outcome"),
    (ADMG(FD + [("S", "C")], [("S", "C")]), "S -> C goes from the treatment to the outcome"),
    (ADMG(FD, [("S", "T")]), "a latent confounds the mediator T with S"),
    (ADMG(FD, [("T", "C")]), "a latent confounds the mediator T with C"),
    (ADMG(FD + [("W", "S")], [("S", "C")]), r"\['W'\] are in none of"),
])
def test_each_sufficient_condition_is_checked_on_the_graph(graph, match):
    with pytest.raises(CombConditionsNotMet, match=match):
        check_comb_conditions(graph, "S", "T", "C")


def test_conditions_allow_confounding_within_the_treatment_and_the_outcome():
    g = ADMG([("S1", "T"), ("S2", "T"), ("T", "C1"), ("C1", "C2")],
             [("S1", "S2"), ("S1", "C2"), ("C1", "C2"), ("S2", "C1")])
    check_comb_conditions(g, ["S1", "S2"], "T", ["C1", "C2"])


def test_bad_arguments_raise_typed_errors():
    joint = smoking().observational()
    with pytest.raises(UnknownVariable, match="the mediator names \\['Q'\\]"):
        comb_disintegrate(joint, "S", "Q", "C")
    with pytest.raises(UnknownVariable):
        check_comb_conditions(ADMG(FD), "S", "T", "Q")
    with pytest.raises(ValueError, match="S is in both the treatment and the outcome"):
        comb_disintegrate(joint, "S", "T", ["C", "S"])
    with pytest.raises(ValueError, match="the mediator is empty"):
        comb_disintegrate(joint, "S", [], "C")
    with pytest.raises(CausalError, match="as a markov.Kernel state"):
        comb_disintegrate(Kernel([[1.0, 0.0], [0.0, 1.0]], dom="S", cod="T"), "S", "T", "C")
    with pytest.raises(ValueError, match="on_zero must be one of"):
        comb_disintegrate(joint, "S", "T", "C", on_zero="zero")
    with pytest.raises(TypeError, match="identify needs an ADMG"):
        comb_disintegrate(joint, "S", "T", "C", graph=42)


def test_positivity_is_checked_and_a_policy_can_choose_the_comb():
    # Smoking = yes never shows Tar = no: P(C | T = no, S = yes) is not determined
    joint = Kernel.state(np.array([[[F(1, 4), F(1, 8)], [F(1, 8), F(1, 8)]],
                                   [[F(0), F(0)], [F(1, 8), F(1, 4)]]], dtype=object),
                         cod=("S", "T", "C"))
    with pytest.raises(CombConditionsNotMet, match=r"positivity fails: P\(S=1, T=0\) = 0"):
        comb_disintegrate(joint, "S", "T", "C")
    comb = comb_disintegrate(joint, "S", "T", "C", on_zero="uniform")
    assert comb.second.array[0, 1].tolist() == [F(1, 2), F(1, 2)]
    assert (comb.joint().array == joint.array).all()      # equal almost surely, here exactly
    labelled = Kernel.state(joint.array, cod=joint.cod,
                            labels={"S": ("no", "yes"), "T": ("no", "yes"), "C": ("-", "+")})
    with pytest.raises(CombConditionsNotMet, match=r"P\(S=yes, T=no\) = 0"):
        comb_disintegrate(labelled, "S", "T", "C")


def test_batched_float_joint_gives_a_batch_of_combs():
    a = smoking().observational().array.astype(float)
    b = np.full((2, 2, 2), 1 / 8)
    comb = comb_disintegrate(Kernel.state(np.stack([a, b]), cod=("S", "T", "C")),
                             "S", "T", "C")
    got = comb.plug()
    assert got.batch_shape == (2,)
    want = smoking().query("C", do={"S": [0, 1]}).array.astype(float)
    assert np.allclose(got.array[0], want) and np.allclose(got.array[1], 0.5)
