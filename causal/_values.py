"""Private helpers: outcome values (indices or names, possibly batched) to index arrays and
to point masses or indicators in a model's backend."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from causal.errors import InvalidArgument, InvalidValue, LatentVariable

#: How many categoricals' lookups a memo of :func:`categorical_codes` keeps.
MEMO = 8


def indices(variable: str, outcomes: Sequence[str], value: Any, role: str) -> np.ndarray:
    """The outcome indices that ``value`` names, by the rule of :mod:`causal.values`."""
    from causal.values import resolve

    return resolve(variable, outcomes, value, role)


def categorical_codes(value: Any, index_of: Callable[[Any], int | None],
                      memo: dict | None = None) -> np.ndarray | None:
    """The state indices of a pandas categorical ``value`` (a ``Categorical``, or a Series or
    Index of that dtype) read through its codes, so that each category is looked up once
    (``index_of``: a category's state index, or None), not each row; -1 marks a row that is
    missing or names no state. None when ``value`` is no categorical. ``memo`` keeps the
    lookups of categories seen before (reading a pandas Index costs more than the rest).

    >>> import pandas as pd
    >>> rows = pd.Categorical(["yes", "no", "yes", None])
    >>> categorical_codes(rows, {"no": 0, "yes": 1}.get).tolist()
    [1, 0, 1, -1]
    """
    parts = _categorical(value)
    if parts is None:
        return None
    codes, categories = parts
    table = _kept({} if memo is None else memo, categories,
                  lambda c: category_states(c, index_of))
    return table.take(codes)  # take(): indexing by int8 codes costs twice as much


def categorical_rows(value: Any, rows_for: Callable[[Any], np.ndarray | None],
                     memo: dict) -> np.ndarray | None:
    """``rows_for(categories)`` (an array with a row per category of the pandas categorical
    ``value``, or None), made once per categories object (kept in ``memo``), taken at the
    codes: one gather a call. None where ``value`` is no one-dimensional categorical with
    rows, ``rows_for`` gives None, or a row is missing (pandas' code -1).

    >>> import pandas as pd
    >>> upper = lambda categories: np.array([[c.upper()] for c in categories])
    >>> categorical_rows(pd.Categorical(["yes", "no", "yes"]), upper, {}).tolist()
    [['YES'], ['NO'], ['YES']]
    """
    parts = _categorical(value)
    if parts is None or parts[0].ndim != 1 or not parts[0].size:
        return None
    codes, categories = parts
    rows = _kept(memo, categories, rows_for)
    if rows is None or codes[codes.argmin()] < 0:  # argmin: less a call than min()
        return None
    return rows.take(codes, axis=0)


def _categorical(value: Any) -> tuple[np.ndarray, Any] | None:
    """The codes and the categories of a pandas categorical (or of a Series or an Index of
    that dtype), or None for anything else."""
    array = getattr(value, "array", value)  # a Series' or an Index's Categorical
    codes, categories = getattr(array, "codes", None), getattr(array, "categories", None)
    return None if codes is None or categories is None else (codes, categories)


def _kept(memo: dict, categories: Any, make: Callable[[Any], Any]) -> Any:
    """``make(categories)``, kept in ``memo`` (at most :data:`MEMO` entries) for this very
    categories object: the memo holds it, so its id names it while kept (pandas' Index is
    immutable)."""
    kept = memo.get(id(categories))
    if kept is None or kept[0] is not categories:
        if len(memo) >= MEMO:
            memo.clear()
        kept = memo[id(categories)] = (categories, make(categories))
    return kept[1]


def category_states(categories: Any, index_of: Callable[[Any], int | None]) -> np.ndarray:
    """Each category's state index (``index_of``: a category's state index, or None), -1
    where it names none, and a final -1, which the code of a missing row, -1, finds.

    >>> category_states(["yes", "maybe", True, "no"], {"no": 0, "yes": 1}.get).tolist()
    [1, -1, -1, 0, -1]
    """
    # booleans never name states (True == 1 would find the state "1")
    found = [-1 if isinstance(c, (bool, np.bool_)) else index_of(c) for c in categories]
    return np.array([-1 if i is None else i for i in found] + [-1], dtype=np.intp)


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
    from markov.arrays import ops as A  # on first use: a cold start needs none of it

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


def dask_rows(*values: Any) -> bool:
    """Whether any of ``values`` is dask data or a mapping holding some
    (:func:`causal.distributed.has_dask_rows`); that module loads only once dask has."""
    if "dask" not in sys.modules:
        return False
    from causal.distributed import has_dask_rows

    return any(has_dask_rows(v) for v in values)


_SCALARS = (str, int, np.str_, np.integer)


def state_indices(lookup: tuple, value: Any) -> int | np.ndarray | None:
    """The state index ``value`` names, or the array of indices of a one-dimensional batch
    of names (or of a pandas categorical), or None when it is anything else: the general
    path reads it or says what is wrong. ``lookup``: the states by name, by name or plainly
    written integer, and the memo of categories seen."""
    names, every, memo = lookup
    if isinstance(value, _SCALARS) and not isinstance(value, bool):
        return every.get(value)
    if type(value) not in (list, tuple, np.ndarray):
        codes = categorical_codes(value, every.get, memo)  # a pandas categorical: its codes
        if codes is None or codes.ndim != 1 or not codes.size or codes[codes.argmin()] < 0:
            return None
        return codes
    array = np.asarray(value)
    if array.ndim != 1 or not array.size or array.dtype.kind not in "OUiu":
        return None
    try:  # names first: they are what batches hold, and no boolean passes for one
        return np.fromiter(map(names.__getitem__, array), dtype=np.intp, count=array.size)
    except (KeyError, TypeError):
        if every is names:
            return None
    if array.dtype.kind == "O" and not set(map(type, array)) <= {int, np.int64, str, np.str_}:
        return None  # True == 1: where integers name states, booleans must not pass
    try:
        return np.fromiter(map(every.__getitem__, array), dtype=np.intp, count=array.size)
    except (KeyError, TypeError):
        return None


def state_lookup(states: tuple) -> tuple[dict, dict, dict]:
    """The states by name, and (the same dict where there are none) by name and by the
    integer a name writes plainly (the rule of :mod:`causal.values`); and a memo for
    :func:`~causal._values.categorical_codes`."""
    names = {str(name): i for i, name in enumerate(states)}
    every = dict(names)
    for name, i in names.items():
        if name.lstrip("-").isdigit() and str(int(name)) == name:
            every[int(name)] = i
    return names, (names if len(every) == len(names) else every), {}
