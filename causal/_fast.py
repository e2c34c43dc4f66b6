"""Private: the short way of a repeated query.

A user clicking through evidence asks the same question again and again with other values:
the same targets, the same observed and intervened variables, one state each. The general
path of :meth:`causal.CausalModel.query` reads every kind of argument (batches, data frames,
soft evidence, dask data, torch models) on every call; this one is compiled once per pattern
(:class:`Prepared`, kept with the model) and then reads each value by a dictionary lookup,
binds the few boxes that change, runs the query's :class:`~markov.contraction.runner.Runner`
(the model's tables folded once), normalises and wraps the answer.

Whatever it does not cover it hands back (``None``) to the general path, which gives the same
answer or raises the same error: a value that is not a state name (or a batch of them), a
zero-probability observation, an answer in need of rescaling, a batched or torch model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from causal._query import Compiled, bind, query_name, runner_for
from causal._values import one_hot
from causal.errors import CausalError
from diagrams import Ty
from markov.arrays import ops as A
from markov.arrays import tensor as T
from markov.arrays.steps import ops_for
from markov.contraction.cache import PLANS
from markov.kernel import trusted_kernel

_SCALARS = (str, int, np.str_, np.integer)


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
    #: the runner, once known (the shapes of a pattern's arrays never change here)
    runner: list


def fast_query(model: Any, targets: Any, do: Any, evidence: Any) -> Any:
    """The answer of ``model.query(targets, do=do, evidence=evidence)`` (``on_zero`` aside:
    a zero answer goes the general way), or None where this path does not apply."""
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
    observed, do_arrays = {}, {}
    for v, value in evidence.items():
        if not isinstance(value, _SCALARS) or isinstance(value, bool):
            return None
        i = prepared.lookups[v].get(value)
        if i is None:
            return None
        observed[v] = i
    hard = {}
    for v, value in do.items():
        if not isinstance(value, _SCALARS) or isinstance(value, bool):
            return None
        i = prepared.lookups[v].get(value)
        if i is None:
            return None
        do_arrays[v], hard[v] = prepared.masses[v][i], np.asarray(i)
    observed = {v: np.asarray(i) for v, i in observed.items()}
    fixed = {v: i for v, i in observed.items() if v in prepared.fixed}
    fixed.update((v, i) for v, i in hard.items() if v in prepared.fixed and v not in fixed)
    compiled = prepared.compiled
    changing, zero = bind(compiled, model._arrays, do_arrays, observed, fixed=fixed,
                          states=model._states, backend=model._backend, changing=True,
                          scale=False)  # the runner checks its answer for underflow
    if zero is not None and zero.any():
        return None
    if not prepared.runner:
        prepared.runner.append(runner_for(compiled, changing, model._arrays))
    runner = prepared.runner[0]
    array = None if runner is None else runner(list(changing.values()))
    if array is None or array.ndim != len(targets):
        return None
    if prepared.normalise:
        if array.dtype.kind == "f":  # floats: one sum, one comparison
            total = array.sum()
            if not total > 0:
                return None
        else:
            total = A.sum_keep(array, len(targets))
            if A.first_index(A.is_zero(total)) is not None:
                return None
        array = array / total
    return trusted_kernel(array, cod=prepared.cod, name=prepared.name, labels=prepared.labels)


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
    masses = {v: [one_hot(np.asarray(i), len(states[v]), model._backend)
                  for i in range(len(states[v]))] for v in do}
    name = query_name(targets, dict.fromkeys(do), dict.fromkeys(evidence))
    return Prepared(compiled, lookups, masses, fixed, Ty(*targets),
                    {v: states[v] for v in targets}, name,
                    bool(evidence) or not T.exact_backend(model._backend), [])


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
