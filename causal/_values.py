"""Private helpers: outcome values (indices or names, possibly batched) to index arrays and
to point masses or indicators in a model's backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from causal.errors import LatentVariable
from markov.arrays import ops as A


def indices(variable: str, outcomes: Sequence[str], value: Any, role: str) -> np.ndarray:
    """The outcome indices that ``value`` names, by the rule of :mod:`causal.values`."""
    from causal.values import resolve

    return resolve(variable, outcomes, value, role)


def one_hot(idx: np.ndarray, n: int, backend: str) -> np.ndarray:
    """Point masses ``[*idx.shape, n]``: exact (Fractions) for the exact backend, float64
    otherwise (interpretation moves them to torch when the model is in torch)."""
    return A.point_masses(idx, n, backend)


def observed_variables(model: Any, variables: str | Sequence[str] | None) -> list[str]:
    """The variables of an observational query (all observed ones by default), checked known
    and not latent: a latent variable has no observational distribution."""
    names = list(model.observed) if variables is None else model._names(variables, "variable")
    for v in names:
        if v in model._latent:
            raise LatentVariable(f"variable {v!r} is latent: it has no observational "
                                 "distribution; use query() for the full model")
    return names
