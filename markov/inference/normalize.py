"""Normalisation with an explicit policy for rows of zero mass.

Dividing by a marginal is where conditionals stop being unique: on a row of zero mass any
distribution is a valid conditional (almost surely). Every operation that divides takes
``on_zero``, one of:

- ``"uniform"`` (the default): the uniform distribution on zero-mass rows;
- ``"prior"``: the given fallback distribution (e.g. the prior, for Bayesian inversion);
- ``"nan"``: NaN on zero-mass rows, only when explicitly asked for;
- ``"raise"``: raise :class:`~markov.errors.ZeroMass`, naming what was conditioned on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from markov.arrays import backend as B
from markov.errors import ZeroMass

POLICIES = ("uniform", "prior", "nan", "raise")


def normalize(array: Any, n_axes: int, on_zero: str = "uniform", fallback: Any = None, *,
              what: str = "the conditioning variables", error: type = ZeroMass) -> Any:
    """Divide ``array`` by its sums over the last ``n_axes`` axes, applying ``on_zero`` to
    rows whose sum is zero. ``fallback`` (broadcastable to ``array``) is used by
    ``"prior"``. Works on numpy, exact and torch arrays; no NaN escapes unless asked for.

    >>> normalize(np.array([[1.0, 3.0], [0.0, 0.0]]), 1).tolist()
    [[0.25, 0.75], [0.5, 0.5]]
    >>> normalize(np.array([[1.0, 3.0], [0.0, 0.0]]), 1, on_zero="raise")
    Traceback (most recent call last):
    ...
    markov.errors.ZeroMass: the conditioning variables have probability zero at row (1,)
    """
    if on_zero not in POLICIES:
        raise ValueError(f"on_zero must be one of {POLICIES}, got {on_zero!r}")
    axes = tuple(range(array.ndim - n_axes, array.ndim))
    backend = B.backend_of(array)
    if backend == "torch":
        total = array.sum(dim=axes, keepdim=True) if axes else array
        zero = total == 0
        if not bool(zero.any()):
            return array / total
        index = tuple(zero.nonzero()[0].tolist()[:array.ndim - n_axes])
    else:
        total = array.sum(axis=axes, keepdims=True) if axes else array
        zero = total == 0
        if not np.any(zero):
            return array / total
        index = tuple(int(i) for i in np.argwhere(zero)[0][:array.ndim - n_axes])
    if on_zero == "raise":
        raise error(f"{what} have probability zero at row {index}")
    size = int(np.prod(array.shape[array.ndim - n_axes:]))
    if backend == "torch":
        import torch

        safe = torch.where(zero, torch.ones_like(total), total)
        out = array / safe
        if on_zero == "uniform":
            fill = torch.full_like(array, 1.0 / size)
        elif on_zero == "nan":
            fill = torch.full_like(array, float("nan"))
        else:
            fill = torch.as_tensor(_need(fallback), dtype=array.dtype,
                                   device=array.device).expand_as(array)
        return torch.where(zero, fill, out)
    if backend == "exact":
        from fractions import Fraction

        safe = np.where(zero, 1, total)
        out = array / safe
        if on_zero == "uniform":
            fill = np.full(array.shape, Fraction(1, size), dtype=object)
        elif on_zero == "nan":
            fill = np.full(array.shape, float("nan"), dtype=object)
        else:
            fill = np.broadcast_to(np.asarray(_need(fallback), dtype=object), array.shape)
        return np.where(zero, fill, out)
    safe = np.where(zero, 1.0, total)
    out = array / safe
    if on_zero == "uniform":
        fill = np.full(array.shape, 1.0 / size)
    elif on_zero == "nan":
        fill = np.full(array.shape, np.nan)
    else:
        fill = np.broadcast_to(np.asarray(_need(fallback), dtype=float), array.shape)
    return np.where(zero, fill, out)


def _need(fallback):
    if fallback is None:
        raise ValueError('on_zero="prior" needs a fallback distribution')
    return fallback
