"""Generic inference: the same test functions run on every semantics (finite float, exact,
torch; Gaussian numpy and torch) through the functions ``markov`` exports, which dispatch
on the kernel type."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction as Fr
from typing import Any

import numpy as np
import pytest

import markov
import markov.inference.evidence
from diagrams import Ty, TypeMismatch
from markov import (
    GaussianKernel,
    Kernel,
    UnsupportedKernel,
    almost_surely_equal,
    bayes_invert,
    condition,
    conditional,
    disintegrate,
    is_deterministic,
    marginal,
    observe,
    recompose,
)
from markov.inference.generic import GENERIC
from markov.testing import kernels_equal


@dataclass(frozen=True)
class Case:
    """One semantics' values for the shared tests: a joint state on ``X @ Y``, a prior on
    ``X``, a noisy channel ``f: X -> Y``, a channel ``h: Y @ X -> Z``, evidence on ``X``, a
    value of ``Y`` as a point state, and a support case ``(state, f, g)`` where ``f`` and
    ``g`` agree only on the support of ``state``."""

    joint: Any
    prior: Any
    f: Any
    h: Any
    evidence: dict
    y_point: Any
    y_value: Any
    support: tuple
    identity: Any
    equal: Callable[[Any, Any], bool]


def finite(convert: Callable[[Any], Any]) -> Case:
    def k(rows, dom=(), cod=()):
        return Kernel(convert(rows), dom=dom, cod=cod)

    half, quarter = Fr(1, 2), Fr(1, 4)
    return Case(
        joint=k([[Fr(1, 10), Fr(2, 10)], [Fr(3, 10), Fr(4, 10)]], cod=("X", "Y")),
        prior=k([quarter, 3 * quarter], cod="X"),
        f=k([[half, half], [Fr(1, 5), Fr(4, 5)]], dom="X", cod="Y"),
        h=k([[[Fr(1, 3), Fr(2, 3)], [half, half]], [[Fr(1), Fr(0)], [quarter, 3 * quarter]]],
            dom=("Y", "X"), cod="Z"),
        evidence={"X": 1},
        y_point=k([Fr(0), Fr(1)], cod="Y"),
        y_value=1,
        support=(k([Fr(1), Fr(0)], cod="X"),
                 k([[Fr(1), Fr(0)], [Fr(1), Fr(0)]], dom="X", cod="Y"),
                 k([[Fr(1), Fr(0)], [Fr(0), Fr(1)]], dom="X", cod="Y")),
        identity=k([[Fr(1), Fr(0)], [Fr(0), Fr(1)]], dom="X", cod="X"),
        equal=kernels_equal)


def gaussian(convert: Callable[[Any], Any]) -> Case:
    def k(matrix, mean, cov, dom=(), cod=()):
        return GaussianKernel(None if matrix is None else convert(matrix), convert(mean),
                              None if cov is None else convert(cov), dom=dom, cod=cod)

    return Case(
        joint=k(None, [0.0, 1.0], [[2.0, 1.0], [1.0, 1.0]], cod=("X", "Y")),
        prior=k(None, [1.0], [[2.0]], cod="X"),
        f=k([[0.5]], [0.0], [[1.0]], dom="X", cod="Y"),
        h=k([[1.0, -1.0]], [0.5], [[0.5]], dom=("Y", "X"), cod="Z"),
        evidence={"X": 1.0},
        y_point=k(None, [0.7], None, cod="Y"),
        y_value=0.7,
        support=(k(None, [1.0], None, cod="X"), k([[2.0]], [0.0], None, dom="X", cod="Y"),
                 k([[0.0]], [2.0], None, dom="X", cod="Y")),
        identity=k([[1.0]], [0.0], None, dom="X", cod="X"),
        equal=lambda a, b: a.allclose(b, rtol=1e-9, atol=1e-12))


def to_float(rows):
    return np.asarray(rows, dtype=object).astype(float)


def to_exact(rows):
    return np.asarray(rows, dtype=object)


def to_torch(rows):
    torch = pytest.importorskip("torch")
    return torch.as_tensor(np.asarray(rows, dtype=object).astype(float), dtype=torch.float64)


SEMANTICS = {
    "finite-float": lambda: finite(to_float),
    "finite-exact": lambda: finite(to_exact),
    "finite-torch": lambda: finite(to_torch),
    "gaussian": lambda: gaussian(lambda rows: np.asarray(rows, dtype=float)),
    "gaussian-torch": lambda: gaussian(to_torch),
}


@pytest.fixture(params=sorted(SEMANTICS))
def case(request) -> Case:
    return SEMANTICS[request.param]()


def test_marginal_keeps_the_named_outputs_in_the_order_given(case):
    swapped = marginal(case.joint, ["Y", "X"])
    assert swapped.cod == Ty("Y", "X")
    assert case.equal(marginal(swapped, ["X", "Y"]), case.joint)


def test_disintegrate_then_recompose_gives_back_the_joint(case):
    m, c = disintegrate(case.joint, "Y")
    assert (m.cod, c.dom, c.cod) == (Ty("Y"), Ty("Y"), Ty("X"))
    assert m.backend == c.backend == case.joint.backend     # numpy, exact or torch kept
    assert case.equal(recompose(m, c), marginal(case.joint, ["Y", "X"]))


def test_conditional_is_the_second_half_of_disintegrate(case):
    assert case.equal(conditional(case.joint, "X"), disintegrate(case.joint, "X")[1])


def test_disintegrating_a_kernel_with_inputs_recovers_it(case):
    k = recompose(case.f, case.h)                           # X -> Y @ Z
    m, c = disintegrate(k, "Y")
    assert c.dom == Ty("Y", "X")
    assert case.equal(recompose(m, c), k)
    assert almost_surely_equal(c, case.h, recompose(case.prior, case.f))


def test_bayes_invert_satisfies_bayes_law(case):
    inverse = bayes_invert(case.f, case.prior)
    assert (inverse.dom, inverse.cod) == (Ty("Y"), Ty("X"))
    backwards = recompose(case.prior >> case.f, inverse)    # Y @ X
    assert case.equal(marginal(backwards, ["X", "Y"]), recompose(case.prior, case.f))


def test_conditioning_on_an_observation_is_bayesian_inversion(case):
    joint = recompose(case.prior, case.f)
    posterior = marginal(condition(joint, {"Y": case.y_value}), "X")
    assert case.equal(posterior, case.y_point >> bayes_invert(case.f, case.prior))


def test_observe_is_condition_on_evidence_and_fixes_the_observed_variable(case):
    post = observe(case.joint, case.evidence)
    assert post.cod == case.joint.cod
    assert case.equal(post, condition(case.joint, case.evidence))
    assert is_deterministic(marginal(post, "X"))
    assert not is_deterministic(marginal(post, "Y"))


def test_almost_sure_equality_only_looks_at_the_support(case):
    state, f, g = case.support
    assert almost_surely_equal(f, g, state)
    assert not almost_surely_equal(f, g, case.prior)
    assert almost_surely_equal(case.f, case.f, case.prior)
    assert almost_surely_equal(case.f, case.f, case.joint)  # marginal on X is used


def test_is_deterministic_tells_functions_from_noise(case):
    assert is_deterministic(case.identity)
    assert is_deterministic(case.support[1], case.prior)
    assert not is_deterministic(case.f)


def test_recompose_refuses_mismatched_types(case):
    with pytest.raises(TypeMismatch, match="cannot recompose"):
        recompose(case.prior, case.prior)


def test_bayes_invert_needs_a_prior_state_on_the_domain(case):
    with pytest.raises(TypeMismatch):
        bayes_invert(case.f, case.f)


def test_every_generic_function_is_registered_for_both_semantics():
    assert set(GENERIC) == {"marginal", "conditional", "disintegrate", "recompose",
                            "bayes_invert", "condition", "observe", "almost_surely_equal",
                            "is_deterministic"}
    for name, function in GENERIC.items():
        assert getattr(markov, name) is function
        assert Kernel in function.registry and GaussianKernel in function.registry, name


@pytest.mark.parametrize("name", sorted(GENERIC))
def test_an_unregistered_type_gets_a_typed_error_naming_the_function(name):
    function = GENERIC[name]
    required = [p for p in inspect.signature(function).parameters.values()
                if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    with pytest.raises(UnsupportedKernel, match=f"{name} is not defined for list"):
        function(*([0.5, 0.5] for _ in required))


def test_a_new_semantics_plugs_in_without_touching_callers():
    class Tagged:
        """A stand-in semantics, local to this test, that only knows its marginals."""

        def __init__(self, names):
            self.names = tuple(names)

    # registries cannot forget a type; this one is unreachable outside the test
    @markov.inference.generic.marginal.register(Tagged)
    def _marginal(kernel, keep):
        return Tagged([keep] if isinstance(keep, str) else keep)

    assert markov.marginal(Tagged(["X", "Y"]), "Y").names == ("Y",)
    with pytest.raises(UnsupportedKernel):
        markov.disintegrate(Tagged(["X"]), "X")


def test_gaussian_condition_also_takes_an_equation():
    xy = GaussianKernel.state([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], cod=("X", "Y"))
    post = condition(xy, [[1.0, -1.0]], [0.0])
    assert np.allclose(post.covariance, [[0.5, 0.5], [0.5, 0.5]])
    assert np.allclose(condition(xy, [[1.0, 0.0]], on=["X", "Y"], value=[2.0]).mean,
                       [2.0, 0.0])


def test_finite_options_still_pass_positionally():
    joint = Kernel.state([[0.5, 0.0], [0.5, 0.0]], cod=("X", "Y"))
    with pytest.raises(markov.ZeroMass):
        conditional(joint, "Y", "raise")
    assert conditional(joint, "Y", "uniform").array.tolist()[1] == [0.5, 0.5]
    finite = markov.inference.evidence.condition(joint, {"Y": 1}, "uniform")
    assert kernels_equal(condition(joint, {"Y": 1}, "uniform"), finite)
