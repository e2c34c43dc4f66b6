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

from markov.arrays import ops as A
from markov.errors import InvalidOption, ZeroMass

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
        raise InvalidOption(f"on_zero must be one of {POLICIES}, got {on_zero!r}")
    total = A.sum_keep(array, n_axes)
    zero = A.is_zero(total)
    index = A.first_index(zero)
    if index is None:
        return array / total
    index = index[:array.ndim - n_axes]
    if on_zero == "raise":
        raise error(f"{what} have probability zero at row {index}")
    out = array / A.where(zero, A.ones_like(total), total)
    if on_zero == "prior":
        fill = A.broadcast_like(_need(fallback), array)
    else:
        fill = A.full_like(array, "nan" if on_zero == "nan" else
                           int(np.prod(array.shape[array.ndim - n_axes:])))
    return A.where(zero, fill, out)


def _need(fallback):
    if fallback is None:
        raise InvalidOption('on_zero="prior" needs a fallback distribution')
    return fallback
