"""Private: the array plumbing :mod:`causal` needs (copies, gathers, masks, host copies,
exact tables), one function per operation, each knowing how numpy, exact (object) and torch
arrays spell it so that the callers never ask which kind they hold."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from markov.arrays import backend as B
from markov.arrays.reduce import reduce_trailing

if TYPE_CHECKING:  # fractions is imported when exact numbers are used
    from fractions import Fraction

EXACT = "exact"


def exact_backend(backend: str) -> bool:
    """Whether a backend name computes in exact numbers.

    >>> exact_backend("exact"), exact_backend("numpy")
    (True, False)
    """
    return backend == EXACT


def is_exact(array: Any) -> bool:
    """Whether ``array`` holds exact numbers (a numpy object array).

    >>> from fractions import Fraction
    >>> is_exact(np.array([Fraction(1, 2)], dtype=object)), is_exact(np.ones(1))
    (True, False)
    """
    return B.backend_of(array) == EXACT


def exact_one() -> Fraction:
    """The exact number one.

    >>> exact_one()
    Fraction(1, 1)
    """
    return B.fraction_class()(1)


def all_rational(array: Any) -> bool:
    """Whether every entry of an object array is a ``Fraction`` or an integer (no symbols).

    >>> from fractions import Fraction
    >>> all_rational(np.array([Fraction(1, 2), 1], dtype=object))
    True
    """
    exact = (B.fraction_class(), int)
    return all(isinstance(v, exact) for v in np.ravel(array))


def is_number_vector(array: np.ndarray) -> bool:
    """Whether an object array holds only floats, ``Fraction`` s or sympy expressions.

    >>> from fractions import Fraction
    >>> is_number_vector(np.array([0.5, Fraction(1, 2)], dtype=object))
    True
    """
    numbers = (float, B.fraction_class())
    return all(isinstance(x, numbers) or type(x).__module__.startswith("sympy")
               for x in array.flat)


def rationals(counts: np.ndarray, denominator: int = 1, offset: float = 0) -> np.ndarray:
    """The object array of ``count / denominator + offset`` (exactly) per entry.

    >>> rationals(np.array([1, 3]), 4).tolist()
    [Fraction(1, 4), Fraction(3, 4)]
    """
    Fraction = B.fraction_class()
    plus = Fraction(offset)
    return np.array([Fraction(int(c), denominator) + plus for c in counts.ravel()],
                    dtype=object).reshape(counts.shape)


def as_rationals(array: np.ndarray) -> np.ndarray:
    """A numeric array as the object array of the ``Fraction`` s its entries are exactly.

    >>> as_rationals(np.array([0.5])).tolist()
    [Fraction(1, 2)]
    """
    Fraction = B.fraction_class()
    return np.array([Fraction(x) for x in array.flat], dtype=object).reshape(array.shape)


def in_kind_of(array: Any, like: Any) -> Any:
    """``array`` (numpy) in the kind of array ``like`` is: exact numbers for an exact one,
    floats otherwise, a tensor of ``like``'s dtype and device for a tensor.

    >>> from fractions import Fraction
    >>> in_kind_of(np.array([0.5]), np.array([Fraction(1)], dtype=object)).tolist()
    [Fraction(1, 2)]
    """
    if is_exact(like):
        return array if array.dtype.kind == "O" else as_rationals(array)
    numbers = np.asarray(array, dtype=float) if array.dtype.kind != "O" else \
        np.array([float(x) for x in array.flat]).reshape(array.shape)
    return B.convert(numbers, "torch", like) if B.is_torch(like) else numbers


def like(array: Any, template: Any) -> Any:
    """``array`` moved into the backend (and dtype, device) of ``template``.

    >>> like(np.ones(2), np.zeros(2)).tolist()
    [1.0, 1.0]
    """
    return B.convert(array, B.backend_of(template), template)


def keep_kind(array: Any) -> Any:
    """A tensor as it is, anything else as a numpy array.

    >>> keep_kind([1, 2]).tolist()
    [1, 2]
    """
    return array if B.is_torch(array) else np.asarray(array)


def to_host(array: Any) -> Any:
    """A tensor as a (detached, CPU) numpy array; anything else as a numpy array.

    >>> to_host([0.5]).tolist()
    [0.5]
    """
    return array.detach().cpu().numpy() if B.is_torch(array) else np.asarray(array)


def to_host_float(array: Any) -> np.ndarray:
    """``array`` as float64 numpy (tensors detached; exact and symbolic object arrays kept).

    >>> to_host_float(np.ones(1, dtype=int)).dtype
    dtype('float64')
    """
    if B.is_torch(array):
        return array.detach().cpu().double().numpy()
    array = np.asarray(array)
    return array if array.dtype == object else array.astype(np.float64)


def zero_mask(array: Any) -> np.ndarray:
    """The numpy boolean mask of the zero entries.

    >>> zero_mask(np.array([0.0, 1.0])).tolist()
    [True, False]
    """
    return np.asarray(to_host(array == 0), dtype=bool)


def total(array: Any, axes: tuple, keep: bool = False) -> Any:
    """The sum over ``axes`` (none: the array itself).

    >>> total(np.ones((2, 3)), (1,)).tolist()
    [3.0, 3.0]
    """
    if not axes:
        return array
    if B.is_torch(array):
        return array.sum(dim=axes, keepdim=keep)
    return array.sum(axis=axes, keepdims=keep)


def materialize(array: Any, shape: Sequence[int]) -> Any:
    """``array`` broadcast to ``shape`` as a new, writable array.

    >>> materialize(np.ones(2), (2, 2)).shape
    (2, 2)
    """
    if B.is_torch(array):
        return array.expand(tuple(shape)).clone()
    return np.array(np.broadcast_to(array, tuple(shape)))


def broadcast_owned(array: Any, shape: Sequence[int]) -> Any:
    """``array`` broadcast to ``shape``: a writable copy for numpy, a view for torch (whose
    operations never write in place).

    >>> broadcast_owned(np.ones(2), (3, 2)).flags.writeable
    True
    """
    if B.is_torch(array):
        return array.expand(*shape)
    return np.broadcast_to(array, tuple(shape)).copy()


def gather(array: Any, index: Sequence[np.ndarray]) -> Any:
    """``array[index]`` for a tuple of numpy index arrays (moved to a tensor's device).

    >>> gather(np.arange(4).reshape(2, 2), [np.array([0, 1]), np.array([1, 0])]).tolist()
    [1, 2]
    """
    if B.is_torch(array):
        import torch

        index = [torch.as_tensor(i, device=array.device) for i in index]
    return array[tuple(index)]


def scale_by_max(factor: Any, n_event: int) -> Any:
    """``factor`` divided by its largest entry over the last ``n_event`` axes (where that is
    not zero); exact arrays are left alone.

    >>> scale_by_max(np.array([[1.0, 4.0], [0.0, 0.0]]), 1).tolist()
    [[0.25, 1.0], [0.0, 0.0]]
    """
    if is_exact(factor):
        return factor
    axes = tuple(range(factor.ndim - n_event, factor.ndim))
    if not axes:
        return factor
    if B.is_torch(factor):
        top = factor.amax(dim=axes, keepdim=True)
        return factor / top.masked_fill(top == 0, 1)
    top = reduce_trailing(np.maximum, factor, n_event, keepdims=True)
    return factor / np.where(top == 0, 1.0, top)


def times(array: Any, factor: Any) -> Any:
    """``array * factor``, either moved to torch when the other is a tensor.

    >>> times(np.ones(2), np.array([2.0, 3.0])).tolist()
    [2.0, 3.0]
    """
    if B.is_torch(array) and not B.is_torch(factor):
        factor = B.convert(factor, "torch", array)
    elif B.is_torch(factor) and not B.is_torch(array):
        array = B.convert(array, "torch", factor)
    return array * factor


def mask_rows(array: Any, keep: np.ndarray) -> Any:
    """``array`` times a numpy boolean mask (zero where ``keep`` is false).

    >>> mask_rows(np.ones(2), np.array([True, False])).tolist()
    [1.0, 0.0]
    """
    if B.is_torch(array):
        import torch

        return array * torch.as_tensor(keep, dtype=array.dtype, device=array.device)
    return array * (keep.astype(int) if array.dtype == object else keep)


def same(a: Any, b: Any) -> bool:
    """Equal (exact numbers), close (floats, NaN equal to NaN), or not checkable (symbols:
    ``True``).

    >>> same(np.array([0.5]), np.array([0.5 + 1e-12]))
    True
    """
    if B.is_torch(a) or B.is_torch(b):
        import torch

        a, b = torch.as_tensor(a), torch.as_tensor(b)
        return bool(torch.allclose(a.double(), b.to(a.device).double(), atol=1e-9,
                                   equal_nan=True))
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == object or b.dtype == object:
        if not all_rational(a) or not all_rational(b):
            return True
        return bool(np.all(np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape))
                           == b))
    return bool(np.allclose(a, b, atol=1e-9, equal_nan=True))


def tensor_vector(value: Any, n: int) -> bool | None:
    """For a tensor, whether it is a floating vector (or batch of them) of ``n`` entries;
    ``None`` for anything else.

    >>> tensor_vector([0.5, 0.5], 2) is None
    True
    """
    if not B.is_torch(value):
        return None
    return bool(value.is_floating_point()) and value.ndim >= 1 and value.shape[-1] == n
