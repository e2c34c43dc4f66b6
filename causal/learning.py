"""Data in: learn a causal model's states and tables from a DataFrame, and score data.

:func:`fit` takes a graph (anything :func:`causal.graphs.parse_graph` reads) and a data frame.
Each observed variable's states are the values found in its column (sorted; a categorical
column's categories in their order) unless ``states`` names them; values are matched by name
(:mod:`causal.values`). Its table is the counts of each parent configuration plus a prior:

- ``prior=a`` (a number): a Dirichlet prior, ``a`` pseudo-counts in every cell (``0``, the
  default, is maximum likelihood; a configuration never seen then gets the uniform row);
- ``prior="bdeu"``: the BDeu prior, ``equivalent_sample_size / (q r)`` in every cell, ``q``
  the number of parent configurations and ``r`` of states.

Variables of the graph with no column are **latent**, and the model says so
(:attr:`~causal.CausalModel.latent`). Counting cannot learn a latent variable's table nor those
of its children (that needs EM, which this module does not do): give them in ``cpts`` (with
the latent's ``states`` when they are not ``"0"``, ``"1"``, ...); otherwise
:class:`~causal.errors.LatentVariable` lists the tables that are missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causal.errors import CausalError, LatentVariable, UnknownVariable
from causal.graphs import parse_graph
from causal.sampling import _progress, need_pandas


def fit(graph: Any, data: Any, states: Mapping[str, Sequence] | None = None,
        prior: float | str = 0.0, *, equivalent_sample_size: float = 1.0,
        cpts: Mapping[str, Any] | None = None, latent: Sequence[str] = (),
        pseudocount: float | None = None, progress: bool = False,
        max_memory: int | None = None) -> Any:
    """A :class:`~causal.CausalModel` on ``graph`` with states and tables learned from the
    data frame ``data``; see the module docstring. ``progress=True`` shows a bar over the
    variables; ``max_memory`` (bytes) refuses a count table larger than it (a variable with
    many parents). Given a ``CausalModel`` instead of a
    graph, its tables are re-estimated on its own states (:func:`causal.io.fit`;
    ``pseudocount`` is its Dirichlet prior).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"Rain": ["yes", "no", "no", "no"], "Wet": ["yes", "no", "no", "yes"]})
    >>> m = fit("digraph { Rain -> Wet }", df)
    >>> m.states["Rain"], m.cpts["Wet"].tolist()
    (('no', 'yes'), [[0.6666666666666666, 0.3333333333333333], [0.0, 1.0]])
    >>> fit([("Rain", "Wet")], df, prior="bdeu", equivalent_sample_size=4).cpts["Rain"].tolist()
    [0.625, 0.375]
    """
    from causal.io import _codes, _count
    from causal.io import fit as refit
    from causal.model import CausalModel

    if isinstance(graph, CausalModel):
        if isinstance(states, (int, float)):  # the old signature fit(model, data, pseudocount)
            pseudocount = states
        return refit(graph, data, pseudocount=prior if pseudocount is None else pseudocount)
    need_pandas("fit")
    if len(data) == 0:
        raise CausalError("the data frame has no rows: there is nothing to fit")
    parents, marked = parse_graph(graph)
    columns = {str(c) for c in data.columns}
    hidden = {v for v in parents if v not in columns} | set(marked) | set(latent)
    for v in set(states or {}) | set(cpts or {}) | set(latent):
        if v not in parents:
            raise UnknownVariable(f"{v!r} is not a variable of the graph; its variables are "
                                  f"{list(parents)}")
    cpts = dict(cpts or {})
    missing = [v for v in parents if v not in cpts and
               (v in hidden or any(p in hidden for p in parents[v]))]
    if missing:
        raise LatentVariable(
            f"the variables {sorted(hidden)} have no data (latent): counting cannot learn the "
            f"tables of {missing} (a latent variable's, or a child's of one); pass them in "
            "cpts=, or give the data a column for each")
    names, codes = {}, {}
    for v in parents:
        if v not in hidden:
            codes[v], names[v] = _codes(data, v, (states or {}).get(v))
        elif states and v in states:
            names[v] = tuple(map(str, states[v]))
    for v in _progress([v for v in parents if v not in cpts], progress, "fitting"):
        family = (*parents[v], v)
        cells = int(np.prod([len(names[u]) for u in family]))
        if max_memory is not None and 8 * cells > max_memory:
            raise CausalError(f"variable {v!r}: its table has {cells} cells "
                              f"({8 * cells} bytes), over max_memory={max_memory}")
        counts = _count([codes[u] for u in family], [len(names[u]) for u in family])
        cpts[v] = _estimate(v, counts, prior, equivalent_sample_size)
    return CausalModel(parents, cpts, states=names, latent=hidden)


def _estimate(v: str, counts: np.ndarray, prior: float | str, ess: float) -> np.ndarray:
    from markov.inference.normalize import normalize

    if isinstance(prior, str):
        if prior.lower() != "bdeu":
            raise CausalError(f"prior is a number (Dirichlet pseudo-counts) or 'bdeu', got "
                              f"{prior!r}")
        if not ess > 0:
            raise CausalError(f"the BDeu equivalent sample size must be positive, got {ess!r}")
        alpha = float(ess) / counts.size
    else:
        alpha = float(prior)
        if not alpha >= 0:
            raise CausalError(f"variable {v!r}: Dirichlet pseudo-counts must be >= 0, got "
                              f"{prior!r}")
    return normalize(counts + alpha, 1, on_zero="uniform")


def log_likelihood(model: Any, data: Any, per_row: bool = False) -> Any:
    """The log-probability of the rows of ``data`` under ``model`` (natural log, summed, or
    one per row with ``per_row=True``). Without latent variables each row is one gather per
    CPT, all rows at once; latent variables are summed out once per distinct row.

    >>> import pandas as pd
    >>> from causal import CausalModel
    >>> m = CausalModel({"A": []}, {"A": [0.25, 0.75]}, states={"A": ["lo", "hi"]})
    >>> round(float(log_likelihood(m, pd.DataFrame({"A": ["hi", "hi", "lo"]}))), 4)
    -1.9617
    """
    from causal.io import _codes
    from causal.map import _eliminate, _factors

    if len(data) == 0:
        return np.zeros(0) if per_row else 0.0
    states = model.states
    codes = {v: _codes(data, v, states[v])[0] for v in model.observed}
    if model.latent:
        rows = np.stack([codes[v] for v in model.observed], axis=1)
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        sizes = {v: len(s) for v, s in states.items()}
        logs = np.empty(len(distinct))
        for j, row in enumerate(distinct):
            observed = dict(zip(model.observed, map(int, row)))
            factors = _factors(model, set(model.observed), observed, exact=False)
            names = list(dict.fromkeys(u for scope, _ in factors for u in scope))
            logs[j] = _eliminate(factors, names, [], sizes, exact=False,
                                 limit=float("inf"))[0]
        out = logs[np.ravel(inverse)]
    else:
        out = np.zeros(len(data))
        for v in model.variables:
            table = model.cpts[v]
            if hasattr(table, "detach"):
                table = table.detach().cpu().numpy()
            table = np.asarray(table, dtype=np.float64)
            if table.ndim != len(model.parents[v]) + 1:
                raise CausalError(f"variable {v!r} has a batch of CPTs; score one model at "
                                  "a time")
            with np.errstate(divide="ignore"):
                out += np.log(table[tuple(codes[u] for u in (*model.parents[v], v))])
    return out if per_row else float(out.sum())
