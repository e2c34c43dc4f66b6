"""The categorical structure of Gaussian kernels: composition, tensor, the wirings
(identities, copies, discards, swaps) and :func:`gaussian_category`, the target of a
:class:`diagrams.Functor` into Gaussian kernels. The ``>>``, ``@`` and wiring constructors
of :class:`~markov.gaussian.kernel.GaussianKernel` call these.

>>> from markov.gaussian.kernel import GaussianKernel
>>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
>>> compose(p, GaussianKernel.copy("X", {"X": 1})).covariance.tolist()
[[1.0, 1.0], [1.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from diagrams import Category, Ty, TypeMismatch
from markov.arrays import gaussian as G
from markov.errors import ShapeMismatch, UnknownAtom, UnsupportedKernel
from markov.gaussian.dims import _check_dims, _coordinates
from markov.gaussian.kernel import GaussianKernel, _describe


def compose(first: GaussianKernel, second: GaussianKernel) -> GaussianKernel:
    """``first >> second``: ``(A2 A1, A2 b1 + b2, A2 S1 A2^T + S2)``.

    >>> f = GaussianKernel([[2.0]], [1.0], [[1.0]], dom="X", cod="X")
    >>> compose(f, f).mean.tolist()
    [3.0]
    """
    if not isinstance(second, GaussianKernel):
        raise UnsupportedKernel(f"cannot compose a Gaussian kernel with {type(second).__name__}")
    if first.cod != second.dom:
        raise TypeMismatch(f"cannot compose: the codomain of {_describe(first)} is "
                           f"{first.cod!r} but the domain of {_describe(second)} is "
                           f"{second.dom!r}")
    _check_dims(first.cod, first.cod_dims, second.dom_dims, _describe(first),
                _describe(second))
    a, b = _same_backend(first, second)
    matrix = b.matrix @ a.matrix
    mean = G.matvec(b.matrix, a.mean) + b.mean
    covariance = b.matrix @ a.covariance @ G.transpose(b.matrix) + b.covariance
    return a._replace(matrix, mean, G.symmetrize(covariance), dom=a.dom, cod=b.cod,
                      dom_dims=a.dom_dims, cod_dims=b.cod_dims)


def tensor(first: GaussianKernel, second: GaussianKernel) -> GaussianKernel:
    """``first @ second``: block-diagonal matrix and covariance, batches broadcast.

    >>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
    >>> tensor(p, p).mean.tolist()
    [0.0, 0.0]
    """
    if not isinstance(second, GaussianKernel):
        raise UnsupportedKernel(f"cannot tensor a Gaussian kernel with {type(second).__name__}")
    a, b = _same_backend(first, second)
    batch = tuple(np.broadcast_shapes(a.batch_shape, b.batch_shape))
    a, b = a.broadcast(batch), b.broadcast(batch)
    t = a.template
    matrix = _block_diag(a.matrix, b.matrix, batch, t)
    covariance = _block_diag(a.covariance, b.covariance, batch, t)
    mean = G.cat([a.mean, b.mean], -1)
    return a._replace(matrix, mean, covariance, dom=a.dom @ b.dom, cod=a.cod @ b.cod,
                      dom_dims=a.dom_dims + b.dom_dims, cod_dims=a.cod_dims + b.cod_dims)


def wiring(ty: Ty, order: list[int], dims: Mapping[str, int], like: Any) -> GaussianKernel:
    """The deterministic kernel whose ``i``-th output atom is input atom ``order[i]`` of
    ``ty`` (repeats copy, omissions discard), in the backend of ``like``.

    >>> wiring(Ty("X", "Y"), [1, 0, 1], {"X": 1, "Y": 1}, None).cod
    Ty('Y', 'X', 'Y')
    """
    for atom in ty.names:
        if atom not in dims:
            raise ShapeMismatch(f"the dimension of type {atom} is not given; pass "
                                f"dims={{{atom!r}: d}}")
    template = like.template if isinstance(like, GaussianKernel) else G.template_of([like])
    dom_dims = [int(dims[a]) for a in ty.names]
    for p in order:
        if not 0 <= p < len(ty):
            raise UnknownAtom(f"position {p} is not an atom of {ty}")
    rows = _coordinates(dom_dims, order)
    n = sum(dom_dims)
    matrix = G.take(G.eye(n, template), rows, 0)
    cod = Ty(*(ty.names[p] for p in order))
    return GaussianKernel(matrix, G.zeros((len(rows),), template),
                          G.zeros((len(rows), len(rows)), template), ty, cod,
                          dims=dict(dims), validate=False)


def gaussian_category(dims: Mapping[str, int], like: Any = None) -> Category:
    """The category of Gaussian kernels over atoms of the given dimensions, as a target for
    :class:`diagrams.Functor` (a functor folds the diagram; :func:`interpret_gaussian` is the
    direct route).

    >>> from diagrams import Ty, Box, copy, Functor
    >>> X = Ty("X")
    >>> p = Box("p", Ty(), X)
    >>> F = Functor(ar={p: GaussianKernel.state([0.0], [[1.0]], cod=X)},
    ...             cod=gaussian_category({"X": 1}))
    >>> F(p >> copy(X)).covariance.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return Category(
        unit=Ty(),
        identity=lambda ty: GaussianKernel.identity(ty, dims, like),
        swap=lambda a, b: GaussianKernel.swap(a, b, dims, like),
        copy=lambda ty, n: GaussianKernel.copy(ty, dims, n, like),
        discard=lambda ty: GaussianKernel.discard(ty, dims, like),
    )


def _same_backend(a: GaussianKernel, b: GaussianKernel) -> tuple[GaussianKernel,
                                                                   GaussianKernel]:
    template = a.template if a.template is not None else b.template
    if template is None:
        return a, b
    return a.to(template), b.to(template)


def _block_diag(x: Any, y: Any, batch: tuple, template: Any) -> Any:
    top = G.cat([x, G.zeros(batch + (x.shape[-2], y.shape[-1]), template)], -1)
    bottom = G.cat([G.zeros(batch + (y.shape[-2], x.shape[-1]), template), y], -1)
    return G.cat([top, bottom], -2)


__all__ = ["compose", "gaussian_category", "tensor", "wiring"]
