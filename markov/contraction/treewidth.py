"""Treewidth lower bounds: a proof, in milliseconds, that no contraction path can stay small.

The **interaction graph** of a tensor network has a vertex per label and an edge between two
labels that some term holds together. Labels held by one term only, and not in the output,
are left out: they are summed inside that term's first step and constrain nothing.

**Minor-min-width** (MMD+ with the least-c rule; Bodlaender & Koster, *Treewidth lower
bounds*, 2011): repeatedly take a vertex of least degree, record that degree, and contract it
into the neighbour it has the fewest common neighbours with (which keeps the most edges). Every graph met is a minor of the first, the treewidth of
a minor is at most that of the graph, and a graph's least degree is at most its treewidth;
so the largest degree recorded is a lower bound on the treewidth. It is at least the
degeneracy (networkx's ``max(core_number(G).values())``), often much more.

**From treewidth to intermediates.** Let a pairwise contraction path have result label sets
of at most ``W`` labels (each step's result, and each term's shared labels). The step whose
operands carry label sets ``A`` and ``B`` touches ``A | B``; these sets, one per step, form a
tree decomposition of the interaction graph (a label is carried along the tree paths that
join its terms). A label carried by ``A`` only is still needed after the step, so it is in
the result, and so is one carried by ``B`` only: ``|A - B| + |B - A| <= W``, hence
``|A | B| <= W + min(|A - B|, |B - A|) <= 3W / 2``. So every path has an intermediate of at
least ``ceil(2 (tw + 1) / 3)`` labels: :func:`axes_lower_bound`.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def interaction_graph(terms: Sequence[str], out: str = "") -> dict[str, set[str]]:
    """The labels of ``terms -> out`` that two or more terms (or a term and the output) use,
    each with the labels it shares a term with.

    >>> graph = interaction_graph(["ab", "bc", "cd", "de"], "")
    >>> sorted((v, sorted(n)) for v, n in graph.items())
    [('b', ['c']), ('c', ['b', 'd']), ('d', ['c'])]
    """
    uses: dict[str, int] = {}
    for term in terms:
        for c in set(term):
            uses[c] = uses.get(c, 0) + 1
    for c in set(out):
        uses[c] = uses.get(c, 0) + 1
    graph: dict[str, set[str]] = {}
    for term in terms:
        shared = [c for c in set(term) if uses[c] > 1]
        for c in shared:
            graph.setdefault(c, set()).update(shared)
    for c, neighbours in graph.items():
        neighbours.discard(c)
    return graph


def treewidth_lower_bound(graph: dict[str, set[str]]) -> int:
    """Minor-min-width (MMD+, least-c rule) of ``graph`` ({vertex: neighbours}, symmetric): a
    lower bound on its treewidth, in ``O(edges log vertices)``-ish time. Exact on trees (1),
    cycles (2) and cliques (k - 1).

    >>> clique = {v: set("abcd") - {v} for v in "abcd"}
    >>> cycle = {v: {"abcde"[i - 1], "abcde"[(i + 1) % 5]} for i, v in enumerate("abcde")}
    >>> treewidth_lower_bound(clique), treewidth_lower_bound(cycle)
    (3, 2)
    """
    adjacent = {v: set(n) for v, n in graph.items()}
    heap = [(len(n), v) for v, n in adjacent.items()]
    heapq.heapify(heap)
    bound = 0
    while heap:
        degree, v = heapq.heappop(heap)
        if v not in adjacent or len(adjacent[v]) != degree:
            continue  # a stale entry: v is gone or its degree changed
        bound = max(bound, degree)
        neighbours = adjacent.pop(v)
        if not neighbours:
            continue
        # contract v into the neighbour it shares fewest neighbours with (ties: the smallest
        # name), so that the contraction removes few edges
        u = min(neighbours, key=lambda x: (len(adjacent[x] & neighbours), x))
        for x in neighbours:
            adjacent[x].discard(v)
            if x != u and x not in adjacent[u]:
                adjacent[u].add(x)
                adjacent[x].add(u)
        for x in neighbours:
            heapq.heappush(heap, (len(adjacent[x]), x))
    return bound


def axes_lower_bound(treewidth: int) -> int:
    """The fewest labels that the widest intermediate of any pairwise contraction path can
    have, given a lower bound on the interaction graph's ``treewidth`` (see the module's
    notes): ``ceil(2 (treewidth + 1) / 3)``.

    >>> axes_lower_bound(95), axes_lower_bound(96)
    (64, 65)
    """
    return -(-2 * (treewidth + 1) // 3)
