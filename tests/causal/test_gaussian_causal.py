"""Linear-Gaussian causal models: do by surgery, queries with exact evidence, and identified
estimands (back door, front door, conditional, napkin) evaluated on the Gaussian joint."""

import numpy as np
import pytest

from causal.errors import (
    CausalError,
    CyclicModel,
    InvalidCPT,
    InvalidValue,
    LatentVariable,
    UnknownVariable,
)
from causal.estimand import Estimand, Prob
from causal.gaussian import LinearGaussianModel, evaluate_gaussian
from causal.identify import identify
from causal.surgery import surgery
from diagrams import Ty
from markov import ConditionError, GaussianKernel
from markov.gaussian.condition import conditional

XS = np.array([-1.0, 0.0, 2.5])


def interventional(model, outcome="Y", treatment="X", given=None):
    """P(outcome | do(treatment = x)) for x in XS (and evidence), batched in one query."""
    return model.query(outcome, do={treatment: XS}, evidence=given)


def at(kernel, *values):
    """The kernel evaluated at batched points (one per entry of XS)."""
    point = np.stack(np.broadcast_arrays(*values), -1)
    return GaussianKernel.state(point, None, cod=kernel.dom, dims=kernel.dims) >> kernel


def front_door():
    return LinearGaussianModel({
        "U": ({}, 0.0, 1.0),
        "X": ({"U": 1.5}, 0.5, 1.0),
        "M": ({"X": -2.0}, 0.0, 0.5),
        "Y": ({"M": 1.0, "U": 3.0}, 1.0, 0.25),
    }, latent=["U"])


def back_door():
    return LinearGaussianModel({
        "Z": ({}, 1.0, 2.0),
        "X": ({"Z": 1.0}, 0.0, 1.0),
        "Y": ({"X": 2.0, "Z": -3.0}, 0.0, 1.0),
    })


# ---- identification on Gaussian joints ----------------------------------------------------

def test_back_door_adjustment_matches_surgery():
    m = back_door()
    estimand = identify(m, "X", "Y")
    assert estimand.formula == "Σ_{Z} P(Y|Z,X) P(Z)"
    k = evaluate_gaussian(estimand, m.observational())
    assert k.dom == Ty("X") and k.cod == Ty("Y")
    assert at(k, XS).allclose(interventional(m))


def test_front_door_with_a_latent_confounder_matches_surgery():
    m = front_door()
    estimand = identify(m, "X", "Y")
    assert "X'" in estimand.formula  # the front-door formula
    k = evaluate_gaussian(estimand, m.observational())
    assert at(k, XS).allclose(interventional(m))
    # Estimand.evaluate hands a Gaussian joint over to the Gaussian evaluation.
    assert at(estimand.evaluate(m.observational()), XS).allclose(interventional(m))


def test_the_naive_conditional_is_confounded():
    m = front_door()
    naive = conditional(m.observational(["X", "Y"]), "X")
    assert not at(naive, XS).allclose(interventional(m))


def test_a_conditional_estimand_with_a_quotient_matches_surgery_and_evidence():
    m = LinearGaussianModel({
        "X": ({}, 0.0, 1.0),
        "Y": ({"X": 1.0}, 0.0, 1.0),
        "Z": ({"Y": 2.0}, 0.0, 1.0),
    })
    estimand = identify(m, "X", "Y", given="Z")
    k = evaluate_gaussian(estimand, m.observational())
    assert k.dom == Ty("X", "Z")
    z = np.array([0.5, -1.0, 3.0])
    truth = m.query("Y", do={"X": XS}, evidence={"Z": z})
    assert at(k, XS, z).allclose(truth)


def test_the_napkin_estimand_with_a_nested_quotient_matches_surgery():
    m = LinearGaussianModel({
        "U1": ({}, 0.0, 1.0), "U2": ({}, 0.0, 1.0),
        "W": ({"U1": 1.0, "U2": -1.0}, 0.0, 1.0),
        "R": ({"W": 0.7}, 0.0, 1.0),
        "X": ({"R": 1.2, "U1": 2.0}, 0.0, 1.0),
        "Y": ({"X": -0.5, "U2": 1.5}, 0.0, 1.0),
    }, latent=["U1", "U2"])
    estimand = identify(m, "X", "Y")
    assert "/" in estimand.formula
    k = evaluate_gaussian(estimand, m.observational())
    assert at(k, XS).allclose(interventional(m))


def test_a_trivially_identified_query_ignores_the_treatment_input():
    m = LinearGaussianModel({"X": ({}, 0.0, 1.0), "Z": ({"X": 1.0}, 0.0, 1.0),
                             "Y": ({"Z": 1.0}, 0.0, 1.0)})
    estimand = identify(m, "X", "Y", given="Z")
    assert estimand.formula == "P(Y|Z)"
    k = evaluate_gaussian(estimand, m.observational())
    assert k.dom == Ty("X", "Z") and np.allclose(k.matrix, [[0.0, 1.0]])


def test_estimands_that_are_not_chains_raise():
    m = back_door()
    not_produced = Estimand(Prob("Y", ("Z", "X")), ("X",), ("Y",))
    with pytest.raises(CausalError, match="never produced"):
        evaluate_gaussian(not_produced, m.observational())
    with pytest.raises(UnknownVariable, match="'Q'"):
        evaluate_gaussian(Estimand(Prob("Q"), (), ("Q",)), m.observational())
    with pytest.raises(CausalError, match="Gaussian state"):
        evaluate_gaussian(identify(m, "X", "Y"), m.mechanisms["Y"])


# ---- models, do and queries ------------------------------------------------------------------

def test_do_is_surgery_on_the_diagram():
    m = back_door()
    assert m.do(X=1.0).diagram == surgery(m.diagram, ["X"])
    assert m.do(X=1.0).intervened == frozenset({"X"})
    assert "do(X)" in repr(m.do(X=1.0))


def test_do_then_query_equals_query_with_do():
    m = front_door()
    assert m.do(X=2.0).query("Y").allclose(m.query("Y", do={"X": 2.0}))


def test_a_soft_intervention_sets_a_gaussian_state():
    m = back_door()
    soft = GaussianKernel.state([1.0], [[4.0]], cod="X")
    y = m.query("Y", do={"X": soft})
    z = m.query("Z")
    # Y = 2 X - 3 Z + noise with X ~ N(1, 4) independent of Z ~ N(1, 2)
    assert np.allclose(y.mean, [2.0 - 3.0]) and np.allclose(y.covariance, [[16 + 18 + 1]])
    assert np.allclose(z.mean, [1.0])


def test_evidence_is_conditioned_exactly():
    m = LinearGaussianModel({"X": ({}, 0.0, 1.0), "Y": ({"X": 1.0}, 0.0, 0.0)})
    post = m.query("X", evidence={"Y": 2.0})  # noise-free: X = Y
    assert np.allclose(post.mean, [2.0]) and post.covariance.tolist() == [[0.0]]
    with pytest.raises(ConditionError):
        m.query("X", do={"X": 1.0}, evidence={"Y": 2.0})


def test_vector_variables_and_kernel_mechanisms():
    prior = GaussianKernel.state([0.0, 0.0], np.eye(2), cod="X")
    read = GaussianKernel([[1.0, 1.0]], [0.0], [[1.0]], dom="X", cod="Y")
    m = LinearGaussianModel({"X": prior, "Y": read})
    assert m.dims == {"X": 2, "Y": 1}
    assert np.allclose(m.query("Y", do={"X": [1.0, 2.0]}).mean, [3.0])
    with pytest.raises(InvalidValue, match="2-dimensional"):
        m.query("Y", do={"X": [1.0, 2.0, 3.0]})


def test_vector_equations():
    m = LinearGaussianModel({"X": ({}, [0.0, 0.0], np.eye(2)),
                             "Y": ({"X": [[1.0, -1.0]]}, [0.5], 1.0)})
    assert np.allclose(m.observational(["Y"]).covariance, [[3.0]])


def test_model_errors_are_typed_and_name_the_variable():
    with pytest.raises(UnknownVariable, match="'X'"):
        LinearGaussianModel({"Y": ({"X": 1.0}, 0.0, 1.0)})
    with pytest.raises(CyclicModel, match="cycle"):
        LinearGaussianModel({"X": ({"Y": 1.0}, 0.0, 1.0), "Y": ({"X": 1.0}, 0.0, 1.0)})
    with pytest.raises(InvalidCPT, match="'X'"):
        LinearGaussianModel({"X": [0.5, 0.5]})
    with pytest.raises(InvalidCPT, match="codomain"):
        LinearGaussianModel({"X": GaussianKernel.state([0.0], [[1.0]], cod="Z")})
    with pytest.raises(InvalidCPT, match="'X'"):
        LinearGaussianModel({"X": ({}, 0.0, -1.0)})
    with pytest.raises(InvalidCPT, match="dimension"):
        LinearGaussianModel({"X": ({}, [0.0, 0.0], np.eye(2)), "Y": ({"X": 1.0}, 0.0, 1.0)})
    with pytest.raises(UnknownVariable, match="latent"):
        LinearGaussianModel({"X": ({}, 0.0, 1.0)}, latent=["U"])


def test_query_errors_are_typed():
    m = front_door()
    with pytest.raises(UnknownVariable, match="'Q'"):
        m.query("Q")
    with pytest.raises(UnknownVariable, match="do names 'Q'"):
        m.query("Y", do={"Q": 1.0})
    with pytest.raises(LatentVariable, match="'U'"):
        m.observational(["U"])
    with pytest.raises(CausalError, match="twice"):
        m.query(["Y", "Y"])
    with pytest.raises(InvalidValue, match="soft intervention"):
        m.query("Y", do={"X": GaussianKernel.state([0.0], [[1.0]], cod="M")})


def test_latent_variables_can_be_queried_from_the_full_model():
    m = front_door()
    assert m.query("U").allclose(GaussianKernel.state([0.0], [[1.0]], cod="U"))
    assert set(m.graph.nodes) == {"U", "X", "M", "Y"} and m.graph.nodes["U"]["latent"]
    assert m.parents["Y"] == ("M", "U") and m.variables == ("U", "X", "M", "Y")
    assert m.diagram.cod == Ty("X", "M", "Y")
    assert set(m.mapping) >= set(m.diagram.boxes)
