"""Building arrays of the backend of a given array (or named by a string): point masses,
constants, identities, broadcast values, normalised counts. Re-exported by
:mod:`markov.arrays.ops`, which callers import.

>>> import numpy as np
>>> indicator(2, 0, np.zeros(1)).tolist()
[1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays import backend as B

__all__ = ["broadcast_like", "eye_like", "from_counts", "full_like", "indicator",
           "ones_like", "point_masses", "scalar_one", "template_array"]


def indicator(n: int, index: int, like: Any) -> Any:
    """The point mass at ``index`` among ``n`` values, in the backend of ``like`` (exact
    Fractions, float64, or torch in its dtype and device).

    >>> from fractions import Fraction
    >>> indicator(3, 1, np.array([Fraction(1)], dtype=object)).tolist()
    [Fraction(0, 1), Fraction(1, 1), Fraction(0, 1)]
    """
    from fractions import Fraction

    backend = B.backend_of(like)
    if backend == "exact":
        return np.array([Fraction(int(i == index)) for i in range(n)], dtype=object)
    return B.eye(n, backend, like if backend == "torch" else None)[index]


def ones_like(array: Any) -> Any:
    """Ones of the shape and backend of ``array`` (exact ones for exact arrays).

    >>> ones_like(np.zeros(2)).tolist()
    [1.0, 1.0]
    """
    if B.is_torch(array):
        import torch

        return torch.ones_like(array)
    return np.ones(array.shape, dtype=object if B.backend_of(array) == "exact" else float)


def full_like(array: Any, value: str | int) -> Any:
    """An array of the shape and backend of ``array`` filled with ``1/value`` when
    ``value`` is a count (exactly, on exact arrays), or with NaN when ``value`` is ``"nan"``.

    >>> from fractions import Fraction
    >>> full_like(np.array([Fraction(1)], dtype=object), 4).tolist()
    [Fraction(1, 4)]
    >>> full_like(np.zeros(1), "nan").tolist()
    [nan]
    """
    from fractions import Fraction

    backend = B.backend_of(array)
    if backend == "torch":
        import torch

        return torch.full_like(array, float("nan") if value == "nan" else 1.0 / value)
    if value == "nan":
        return np.full(array.shape, float("nan"), dtype=object if backend == "exact" else float)
    if backend == "exact":
        return np.full(array.shape, Fraction(1, value), dtype=object)
    return np.full(array.shape, 1.0 / value)


def broadcast_like(value: Any, array: Any) -> Any:
    """``value`` converted to the backend (dtype, device) of ``array`` and broadcast to its
    shape.

    >>> broadcast_like([0.25, 0.75], np.zeros((2, 2))).tolist()
    [[0.25, 0.75], [0.25, 0.75]]
    """
    backend = B.backend_of(array)
    if backend == "torch":
        import torch

        return torch.as_tensor(value, dtype=array.dtype, device=array.device).expand_as(array)
    return np.broadcast_to(np.asarray(value, dtype=object if backend == "exact" else float),
                           array.shape)


def template_array(arrays: Sequence[Any]) -> Any:
    """The array whose backend a computation over ``arrays`` follows: the first torch
    tensor, else the first exact array, else ``None`` (numpy floats).

    >>> template_array([np.ones(2)]) is None
    True
    """
    backends = [B.backend_of(a) for a in arrays]
    for kind in ("torch", "exact"):
        if kind in backends:
            return arrays[backends.index(kind)]
    return None


def scalar_one(like: Any) -> Any:
    """The 0-d array ``1`` in the backend of ``like`` (``None``: numpy float).

    >>> scalar_one(None).tolist()
    1.0
    """
    backend = B.backend_of(like) if like is not None else "numpy"
    if backend == "torch":
        import torch

        return torch.ones((), dtype=like.dtype, device=like.device)
    return np.array(1, dtype=object) if backend == "exact" else np.array(1.0)


def point_masses(index: Any, n: int, backend: str) -> Any:
    """Point masses ``[*index.shape, n]`` at integer ``index`` (an array): exact Fractions
    for the exact backend, float64 otherwise (interpretation moves them to torch).

    >>> point_masses(np.array([1, 0]), 2, "exact").tolist()
    [[Fraction(0, 1), Fraction(1, 1)], [Fraction(1, 1), Fraction(0, 1)]]
    """
    from fractions import Fraction

    if backend == "exact":
        eye = np.array([[Fraction(int(i == j)) for j in range(n)] for i in range(n)],
                       dtype=object)
    else:
        eye = np.eye(n)
    return eye[index]


def eye_like(n: int, like: Any) -> Any:
    """The ``n x n`` identity in the backend of ``like`` (exact integers for exact arrays).

    >>> eye_like(2, np.zeros(1)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    backend = B.backend_of(like)
    return B.eye(n, backend, like if backend == "torch" else None)


def from_counts(rows: Sequence[Sequence[int]], shape: Sequence[int], backend: str) -> Any:
    """Rows of counts normalised to distributions and reshaped, in a backend named by
    ``backend``: exact Fractions (``"exact"``), float64 (``"numpy"``) or a float64 torch
    tensor (``"torch"``).

    >>> from_counts([[1, 3]], (2,), "exact").tolist()
    [Fraction(1, 4), Fraction(3, 4)]
    """
    from fractions import Fraction

    if backend == "exact":
        return np.array([[Fraction(x, sum(r)) for x in r] for r in rows],
                        dtype=object).reshape(tuple(shape))
    array = np.array([[x / sum(r) for x in r] for r in rows],
                     dtype=np.float64).reshape(tuple(shape))
    if backend == "torch":
        import torch

        return torch.as_tensor(array)
    return array
