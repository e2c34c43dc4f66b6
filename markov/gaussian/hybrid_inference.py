"""Inference on hybrid (conditional-Gaussian) kernels: marginals, observations, exact
conditioning, conditionals, Bayesian inversion, moment-matched collapse and log-likelihoods.

- **Continuous evidence weights the discrete variables**: :func:`observe` (and
  :func:`condition`, :func:`condition_equal` for equations) multiplies the weight of each
  discrete configuration and mixture component by the density of the observation there and
  conditions its Gaussian exactly (as :mod:`markov.gaussian.condition` does). Densities are
  taken on the support of each covariance (:mod:`markov.gaussian.density`); where supports
  have different dimensions, the lowest-dimensional one holding the observation wins.
- **Discrete evidence** is a point mass: the continuous variables' posterior is a mixture
  over the remaining discrete configurations.
- **Marginalising a discrete variable** the Gaussian part depends on keeps a mixture
  (:attr:`~markov.gaussian.hybrid.HybridKernel.n_components`); :func:`collapse` is the
  separate, named moment-matching of a mixture into one Gaussian.
- A conditional of a discrete variable given a continuous one (or a Bayesian inverse from a
  continuous to a discrete variable) is not conditional Gaussian:
  :class:`~markov.errors.NotConditionalGaussian` says so; observe values instead.

>>> from markov.kernel import Kernel
>>> from markov.gaussian.kernel import GaussianKernel
>>> from markov.gaussian.hybrid import HybridKernel
>>> prior = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
>>> f = HybridKernel.indexed(GaussianKernel.state([[-1.0], [1.0]], [[1.0]], cod="X"), by="C")
>>> joint = graph(prior, f)
>>> post = posterior(joint, "C", {"X": 0.0})
>>> post.weights[..., 0].tolist()
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from diagrams import Box, Ty, TypeMismatch, copy, identity
from markov.arrays import gaussian as G
from markov.arrays import hybrid as H
from markov.arrays import ops as A
from markov.errors import (
    InvalidOption,
    ZeroMass,
)
from markov.gaussian import condition as gc
from markov.gaussian.hybrid import HybridKernel, _raw, _run, refuse_continuous_to_discrete
from markov.gaussian.hybrid_evidence import (  # evidence lives there; the API is here too
    collapse,
    condition,
    condition_equal,
    log_prob,
    observe,
    posterior,
)

Atoms = Iterable[int | str] | Ty | str
POLICIES = ("uniform", "nan", "raise")


def marginal(kernel: HybridKernel, keep: Atoms) -> HybridKernel:
    """Keep the codomain atoms ``keep`` (in that order); the others are marginalised (a
    discrete one the Gaussian part depends on leaves a mixture).

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> marginal(p, "X").n_components
    2
    """
    return kernel.marginal(keep)


def graph(state: HybridKernel, kernel: HybridKernel) -> HybridKernel:
    """``state >> copy >> (identity @ kernel)``: the joint of a kernel's input and output.

    >>> from markov.kernel import Kernel
    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
    >>> graph(p, HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D"))).cod
    Ty('C', 'D')
    """
    state, kernel = HybridKernel.embed(state), HybridKernel.embed(kernel)
    if not state.is_state or state.cod != kernel.dom:
        raise TypeMismatch(f"the graph needs a state on {kernel.dom}, got {state.dom} -> "
                           f"{state.cod}")
    s, k = Box("s", Ty(), state.cod), Box("k", kernel.dom, kernel.cod)
    return _run(s >> copy(state.cod) >> (identity(state.cod) @ k), {s: state, k: kernel})


# ---- conditionals -----------------------------------------------------------------------------

def conditional(kernel: HybridKernel, given: Atoms, on_zero: str = "uniform") -> HybridKernel:
    """Fritz's conditional of ``f: A -> X @ Y`` given the codomain atoms ``X``: the kernel
    ``X @ A -> Y``. Discrete ``X``: the weights divided by their marginal (rows of mass zero
    get the ``on_zero`` policy: ``"uniform"``, ``"nan"`` or ``"raise"``). Continuous ``X``:
    the Gaussian conditional in each configuration; allowed only when ``Y`` is continuous and
    the kernel is not a mixture (otherwise the weights would depend on ``X``, which is not
    CG: :class:`~markov.errors.NotConditionalGaussian`).

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.25, 0.75], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> c = conditional(p, "C")
    >>> c.dom, c.cod, c.gaussian.mean[..., 0].tolist()
    (Ty('C'), Ty('X'), [[0.0], [2.0]])
    """
    if on_zero not in POLICIES:
        raise InvalidOption(f"on_zero must be one of {POLICIES}, got {on_zero!r}")
    given_p = kernel.positions(given)
    rest_p = [p for p in range(len(kernel.cod)) if p not in given_p]
    names = kernel.cod.names
    cont = set(kernel.dims)
    xg = [names[p] for p in given_p if names[p] in cont]
    dr = [names[p] for p in rest_p if names[p] not in cont]
    if xg and (dr or kernel.n_components > 1):
        refuse_continuous_to_discrete("the conditional", xg, dr or ["mixture components"])
    ordered = kernel.select(given_p + rest_p)
    nd_g = sum(names[p] not in cont for p in given_p)
    n_ddom = len(kernel.discrete_dom)
    nb = len(ordered.batch_shape)
    shape = tuple(np.broadcast_shapes(tuple(ordered.weights.shape),
                                      ordered.gaussian.batch_shape))
    g = ordered.gaussian.broadcast(shape)
    # [*b, *ddom, *Dg, *Dr, K] -> [*b, *Dg, *ddom, *Dr, K]
    perm = [*range(nb), *range(nb + n_ddom, nb + n_ddom + nd_g), *range(nb, nb + n_ddom),
            *range(nb + n_ddom + nd_g, len(shape))]
    w = _transpose(G.broadcast_to(ordered.weights, shape), perm)
    g = g._replace(_transpose(g.matrix, perm + [len(shape), len(shape) + 1]),
                   _transpose(g.mean, perm + [len(shape)]),
                   _transpose(g.covariance, perm + [len(shape), len(shape) + 1]))
    axes = list(range(nb + nd_g + n_ddom, len(shape)))
    mass = H.total(w, axes, keepdims=True)
    zero = mass <= 0
    if bool(H.as_numpy_bool(zero).any()):
        if on_zero == "raise":
            raise ZeroMass(f"the conditioning variables {', '.join(names[p] for p in given_p)} "
                           "have probability zero in some row")
        count = float(np.prod([w.shape[a] for a in axes]))
        fill = w * 0 + (1 / count if on_zero == "uniform" else np.nan)
        w = G.where(zero, fill, w / G.where(zero, mass * 0 + 1, mass))
    else:
        w = w / mass
    if xg:
        g = gc.conditional(g, xg)
    given_ty = Ty(*(names[p] for p in given_p))
    return _raw(w, g, given_ty @ kernel.dom, Ty(*(names[p] for p in rest_p)))


def _transpose(x: Any, perm: Sequence[int]) -> Any:
    return A.transpose(x, perm)


def disintegrate(joint: HybridKernel, given: Atoms, on_zero: str = "uniform"
                 ) -> tuple[HybridKernel, HybridKernel]:
    """The marginal on ``given`` and the conditional of the other atoms (:func:`conditional`).

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.25, 0.75], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> m, c = disintegrate(p, "C")
    >>> recompose(m, c).allclose(p)
    True
    """
    return joint.marginal(given), conditional(joint, given, on_zero)


def recompose(marginal: HybridKernel, conditional: HybridKernel) -> HybridKernel:
    """``marginal: A -> X`` and ``conditional: X @ A -> Y`` recombined into ``A -> X @ Y``.

    >>> from markov.kernel import Kernel
    >>> from markov.gaussian.hybrid import HybridKernel
    >>> m = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
    >>> recompose(m, HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D"))).cod
    Ty('C', 'D')
    """
    m, c = HybridKernel.embed(marginal), HybridKernel.embed(conditional)
    a, x = m.dom, m.cod
    if c.dom != x @ a:
        raise TypeMismatch(f"recompose needs a conditional from {x @ a}, got {c.dom}")
    bm, bc = Box("m", a, x), Box("c", x @ a, c.cod)
    d = copy(a) >> (bm @ identity(a)) >> (copy(x) @ identity(a)) >> (identity(x) @ bc)
    return _run(d, {bm: m, bc: c})


def bayes_invert(kernel: HybridKernel, prior: HybridKernel,
                 on_zero: str = "uniform") -> HybridKernel:
    """The Bayesian inverse ``cod -> dom`` of ``kernel`` at the state ``prior``: the
    conditional of their graph given the output. From a continuous output to a discrete
    input it is not CG, and :class:`~markov.errors.NotConditionalGaussian` says so.

    >>> from markov.kernel import Kernel
    >>> from markov.gaussian.hybrid import HybridKernel
    >>> prior = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
    >>> f = HybridKernel.embed(Kernel([[0.9, 0.1], [0.2, 0.8]], "C", "D"))
    >>> [round(x, 4) for x in bayes_invert(f, prior).weights[0, :, 0].tolist()]
    [0.8182, 0.1818]
    """
    kernel, prior = HybridKernel.embed(kernel), HybridKernel.embed(prior)
    n = len(kernel.dom)
    return conditional(graph(prior, kernel), list(range(n, n + len(kernel.cod))), on_zero)


def almost_surely_equal(f: HybridKernel, g: HybridKernel, state: HybridKernel | None = None,
                        *, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """Whether the graphs of ``f`` and ``g`` over ``state`` are (close to) equal; without a
    state, plain closeness. Mixtures are compared component by component.

    >>> from markov.kernel import Kernel
    >>> from markov.gaussian.hybrid import HybridKernel
    >>> point = HybridKernel.embed(Kernel.state([1.0, 0.0], cod="C"))
    >>> f = HybridKernel.embed(Kernel([[1.0, 0.0], [1.0, 0.0]], "C", "D"))
    >>> g = HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D"))
    >>> almost_surely_equal(f, g, point), almost_surely_equal(f, g)
    (True, False)
    """
    f, g = HybridKernel.embed(f), HybridKernel.embed(g)
    if f.dom != g.dom or f.cod != g.cod:
        raise TypeMismatch(f"cannot compare kernels of types {f.dom} -> {f.cod} and "
                           f"{g.dom} -> {g.cod}")
    if state is None:
        return f.allclose(g, rtol=rtol, atol=atol)
    return graph(state, f).allclose(graph(state, g), rtol=rtol, atol=atol)


__all__ = [
    "almost_surely_equal",
    "bayes_invert",
    "collapse",
    "condition",
    "condition_equal",
    "conditional",
    "disintegrate",
    "graph",
    "log_prob",
    "marginal",
    "observe",
    "posterior",
    "recompose",
]


def is_deterministic(kernel: HybridKernel, state: HybridKernel | None = None,
                     atol: float | None = None) -> bool:
    """Whether ``kernel`` commutes with copying (``state``-almost surely when a state on its
    domain is given): ``kernel >> copy`` equals ``copy >> (kernel @ kernel)``.

    >>> from markov.kernel import Kernel
    >>> from markov.gaussian.hybrid import HybridKernel
    >>> is_deterministic(HybridKernel.embed(Kernel([[0.0, 1.0], [1.0, 0.0]], "C", "D")))
    True
    >>> is_deterministic(HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")))
    False
    """
    kernel = HybridKernel.embed(kernel)
    f = Box("f", kernel.dom, kernel.cod)
    left = _run(f >> copy(kernel.cod), {f: kernel})
    right = _run(copy(kernel.dom) >> (f @ f), {f: kernel})
    tol = 1e-8 if atol is None else atol
    return almost_surely_equal(left, right, state, atol=tol)
