"""Interpreting diagrams into Gaussian kernels, with conditions as effects."""

import numpy as np
import pytest

from diagrams import Box, Ty, copy, discard, identity, swap, trace
from markov import (
    ConditionError,
    GaussianCondition,
    GaussianKernel,
    MissingBox,
    ShapeMismatch,
    interpret_gaussian,
)
from markov.gaussian.condition import observe

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
p, q, f = Box("p", Ty(), X), Box("q", Ty(), Y), Box("f", X, Y)
eq = Box("eq", X @ X, Ty())


def std(cod="X", n=1):
    return GaussianKernel.state(np.zeros(n), np.eye(n), cod=cod)


def test_a_joint_state_from_a_diagram():
    K = interpret_gaussian(p >> copy(X) >> (identity(X) @ f),
                           {p: std(), f: GaussianKernel([[2.0]], [1.0], [[1.0]], dom=X,
                                                        cod=Y)})
    assert K.cod == X @ Y
    assert K.mean.tolist() == [0.0, 1.0]
    assert K.covariance.tolist() == [[1.0, 2.0], [2.0, 5.0]]


def test_a_diagram_with_inputs_is_a_kernel():
    g = GaussianKernel([[2.0]], [1.0], [[1.0]], dom=X, cod=Y)
    K = interpret_gaussian(copy(X) >> (f @ identity(X)) >> swap(Y, X), {f: g})
    assert K.dom == X and K.cod == X @ Y
    assert K.matrix.tolist() == [[1.0], [2.0]] and K.covariance.tolist() == [[0, 0], [0, 1]]


def test_copies_discards_and_swaps():
    K = interpret_gaussian(p >> copy(X, 3) >> (discard(X) @ swap(X, X)), {"p": std()})
    assert K.covariance.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_boxes_can_be_looked_up_by_name_and_unused_ones_need_no_kernel():
    K = interpret_gaussian(p >> copy(X) >> (identity(X) @ (f >> discard(Y))), {"p": std()})
    assert K.cod == X


def test_an_identity_diagram_needs_dims():
    with pytest.raises(ShapeMismatch, match="pass dims"):
        interpret_gaussian(identity(X), {})
    K = interpret_gaussian(identity(X), {}, dims={"X": 2})
    assert K.matrix.tolist() == [[1, 0], [0, 1]]


def test_an_equation_box_conditions_the_joint():
    both = (p @ p) >> copy(X @ X) >> (eq @ X @ X)
    K = interpret_gaussian(both, {p: std(), eq: GaussianCondition.equal(X)})
    assert np.allclose(K.covariance, 0.5)


def test_conditions_are_never_pruned_even_when_nothing_else_reaches_them():
    d = (p @ p) >> copy(X @ X) >> (eq @ X @ discard(X))
    K = interpret_gaussian(d, {p: std(), eq: GaussianCondition.equal(X)})
    assert np.allclose(K.covariance, [[0.5]])


def test_three_equal_variables_as_a_traced_program():
    @trace()
    def program():
        x, y, z = p(), p(), p()
        eq(x, y)
        eq(y, z)
        return x

    K = interpret_gaussian(program, {p: std(), eq: GaussianCondition.equal(X)})
    assert np.allclose(K.covariance, [[1 / 3]])


def test_an_observation_box_with_noise_is_a_bayesian_update():
    obs = Box("obs", Y, Ty())

    @trace()
    def program():
        x = p()
        obs(f(x))
        return x

    noisy = GaussianKernel([[1.0]], [0.0], [[1.0]], dom=X, cod=Y)
    K = interpret_gaussian(program, {p: std(), f: noisy,
                                     obs: GaussianCondition.observe(2.0, Y)})
    assert np.allclose(K.mean, [1.0]) and np.allclose(K.covariance, [[0.5]])


def test_interpretation_equals_conditioning_the_interpreted_joint():
    obs = Box("obs", Y, Ty())
    noisy = GaussianKernel([[2.0]], [0.5], [[0.3]], dom=X, cod=Y)
    joint = p >> copy(X) >> (identity(X) @ f)
    J = interpret_gaussian(joint, {p: std(), f: noisy})
    K = interpret_gaussian(joint >> (identity(X) @ copy(Y)) >> (identity(X @ Y) @ obs),
                           {p: std(), f: noisy, obs: GaussianCondition.observe(1.5, Y)})
    assert K.allclose(observe(J, {"Y": 1.5}))


def test_a_contradictory_condition_in_a_diagram_names_the_box():
    r = Box("r", Ty(), X)
    with pytest.raises(ConditionError, match="box eq"):
        interpret_gaussian((p @ r) >> eq, {p: GaussianKernel.state([0.0], None, cod=X),
                                           r: GaussianKernel.state([1.0], None, cod=X),
                                           eq: GaussianCondition.equal(X)})


def test_a_condition_on_an_input_that_holds_only_for_some_inputs_raises():
    c = Box("c", Ty(), X)
    with pytest.raises(ConditionError, match="every input"):
        interpret_gaussian((identity(X) @ c) >> eq,
                           {c: GaussianKernel.state([0.0], None, cod=X),
                            eq: GaussianCondition.equal(X)})


def test_a_condition_on_an_input_with_noise_is_a_kernel():
    K = interpret_gaussian((identity(X) @ p) >> copy(X @ X) >> (eq @ identity(X @ X)),
                           {p: std(), eq: GaussianCondition.equal(X)})
    # x is an input, y ~ N(0, 1), condition x = y: y becomes x
    assert K.dom == X and np.allclose(K.matrix, [[1.0], [1.0]])
    assert np.allclose(K.covariance, 0.0)


def test_batched_boxes_broadcast():
    means = np.arange(5.0)[:, None]
    K = interpret_gaussian(p >> copy(X), {p: GaussianKernel.state(means, [[1.0]], cod=X)})
    assert K.batch_shape == (5,) and np.allclose(K.mean[:, 1], np.arange(5.0))


def test_batched_conditions_broadcast():
    obs = Box("obs", X, Ty())
    K = interpret_gaussian(p >> copy(X) >> (obs @ identity(X)),
                           {p: std(), obs: GaussianCondition.observe(np.arange(3.0), X,
                                                                     dims={"X": 1})})
    assert K.batch_shape == (3,) and np.allclose(K.mean[:, 0], np.arange(3.0))


def test_missing_and_mistyped_boxes_raise():
    with pytest.raises(MissingBox, match="box f"):
        interpret_gaussian(p >> f, {p: std()})
    with pytest.raises(TypeError, match="GaussianKernel or GaussianCondition"):
        interpret_gaussian(p, {p: [0.5, 0.5]})
    with pytest.raises(ShapeMismatch, match="mapped to a Gaussian kernel"):
        interpret_gaussian(p, {p: GaussianKernel.identity(X, {"X": 1})})
    with pytest.raises(ShapeMismatch, match="conditions are effects"):
        interpret_gaussian(p, {p: GaussianCondition.observe(1.0, X)})


def test_inconsistent_dimensions_and_batches_raise():
    g = GaussianKernel(np.ones((1, 2)), [0.0], None, dom=X, cod=Y)
    with pytest.raises(ShapeMismatch, match="type X has dimension 1 in box p but "
                                            "dimension 2 at port 0 of box f"):
        interpret_gaussian(p >> f, {p: std(), f: g})
    with pytest.raises(ShapeMismatch, match="do not broadcast"):
        interpret_gaussian(p @ Box("r", Ty(), X), {
            p: GaussianKernel.state(np.zeros((2, 1)), [[1.0]], cod=X),
            "r": GaussianKernel.state(np.zeros((3, 1)), [[1.0]], cod=X)})
    with pytest.raises(ShapeMismatch, match="dims argument"):
        interpret_gaussian(p, {p: std()}, dims={"X": 2})
