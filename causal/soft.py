"""Soft evidence in causal queries: Pearl's virtual evidence and Jeffrey's rule.

A soft observation of ``X`` is a vector over ``X``'s states, given to
:meth:`~causal.CausalModel.query` as ``likelihood={"X": [...]}`` or inside ``evidence`` (a
float vector, one entry per state, is soft; names and integers are hard). How it is read:

- ``soft="pearl"`` (the default): the vector is a likelihood ``L(x)`` (virtual evidence,
  Pearl 1988): ``P(T | e, L) ∝ Σ_x P(T, x | e) L(x)``; only ratios matter;
- ``soft="jeffrey"``: the vector is the new marginal ``τ`` of ``X`` (Jeffrey's rule):
  ``P'(T) = Σ_x τ(x) P(T | x, e)``; several such variables get independent new marginals.

The model answers the joint query of the targets and the softly observed variables (with the
hard evidence and interventions), then applies :func:`markov.pearl_update` or
:func:`markov.jeffrey_update` and keeps the targets: the answers agree with those functions by
construction. The joint grows with the softly observed variables' state counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causal.errors import CausalError, InvalidValue
from markov import Kernel
from markov.arrays import tensor as T

RULES = ("pearl", "jeffrey")


def is_soft(value: Any, n: int) -> bool:
    """Whether an evidence value is a soft observation: numbers that are not integers (floats,
    Fractions, a float tensor), the last axis one entry per state.

    >>> is_soft([0.7, 0.3], 2), is_soft(["no", "yes"], 2), is_soft([0, 1], 2)
    (True, False, False)
    """
    if isinstance(value, Kernel) or hasattr(value, "to_numpy"):
        return False
    tensor = T.tensor_vector(value, n)
    if tensor is not None:
        return tensor
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return False
    if array.ndim == 0 or array.shape[-1] != n:
        return False
    if array.dtype.kind == "f":
        return True
    return array.dtype.kind == "O" and T.is_number_vector(array)


def split_evidence(model: Any, evidence: Mapping[str, Any], likelihood: Mapping[str, Any],
                   rule: str = "pearl", detect: bool = True) -> tuple[dict, dict]:
    """The hard evidence and the soft observations (from ``likelihood`` and, if ``detect``,
    from soft values in ``evidence``: rows of a data frame are always hard); ``rule`` is
    checked to be one of :data:`RULES`.

    >>> from causal import CausalModel
    >>> m = CausalModel({"A": []}, {"A": [0.5, 0.5]})
    >>> split_evidence(m, {"A": [0.2, 0.8]}, {})
    ({}, {'A': [0.2, 0.8]})
    """
    if rule not in RULES:
        raise CausalError(f"soft must be one of {RULES}, got {rule!r}")
    hard, soft = {}, {}
    for v, value in evidence.items():
        model._check_known(v, "evidence")
        (soft if detect and is_soft(value, len(model._states[v])) else hard)[v] = value
    for v, value in likelihood.items():
        model._check_known(v, "likelihood")
        if v in soft or v in hard:
            raise CausalError(f"variable {v!r} is observed twice (evidence and likelihood)")
        soft[v] = value
    return hard, soft


def soft_query(model: Any, targets: Sequence[str], do: Mapping[str, Any] | None,
               hard: Mapping[str, Any], soft: Mapping[str, Any], *, rule: str = "pearl",
               on_zero: str = "raise", max_memory: int | None = None) -> Kernel:
    """``P(targets | do, hard evidence, soft observations)`` with the soft observations read
    by ``rule``; see the module docstring.

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
    ...                 states={"S": ["no", "yes"], "C": ["no", "yes"]})
    >>> soft_query(m, ("S",), None, {}, {"C": [0.0, 1.0]}).array.round(3).tolist()
    [0.125, 0.875]
    >>> soft_query(m, ("S",), None, {}, {"C": [0.5, 0.5]}, rule="jeffrey").array.tolist()
    [0.4375, 0.5625]
    """
    from markov import jeffrey_update, pearl_update

    if rule not in RULES:
        raise CausalError(f"soft must be one of {RULES}, got {rule!r}")
    targets = tuple(targets)
    joint_vars = targets + tuple(v for v in soft if v not in targets)
    joint = model.query(joint_vars, do=do, evidence=dict(hard) or None, on_zero=on_zero,
                        max_memory=max_memory)
    values = {v: _vector(v, value, len(model._states[v]), joint.array, rule)
              for v, value in soft.items()}
    update = pearl_update if rule == "pearl" else jeffrey_update
    posterior = update(joint, values, on_zero=on_zero).marginal(list(targets))
    given = ", ".join(f"{v}~{rule}" for v in soft)
    name = joint.name[:-1] + (", " if "|" in joint.name else " | ") + given + ")"
    return Kernel(posterior.array, cod=posterior.cod, validate=False, labels=posterior.labels,
                  name=name)


def _vector(v: str, value: Any, n: int, like: Any, rule: str) -> Any:
    """The soft observation as an array in the joint's backend, checked: one finite,
    non-negative entry per state (a distribution for Jeffrey's rule)."""
    shown = value
    array = T.to_host(value)
    if array.ndim == 0 or array.shape[-1] != n:
        raise InvalidValue(f"variable {v!r}: a soft observation has one entry per state ({n}),"
                           f" got shape {array.shape}")
    if array.dtype.kind in "USb" or (array.dtype.kind == "O" and any(
            isinstance(x, (str, bool)) for x in array.flat)):
        raise InvalidValue(f"variable {v!r}: a soft observation is a vector of numbers, got "
                           f"{shown!r}")
    numbers = np.asarray(array, dtype=float) if array.dtype.kind != "O" else \
        np.array([float(x) for x in array.flat]).reshape(array.shape)
    if not np.all(np.isfinite(numbers) & (numbers >= 0)):
        raise InvalidValue(f"variable {v!r}: a soft observation must be finite and "
                           f"non-negative, got {shown!r}")
    if rule == "jeffrey" and not np.allclose(numbers.sum(axis=-1), 1.0):
        raise InvalidValue(f"variable {v!r}: Jeffrey's rule takes a new distribution of {v} "
                           f"(summing to 1), got {shown!r}")
    return T.in_kind_of(array, like)
