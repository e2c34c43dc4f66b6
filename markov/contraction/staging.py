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

from collections.abc import Callable, Collection, Sequence

from markov.contraction import pairwise
from markov.contraction.paths import find_path, linear_to_ssa, ssa_to_linear

#: A staged path may grow the largest intermediate up to this many elements (or the plain
#: path's largest, if more): its first stage runs once, but it must still fit.
STAGED_LARGEST = 2**22


def staged_path(terms: Sequence[str], out: str, sizes: dict[str, int],
                constant: Collection[int], *, merge: bool = False,
                search: Callable = find_path) -> tuple[tuple, str]:
    """A path (opt_einsum's list format) for ``terms -> out`` (labels unique per term) that
    contracts each component of the ``constant`` operands to its interface first (and, with
    ``merge``, all of those into one tensor); ``search(terms, out, sizes, once=...)`` finds
    the paths of the parts (``once`` for those of constants alone, which run once: folded).

    >>> sizes = {c: 2 for c in "abcd"}
    >>> staged_path(["a", "ab", "bc", "cd"], "d", sizes, {1, 2, 3})  # "a" changes
    (((2, 3), (1, 2), (0, 1)), 'constants-first')
    """
    n = len(terms)
    changing = [i for i in range(n) if i not in constant]
    interface = set(out).union(*(terms[i] for i in changing))
    parent = list(range(n))  # union-find: networkx would add its import to a first query

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
            _extend(ssa, members, search([terms[i] for i in members], kept, sizes, once=True)[0],
                    n)
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
    if merge and len(stage_terms) > 1:  # every constant into one tensor: one product a call
        union = "".join(sorted(set("".join(stage_terms))))
        _extend(ssa, stage_two, search(stage_terms, union, sizes, once=True)[0], n)
        stage_two, stage_terms = [n + len(ssa) - 1], [union]
    for i in changing:
        stage_two.append(i)
        stage_terms.append(terms[i])
    if len(stage_terms) > 1:
        _extend(ssa, stage_two, search(stage_terms, out, sizes)[0], n)
    return ssa_to_linear(ssa, n), "constants-first"


def _extend(ssa: list, operands: list[int], path: Sequence, n: int) -> None:
    """Append to the SSA path ``ssa`` (over ``n`` inputs) a sub-path over the SSA ids
    ``operands`` (given in opt_einsum's list format)."""
    local = list(operands)
    for step in linear_to_ssa(path, len(operands)):
        ssa.append(tuple(local[k] for k in step))
        local.append(n + len(ssa) - 1)


def runtime_flops(program: pairwise.Program, constant: Collection[int]) -> int:
    """Multiply-adds of the steps of ``program`` that read a changing operand (the others
    fold: they run once).

    >>> p = pairwise.compile_program(["a", "ab", "bc"], "c", {c: 2 for c in "abc"},
    ...                              [(1, 2), (0, 1)])
    >>> runtime_flops(p, {1, 2}), p.flops
    (4, 12)
    """
    return sum(_step_flops(step) for step in _changing(program, constant))


def _changing(program: pairwise.Program, constant: Collection[int]) -> list:
    """The steps of ``program`` that read a changing operand."""
    is_constant = [i in constant for i in range(program.n_inputs)]
    out = []
    for step in program.steps:
        operands = (step.x,) if step.kind == pairwise.REDUCE else (step.x, step.y)
        fixed = all(is_constant[j] for j in operands)
        is_constant.append(fixed)
        if not fixed:
            out.append(step)
    return out


def _step_flops(step: pairwise.Step) -> int:
    if step.kind == pairwise.MATMUL:
        return pairwise._prod(step.shape_a) * step.shape_b[-1]
    return max(pairwise._prod(step.out_shape), pairwise._prod(step.shape_a))


def staged_candidates(terms: Sequence[str], unique: Sequence[str], out: str,
                      sizes: dict[str, int], *, constant: Collection[int], batch: str = "",
                      max_axes: int | None = None) -> list[tuple[tuple, pairwise.Program]]:
    """The constants-first paths (each component to its interface; then, the second, all of
    those into one tensor) and their programs, compiled from ``terms``. ``max_axes`` as in
    :func:`~markov.contraction.paths.find_path`: a part no path fits raises
    :class:`~markov.contraction.paths.NoPathFits` as soon as its search says so.

    >>> sizes = {c: 4 for c in "abcde"}
    >>> terms = ["a", "ab", "bc", "cd", "de"]
    >>> [path for path, _ in staged_candidates(terms, terms, "e", sizes, constant={1, 2, 3, 4})]
    [((3, 4), (1, 2), (1, 2), (0, 1)), ((3, 4), (1, 2), (1, 2), (0, 1))]
    """
    found: dict = {}

    def search(ts, o, sz, once=False):  # the two variants share their first stage
        key = (tuple(ts), o, once)
        if key not in found:
            found[key] = find_path(ts, o, sz, once=once, max_axes=max_axes)
        return found[key]

    out_: list = []
    for merge in (False, True):
        path, _ = staged_path(unique, out, sizes, constant, merge=merge, search=search)
        if out_ and out_[-1][0] == path:  # one component: merging changes nothing
            out_.append(out_[-1])
        else:
            out_.append((path, pairwise.compile_program(terms, out, sizes, path, batch)))
    return out_


def staged_program(plain: pairwise.Program, terms: Sequence[str], unique: Sequence[str],
                   out: str, sizes: dict[str, int], *, constant: Collection[int],
                   batch: str = "", candidates: list | None = None
                   ) -> tuple[tuple, pairwise.Program] | None:
    """The constants-first path and its program, where it does less work per call than
    ``plain`` (compiled from the same ``terms``) under the same folding (multiply-adds, and
    :data:`STEP_COST` a step) and its largest intermediate stays within
    :data:`STAGED_LARGEST` (or ``plain``'s); else None. ``candidates``: those of
    :func:`staged_candidates`, if already compiled.

    >>> sizes = {c: 4 for c in "abcde"}
    >>> terms = ["a", "ab", "bc", "cd", "de"]
    >>> plain = pairwise.compile_program(terms, "e", sizes, [(0, 1), (0, 1), (0, 1), (0, 1)])
    >>> path, program = staged_program(plain, terms, terms, "e", sizes, constant={1, 2, 3, 4})
    >>> runtime_flops(program, {1, 2, 3, 4}) < runtime_flops(plain, {1, 2, 3, 4})
    True
    """
    if not constant or len(constant) == len(terms):
        return None
    best, best_cost = None, call_cost(plain, constant)
    limit = max(plain.largest, STAGED_LARGEST)
    if candidates is None:
        candidates = staged_candidates(terms, unique, out, sizes, constant=constant,
                                       batch=batch)
    for path, program in candidates:
        cost = call_cost(program, constant)
        if program.largest <= limit and cost < best_cost:
            best, best_cost = (path, program), cost
    return best


def unbeatable(candidates: list, n_inputs: int, constant: Collection[int], max_axes: int
               ) -> tuple[tuple, pairwise.Program] | None:
    """The cheaper candidate where no plain path can cost less per call, so that the plain
    path need not be searched: one changing input, read by one step of at most
    :data:`STEP_COST` multiply-adds (a plain path reads it in one step, after contracting
    every constant to at least the same interface, or pays two steps), and no intermediate
    over :data:`STAGED_LARGEST` elements or ``max_axes`` axes; else None.

    >>> sizes = {c: 4 for c in "abcde"}
    >>> terms = ["a", "ab", "bc", "cd", "de"]
    >>> found = staged_candidates(terms, terms, "e", sizes, constant={1, 2, 3, 4})
    >>> unbeatable(found, 5, {1, 2, 3, 4}, 64)[0]
    ((3, 4), (1, 2), (1, 2), (0, 1))
    >>> unbeatable(found, 5, {2, 3, 4}, 64) is None  # two changing inputs
    True
    """
    if n_inputs - len(constant) != 1:
        return None
    best, best_cost = None, 2 * STEP_COST
    for path, program in candidates:
        steps = _changing(program, constant)
        cost = call_cost(program, constant)
        if (len(steps) == 1 and cost < best_cost and program.largest <= STAGED_LARGEST
                and max((len(s.labels) for s in program.steps), default=0) <= max_axes):
            best, best_cost = (path, program), cost
    return best


#: What one step of a call costs besides its multiply-adds (a few microseconds of numpy
#: calls), in multiply-adds: small contractions are won by taking fewer steps.
STEP_COST = 2**13


def call_cost(program: pairwise.Program, constant: Collection[int]) -> int:
    """What a call of ``program`` costs when the steps on ``constant`` inputs alone are
    folded: the other steps' multiply-adds plus :data:`STEP_COST` each.

    >>> p = pairwise.compile_program(["a", "ab", "bc"], "c", {c: 2 for c in "abc"},
    ...                              [(1, 2), (0, 1)])
    >>> call_cost(p, {1, 2}) == 4 + STEP_COST
    True
    """
    steps = _changing(program, constant)
    return sum(_step_flops(step) for step in steps) + STEP_COST * len(steps)
