"""Almost-sure equality, determinism and conditional independence (Fritz's definitions)."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from diagrams import Ty, TypeMismatch
from markov import (
    Kernel,
    UnknownAtom,
    almost_surely_equal,
    conditional,
    independent,
    is_deterministic,
    recompose,
)

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
P = Kernel.state([Fr(1, 2), Fr(1, 2), Fr(0)], cod=X)
F = Kernel([[Fr(1), Fr(0)], [Fr(1, 3), Fr(2, 3)], [Fr(1), Fr(0)]], dom=X, cod=Y)
G = Kernel([[Fr(1), Fr(0)], [Fr(1, 3), Fr(2, 3)], [Fr(0), Fr(1)]], dom=X, cod=Y)


def test_kernels_differing_off_the_support_are_almost_surely_equal():
    assert almost_surely_equal(F, G, P)
    assert not almost_surely_equal(F, G, Kernel.state([Fr(0), Fr(0), Fr(1)], cod=X))
    assert almost_surely_equal(F, F, Kernel.state([Fr(1, 3)] * 3, cod=X))


def test_almost_sure_equality_is_fritz_joint_equality():
    same_joint = recompose(P, F).array.tolist() == recompose(P, G).array.tolist()
    assert same_joint == almost_surely_equal(F, G, P)


def test_almost_sure_equality_on_floats_and_torch():
    torch = pytest.importorskip("torch")
    f = Kernel(F.array.astype(float), dom=X, cod=Y)
    g = Kernel(torch.tensor(G.array.astype(float)), dom=X, cod=Y)
    p = Kernel.state(torch.tensor([0.5, 0.5, 0.0], dtype=torch.float64), cod=X)
    assert almost_surely_equal(f, g, p)
    assert not almost_surely_equal(f, g, Kernel.state([0.0, 0.5, 0.5], cod=X))


def test_almost_sure_equality_with_a_batch_of_states():
    states = Kernel.state(np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]]), cod=X)
    f, g = (Kernel(k.array.astype(float), dom=X, cod=Y) for k in (F, G))
    assert not almost_surely_equal(f, g, states)      # the second element sees x = 2
    assert almost_surely_equal(f, g, Kernel.state(states.array[:1], cod=X))


def test_almost_sure_equality_of_conditionals_uses_the_joint_marginal():
    # conditionals X @ Z -> Y compared w.r.t. a joint state on (X, Y, Z): its marginal on X, Z
    joint = Kernel.state(np.full((2, 2, 2), Fr(1, 8), dtype=object), cod=X @ Y @ Z)
    c = conditional(joint.marginal(["X", "Z", "Y"]), ["X", "Z"])
    assert c.dom == X @ Z
    assert almost_surely_equal(c, c, joint)


def test_almost_sure_equality_rejects_mismatched_types():
    with pytest.raises(TypeMismatch, match="cannot compare kernels"):
        almost_surely_equal(F, Kernel([[1.0], [1.0], [1.0]], dom=X, cod=Z), P)
    with pytest.raises(TypeMismatch, match="with respect to a state"):
        almost_surely_equal(F, G, F)
    with pytest.raises(UnknownAtom):
        almost_surely_equal(F, G, Kernel.state([0.5, 0.5], cod=Z))


def test_determinism():
    assert is_deterministic(Kernel([[Fr(0), Fr(1)], [Fr(1), Fr(0)]], dom=X, cod=Y))
    assert not is_deterministic(F)
    assert is_deterministic(F, Kernel.state([Fr(1, 2), Fr(0), Fr(1, 2)], cod=X))
    assert not is_deterministic(F, P)
    assert is_deterministic(Kernel.state([0.0, 1.0], cod=X))
    assert not is_deterministic(Kernel.state([0.5, 0.5], cod=X))


def test_independence_of_a_product_and_dependence_of_a_copy():
    p = Kernel.state([Fr(1, 3), Fr(2, 3)], cod=X)
    q = Kernel.state([Fr(1, 4), Fr(3, 4)], cod=Y)
    assert independent(p @ q, "X", "Y")
    copied = Kernel.state([[Fr(1, 3), 0], [0, Fr(2, 3)]], cod=X @ Y)
    assert not independent(copied, "X", "Y")


def test_conditional_independence_given_a_common_cause_with_zero_mass():
    # Z -> X, Z -> Y with Z = 2 impossible: X ⊥ Y | Z, but not marginally.
    z = Kernel.state([Fr(1, 2), Fr(1, 2), Fr(0)], cod=Z)
    fx = Kernel([[Fr(1), 0], [Fr(1, 4), Fr(3, 4)], [Fr(1, 2), Fr(1, 2)]], dom=Z, cod=X)
    fy = Kernel([[Fr(1, 5), Fr(4, 5)], [Fr(1), 0], [0, Fr(1)]], dom=Z, cod=Y)
    joint = recompose(recompose(z, fx), Kernel(np.broadcast_to(
        fy.array[:, None, :], (3, 2, 2)), dom=Z @ X, cod=Y))          # (Z, X, Y)
    assert independent(joint, "X", "Y", given="Z")
    assert not independent(joint, "X", "Y")


def test_independence_of_a_kernel_holds_at_every_input():
    rng = np.random.default_rng(0)
    fx, fy = rng.dirichlet(np.ones(2), size=3), rng.dirichlet(np.ones(2), size=3)
    k = Kernel(fx[:, :, None] * fy[:, None, :], dom=Z, cod=X @ Y)
    assert independent(k, "X", "Y")


def test_independence_arguments_must_be_disjoint_and_known():
    joint = Kernel.state(np.full((2, 2), 0.25), cod=X @ Y)
    with pytest.raises(ValueError, match="appears in both"):
        independent(joint, "X", "X")
    with pytest.raises(UnknownAtom, match="W is not in the codomain"):
        independent(joint, "X", "W")


def test_independence_stays_exact_with_symbols():
    sympy = pytest.importorskip("sympy")
    a, b = sympy.symbols("a b", positive=True)
    p = Kernel.state(np.array([a, 1 - a], dtype=object), cod=X)
    q = Kernel.state(np.array([b, 1 - b], dtype=object), cod=Y)
    assert independent(p @ q, "X", "Y")
    assert independent(p @ q, [], "Y")
