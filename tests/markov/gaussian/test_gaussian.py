"""Gaussian kernels: construction, dimensions, validation, structure and errors."""

import numpy as np
import pytest

from diagrams import Box, Functor, Ty, TypeMismatch, copy
from markov import Kernel, NotCovariance, ShapeMismatch, UnknownAtom
from markov.gaussian.kernel import GaussianKernel, gaussian_category

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")


def std(cod="X", n=1, **kwargs):
    return GaussianKernel.state(np.zeros(n), np.eye(n), cod=cod, **kwargs)


# ---- construction and dimensions --------------------------------------------------------

def test_dimensions_are_read_off_the_arrays_per_atom():
    f = GaussianKernel(np.ones((3, 2)), np.zeros(3), np.eye(3), dom="X", cod=("Y", "Z"),
                       dims={"Y": 2})
    assert f.dom_dims == (2,) and f.cod_dims == (2, 1) and f.dims == {"X": 2, "Y": 2, "Z": 1}
    assert (f.n_dom, f.n_cod) == (2, 3)


def test_atoms_as_many_as_coordinates_get_dimension_one():
    p = GaussianKernel.state(np.zeros(3), np.eye(3), cod=("X", "Y", "Z"))
    assert p.cod_dims == (1, 1, 1)


def test_a_repeated_atom_shares_the_coordinates_equally():
    p = GaussianKernel.state(np.zeros(4), np.eye(4), cod=("X", "X"))
    assert p.cod_dims == (2, 2)


def test_a_shared_atom_fixes_the_other_side():
    f = GaussianKernel(np.ones((3, 2)), np.zeros(3), None, dom="X", cod=("X", "Y"))
    assert f.dims == {"X": 2, "Y": 1}


def test_undetermined_dimensions_raise_and_ask_for_dims():
    with pytest.raises(ShapeMismatch, match="pass dims"):
        GaussianKernel.state(np.zeros(3), np.eye(3), cod=("X", "Y"))


def test_coordinates_that_cannot_be_shared_raise():
    with pytest.raises(ShapeMismatch, match="cannot be shared"):
        GaussianKernel.state(np.zeros(3), np.eye(3), cod=("X", "X"))


def test_dims_that_disagree_with_the_arrays_raise():
    with pytest.raises(ShapeMismatch, match="has 2 coordinates"):
        GaussianKernel([[1.0, 2.0]], [0.0], [[1.0]], dom="X", cod="Y", dims={"X": 1})


def test_mismatched_array_shapes_raise():
    with pytest.raises(ShapeMismatch, match="rows"):
        GaussianKernel(np.ones((2, 1)), np.zeros(3), np.eye(2), dom="X", cod="Y")
    with pytest.raises(ShapeMismatch, match="axes"):
        GaussianKernel(np.ones(2), np.zeros(2), np.eye(2), dom="X", cod="Y")
    with pytest.raises(ShapeMismatch, match="do not broadcast"):
        GaussianKernel(np.ones((2, 1, 1)), np.zeros((3, 1)), np.eye(1), dom="X", cod="Y")
    with pytest.raises(ShapeMismatch, match="needs a matrix"):
        GaussianKernel(None, np.zeros(1), np.eye(1), dom="X", cod="Y")
    with pytest.raises(ShapeMismatch, match="at least"):
        GaussianKernel(None, None, None)


def test_negative_and_asymmetric_and_nonfinite_covariances_raise_naming_the_kernel():
    with pytest.raises(NotCovariance, match="kernel p: .*negative eigenvalue -1"):
        GaussianKernel.state([0.0, 0.0], [[1.0, 0.0], [0.0, -1.0]], cod="X", name="p")
    with pytest.raises(NotCovariance, match="not symmetric"):
        GaussianKernel.state([0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]], cod="X")
    with pytest.raises(NotCovariance, match="non-finite"):
        GaussianKernel.state([np.nan], [[1.0]], cod="X")
    with pytest.raises(NotCovariance, match="batch \\(1,\\)"):
        GaussianKernel.state(np.zeros((2, 1)), np.array([[[1.0]], [[-1.0]]]), cod="X")


def test_rounding_noise_in_a_singular_covariance_is_accepted():
    v = np.array([[1.0], [1.0], [1e-3]])
    cov = v @ v.T - 1e-17 * np.eye(3)
    GaussianKernel.state(np.zeros(3), cov, cod="X")


def test_kernels_are_immutable():
    with pytest.raises(AttributeError):
        std().mean = None


def test_exact_fractions_are_converted_to_floats():
    from fractions import Fraction as Fr

    p = GaussianKernel.state([Fr(1, 2)], [[Fr(1, 4)]], cod="X")
    assert p.mean.dtype == np.float64 and p.mean.tolist() == [0.5]


# ---- structure ----------------------------------------------------------------------------

def test_composition_is_affine_and_adds_noise():
    f = GaussianKernel([[2.0]], [1.0], [[1.0]], dom=X, cod=Y)
    g = GaussianKernel([[3.0]], [0.0], [[2.0]], dom=Y, cod=Z)
    h = f >> g
    assert (h.matrix.tolist(), h.mean.tolist(), h.covariance.tolist()) == \
        ([[6.0]], [3.0], [[11.0]])
    assert h.dom == X and h.cod == Z


def test_composition_of_mismatched_types_raises_naming_both():
    f = GaussianKernel([[1.0]], [0.0], None, dom=X, cod=Y, name="f")
    with pytest.raises(TypeMismatch, match="codomain of f is Ty\\('Y'\\).*domain of f"):
        f >> f


def test_composition_of_mismatched_dimensions_raises():
    f = GaussianKernel([[1.0]], [0.0], None, dom=X, cod=Y, name="f")
    g = GaussianKernel(np.ones((1, 2)), [0.0], None, dom=Y, cod=Z, name="g")
    with pytest.raises(ShapeMismatch, match="type Y has dimension 1 in f but 2 in g"):
        f >> g


def test_composing_or_tensoring_with_something_else_raises_type_error():
    k = Kernel.state([0.5, 0.5], cod="X")
    with pytest.raises(TypeError):
        std() >> k
    with pytest.raises(TypeError):
        std() @ k
    with pytest.raises(TypeError, match="cannot compose"):
        std().then(k)
    with pytest.raises(TypeError, match="cannot tensor"):
        std().tensor(k)


def test_tensor_is_block_diagonal_and_broadcasts_batches():
    p = GaussianKernel.state(np.zeros((4, 1)), np.ones((4, 1, 1)), cod="X")
    q = GaussianKernel.state([1.0, 2.0], np.diag([2.0, 3.0]), cod="Y")
    r = p @ q
    assert r.batch_shape == (4,) and r.cod == X @ Y and r.cod_dims == (1, 2)
    assert np.allclose(r.covariance[0], np.diag([1.0, 2.0, 3.0]))
    assert np.allclose(r.mean[3], [0.0, 1.0, 2.0])


def test_wiring_kernels():
    dims = {"X": 2, "Y": 1}
    c = GaussianKernel.copy(X, dims, 3)
    assert c.matrix.shape == (6, 2) and c.cod == X @ X @ X and c.is_deterministic()
    assert GaussianKernel.discard(X @ Y, dims).cod == Ty()
    s = GaussianKernel.swap(X, Y, dims)
    assert s.cod == Y @ X and s.matrix.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert GaussianKernel.identity(X, dims).matrix.tolist() == [[1, 0], [0, 1]]
    assert GaussianKernel.permutation(X @ Y, [1], dims).cod == Y


def test_wiring_errors():
    with pytest.raises(ValueError, match="n >= 0"):
        GaussianKernel.copy(X, {"X": 1}, -1)
    with pytest.raises(ShapeMismatch, match="dimension of type X"):
        GaussianKernel.identity(X, {})
    with pytest.raises(UnknownAtom):
        GaussianKernel.permutation(X, [1], {"X": 1})


def test_copy_of_a_state_is_perfectly_correlated():
    p = std() >> GaussianKernel.copy(X, {"X": 1})
    assert p.covariance.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_marginal_select_and_positions():
    p = GaussianKernel.state([1.0, 2.0, 3.0], np.diag([1.0, 2.0, 3.0]), cod=("X", "Y"),
                             dims={"X": 2})
    assert p.marginal("Y").mean.tolist() == [3.0]
    assert p.marginal(["Y", "X"]).mean.tolist() == [3.0, 1.0, 2.0]
    assert p.select([0, 0]).cod_dims == (2, 2)
    assert p.positions([-1]) == [1]
    with pytest.raises(UnknownAtom, match="Z is not in the codomain"):
        p.marginal("Z")
    with pytest.raises(UnknownAtom):
        p.select([2])
    with pytest.raises(UnknownAtom):
        p.positions([5])


def test_allclose_compares_types_and_arrays():
    assert std().allclose(std())
    assert not std().allclose(std("Y"))
    assert not std().allclose(GaussianKernel.state([0.0], [[2.0]], cod="X"))


def test_samples_of_a_singular_state_lie_on_its_support():
    cov = np.array([[1.0, 1.0], [1.0, 1.0]])
    p = GaussianKernel.state([1.0, -1.0], cov, cod="X")
    xs = p.sample((4000,), seed=1)
    assert xs.shape == (4000, 2)
    assert np.allclose(xs[:, 0] - xs[:, 1], 2.0)
    assert np.allclose(np.cov(xs.T), cov, atol=0.1)


def test_samples_of_a_kernel_at_an_input():
    f = GaussianKernel.deterministic([[2.0]], [1.0], dom="X", cod="Y")
    assert f.sample((2,), seed=0, inputs=[3.0]).tolist() == [[7.0], [7.0]]


def test_box_repr_and_batch_broadcast():
    f = GaussianKernel([[1.0]], [0.0], None, dom=X, cod=Y, name="f")
    assert f.box() == Box("f", X, Y)
    assert "f: X -> Y" in repr(f)
    assert f.broadcast((3,)).batch_shape == (3,)
    assert "batch_shape=(3,)" in repr(f.broadcast((3,)))


def test_the_functor_into_gaussian_kernels():
    p = Box("p", Ty(), X)
    F = Functor(ar={p: std()}, cod=gaussian_category({"X": 1}))
    assert F(p >> copy(X, 3)).covariance.tolist() == [[1.0] * 3] * 3
