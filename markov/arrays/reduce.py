"""Reductions over trailing axes that stay fast when those axes are short.

numpy reduces a C-ordered ``(B, k)`` array along its short last axis one row at a time: for
B = 1,024 rows of k = 2 outcomes, ``a.max(axis=-1)`` takes about 30 times as long as
``np.maximum(a[:, 0], a[:, 1])``. Batched queries reduce exactly such arrays (a maximum per
evidence row against underflow, a sum per row to normalise), so for few trailing entries
and many rows the columns are combined with the ufunc, one vectorised call each.
"""

from __future__ import annotations

import math

import numpy as np

#: At most this many trailing entries are combined column by column.
COLUMNS = 16
#: ... and only with at least this many rows (fewer: numpy's reduction is as fast).
ROWS = 64


def reduce_trailing(ufunc: np.ufunc, array: np.ndarray, n: int, *,
                    keepdims: bool = False) -> np.ndarray:
    """``ufunc.reduce`` of a numpy ``array`` over its last ``n`` axes (``np.add``,
    ``np.maximum``, ``np.minimum``), with those axes kept as size 1 when asked.

    >>> a = np.arange(6.0).reshape(3, 2)
    >>> reduce_trailing(np.maximum, a, 1).tolist(), reduce_trailing(np.add, a, 2).tolist()
    ([1.0, 3.0, 5.0], 15.0)
    """
    lead = array.shape[:array.ndim - n]
    k, rows = math.prod(array.shape[array.ndim - n:]), math.prod(lead)
    if 1 < k <= COLUMNS and rows >= ROWS and array.dtype != object:
        flat = array.reshape(rows, k)
        out = ufunc(flat[:, 0], flat[:, 1])
        for j in range(2, k):
            ufunc(out, flat[:, j], out=out)
        out = out.reshape(lead)
    else:
        # object arrays reduced to one entry give a bare object: keep an array
        out = np.asarray(ufunc.reduce(array.reshape(*lead, k), axis=-1)) if n else array
    return out.reshape(lead + (1,) * n) if keepdims else out
