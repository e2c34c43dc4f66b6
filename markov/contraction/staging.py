"""Constants first: a path that contracts what never changes before what does.

A repeated query binds new values to a few operands (evidence indicators, tables indexed at
observed values, interventions); the others are the model's own tables. Constant folding
(:mod:`markov.contraction.folding`) runs once the steps whose operands are all constant, but
how much that saves depends on the path: a path found for the whole network mixes the
changing operands in early, and then nearly every step changes.

:func:`staged_path` plans in two stages, as a junction tree does when it keeps the messages
that evidence does not reach. The *interface* is the output's labels and every label of a
changing operand. The constant operands fall into components joined by the labels outside
the interface; each component is contracted on its own down to a tensor over its interface
labels (stage one: folded, paid once), then those tensors and the changing operands are
contracted (stage two: the work of every call). A leaf's evidence on a query of one target
leaves, at the end, a product of a few small tensors.

:func:`staged_program` compiles that path and keeps it only where it pays: less work per
call than the plain path under the same folding, and no larger intermediate than allowed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from diagrams._lazy import lazy_module
from markov.contraction import pairwise
from markov.contraction.paths import find_path

oe = lazy_module("opt_einsum")

#: A staged path may grow the largest intermediate up to this many elements (or the plain
#: path's largest, if more): its first stage runs once, but it must still fit.
STAGED_LARGEST = 2**22


def staged_path(terms: Sequence[str], out: str, sizes: dict[str, int],
                constant: Collection[int]) -> tuple[tuple, str]:
    """A path (opt_einsum's list format) for ``terms -> out`` (labels unique per term) that
    contracts each component of the ``constant`` operands to its interface first.

    >>> sizes = {c: 2 for c in "abcd"}
    >>> staged_path(["a", "ab", "bc", "cd"], "d", sizes, {1, 2, 3})  # "a" changes
    (((2, 3), (1, 2), (0, 1)), 'constants-first')
    """
    n = len(terms)
    changing = [i for i in range(n) if i not in constant]
    interface = set(out).union(*(terms[i] for i in changing))
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holder: dict[str, int] = {}
    for i in sorted(constant):
        for c in terms[i]:
            if c in interface:
                continue
            if c in holder:
                parent[find(i)] = find(holder[c])
            else:
                holder[c] = i
    groups: dict[int, list[int]] = {}
    for i in sorted(constant):
        groups.setdefault(find(i), []).append(i)
    ssa: list[tuple[int, ...]] = []
    stage_two: list[int] = []  # SSA ids of stage two's operands
    stage_terms: list[str] = []
    for members in groups.values():
        kept = "".join(sorted({c for i in members for c in terms[i] if c in interface}))
        private = any(c not in interface for i in members for c in terms[i])
        if len(members) == 1 and not private:
            stage_two.append(members[0])
            stage_terms.append(terms[members[0]])
            continue
        if len(members) == 1:
            ssa.append((members[0],))
        else:
            sub, _ = find_path([terms[i] for i in members], kept, sizes)
            local = list(members)  # sub-problem SSA id -> global SSA id
            for step in oe.paths.linear_to_ssa(sub):
                ssa.append(tuple(local[k] for k in step))
                local.append(n + len(ssa) - 1)
        stage_two.append(n + len(ssa) - 1)
        stage_terms.append(kept)
    # A constant tensor over a subset of another's labels multiplies into it (no growth).
    for a in sorted(range(len(stage_terms)), key=lambda k: len(stage_terms[k])):
        host = next((b for b in range(len(stage_terms)) if b != a and stage_terms[b] is not None
                     and stage_terms[a] is not None
                     and set(stage_terms[a]) <= set(stage_terms[b])), None)
        if host is not None:
            ssa.append((stage_two[a], stage_two[host]))
            stage_two[host], stage_terms[a] = n + len(ssa) - 1, None
    stage_two = [i for i, t in zip(stage_two, stage_terms) if t is not None]
    stage_terms = [t for t in stage_terms if t is not None]
    for i in changing:
        stage_two.append(i)
        stage_terms.append(terms[i])
    if len(stage_terms) > 1:
        rest, _ = find_path(stage_terms, out, sizes)
        local = list(stage_two)
        for step in oe.paths.linear_to_ssa(rest):
            ssa.append(tuple(local[k] for k in step))
            local.append(n + len(ssa) - 1)
    return tuple(tuple(c) for c in oe.paths.ssa_to_linear(ssa)), "constants-first"


def runtime_flops(program: pairwise.Program, constant: Collection[int]) -> int:
    """Multiply-adds of the steps of ``program`` that read a changing operand (the others
    fold: they run once).

    >>> p = pairwise.compile_program(["a", "ab", "bc"], "c", {c: 2 for c in "abc"},
    ...                              [(1, 2), (0, 1)])
    >>> runtime_flops(p, {1, 2}), p.flops
    (4, 12)
    """
    is_constant = [i in constant for i in range(program.n_inputs)]
    total = 0
    for step in program.steps:
        operands = (step.x,) if step.kind == pairwise.REDUCE else (step.x, step.y)
        fixed = all(is_constant[j] for j in operands)
        is_constant.append(fixed)
        if not fixed:
            total += _step_flops(step)
    return total


def _step_flops(step: pairwise.Step) -> int:
    if step.kind == pairwise.MATMUL:
        return pairwise._prod(step.shape_a) * step.shape_b[-1]
    return max(pairwise._prod(step.out_shape), pairwise._prod(step.shape_a))


def staged_program(plain: pairwise.Program, terms: Sequence[str], unique: Sequence[str],
                   out: str, sizes: dict[str, int], *, constant: Collection[int],
                   batch: str = "") -> tuple[tuple, pairwise.Program] | None:
    """The constants-first path and its program, where it does less work per call than
    ``plain`` (compiled from the same ``terms``) under the same folding and its largest
    intermediate stays within :data:`STAGED_LARGEST` (or ``plain``'s); else None.

    >>> sizes = {c: 4 for c in "abcde"}
    >>> terms = ["a", "ab", "bc", "cd", "de"]
    >>> plain = pairwise.compile_program(terms, "e", sizes, [(0, 1), (0, 1), (0, 1), (0, 1)])
    >>> path, program = staged_program(plain, terms, terms, "e", sizes, constant={1, 2, 3, 4})
    >>> runtime_flops(program, {1, 2, 3, 4}) < runtime_flops(plain, {1, 2, 3, 4})
    True
    """
    if not constant or len(constant) == len(terms):
        return None
    path, _ = staged_path(unique, out, sizes, constant)
    program = pairwise.compile_program(terms, out, sizes, path, batch)
    if program.largest > max(plain.largest, STAGED_LARGEST):
        return None
    if runtime_flops(program, constant) >= runtime_flops(plain, constant):
        return None
    return path, program
