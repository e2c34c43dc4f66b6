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
    flags = []
    for array, n_cod, name in tables:
        if B.is_torch(array):
            flags.append((B.stochastic_flag(array, n_cod), array, n_cod, name))
        else:
            B.check_stochastic(array, n_cod, name)
    if flags:
        import torch

        if bool(torch.stack([f[0] for f in flags]).any()):  # one synchronisation
            for _, array, n_cod, name in flags:
                B.check_stochastic(array, n_cod, name)


def all_plain(arrays: Sequence[Any]) -> bool:
    """Whether every array is a float (not object) numpy array.

    >>> all_plain([np.ones(2)]), all_plain([np.ones(2, dtype=object)])
    (True, False)
    """
    return all(type(a) is np.ndarray and not a.dtype.hasobject for a in arrays)
