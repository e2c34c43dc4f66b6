"""Bayesian lenses: composition pushes the prior forward, the Bayes functor, and the lens of
an interpreted diagram as the composite of its boxes' lenses."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from diagrams import Box, Ty, TypeMismatch, copy
from markov import (
    BayesianLens,
    Kernel,
    almost_surely_equal,
    bayes_invert,
    bayes_lens,
    diagram_lens,
    interpret,
    lens_category,
)

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
F = Kernel([[Fr(1, 2), Fr(1, 2), Fr(0)], [Fr(0), Fr(1, 3), Fr(2, 3)]], dom=X, cod=Y)
G = Kernel([[Fr(1), Fr(0)], [Fr(1, 4), Fr(3, 4)], [Fr(1, 2), Fr(1, 2)]], dom=Y, cod=Z)
H = Kernel([[Fr(1, 5), Fr(4, 5)], [Fr(1), Fr(0)]], dom=Z, cod=X)
PRIOR = Kernel.state([Fr(1, 3), Fr(2, 3)], cod=X)


def test_a_lens_is_a_forward_kernel_and_a_state_dependent_backward_kernel():
    lens = bayes_lens(F)
    assert isinstance(lens, BayesianLens) and lens.dom == X and lens.cod == Y
    assert lens.forward is F
    back = lens.update(PRIOR)
    assert back.dom == Y and back.cod == X
    assert back.array.tolist() == bayes_invert(F, PRIOR).array.tolist()


def test_lens_composition_pushes_the_prior_forward():
    composite = bayes_lens(F) >> bayes_lens(G)
    assert composite.dom == X and composite.cod == Z
    assert composite.forward.array.tolist() == (F >> G).array.tolist()
    expected = bayes_invert(G, PRIOR >> F) >> bayes_invert(F, PRIOR)
    assert composite.update(PRIOR).array.tolist() == expected.array.tolist()


def test_bayes_functor_preserves_composition_almost_surely():
    left = (bayes_lens(F) >> bayes_lens(G)).update(PRIOR)
    right = bayes_lens(F >> G).update(PRIOR)
    assert almost_surely_equal(left, right, PRIOR >> F >> G)


def test_lens_composition_checks_types():
    with pytest.raises(TypeMismatch, match="cannot compose lenses"):
        bayes_lens(F) >> bayes_lens(H)


def test_the_lens_of_a_chain_diagram_is_the_composite_of_its_boxes_lenses():
    f, g, h = Box("f", X, Y), Box("g", Y, Z), Box("h", Z, X)
    chain = f >> g >> h
    mapping = {f: F, g: G, h: H}
    lens = diagram_lens(chain, mapping)
    assert lens.forward.array.tolist() == interpret(chain, mapping).array.tolist()
    composite = bayes_lens(F) >> bayes_lens(G) >> bayes_lens(H)
    state = PRIOR >> F >> G >> H
    exact = bayes_lens(interpret(chain, mapping)).update(PRIOR)
    assert almost_surely_equal(lens.update(PRIOR), composite.update(PRIOR), state)
    assert almost_surely_equal(lens.update(PRIOR), exact, state)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_the_lens_of_a_chain_on_float_backends(backend):
    rng = np.random.default_rng(4)
    arrays = [rng.dirichlet(np.ones(3), size=2), rng.dirichlet(np.ones(2), size=3),
              rng.dirichlet(np.ones(2), size=2)]
    prior = rng.dirichlet(np.ones(2), size=16)                     # a batch of priors
    if backend == "torch":
        torch = pytest.importorskip("torch")
        arrays = [torch.as_tensor(a) for a in arrays]
        prior = torch.as_tensor(prior)
    f, g, h = Box("f", X, Y), Box("g", Y, Z), Box("h", Z, X)
    mapping = dict(zip((f, g, h), (Kernel(a, dom=b.dom, cod=b.cod)
                                   for a, b in zip(arrays, (f, g, h)))))
    p = Kernel.state(prior, cod=X)
    lens = diagram_lens(f >> g >> h, mapping)
    exact = bayes_invert(interpret(f >> g >> h, mapping), p)
    assert lens.update(p).batch_shape == (16,)
    assert almost_surely_equal(lens.update(p), exact, p >> lens.forward)


def test_the_lens_of_a_diagram_with_a_copy_sees_only_marginals():
    # p >> copy >> (f @ f): the tensor's backward maps see the marginals of a correlated
    # state, so the composite of lenses is not the exact inverse (monoidal law fails).
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    mapping = {p: PRIOR, f: Kernel([[Fr(3, 4), Fr(1, 4)], [Fr(1, 4), Fr(3, 4)]], dom=X, cod=Y)}
    d = p >> copy(X) >> (f @ f)
    lens = diagram_lens(f @ f, mapping)
    correlated = interpret(p >> copy(X), mapping)
    exact = bayes_invert(interpret(f @ f, mapping), correlated)
    assert not almost_surely_equal(lens.update(correlated), exact,
                                   interpret(d, mapping))
    product = PRIOR @ PRIOR
    assert almost_surely_equal(lens.update(product),
                               bayes_invert(interpret(f @ f, mapping), product),
                               product >> lens.forward)


def test_the_lens_category_has_the_structure_a_functor_needs():
    C = lens_category({"X": 2}, like=PRIOR.array)
    cp = C.copy(X, 2)
    assert cp.cod == X @ X
    # The Bayesian inverse of copy is the diagonal projection on the support.
    back = cp.update(PRIOR)
    assert back.array[0, 0].tolist() == [1, 0] and back.array[1, 1].tolist() == [0, 1]
    assert C.discard(X).update(PRIOR).array.tolist() == PRIOR.array.tolist()
    assert C.swap(X, X).forward.cod == X @ X


def test_bad_zero_mass_policy_in_a_lens():
    with pytest.raises(ValueError, match="on_zero must be one of"):
        bayes_lens(F, on_zero="maybe")


def test_a_diagram_lens_needs_every_box():
    from markov import MissingBox

    f, g = Box("f", X, Y), Box("g", Y, Z)
    with pytest.raises(MissingBox, match="box g"):
        diagram_lens(f >> g, {f: F})
