"""A folded contraction that binds only what changes.

Interpreting a diagram takes a whole mapping on every call: each box is looked up, checked
and prepared, although most of them (a model's tables) are the very same arrays each time.
A :class:`Runner` is compiled once from one full binding: the plan (constants first,
:mod:`markov.contraction.staging`), its folded steps run there and then, and the constant
operands that the remaining steps read are kept. A call passes only the
arrays of the ``changing`` boxes, prepares those, and runs the steps that read them: its
cost follows what changed, not the size of the network.

A runner holds the constant arrays it was built from (their values are baked into the
folded steps): keep it with the object that owns those arrays (``PLANS.about(model, ...)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from diagrams import Box
from markov.contraction import pairwise
from markov.contraction.folding import compile_folding
from markov.contraction.interpret import _bind
from markov.contraction.pairwise import REDUCE


class Runner:
    """The folded contraction of one diagram (unpruned) whose boxes outside ``changing``
    keep the arrays it was compiled with. ``runs`` counts how often the folded steps ran
    (once, by construction: counted by tests), ``calls`` how often it was called.

    >>> import numpy as np
    >>> from diagrams import Ty, Box
    >>> p, f = Box("p", Ty(), Ty("X")), Box("f", Ty("X"), Ty("Y"))
    >>> arrays = {p: np.array([0.5, 0.5]), f: np.array([[1.0, 0.0], [0.5, 0.5]])}
    >>> run = compile_runner(p >> f, arrays, changing=(0,))
    >>> run([np.array([1.0, 0.0])]).tolist(), run([np.array([0.0, 1.0])]).tolist(), run.runs
    ([1.0, 0.0], [0.5, 0.5], 1)
    >>> run.calls
    2
    """

    __slots__ = ("_inputs", "_ops", "_steps", "backend", "calls", "changing", "constants",
                 "folding", "kept", "plan", "runs")

    def __init__(self, plan: Any, backend: str, changing: tuple[int, ...], constants: list):
        self.plan, self.backend, self.changing = plan, backend, changing
        self.constants = constants  # the arrays the folded values came from, kept alive
        program = plan.program
        constant = frozenset(range(program.n_inputs)) - set(changing)
        self.folding = compile_folding(program, constant)
        self.kept: list = []  # what a call starts from: the values the steps read, in place
        self._ops = pairwise.ops_for(backend)
        self.runs = self.calls = 0
        # what a call does, spelled out once: prepare the changing inputs, run the steps
        self._inputs = [(p, plan.squeeze[p], program.diagonals[p]) for p in changing]
        n = program.n_inputs
        self._steps = [(n + i, program.steps[i]) for i in self.folding.steps]

    def fold(self, operands: Sequence) -> None:
        """Run the folded steps on the full, prepared ``operands`` and keep the values the
        other steps read (constant inputs included)."""
        program, ops = self.plan.program, pairwise.ops_for(self.backend)
        n = program.n_inputs
        values: list[Any] = list(operands) + [None] * len(program.steps)
        for i in self.folding.folded:
            step = program.steps[i]
            b = None if step.kind == REDUCE else values[step.y]
            values[n + i] = pairwise.run_step(ops, step, values[step.x], b)
        read = set(self.folding.kept)
        for i in self.folding.steps:
            step = program.steps[i]
            read.update(j for j in (step.x, step.y) if 0 <= j < n)
        if not program.steps and n:
            read.add(0)
        keep = read - set(self.changing)
        self.kept = [v if j in keep else None for j, v in enumerate(values)]
        self.runs += 1

    def __call__(self, arrays: Sequence) -> Any:
        """The contraction with ``arrays`` bound to the changing boxes (in ``changing``
        order, in the runner's backend), or None when the result needs rescaling against
        underflow (the caller then contracts in full)."""
        plan, program, ops = self.plan, self.plan.program, self._ops
        self.calls += 1
        values = self.kept.copy()
        for (position, axis, diagonal), array in zip(self._inputs, arrays):
            if axis:
                array = array.squeeze(axis)
            values[position] = array if diagonal is None else ops.einsum(diagonal, array)
        run_step = pairwise.run_step
        for j, step in self._steps:
            values[j] = run_step(ops, step, values[step.x],
                                 None if step.kind == REDUCE else values[step.y])
        result = values[-1] if program.steps else values[0]
        if result is None:
            return None
        result = pairwise.finish(ops, program, result)
        if ops.floating([result], None) and not ops.fits(result, len(program.batch_shape)):
            return None
        if not self.folding.steps:  # the answer is a kept value: never hand out the cache
            result = result.copy()
        return result.reshape(plan.output_shape)


def compile_runner(diagram: Any, mapping: Mapping, changing: Sequence[int], *,
                   max_memory: int | None = None) -> Runner | None:
    """A :class:`Runner` for ``diagram`` (contracted as given, not pruned) bound to
    ``mapping``, whose boxes at the positions ``changing`` take new arrays on each call;
    None where folding does not apply (a sliced plan, or torch arrays: the caller contracts
    in full).

    >>> import numpy as np
    >>> from diagrams import Ty, Box
    >>> p = Box("p", Ty(), Ty("X"))
    >>> compile_runner(p, {p: np.array([0.5, 0.5])}, changing=())([]).tolist()
    [0.5, 0.5]
    """
    if isinstance(diagram, Box):
        diagram = diagram.to_diagram()
    changing = tuple(sorted(changing))
    constant = frozenset(range(len(diagram.boxes))) - set(changing)
    bound = _bind(diagram, mapping, validate=False, prune=False, max_memory=max_memory,
                  constant=constant)
    plan, backend = bound.plan, bound.backend
    if plan.n_slices > 1 or not pairwise.ops_for(backend).host or bound.template is not None:
        return None
    boxes = list(diagram.boxes)
    if not boxes or any(bound.arrays[i] is not mapping[boxes[i]] for i in changing):
        return None  # arrays converted on binding: the calls would need converting too
    runner = Runner(plan, backend, changing, [bound.arrays[i] for i in sorted(constant)])
    runner.fold(plan._operands(bound.arrays, backend, None))
    return runner
