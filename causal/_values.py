"""Private helpers: outcome values (indices or names, possibly batched) to index arrays and
to point masses or indicators in a model's backend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from causal.errors import InvalidArgument, InvalidValue, LatentVariable


def indices(variable: str, outcomes: Sequence[str], value: Any, role: str) -> np.ndarray:
    """The outcome indices that ``value`` names: an int (index), a str (outcome name), or an
    array-like of those (a batch, its shape the batch shape)."""
    n = len(outcomes)
    array = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
    if array.dtype.kind in "iu":
        idx = array.astype(np.intp)
    elif array.dtype.kind in "USO":
        idx = np.empty(array.shape, dtype=np.intp)
        lookup = {name: i for i, name in enumerate(outcomes)}
        for pos, x in np.ndenumerate(array):
            if isinstance(x, (str, np.str_)):
                if str(x) not in lookup:
                    raise InvalidValue(f"variable {variable!r} has no outcome {str(x)!r}; its "
                                       f"outcomes are {tuple(outcomes)}")
                idx[pos] = lookup[str(x)]
            elif isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
                idx[pos] = int(x)
            else:
                _bad_type(variable, x, role)
    else:
        _bad_type(variable, value, role)
    out = (idx < 0) | (idx >= n)
    if np.any(out):
        bad = idx[tuple(np.argwhere(out)[0])] if idx.ndim else int(idx)
        raise InvalidValue(f"variable {variable!r}: {role} value {int(bad)} is out of range; "
                           f"its {n} outcomes are {tuple(outcomes)}")
    return idx


def _bad_type(variable: str, value: Any, role: str) -> None:
    hint = (f"; for a soft intervention pass Kernel.state(probs, cod={variable!r})"
            if role == "do" else "")
    raise InvalidArgument(f"variable {variable!r}: {role} values are outcome indices (int) or "
                          f"names (str), got {value!r}{hint}")


def require_mapping(value: Any, what: str, shape: str = "{variable: value}") -> dict:
    """``value`` as a dict when it is a mapping (None is empty), else a typed error naming
    the argument: a list of names where values were meant is a common slip."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{what} must be a mapping {shape}, not a "
                              f"{type(value).__name__}: {value!r}"[:300])
    return dict(value)


def check_batches(do: Mapping[str, Any], observed: Mapping[str, np.ndarray]) -> None:
    """Refuse batches of ``do`` and evidence values whose shapes do not broadcast together,
    naming the variables whose shapes disagree."""
    shapes = [(v, tuple(a.shape[:-1])) for v, a in do.items()]
    shapes += [(v, tuple(i.shape)) for v, i in observed.items()]
    full: tuple = ()
    for v, shape in shapes:
        try:
            full = np.broadcast_shapes(full, shape)
        except ValueError:
            others = ", ".join(f"{u} {s}" for u, s in shapes if s and u != v)
            raise InvalidValue(f"variable {v!r}: its batch of values has shape {shape}, which "
                               f"does not broadcast with the other batches ({others})") from None


def one_hot(idx: np.ndarray, n: int, backend: str) -> np.ndarray:
    """Point masses ``[*idx.shape, n]``: exact (Fractions) for the exact backend, float64
    otherwise (interpretation moves them to torch when the model is in torch)."""
    if backend == "exact":
        eye = np.array([[Fraction(int(i == j)) for j in range(n)] for i in range(n)],
                       dtype=object).reshape(n, n)
    else:
        eye = np.eye(n)
    return eye[idx]


def observed_variables(model: Any, variables: str | Sequence[str] | None) -> list[str]:
    """The variables of an observational query (all observed ones by default), checked known
    and not latent: a latent variable has no observational distribution."""
    names = list(model.observed) if variables is None else model._names(variables, "variable")
    for v in names:
        if v in model._latent:
            raise LatentVariable(f"variable {v!r} is latent: it has no observational "
                                 "distribution; use query() for the full model")
    return names
