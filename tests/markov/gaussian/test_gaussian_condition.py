"""Exact conditioning (Stein & Staton), conditionals, Bayesian inversion and almost-sure
equality of Gaussian kernels, including the acceptance examples of the Gaussian issue."""

import numpy as np
import pytest

from diagrams import Ty, TypeMismatch
from markov import ConditionError, GaussianCondition, GaussianKernel, ShapeMismatch
from markov.gaussian.condition import (
    CONDITION_TOL,
    almost_surely_equal,
    bayes_invert,
    condition,
    condition_affine,
    condition_equal,
    conditional,
    disintegrate,
    observe,
)

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")


def independent(*names):
    n = len(names)
    return GaussianKernel.state(np.zeros(n), np.eye(n), cod=names)


def identity(ty="X", d=1):
    return GaussianKernel.identity(ty, {ty: d})


# ---- acceptance -------------------------------------------------------------------------

def test_x_equals_y_gives_half_variance_and_y_equals_x_almost_surely():
    post = condition_equal(independent("X", "Y"), "X", "Y")
    x = post.marginal("X")
    assert np.allclose(x.mean, 0.0) and np.allclose(x.covariance, [[0.5]])
    marginal, y_given_x = disintegrate(post, "X")
    y_is_x = GaussianKernel.deterministic([[1.0]], None, dom="X", cod="Y")
    assert almost_surely_equal(y_given_x, y_is_x, marginal)
    assert not almost_surely_equal(y_given_x, GaussianKernel.deterministic(
        [[1.0]], [1e-3], dom="X", cod="Y"), marginal)


def test_two_x_equals_two_y_is_the_same_condition():
    once = condition_equal(independent("X", "Y"), "X", "Y")
    scaled = condition(independent("X", "Y"), [[2.0, -2.0]], [0.0])
    assert scaled.allclose(once)


def test_three_equal_standard_normals_have_variance_one_third():
    post = condition_equal(independent("X", "Y", "Z"), ["X", "Y"], ["Y", "Z"])
    assert np.allclose(post.covariance, np.full((3, 3), 1 / 3))


def line(ts):
    """Values f(t) = a + b t of a noise-free line with a, b ~ N(0, 1) independent."""
    design = np.stack([np.ones(len(ts)), np.asarray(ts, float)], 1)
    prior = GaussianKernel.state([0.0, 0.0], np.eye(2), cod=("A", "B"))
    values = GaussianKernel.deterministic(design, None, dom=("A", "B"),
                                          cod=tuple(f"F{t}" for t in ts))
    return prior >> values


def test_contradictory_noise_free_observations_of_a_line_raise_the_typed_error():
    with pytest.raises(ConditionError, match="F0, F1, F2 cannot hold"):
        observe(line([0, 1, 2]), {"F0": 0.0, "F1": 1.0, "F2": 1.0})


def test_consistent_noise_free_observations_of_a_line_determine_it():
    post = observe(line([0, 1, 2]), {"F0": 0.0, "F1": 1.0, "F2": 2.0})
    assert np.allclose(post.mean, [0.0, 1.0, 2.0]) and np.allclose(post.covariance, 0.0)
    two = observe(line([0, 1, 5]), {"F0": 0.0, "F1": 1.0})
    assert np.allclose(two.marginal("F5").mean, [5.0])
    assert np.allclose(two.marginal("F5").covariance, 0.0, atol=1e-12)


# ---- exactness ----------------------------------------------------------------------------

def test_a_variance_that_is_zero_stays_exactly_zero():
    cov = np.diag([1.0, 0.0, 2.0])
    p = GaussianKernel.state([0.0, 5.0, 1.0], cov, cod=("X", "C", "Y"))
    post = condition(p, [[1.0, 1.0, 1.0]], [3.0])
    assert post.covariance[1].tolist() == [0.0, 0.0, 0.0]
    assert post.covariance[:, 1].tolist() == [0.0, 0.0, 0.0]
    assert post.mean[1] == 5.0


def test_a_noise_free_observation_makes_the_observed_variable_exactly_deterministic():
    p = GaussianKernel.state([0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]], cod=("X", "Y"))
    post = observe(p, {"X": 1.0})
    assert post.covariance[0].tolist() == [0.0, 0.0]
    assert post.mean[0] == 1.0
    assert np.allclose(post.marginal("Y").covariance, [[0.75]])


def test_conditioning_on_a_deterministic_quantity_that_holds_changes_nothing():
    p = GaussianKernel.state([1.0, 2.0], [[1.0, 0.0], [0.0, 0.0]], cod=("X", "C"))
    assert observe(p, {"C": 2.0}).allclose(p)


def test_redundant_equations_are_fine():
    p = independent("X", "Y")
    twice = condition(p, [[1.0, -1.0], [2.0, -2.0]], [0.0, 0.0])
    assert twice.allclose(condition_equal(p, "X", "Y"))


def test_condition_with_on_selects_atoms():
    p = independent("X", "Y", "Z")
    post = condition(p, [[1.0, -1.0]], 0.0, on=["Z", "X"])
    assert post.allclose(condition_equal(p, "Z", "X"))


def test_observing_a_vector_atom():
    p = GaussianKernel.state(np.zeros(3), np.eye(3), cod=("X", "Y"), dims={"X": 2})
    post = observe(p, {"X": [1.0, 2.0]})
    assert np.allclose(post.mean, [1.0, 2.0, 0.0])
    assert observe(p, {}) is p


# ---- batching -------------------------------------------------------------------------------

def test_batched_observations_condition_every_instance_in_one_call():
    p = GaussianKernel.state([0.0, 0.0], [[1.0, 1.0], [1.0, 2.0]], cod=("X", "Y"))
    ys = np.linspace(-1, 1, 7)
    post = observe(p, {"Y": ys})
    assert post.batch_shape == (7,)
    assert np.allclose(post.mean[:, 0], ys / 2)
    assert np.allclose(post.broadcast(post.batch_shape).covariance[:, 0, 0], 0.5)


def test_a_contradiction_in_one_batch_entry_names_the_entry():
    p = GaussianKernel.state(np.zeros((3, 1)), np.array([[[1.0]], [[0.0]], [[1.0]]]),
                             cod="X")
    with pytest.raises(ConditionError, match="batch \\(1,\\)"):
        observe(p, {"X": np.ones(3)})


# ---- tolerance ----------------------------------------------------------------------------

def test_the_support_test_tolerance_is_explicit():
    p = GaussianKernel.state([1.0], None, cod="X")
    observe(p, {"X": 1.0 + 1e-12})  # within CONDITION_TOL
    with pytest.raises(ConditionError, match="tolerance 1e-09"):
        observe(p, {"X": 1.0 + 1e-6})
    observe(p, {"X": 1.0 + 1e-6}, tol=1e-5)
    assert CONDITION_TOL == 1e-9


# ---- errors ------------------------------------------------------------------------------

def test_condition_on_a_kernel_that_holds_only_for_some_inputs_raises():
    with pytest.raises(ConditionError, match="every input"):
        observe(identity(), {0: 0.0})


def test_condition_on_a_noisy_kernel_is_a_kernel():
    f = GaussianKernel([[1.0], [1.0]], [0.0, 0.0], np.eye(2), dom="Z", cod=("X", "Y"))
    post = condition_equal(f, "X", "Y")
    assert post.dom == Z and np.allclose(post.matrix, [[1.0], [1.0]])
    assert np.allclose(post.covariance, 0.5)


def test_malformed_equations_raise_shape_mismatch():
    p = independent("X", "Y")
    with pytest.raises(ShapeMismatch, match="needs \\[\\*batch, k, 2\\]"):
        condition(p, [[1.0, 2.0, 3.0]], [0.0])
    with pytest.raises(ShapeMismatch, match="value has shape"):
        condition(p, [[1.0, 2.0]], [0.0, 1.0])
    with pytest.raises(ShapeMismatch, match="needs \\[\\*batch, 2\\]"):
        observe(GaussianKernel.state(np.zeros(2), None, cod="X"), {"X": [1.0, 2.0, 3.0]})
    with pytest.raises(ShapeMismatch, match="cannot equate"):
        condition_equal(p, ["X", "Y"], "X")


def test_condition_affine_with_no_equation_returns_its_inputs():
    F, m, C = np.zeros((1, 0)), np.zeros(1), np.eye(1)
    out = condition_affine(F, m, C, np.zeros((0, 1)), np.zeros(0))
    assert out[2].tolist() == [[1.0]]


# ---- conditionals and inversion ----------------------------------------------------------

def test_conditional_of_a_joint_state_is_the_schur_complement():
    cov = np.array([[2.0, 1.0], [1.0, 1.0]])
    c = conditional(GaussianKernel.state([0.0, 1.0], cov, cod=("X", "Y")), "X")
    assert (c.dom, c.cod) == (X, Y)
    assert np.allclose(c.matrix, [[0.5]]) and np.allclose(c.covariance, [[0.5]])


def test_conditional_given_a_deterministic_variable_uses_the_pseudo_inverse():
    cov = np.array([[0.0, 0.0], [0.0, 1.0]])
    joint = GaussianKernel.state([3.0, 1.0], cov, cod=("X", "Y"))
    _, c = disintegrate(joint, "X")
    assert np.allclose(c.matrix, 0.0) and np.allclose(c.mean, [1.0])
    assert not np.isnan(c.matrix).any()


def test_fritz_conditional_of_a_kernel_takes_the_kernel_input_last():
    f = GaussianKernel([[1.0], [2.0]], [0.0, 0.0], np.eye(2), dom="Z", cod=("X", "Y"))
    c = conditional(f, "X")
    assert c.dom == X @ Z and c.cod == Y and np.allclose(c.matrix, [[0.0, 2.0]])


def test_bayes_invert_a_noisy_observation():
    prior = GaussianKernel.state([1.0], [[4.0]], cod="X")
    noisy = GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
    inverse = bayes_invert(noisy, prior)
    # posterior mean = prior + 4/5 (y - 1), variance 4/5
    assert np.allclose(inverse.matrix, [[0.8]]) and np.allclose(inverse.mean, [0.2])
    assert np.allclose(inverse.covariance, [[0.8]])


def test_bayes_invert_a_batch_of_priors_in_one_call():
    priors = GaussianKernel.state(np.zeros((1024, 1)), np.linspace(0.5, 2, 1024)[:, None, None],
                                  cod="X")
    noisy = GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
    inverse = bayes_invert(noisy, priors)
    v = np.linspace(0.5, 2, 1024)
    assert inverse.batch_shape == (1024,)
    assert np.allclose(inverse.covariance[:, 0, 0], v / (v + 1))


def test_bayes_invert_type_errors():
    f = GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
    with pytest.raises(TypeMismatch, match="prior state on"):
        bayes_invert(f, independent("Y"))
    with pytest.raises(TypeMismatch):
        bayes_invert(f, f)
    with pytest.raises(ShapeMismatch, match="dimension"):
        bayes_invert(f, GaussianKernel.state([0.0, 0.0], np.eye(2), cod="X"))


def test_almost_sure_equality_depends_on_the_support_of_the_state():
    f = GaussianKernel.deterministic([[1.0, 0.0]], None, dom="X", cod="Y")
    g = GaussianKernel.deterministic([[1.0, 5.0]], None, dom="X", cod="Y")
    on_first_axis = GaussianKernel.state([0.0, 0.0], np.diag([1.0, 0.0]), cod="X")
    full = GaussianKernel.state([0.0, 0.0], np.eye(2), cod="X")
    assert almost_surely_equal(f, g, on_first_axis)
    assert not almost_surely_equal(f, g, full)
    noisy = GaussianKernel([[1.0, 0.0]], [0.0], [[1.0]], dom="X", cod="Y")
    assert not almost_surely_equal(f, noisy, on_first_axis)


def test_almost_sure_equality_type_errors():
    f = identity()
    with pytest.raises(TypeMismatch, match="cannot compare"):
        almost_surely_equal(f, identity("Y"))
    with pytest.raises(TypeMismatch, match="needs a state"):
        almost_surely_equal(f, f, identity())


# ---- conditions as effects ----------------------------------------------------------------

def test_condition_effects_apply_to_kernels():
    p = independent("X", "Y")
    eq = GaussianCondition.equation([[2.0, -2.0]], [0.0], ("X", "Y"))
    assert eq.apply(p).allclose(condition_equal(p, "X", "Y"))
    assert GaussianCondition.equal("X").apply(independent("X", "X")).allclose(
        condition_equal(independent("X", "X"), [0], [1]))
    assert "2 equations" not in repr(eq) and "1 equations" in repr(eq)


def test_condition_effect_errors():
    with pytest.raises(ShapeMismatch, match="condition"):
        GaussianCondition([[1.0, 0.0]], [0.0, 1.0], ("X", "Y"))
    with pytest.raises(TypeMismatch, match="takes"):
        GaussianCondition.observe(1.0, "X").apply(independent("Y"))
    with pytest.raises(AttributeError):
        GaussianCondition.observe(1.0, "X").value = 2.0


def test_observe_effect_reads_batched_scalars_when_dims_say_one():
    obs = GaussianCondition.observe(np.arange(4.0), "Y", dims={"Y": 1})
    assert obs.value.shape == (4, 1) and obs.matrix.shape == (1, 1)
    assert GaussianCondition.observe(np.arange(4.0), "Y").dims == {"Y": 4}
