"""One rule for values: a variable's state names are its values, everywhere.

``query``, ``do``, ``evidence``, ``fit``, ``empirical`` and ``sample`` all read a value as the
name of a state. Variables whose states were given no names are named by their indices
(``"0"``, ``"1"``, ...), so for them, and only for them, an integer is an index. A value that
is neither (``1`` for states ``("no", "yes")``, ``0.5``, ``True``) raises
:class:`~causal.errors.InvalidValue` listing the states. Integers read from a CSV file thus
mean the states of those names: states ``("1", "2")`` and the value ``1`` give the first state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from causal._values import categorical_codes
from causal.errors import InvalidValue


def resolve(variable: str, states: Sequence[str], value: Any, role: str = "value"
            ) -> np.ndarray:
    """The state indices that ``value`` names: a state name, an int for a variable whose
    states are unnamed (``"0"``, ``"1"``, ...), or an array-like of those (a batch; its
    shape is the batch shape).

    >>> resolve("S", ("no", "yes"), ["yes", "no"], "evidence").tolist()
    [1, 0]
    >>> resolve("N", ("1", "2"), 1).item()       # an int read as the name "1"
    0
    >>> resolve("S", ("no", "yes"), 1, "do")
    Traceback (most recent call last):
    ...
    causal.errors.InvalidValue: variable 'S' has no outcome 1 (do value); its outcomes are ('no', 'yes'). Values are state names: an integer is an index only for a variable whose states have no names
    """
    if type(value) in (str, int) and str(value) in states:  # one value: the common case
        return np.asarray(list(states).index(str(value)), dtype=np.intp)
    states = tuple(str(s) for s in states)
    lookup = {name: i for i, name in enumerate(states)}
    codes = categorical_codes(value, lambda x: lookup.get(_key(x)))
    if codes is not None:
        if codes.size and codes.min() < 0:  # a missing value, or one that names no state
            row = int(np.argmin(codes))
            if getattr(value, "array", value).codes[row] < 0:  # pandas' code of a missing row
                raise InvalidValue(f"variable {variable!r}: its {role} value in row {row} is "
                                   f"missing; its outcomes are {states}")
            _bad(variable, states, np.asarray(value, dtype=object)[row], role)
        return codes
    array = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array) & (np.mod(array, 1) == 0)):
            _bad(variable, states, _first(array, lambda x: not float(x).is_integer()), role)
        array = array.astype(np.int64)
    if array.dtype.kind == "b" or array.dtype.kind not in "iuUSO":
        _bad(variable, states, array.flat[0] if array.size else value, role)
    if array.dtype.kind in "OU":  # names (a pandas column): one lookup each
        try:
            codes = np.fromiter(map(lookup.get, array.flat), dtype=np.intp, count=array.size)
            return codes.reshape(array.shape)
        except TypeError:  # a value that names no state (None): the careful way says which
            pass
    uniques, inverse = _unique(array)
    codes = np.empty(len(uniques), dtype=np.intp)
    for j, x in enumerate(uniques):
        key = _key(x)
        if key is None or key not in lookup:
            _bad(variable, states, x, role)
        codes[j] = lookup[key]
    return codes[inverse].reshape(array.shape)


def _key(x: Any) -> str | None:
    """The state name a single value means (None when it can mean none)."""
    if isinstance(x, (bool, np.bool_)):
        return None
    if isinstance(x, (str, np.str_)):
        return str(x)
    if isinstance(x, bytes):
        return x.decode()
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    return None


def _unique(array: np.ndarray) -> tuple[list, np.ndarray]:
    if array.dtype.kind == "O":  # mixed types cannot be sorted: a dict keeps first order
        seen: dict = {}
        inverse = np.array([seen.setdefault((type(x), x), len(seen)) for x in array.flat],
                           dtype=np.intp)
        return [x for _, x in seen], inverse
    uniques, inverse = np.unique(array.ravel(), return_inverse=True)
    return list(uniques), inverse


def _first(array: np.ndarray, bad) -> Any:
    return next(x for x in array.flat if bad(x))


def _bad(variable: str, states: tuple, x: Any, role: str) -> None:
    if isinstance(x, np.generic):
        x = x.item()
    hint = (f"; for a soft intervention pass Kernel.state(probs, cod={variable!r})"
            if role == "do" and not isinstance(x, (str, int)) else "")
    raise InvalidValue(f"variable {variable!r} has no outcome {x!r} ({role} value); its "
                       f"outcomes are {states}. Values are state names: an integer is an index "
                       f"only for a variable whose states have no names{hint}")
