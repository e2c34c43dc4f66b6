"""Array backends, chosen by the arrays given and never by global state.

- ``"numpy"``: numpy float64 arrays;
- ``"exact"``: numpy object arrays of ``fractions.Fraction``, ints or sympy expressions;
- ``"torch"``: torch tensors of any floating dtype on any device (torch is imported lazily).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from numbers import Number
from typing import Any

import numpy as np

from markov.errors import InvalidArray, NotStochastic

#: Default tolerance of the row-sum check for floating arrays.
ATOL = 1e-6

#: The kinds of finite arrays: float64 numpy, exact (object) numpy, torch.
KINDS = ("numpy", "exact", "torch")


def is_torch(array: Any) -> bool:
    """Whether ``array`` is a torch tensor, without importing torch.

    >>> is_torch([0.5, 0.5])
    False
    """
    return type(array).__module__.startswith("torch") and hasattr(array, "device")


def backend_of(array: Any) -> str:
    """The backend name of an array: ``"torch"``, ``"exact"`` or ``"numpy"``.

    >>> from fractions import Fraction
    >>> backend_of(np.ones(2)), backend_of(np.array([Fraction(1, 2)], dtype=object))
    ('numpy', 'exact')
    """
    if is_torch(array):
        return "torch"
    if isinstance(array, np.ndarray) and array.dtype == object:
        return "exact"
    return "numpy"


@cache
def fraction_class() -> type:
    """``fractions.Fraction``, imported on first use: float arrays never need it, and a cold
    start is faster without it.

    >>> fraction_class()(1, 2)
    Fraction(1, 2)
    """
    from fractions import Fraction

    return Fraction


def _is_exact_scalar(x: Any) -> bool:
    if isinstance(x, (fraction_class(), int, np.integer)) and not isinstance(x, bool):
        return True
    return type(x).__module__.startswith("sympy")


def as_array(value: Any, what: str = "an array") -> Any:
    """Convert array-likes: torch tensors stay as they are; nested lists of Fractions, ints
    or sympy objects become exact object arrays; anything else becomes float64. Arrays that
    cannot hold probabilities are refused with :class:`~markov.errors.InvalidArray` naming
    ``what`` (a box, kernel or variable): complex, boolean, string, non-number object,
    ragged and zero-size arrays.

    >>> from fractions import Fraction
    >>> as_array([Fraction(1, 3), Fraction(2, 3)]).dtype, as_array([0.5, 0.5]).dtype
    (dtype('O'), dtype('float64'))
    >>> as_array([0.5 + 1j, 0.5], "box f")
    Traceback (most recent call last):
    ...
    markov.errors.InvalidArray: box f: a complex array cannot hold probabilities; give real numbers
    """
    if is_torch(value):
        _check_kind(value.dtype.is_complex, value.dtype == _torch_bool(), value.numel(),
                    value.dtype, what)
        return value
    if isinstance(value, np.ndarray) and value.dtype != object:
        _check_kind(value.dtype.kind == "c", value.dtype.kind == "b", value.size,
                    value.dtype, what)
        if value.dtype.kind not in "fiu":
            raise InvalidArray(f"{what}: an array of dtype {value.dtype} cannot hold "
                               "probabilities; give real numbers")
        return value if value.dtype == np.float64 else value.astype(np.float64)
    # An object array of exact scalars stays exact, even when its entries are plain ints
    # (the identity and copy kernels of the exact backend are).
    if isinstance(value, np.ndarray) and value.size and all(map(_is_exact_scalar, value.flat)):
        return value
    if isinstance(value, (str, bytes, Mapping)):
        raise InvalidArray(f"{what}: a {type(value).__name__} is not an array of "
                           "probabilities")
    try:
        array = np.asarray(value, dtype=object)
    except ValueError:  # ragged nesting numpy cannot even hold as objects
        raise InvalidArray(f"{what}: a ragged nested list (rows of different lengths) is "
                           "not an array") from None
    flat = array.ravel()
    Fraction = fraction_class()
    if flat.size and any(isinstance(x, Fraction) or type(x).__module__.startswith("sympy")
                         for x in flat):
        bad = [x for x in flat if not _is_exact_scalar(x)]
        if bad:
            raise NotStochastic(f"an exact array mixes in the non-exact entry {bad[0]!r}; "
                                "use Fractions (or sympy numbers) throughout")
        return array
    if any(x is None for x in flat):  # numpy would read None as NaN
        raise InvalidArray(f"{what}: the entry None is not a number")
    if any(isinstance(x, (complex, np.complexfloating)) for x in flat):
        _check_kind(True, False, flat.size, "complex", what)
    if any(isinstance(x, (bool, np.bool_)) for x in flat):
        _check_kind(False, True, flat.size, "bool", what)
    try:
        result = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        bad = next((x for x in flat if not isinstance(x, (int, float, np.number))), None)
        if isinstance(bad, (list, tuple, np.ndarray)):
            raise InvalidArray(f"{what}: a ragged nested list (rows of different lengths) "
                               "is not an array") from None
        raise InvalidArray(f"{what}: the entry {bad!r} is not a number") from None
    _check_kind(False, False, result.size, "float64", what)
    return result


def _torch_bool() -> Any:
    import torch

    return torch.bool


def _check_kind(complex_: bool, boolean: bool, size: int, dtype: Any, what: str) -> None:
    if complex_:
        raise InvalidArray(f"{what}: a complex array cannot hold probabilities; give real "
                           "numbers")
    if boolean:
        raise InvalidArray(f"{what}: a boolean array is not a table of probabilities; "
                           "convert it to 0.0 / 1.0 floats")
    if size == 0:
        raise InvalidArray(f"{what}: a zero-size array ({dtype}) has no rows that sum to 1")


def common_backend(arrays: list) -> tuple[str, Any]:
    """The backend that a set of operands computes in, and a template array (for torch, one
    tensor whose dtype and device the others are moved to).

    >>> common_backend([np.ones(2), np.ones(3)])[0]
    'numpy'
    """
    template = next((a for a in arrays if is_torch(a)), None)
    if template is not None:
        return "torch", template
    if any(isinstance(a, np.ndarray) and a.dtype == object for a in arrays):
        return "exact", None
    return "numpy", None


def convert(array: Any, backend: str, template: Any = None) -> Any:
    """Move ``array`` into ``backend`` (for torch, to the template's dtype and device)."""
    if backend == "torch":
        import torch

        if is_torch(array):
            return array.to(dtype=template.dtype, device=template.device)
        if isinstance(array, np.ndarray) and array.dtype == object:
            array = array.astype(np.float64)
        return torch.as_tensor(np.asarray(array), dtype=template.dtype, device=template.device)
    if backend == "exact":
        return array if array.dtype == object else array.astype(object)
    return array


def eye(n: int, backend: str, template: Any = None) -> Any:
    """The ``n x n`` identity in a backend (the only delta the contractions ever build)."""
    if backend == "torch":
        import torch

        return torch.eye(n, dtype=template.dtype, device=template.device)
    if backend == "exact":
        return np.eye(n, dtype=int).astype(object)
    return np.eye(n)


def ones(n: int, backend: str, template: Any = None) -> Any:
    """A vector of ones (a discarded input wire's constant factor)."""
    if backend == "torch":
        import torch

        return torch.ones(n, dtype=template.dtype, device=template.device)
    if backend == "exact":
        return np.ones(n, dtype=int).astype(object)
    return np.ones(n)


def check_stochastic(array: Any, n_cod: int, name: str, atol: float | None = None) -> None:
    """Raise :class:`~markov.errors.NotStochastic`, naming ``name`` and the offending entry
    or row, unless ``array`` is finite, non-negative and sums to 1 over its last ``n_cod``
    axes (exactly for exact arrays; within ``atol`` for floats). The common case, a valid
    array, costs a few reductions (on torch: one synchronisation); only a failure looks for
    the entry or row to name.

    >>> check_stochastic(np.array([[0.5, 0.5], [1.0, -0.0]]), 1, "f")
    >>> check_stochastic(np.array([0.5, -0.5, 1.0]), 1, "p")
    Traceback (most recent call last):
    ...
    markov.errors.NotStochastic: kernel p: entry (1,) is negative (-0.5)
    """
    axes = tuple(range(array.ndim - n_cod, array.ndim))
    if backend_of(array) == "exact":
        return _check_exact(array, axes, name)
    if is_torch(array):
        if not bool(stochastic_flag(array, n_cod, atol)):
            return None
        return _diagnose_torch(array, axes, name, _torch_atol(array, atol))
    atol = ATOL if atol is None else atol
    if array.size:
        sums = array.sum(axis=axes) if axes else array
        if array.min() >= 0 and np.min(sums) >= 1 - atol and np.max(sums) <= 1 + atol:
            return None
    else:
        return None
    finite = np.isfinite(array)
    if not finite.all():
        _raise_entry(name, np.argwhere(~finite)[0].tolist(), "is not finite", array,
                     array.ndim)
    if (array < 0).any():
        _raise_entry(name, np.argwhere(array < 0)[0].tolist(), "is negative", array,
                     array.ndim)
    sums = array.sum(axis=axes) if axes else array
    off = np.abs(sums - 1) > atol
    if np.any(off):
        index = np.argwhere(off)[0].tolist() if np.ndim(off) else []
        _raise_row(name, index, float(np.asarray(sums)[tuple(index)]))


def _torch_atol(array: Any, atol: float | None) -> float:
    if atol is not None:
        return atol
    import torch

    return max(ATOL, 10 * torch.finfo(array.dtype).eps) if array.is_floating_point() else ATOL


def stochastic_flag(array: Any, n_cod: int, atol: float | None = None) -> Any:
    """For a torch tensor: a 0-dimensional boolean tensor, on the array's device, that is
    true when the array is not stochastic (computed without synchronising, so that the flags
    of many kernels can be checked with one transfer).

    >>> import torch
    >>> bool(stochastic_flag(torch.tensor([[0.5, 0.5], [0.2, 0.7]]), 1))
    True
    """
    import torch

    arr = array.detach()
    if arr.numel() == 0:
        return torch.zeros((), dtype=torch.bool, device=arr.device)
    atol = _torch_atol(array, atol)
    axes = tuple(range(arr.ndim - n_cod, arr.ndim))
    sums = arr.sum(dim=axes) if axes else arr
    # NaN fails both comparisons; +inf makes a sum that is off.
    return ~(arr.amin() >= 0) | ~((sums - 1).abs().amax() <= atol)


def _diagnose_torch(array: Any, axes: tuple, name: str, atol: float) -> None:
    import torch

    arr = array.detach()
    finite = torch.isfinite(arr)
    if not bool(finite.all()):
        _raise_entry(name, (~finite).nonzero()[0].tolist(), "is not finite", arr, array.ndim)
    negative = arr < 0
    if bool(negative.any()):
        _raise_entry(name, negative.nonzero()[0].tolist(), "is negative", arr, array.ndim)
    sums = arr.sum(dim=axes) if axes else arr
    off = (sums - 1).abs() > atol
    if bool(off.any()):
        index = off.nonzero()[0].tolist()
        _raise_row(name, index, float(sums[tuple(index)]))


def _check_exact(array: np.ndarray, axes: tuple, name: str) -> None:
    for index, x in np.ndenumerate(array):
        if isinstance(x, Number) and not isinstance(x, bool) and _is_exact_scalar(x):
            if x < 0:
                raise NotStochastic(f"kernel {name}: entry {index} is negative ({x})")
        elif getattr(x, "is_number", False):
            if bool(x < 0):
                raise NotStochastic(f"kernel {name}: entry {index} is negative ({x})")
        elif not getattr(x, "free_symbols", None):
            raise NotStochastic(f"kernel {name}: entry {index} is not an exact number ({x!r})")
    sums = array.sum(axis=axes) if axes else array
    for index, s in np.ndenumerate(np.asarray(sums, dtype=object)):
        if type(s).__module__.startswith("sympy"):
            import sympy

            if sympy.expand(s - 1) != 0:
                raise NotStochastic(f"kernel {name}: row {index} sums to {s}, not 1")
        elif s != 1:
            raise NotStochastic(f"kernel {name}: row {index} sums to {s}, not 1")


def _raise_entry(name: str, index: list, what: str, array: Any, ndim: int) -> None:
    value = array[tuple(index)]
    value = value.item() if hasattr(value, "item") else value
    raise NotStochastic(f"kernel {name}: entry {tuple(index)} {what} ({value})")


def _raise_row(name: str, index: list, total: float) -> None:
    raise NotStochastic(f"kernel {name}: row {tuple(index)} sums to {total:.10g}, not 1")
