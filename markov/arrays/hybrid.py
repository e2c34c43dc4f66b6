"""Array operations of the hybrid (conditional-Gaussian) semantics, for numpy float64 and
torch tensors (imported lazily, only when a tensor is given).

>>> import numpy as np
>>> einsum("...ab->...ba", np.arange(4.0).reshape(2, 2)).tolist()
[[0.0, 2.0], [1.0, 3.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays.backend import is_torch


def einsum(equation: str, *operands: Any) -> Any:
    """``einsum`` in the operands' backend (repeated input letters take diagonals).

    >>> einsum("aa->a", np.eye(2)).tolist()
    [1.0, 1.0]
    """
    if any(is_torch(x) for x in operands):
        import torch

        return torch.einsum(equation, *operands)
    return np.einsum(equation, *operands)


def ones(shape: Sequence[int], template: Any = None) -> Any:
    """Ones of a shape in the backend of ``template`` (numpy when ``None``).

    >>> ones((2,)).tolist()
    [1.0, 1.0]
    """
    if template is not None:
        import torch

        return torch.ones(tuple(shape), dtype=template.dtype, device=template.device)
    return np.ones(tuple(shape))


def reshape(x: Any, shape: Sequence[int]) -> Any:
    """``x`` with a new shape (a copy only where the backend needs one).

    >>> reshape(np.zeros(4), (2, 2)).shape
    (2, 2)
    """
    return x.reshape(tuple(shape))


def total(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
    """The sum over ``axes`` (none: ``x`` itself).

    >>> total(np.ones((2, 3)), (1,)).tolist()
    [3.0, 3.0]
    """
    axes = tuple(a % x.ndim for a in axes)
    if not axes:
        return x
    if is_torch(x):
        return x.sum(dim=axes, keepdim=keepdims)
    return x.sum(axis=axes, keepdims=keepdims)


def maximum(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
    """The (signed) maximum over ``axes`` (none: ``x`` itself).

    >>> maximum(np.array([[1.0, -3.0]]), (1,)).tolist()
    [1.0]
    """
    axes = tuple(a % x.ndim for a in axes)
    if not axes:
        return x
    if is_torch(x):
        import torch

        return torch.amax(x, dim=axes, keepdim=keepdims)
    return x.max(axis=axes, keepdims=keepdims)


def minimum(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
    """The minimum over ``axes`` (none: ``x`` itself).

    >>> minimum(np.array([[1.0, -3.0]]), (1,)).tolist()
    [-3.0]
    """
    return -maximum(-x, axes, keepdims)


def exp(x: Any) -> Any:
    """Elementwise exponential.

    >>> exp(np.zeros(1)).tolist()
    [1.0]
    """
    return x.exp() if is_torch(x) else np.exp(x)


def log(x: Any) -> Any:
    """Elementwise logarithm (``-inf`` at 0, without a warning).

    >>> log(np.array([1.0, 0.0])).tolist()
    [0.0, -inf]
    """
    if is_torch(x):
        return x.log()
    with np.errstate(divide="ignore"):
        return np.log(x)


def isfinite(x: Any) -> Any:
    """Elementwise finiteness.

    >>> isfinite(np.array([1.0, -np.inf])).tolist()
    [True, False]
    """
    if is_torch(x):
        import torch

        return torch.isfinite(x)
    return np.isfinite(x)


def index(x: Any, axis: int, i: int) -> Any:
    """The slice ``i`` along ``axis``, keeping the axis (size 1).

    >>> index(np.arange(6.0).reshape(2, 3), 1, 2).tolist()
    [[2.0], [5.0]]
    """
    axis = axis % x.ndim
    return x[(slice(None),) * axis + (slice(i, i + 1),)]


def as_numpy_bool(x: Any) -> np.ndarray:
    """A numpy boolean array of ``x``.

    >>> as_numpy_bool(np.array([1.0, 0.0])).tolist()
    [True, False]
    """
    if is_torch(x):
        return x.detach().cpu().numpy().astype(bool)
    return np.asarray(x).astype(bool)


def full_like(x: Any, value: float) -> Any:
    """An array of ``x``'s shape, dtype and device filled with ``value``.

    >>> full_like(np.array([1.0, -np.inf]), 0.0).tolist()
    [0.0, 0.0]
    """
    if is_torch(x):
        import torch

        return torch.full_like(x, value)
    return np.full_like(x, value)


def as_indices(value: Any) -> np.ndarray:
    """A numpy array of ``value`` keeping its dtype (torch tensors are moved to the CPU), to
    be checked as indices by the caller.

    >>> as_indices([0, 1]).tolist()
    [0, 1]
    """
    if is_torch(value):
        return value.detach().cpu().numpy()
    return np.asarray(value)
