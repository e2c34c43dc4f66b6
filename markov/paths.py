"""Contraction paths and slices.

**Paths.** Up to :data:`SMALL` operands opt_einsum's ``"auto"`` search is used (optimal or
branch-and-bound for the smallest networks). Above that, opt_einsum's greedy path is the
first candidate; when its cost is above :data:`WORTH_SEARCHING` multiply-adds and cotengra is
installed, cotengra's hyper-optimiser (greedy trials, a small fixed budget, a fixed seed)
searches further and the cheaper path wins. Paths are computed once per plan and cached
with it, so the search is paid once per (structure, shapes).

**Slices.** When the largest intermediate does not fit, :func:`choose_slices` picks labels to
fix, greedily: each round fixes the label that brings the largest intermediate down most
(ties: least total work). The contraction then runs once per value of the sliced labels and
the results are summed (or written into their place, for an output label).
"""

from __future__ import annotations

from collections.abc import Sequence

import opt_einsum as oe

#: At most this many operands: opt_einsum's "auto" search.
SMALL = 14
#: The elimination orders tried when the greedy path is expensive.
HEURISTICS = ("min-weight", "min-fill", "weighted-min-fill")
#: A greedy path cheaper than this many multiply-adds is used as it is.
WORTH_SEARCHING = 10**6
#: Above this many multiply-adds, cotengra's hyper-optimiser is worth seconds of search.
HUGE = 10**10
#: The budget of cotengra's search: trials, and seconds.
TRIALS, SECONDS = 32, 5.0


def find_path(terms: Sequence[str], out: str, sizes: dict[str, int]) -> tuple[tuple, str]:
    """A contraction path for ``terms -> out`` (opt_einsum's list format) and the name of the
    method that found it.

    >>> find_path(["ab", "bc", "cd"], "ad", {"a": 2, "b": 3, "c": 4, "d": 5})
    (((0, 1), (0, 1)), 'opt_einsum-auto')
    """
    n = len(terms)
    if n == 0:
        return (), "empty"
    if n == 1:
        return ((0,),), "single"
    equation = ",".join(terms) + "->" + out
    shapes = [tuple(sizes[c] for c in t) for t in terms]
    if n <= SMALL:
        path, _ = oe.contract_path(equation, *shapes, shapes=True, optimize="auto")
        return tuple(map(tuple, path)), "opt_einsum-auto"
    path, _ = oe.contract_path(equation, *shapes, shapes=True, optimize="greedy")
    path = tuple(map(tuple, path))
    candidates = [(path_cost(terms, out, sizes, path), path, "opt_einsum-greedy")]
    if candidates[0][0] > WORTH_SEARCHING:
        for heuristic in HEURISTICS:
            elim = elimination_path(terms, out, sizes, heuristic)
            candidates.append((path_cost(terms, out, sizes, elim), elim,
                               f"elimination-{heuristic}"))
    best = min(candidates, key=lambda c: c[0])
    if best[0] > HUGE:
        found = _cotengra_path(terms, out, sizes)
        if found is not None and found[1] < best[0]:
            return found[0], "cotengra-hyper"
    return best[1], best[2]


def _cotengra_path(terms, out, sizes):
    try:
        import cotengra as ctg
    except ImportError:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = ctg.HyperOptimizer(methods=["greedy"], max_repeats=TRIALS, max_time=SECONDS,
                                 parallel=False, minimize="flops", progbar=False,
                                 optlib="random")
        tree = opt.search([tuple(t) for t in terms], tuple(out), sizes)
    path = tuple(map(tuple, tree.get_path()))
    return path, path_cost(terms, out, sizes, path)


def path_cost(terms: Sequence[str], out: str, sizes: dict[str, int], path) -> float:
    """The multiply-adds of a pairwise contraction along ``path``.

    >>> path_cost(["ab", "bc"], "ac", {"a": 2, "b": 3, "c": 4}, [(0, 1)])
    24.0
    """
    live = [set(t) for t in terms]
    count: dict[str, int] = {}
    for t in live:
        for c in t:
            count[c] = count.get(c, 0) + 1
    for c in out:
        count[c] = count.get(c, 0) + 1
    cost = 0.0
    for contraction in path:
        group = [live[i] for i in contraction]
        for i in sorted(contraction, reverse=True):
            del live[i]
        union = set().union(*group)
        for t in group:
            for c in t:
                count[c] -= 1
        kept = {c for c in union if count.get(c)}
        cost += _prod(sizes[c] for c in union) * max(len(group) - 1, 1)
        for c in kept:
            count[c] += 1
        live.append(kept)
    return cost


def elimination_path(terms: Sequence[str], out: str, sizes: dict[str, int],
                     heuristic: str = "min-weight") -> tuple:
    """The path of variable elimination in a greedy order (the classic heuristics for
    Bayesian networks): repeatedly sum out the label whose elimination makes the smallest
    factor (``"min-weight"``), adds the fewest new edges to the interaction graph
    (``"min-fill"``) or the least weight of new edges (``"weighted-min-fill"``), multiplying
    the operands that hold it (smallest first); output labels are never summed out, and what
    remains is multiplied at the end.

    >>> elimination_path(["ab", "bc", "cd"], "ad", {"a": 2, "b": 3, "c": 4, "d": 5})
    ((0, 1), (0, 1))
    """
    import heapq

    keep = set(out)
    holders: dict[str, set[int]] = {}
    labels: list[set[str]] = []
    for i, t in enumerate(terms):
        labels.append(set(t))
        for c in t:
            holders.setdefault(c, set()).add(i)
    ssa: list[tuple[int, int]] = []
    alive = set(range(len(terms)))

    def weight(c):
        union = set().union(*(labels[i] for i in holders[c]))
        size = _prod(sizes[x] for x in union)
        if heuristic == "min-weight":
            return size
        union.discard(c)
        adjacent = {x: set().union(*(labels[i] for i in holders[x])) for x in union}
        fill = [(x, y) for x in union for y in union if x < y and y not in adjacent[x]]
        if heuristic == "min-fill":
            return (len(fill), size)
        return (sum(sizes[x] * sizes[y] for x, y in fill), size)

    def merge(ids):
        ids = sorted(ids, key=lambda i: (_prod(sizes[x] for x in labels[i]), i))
        acc = ids[0]
        for other in ids[1:]:
            new = len(labels)
            labels.append(labels[acc] | labels[other])
            for x in labels[new]:
                holders[x].discard(acc)
                holders[x].discard(other)
                holders[x].add(new)
            alive.difference_update((acc, other))
            alive.add(new)
            ssa.append((acc, other))
            acc = new
        return acc

    order = sorted(c for c in holders if c not in keep)
    heap = [(weight(c), c) for c in order]
    heapq.heapify(heap)
    done: set[str] = set()
    while heap:
        w, c = heapq.heappop(heap)
        if c in done:
            continue
        current = weight(c)
        if current != w:
            heapq.heappush(heap, (current, c))
            continue
        done.add(c)
        neighbours = set().union(*(labels[i] for i in holders[c])) - {c}
        merged = merge(holders[c])
        labels[merged].discard(c)
        del holders[c]
        for x in neighbours:
            if x not in keep and x not in done:
                heapq.heappush(heap, (weight(x), x))
    rest = sorted(alive, key=lambda i: (_prod(sizes[x] for x in labels[i]), i))
    if len(rest) > 1:
        merge(rest)
    elif len(rest) == 1 and not ssa:
        return ((0,),)
    return _ssa_to_linear(ssa, len(terms))


def _ssa_to_linear(ssa: list[tuple[int, int]], n: int) -> tuple:
    ids = list(range(n))
    path = []
    next_id = n
    for a, b in ssa:
        i, j = sorted((ids.index(a), ids.index(b)))
        path.append((i, j))
        del ids[j]
        del ids[i]
        ids.append(next_id)
        next_id += 1
    return tuple(path)


def choose_slices(terms: Sequence[str], out: str, sizes: dict[str, int],
                  target: int) -> tuple[str, ...] | None:
    """Labels to slice so that no term of ``terms`` (every operand and intermediate of the
    path) has more than ``target`` elements; ``None`` when no choice can (a term whose
    labels are all of size 1, or the output alone is too large).

    >>> choose_slices(["ab", "bc", "b"], "", {"a": 10, "b": 10, "c": 10}, 10)
    ('b',)
    """
    def size(term, sliced):
        n = 1
        for c in term:
            if c not in sliced:
                n *= sizes[c]
        return n

    if size(out, ()) > target:
        return None
    sliced: list[str] = []
    while True:
        worst = max((size(t, sliced), t) for t in terms)
        if worst[0] <= target:
            return tuple(sliced)
        candidates = {c for t in terms if size(t, sliced) > target for c in t
                      if c not in sliced and sizes[c] > 1}
        if not candidates:
            return None

        def score(c):
            trial = (*sliced, c)
            return (max(size(t, trial) for t in terms),
                    sum(size(t, trial) for t in terms) * _prod(sizes[x] for x in trial), c)

        sliced.append(min(candidates, key=score))


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out
