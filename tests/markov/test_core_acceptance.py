"""The acceptance examples of the core issue, as written there."""

import numpy as np
import pytest

from diagrams import Box, Ty, TypeMismatch, copy, discard, identity, trace
from markov import NotStochastic, interpret, plan


def test_readme_example_exact_joint_and_discard_naturality():
    from fractions import Fraction as Fr

    from diagrams import Box, Ty
    from markov import interpret

    X, Y = Ty("X"), Ty("Y")
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    joint = p >> copy(X) >> (identity(X) @ f)
    K = interpret(joint, {p: [Fr(1, 5), Fr(4, 5)], f: [[Fr(9, 10), Fr(1, 10)], [Fr(3, 10), Fr(7, 10)]]})
    assert K.dom == Ty() and K.cod == X @ Y
    assert K.array.tolist() == [[Fr(9, 50), Fr(1, 50)], [Fr(6, 25), Fr(14, 25)]]
    assert joint >> (identity(X) @ discard(Y)) == p      # discard is natural: f disappears


def _thirty_uses():
    X, Z = Ty("X"), Ty("Z")
    gs = [Box(f"g{i}", X @ Z, Z) for i in range(30)]
    p, z0 = Box("p", Ty(), X), Box("z0", X, Z)

    @trace()
    def chain():
        x = p()
        z = z0(x)
        for g in gs:
            z = g(x, z)
        return z

    return chain, p, z0, gs


def test_wire_with_thirty_uses_of_size_four_needs_no_dense_copy_tensor():
    chain, p, z0, gs = _thirty_uses()
    assert chain.uses[0] == 31  # one wire, 31 uses: the copy is pure wiring
    rng = np.random.default_rng(0)

    def stochastic(*shape):
        a = rng.random(shape)
        return a / a.sum(-1, keepdims=True)

    mapping = {p: stochastic(4), z0: stochastic(4, 4), **{g: stochastic(4, 4, 4) for g in gs}}
    compiled = plan(chain, mapping)
    assert compiled.largest_intermediate <= 4 ** 3  # a copy spider would be 4**31
    K = interpret(chain, mapping)
    assert K.cod == Ty("Z") and np.isclose(K.array.sum(), 1.0)
    # The same result by explicit sequential evaluation.
    joint = mapping[p][:, None] * mapping[z0]
    for g in gs:
        joint = np.einsum("xz,xzw->xw", joint, mapping[g])
    assert np.allclose(K.array, joint.sum(0))


def test_composing_mismatched_types_raises_naming_both_boxes():
    X, Y = Ty("X"), Ty("Y")
    with pytest.raises(TypeMismatch, match=r"codomain of f is Ty\('Y'\).*domain of g is Ty\('X'\)"):
        Box("f", X, Y) >> Box("g", X, Y)


@pytest.mark.parametrize("bad,message", [
    ([[0.5, 0.5], [-0.1, 1.1]], "entry .* is negative"),
    ([[0.5, 0.5], [float("nan"), 1.0]], "entry .* is not finite"),
    ([[0.5, 0.5], [0.5, 0.4]], r"row \(1,\) sums to 0.9"),
])
def test_non_stochastic_arrays_raise_naming_the_box(bad, message):
    X, Y = Ty("X"), Ty("Y")
    f = Box("f", X, Y)
    with pytest.raises(NotStochastic, match="kernel f: " + message):
        interpret(f, {f: bad})
