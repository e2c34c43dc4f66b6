"""Laws of inference in the Markov category, as data for the catalogue (see
:mod:`markov.testing.laws`): disintegration recomposes, Bayes' law, the chain rule of
Bayesian inversion (the lens composition law), Pearl's and Jeffrey's updates agree on point
evidence, and the monoidal law of inversion for product priors, with a negative control for
a correlated prior. Priors and kernels are drawn with zeros, so zero-mass rows are exercised;
where a conditional is unique only almost surely, the law says so.

>>> [law.name for law in INFERENCE_LAWS][:2]
['disintegration recomposes the joint', "Fritz's conditional recomposes the kernel"]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from diagrams import Box, Ty
from markov.arrays import backend as B
from markov.inference.bayes import bayes_invert
from markov.inference.disintegration import conditional, disintegrate, recompose
from markov.inference.evidence import condition, jeffrey_update, pearl_update
from markov.kernel import Kernel
from markov.inference.lens import bayes_lens, diagram_lens
from markov.testing.laws import Law
from markov.testing.strategies import kernels

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
POLICIES = st.sampled_from(["uniform", "prior"])     # "nan" poisons recomposition by design


def _data(spec: dict[str, tuple[str, str]], min_size: int = 1, max_size: int = 3,
          zeros: bool = True, extra: dict[str, Any] | None = None):
    """``data`` drawing kernels of the given types (strings of atom names; ``""`` is the
    unit) over random sizes, with zero entries, plus extra named strategies."""

    def data(backend: str):
        @st.composite
        def draw(draw_):
            size = draw_(st.fixed_dictionaries(
                {n: st.integers(min_size, max_size) for n in ("X", "Y", "Z")}))
            out = {name: draw_(kernels(Ty(*dom), Ty(*cod), size, backend, zeros=zeros,
                                       name=name))
                   for name, (dom, cod) in spec.items()}
            for name, strategy in (extra or {}).items():
                out[name] = draw_(strategy(size) if callable(strategy) else strategy)
            return out

        return draw()

    return data


def _point(kernel: Kernel, index: int) -> Kernel:
    """The point-mass state at ``index`` on ``kernel``'s (one-atom) codomain, in its backend."""
    n = kernel.event_shape[-1]
    if kernel.backend == "exact":
        array = np.array([Fraction(int(i == index)) for i in range(n)], dtype=object)
    else:
        array = B.eye(n, kernel.backend, kernel.array)[index]
    return Kernel.state(array, cod=kernel.cod, validate=False)


def _mass(state: Kernel, index: int) -> bool:
    """Whether the state on one atom gives ``index`` positive probability."""
    return bool(state.array[..., index] != 0)


def _index(size: dict) -> st.SearchStrategy[int]:
    return st.integers(0, size["Y"] - 1)


def _chain(f: Kernel, g: Kernel, h: Kernel) -> tuple:
    F, G, H = (Box(n, k.dom, k.cod) for n, k in (("f", f), ("g", g), ("h", h)))
    return F >> G >> H, {F: f, G: g, H: h}


_joint = _data({"joint": ("", "XY")}, extra={"on_zero": POLICIES})
_kernel = _data({"f": ("Z", "XY")}, extra={"on_zero": POLICIES})
_prior_f = _data({"p": ("", "X"), "f": ("X", "Y")})
_prior_f_g = _data({"p": ("", "X"), "f": ("X", "Y"), "g": ("Y", "Z")})
_prior_f_g_h = _data({"p": ("", "X"), "f": ("X", "Y"), "g": ("Y", "Z"), "h": ("Z", "X")},
                     max_size=2)
_point_evidence = _data({"p": ("", "X"), "f": ("X", "Y")}, extra={"y": _index})
_joint_evidence = _data({"joint": ("", "XY")}, extra={"y": _index})
_product = _data({"p": ("", "X"), "q": ("", "Z"), "f": ("X", "Y"), "g": ("Z", "X")})
_noisy = _data({"w": ("", "XZ"), "f": ("X", "Y"), "g": ("Z", "X")}, min_size=2, max_size=2,
               zeros=False)


def _correlated(backend: str):
    """Noisy ``f``, ``g`` and a prior ``w`` on ``X @ Z`` mixed half and half with a
    perfectly correlated (diagonal) state, so it stays correlated however it shrinks."""
    return _noisy(backend).map(lambda ex: {**ex, "w": _mix_diagonal(ex["w"])})


def _mix_diagonal(w: Kernel) -> Kernel:
    n, m = w.event_shape
    k = min(n, m)
    if w.backend == "exact":
        diagonal = np.array([[Fraction(int(i == j and i < k), k) for j in range(m)]
                             for i in range(n)], dtype=object)
        array = (w.array + diagonal) * Fraction(1, 2)
    else:
        diagonal = np.eye(n, m) / k
        if w.backend == "torch":
            diagonal = B.convert(diagonal, "torch", w.array)
        array = (w.array + diagonal) / 2
    return Kernel.state(array, cod=w.cod, validate=False)

INFERENCE_LAWS: list[Law] = [
    Law("disintegration recomposes the joint", _joint,
        lambda joint, on_zero: recompose(*disintegrate(joint, "Y", on_zero)),
        lambda joint, on_zero: joint.marginal(["Y", "X"]),
        doc="joint = marginal >> copy >> (identity @ conditional), outputs reordered; "
            "whatever the zero-mass policy"),
    Law("Fritz's conditional recomposes the kernel", _kernel,
        lambda f, on_zero: recompose(f.marginal("X"), conditional(f, "X", on_zero)),
        lambda f, on_zero: f,
        doc="f: Z -> X @ Y is recovered from f_X: Z -> X and f_|X: X @ Z -> Y"),
    Law("the conditional of a graph is the kernel almost surely", _prior_f,
        lambda p, f: conditional(recompose(p, f), "X"), lambda p, f: f,
        equality="almost_surely", state=lambda p, f: p,
        doc="disintegration is unique p-almost surely"),
    Law("Bayes' law: prior(x) f(y|x) = (p >> f)(y) f†(x|y)", _prior_f,
        lambda p, f: recompose(p, f),
        lambda p, f: recompose(p >> f, bayes_invert(f, p)).marginal([1, 0]),
        doc="the joint factors through the predictive state and the Bayesian inverse"),
    Law("inverting twice gives the kernel back almost surely", _prior_f,
        lambda p, f: bayes_invert(bayes_invert(f, p), p >> f), lambda p, f: f,
        equality="almost_surely", state=lambda p, f: p),
    Law("chain rule: (f >> g)† = g†_(p >> f) >> f†_p almost surely", _prior_f_g,
        lambda p, f, g: bayes_invert(f >> g, p),
        lambda p, f, g: bayes_invert(g, p >> f) >> bayes_invert(f, p),
        equality="almost_surely", state=lambda p, f, g: p >> f >> g,
        doc="the lens law: the inverse of a composite is the composite of the inverses"),
    Law("the Bayes functor preserves lens composition almost surely", _prior_f_g,
        lambda p, f, g: (bayes_lens(f) >> bayes_lens(g)).update(p),
        lambda p, f, g: bayes_lens(f >> g).update(p),
        equality="almost_surely", state=lambda p, f, g: p >> f >> g),
    Law("the lens of a chain diagram is the composite of its boxes' lenses", _prior_f_g_h,
        lambda p, f, g, h: diagram_lens(*_chain(f, g, h)).update(p),
        lambda p, f, g, h: bayes_invert(f >> g >> h, p),
        equality="almost_surely", state=lambda p, f, g, h: p >> f >> g >> h),
    Law("Pearl's and Jeffrey's updates agree on point evidence", _point_evidence,
        lambda p, f, y: pearl_update(p, {"Y": y}, f),
        lambda p, f, y: jeffrey_update(p, _point(f, y), f),
        condition=lambda p, f, y: _mass(p >> f, y)),
    Law("conditioning a joint on a point is Jeffrey's update to that point", _joint_evidence,
        lambda joint, y: condition(joint, {"Y": y}),
        lambda joint, y: jeffrey_update(joint, _point(joint.marginal("Y"), y)),
        condition=lambda joint, y: _mass(joint.marginal("Y"), y)),
    Law("inversion is monoidal for product priors", _product,
        lambda p, q, f, g: bayes_invert(f @ g, p @ q),
        lambda p, q, f, g: bayes_invert(f, p) @ bayes_invert(g, q),
        equality="almost_surely", state=lambda p, q, f, g: (p @ q) >> (f @ g)),
    Law("inversion is monoidal for correlated priors (negative control)", _correlated,
        lambda w, f, g: bayes_invert(f @ g, w),
        lambda w, f, g: bayes_invert(f, w.marginal([0])) @ bayes_invert(g, w.marginal([1])),
        equality="almost_surely", state=lambda w, f, g: w >> (f @ g), expect=False,
        doc="the tensor of inverses only sees the marginals of a correlated prior"),
]

INFERENCE_LAWS_BY_NAME = {law.name: law for law in INFERENCE_LAWS}

