"""Private: what the dask runners (:mod:`markov.contraction.distributed`,
:mod:`causal.distributed`) need to know about arrays: moving them to a device and back,
output buffers, and sums of partial results on a common log-scale. torch is imported only
when a tensor or a device is at hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays import backend as B
from markov.arrays.tensor import exact_backend
from markov.errors import MarkovError


def check_movable(backend: str) -> None:
    """Raise unless arrays of ``backend`` can move to a device (exact ones cannot).

    >>> check_movable("numpy")
    >>> check_movable("exact")
    Traceback (most recent call last):
    ...
    markov.errors.MarkovError: exact arrays cannot move to a torch device; drop device=
    """
    if exact_backend(backend):
        raise MarkovError("exact arrays cannot move to a torch device; drop device=")


def to_device(array: Any, device: str | None) -> Any:
    """``array`` as a tensor on ``device`` (numpy as float64); with ``device`` None, as a
    float64 numpy array on the host (exact numbers as floats).

    >>> to_device(np.array([1, 2]), None).dtype
    dtype('float64')
    >>> to_device(np.array([0.5]), "cpu")
    tensor([0.5000], dtype=torch.float64)
    """
    if device is None:
        return (array.detach().cpu().numpy() if B.is_torch(array)
                else np.asarray(array)).astype(float)
    if B.is_torch(array):
        return array.to(device)
    import torch

    return torch.as_tensor(np.asarray(array, dtype=float), device=device)


def on_device(arrays: Sequence[Any], device: str) -> tuple[list, str]:
    """``arrays`` as tensors on ``device`` (:func:`to_device`) and the backend they are in.

    >>> on_device([np.ones(2)], "cpu")[1]
    'torch'
    """
    moved = [to_device(a, device) for a in arrays]
    return moved, B.backend_of(moved[0]) if moved else "numpy"


def off_device(array: Any, backend: str) -> Any:
    """A tensor computed on a device back on the CPU: a (detached) tensor when ``backend``
    (the arrays' given backend) is torch's, a numpy array otherwise; None stays None.

    >>> import torch
    >>> off_device(torch.ones(2), "numpy").tolist(), off_device(None, "numpy")
    ([1.0, 1.0], None)
    """
    if array is None:
        return None
    array = array.detach().cpu()
    return array if backend == B.backend_of(array) else array.numpy()


def zeros_for(shape: Sequence[int], backend: str, operands: Sequence[Any], like: Any) -> Any:
    """A zero buffer for sums of contractions of ``operands``: a tensor of ``like``'s dtype
    and device when ``like`` (a tensor) is given, exact zeros for the exact backend, else
    numpy in the operands' common dtype (at least float64).

    >>> zeros_for((2,), "exact", [], None).tolist()
    [0, 0]
    >>> zeros_for((1,), "numpy", [np.ones(1, dtype=np.float32)], None).dtype
    dtype('float64')
    """
    if like is not None:
        import torch

        return torch.zeros(tuple(shape), dtype=like.dtype, device=like.device)
    if exact_backend(backend):
        return np.zeros(shape, dtype=int).astype(object)
    return np.zeros(shape, dtype=np.result_type(*(a.dtype for a in operands), np.float64))


def copy(array: Any) -> Any:
    """A copy of a numpy array or tensor.

    >>> a = np.zeros(1); b = copy(a); b += 1; a.tolist()
    [0.0]
    """
    return array.clone() if B.is_torch(array) else array.copy()


def log_factor(log: Any, new: Any, like: Any) -> Any:
    """``exp(log - new)`` (0 where ``new`` is -inf) in ``like``'s dtype, broadcast over the
    axes ``like`` has beyond ``log``'s.

    >>> log_factor(np.log([1.0, 2.0]), np.log([2.0, 2.0]), np.ones((2, 3))).shape
    (2, 1)
    """
    if B.is_torch(log):
        import torch

        f = torch.where(torch.isinf(new), torch.zeros_like(log), (log - new).exp())
        f = f.to(like.dtype)
    else:
        with np.errstate(invalid="ignore"):
            f = np.where(np.isinf(new), 0.0, np.exp(log - new))
    return f.reshape(tuple(f.shape) + (1,) * (like.ndim - f.ndim))


def add_on_log_scale(buffer: Any, log: Any, other: Any, other_log: Any) -> tuple[Any, Any]:
    """``buffer * exp(log) + other * exp(other_log)`` as ``(mantissa, log_scale)`` on the
    larger of the two log-scales per batch row (``log`` over the leading axes).

    >>> m, s = add_on_log_scale(np.array([1.0]), np.array([0.0]), np.array([1.0]),
    ...                         np.array([np.log(2.0)]))
    >>> (m * np.exp(s)).round(12).tolist()
    [3.0]
    """
    if B.is_torch(log):
        import torch

        new = torch.maximum(log, other_log)
    else:
        new = np.maximum(log, other_log)
    total = buffer * log_factor(log, new, buffer) + other * log_factor(other_log, new, buffer)
    return total, new


def like_template(array: Any, template: Any, keep_dtype: bool = False) -> Any:
    """A result back in the template's kind: a tensor on its device, in its dtype unless
    ``keep_dtype`` (as for log-scales); anything else with no template stays as it is.

    >>> like_template(np.ones(1), None).tolist()
    [1.0]
    >>> import torch
    >>> like_template(np.ones(1), torch.ones(1, dtype=torch.float32)).dtype
    torch.float32
    """
    if template is None or not B.is_torch(template):
        return array
    if isinstance(array, np.ndarray):
        from markov.arrays.steps import to_torch

        return to_torch(array, template, keep_dtype)
    array = array.to(template.device)
    return array if keep_dtype else array.to(template.dtype)
