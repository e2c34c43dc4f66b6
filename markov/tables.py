"""Kernels as tables: pandas objects, HTML for notebooks, and the numbers in ``repr``.

A discrete kernel's rows are its batch entries and domain values, its columns its codomain
values, all by state name (:mod:`markov.labels`). A Gaussian kernel's rows are its codomain
coordinates (``X``, or ``X[0]``, ``X[1]``... for a vector atom) with the mean, the
covariance and the matrix on the domain coordinates as columns. pandas is optional: only
:func:`to_pandas` needs it.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import numpy as np

from markov.labels import state_names

#: Kernels with at most this many numbers show them in ``repr``.
REPR_LIMIT = 64


def _numpy(array: Any) -> np.ndarray:
    if hasattr(array, "detach"):
        return array.detach().cpu().numpy()
    return np.asarray(array)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas is in the io extra
        from markov.errors import MarkovError

        raise MarkovError("to_pandas needs pandas: pip install 'markov-categories[io]'"
                          ) from exc
    return pandas


def _axes(kernel: Any) -> tuple[list[str], list[tuple], list[str], list[tuple]]:
    """Names and values of the row axes (batch, domain) and of the column axes (codomain)."""
    rows = [f"batch_{i}" for i in range(kernel.n_batch)] + list(kernel.dom.names)
    row_values = [tuple(range(n)) for n in kernel.batch_shape] + \
        [state_names(kernel, a) for a in kernel.dom.names]
    cols = list(kernel.cod.names)
    col_values = [state_names(kernel, a) for a in cols]
    return rows, row_values, cols, col_values


def _matrix(kernel: Any) -> np.ndarray:
    _, rv, _, cv = _axes(kernel)
    n_rows = int(np.prod([len(v) for v in rv])) if rv else 1
    n_cols = int(np.prod([len(v) for v in cv])) if cv else 1
    return _numpy(kernel.array).reshape(n_rows, n_cols)


def to_pandas(kernel: Any) -> Any:
    """A state without batch axes as a ``pandas.Series`` indexed by its outcome names;
    anything else as a ``DataFrame`` (rows: batch entries then domain values, columns:
    codomain values). Gaussian kernels: see :func:`gaussian_to_pandas`.

    >>> from markov import Kernel
    >>> f = Kernel([[0.9, 0.1], [0.2, 0.8]], dom="X", cod="Y", labels={"Y": ("u", "v")})
    >>> to_pandas(f)
    Y    u    v
    X
    0  0.9  0.1
    1  0.2  0.8
    """
    if not hasattr(kernel, "labels"):
        return gaussian_to_pandas(kernel)
    pd = _pandas()
    rows, row_values, cols, col_values = _axes(kernel)
    columns = _index(pd, cols, col_values)
    data = _matrix(kernel)
    if not rows:
        return pd.Series(data[0], index=columns, name=kernel.name)
    return pd.DataFrame(data, index=_index(pd, rows, row_values), columns=columns)


def _index(pd: Any, names: list[str], values: list[tuple]) -> Any:
    if len(names) == 1:
        return pd.Index(list(values[0]), name=names[0])
    if not names:
        return pd.Index([""])
    return pd.MultiIndex.from_product(values, names=names)


def _fmt(x: Any) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.4g}"
    return str(x)


def _grid(kernel: Any) -> tuple[list[str], list[str], list[list[str]]]:
    rows, row_values, cols, col_values = _axes(kernel)
    heads = [", ".join(f"{a}={v}" for a, v in zip(cols, combo))
             for combo in itertools.product(*col_values)]
    labels = [", ".join(f"{a}={v}" for a, v in zip(rows, combo))
              for combo in itertools.product(*row_values)]
    cells = [[_fmt(x) for x in row] for row in _matrix(kernel)]
    return labels, heads, cells


def text_table(kernel: Any) -> str:
    """The numbers of a small kernel as aligned text ('' for a large one).

    >>> from markov import Kernel
    >>> print(text_table(Kernel.state([0.25, 0.75], cod="X", labels={"X": ("a", "b")})))
    X=a   X=b
    0.25  0.75
    """
    if int(np.prod(kernel.array.shape)) > REPR_LIMIT:
        return ""
    labels, heads, cells = _grid(kernel)
    if any(labels):
        table = [["", *heads]] + [[label, *row] for label, row in zip(labels, cells)]
    else:
        table = [heads, *cells]
    widths = [max(len(r[j]) for r in table) for j in range(len(table[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in table)


def html_table(kernel: Any) -> str:
    """An HTML table of the kernel (at most 200 rows), for notebooks.

    >>> from markov import Kernel
    >>> "<td>0.25</td>" in html_table(Kernel.state([0.25, 0.75], cod="X"))
    True
    """
    labels, heads, cells = _grid(kernel)
    title = html.escape(repr(kernel).splitlines()[0])
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ["", *heads])
    body = "".join("<tr><th>" + html.escape(label) + "</th>"
                   + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for label, row in itertools.islice(zip(labels, cells), 200))
    more = f"<p>... {len(cells) - 200} more rows</p>" if len(cells) > 200 else ""
    return (f"<table><caption>{title}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}")


# ---- Gaussian kernels ----------------------------------------------------------------------

def _coordinates(ty: Any, dims: tuple[int, ...]) -> list[str]:
    return [a if d == 1 else f"{a}[{i}]" for a, d in zip(ty.names, dims) for i in range(d)]


def _gaussian_frame(kernel: Any) -> tuple[list[str], list[str], np.ndarray]:
    if kernel.batch_shape:
        from markov.errors import ShapeMismatch

        raise ShapeMismatch(f"a batch of Gaussian kernels (batch shape {kernel.batch_shape})"
                            " has no single table; index the batch first")
    rows = _coordinates(kernel.cod, kernel.cod_dims)
    ins = _coordinates(kernel.dom, kernel.dom_dims)
    columns = ["mean"] + [f"cov {r}" for r in rows] + [f"coef {c}" for c in ins]
    data = np.concatenate([_numpy(kernel.mean)[:, None], _numpy(kernel.covariance),
                           _numpy(kernel.matrix)], axis=1)
    return rows, columns, data


def gaussian_to_pandas(kernel: Any) -> Any:
    """A Gaussian kernel as a DataFrame: one row per codomain coordinate, columns ``mean``,
    ``cov <coordinate>`` and ``coef <domain coordinate>``.

    >>> from markov import GaussianKernel
    >>> gaussian_to_pandas(GaussianKernel.state([1.0, 2.0], [[1.0, 0.5], [0.5, 2.0]],
    ...                                         cod=("X", "Y")))
       mean  cov X  cov Y
    X   1.0    1.0    0.5
    Y   2.0    0.5    2.0
    """
    pd = _pandas()
    rows, columns, data = _gaussian_frame(kernel)
    return pd.DataFrame(data, index=rows, columns=columns)


def gaussian_text(kernel: Any) -> str:
    """The mean, covariance and matrix of a small unbatched Gaussian kernel as text.

    >>> from markov import GaussianKernel
    >>> print(gaussian_text(GaussianKernel.state([1.0], [[2.0]], cod="X")))
       mean  cov X
    X  1     2
    """
    if kernel.batch_shape or kernel.mean.shape[-1] > 8:
        return ""
    rows, columns, data = _gaussian_frame(kernel)
    table = [["", *columns]] + [[r, *map(_fmt, line)] for r, line in zip(rows, data)]
    widths = [max(len(r[j]) for r in table) for j in range(len(table[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in table)
