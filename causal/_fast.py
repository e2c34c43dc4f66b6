"""Private: the short way of a repeated query.

A user clicking through evidence asks the same question again and again with other values:
the same targets, the same observed and intervened variables, one state each (or a column
of states, a batch). The general
path of :meth:`causal.CausalModel.query` reads every kind of argument (batches, data frames,
soft evidence, dask data, torch models) on every call; this one is compiled once per pattern
(:class:`Prepared`, kept with the model) and then reads each value by a dictionary lookup,
binds the few boxes that change, runs the query's :class:`~markov.contraction.runner.Runner`
(the model's tables folded once), normalises and wraps the answer.

Whatever it does not cover it hands back (``None``) to the general path, which gives the same
answer or raises the same error: a value that is not a state name or a one-dimensional
batch of them (soft evidence, a data frame, batches of other shapes), a zero-probability
observation, an answer in need of rescaling, a model with batched tables or in torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from causal._query import Compiled, bind, broadcast_batch, query_name, runner_for
from causal._values import one_hot
from causal.errors import CausalError
from diagrams import Ty
from markov.arrays import ops as A
from markov.arrays import tensor as T
from markov.arrays.steps import ops_for
from markov.contraction.cache import PLANS
from markov.kernel import Kernel

_SCALARS = (str, int, np.str_, np.integer)
_NO_TYPE = Ty()  # the answer's domain
#: At most this many runners (one per batch length) are kept per query pattern.
RUNNERS = 8


@dataclass(frozen=True)
class Prepared:
    """One query pattern: its compiled query, each observed variable's value -> index
    lookup, each intervened variable's point masses, and the answer's type, labels, name."""

    compiled: Compiled
    lookups: dict
    masses: dict
    fixed: frozenset
    cod: Ty
    labels: dict
    name: str
    normalise: bool
    #: the runners, by the shapes of the changing arrays
    runners: dict
    #: the answer, once known, where no array changes (the values only select constants)
    answer: list


def fast_query(model: Any, targets: Any, do: Any, evidence: Any) -> Any:
    """The answer of ``model.query(targets, do=do, evidence=evidence)`` (``on_zero`` aside:
    a zero answer goes the general way), or None where this path does not apply. Values are
    state names (or integers for unnamed states), one each or in one-dimensional batches."""
    if type(targets) is str:
        targets = (targets,)
    elif type(targets) in (tuple, list):
        targets = tuple(targets)
    else:
        return None
    evidence = {} if evidence is None else evidence
    do = {} if do is None else do
    if type(evidence) is not dict or type(do) is not dict:
        return None
    key = ("fast", targets, tuple(evidence), tuple(do))
    try:
        prepared = PLANS.about(model, key, lambda: _prepare(model, *key[1:]))
    except TypeError:  # an unhashable name: the general path says what is wrong
        return None
    if prepared is None:
        return None
    observed, hard, do_arrays = {}, {}, {}
    for values, out in ((evidence, observed), (do, hard)):
        for v, value in values.items():
            i = _indices(prepared.lookups[v], value)
            if i is None:
                return None
            out[v] = i
    batch = ()
    for i in (*observed.values(), *hard.values()):
        if i.ndim:
            if batch and i.shape != batch:
                return None  # batches that differ: the general path broadcasts or refuses
            batch = i.shape
    for v, i in hard.items():
        do_arrays[v] = prepared.masses[v][i]  # row i: one point mass, or a batch of them
    # evidence and interventions name different variables (else the general path)
    fixed = {v: i for v, i in (*observed.items(), *hard.items()) if v in prepared.fixed}
    compiled = prepared.compiled
    changing, zero = bind(compiled, model._arrays, do_arrays, observed, fixed=fixed,
                          states=model._states, backend=model._backend, changing=True,
                          scale=False)  # the runner checks its answer for underflow
    if zero is not None and zero.any():
        return None
    if not changing and not batch and prepared.answer:  # the values change nothing
        return _kernel(prepared, prepared.answer[0].copy())
    shapes = tuple(a.shape for a in changing.values())
    runner = prepared.runners.get(shapes)
    if runner is None:
        if len(prepared.runners) >= RUNNERS:  # batch lengths come and go: keep the last few
            del prepared.runners[next(iter(prepared.runners))]
        runner = prepared.runners[shapes] = runner_for(compiled, changing, model._arrays)
    array = None if runner is None else runner(list(changing.values()))
    if array is None:
        return None
    n_batch = array.ndim - len(targets)
    if n_batch != len(batch):
        array = broadcast_batch(array, batch, n_batch)
    if prepared.normalise:
        if not batch and array.dtype.kind == "f":  # one float answer: one sum
            total = array.sum()
            if not total > 0:
                return None
        else:
            total = A.sum_keep(array, len(targets))
            if A.first_index(A.is_zero(total)) is not None:
                return None
        array = array / total
    if not changing and not batch:
        prepared.answer.append(array.copy())
    return _kernel(prepared, array)


def _kernel(prepared: Prepared, array: Any) -> Any:
    return Kernel._trusted(array, _NO_TYPE, prepared.cod, dict(prepared.labels), prepared.name)


def _indices(lookup: dict, value: Any) -> np.ndarray | None:
    """The state indices ``value`` names (one, or a one-dimensional batch), or None when it
    is anything else: the general path reads it or says what is wrong."""
    if isinstance(value, _SCALARS) and not isinstance(value, bool):
        i = lookup.get(value)
        return None if i is None else np.asarray(i)
    if type(value) not in (list, tuple, np.ndarray):
        return None
    array = np.asarray(value)
    if array.ndim != 1 or not array.size or array.dtype.kind not in "OUiu":
        return None
    if (array.dtype.kind == "O" and any(type(k) is int for k in lookup)
            and not set(map(type, array)) <= {str, np.str_}):
        return None  # True == 1: where integers name states, only names are read here
    try:
        return np.fromiter(map(lookup.__getitem__, array), dtype=np.intp, count=array.size)
    except (KeyError, TypeError):
        return None


def _prepare(model: Any, targets: tuple, evidence: tuple, do: tuple) -> Prepared | None:
    """The pattern's :class:`Prepared`, or None when it is not for this path (a model in
    torch or with batched tables, or names the general path must refuse)."""
    try:
        model._names(targets, "target")
        for v in (*evidence, *do):
            model._check_known(v, "evidence" if v in evidence else "do")
    except CausalError:
        return None
    if not ops_for(model._backend).host or model._batch_shape() or set(evidence) & set(do):
        return None
    states = model._states
    fixed = frozenset(v for v in (*evidence, *do) if v not in targets)
    compiled = model._compile(targets, evidence, frozenset(do), fixed)
    lookups = {v: _lookup(states[v]) for v in (*evidence, *do)}
    masses = {v: one_hot(np.arange(len(states[v])), len(states[v]), model._backend)
              for v in do}  # row i: the point mass on state i
    name = query_name(targets, dict.fromkeys(do), dict.fromkeys(evidence))
    return Prepared(compiled, lookups, masses, fixed, Ty(*targets),
                    {v: states[v] for v in targets}, name,
                    bool(evidence) or not T.exact_backend(model._backend), {}, [])


def _lookup(states: tuple) -> dict:
    """Each value that names a state (by the rule of :mod:`causal.values`): its name, and
    for a name that is an integer written plainly, that integer."""
    out: dict = {}
    for i, name in enumerate(states):
        name = str(name)
        out[name] = i
        if name.lstrip("-").isdigit() and str(int(name)) == name:
            out[int(name)] = i
    return out
