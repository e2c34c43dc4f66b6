"""Real models in and out: BIF files, pgmpy networks, networkx DAGs, pandas data frames.

pgmpy and pandas are optional (the ``io`` extra) and imported only by the functions that
need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from causal.bif import from_bif  # noqa: F401  (defined with the reader, which it only wraps)
from causal.errors import (
    CausalError,
    InvalidArgument,
    InvalidCPT,
    InvalidValue,
    UnknownVariable,
)
from causal.model import CausalModel
from diagrams import Ty
from diagrams._lazy import lazy_module
from markov import Kernel
from markov.arrays import tensor as T

nx = lazy_module("networkx")


def to_bif(model: CausalModel, path: str | os.PathLike[str]) -> None:
    """Write a model (float, unbatched) as a BIF file, gzip-compressed when the name ends in
    ``.gz``; latent variables are written like the others (BIF cannot mark them).

    >>> import os, tempfile
    >>> m = CausalModel({"A": []}, {"A": [0.25, 0.75]}, states={"A": ["a", "b"]})
    >>> path = os.path.join(tempfile.mkdtemp(), "a.bif")
    >>> to_bif(m, path)
    >>> from_bif(path).query("A").array.tolist()
    [0.25, 0.75]
    """
    from causal.bif import BayesNetSpec, write_bif

    spec = BayesNetSpec(model.name or "unknown", model.states, model.parents,
                        _float_cpts(model, "BIF"))
    write_bif(spec, path)


def from_pgmpy(model: Any, latent: Iterable[str] | None = None) -> CausalModel:
    """Convert a pgmpy ``DiscreteBayesianNetwork`` (its CPDs, state names and latents; more
    latents may be given).

    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> bn = DiscreteBayesianNetwork([("Smoker", "Cancer")])
    >>> bn.add_cpds(TabularCPD("Smoker", 2, [[0.3], [0.7]], state_names={"Smoker": ["yes", "no"]}),
    ...             TabularCPD("Cancer", 2, [[0.1, 0.01], [0.9, 0.99]], evidence=["Smoker"],
    ...                        evidence_card=[2]))
    >>> m = from_pgmpy(bn)
    >>> m.parents["Cancer"], m.states["Smoker"], m.cpts["Cancer"].tolist()
    (('Smoker',), ('yes', 'no'), [[0.1, 0.9], [0.01, 0.99]])
    """
    cpts, parents, states = {}, {}, {}
    by_variable = {cpd.variable: cpd for cpd in model.get_cpds()}
    for node in model.nodes():
        if node not in by_variable:
            raise CausalError(f"the pgmpy model has no CPD for variable {str(node)!r}")
        names = (by_variable[node].state_names or {}).get(node)
        states[str(node)] = [str(s) for s in names] if names else None
    for node in model.nodes():
        cpd = by_variable[node]
        v = str(node)
        values = np.asarray(cpd.values, dtype=np.float64)  # axes [variable, *evidence]
        parents[v] = tuple(str(p) for p in cpd.variables[1:])
        for axis, p in enumerate(cpd.variables[1:], start=1):
            values = _states_by_name(values, axis, (cpd.state_names or {}).get(p),
                                     states.get(str(p)), (v, str(p)))
        cpts[v] = np.moveaxis(values, 0, -1)
    states = {v: s for v, s in states.items() if s is not None}
    latents = set(map(str, getattr(model, "latents", set()) or set()))
    latents |= set(latent or ())
    return CausalModel(parents, cpts, states=states, latent=latents,
                       name=str(getattr(model, "name", "") or ""))


def _states_by_name(values: np.ndarray, axis: int, seen: Sequence | None,
                    own: Sequence[str] | None, where: tuple[str, str]) -> np.ndarray:
    """A child's CPD with the axis of one parent reordered to the parent's own state order,
    matching states by name; a CPD that names other states is refused. A CPD that names no
    states (pgmpy's defaults 0, 1, ...) is read by position."""
    if seen is None or own is None or list(seen) == list(range(len(seen))):
        return values  # pgmpy's default names (0, 1, ...): the CPD names no states
    seen = [str(s) for s in seen]
    if seen == list(own):
        return values
    child, parent = where
    if sorted(seen) != sorted(own) or len(set(seen)) != len(seen):
        raise InvalidCPT(f"variable {child!r}: its CPD names the states of parent {parent!r} "
                         f"{seen}, but {parent!r}'s own CPD has {list(own)}")
    order = [seen.index(s) for s in own]
    return np.take(values, order, axis=axis)


def to_pgmpy(model: CausalModel) -> Any:
    """Convert to a pgmpy ``DiscreteBayesianNetwork`` with ``TabularCPD`` s, state names and
    latents (float64; exact and torch CPTs are converted, batched ones refused).

    >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]})
    >>> bn = to_pgmpy(m)
    >>> bn.get_cpds("B").get_values().tolist()
    [[0.9, 0.2], [0.1, 0.8]]
    """
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    arrays = _float_cpts(model, "pgmpy")
    parents, states = model.parents, model.states
    bn = DiscreteBayesianNetwork()
    bn.add_nodes_from(model.variables)
    bn.add_edges_from((p, v) for v in model.variables for p in parents[v])
    bn.latents = set(model.latent)
    cpds = []
    for v in model.variables:
        n = len(states[v])
        values = np.moveaxis(arrays[v], -1, 0).reshape(n, -1)
        cpds.append(TabularCPD(v, n, values, evidence=list(parents[v]) or None,
                               evidence_card=[len(states[p]) for p in parents[v]] or None,
                               state_names={u: list(states[u]) for u in (v, *parents[v])}))
    bn.add_cpds(*cpds)
    return bn


def from_networkx(graph: nx.DiGraph, cpts: Mapping[str, Any] | None = None, *,
                  states: Mapping[str, Sequence] | None = None,
                  latent: Iterable[str] | None = None) -> CausalModel:
    """Build a model on a networkx DAG. CPTs come from ``cpts`` or the node attribute
    ``cpt``; an array's parent axes follow ``graph.predecessors(v)``, a
    :class:`~markov.Kernel`'s follow its domain. Outcome names come from ``states`` or the
    node attribute ``states``; latents from ``latent`` or the node attribute ``latent``.

    >>> g = nx.DiGraph([("A", "B")])
    >>> m = from_networkx(g, {"A": [0.5, 0.5], "B": [[1.0, 0.0], [0.0, 1.0]]})
    >>> m.parents["B"], m.query("B").array.tolist()
    (('A',), [0.5, 0.5])
    """
    if not isinstance(graph, nx.DiGraph):
        raise InvalidArgument(f"from_networkx takes a networkx DiGraph, not "
                              f"{type(graph).__name__}")
    cpts = {str(v): t for v, t in (cpts or {}).items()}
    states = {str(v): s for v, s in (states or {}).items()}
    latents = set(map(str, latent)) if latent is not None else set()
    parents = {}
    for node, data in graph.nodes(data=True):
        v = str(node)
        if v not in cpts and "cpt" in data:
            cpts[v] = data["cpt"]
        if v not in states and "states" in data:
            states[v] = data["states"]
        if latent is None and data.get("latent"):
            latents.add(v)
        preds = tuple(str(p) for p in graph.predecessors(node))
        table = cpts.get(v)
        if isinstance(table, Kernel) and set(table.dom.names) == set(preds):
            preds = table.dom.names
        parents[v] = preds
    for v in cpts:
        if v not in parents:
            raise UnknownVariable(f"cpts name {v!r}, which is not a node of the graph")
    return CausalModel(parents, cpts, states=states, latent=latents)


def empirical(data: Any, variables: str | Sequence[str], *,
              states: Mapping[str, Sequence] | None = None, exact: bool = False) -> Kernel:
    """The empirical joint state of ``variables`` in a pandas data frame (counts over the
    number of rows), with labels. Outcomes are matched by name (values are compared as
    strings); without ``states`` they are the sorted values found (pandas categories in
    their order). ``exact=True`` gives Fractions.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"X": ["a", "b", "b", "b"], "Y": [0, 1, 1, 0]})
    >>> P = empirical(df, ["X", "Y"], exact=True)
    >>> P.labels, P.array.tolist()
    ({'X': ('a', 'b'), 'Y': ('0', '1')}, [[Fraction(1, 4), Fraction(0, 1)], [Fraction(1, 4), Fraction(1, 2)]])
    """
    variables = (variables,) if isinstance(variables, str) else tuple(variables)
    if len(data) == 0:
        raise CausalError("the data frame has no rows: there is no empirical distribution")
    codes, names = [], {}
    for v in variables:
        idx, names[v] = _codes(data, v, (states or {}).get(v))
        codes.append(idx)
    counts = _count(codes, [len(names[v]) for v in variables])
    if exact:
        array = T.rationals(counts, len(data))
    else:
        array = counts / len(data)
    return Kernel(array, cod=Ty(*variables), labels=names, name="empirical")


def fit(model: CausalModel, data: Any, pseudocount: float = 0.0) -> CausalModel:
    """The model with each CPT estimated from the counts in a pandas data frame, plus
    ``pseudocount`` per cell (a Dirichlet prior); a parent configuration never seen (with no
    pseudocount) gets the uniform distribution. Every observed variable needs a column;
    mechanisms of latent or intervened variables, and of variables with a latent parent,
    are kept as they are. Exact models are fitted exactly.

    >>> import pandas as pd
    >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.5, 0.5]] * 2})
    >>> df = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 0, 0, 1]})
    >>> fit(m, df).cpts["B"].tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    >>> fit(m, df, pseudocount=1).cpts["B"].tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    from markov.inference.normalize import normalize  # not needed to read a file

    if len(data) == 0:
        raise CausalError("the data frame has no rows: there is nothing to fit")
    states, parents = model.states, model.parents
    codes = {}
    for v in model.observed:
        codes[v] = _codes(data, v, states[v])[0]
    kernels = dict(model.mechanisms)
    exact = T.exact_backend(model.backend)
    for v in model.observed:
        family = (*parents[v], v)
        if v in model.intervened or any(p in model.latent for p in family):
            continue
        counts = _count([codes[u] for u in family], [len(states[u]) for u in family])
        if exact:
            table = T.rationals(counts, offset=pseudocount)
        else:
            table = counts + float(pseudocount)
        table = normalize(table, 1, on_zero="uniform")
        old = kernels[v]
        table = T.like(table, old.array)
        kernels[v] = Kernel(table, dom=old.dom, cod=old.cod, name=old.name, labels=old.labels)
    return model._with(kernels, parents, model.intervened)


# ---- helpers -----------------------------------------------------------------------------

def _float_cpts(model: CausalModel, target: str) -> dict[str, np.ndarray]:
    out = {}
    for v, kernel in model.mechanisms.items():
        if kernel.batch_shape:
            raise CausalError(f"variable {v!r}: a batched CPT (batch shape "
                              f"{kernel.batch_shape}) cannot be written to {target}")
        out[v] = np.asarray(T.to_host(kernel.array), dtype=np.float64)
    return out


def _codes(data: Any, v: str, names: Sequence | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Outcome indices of column ``v`` (matched by name) and the outcome names."""
    from causal.values import resolve  # not needed to read a file

    if v not in data.columns:
        raise UnknownVariable(f"the data frame has no column {v!r}; its columns are "
                              f"{[str(c) for c in data.columns]}")
    column = data[v]
    if column.isna().any():
        raise InvalidValue(f"variable {v!r}: the data has missing values (row "
                           f"{int(np.flatnonzero(column.isna().to_numpy())[0])})")
    if column.dtype.kind == "f" and np.all(np.mod(column.to_numpy(), 1) == 0):
        column = column.astype(np.int64)
    if names is None:
        if hasattr(column, "cat"):
            names = [str(c) for c in column.cat.categories]
        else:
            names = [str(x) for x in sorted(column.unique())]
    names = tuple(str(s) for s in names)
    values = column.to_numpy()
    if values.dtype.kind not in "iufUSO":  # e.g. categoricals of other types: by their text
        values = column.astype(str).to_numpy()
    return resolve(v, names, values, "data"), names


def _count(codes: list[np.ndarray], shape: list[int]) -> np.ndarray:
    if not codes:
        raise CausalError("name at least one variable to count")
    flat = np.ravel_multi_index(codes, shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(np.float64)
