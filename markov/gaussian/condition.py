"""Exact conditioning of Gaussian kernels on equations (Stein & Staton, *Compositional
Semantics for Probabilistic Programs with Exact Conditioning*, 2021), and conditions as
effects in diagrams (:class:`GaussianCondition`).

Conditionals, disintegration, Bayesian inversion and almost-sure equality live in
:mod:`markov.gaussian.disintegration` and are importable from here too. All of them are
registered with the generic functions of :mod:`markov.inference.generic`, so
``markov.condition``, ``markov.observe``, ``markov.disintegrate`` etc. accept Gaussian kernels.

**Exact conditioning.** ``condition(k, M, c)`` conditions the output ``x`` of ``k`` on the
equation ``M x = c``. Writing ``S = M Sigma M^T`` for the covariance of ``M x`` and
``K = Sigma M^T S^+``, the result is ``x |-> (I - K M)(A u + b) + K c`` with covariance
``(I - K M) Sigma (I - K M)^T``: no jitter is added, so a variance that is 0 stays exactly 0,
and observations with zero noise (events of probability zero but positive density) are fine.

**The support test and its tolerance.** The equation can hold only if ``c - M mean`` lies in
the support (column space) of ``S``. With ``tol`` (default :data:`CONDITION_TOL`):

- write ``|M| = n * max|M_ij|`` (``n`` the number of columns of ``M``);
- a direction of ``S`` counts as deterministic when its eigenvalue is at most
  ``tol * max(lambda_max(S), |M|^2 * max|Sigma_ij|)``;
- the condition is *contradictory* when, along some deterministic unit direction ``u``,
  ``|u . (c - M mean)| > tol * (max|c_i| + |M| * (max|mean_i| + sqrt(max|Sigma_ij|)))``
  (scales of the whole kernel, so that rounding left by earlier computations passes), and
  :class:`~markov.errors.ConditionError` is raised, naming the conditioned variables and the
  batch index. For a kernel with inputs, the input-dependent part ``M A`` is tested the same
  way against ``tol * |M| * max|A_ij|``: a condition that holds only for some inputs raises
  too.

>>> from markov.gaussian.kernel import GaussianKernel
>>> xy = GaussianKernel.state([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], cod=("X", "Y"))
>>> post = condition_equal(xy, "X", "Y")
>>> post.covariance.tolist()
[[0.5, 0.5], [0.5, 0.5]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from diagrams import Ty, TypeMismatch, as_ty
from markov.arrays import gaussian as G
from markov.errors import ConditionError, ShapeMismatch
from markov.gaussian.disintegration import (  # re-exported: their historical home
    almost_surely_equal,
    bayes_invert,
    conditional,
    disintegrate,
)
from markov.gaussian.kernel import CONDITION_TOL, GaussianKernel, _coordinates

# ---- exact conditioning ----------------------------------------------------------------

def condition(kernel: GaussianKernel, matrix: Any, value: Any = 0.0, *,
              on: Iterable[int | str] | Ty | str | None = None,
              tol: float = CONDITION_TOL) -> GaussianKernel:
    """Condition the output ``x`` of ``kernel`` exactly on the equation ``matrix @ x = value``.

    ``on`` restricts ``x`` to some codomain atoms (names or positions; default all, in order);
    ``matrix`` is ``[*batch, k, n_on]`` and ``value`` ``[*batch, k]`` (a scalar broadcasts).
    The result has the same type; the conditioned combinations become deterministic.
    Raises :class:`~markov.errors.ConditionError` when the equation cannot hold (see the
    module docstring for the tolerance ``tol``).

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> xy = GaussianKernel.state([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], cod=("X", "Y"))
    >>> condition(xy, [[2.0, -2.0]], [0.0]).marginal("X").covariance.tolist()
    [[0.5]]
    >>> condition(GaussianKernel.state([0.0], None, cod="X"), [[1.0]], [1.0])
    Traceback (most recent call last):
    ...
    markov.errors.ConditionError: the condition on X cannot hold: a deterministic combination of the variables would have to move by 1 (tolerance 1e-09)
    """
    positions = list(range(len(kernel.cod))) if on is None else kernel.positions(on)
    kernel = _follow(kernel, [matrix, value])
    t = kernel.template
    m = G.as_float(matrix, t)
    n_on = sum(kernel.cod_dims[p] for p in positions)
    if m.ndim < 2 or m.shape[-1] != n_on:
        raise ShapeMismatch(f"the equation's matrix has shape {tuple(m.shape)}; it needs "
                            f"[*batch, k, {n_on}] for the {n_on} coordinates of "
                            f"{_names(kernel.cod, positions)}")
    c = G.as_float(value, t)
    if c.ndim == 0:
        c = c + G.zeros((m.shape[-2],), t)
    if c.shape[-1] != m.shape[-2]:
        raise ShapeMismatch(f"the equation has {m.shape[-2]} rows but its value has shape "
                            f"{tuple(c.shape)}")
    full = m @ _selection(kernel.cod_dims, positions, t)
    return _condition_kernel(kernel, full, c, tol, _names(kernel.cod, positions))


def observe(kernel: GaussianKernel, evidence: Mapping[int | str, Any], *,
            tol: float = CONDITION_TOL) -> GaussianKernel:
    """Condition exactly on observed values of codomain atoms, ``{atom: value}`` with a value
    of shape ``[*batch, d]`` (or ``[*batch]`` when ``d == 1``; scalars broadcast). Noise-free
    observations are allowed; the observed atoms become deterministic.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> xy = GaussianKernel.state([0.0, 0.0], [[1.0, 1.0], [1.0, 2.0]], cod=("X", "Y"))
    >>> post = observe(xy, {"X": 2.0})
    >>> post.mean.tolist(), post.covariance.tolist()
    ([2.0, 2.0], [[0.0, 0.0], [0.0, 1.0]])
    """
    if not evidence:
        return kernel
    kernel = _follow(kernel, list(evidence.values()))
    t = kernel.template
    positions, values = [], []
    for atom, value in evidence.items():
        (p,) = kernel.positions([atom])
        d = kernel.cod_dims[p]
        v = G.as_float(value, t)
        if v.ndim == 0 or (d == 1 and v.shape[-1] != 1):
            v = v[..., None]
        if v.shape[-1] != d:
            raise ShapeMismatch(f"the observed value of {kernel.cod.names[p]} has shape "
                                f"{tuple(v.shape)}; it needs [*batch, {d}]")
        positions.append(p)
        values.append(v)
    batch = tuple(np.broadcast_shapes(*(tuple(v.shape[:-1]) for v in values)))
    value = G.cat([G.broadcast_to(v, batch + (v.shape[-1],)) for v in values], -1)
    full = _selection(kernel.cod_dims, positions, t)
    return _condition_kernel(kernel, full, value, tol, _names(kernel.cod, positions))


def condition_equal(kernel: GaussianKernel, lhs: Iterable[int | str] | Ty | str,
                    rhs: Iterable[int | str] | Ty | str, *,
                    tol: float = CONDITION_TOL) -> GaussianKernel:
    """Condition exactly on the equality of two groups of codomain atoms (``lhs = rhs``,
    coordinate by coordinate).

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> xyz = GaussianKernel.state([0.0] * 3, np.eye(3), cod=("X", "Y", "Z"))
    >>> post = condition_equal(xyz, ["X", "Y"], ["Y", "Z"])
    >>> round(float(post.covariance[0, 0]), 12)
    0.333333333333
    """
    left, right = kernel.positions(lhs), kernel.positions(rhs)
    dims_l = [kernel.cod_dims[p] for p in left]
    dims_r = [kernel.cod_dims[p] for p in right]
    if sum(dims_l) != sum(dims_r):
        raise ShapeMismatch(f"cannot equate {_names(kernel.cod, left)} (dimension "
                            f"{sum(dims_l)}) with {_names(kernel.cod, right)} (dimension "
                            f"{sum(dims_r)})")
    t = kernel.template
    full = _selection(kernel.cod_dims, left, t) - _selection(kernel.cod_dims, right, t)
    label = f"{_names(kernel.cod, left)} = {_names(kernel.cod, right)}"
    return _condition_kernel(kernel, full, G.zeros((full.shape[-2],), t), tol, label)


def _condition_kernel(kernel: GaussianKernel, full: Any, value: Any, tol: float,
                      label: str) -> GaussianKernel:
    matrix, mean, covariance = condition_affine(kernel.matrix, kernel.mean, kernel.covariance,
                                                full, value, tol=tol, label=label)
    return kernel._replace(matrix, mean, covariance)


def condition_affine(matrix: Any, mean: Any, covariance: Any, equation: Any, value: Any, *,
                     tol: float = CONDITION_TOL, label: str = "the variables"
                     ) -> tuple[Any, Any, Any]:
    """The array core of exact conditioning: the kernel ``u |-> matrix u + mean +
    N(0, covariance)`` conditioned on ``equation @ x = value`` (all arrays batched alike).

    >>> F, m, C = condition_affine(np.zeros((2, 0)), np.zeros(2), np.eye(2),
    ...                            np.array([[1.0, -1.0]]), np.zeros(1))
    >>> C.tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    t = G.template_of([matrix, mean, covariance, equation, value])
    matrix, mean, covariance, equation, value = (
        G.as_float(a, t) for a in (matrix, mean, covariance, equation, value))
    k = equation.shape[-2]
    if k == 0:
        return matrix, mean, covariance
    eq_t = G.transpose(equation)
    s = equation @ covariance @ eq_t
    norm = G.amax(equation, (-2, -1)) * equation.shape[-1]
    cov_scale = G.amax(covariance, (-2, -1))
    pinv, support = G.psd_pinv(s, tol, (norm ** 2 * cov_scale)[..., None])
    null = G.eye(k, t) - support
    residual = value - G.matvec(equation, mean)
    magnitude = G.amax(value, -1) + norm * (G.amax(mean, -1) + cov_scale ** 0.5)
    off = G.amax(G.matvec(null, residual), -1)
    _raise_if(off > tol * magnitude, off, tol, label, "")
    if matrix.shape[-1]:
        lin_off = G.amax(null @ (equation @ matrix), (-2, -1))
        lin_scale = norm * G.amax(matrix, (-2, -1))
        _raise_if(lin_off > tol * lin_scale, lin_off, tol, label, "inputs")
    gain = covariance @ eq_t @ pinv
    keep = G.eye(covariance.shape[-1], t) - gain @ equation
    new_matrix = keep @ matrix
    new_mean = mean + G.matvec(gain, residual)
    new_cov = G.symmetrize(keep @ covariance @ G.transpose(keep))
    return new_matrix, new_mean, new_cov


def _raise_if(bad: Any, off: Any, tol: float, label: str, kind: str) -> None:
    index = G.batch_index(bad)
    if index is None:
        return
    amount = float(G.to_numpy(off)[index])
    where = f" (batch {index})" if index else ""
    if kind == "inputs":
        raise ConditionError(f"the condition on {label} cannot hold for every input{where}: "
                             "it fixes a deterministic function of the kernel's inputs "
                             f"(off by {amount:.6g} per unit input; tolerance {tol:g}); "
                             "condition a state instead")
    raise ConditionError(f"the condition on {label} cannot hold{where}: a deterministic "
                         "combination of the variables would have to move by "
                         f"{amount:.6g} (tolerance {tol:g})")


def _follow(kernel: GaussianKernel, values: list) -> GaussianKernel:
    """The kernel moved to torch when a value of the condition is a tensor."""
    if kernel.template is None:
        template = G.template_of(values)
        if template is not None:
            return kernel.to(template)
    return kernel


def _selection(dims: Sequence[int], positions: Sequence[int], template: Any) -> Any:
    """The 0/1 matrix ``[n_selected, n_total]`` picking the coordinates of ``positions``."""
    rows = _coordinates(dims, positions)
    return G.take(G.eye(int(sum(dims)), template), rows, 0)


def _names(ty: Ty, positions: Sequence[int]) -> str:
    return ", ".join(ty.names[p] for p in positions) or "no variable"


# ---- conditions as effects in diagrams ---------------------------------------------------

class GaussianCondition:
    """An exact condition ``matrix @ x = value`` on its inputs, used as the image of a box
    ``dom -> Ty()`` in :func:`~markov.gaussian.interpret.interpret_gaussian` (Stein &
    Staton's ``=:=``). Build it with :meth:`observe`, :meth:`equal` or :meth:`equation`.

    >>> obs = GaussianCondition.observe([1.0, 2.0], "Y")
    >>> obs.dom, obs.cod, obs.dims
    (Ty('Y'), Ty(), {'Y': 2})
    """

    __slots__ = ("dom", "dom_dims", "matrix", "name", "tol", "value")

    def __init__(self, matrix: Any, value: Any, dom: Ty | str | Sequence[str], *,
                 dims: Mapping[str, int] | None = None, name: str | None = None,
                 tol: float = CONDITION_TOL):
        t = G.template_of([matrix, value])
        matrix, value = G.as_float(matrix, t), G.as_float(value, t)
        if matrix.ndim < 2 or value.ndim < 1 or value.shape[-1] != matrix.shape[-2]:
            raise ShapeMismatch(f"condition {name or dom}: the matrix needs shape [*batch, k, "
                                f"n] and the value [*batch, k]; got {tuple(matrix.shape)} "
                                f"and {tuple(value.shape)}")
        probe = GaussianKernel.deterministic(G.zeros((0, matrix.shape[-1]), t), None,
                                             dom=dom, cod=Ty(), dims=dims, name=name)
        for attr, v in (("matrix", matrix), ("value", value), ("dom", probe.dom),
                        ("dom_dims", probe.dom_dims), ("name", name), ("tol", tol)):
            object.__setattr__(self, attr, v)

    def __setattr__(self, key, value):
        raise AttributeError("conditions are immutable")

    @property
    def cod(self) -> Ty:
        """Conditions are effects: their codomain is the unit.

        >>> GaussianCondition.equal("X").cod
        Ty()
        """
        return Ty()

    @property
    def dims(self) -> dict[str, int]:
        """The dimension of each input atom.

        >>> GaussianCondition.equal("X", {"X": 2}).dims
        {'X': 2}
        """
        return dict(zip(self.dom.names, self.dom_dims))

    def __repr__(self) -> str:
        name = f"{self.name}: " if self.name else ""
        return f"<GaussianCondition {name}{self.dom} -> I, {self.matrix.shape[-2]} equations>"

    @staticmethod
    def observe(value: Any, ty: Ty | str | Sequence[str], *,
                dims: Mapping[str, int] | None = None, name: str | None = None,
                tol: float = CONDITION_TOL) -> GaussianCondition:
        """The observation ``x = value`` (``value``: ``[*batch, n]``, or ``[*batch]`` for a
        one-dimensional ``ty``).

        >>> GaussianCondition.observe(np.zeros(5), "Y", dims={"Y": 1}).value.shape
        (5, 1)
        """
        ty = as_ty(ty)
        t = G.template_of([value])
        v = G.as_float(value, t)
        n = sum(dims[a] for a in ty.names) if dims and all(a in dims for a in ty.names) \
            else None
        if v.ndim == 0 or (n == 1 and v.shape[-1] != 1):
            v = v[..., None]
        n = v.shape[-1] if n is None else n
        return GaussianCondition(G.eye(n, t), v, ty, dims=dims, name=name, tol=tol)

    @staticmethod
    def equal(ty: Ty | str | Sequence[str], dims: Mapping[str, int] | None = None, *,
              name: str | None = None, like: Any = None,
              tol: float = CONDITION_TOL) -> GaussianCondition:
        """The equation ``x = y`` on ``ty @ ty`` (dimensions from ``dims``, default 1).

        >>> GaussianCondition.equal("X").matrix.tolist()
        [[1.0, -1.0]]
        """
        ty = as_ty(ty)
        n = sum((dims or {}).get(a, 1) for a in ty.names)
        t = like.template if isinstance(like, GaussianKernel) else like
        e = G.eye(n, t)
        return GaussianCondition(G.cat([e, -e], -1), G.zeros((n,), t), ty @ ty,
                                 dims=dims or {a: 1 for a in ty.names}, name=name, tol=tol)

    @staticmethod
    def equation(matrix: Any, value: Any, dom: Ty | str | Sequence[str], *,
                 dims: Mapping[str, int] | None = None, name: str | None = None,
                 tol: float = CONDITION_TOL) -> GaussianCondition:
        """The equation ``matrix @ x = value`` on ``dom``.

        >>> GaussianCondition.equation([[2.0, -2.0]], [0.0], ("X", "Y")).dims
        {'X': 1, 'Y': 1}
        """
        return GaussianCondition(matrix, value, dom, dims=dims, name=name, tol=tol)

    def apply(self, kernel: GaussianKernel) -> GaussianKernel:
        """Condition a kernel whose codomain is this condition's domain.

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> p = GaussianKernel.state([0.0], [[1.0]], cod="Y")
        >>> GaussianCondition.observe(3.0, "Y").apply(p).mean.tolist()
        [3.0]
        """
        if kernel.cod != self.dom:
            raise TypeMismatch(f"condition {self.name or self.dom} takes {self.dom}, the "
                               f"kernel gives {kernel.cod}")
        return condition(kernel, self.matrix, self.value, tol=self.tol)


__all__ = [
    "CONDITION_TOL",
    "GaussianCondition",
    "almost_surely_equal",
    "bayes_invert",
    "condition",
    "condition_affine",
    "condition_equal",
    "conditional",
    "disintegrate",
    "observe",
]
