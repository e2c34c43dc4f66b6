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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from diagrams import Box, Ty, TypeMismatch, copy, identity
from markov.arrays import gaussian as G
from markov.arrays import hybrid as H
from markov.errors import (
    NotConditionalGaussian,
    ShapeMismatch,
    UnknownAtom,
    ZeroMass,
    ZeroProbabilityEvidence,
)
from markov.gaussian import condition as gc
from markov.gaussian.density import DENSITY_TOL, log_density
from markov.gaussian.hybrid import HybridKernel, _raw, _run, refuse_continuous_to_discrete
from markov.gaussian.hybrid_interpret import _lowest_rank
from markov.gaussian.kernel import _coordinates

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
    v = np.asarray(G.to_numpy(value) if G.is_torch(value) else value)
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
    logd = _lowest_rank(logd, rank, rows, [], 0)
    ok = H.isfinite(logd)
    c_used = G.where(ok[..., None], v + 0 * mean_q, mean_q)
    matrix, mean, cov = gc.condition_affine(g.matrix, g.mean, g.covariance, full, c_used,
                                            tol, label)
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
        v = np.asarray(G.to_numpy(data[a]) if G.is_torch(data[a]) else data[a]).astype(int)
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
        log_w = log_w + _lowest_rank(logd, rank, rows, [], 0)
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
        raise ValueError(f"on_zero must be one of {POLICIES}, got {on_zero!r}")
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
    return x.permute(*perm) if G.is_torch(x) else np.transpose(x, perm)


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
