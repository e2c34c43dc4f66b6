"""Marginals, disintegration, Fritz's conditionals and Bayesian inversion, on every backend."""

from fractions import Fraction as Fr

import numpy as np
import pytest

import markov.inference.disintegration as disintegration_module
from diagrams import Ty, TypeMismatch
from markov import (
    Kernel,
    UnknownAtom,
    ZeroMass,
    bayes_invert,
    conditional,
    disintegrate,
    marginal,
    recompose,
)
from markov.inference.equality import almost_surely_equal

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
BACKENDS = ["numpy", "exact", "torch"]


def in_backend(rows, backend):
    """Nested lists of Fractions as an array of the backend."""
    if backend == "exact":
        return np.array(rows, dtype=object)
    array = np.array(rows, dtype=object).astype(float)
    if backend == "torch":
        torch = pytest.importorskip("torch")
        return torch.as_tensor(array)
    return array


def as_floats(array):
    if hasattr(array, "detach"):
        array = array.detach().cpu().numpy()
    return np.asarray(array, dtype=object).astype(float)


def has_nan(array):
    return bool(np.isnan(as_floats(array)).any())


def test_acceptance_bayes_invert_exact():
    from fractions import Fraction as Fr

    from diagrams import Ty
    from markov import Kernel, bayes_invert

    X, Y = Ty("X"), Ty("Y")
    prior = Kernel.state([Fr(1, 4), Fr(3, 4)], cod=X)
    f = Kernel([[Fr(1, 2), Fr(1, 2)], [Fr(1, 3), Fr(2, 3)]], dom=X, cod=Y)
    g = bayes_invert(f, prior)
    assert g.dom == Y and g.cod == X
    assert g.array.tolist() == [[Fr(1, 3), Fr(2, 3)], [Fr(1, 5), Fr(4, 5)]]


# ---- marginals and disintegration -----------------------------------------------------------

JOINT = [[Fr(1, 8), Fr(3, 8), Fr(0)], [Fr(1, 4), Fr(1, 4), Fr(0)]]      # X: 2, Y: 3


def test_marginal_keeps_the_named_atoms_in_the_order_given():
    J = Kernel.state(JOINT, cod=X @ Y)
    assert marginal(J, "X").array.tolist() == [Fr(1, 2), Fr(1, 2)]
    assert marginal(J, ["Y", "X"]).array.tolist() == [[Fr(1, 8), Fr(1, 4)],
                                                     [Fr(3, 8), Fr(1, 4)], [0, 0]]


def test_marginal_of_an_unknown_variable_raises_unknown_atom():
    with pytest.raises(UnknownAtom, match="W is not in the codomain X @ Y"):
        marginal(Kernel.state(JOINT, cod=X @ Y), "W")


def test_disintegration_of_a_joint_state_is_exact():
    J = Kernel.state(JOINT, cod=X @ Y)
    m, c = disintegrate(J, "X")
    assert m.cod == X and c.dom == X and c.cod == Y
    assert m.array.tolist() == [Fr(1, 2), Fr(1, 2)]
    assert c.array.tolist() == [[Fr(1, 4), Fr(3, 4), 0], [Fr(1, 2), Fr(1, 2), 0]]
    assert recompose(m, c).array.tolist() == J.array.tolist()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("on_zero", ["uniform", "prior"])
def test_disintegrating_a_joint_with_a_zero_mass_row_never_divides_by_zero(backend, on_zero):
    J = Kernel.state(in_backend(JOINT, backend), cod=X @ Y)
    m, c = disintegrate(J, "Y", on_zero=on_zero)          # Y = 2 has probability zero
    assert not has_nan(c.array)
    row = as_floats(c.array)[2]
    expected = [0.5, 0.5]            # uniform, and the marginal of X too
    assert np.allclose(row, expected)
    assert np.allclose(as_floats(recompose(m, c).array), as_floats(J.marginal(["Y", "X"]).array))


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_prior_policy_fills_zero_rows_with_the_marginal_of_the_rest(backend):
    J = Kernel.state(in_backend([[Fr(1, 4), Fr(0)], [Fr(3, 4), Fr(0)]], backend), cod=X @ Y)
    c = conditional(J, "Y", on_zero="prior")
    assert np.allclose(as_floats(c.array), [[0.25, 0.75], [0.25, 0.75]])
    c = conditional(J, "Y", on_zero="uniform")
    assert np.allclose(as_floats(c.array), [[0.25, 0.75], [0.5, 0.5]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_nan_appears_only_when_asked_for(backend):
    J = Kernel.state(in_backend(JOINT, backend), cod=X @ Y)
    c = conditional(J, "Y", on_zero="nan")
    assert np.isnan(as_floats(c.array)[2]).all()
    assert not np.isnan(as_floats(c.array)[:2]).any()


@pytest.mark.parametrize("backend", BACKENDS)
def test_raise_policy_names_the_conditioning_variables(backend):
    J = Kernel.state(in_backend(JOINT, backend), cod=X @ Y)
    with pytest.raises(ZeroMass, match=r"conditioning variables Y have probability zero "
                                       r"at row \(2,\)"):
        conditional(J, "Y", on_zero="raise")


def test_an_unknown_policy_is_rejected_even_without_zero_rows():
    J = Kernel.state([[0.25, 0.25], [0.25, 0.25]], cod=X @ Y)
    for call in (lambda: conditional(J, "X", on_zero="zero"),
                 lambda: disintegrate(J, "X", on_zero="skip"),
                 lambda: bayes_invert(Kernel.identity(X, {"X": 2}), J.marginal("X"),
                                      on_zero="ignore")):
        with pytest.raises(ValueError, match="on_zero must be one of"):
            call()


def test_conditioning_on_an_unknown_variable_raises_unknown_atom():
    with pytest.raises(UnknownAtom, match="W is not in the codomain"):
        disintegrate(Kernel.state(JOINT, cod=X @ Y), "W")


def test_conditioning_on_a_repeated_position_is_rejected():
    with pytest.raises(ValueError, match="repeat"):
        conditional(Kernel.state(JOINT, cod=X @ Y), [0, 0])


def test_fritz_conditional_of_a_kernel_recovers_it():
    # f: Z -> X @ Y, given X: X @ Z -> Y
    f = Kernel([[[Fr(1, 2), Fr(0)], [Fr(1, 4), Fr(1, 4)]],
                [[Fr(0), Fr(0)], [Fr(1, 3), Fr(2, 3)]]], dom=Z, cod=X @ Y)
    c = conditional(f, "X")
    assert c.dom == X @ Z and c.cod == Y
    assert c.array[0, 0].tolist() == [1, 0]            # x = 0, z = 0
    assert c.array[1, 0].tolist() == [Fr(1, 2), Fr(1, 2)]
    assert c.array[0, 1].tolist() == [Fr(1, 2), Fr(1, 2)]   # zero mass: uniform
    assert recompose(f.marginal("X"), c).array.tolist() == f.array.tolist()


def test_conditional_given_everything_is_discard_and_given_nothing_is_the_kernel():
    J = Kernel.state(JOINT, cod=X @ Y)
    assert conditional(J, []).array.tolist() == J.array.tolist()
    everything = conditional(J, ["X", "Y"])
    assert everything.cod == Ty() and everything.dom == X @ Y


def test_recompose_rejects_mismatched_types():
    p = Kernel.state([0.5, 0.5], cod=X)
    with pytest.raises(TypeMismatch, match="conditional's domain"):
        recompose(p, Kernel([[1.0, 0.0], [0.0, 1.0]], dom=Y, cod=Z))


def test_disintegration_is_batched():
    rng = np.random.default_rng(0)
    joints = rng.dirichlet(np.ones(6), size=5).reshape(5, 2, 3)
    J = Kernel.state(joints, cod=X @ Y)
    m, c = disintegrate(J, "X")
    assert m.batch_shape == (5,) and c.batch_shape == (5,)
    assert np.allclose(c.array, joints / joints.sum(-1, keepdims=True))


def test_sympy_parameters_stay_symbolic():
    sympy = pytest.importorskip("sympy")
    p = sympy.Symbol("p", positive=True)
    prior = Kernel.state(np.array([p, 1 - p], dtype=object), cod=X)
    f = Kernel([[Fr(9, 10), Fr(1, 10)], [Fr(1, 5), Fr(4, 5)]], dom=X, cod=Y)
    g = bayes_invert(f, prior)
    assert sympy.simplify(g.array[0, 0] - (Fr(9, 10) * p) / (Fr(9, 10) * p
                                                            + Fr(1, 5) * (1 - p))) == 0


# ---- Bayesian inversion ---------------------------------------------------------------------

def test_bayes_invert_defaults_to_the_prior_on_unobservable_outcomes():
    prior = Kernel.state([Fr(1, 4), Fr(3, 4)], cod=X)
    f = Kernel([[Fr(1, 2), Fr(1, 2), 0], [Fr(1, 3), Fr(2, 3), 0]], dom=X, cod=Y)
    g = bayes_invert(f, prior)
    assert g.array.tolist()[2] == [Fr(1, 4), Fr(3, 4)]
    assert bayes_invert(f, prior, on_zero="uniform").array.tolist()[2] == [Fr(1, 2), Fr(1, 2)]
    with pytest.raises(ZeroMass, match="observed values of Y have probability zero at row"):
        bayes_invert(f, prior, on_zero="raise")


def test_bayes_invert_rejects_a_prior_of_the_wrong_type():
    f = Kernel([[0.5, 0.5], [0.0, 1.0]], dom=X, cod=Y)
    with pytest.raises(TypeMismatch, match="domain is Ty\\('X'\\) but the prior"):
        bayes_invert(f, Kernel.state([0.5, 0.5], cod=Z))
    with pytest.raises(TypeMismatch, match="must be a state"):
        bayes_invert(f, f)


def test_bayes_invert_of_a_multi_atom_kernel():
    rng = np.random.default_rng(1)
    prior = Kernel.state(rng.dirichlet(np.ones(4)).reshape(2, 2), cod=X @ Z)
    f = Kernel(rng.dirichlet(np.ones(3), size=(2, 2)), dom=X @ Z, cod=Y)
    g = bayes_invert(f, prior)
    assert g.dom == Y and g.cod == X @ Z
    joint = prior.array[:, :, None] * f.array
    assert np.allclose(g.array, np.moveaxis(joint / joint.sum((0, 1)), 2, 0))


def _expected_inverse(priors, f):
    joint = priors[:, :, None] * f[None]                  # [batch, X, Y]
    post = joint / joint.sum(1, keepdims=True)
    post = np.where(joint.sum(1, keepdims=True) == 0, priors[:, :, None], post)
    return np.swapaxes(post, 1, 2)                        # [batch, Y, X]


def test_a_batch_of_1024_priors_is_inverted_in_one_call(monkeypatch):
    rng = np.random.default_rng(2)
    priors = rng.dirichlet(np.ones(3), size=1024)
    priors[::7, 0] = 0.0                                  # zero-mass priors included
    priors /= priors.sum(-1, keepdims=True)
    f = np.array([[0.5, 0.5, 0.0], [0.1, 0.9, 0.0], [0.3, 0.3, 0.4]])
    calls = []
    original = disintegration_module.normalize
    monkeypatch.setattr(disintegration_module, "normalize",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    g = bayes_invert(Kernel(f, dom=X, cod=Y), Kernel.state(priors, cod=X))
    assert len(calls) == 1                                # one vectorised normalisation
    assert g.batch_shape == (1024,) and g.dom == Y and g.cod == X
    assert np.allclose(g.array, _expected_inverse(priors, f))


def test_a_batch_of_1024_priors_is_inverted_in_one_call_on_torch():
    torch = pytest.importorskip("torch")
    generator = torch.Generator().manual_seed(3)
    priors = torch.rand(1024, 3, generator=generator, dtype=torch.float64)
    priors[::5, 1] = 0.0
    priors = priors / priors.sum(-1, keepdim=True)
    f = torch.tensor([[0.5, 0.5, 0.0], [0.1, 0.9, 0.0], [0.3, 0.3, 0.4]], dtype=torch.float64)
    g = bayes_invert(Kernel(f, dom=X, cod=Y), Kernel.state(priors, cod=X))
    assert torch.is_tensor(g.array) and g.array.dtype == torch.float64
    assert g.batch_shape == (1024,)
    assert not torch.isnan(g.array).any()
    assert np.allclose(g.array.numpy(), _expected_inverse(priors.numpy(), f.numpy()))


def test_torch_float32_keeps_its_dtype():
    torch = pytest.importorskip("torch")
    prior = Kernel.state(torch.tensor([0.25, 0.75]), cod=X)
    f = Kernel(torch.tensor([[0.5, 0.5], [1 / 3, 2 / 3]]), dom=X, cod=Y)
    g = bayes_invert(f, prior)
    assert g.array.dtype == torch.float32
    assert torch.allclose(g.array, torch.tensor([[1 / 3, 2 / 3], [0.2, 0.8]]))


def test_the_inverse_is_unique_only_almost_surely():
    prior = Kernel.state([Fr(1, 2), Fr(1, 2), Fr(0)], cod=X)
    f = Kernel([[Fr(1), Fr(0)], [Fr(0), Fr(1)], [Fr(1), Fr(0)]], dom=X, cod=Y)
    twice = bayes_invert(bayes_invert(f, prior), prior >> f)
    assert twice.array.tolist()[2] != f.array.tolist()[2]     # differs off the support
    assert almost_surely_equal(twice, f, prior)


def test_conditioning_on_everything_with_the_prior_policy_stays_exact():
    J = Kernel.state(JOINT, cod=X @ Y)
    c = conditional(J, ["X", "Y"], on_zero="prior")
    assert c.backend == "exact"
    assert c.array.tolist() == [[1, 1, 1], [1, 1, 1]]
