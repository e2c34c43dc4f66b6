"""Densities of Gaussian kernels, degenerate covariances included.

A Gaussian ``N(m, C)`` on ``R^n`` with a singular covariance has no density with respect to
Lebesgue measure on ``R^n``; it lives on the affine subspace ``m + range(C)``. Its density
here is taken **with respect to Lebesgue measure on that support** (of dimension
``r = rank C``):

``log p(x) = -1/2 sum_i (u_i . (x - m))^2 / lambda_i - r/2 log(2 pi) - 1/2 sum_i log lambda_i``

over the eigenpairs ``(lambda_i, u_i)`` of ``C`` with ``lambda_i > tol * lambda_max``. A point
off the support (its residual leaves ``range(C)`` by more than ``tol`` times the scale of
``m``, ``x`` and ``sqrt(lambda_max)``) has log density ``-inf``. A point mass (``C = 0``) has
density 1 at its point (the support has dimension 0). :func:`log_density` also returns the rank
``r``, so that callers comparing densities on supports of different dimensions (the hybrid
semantics does) can tell them apart.

>>> import numpy as np
>>> float(np.exp(log_density(np.zeros(1), np.eye(1), np.zeros(1))[0]))  # 1 / sqrt(2 pi)
0.3989422804014327
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np  # noqa: F401  (the examples use it)

from markov.arrays import gaussian as G
from markov.arrays import hybrid as H

#: Relative tolerance below which an eigenvalue of a covariance counts as zero.
DENSITY_TOL = 1e-9


def log_density(mean: Any, covariance: Any, x: Any,
                tol: float = DENSITY_TOL) -> tuple[Any, Any]:
    """The log density of ``x`` under ``N(mean, covariance)`` on the covariance's support, and
    the dimension of that support (all batched: ``mean`` and ``x`` ``[*batch, n]``,
    ``covariance`` ``[*batch, n, n]``; the batch shapes broadcast).

    >>> logp, rank = log_density(np.zeros(2), np.diag([1.0, 0.0]), np.array([0.0, 0.0]))
    >>> round(float(logp), 6), int(rank)
    (-0.918939, 1)
    >>> float(log_density(np.zeros(2), np.diag([1.0, 0.0]), np.array([0.0, 1.0]))[0])
    -inf
    """
    t = G.template_of([mean, covariance, x])
    mean, covariance, x = (G.as_float(a, t) for a in (mean, covariance, x))
    n = covariance.shape[-1]
    residual = x - mean
    if n == 0:
        zero = G.amax(residual, -1) * 0
        return zero, zero
    lam, vecs = G.eigh(G.symmetrize(covariance))
    top = G.amax(lam, -1, keepdims=True)
    keep = lam > tol * top
    one = lam * 0 + 1
    coords = G.matvec(G.transpose(vecs), residual)
    safe = G.where(keep, lam, one)
    quad = G.where(keep, coords ** 2 / safe, 0 * coords).sum(-1)
    logdet = G.where(keep, H.log(safe), 0 * lam).sum(-1)
    rank = G.where(keep, one, 0 * lam).sum(-1)
    off = G.amax(G.where(keep, 0 * coords, coords), -1)
    scale = G.amax(mean, -1) + G.amax(x, -1) + top[..., 0] ** 0.5
    inf = off * 0 - math.inf
    value = 0.0 - 0.5 * quad - 0.5 * rank * math.log(2 * math.pi) - 0.5 * logdet + 0.0
    return G.where(off > tol * scale, inf, value), rank


def log_prob(kernel: Any, value: Any, inputs: Any = None,
             tol: float = DENSITY_TOL) -> Any:
    """The log density of ``value`` (``[*sample, *batch, n_cod]``) under a
    :class:`~markov.gaussian.GaussianKernel` at ``inputs`` (``[..., n_dom]``, zero by
    default), with respect to Lebesgue measure on the support of its covariance (see the
    module docstring); ``-inf`` off the support. The result has shape ``[*sample, *batch]``.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> p = GaussianKernel.state([0.0], [[4.0]], cod="X")
    >>> round(float(log_prob(p, [2.0])), 6)
    -2.112086
    >>> f = GaussianKernel([[1.0]], [0.0], None, dom="X", cod="Y")   # deterministic
    >>> float(log_prob(f, [3.0], inputs=[3.0])), float(log_prob(f, [2.0], inputs=[3.0]))
    (0.0, -inf)
    """
    t = kernel.template if kernel.template is not None else G.template_of([value, inputs])
    k = kernel.to(t) if t is not None else kernel
    x = _vector(value, k.n_cod, t)
    mean = k.mean
    if inputs is not None:
        mean = mean + G.matvec(k.matrix, _vector(inputs, k.n_dom, t))
    return log_density(mean, k.covariance, x, tol)[0]


def density(kernel: Any, value: Any, inputs: Any = None, tol: float = DENSITY_TOL) -> Any:
    """``exp(log_prob(...))``: the density on the covariance's support (0 off it).

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> round(float(density(GaussianKernel.state([0.0], [[1.0]], cod="X"), [0.0])), 6)
    0.398942
    """
    return H.exp(log_prob(kernel, value, inputs, tol))


def _vector(value: Any, n: int, template: Any) -> Any:
    from markov.errors import ShapeMismatch

    v = G.as_float(value, template)
    if v.ndim == 0 or (n == 1 and v.shape[-1] != 1):
        v = v[..., None]
    if v.shape[-1] != n:
        raise ShapeMismatch(f"a value of shape {tuple(v.shape)} does not fit a space of "
                            f"dimension {n}; it needs [..., {n}]")
    return v


__all__ = ["DENSITY_TOL", "density", "log_density", "log_prob"]
