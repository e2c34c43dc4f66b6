"""Private: the backend a contraction runs in, decided from the arrays bound to its boxes
(torch if any is a tensor, else exact if any holds objects, else numpy), and the arrays
brought into it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays import backend as B


def choose(arrays: Sequence[Any], like: Any = None) -> tuple[str, Any, int, bool]:
    """``(backend, template, itemsize, exact)`` for ``arrays`` (and ``like``, an array
    whose backend the answer must have): the template is the tensor that fixes torch's dtype
    and device (None off torch); ``exact`` says whether some array holds objects.

    >>> choose([np.ones(2), np.array([1], dtype=object)])
    ('exact', None, 8, True)
    """
    exact = torch = False
    for array in arrays:
        if type(array) is np.ndarray:
            if array.dtype.hasobject:
                exact = True
        else:
            torch = True
    if like is not None:
        torch = torch or B.is_torch(like)
        exact = exact or (isinstance(like, np.ndarray) and like.dtype == object)
    if torch:
        template = next((a for a in arrays if B.is_torch(a)), None)
        template = like if template is None else template
        return "torch", template, template.element_size(), exact
    return ("exact" if exact else "numpy"), None, 8, exact


def bring(arrays: list, backend: str, template: Any) -> list:
    """``arrays`` in ``backend`` (tensors in the template's dtype and device).

    >>> bring([np.ones(1)], "exact", None)[0].dtype
    dtype('O')
    """
    if backend == "torch":
        return [a if B.is_torch(a) and a.dtype == template.dtype
                and a.device == template.device else B.convert(a, backend, template)
                for a in arrays]
    if backend == "exact":
        return [B.convert(a, backend) for a in arrays]
    return arrays


def is_plain(array: Any, what: str) -> bool:
    """Whether ``array`` (or None) is absent or a float numpy array, rather than a tensor
    or exact numbers.

    >>> is_plain([0.5, 0.5], "box p"), is_plain(None, "box p")
    (True, True)
    """
    if B.is_torch(array):
        return False
    return array is None or B.backend_of(B.as_array(array, what)) != "exact"


def check_all(tables: Sequence[tuple[Any, int, str]]) -> None:
    """Check that each ``(array, n_cod, name)`` is stochastic over its last ``n_cod`` axes;
    the tensors' checks are gathered so that the device is synchronised once.

    >>> check_all([(np.array([0.5, 0.5]), 1, "p")])
    """
    flags, rows = [], []
    for array, n_cod, name in tables:
        if B.is_torch(array):
            flags.append((B.stochastic_flag(array, n_cod), array, n_cod, name))
        elif n_cod == 1 and type(array) is np.ndarray and array.dtype == np.float64 \
                and array.size and array.flags.c_contiguous:
            rows.append((array, name))
        else:
            B.check_stochastic(array, n_cod, name)
    if rows and not _all_rows_stochastic([a for a, _ in rows]):
        for array, name in rows:  # name the first table at fault
            B.check_stochastic(array, 1, name)
    if flags:
        import torch

        if bool(torch.stack([f[0] for f in flags]).any()):  # one synchronisation
            for _, array, n_cod, name in flags:
                B.check_stochastic(array, n_cod, name)


def _all_rows_stochastic(arrays: list[np.ndarray]) -> bool:
    """Whether every row (last axis) of these float arrays is non-negative and sums to 1
    within ``ATOL``: the test of :func:`~markov.arrays.backend.check_stochastic`, with the
    same row sums (rows of one length stacked into one C-ordered array and summed along its
    last axis), in a few reductions for the lot rather than a few per array (a network's
    hundreds of small tables)."""
    by_length: dict[int, list[np.ndarray]] = {}
    for a in arrays:
        by_length.setdefault(a.shape[-1], []).append(a.reshape(-1))
    for length, flats in by_length.items():
        every = np.concatenate(flats) if len(flats) > 1 else flats[0]
        sums = every.reshape(-1, length).sum(axis=-1)
        if not (every.min() >= 0 and sums.min() >= 1 - B.ATOL and sums.max() <= 1 + B.ATOL):
            return False  # NaN fails the comparisons too
    return True


def all_plain(arrays: Sequence[Any]) -> bool:
    """Whether every array is a float (not object) numpy array.

    >>> all_plain([np.ones(2)]), all_plain([np.ones(2, dtype=object)])
    (True, False)
    """
    return all(type(a) is np.ndarray and not a.dtype.hasobject for a in arrays)
