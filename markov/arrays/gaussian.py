"""Array operations of the Gaussian semantics, for numpy float64 and torch tensors.

The backend is read off the arrays given: any torch tensor makes the computation run in torch
with that tensor's dtype and device, otherwise it runs in numpy float64. torch is imported only
when a torch tensor is present. Exact arrays (Fractions) are converted to float64: Gaussian
conditioning needs pseudo-inverses, which this module computes in floating point.

>>> import numpy as np
>>> pinv, support = psd_pinv(np.array([[2.0, 0.0], [0.0, 0.0]]), 1e-9)
>>> pinv.tolist(), support.tolist()
([[0.5, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays.backend import is_torch


def as_float(value: Any, template: Any = None) -> Any:
    """``value`` as a float array: a torch tensor in the template's dtype and device when a
    template is given, otherwise numpy float64 (torch tensors are left as they are).

    >>> as_float([[1, 2]]).dtype
    dtype('float64')
    """
    if template is not None:
        import torch

        if is_torch(value):
            return value.to(dtype=template.dtype, device=template.device)
        array = np.asarray(value, dtype=np.float64)
        if not array.flags.writeable:  # a broadcast view: torch wants its own memory
            array = array.copy()
        return torch.as_tensor(array, dtype=template.dtype, device=template.device)
    if is_torch(value):
        return value if value.is_floating_point() else value.double()
    return np.asarray(value, dtype=np.float64)


def template_of(values: Sequence[Any]) -> Any:
    """The first torch tensor among ``values`` (whose dtype and device the others follow),
    or ``None`` for numpy.

    >>> template_of([np.ones(2), [1.0]]) is None
    True
    """
    for value in values:
        if is_torch(value):
            return value if value.is_floating_point() else value.double()
    return None


def backend_of(value: Any) -> str:
    """``"torch"`` for a torch tensor, ``"numpy"`` otherwise (Gaussians are never exact).

    >>> backend_of(np.zeros(2))
    'numpy'
    """
    return "torch" if is_torch(value) else "numpy"


def zeros(shape: Sequence[int], template: Any = None) -> Any:
    """Zeros of a shape in the backend of ``template`` (numpy when ``None``).

    >>> zeros((2,)).tolist()
    [0.0, 0.0]
    """
    if template is not None:
        import torch

        return torch.zeros(tuple(shape), dtype=template.dtype, device=template.device)
    return np.zeros(tuple(shape))


def eye(n: int, template: Any = None) -> Any:
    """The ``n x n`` identity in the backend of ``template``.

    >>> eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if template is not None:
        import torch

        return torch.eye(n, dtype=template.dtype, device=template.device)
    return np.eye(n)


def transpose(x: Any) -> Any:
    """Swap the last two axes (batched matrix transpose).

    >>> transpose(np.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    return x.swapaxes(-1, -2)


def cat(arrays: Sequence[Any], axis: int) -> Any:
    """Concatenate along ``axis`` (all arrays in the same backend, batch shapes equal).

    >>> cat([np.ones(1), np.zeros(2)], -1).tolist()
    [1.0, 0.0, 0.0]
    """
    if is_torch(arrays[0]):
        import torch

        return torch.cat(list(arrays), dim=axis)
    return np.concatenate(list(arrays), axis=axis)


def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    """Broadcast ``x`` to ``shape`` (a view where the backend allows).

    >>> broadcast_to(np.ones(2), (3, 2)).shape
    (3, 2)
    """
    if tuple(x.shape) == tuple(shape):
        return x
    if is_torch(x):
        return x.expand(*shape)
    return np.broadcast_to(x, tuple(shape))


def take(x: Any, index: Sequence[int], axis: int) -> Any:
    """Select the entries ``index`` (repeats allowed) along ``axis``.

    >>> take(np.array([1.0, 2.0]), [1, 1, 0], -1).tolist()
    [2.0, 2.0, 1.0]
    """
    if is_torch(x):
        import torch

        idx = torch.as_tensor(list(index), dtype=torch.long, device=x.device)
        return torch.index_select(x, axis % x.ndim, idx)
    return np.take(x, np.asarray(list(index), dtype=int), axis=axis)


def matvec(matrix: Any, vector: Any) -> Any:
    """Batched ``matrix @ vector``.

    >>> matvec(np.eye(2) * 2, np.ones((3, 2))).tolist()
    [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]]
    """
    return (matrix @ vector[..., None])[..., 0]


def where(condition: Any, a: Any, b: Any) -> Any:
    """Elementwise choice in the backend of ``a``.

    >>> where(np.array([True, False]), np.ones(2), np.zeros(2)).tolist()
    [1.0, 0.0]
    """
    if is_torch(a):
        import torch

        return torch.where(condition, a, b)
    return np.where(condition, a, b)


def eigh(x: Any) -> tuple[Any, Any]:
    """Eigenvalues (ascending) and eigenvectors of a batch of symmetric matrices.

    >>> eigh(np.diag([2.0, 1.0]))[0].tolist()
    [1.0, 2.0]
    """
    if is_torch(x):
        import torch

        return torch.linalg.eigh(x)
    return np.linalg.eigh(x)


def amax(x: Any, axis: Sequence[int] | int | None = None, keepdims: bool = False) -> Any:
    """Maximum of absolute values over ``axis`` (0 for an empty reduction).

    >>> float(amax(np.array([1.0, -3.0]))), amax(np.zeros((2, 0)), -1).tolist()
    (3.0, [0.0, 0.0])
    """
    if is_torch(x):
        import torch

        if x.numel() == 0:
            return torch.zeros(_reduced_shape(x.shape, axis, keepdims), dtype=x.dtype,
                               device=x.device)
        dims = tuple(range(x.ndim)) if axis is None else axis
        return torch.amax(x.abs(), dim=dims, keepdim=keepdims)
    if x.size == 0:
        return np.zeros(_reduced_shape(x.shape, axis, keepdims))
    return np.max(np.abs(x), axis=None if axis is None else tuple(np.atleast_1d(axis)),
                  keepdims=keepdims)


def _reduced_shape(shape, axis, keepdims) -> tuple:
    ndim = len(shape)
    axes = set(range(ndim)) if axis is None else {a % ndim for a in np.atleast_1d(axis)}
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def to_numpy(x: Any) -> np.ndarray:
    """A numpy float64 array of ``x`` (torch tensors are detached and moved to the CPU).

    >>> to_numpy([1, 2]).dtype
    dtype('float64')
    """
    if is_torch(x):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=np.float64)


def symmetrize(x: Any) -> Any:
    """``(x + x^T) / 2``: removes the rounding asymmetry of a computed covariance.

    >>> symmetrize(np.array([[1.0, 2.0], [0.0, 1.0]])).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return (x + transpose(x)) / 2


def psd_pinv(s: Any, rtol: float, scale: Any = None) -> tuple[Any, Any]:
    """Pseudo-inverse of a batch of positive semidefinite matrices and the orthogonal
    projector on their support (column space).

    An eigenvalue counts as zero when it is at most ``rtol`` times the scale of the matrix:
    its largest eigenvalue, or ``scale`` (an array broadcasting against the batch shape)
    when that is larger. No jitter is added: a zero eigenvalue stays zero.

    >>> pinv, support = psd_pinv(np.array([[1.0, 1.0], [1.0, 1.0]]), 1e-9)
    >>> np.allclose(pinv, [[0.25, 0.25], [0.25, 0.25]]), np.allclose(support, 0.5)
    (True, True)
    """
    n = s.shape[-1]
    if n == 0:
        return s, s
    lam, vecs = eigh(symmetrize(s))
    top = amax(lam, axis=-1, keepdims=True)
    if scale is not None:
        top = top + 0 * lam[..., :1]
        top = where(top >= scale, top, scale + 0 * top)
    keep = lam > rtol * top
    one = lam * 0 + 1
    inverse = where(keep, 1 / where(keep, lam, one), 0 * lam)
    pinv = (vecs * inverse[..., None, :]) @ transpose(vecs)
    support = (vecs * where(keep, one, 0 * lam)[..., None, :]) @ transpose(vecs)
    return symmetrize(pinv), symmetrize(support)


def batch_index(mask: Any) -> tuple[int, ...] | None:
    """The first batch index where a boolean array is true, or ``None``.

    >>> batch_index(np.array([False, True])), batch_index(np.array(False))
    ((1,), None)
    """
    mask = to_numpy(mask) if is_torch(mask) else np.asarray(mask)
    hits = np.argwhere(mask)
    return tuple(int(i) for i in hits[0]) if len(hits) else None
