"""MAP and MPE: the most probable values of some variables given evidence, in the (max, ×)
semiring.

``map(targets, evidence)`` is ``argmax_t Σ_rest P(t, rest, e)`` (marginal MAP: the other
variables are summed out first); ``mpe(evidence)`` is the MAP of every observed variable not
in the evidence (latent ones summed out), the jointly most probable explanation.

The factors are the model's CPTs after surgery (``do``), indexed at the evidence and pruned
to the ancestors of the targets and the evidence (barren descendants sum to one). They are
eliminated one variable at a time: the summed variables first, then the maximised ones, each
time the variable whose combined factor is smallest. Each maximisation keeps its argmax
table, and the assignment is traced back in reverse order. (The sum-product plan's
contraction path is not reused: marginal MAP must sum every other variable out before it
maximises over the targets, an order constraint a contraction path does not respect.) Floats are multiplied as sums of
logarithms (hundreds of factors stay in range); exact models compare exact rationals.

**Ties** go to the state listed first (the lowest index), at each maximisation in the order of
the trace-back; for floats, values are compared as computed, so two assignments whose
probabilities differ only by rounding may not be reported as a tie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from causal.errors import CausalError
from diagrams._lazy import lazy_module
from markov import ZeroProbabilityEvidence
from markov.arrays import tensor as T

nx = lazy_module("networkx")


@dataclass(frozen=True)
class Explanation:
    """A most probable assignment (state names by variable) and its probability given the
    evidence, ``P(assignment | evidence)`` (the other variables summed out).

    >>> Explanation({"A": "yes"}, 0.75)
    Explanation(assignment={'A': 'yes'}, probability=0.75)
    """

    assignment: dict
    probability: Any


def map_query(model: Any, targets: str | Sequence[str], evidence: Mapping[str, Any] | None = None,
              do: Mapping[str, Any] | None = None, *, max_memory: float | None = None
              ) -> Explanation:
    """The jointly most probable values of ``targets`` given ``evidence`` (state names),
    after the interventions ``do``; see the module docstring for the tie rule.

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
    ...                 states={"S": ["no", "yes"], "C": ["no", "yes"]})
    >>> e = map_query(m, "S", evidence={"C": "yes"})
    >>> e.assignment, round(e.probability, 3)
    ({'S': 'yes'}, 0.875)
    """
    from causal._values import indices

    if do:
        model = model.do(do)
    targets = model._names(targets, "target")
    evidence = dict(evidence or {})
    observed = {}
    for v, value in evidence.items():
        model._check_known(v, "evidence")
        idx = indices(v, model._states[v], value, "evidence")
        if idx.ndim:
            raise CausalError(f"map takes one observation per variable, got a batch for {v!r}"
                              "; loop over the rows")
        observed[v] = int(idx)
    for v in targets:
        if v in observed:
            raise CausalError(f"variable {v!r} is both a target and evidence")
    exact = T.exact_backend(model.backend)
    factors = _factors(model, set(targets) | set(observed), observed, exact)
    sizes = {v: len(s) for v, s in model._states.items()}
    eliminate = [v for v in _scope(factors) if v not in targets]
    limit = float("inf") if max_memory is None else float(max_memory)
    joint, table = _eliminate(factors, eliminate, list(targets), sizes, exact=exact,
                              limit=limit)
    total, _ = _eliminate(factors, eliminate + list(targets), [], sizes, exact=exact,
                          limit=limit)
    if (joint == 0) if exact else not np.isfinite(joint):
        raise ZeroProbabilityEvidence(f"the evidence {evidence} has probability zero: there "
                                      "is no most probable explanation")
    probability = joint / total if exact else float(np.exp(joint - total))
    assignment = {v: model._states[v][i] for v, i in _trace(table, targets).items()}
    return Explanation(assignment, probability)


def mpe(model: Any, evidence: Mapping[str, Any] | None = None,
        do: Mapping[str, Any] | None = None, *, max_memory: float | None = None
        ) -> Explanation:
    """The most probable explanation: the MAP of every observed variable not in the evidence
    (latent variables summed out).

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.4, 0.6], "C": [[0.9, 0.1], [0.3, 0.7]]})
    >>> mpe(m).assignment
    {'S': '1', 'C': '1'}
    """
    given = set(evidence or {})
    targets = [v for v in model.observed if v not in given]
    return map_query(model, targets, evidence, do, max_memory=max_memory)


# ---- the (max, ×) elimination -------------------------------------------------------------

def _factors(model: Any, keep: set, observed: Mapping[str, int], exact: bool) -> list:
    """``(scope, array)`` per CPT of an ancestor of ``keep``, indexed at the evidence; float
    arrays as logarithms."""
    graph = model.graph
    needed = set(keep)
    for v in keep:
        needed |= nx.ancestors(graph, v)
    factors = []
    for v in model._order:
        if v not in needed:
            continue
        array = model._kernels[v].array
        if model._kernels[v].batch_shape:
            raise CausalError(f"variable {v!r} has a batch of CPTs; map answers one model at "
                              "a time")
        array = np.asarray(T.to_host(array), dtype=object if exact else np.float64)
        scope = [*model.parents[v], v]
        index = tuple(observed.get(u, slice(None)) for u in scope)
        array = array[index]
        scope = [u for u in scope if u not in observed]
        if not exact:
            with np.errstate(divide="ignore"):
                array = np.log(array)
        factors.append((scope, array))
    return factors


def _scope(factors: list) -> list[str]:
    return list(dict.fromkeys(u for scope, _ in factors for u in scope))


def _align(scope: list[str], array: Any, union: list[str]) -> Any:
    perm = sorted(range(len(scope)), key=lambda i: union.index(scope[i]))
    array = np.transpose(array, perm) if perm else array
    shape = [1] * len(union)
    for i in perm:
        shape[union.index(scope[i])] = np.shape(array)[perm.index(i)]
    return np.reshape(array, shape)


def _combine(group: list, exact: bool) -> tuple[list[str], Any]:
    union = list(dict.fromkeys(u for scope, _ in group for u in scope))
    out: Any = T.exact_one() if exact else 0.0
    for scope, array in group:
        aligned = _align(scope, array, union)
        out = out * aligned if exact else out + aligned
    return union, np.asarray(out, dtype=object if exact else np.float64)


def _sum_out(array: Any, axis: int, exact: bool) -> Any:
    if exact:
        return array.sum(axis=axis)
    top = array.max(axis=axis, keepdims=True)
    shift = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(array - shift).sum(axis=axis)) + shift.squeeze(axis)


def _eliminate(factors: list, summed: list[str], maxed: list[str], sizes: Mapping[str, int],
               *, exact: bool, limit: float) -> tuple[Any, list]:
    """Sum out ``summed`` then maximise ``maxed`` (each in smallest-factor-first order);
    return the remaining scalar and the argmax tables ``(variable, scope, table)``."""
    factors = list(factors)
    table = []
    for phase, names in (("sum", list(summed)), ("max", list(maxed))):
        while names:
            costs = {u: _cost(u, factors, sizes) for u in names}
            x = min(names, key=lambda u: (costs[u], names.index(u)))
            names.remove(x)
            if costs[x] * 8 > limit:
                raise CausalError(f"eliminating {x!r} needs a table of {costs[x]} entries, "
                                  f"over max_memory={limit:g} bytes")
            group = [f for f in factors if x in f[0]]
            factors = [f for f in factors if x not in f[0]]
            if not group:
                if phase == "max":
                    table.append((x, [], np.asarray(0)))
                continue
            union, array = _combine(group, exact)
            axis = union.index(x)
            rest = union[:axis] + union[axis + 1:]
            if phase == "sum":
                factors.append((rest, _sum_out(array, axis, exact)))
            else:
                table.append((x, rest, np.argmax(array, axis=axis)))
                factors.append((rest, np.max(array, axis=axis)))
    _, value = _combine(factors, exact) if factors else ([], np.asarray(
        T.exact_one() if exact else 0.0, dtype=object if exact else np.float64))
    return value.reshape(()).item() if value.size == 1 else value, table


def _cost(x: str, factors: list, sizes: Mapping[str, int]) -> int:
    """Entries of the table that eliminating ``x`` combines."""
    union = {u for scope, _ in factors if x in scope for u in scope}
    return int(np.prod([sizes[u] for u in union])) if union else 0


def _trace(table: list, targets: Sequence[str]) -> dict[str, int]:
    """The argmax of each maximised variable, in reverse order of elimination."""
    found: dict[str, int] = {}
    for x, rest, argmax in reversed(table):
        found[x] = int(argmax[tuple(found[u] for u in rest)])
    return {v: found[v] for v in targets}
