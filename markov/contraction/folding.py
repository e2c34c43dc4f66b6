"""Constant folding: the part of a plan that depends on no changing value runs once.

A repeated query binds new evidence or intervention values to a few boxes; the others keep
the very same arrays (a model's tables). A step of the pairwise program whose operands all
come from such *constant* inputs gives the same result on every call: :func:`compile_folding`
marks them, and a :class:`~markov.contraction.runner.Runner` computes them once and runs
only the rest on each call. That is what a warm junction-tree engine does when evidence changes,
on any path (and :mod:`markov.contraction.staging` chooses paths that fold most).
"""

from __future__ import annotations

from collections.abc import Collection

from diagrams._lazy import record
from markov.contraction.pairwise import REDUCE, Program


# A record (diagrams._lazy.record): a named tuple without namedtuple's per-class compile.
class Folding(record("Folding", ("constant", "folded", "steps", "kept"))):
    """Which SSA values of a program are constant (``constant``, a frozenset of ids;
    computed by the ``folded`` steps, in order), which of them the changing ``steps`` (or
    the end) read (``kept``); tuples of ints.

    >>> from markov.contraction import pairwise
    >>> p = pairwise.compile_program(["a", "ab", "b"], "", {"a": 2, "b": 2}, [(0, 1), (0, 1)])
    >>> f = compile_folding(p, {0, 1})
    >>> f.folded, f.steps, f.kept
    ((0,), (1,), (3,))
    """

    __slots__ = ()


def compile_folding(program: Program, constant: Collection[int]) -> Folding:
    """Split ``program``'s steps into those whose operands all derive from the ``constant``
    inputs (folded) and the others.

    >>> from markov.contraction import pairwise
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
