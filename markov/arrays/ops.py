"""Private array helpers shared by the inference modules: the few operations that numpy,
exact (object) and torch arrays spell differently. Everything else goes through contractions
(:func:`markov.interpret`) or :func:`markov.inference.normalize.normalize`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays import backend as B
from markov.arrays.construct import (  # noqa: F401  (re-exported: one namespace for callers)
    broadcast_like,
    eye_like,
    from_counts,
    full_like,
    indicator,
    ones_like,
    point_masses,
    scalar_one,
    template_array,
)
from markov.arrays.reduce import reduce_trailing
from markov.errors import InvalidArray


def transpose(array: Any, perm: Sequence[int]) -> Any:
    """Permute the axes of an array (numpy ``transpose``, torch ``permute``).

    >>> transpose(np.zeros((2, 3, 4)), [2, 0, 1]).shape
    (4, 2, 3)
    """
    perm = [int(i) for i in perm]
    if perm == list(range(len(perm))):
        return array
    if B.is_torch(array):
        return array.permute(*perm)
    return np.transpose(array, perm)


def sum_last(array: Any, n: int) -> Any:
    """Sum over the last ``n`` axes.

    >>> sum_last(np.ones((2, 3, 4)), 2).tolist()
    [12.0, 12.0]
    """
    if n == 0:
        return array
    axes = tuple(range(array.ndim - n, array.ndim))
    if B.is_torch(array):
        return array.sum(dim=axes)
    return array.sum(axis=axes)


def first_index(mask: Any) -> tuple[int, ...] | None:
    """The index of the first true entry of a boolean array, or ``None``.

    >>> first_index(np.array([[False, False], [False, True]]))
    (1, 1)
    """
    if B.is_torch(mask):
        hits = mask.nonzero()
        return tuple(int(i) for i in hits[0].tolist()) if len(hits) else None
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def is_zero(array: Any) -> Any:
    """Elementwise ``array == 0`` as a boolean array (structural for sympy expressions)."""
    out = array == 0
    if B.is_torch(out):
        return out
    return np.asarray(out, dtype=bool)


def is_nonzero(array: Any) -> Any:
    """Elementwise ``array != 0`` as a boolean array."""
    out = array != 0
    if B.is_torch(out):
        return out
    return np.asarray(out, dtype=bool)


def both(a: Any, b: Any) -> Any:
    """Elementwise ``a and b`` of two broadcastable boolean arrays (numpy or torch)."""
    if B.is_torch(a) or B.is_torch(b):
        import torch

        device = a.device if B.is_torch(a) else b.device
        a, b = (torch.as_tensor(x, device=device) for x in (a, b))
        return a & b
    return np.logical_and(a, b)


def exact_like(value: Any, array: Any, what: str) -> Any:
    """An array-like as an array, made exact (Fractions) when ``array`` is exact: integer
    values convert, other floats raise :class:`~markov.errors.InvalidArray` naming ``what`` (an exact computation
    never silently mixes in floats).

    >>> from fractions import Fraction
    >>> exact_like([1, 0], np.array([Fraction(1, 2)], dtype=object), "the evidence").tolist()
    [Fraction(1, 1), Fraction(0, 1)]
    >>> exact_like([0.3, 0.7], np.array([Fraction(1, 2)], dtype=object), "the evidence")
    Traceback (most recent call last):
    ...
    markov.errors.InvalidArray: the evidence has float entries but the prior is exact; give Fractions
    """
    from fractions import Fraction

    value = value if B.is_torch(value) else B.as_array(value)
    if B.backend_of(array) != "exact" or B.backend_of(value) != "numpy":
        return value
    if not np.all(np.mod(value, 1) == 0):
        raise InvalidArray(f"{what} has float entries but the prior is exact; give Fractions")
    return np.vectorize(lambda v: Fraction(int(v)), otypes=[object])(value)


def default_atol(*arrays: Any) -> float:
    """A comparison tolerance suited to the least precise floating array given."""
    atol = 1e-9
    for a in arrays:
        if B.is_torch(a) and a.is_floating_point():
            import torch

            atol = max(atol, 1000 * torch.finfo(a.dtype).eps)
    return atol


def to_float(array: Any, template: Any = None) -> Any:
    """A floating copy (float64 numpy, or torch in the template's dtype and device)."""
    if template is not None:
        return B.convert(array, "torch", template)
    if B.is_torch(array):
        return array
    return np.asarray(array, dtype=np.float64)


def allclose(a: Any, b: Any, atol: float | None = None) -> bool:
    """Whether two broadcastable arrays agree: exactly when both are exact (sympy
    differences simplified), within ``atol`` otherwise.

    >>> from fractions import Fraction
    >>> allclose(np.array([Fraction(1, 3)], dtype=object), np.array([Fraction(2, 6)], dtype=object))
    True
    >>> allclose(np.array([0.5]), np.array([0.5 + 1e-12]))
    True
    """
    ba, bb = B.backend_of(a), B.backend_of(b)
    if ba == bb == "exact":
        a, b = np.broadcast_arrays(a, b)
        for x, y in zip(a.ravel(), b.ravel()):
            d = x - y
            if type(d).__module__.startswith("sympy"):
                import sympy

                if sympy.simplify(d) != 0:
                    return False
            elif d != 0:
                return False
        return True
    tol = default_atol(a, b) if atol is None else atol
    template = a if ba == "torch" else b if bb == "torch" else None
    a, b = to_float(a, template), to_float(b, template)
    if template is not None:
        import torch

        return bool(torch.all((a - b).abs() <= tol))
    return bool(np.all(np.abs(a - b) <= tol))


def exact_nan(array: Any) -> Any:
    """Float NaNs in an exact (object) array replaced by ``sympy.nan``, so that the array
    stays exact (asked-for NaN rows of an exact conditional)."""
    if B.backend_of(array) != "exact":
        return array
    marks = np.vectorize(lambda v: isinstance(v, float) and math.isnan(v), otypes=[bool])(array)
    if not marks.any():
        return array
    import sympy

    return np.where(marks, sympy.nan, array)



# ---- operations of the inference modules, one per kind of array ----------------------------

def sum_keep(array: Any, n: int) -> Any:
    """Sum over the last ``n`` axes, keeping them (as size 1) for broadcasting.

    >>> sum_keep(np.ones((2, 3)), 1).tolist()
    [[3.0], [3.0]]
    """
    if n == 0:
        return array
    axes = tuple(range(array.ndim - n, array.ndim))
    if B.is_torch(array):
        return array.sum(dim=axes, keepdim=True)
    return reduce_trailing(np.add, np.asarray(array), n, keepdims=True)


def where(mask: Any, a: Any, b: Any) -> Any:
    """Elementwise ``a if mask else b`` in the backend of the arrays (exact stays exact).

    >>> where(np.array([True, False]), np.array([1.0, 1.0]), np.array([2.0, 2.0])).tolist()
    [1.0, 2.0]
    """
    if B.is_torch(mask) or B.is_torch(a) or B.is_torch(b):
        import torch

        return torch.where(mask, a, b)
    return np.where(mask, a, b)





def broadcast_to(array: Any, shape: Sequence[int]) -> Any:
    """``array`` broadcast to ``shape`` (a view: torch ``expand``, numpy ``broadcast_to``).

    >>> broadcast_to(np.ones(2), (3, 2)).shape
    (3, 2)
    """
    if B.is_torch(array):
        return array.expand(tuple(shape))
    return np.broadcast_to(array, tuple(shape))


def is_scalar_tensor(value: Any) -> bool:
    """Whether ``value`` is a 0-d torch tensor (a point value given as a tensor).

    >>> is_scalar_tensor(3)
    False
    """
    return B.is_torch(value) and value.ndim == 0


def is_finite_nonnegative(array: Any) -> bool:
    """Whether every entry is finite and non-negative (exact entries: non-negative; sympy
    symbols pass, their sign being unknown).

    >>> is_finite_nonnegative(np.array([0.5, np.inf])), is_finite_nonnegative(np.ones(2))
    (False, True)
    """
    from fractions import Fraction
    from numbers import Integral

    backend = B.backend_of(array)
    if backend == "exact":
        return not any(x < 0 for x in array.ravel() if isinstance(x, (Fraction, Integral)))
    if backend == "torch":
        import torch

        values = array.detach()
        return not bool((~torch.isfinite(values) | (values < 0)).any())
    return not bool((~np.isfinite(array) | (array < 0)).any())





def is_zero_one(array: Any) -> bool:
    """Whether every entry is 0 or 1 (a deterministic table; sympy symbols are neither).

    >>> is_zero_one(np.array([0.0, 1.0])), is_zero_one(np.array([0.5, 0.5]))
    (True, False)
    """
    if B.is_torch(array):
        return bool(((array == 0) | (array == 1)).all())
    array = np.asarray(array)
    if array.dtype == object:   # sympy: a symbol == 0 is False, so it is not deterministic
        return all(bool(x == 0) or bool(x == 1) for x in array.flat)
    return bool(np.all((array == 0) | (array == 1)))



def cumsum_last(array: Any) -> Any:
    """Cumulative sums along the last axis.

    >>> cumsum_last(np.array([0.25, 0.75])).tolist()
    [0.25, 1.0]
    """
    return array.cumsum(-1) if B.is_torch(array) else np.cumsum(array, axis=-1)


def minimum(a: Any, b: Any) -> Any:
    """Elementwise minimum of two arrays of one backend.

    >>> minimum(np.array([1.0, 3.0]), np.array([2.0, 2.0])).tolist()
    [1.0, 2.0]
    """
    if B.is_torch(a):
        import torch

        return torch.minimum(a, b)
    return np.minimum(a, b)


def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum of two arrays of one backend.

    >>> maximum(np.array([1.0, 3.0]), np.array([2.0, 2.0])).tolist()
    [2.0, 3.0]
    """
    if B.is_torch(a):
        import torch

        return torch.maximum(a, b)
    return np.maximum(a, b)


def in_backend(array: Any, backend: str) -> Any:
    """``array`` in ``backend``'s numbers: floats become the Fractions they are exactly
    when the backend is exact; any other backend takes the array as it is.

    >>> in_backend(np.array([0.5, 1.0]), "exact").tolist()
    [Fraction(1, 2), Fraction(1, 1)]
    """
    if backend != "exact" or all(not isinstance(x, float) for x in np.ravel(array)):
        return array
    from fractions import Fraction

    return np.vectorize(lambda x: Fraction(x) if isinstance(x, float) else x,
                        otypes=[object])(array)
