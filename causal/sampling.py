"""Data out: forward (ancestral) sampling of a causal model into a pandas DataFrame.

The variables are drawn in a topological order of the diagram, all ``n`` rows at once: each
variable's CPT is indexed at its parents' drawn values (one gather of ``[n, k]`` rows) and a
state drawn per row by the inverse CDF of one uniform number. numpy models draw with
``numpy.random.default_rng(seed)``, torch models with a ``torch.Generator`` on the CPTs'
device (the same code on a GPU); exact models draw from their float values. Interventions
(``do``) are surgery first, so samples of ``model.do(...)`` are interventional data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from causal.errors import CausalError
from markov.arrays import tensor as T
from markov.arrays.draws import Sampler, concat, sampler


def sample(model: Any, n: int, do: Mapping[str, Any] | None = None, *, seed: int | None = None,
           latent: bool = False, progress: bool = False, max_memory: int | None = None) -> Any:
    """``n`` rows drawn from ``model`` (intervened by ``do``, values by state name) as a
    pandas DataFrame of categorical columns (the states, by name), observed variables in
    the model's order; ``latent=True`` adds the latent ones. ``seed`` makes it reproducible;
    ``progress`` shows a tqdm bar (over the variables, or the chunks) when tqdm is installed.
    ``max_memory`` (bytes) draws the rows in chunks whose gathered CPT rows fit in it (the
    same seed then gives other rows than one chunk would).

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[1.0, 0.0], [0.0, 1.0]]},
    ...                 states={"S": ["no", "yes"], "C": ["no", "yes"]})
    >>> df = sample(m, 4, do={"S": "yes"}, seed=0)
    >>> df["C"].tolist()
    ['yes', 'yes', 'yes', 'yes']
    """
    pd = need_pandas("sample")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise CausalError(f"sample takes a number of rows n >= 0, got {n!r}")
    if do:
        model = model.do(do)
    kernels = model.mechanisms
    for v, kernel in kernels.items():
        if kernel.batch_shape:
            raise CausalError(f"variable {v!r} has a batch of CPTs (batch shape "
                              f"{kernel.batch_shape}); sample one model at a time")
    draws = sampler([k.array for k in kernels.values()], seed)
    widest = max((k.array.shape[-1] for k in kernels.values()), default=1)
    chunk = n if max_memory is None else max(1, int(max_memory) // (16 * widest))
    starts = range(0, n, chunk) if n else [0]
    parts = []
    for start in _progress(list(starts), progress and len(starts) > 1, "sampling"):
        rows = min(chunk, n - start)
        parts.append(_draw_all(model, kernels, rows, draws,
                               progress and len(starts) == 1))
    codes = {v: concat([p[v] for p in parts]) for v in model._order}
    keep = [v for v in model.variables if latent or v not in model.latent]
    states = model.states
    columns = {}
    for v in keep:
        c = codes[v]
        c = T.to_host(c)
        columns[v] = pd.Categorical.from_codes(c.astype(np.int64), categories=list(states[v]))
    return pd.DataFrame(columns)


def _draw_all(model: Any, kernels: Mapping, n: int, draws: Sampler, progress: bool) -> dict:
    """One state per row for every variable, in a topological order."""
    codes: dict[str, Any] = {}
    for v in _progress(list(model._order), progress, "sampling"):
        table = draws.table(kernels[v].array)
        if model.parents[v]:
            rows = table[tuple(codes[p] for p in model.parents[v])]
        else:
            rows = draws.repeat(table, n)
        codes[v] = draws.draw(rows, n)
    return codes


def _progress(items: list, show: bool, what: str) -> Any:
    """``items``, with a tqdm progress bar when asked and tqdm is installed."""
    if not show:
        return items
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return items
    return tqdm(items, desc=what)


def need_pandas(what: str) -> Any:
    """pandas, or a :class:`~causal.errors.CausalError` naming the extra that installs it."""
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas is in the io extra
        raise CausalError(f"{what} needs pandas: pip install 'markov-categories[io]'"
                          ) from exc
    return pandas
