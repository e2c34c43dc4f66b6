"""Evidence on hybrid (conditional-Gaussian) kernels: observations and exact conditions
weight the discrete configurations by densities; the hybrid log-likelihood of data; the
moment-matched :func:`collapse` of a mixture (a separate, named approximation).

Continuous evidence multiplies the weight of each discrete configuration and mixture
component by the density of the observation there (on the support of its covariance, see
:mod:`markov.gaussian.density`; where supports have different dimensions the
lowest-dimensional one holding the observation wins) and conditions its Gaussian exactly, as
:mod:`markov.gaussian.condition` does. Discrete evidence is a point mass.

>>> from markov.gaussian.hybrid import HybridKernel
>>> p = HybridKernel.state([0.5, 0.5], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
...                        discrete="C", continuous="X")
>>> observe(p, {"X": 1.0}).weights[..., 0].tolist()
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from diagrams import Ty, TypeMismatch
from markov.arrays import gaussian as G
from markov.arrays import hybrid as H
from markov.errors import (
    NotConditionalGaussian,
    ShapeMismatch,
    UnknownAtom,
    ZeroProbabilityEvidence,
)
from markov.gaussian import condition as gc
from markov.gaussian.density import DENSITY_TOL, log_density
from markov.gaussian.hybrid import HybridKernel, _raw, refuse_continuous_to_discrete
from markov.gaussian.hybrid_fold import lowest_rank

Atoms = Iterable[int | str] | Ty | str


# ---- evidence -------------------------------------------------------------------------------

def observe(kernel: HybridKernel, evidence: Mapping[int | str, Any], *,
            tol: float = DENSITY_TOL) -> HybridKernel:
    """Condition on observed values of codomain atoms: an index (``int`` or an integer array
    ``[*batch]``) for a discrete atom, a value ``[*batch, d]`` (``[*batch]`` when ``d == 1``)
    for a continuous one. Continuous observations weight the configurations by their density
    (see the module docstring) and condition the Gaussians exactly. The observed atoms stay in
    the codomain (as point masses). Evidence of density zero everywhere raises
    :class:`~markov.errors.ZeroProbabilityEvidence`.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> post = observe(p, {"X": 1.0})
    >>> post.weights[..., 0].tolist(), post.gaussian.mean[..., 0, 0].tolist()
    ([0.5, 0.5], [1.0, 1.0])
    """
    discrete, continuous = {}, {}
    for atom, value in evidence.items():
        (p,) = kernel.positions([atom])
        name = kernel.cod.names[p]
        (discrete if name in kernel.sizes and name not in kernel.dims else continuous)[p] = value
    for p, value in discrete.items():
        kernel = _observe_discrete(kernel, p, value)
    if continuous:
        g = kernel.gaussian
        t = kernel.template if kernel.template is not None else \
            G.template_of(list(continuous.values()))
        if t is not None:
            kernel, g = kernel.to(t), kernel.to(t).gaussian
        positions, values = [], []
        for p, value in continuous.items():
            name = kernel.cod.names[p]
            (q,) = g.positions([name])
            d = g.cod_dims[q]
            v = G.as_float(value, t)
            if v.ndim == 0 or (d == 1 and v.shape[-1] != 1):
                v = v[..., None]
            if v.shape[-1] != d:
                raise ShapeMismatch(f"the observed value of {name} has shape "
                                    f"{tuple(v.shape)}; it needs [*batch, {d}]")
            positions.append(q)
            values.append(v)
        batch = tuple(np.broadcast_shapes(*(tuple(v.shape[:-1]) for v in values)))
        value = G.cat([G.broadcast_to(v, batch + (v.shape[-1],)) for v in values], -1)
        full = gc._selection(g.cod_dims, positions, t)
        label = ", ".join(g.cod.names[q] for q in positions)
        kernel = _condition_weighted(kernel, full, value, tol, label)
    return kernel


def condition(kernel: HybridKernel, matrix: Any, value: Any = 0.0, *,
              on: Atoms | None = None, tol: float = DENSITY_TOL) -> HybridKernel:
    """Condition exactly on the equation ``matrix @ x = value`` between continuous codomain
    atoms ``on`` (default: all continuous atoms), weighting the configurations by the
    density of ``matrix @ x`` at ``value``.

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.5, 0.5], [[0.0, 0.0], [2.0, 2.0]],
    ...                        [np.eye(2), np.eye(2)], discrete="C", continuous=("X", "Y"))
    >>> post = condition(p, [[1.0, 1.0]], [2.0])
    >>> [round(w, 6) for w in post.weights[..., 0].tolist()]
    [0.5, 0.5]
    """
    g = kernel.gaussian
    names = g.cod.names if on is None else \
        [kernel.cod.names[p] for p in kernel.positions(on)]
    for name in names:
        if name not in g.cod.names:
            raise UnknownAtom(f"{name} is not a continuous atom of the codomain {kernel.cod}")
    positions = g.positions(list(names))
    t = kernel.template if kernel.template is not None else G.template_of([matrix, value])
    if t is not None:
        kernel = kernel.to(t)
        g = kernel.gaussian
    m = G.as_float(matrix, t)
    n_on = sum(g.cod_dims[p] for p in positions)
    if m.ndim < 2 or m.shape[-1] != n_on:
        raise ShapeMismatch(f"the equation's matrix has shape {tuple(m.shape)}; it needs "
                            f"[*batch, k, {n_on}] for the coordinates of {', '.join(names)}")
    c = G.as_float(value, t)
    if c.ndim == 0:
        c = c + G.zeros((m.shape[-2],), t)
    full = m @ gc._selection(g.cod_dims, positions, t)
    return _condition_weighted(kernel, full, c, tol, ", ".join(names))


def condition_equal(kernel: HybridKernel, lhs: Atoms, rhs: Atoms, *,
                    tol: float = DENSITY_TOL) -> HybridKernel:
    """Condition exactly on the equality of two groups of continuous codomain atoms.

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.5, 0.5], [[0.0, 0.0], [0.0, 4.0]],
    ...                        [np.eye(2), np.eye(2)], discrete="C", continuous=("X", "Y"))
    >>> post = condition_equal(p, "X", "Y")
    >>> round(float(post.weights[0, 0]), 6)      # X = Y is likelier when the means agree
    0.982014
    """
    g = kernel.gaussian
    left = g.positions([kernel.cod.names[p] for p in kernel.positions(lhs)])
    right = g.positions([kernel.cod.names[p] for p in kernel.positions(rhs)])
    t = kernel.template
    a = gc._selection(g.cod_dims, left, t)
    b = gc._selection(g.cod_dims, right, t)
    if a.shape != b.shape:
        raise ShapeMismatch(f"cannot equate atoms of dimension {a.shape[0]} and {b.shape[0]}")
    return _condition_weighted(kernel, a - b, G.zeros((a.shape[0],), t), tol,
                               "the equated atoms")


def posterior(kernel: HybridKernel, query: Atoms, evidence: Mapping[int | str, Any], *,
              tol: float = DENSITY_TOL) -> HybridKernel:
    """The posterior on ``query`` given ``evidence`` (:func:`observe`, then the marginal):
    for discrete targets and continuous evidence, the density-weighted table; for continuous
    targets and discrete evidence, a mixture over the other discrete variables.

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> post = posterior(p, "X", {"C": 1})    # components of weight zero are dropped
    >>> post.weights.tolist(), post.gaussian.mean[..., 0].tolist()
    ([1.0], [2.0])
    """
    return observe(kernel, evidence, tol=tol).marginal(query)


def _observe_discrete(kernel: HybridKernel, p: int, value: Any) -> HybridKernel:
    name = kernel.cod.names[p]
    size = kernel.sizes[name]
    i = sum(1 for q in range(p) if kernel.cod.names[q] not in kernel.dims)
    v = H.as_indices(value)
    if v.dtype.kind not in "iu" and not np.all(np.equal(np.mod(v, 1), 0)):
        raise ShapeMismatch(f"the observed value of the discrete {name} must be an index, "
                            f"got {value!r}")
    v = v.astype(int)
    if (v < 0).any() or (v >= size).any():
        raise UnknownAtom(f"{name} has {size} states; the observed index {v.tolist()} is not "
                          "one of them")
    onehot = (np.arange(size) == v[..., None]).astype(float)
    after = len(kernel.discrete_cod) - i - 1 + 1
    onehot = onehot.reshape(onehot.shape[:-1] + (1,) * (len(kernel.discrete_dom) + i)
                            + (size,) + (1,) * after)
    weights = kernel.weights * G.as_float(onehot, kernel.template)
    return _normalised(weights, kernel.gaussian, kernel, f"{name} = {v.tolist()}")


def _normalised(weights: Any, gaussian: Any, kernel: HybridKernel, what: str) -> HybridKernel:
    axes = list(range(weights.ndim - len(kernel.discrete_cod) - 1, weights.ndim))
    mass = H.total(weights, axes, keepdims=True)
    if bool(H.as_numpy_bool(mass <= 0).any()):
        raise ZeroProbabilityEvidence(f"the evidence {what} has probability (density) zero "
                                      "in some row; there is no posterior")
    return _raw(weights / mass, gaussian, kernel.dom, kernel.cod)


def _condition_weighted(kernel: HybridKernel, full: Any, value: Any, tol: float,
                        label: str) -> HybridKernel:
    """Weight by the density of ``full @ x`` at ``value`` and condition exactly."""
    g, t = kernel.gaussian, kernel.template
    nl = kernel.n_discrete + 1
    v = G.as_float(value, t)
    v = H.reshape(v, tuple(v.shape[:-1]) + (1,) * nl + tuple(v.shape[-1:]))
    mixed = len(kernel.discrete_cod) > 0 or kernel.n_components > 1
    if mixed and g.n_dom and float(G.amax(full @ g.matrix)) > 0:
        refuse_continuous_to_discrete(f"conditioning on {label} at continuous inputs "
                                      f"{g.dom}", list(g.dom.names),
                                      list(kernel.discrete_cod.names) or ["mixture components"])
    mean_q = G.matvec(full, g.mean)
    cov_q = full @ g.covariance @ G.transpose(full)
    logd, rank = log_density(mean_q, cov_q, v, tol)
    rows = list(range(logd.ndim - len(kernel.discrete_cod) - 1, logd.ndim))
    logd = lowest_rank(logd, rank, rows, [], 0)
    ok = H.isfinite(logd)
    c_used = G.where(ok[..., None], v + 0 * mean_q, mean_q)
    matrix, mean, cov = gc.condition_affine(g.matrix, g.mean, g.covariance, full, c_used,
                                            tol=tol, label=label)
    top = H.maximum(G.where(ok, logd, H.full_like(logd, -1e300)), rows, keepdims=True)
    weights = kernel.weights * G.where(ok, H.exp(logd - top), H.full_like(logd, 0.0))
    return _normalised(weights, g._replace(matrix, mean, cov), kernel,
                       f"on {label}")


# ---- likelihood and collapse ----------------------------------------------------------------

def log_prob(kernel: HybridKernel, data: Mapping[str, Any], *,
             tol: float = DENSITY_TOL) -> Any:
    """The hybrid log-likelihood of data under a state: ``data`` maps codomain atoms to
    values (discrete: integer indices ``[*sample, *batch]``; continuous: ``[*sample, *batch,
    d]``, or ``[*sample, *batch]`` when ``d == 1``); the other atoms are marginalised. The
    result, ``[*sample, *batch]``, is ``log sum_k w[j, k] N(x; m_jk, C_jk)`` at the data's
    discrete configuration ``j``, with densities on the covariances' supports.

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.25, 0.75], [[0.0], [0.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> round(float(log_prob(p, {"C": 1, "X": 0.0})), 6)      # log(0.75 / sqrt(2 pi))
    -1.206621
    """
    if not kernel.is_state:
        raise TypeMismatch(f"log_prob takes a state; this kernel has domain {kernel.dom}")
    atoms = list(data)
    for a in atoms:
        if a not in kernel.cod.names:
            raise UnknownAtom(f"{a} is not in the codomain {kernel.cod}")
    m = kernel.marginal(atoms)
    t = m.template
    g = m.gaussian
    nl = m.n_discrete + 1
    log_w = H.log(m.weights)
    for i, a in enumerate(m.discrete_cod.names):
        size = m.sizes[a]
        v = H.as_indices(data[a]).astype(int)
        onehot = (np.arange(size) == v[..., None]).astype(float)
        onehot = onehot.reshape(onehot.shape[:-1] + (1,) * i + (size,) + (1,) * (nl - i - 1))
        log_w = log_w + H.log(G.as_float(onehot, t))
    if g.n_cod:
        x = G.cat([_column(data[a], d, t) for a, d in zip(g.cod.names, g.cod_dims)], -1)
        x = H.reshape(x, tuple(x.shape[:-1]) + (1,) * nl + tuple(x.shape[-1:]))
        logd, rank = log_density(g.mean, g.covariance, x, tol)
        rows = list(range(logd.ndim - nl, logd.ndim))
        shape = tuple(np.broadcast_shapes(tuple(logd.shape), tuple(log_w.shape)))
        logd, rank = G.broadcast_to(logd, shape), G.broadcast_to(rank, shape)
        log_w = log_w + lowest_rank(logd, rank, rows, [], 0)
    rows = list(range(log_w.ndim - nl, log_w.ndim))
    top = H.maximum(G.where(H.isfinite(log_w), log_w, H.full_like(log_w, -1e300)), rows, keepdims=True)
    out = H.log(H.total(H.exp(log_w - top), rows, keepdims=True)) + top
    return H.reshape(out, tuple(out.shape[:out.ndim - nl]))


def _column(value: Any, d: int, t: Any) -> Any:
    v = G.as_float(value, t)
    if v.ndim == 0 or (d == 1 and v.shape[-1] != 1):
        v = v[..., None]
    return v


def collapse(kernel: HybridKernel, over: Atoms = ()) -> HybridKernel:
    """The moment-matched single Gaussian of each mixture: marginalise the discrete codomain
    atoms ``over`` (keeping the mixture), then replace the components by the Gaussian with
    the mixture's mean and covariance. This is an approximation, never done implicitly.

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> p = HybridKernel.state([0.5, 0.5], [[-1.0], [1.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> q = collapse(p, over="C")
    >>> q.n_components, q.gaussian.mean.tolist(), q.gaussian.covariance.tolist()
    (1, [[0.0]], [[[2.0]]])
    """
    over_p = kernel.positions(over)
    for p in over_p:
        if kernel.cod.names[p] in kernel.dims:
            raise UnknownAtom(f"collapse marginalises discrete atoms; {kernel.cod.names[p]} "
                              "is continuous")
    kernel = kernel.select([p for p in range(len(kernel.cod)) if p not in over_p])
    g = kernel.gaussian
    shape = tuple(np.broadcast_shapes(tuple(kernel.weights.shape), g.batch_shape))
    g = g.broadcast(shape)
    w = G.broadcast_to(kernel.weights, shape)
    total = H.total(w, (-1,), keepdims=True)
    k = w.shape[-1]
    frac = G.where(total > 0, w / G.where(total > 0, total, total * 0 + 1), w * 0 + 1 / k)
    if g.n_dom:
        spread = G.amax(g.matrix - H.index(g.matrix, -3, 0), (-3, -2, -1))
        if bool(H.as_numpy_bool(spread > 0).any()):
            raise NotConditionalGaussian("collapse: the mixture's components depend on the "
                                         "continuous inputs through different matrices, so "
                                         "its moments are not linear-Gaussian in them")
    mean = H.total(frac[..., None] * g.mean, (-2,))
    matrix = H.total(frac[..., None, None] * g.matrix, (-3,))
    dev = g.mean - mean[..., None, :]
    second = g.covariance + dev[..., :, None] * dev[..., None, :]
    cov = G.symmetrize(H.total(frac[..., None, None] * second, (-3,)))
    new = g._replace(matrix[..., None, :, :], mean[..., None, :], cov[..., None, :, :])
    return _raw(total, new, kernel.dom, kernel.cod)


__all__ = ["collapse", "condition", "condition_equal", "log_prob", "observe", "posterior"]
