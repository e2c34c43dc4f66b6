"""Laws of inference in the Markov category, as data for the catalogue (see
:mod:`markov.testing.laws`): disintegration recomposes, Bayes' law, the chain rule of
Bayesian inversion (the lens composition law), conditioning on an observation is Bayesian
inversion at it, conditions commute, and the monoidal law of inversion for product priors,
with a negative control for a correlated prior. They call the generic functions of
:mod:`markov.inference.generic`, so each is stated once and runs on the finite backends and
on the Gaussian semantics; Pearl's and Jeffrey's updates and the lenses are finite only.
Finite kernels are drawn with zeros (Gaussian ones with singular covariances), so zero-mass
rows are exercised; where a conditional is unique only almost surely, the law says so.

>>> [law.name for law in INFERENCE_LAWS][:2]
['disintegration recomposes the joint', "Fritz's conditional recomposes the kernel"]
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from diagrams import Box, Ty
from markov.gaussian.kernel import GaussianKernel
from markov.inference.evidence import evidence_probability, jeffrey_update, pearl_update
from markov.inference.generic import (
    bayes_invert,
    condition,
    conditional,
    disintegrate,
    marginal,
    observe,
    recompose,
)
from markov.inference.lens import bayes_lens, diagram_lens
from markov.kernel import Kernel
from markov.testing.draw import ALL_BACKENDS, FINITE_BACKENDS, options_for, point, signature
from markov.testing.gaussian_strategies import (
    _integers,
    _kernel_parts,
    gaussian_dims,
    gaussian_states_with_point,
)
from markov.testing.laws import Law

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
ALL, FINITE = ALL_BACKENDS, FINITE_BACKENDS


def _index(name: str):
    """An extra strategy: a value index of the finite type ``name``."""
    return lambda backend, size: st.integers(0, size[name] - 1)


def _possible(joint: Any, evidence: dict) -> bool:
    """Whether point evidence has positive probability (Gaussian evidence is drawn on the
    support, where it always can be conditioned on)."""
    if isinstance(joint, GaussianKernel):
        return True
    return bool((evidence_probability(joint, evidence) != 0).all())


def _chain(f: Kernel, g: Kernel, h: Kernel) -> tuple:
    F, G, H = (Box(n, k.dom, k.cod) for n, k in (("f", f), ("g", g), ("h", h)))
    return F >> G >> H, {F: f, G: g, H: h}


_joint = signature({"joint": ("", "XY")}, zeros=True, extra={"options": options_for})
_kernel = signature({"f": ("Z", "XY")}, zeros=True, extra={"options": options_for})
_prior_f = signature({"p": ("", "X"), "f": ("X", "Y")}, zeros=True)
_prior_f_g = signature({"p": ("", "X"), "f": ("X", "Y"), "g": ("Y", "Z")}, zeros=True)
_prior_f_g_h = signature({"p": ("", "X"), "f": ("X", "Y"), "g": ("Y", "Z"),
                          "h": ("Z", "X")}, zeros=True, max_size=2)
_point_evidence = signature({"p": ("", "X"), "f": ("X", "Y")}, zeros=True,
                            extra={"y": _index("Y")})
_joint_evidence = signature({"joint": ("", "XY")}, zeros=True, extra={"y": _index("Y")})
_product = signature({"p": ("", "X"), "q": ("", "Z"), "f": ("X", "Y"), "g": ("Z", "X")},
                     zeros=True)
_noisy = signature({"w": ("", "XZ"), "f": ("X", "Y"), "g": ("Z", "X")},
                   kinds={"w": "noisy", "f": "noisy", "g": "noisy"}, min_size=2, max_size=2)


def _observation(backend: str):
    """A prior ``p``, a channel ``f`` and an observation ``y`` of its output: a value
    index (finite), or a point of the support of ``p >> f`` (Gaussian)."""
    if backend != "gaussian":
        return _point_evidence(backend)

    @st.composite
    def draw(draw_):
        dims = draw_(gaussian_dims())
        p, p_factor = draw_(_kernel_parts(Ty(), X, dims, noise="any", batch_shape=()))
        f, f_factor = draw_(_kernel_parts(X, Y, dims, noise="any", batch_shape=()))
        x = p.mean + p_factor @ _integers(draw_, (p_factor.shape[-1],))
        y = f.matrix @ x + f.mean + f_factor @ _integers(draw_, (f_factor.shape[-1],))
        return {"p": p, "f": f, "y": y}

    return draw()


def _two_observations(backend: str):
    """A joint on ``X @ Y`` and values ``x``, ``y`` to observe (finite: indices; Gaussian:
    the two halves of a point of the support, batched or not)."""
    if backend != "gaussian":
        return signature({"joint": ("", "XY")}, zeros=True,
                         extra={"x": _index("X"), "y": _index("Y")})(backend)

    @st.composite
    def draw(draw_):
        dims = draw_(gaussian_dims())
        batch = draw_(st.sampled_from([(), (2,)]))
        joint, at = draw_(gaussian_states_with_point(X @ Y, dims, batch_shape=batch))
        return {"joint": joint, "x": at[..., :dims["X"]], "y": at[..., dims["X"]:]}

    return draw()


INFERENCE_LAWS: list[Law] = [
    Law("disintegration recomposes the joint", _joint,
        lambda joint, options: recompose(*disintegrate(joint, "Y", **options)),
        lambda joint, options: marginal(joint, ["Y", "X"]), backends=ALL,
        doc="joint = marginal >> copy >> (identity @ conditional), outputs reordered; "
            "whatever the zero-mass policy, singular covariances included"),
    Law("Fritz's conditional recomposes the kernel", _kernel,
        lambda f, options: recompose(marginal(f, "X"), conditional(f, "X", **options)),
        lambda f, options: f, backends=ALL,
        doc="f: Z -> X @ Y is recovered from f_X: Z -> X and f_|X: X @ Z -> Y"),
    Law("the conditional of a graph is the kernel almost surely", _prior_f,
        lambda p, f: conditional(recompose(p, f), "X"), lambda p, f: f,
        equality="almost_surely", state=lambda p, f: p, backends=ALL,
        doc="disintegration is unique p-almost surely"),
    Law("Bayes' law: prior(x) f(y|x) = (p >> f)(y) f†(x|y)", _prior_f,
        lambda p, f: recompose(p, f),
        lambda p, f: marginal(recompose(p >> f, bayes_invert(f, p)), [1, 0]), backends=ALL,
        doc="the joint factors through the predictive state and the Bayesian inverse"),
    Law("inverting twice gives the kernel back almost surely", _prior_f,
        lambda p, f: bayes_invert(bayes_invert(f, p), p >> f), lambda p, f: f,
        equality="almost_surely", state=lambda p, f: p, backends=ALL),
    Law("chain rule: (f >> g)† = g†_(p >> f) >> f†_p almost surely", _prior_f_g,
        lambda p, f, g: bayes_invert(f >> g, p),
        lambda p, f, g: bayes_invert(g, p >> f) >> bayes_invert(f, p),
        equality="almost_surely", state=lambda p, f, g: p >> f >> g, backends=ALL,
        doc="the lens law: the inverse of a composite is the composite of the inverses"),
    Law("the Bayes functor preserves lens composition almost surely", _prior_f_g,
        lambda p, f, g: (bayes_lens(f) >> bayes_lens(g)).update(p),
        lambda p, f, g: bayes_lens(f >> g).update(p),
        equality="almost_surely", state=lambda p, f, g: p >> f >> g, backends=FINITE),
    Law("the lens of a chain diagram is the composite of its boxes' lenses", _prior_f_g_h,
        lambda p, f, g, h: diagram_lens(*_chain(f, g, h)).update(p),
        lambda p, f, g, h: bayes_invert(f >> g >> h, p),
        equality="almost_surely", state=lambda p, f, g, h: p >> f >> g >> h,
        backends=FINITE),
    Law("observing the output is the Bayesian inverse at the observation", _observation,
        lambda p, f, y: marginal(observe(recompose(p, f), {"Y": y}), "X"),
        lambda p, f, y: point(p >> f, y) >> bayes_invert(f, p),
        condition=lambda p, f, y: _possible(recompose(p, f), {"Y": y}), backends=ALL,
        doc="exact conditioning on a point of the support, noise-free or not"),
    Law("sequential conditions equal the joint condition", _two_observations,
        lambda joint, x, y: condition(condition(joint, {"X": x}), {"Y": y}),
        lambda joint, x, y: condition(joint, {"X": x, "Y": y}),
        condition=lambda joint, x, y: _possible(joint, {"X": x, "Y": y}), backends=ALL),
    Law("conditions commute", _two_observations,
        lambda joint, x, y: condition(condition(joint, {"X": x}), {"Y": y}),
        lambda joint, x, y: condition(condition(joint, {"Y": y}), {"X": x}),
        condition=lambda joint, x, y: _possible(joint, {"X": x, "Y": y}), backends=ALL),
    Law("Pearl's and Jeffrey's updates agree on point evidence", _point_evidence,
        lambda p, f, y: pearl_update(p, {"Y": y}, f),
        lambda p, f, y: jeffrey_update(p, point(f, y), f),
        condition=lambda p, f, y: _possible(recompose(p, f), {"Y": y}), backends=FINITE),
    Law("conditioning a joint on a point is Jeffrey's update to that point", _joint_evidence,
        lambda joint, y: condition(joint, {"Y": y}),
        lambda joint, y: jeffrey_update(joint, point(joint.marginal("Y"), y)),
        condition=lambda joint, y: _possible(joint, {"Y": y}), backends=FINITE),
    Law("inversion is monoidal for product priors", _product,
        lambda p, q, f, g: bayes_invert(f @ g, p @ q),
        lambda p, q, f, g: bayes_invert(f, p) @ bayes_invert(g, q),
        equality="almost_surely", state=lambda p, q, f, g: (p @ q) >> (f @ g), backends=ALL),
    Law("inversion is monoidal for correlated priors (negative control)", _noisy,
        lambda w, f, g: bayes_invert(f @ g, w),
        lambda w, f, g: bayes_invert(f, marginal(w, [0])) @ bayes_invert(g, marginal(w, [1])),
        equality="almost_surely", state=lambda w, f, g: w >> (f @ g), expect=False,
        backends=ALL,
        doc="the tensor of inverses only sees the marginals of a correlated prior"),
]

INFERENCE_LAWS_BY_NAME = {law.name: law for law in INFERENCE_LAWS}
