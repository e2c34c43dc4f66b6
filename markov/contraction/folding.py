"""Constant folding: the part of a plan that depends on no changing value runs once.

A repeated query binds new evidence or intervention values to a few boxes; the others keep
the very same arrays (a model's tables). A step of the pairwise program whose operands all
come from such *constant* inputs gives the same result on every call: :func:`compile_folding`
marks them, and :func:`run_folded` computes them once per binding of the constant arrays,
keeps the values that the changing steps read (in :data:`~markov.contraction.cache.PLANS`,
with references to the arrays, so their identities stay theirs) and runs only the rest.
That is what a warm junction-tree engine does when evidence changes, on any path.

Folding runs the plain (unscaled) contraction; a result that needs rescaling against
underflow is recomputed in full by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from markov.contraction import pairwise
from markov.contraction.cache import PLANS
from markov.contraction.interpret import _bind
from markov.contraction.pairwise import REDUCE, Program
from markov.contraction.plan import _fits, _normalise_max


@dataclass(frozen=True)
class Folding:
    """Which SSA values of a program are constant (computed by ``folded`` steps, in order),
    which of them the changing ``steps`` (or the end) read (``kept``).

    >>> p = pairwise.compile_program(["a", "ab", "b"], "", {"a": 2, "b": 2}, [(0, 1), (0, 1)])
    >>> f = compile_folding(p, {0, 1})
    >>> f.folded, f.steps, f.kept
    ((0,), (1,), (3,))
    """

    constant: frozenset[int]
    folded: tuple[int, ...]
    steps: tuple[int, ...]
    kept: tuple[int, ...]


def compile_folding(program: Program, constant: Collection[int]) -> Folding:
    """Split ``program``'s steps into those whose operands all derive from the ``constant``
    inputs (folded) and the others.

    >>> p = pairwise.compile_program(["a", "ab"], "b", {"a": 2, "b": 2}, [(0, 1)])
    >>> compile_folding(p, {1}).folded
    ()
    """
    n = program.n_inputs
    is_constant = [i in constant for i in range(n)]
    folded, steps, read = [], [], set()
    for i, step in enumerate(program.steps):
        operands = (step.x,) if step.kind == REDUCE else (step.x, step.y)
        if all(is_constant[j] for j in operands):
            folded.append(i)
            is_constant.append(True)
        else:
            steps.append(i)
            is_constant.append(False)
            read.update(j for j in operands if is_constant[j] and j >= n)
    last = n + len(program.steps) - 1
    if program.steps and is_constant[last]:
        read.add(last)
    return Folding(frozenset(constant), tuple(folded), tuple(steps), tuple(sorted(read)))


class Folded:
    """The kept values of one binding of the constant inputs, the arrays they came from,
    and how many times each folded step ran (once, by construction: counted for tests).

    >>> Folded([], {}).runs
    0
    """

    __slots__ = ("arrays", "runs", "values")

    def __init__(self, arrays: list, values: dict):
        self.arrays = arrays
        self.values = values
        self.runs = 0


def run_folded(plan: Any, folding: Folding, arrays: Sequence, operands: Sequence,
               backend: str) -> Any:
    """Run ``plan``'s program (unsliced, unscaled) on ``operands`` (prepared from
    ``arrays``), taking the folded values from the cache when the constant ``arrays`` are
    the very ones they were computed from.

    >>> import numpy as np
    >>> from markov import plan
    >>> from diagrams import Ty, Box
    >>> p, f = Box("p", Ty(), Ty("X")), Box("f", Ty("X"), Ty("Y"))
    >>> P = plan(p >> f, {p: [0.5, 0.5], f: [[1.0, 0.0], [0.5, 0.5]]})
    >>> arrays = [np.array([0.5, 0.5]), np.array([[1.0, 0.0], [0.5, 0.5]])]
    >>> run_folded(P, compile_folding(P.program, {1}), arrays, arrays, "numpy").tolist()
    [0.75, 0.25]
    """
    program = plan.program
    ops = pairwise.ops_for(backend)
    constant = sorted(folding.constant)
    key = ("folded", plan, folding, backend, tuple(id(arrays[i]) for i in constant))
    store = PLANS.get(key, lambda: Folded([arrays[i] for i in constant], {}))
    values: list[Any] = list(operands) + [None] * len(program.steps)
    n = program.n_inputs
    if folding.folded and not store.values:
        for i in folding.folded:
            step = program.steps[i]
            b = None if step.kind == REDUCE else values[step.y]
            values[n + i] = pairwise.run_step(ops, step, values[step.x], b)
        store.values = {j: values[j] for j in folding.kept}
        store.runs += 1
    for j, v in store.values.items():
        values[j] = v
    for i in folding.steps:
        step = program.steps[i]
        b = None if step.kind == REDUCE else values[step.y]
        values[n + i] = pairwise.run_step(ops, step, values[step.x], b)
    result = values[-1] if program.steps else (values[0] if values else None)
    if result is None:
        return None
    if program.final_sum:
        result = ops.sum(result, program.final_sum)
    if program.final_perm is not None:
        result = ops.permute(result, program.final_perm)
    return result


def contract_folded(diagram: Any, mapping: Any, constant: frozenset, scaled: bool = False,
                    max_memory: int | None = None) -> Any:
    """Contract ``diagram`` (unpruned: it may hold effects) with the boxes at positions
    ``constant`` folded, or return None where folding does not apply (a sliced plan, torch
    arrays, or a result that needs rescaling: the caller then contracts in full).
    ``scaled`` divides the result by its largest entry per batch element; ``max_memory`` as in
    :func:`markov.interpret` (a plan it slices is not folded).

    >>> import numpy as np
    >>> from diagrams import Ty, Box
    >>> p, f = Box("p", Ty(), Ty("X")), Box("f", Ty("X"), Ty("Y"))
    >>> arrays = {p: np.array([0.5, 0.5]), f: np.array([[1.0, 0.0], [0.5, 0.5]])}
    >>> contract_folded(p >> f, arrays, frozenset({0, 1})).tolist()
    [0.75, 0.25]
    """
    bound = _bind(diagram, mapping, validate=False, prune=False, max_memory=max_memory,
                  constant=constant)
    plan, backend = bound.plan, bound.backend
    if plan.n_slices > 1 or not pairwise.ops_for(backend).host or bound.template is not None:
        return None
    operands = plan._operands(bound.arrays, backend, None)
    folding = PLANS.get(("folding", plan, constant),
                        lambda: compile_folding(plan.program, constant))
    result = plan._finish(run_folded(plan, folding, bound.arrays, operands, backend),
                          backend, None)
    n_batch = len(plan.program.batch_shape)
    if backend == "numpy":
        if not _fits(result, n_batch, backend):
            return None
        if scaled:
            result, _ = _normalise_max(result, n_batch, backend)
    return result.reshape(plan.output_shape)
