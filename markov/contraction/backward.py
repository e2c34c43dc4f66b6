"""The backward pass of a pairwise program: every operand's joint with the whole network.

A closed network (its output only the batch labels) contracts to ``Z``, one number per batch
element. ``Z`` is linear in each operand ``T``, so ``Z = sum(T * dZ/dT)`` and ``T * dZ/dT``
is the joint of ``T``'s labels with everything else: for a Bayesian network with evidence
factors, the joint of a family with the evidence (Darwiche 2003, *A differential approach
to inference in Bayesian networks*; the same numbers a calibrated junction tree holds).

The adjoints come from one walk of the program's steps in reverse: a step ``r = a . b``
gives ``dZ/da = dZ/dr . b`` and ``dZ/db = dZ/dr . a``, each itself a small pairwise
contraction compiled once (:class:`Adjoint`, plain data). Adjoints carry every batch label,
even when the forward value does not: ``Z`` has one entry per batch element, and the
derivative of each is wanted separately. Labels that a step summed out of ``a`` alone are
absent from ``dZ/dr`` and from ``b``: ``dZ/da`` is constant along them and is broadcast.

**Underflow.** With ``rescale`` each forward value and each adjoint is divided by its
largest entry per batch element. Every such scale is a positive constant per batch element,
so each joint comes out multiplied by one; normalising a marginal cancels it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from markov.contraction import pairwise
from markov.contraction.pairwise import REDUCE, Program, compile_program


@dataclass(frozen=True)
class Adjoint:
    """How to get the adjoint of SSA value ``target`` from the adjoint of ``source`` and
    the forward value ``other`` (-1: none, a reduction): run ``program`` over the two, then
    view the result as ``expand[0]`` and broadcast it to ``expand[1]`` (None: no need).

    >>> b = compile_backward(["ab", "bc"], "", {"a": 2, "b": 3, "c": 4}, [(0, 1)],
    ...                      labels="ac")
    >>> [(s.target, s.source, s.other) for s in b.steps]
    [(0, 2, 1), (1, 2, 0)]
    """

    target: int
    source: int
    other: int
    program: Program
    expand: tuple[tuple[int, ...], tuple[int, ...]] | None
    #: whether this step is the last to read the source's adjoint / the other's value
    #: (then dropped, so that memory peaks lower)
    last_source: bool = False
    last_other: bool = False


@dataclass(frozen=True)
class Marginal:
    """The marginal of ``label`` over the batch labels: the joint of operand ``operand``
    (its adjoint times its value, by ``program``) summed down to ``[*batch, label]``."""

    label: str
    operand: int
    program: Program


@dataclass(frozen=True)
class Backward:
    """The reverse walk of a program: per SSA value its labels and its adjoint's labels
    (the batch labels it lacks first), the adjoint steps in the order they run, and for
    each label asked for, how to read its marginal off an operand.

    >>> b = compile_backward(["a", "ab"], "", {"a": 2, "b": 3}, [(0, 1)], labels="ab")
    >>> b.values, b.adjoints, [(m.label, m.operand) for m in b.marginals]
    (('a', 'ab', ''), ('a', 'ab', ''), [('a', 0), ('b', 1)])
    """

    forward: Program
    values: tuple[str, ...]
    adjoints: tuple[str, ...]
    steps: tuple[Adjoint, ...]
    marginals: tuple[Marginal, ...]
    batch: str
    #: the shape of the last value's adjoint, which is all ones
    seed: tuple[int, ...]


def compile_backward(terms: Sequence[str], batch: str, sizes: dict[str, int],
                     path: Sequence[Sequence[int]], *, labels: str = "",
                     forward: Program | None = None) -> Backward:
    """Compile the forward program of the closed network ``terms -> batch`` along ``path``
    (or take ``forward``, compiled from the same arguments), its reverse walk (only the
    adjoints some marginal needs), and the reading of the marginal of each of ``labels``
    off the smallest operand that has it.

    >>> b = compile_backward(["a", "ab"], "", {"a": 2, "b": 3}, [(0, 1)], labels="b")
    >>> len(b.forward.steps), len(b.steps), b.marginals[0].operand   # no adjoint of "a"
    (1, 1, 1)
    """
    if forward is None:
        forward = compile_program(terms, batch, sizes, path, batch)
    values = ["".join(dict.fromkeys(t)) for t in terms] + [s.labels for s in forward.steps]
    adjoints = ["".join(c for c in batch if c not in v) + v for v in values]
    steps = []
    n = forward.n_inputs
    for i in reversed(range(len(forward.steps))):
        step, r = forward.steps[i], n + i
        pairs = [(step.x, step.y)] if step.kind == REDUCE else [(step.x, step.y),
                                                                (step.y, step.x)]
        for target, other in pairs:
            steps.append(_adjoint(target, r, other, values=values, adjoints=adjoints,
                                  sizes=sizes, batch=batch))
    marginals = []
    for c in labels:
        holders = [j for j in range(n) if c in values[j]]
        if not holders:
            raise ValueError(f"label {c!r} is in no operand")
        j = min(holders, key=lambda j: _size(values[j], sizes))
        program = compile_program([adjoints[j], values[j]], batch + c, sizes, [(0, 1)], batch)
        marginals.append(Marginal(c, j, program))
    seed = tuple(sizes[c] for c in adjoints[-1])
    return Backward(forward, tuple(values), tuple(adjoints), _needed(steps, marginals),
                    tuple(marginals), batch, seed)


def _needed(steps: list, marginals: list) -> tuple[Adjoint, ...]:
    """The steps whose adjoint some marginal reads (directly or through later steps), each
    marked where it is the last to read its source's adjoint or its other's value."""
    read = {m.operand for m in marginals}
    wanted, kept = set(read), []
    for s in reversed(steps):
        if s.target in wanted:
            wanted.add(s.source)
            kept.append(s)
    kept.reverse()
    sources, others = set(read), set(read)  # what marginals read stays to the end
    out = []
    for s in reversed(kept):
        last_source, last_other = s.source not in sources, s.other >= 0 and s.other not in others
        sources.add(s.source)
        others.add(s.other)
        out.append(replace(s, last_source=last_source, last_other=last_other))
    return tuple(reversed(out))


def _adjoint(target, source, other, *, values, adjoints, sizes, batch) -> Adjoint:
    terms = [adjoints[source]] + ([values[other]] if other >= 0 else [])
    present = set("".join(terms))
    want = adjoints[target]
    out = "".join(c for c in want if c in present)
    path = [(0, 1)] if other >= 0 else []
    program = compile_program(terms, out, sizes, path, batch)
    expand = None
    if out != want:
        expand = (tuple(sizes[c] if c in present else 1 for c in want),
                  tuple(sizes[c] for c in want))
    return Adjoint(target, source, other, program, expand)


def _size(labels: str, sizes: dict) -> int:
    out = 1
    for c in labels:
        out *= sizes[c]
    return out


def run_forward(program: Program, operands: Sequence, backend: str, rescale: bool
                ) -> list:
    """Every SSA value of the program (inputs, then each step's result), rescaled per batch
    element when asked; the caller keeps them for the backward pass.

    >>> import numpy as np
    >>> p = compile_program(["a", "ab"], "b", {"a": 2, "b": 3}, [(0, 1)])
    >>> [v.tolist() for v in run_forward(p, [np.ones(2), np.ones((2, 3))], "numpy", False)][2]
    [2.0, 2.0, 2.0]
    """
    ops = pairwise.ops_for(backend)
    values = list(operands)
    if rescale:
        values = [_unit(ops, v, scale.axes) for v, scale in zip(values, program.input_scales)]
    for step in program.steps:
        b = None if step.kind == REDUCE else values[step.y]
        r = pairwise.run_step(ops, step, values[step.x], b)
        if rescale:
            r = _unit(ops, r, step.scale.axes)
        values.append(r)
    return values


def joints(backward: Backward, values: Sequence, backend: str, rescale: bool) -> list:
    """Run the reverse walk over the forward ``values`` and return, for each label of
    ``backward.marginals``, its (unnormalised) joint with the network, ``[*batch, n]`` over
    the batch labels of the forward program's output.

    >>> import numpy as np
    >>> b = compile_backward(["a", "ab"], "", {"a": 2, "b": 3}, [(0, 1)], labels="ab")
    >>> p, f = np.array([0.25, 0.75]), np.array([[1.0, 0, 0], [0, 0.5, 0.5]])
    >>> [j.tolist() for j in joints(b, run_forward(b.forward, [p, f], "numpy", False),
    ...                             "numpy", False)]
    [[0.25, 0.75], [0.25, 0.375, 0.375]]
    """
    ops = pairwise.ops_for(backend)
    n_values = len(backward.values)
    values = list(values)  # a copy whose entries go once read for the last time
    adjoint: list[Any] = [None] * n_values
    last = n_values - 1
    adjoint[last] = ops.ones(backward.seed, values[last])
    for s in backward.steps:
        inputs = [adjoint[s.source]] + ([values[s.other]] if s.other >= 0 else [])
        r, _ = pairwise.execute(s.program, inputs, backend, rescale)
        if s.expand is not None:
            r = ops.broadcast(r.reshape(s.expand[0]), s.expand[1])
        adjoint[s.target] = r
        if s.last_source:
            adjoint[s.source] = None
        if s.last_other:
            values[s.other] = None
    out = []
    for m in backward.marginals:
        r, _ = pairwise.execute(m.program, [adjoint[m.operand], values[m.operand]], backend,
                                rescale)
        out.append(r)
    return out


def _unit(ops, r, axes):
    s, _ = ops.scale(r, axes)
    return r / s
