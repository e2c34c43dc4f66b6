"""Elimination orders and the accounting of pairwise paths.

:func:`elimination_path` orders the contraction as variable elimination does: repeatedly sum
out one label, chosen by one of the classic heuristics for Bayesian networks (min-weight,
min-fill, weighted min-fill), after multiplying the operands that hold it. :class:`PathWalk`
walks any pairwise path without arrays, step by step, and counts what the pairwise program
will do: the labels each intermediate keeps, the multiply-adds, the widest result. An order
is walked while it is built, so it can stop as soon as it cannot win (costs more than a path
already known) or cannot run (an intermediate with more axes than an array may have).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any


def label_uses(terms: Sequence, out: str) -> dict[str, int]:
    """How many terms (each counted once) and outputs use each label: a label whose count
    drops to 1 inside a pairwise step can be summed out there.

    >>> label_uses(["ab", "bc"], "a")
    {'a': 2, 'b': 2, 'c': 1}
    """
    count: dict[str, int] = {}
    for term in terms:
        for c in dict.fromkeys(term):  # each label once per term, in order
            count[c] = count.get(c, 0) + 1
    for c in out:
        count[c] = count.get(c, 0) + 1
    return count


def path_cost(terms: Sequence[str], out: str, sizes: dict[str, int], path) -> float:
    """The multiply-adds of a pairwise contraction along ``path``.

    >>> path_cost(["ab", "bc"], "ac", {"a": 2, "b": 3, "c": 4}, [(0, 1)])
    24.0
    """
    return PathWalk(terms, out, sizes).run(path).cost


class PathWalk:
    """A pairwise contraction walked step by step without arrays: the labels each live
    operand (by SSA id) keeps, the multiply-adds so far and the widest result (in labels,
    and its elements), as :func:`path_cost` and the pairwise program count them.

    >>> walk = PathWalk(["ab", "bc", "cd"], "ad", {c: 2 for c in "abcd"}).run([(0, 1)])
    >>> walk.cost, walk.widest, {i: sorted(labels) for i, labels in walk.live.items()}
    (8.0, 2, {2: ['c', 'd'], 3: ['a', 'c']})
    >>> walk.fits(1), walk.fits(None)
    (False, True)
    """

    def __init__(self, terms: Sequence[str], out: str, sizes: dict[str, int]):
        self.live = {i: set(t) for i, t in enumerate(terms)}
        self.count = label_uses(list(self.live.values()), out)
        self.sizes, self.next = sizes, len(terms)
        self.cost, self.widest, self.widest_elements = 0.0, 0, 1

    def step(self, ids: Sequence[int]) -> int:
        """Contract the live operands ``ids`` (SSA ids); the SSA id of the result."""
        group = [self.live.pop(i) for i in ids]
        union = set().union(*group)
        for t in group:
            for c in t:
                self.count[c] -= 1
        kept = {c for c in union if self.count.get(c)}
        self.cost += math.prod(map(self.sizes.__getitem__, union)) * max(len(group) - 1, 1)
        for c in kept:
            self.count[c] += 1
        if len(kept) > self.widest:
            self.widest, self.widest_elements = len(kept), math.prod(map(self.sizes.__getitem__, kept))
        self.live[self.next] = kept
        self.next += 1
        return self.next - 1

    def run(self, path) -> PathWalk:
        """Walk ``path`` (opt_einsum's list format: positions among the live operands)."""
        ids = list(self.live)
        for contraction in path:
            group = [ids[i] for i in contraction]
            for i in sorted(contraction, reverse=True):
                del ids[i]
            ids.append(self.step(group))
        return self

    def fits(self, max_axes: int | None) -> bool:
        """Whether every result so far has at most ``max_axes`` labels (None: no limit)."""
        return max_axes is None or self.widest <= max_axes


def fill_in(near: set, adjacent: dict[str, set], sizes: dict[str, int], *,
            weighted: bool = True) -> tuple[int, int]:
    """The edges that eliminating a label with neighbours ``near`` adds to the interaction
    graph ``adjacent``: how many, and (if ``weighted``) the sum of their weights, the product
    of their ends' sizes.

    >>> fill_in({"a", "b", "c"}, {"a": {"b"}, "b": {"a"}, "c": set()}, {"a": 2, "b": 3, "c": 5})
    (2, 25)
    """
    # Each missing edge (x, y) is seen from x and from y; x itself is in near - adjacent[x]
    # (hence the - 1 and the - sizes[x]).
    missing = [near - adjacent[x] for x in near]
    fill = (sum(map(len, missing)) - len(near)) // 2
    if not weighted:
        return fill, 0
    equal = {sizes[x] for x in near}
    if len(equal) == 1:  # every new edge weighs the same (binary networks)
        return fill, fill * equal.pop() ** 2
    get = sizes.__getitem__
    return fill, sum(get(x) * (sum(map(get, m)) - get(x)) for x, m in zip(near, missing)) // 2


class _Stop(Exception):
    """An elimination order that can no longer win or fit."""


def elimination_path(terms: Sequence[str], out: str, sizes: dict[str, int],
                     heuristic: str = "min-weight", *, max_axes: int | None = None,
                     max_cost: float | None = None) -> tuple | None:
    """The path of variable elimination in a greedy order (the classic heuristics for
    Bayesian networks): repeatedly sum out the label whose elimination makes the smallest
    factor (``"min-weight"``), adds the fewest new edges to the interaction graph
    (``"min-fill"``) or the least weight of new edges (``"weighted-min-fill"``), multiplying
    the operands that hold it (smallest first); output labels are never summed out, and what
    remains is multiplied at the end. None, as soon as a step's result has more than
    ``max_axes`` labels or the steps so far cost more than ``max_cost`` multiply-adds.

    >>> elimination_path(["ab", "bc", "cd"], "ad", {"a": 2, "b": 3, "c": 4, "d": 5})
    ((0, 1), (0, 1))
    >>> elimination_path(["ab", "bc", "cd"], "ad", {"a": 2, "b": 3, "c": 4, "d": 5},
    ...                  max_axes=1) is None
    True
    """
    return eliminate(terms, out, sizes, heuristic, max_axes=max_axes, max_cost=max_cost)[0]


def eliminate(terms: Sequence[str], out: str, sizes: dict[str, int], heuristic: str, *,
              max_axes: int | None = None, max_cost: float | None = None) -> tuple:
    """:func:`elimination_path`'s path (None where it stopped) and its :class:`PathWalk`,
    which says how far it went: the cost so far and the widest result.

    >>> path, walk = eliminate(["ab", "bc", "cd"], "ad", {c: 2 for c in "abcd"}, "min-fill")
    >>> path, walk.cost, walk.widest
    (((0, 1), (0, 1)), 16.0, 2)
    """
    keep = set(out)
    holders: dict[str, set[int]] = {}
    labels: list[set[str]] = []
    for i, t in enumerate(terms):
        labels.append(set(t))
        for c in t:
            holders.setdefault(c, set()).add(i)
    ssa: list[tuple[int, int]] = []
    alive = set(range(len(terms)))
    walk = PathWalk(terms, out, sizes)
    # The interaction graph as elimination changes it: summing out c joins its neighbours.
    adjacent: dict[str, set[str]] = {c: set() for c in holders}
    for t in labels:
        for c in t:
            adjacent[c].update(t)
    for c, near in adjacent.items():
        near.discard(c)

    def weight(c):
        near = adjacent[c]
        size = math.prod(map(sizes.__getitem__, near)) * sizes[c]
        if heuristic == "min-weight":
            return size
        fill, weighted = fill_in(near, adjacent, sizes, weighted=heuristic != "min-fill")
        return (fill if heuristic == "min-fill" else weighted, size)

    def merge(ids):
        ids = sorted(ids, key=lambda i: (math.prod(map(sizes.__getitem__, labels[i])), i))
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
            walk.step((acc, other))
            if not walk.fits(max_axes) or (max_cost is not None and walk.cost > max_cost):
                raise _Stop
            acc = new
        return acc

    order = sorted(c for c in holders if c not in keep)
    heap = [(weight(c), c) for c in order]
    push, pop = _queue(heap)
    done: set[str] = set()
    try:
        while heap:
            w, c = pop(heap)
            if c in done:
                continue
            current = weight(c)
            if current != w:
                push(heap, (current, c))
                continue
            done.add(c)
            neighbours = adjacent.pop(c)
            for x in neighbours:
                adjacent[x] |= neighbours
                adjacent[x].discard(x)
                adjacent[x].discard(c)
            merged = merge(holders[c])
            labels[merged].discard(c)
            del holders[c]
            for x in neighbours:
                if x not in keep and x not in done:
                    push(heap, (weight(x), x))
        rest = sorted(alive, key=lambda i: (math.prod(map(sizes.__getitem__, labels[i])), i))
        if len(rest) > 1:
            merge(rest)
    except _Stop:
        return None, walk
    if len(rest) == 1 and not ssa:
        return ((0,),), walk.run(((0,),))
    return ssa_to_linear(ssa, len(terms)), walk


#: Above this many labels an elimination order keeps its queue in a heap.
HEAP_ABOVE = 100


def _queue(items: list) -> tuple[Callable, Callable]:
    """Push and pop of a priority queue over ``items``: a heap for many, a plain list whose
    least item is found when popped for a few (the same items in the same order: importing
    heapq costs a small network's first query about half a millisecond)."""
    if len(items) > HEAP_ABOVE:
        import heapq

        heapq.heapify(items)
        return heapq.heappush, heapq.heappop
    return list.append, _pop_least


def _pop_least(items: list) -> Any:
    least = min(items)
    items.remove(least)
    return least


def linear_to_ssa(path: Sequence, n: int) -> list[tuple]:
    """A path in opt_einsum's list format (positions in the shrinking list of operands, each
    result appended) over ``n`` operands, with each operand named once and for all instead:
    inputs ``0 .. n-1``, the ``k``-th result ``n + k``.

    >>> linear_to_ssa([(0, 2), (0, 1)], 3)
    [(0, 2), (1, 3)]
    """
    live = list(range(n))
    out = []
    for k, step in enumerate(path):
        out.append(tuple(live[i] for i in step))
        for i in sorted(step, reverse=True):
            del live[i]
        live.append(n + k)
    return out


def ssa_to_linear(ssa: Sequence, n: int) -> tuple[tuple, ...]:
    """The inverse of :func:`linear_to_ssa`: each step's positions, sorted, in the list of
    operands still live.

    >>> ssa_to_linear([(0, 2), (1, 3)], 3)
    ((0, 2), (0, 1))
    """
    live = list(range(n))
    out = []
    for k, step in enumerate(ssa):
        positions = tuple(sorted(live.index(i) for i in step))
        for i in reversed(positions):
            del live[i]
        out.append(positions)
        live.append(n + k)
    return tuple(out)
