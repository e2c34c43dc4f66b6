"""Private: the operations a contraction plan runs, one table per kind of array.

``OPS`` maps a backend name (``"numpy"``, ``"exact"``, ``"torch"``) to a class of static
operations; the contraction modules look their table up with :func:`ops_for` and never ask
which kind of array they hold. The exact table is numpy's with exact zeros and ones and no
floating-point checks. torch is imported only inside torch's operations.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays import backend as B
from markov.arrays.reduce import reduce_trailing


@functools.cache
def _guard(dtype: Any) -> float:
    """sqrt(tiny) of a floating dtype (numpy or torch): below it, an answer may have lost
    mass to underflow (a constant of the dtype, computed once)."""
    if isinstance(dtype, np.dtype):
        return math.sqrt(float(np.finfo(dtype).tiny))
    import torch

    return math.sqrt(float(torch.finfo(dtype).tiny))


class NumpyOps:
    """float64 numpy arrays."""

    # constant folding and the all-marginals pass run on host arrays only
    host = True
    exact = False  # whether the numbers are exact (then answers need no renormalising)

    @staticmethod
    def sum(a, axes):
        # Object arrays summed over every axis give a bare Fraction: keep a 0-d array.
        return np.asarray(a.sum(axis=axes), dtype=a.dtype)

    @staticmethod
    def permute(a, perm):
        return a.transpose(perm)

    @staticmethod
    def einsum(eq, a):
        return np.einsum(eq, a)

    @staticmethod
    def scale(r, axes):
        if axes and axes == tuple(range(r.ndim - len(axes), r.ndim)):  # trailing (batch first)
            s = reduce_trailing(np.maximum, r, len(axes), keepdims=True)
        else:
            s = r.max(axis=axes, keepdims=True) if axes else r
        s = np.where((s > 0) & (s < np.inf), s, 1.0)
        return s, np.log(s)

    @staticmethod
    def zeros_log(shape, like):
        return np.zeros(shape)

    @staticmethod
    def empty_log(shape, like):
        return np.full(shape, -np.inf)

    @staticmethod
    def exp(x):
        return np.exp(x)

    @staticmethod
    def maximum(a, b):
        return np.maximum(a, b)

    @staticmethod
    def zeros(shape, like):
        return np.zeros(shape)

    @staticmethod
    def ones(shape, like):
        return np.ones(shape)

    @staticmethod
    def broadcast(array, shape):
        return np.broadcast_to(array, shape)

    @staticmethod
    def cast(x, like):
        return x

    @staticmethod
    def template(operands):
        return None

    @staticmethod
    def floating(operands, template) -> bool:
        return True

    @staticmethod
    def as_given(array, template):
        # torch arrays that ran on numpy views go back to torch
        return array if template is None else to_torch(array, template)

    @staticmethod
    def fits(result, n_batch: int) -> bool:
        if result is None or result.size == 0:
            return True
        if not n_batch:
            return bool(_guard(result.dtype) <= result.max() < math.inf)
        m = reduce_trailing(np.maximum, result, result.ndim - n_batch)
        return bool(m.min() >= _guard(result.dtype) and m.max() < math.inf)


class ExactOps(NumpyOps):
    """numpy object arrays of exact numbers."""

    exact = True

    @staticmethod
    def zeros(shape, like):
        return np.zeros(shape, dtype=int).astype(object)

    @staticmethod
    def ones(shape, like):
        return np.ones(shape, dtype=int).astype(object)

    @staticmethod
    def floating(operands, template) -> bool:
        return False


class TorchOps:
    """torch tensors of any dtype and device."""

    host = False
    exact = False

    @staticmethod
    def sum(a, axes):
        return a.sum(dim=axes)

    @staticmethod
    def permute(a, perm):
        return a.permute(perm)

    @staticmethod
    def einsum(eq, a):
        import torch

        return torch.einsum(eq, a)

    @staticmethod
    def scale(r, axes):
        import torch

        r = r.detach()
        s = r.amax(dim=axes, keepdim=True) if axes else r
        s = torch.where((s > 0) & (s < math.inf), s, torch.ones_like(s))
        return s, s.to(torch.promote_types(s.dtype, torch.float32)).log()

    @staticmethod
    def zeros_log(shape, like):
        import torch

        dtype = torch.promote_types(like.dtype, torch.float32)
        return torch.zeros(shape, dtype=dtype, device=like.device)

    @staticmethod
    def empty_log(shape, like):
        import torch

        dtype = torch.promote_types(like.dtype, torch.float32)
        return torch.full(shape, -math.inf, dtype=dtype, device=like.device)

    @staticmethod
    def exp(x):
        return x.exp()

    @staticmethod
    def maximum(a, b):
        import torch

        return torch.maximum(a, b)

    @staticmethod
    def zeros(shape, like):
        import torch

        return torch.zeros(shape, dtype=like.dtype, device=like.device)

    @staticmethod
    def ones(shape, like):
        import torch

        return torch.ones(shape, dtype=like.dtype, device=like.device)

    @staticmethod
    def broadcast(array, shape):
        return array.expand(*shape)

    @staticmethod
    def cast(x, like):
        return x.to(like.dtype)

    @staticmethod
    def template(operands):
        return next((a for a in operands if B.is_torch(a)), None)

    @staticmethod
    def floating(operands, template) -> bool:
        like = template if template is not None else TorchOps.template(operands)
        return like is not None and like.is_floating_point()

    @staticmethod
    def as_given(array, template):
        return array

    @staticmethod
    def fits(result, n_batch: int) -> bool:
        if result is None:
            return True
        r = result.detach()
        if r.numel() == 0:
            return True
        m = r.reshape(*r.shape[:n_batch], -1).amax(-1) if n_batch else r.max()
        return bool(((m >= _guard(r.dtype)) & (m < math.inf)).all())


OPS = {"numpy": NumpyOps, "exact": ExactOps, "torch": TorchOps}


def ops_for(backend: str) -> type:
    """The table of operations of a backend.

    >>> ops_for("exact").permute(np.ones((2, 3)), (1, 0)).shape
    (3, 2)
    """
    return OPS.get(backend, NumpyOps)


def to_torch(array: Any, template: Any, keep_dtype: bool = False) -> Any:
    """A numpy result back as a tensor in the template's dtype (zero-copy when it has it;
    ``keep_dtype`` keeps the array's own, as for log-scales).

    >>> import torch
    >>> to_torch(np.array([0.25, 0.75]), torch.ones(1, dtype=torch.float32))
    tensor([0.2500, 0.7500])
    """
    import torch

    array = np.asarray(array)
    if not array.flags.writeable:  # from_numpy wants memory it may write
        array = array.copy()
    out = torch.from_numpy(array)
    return out if keep_dtype or out.dtype == template.dtype else out.to(template.dtype)


def cpu_views(arrays: Sequence, template: Any) -> list | None:
    """numpy views of the memory of a torch contraction's arrays when the template and every
    tensor are on the CPU, in float32/float64 and without autograd; else None.

    >>> import torch
    >>> cpu_views([torch.tensor([0.5, 0.5])], torch.ones(1))[0].dtype
    dtype('float32')
    """
    import torch

    dtypes = (torch.float64, torch.float32)
    if not template.is_cpu or template.dtype not in dtypes:
        return None
    views = []
    for a in arrays:
        if type(a) is np.ndarray:
            if a.dtype == object:
                return None
            views.append(a)
        elif a.is_cpu and not a.requires_grad and a.dtype in dtypes:
            try:
                views.append(a.numpy())
            except (RuntimeError, TypeError):  # sparse, conjugate views, ...
                return None
        else:
            return None
    return views
