"""Contraction paths and slices.

**Paths.** The search runs on a canonical form of the network (colour refinement of the
hypergraph orders operands and labels), so two layouts of one model get one path. Up to
:data:`TINY` operands opt_einsum's exhaustive search decides. Otherwise the candidates are
opt_einsum's ``"auto"`` path (up to :data:`SMALL` operands) or its greedy path, and
variable-elimination orders (min-weight, min-fill, weighted min-fill: the classic heuristics
for Bayesian networks, which follow the treewidth where greedy pairing does not); the
cheapest, by multiply-adds, wins. Above :data:`HUGE` multiply-adds cotengra's hyper-optimiser
(when installed) searches more, for a time that grows with the network
(:func:`search_budget`); :attr:`~markov.Plan.search_seconds` reports what the search took. Paths are computed once per plan and cached with
it, so the search is paid once per (structure, shapes).

**Slices.** When the largest intermediate does not fit, :func:`choose_slices` picks labels to
fix, greedily: each round fixes the label that brings the largest intermediate down most
(ties: least total work). The contraction then runs once per value of the sliced labels and
the results are summed (or written into their place, for an output label).
"""

from __future__ import annotations

from collections.abc import Sequence

from diagrams._lazy import lazy_module

oe = lazy_module("opt_einsum")


#: At most this many operands: opt_einsum's exhaustive search.
TINY = 5
#: At most this many operands: opt_einsum's "auto" search, against elimination orders.
SMALL = 14
#: The elimination orders tried.
HEURISTICS = ("min-weight", "min-fill", "weighted-min-fill")
#: Above this many multiply-adds, cotengra's hyper-optimiser is worth seconds of search.
HUGE = 10**10
#: The budget of cotengra's search: trials, and at most this many seconds.
TRIALS, SECONDS = 32, 5.0


def search_budget(n_operands: int) -> float:
    """Seconds of cotengra search a network of ``n_operands`` gets: 5 ms per operand,
    between 0.2 s and :data:`SECONDS` (a search longer than the contraction helps no one).

    >>> search_budget(10), search_budget(400), search_budget(10**6)
    (0.2, 2.0, 5.0)
    """
    return min(SECONDS, max(0.2, n_operands / 200))


def find_path(terms: Sequence[str], out: str, sizes: dict[str, int]) -> tuple[tuple, str]:
    """A contraction path for ``terms -> out`` (opt_einsum's list format) and the name of the
    method that found it. The search runs on a canonical form of the network (operands and
    labels sorted by colour refinement of the hypergraph), so that the same network drawn in
    another layout gets the same path.

    >>> find_path(["ab", "bc", "cd"], "ad", {"a": 2, "b": 3, "c": 4, "d": 5})
    (((0, 1), (0, 1)), 'opt_einsum-optimal')
    """
    if len(terms) < 3:
        return _search(terms, out, sizes)
    order, rename = _canonical(terms, out, sizes)
    canonical = ["".join(rename[c] for c in terms[i]) for i in order]
    path, method = _search(canonical, "".join(rename[c] for c in out),
                           {rename[c]: n for c, n in sizes.items() if c in rename})
    return _relabel_path(path, order), method


def _canonical(terms, out, sizes):
    """An order of the operands and new names of the labels that depend on the hypergraph
    only (colour refinement; ties keep the given order)."""
    labels = list(dict.fromkeys("".join(terms) + out))
    holders: dict[str, list[int]] = {c: [] for c in labels}
    for i, t in enumerate(terms):
        for c in set(t):
            holders[c].append(i)
    colour = {c: hash((sizes[c], out.index(c) if c in out else -1)) for c in labels}
    op_colour = [0] * len(terms)
    for _ in range(4):
        op_colour = [hash((len(set(t)), tuple(sorted(colour[c] for c in set(t)))))
                     for t in terms]
        colour = {c: hash((colour[c], tuple(sorted(op_colour[i] for i in holders[c]))))
                  for c in labels}
    order = sorted(range(len(terms)), key=lambda i: (op_colour[i], i))
    position = {}
    for rank, i in enumerate(order):
        for c in terms[i]:
            position.setdefault(c, rank)
    ranked = sorted(labels, key=lambda c: (colour[c], position.get(c, -1), labels.index(c)))
    return order, {c: oe.get_symbol(k) for k, c in enumerate(ranked)}


def _relabel_path(path, order) -> tuple:
    """A path over operands listed in ``order`` as a path over the original list."""
    n = len(order)
    ids = list(order)              # canonical position -> original id (SSA)
    ssa = []
    next_id = n
    for contraction in path:
        group = [ids[i] for i in contraction]
        for i in sorted(contraction, reverse=True):
            del ids[i]
        ssa.append(tuple(group))
        ids.append(next_id)
        next_id += 1
    live = list(range(n))
    out = []
    next_id = n
    for group in ssa:
        positions = tuple(sorted(live.index(g) for g in group))
        for i in sorted(positions, reverse=True):
            del live[i]
        out.append(positions)
        live.append(next_id)
        next_id += 1
    return tuple(out)


def _search(terms: Sequence[str], out: str, sizes: dict[str, int]) -> tuple[tuple, str]:
    n = len(terms)
    if n == 0:
        return (), "empty"
    if n == 1:
        return ((0,),), "single"
    equation = ",".join(terms) + "->" + out
    shapes = [tuple(sizes[c] for c in t) for t in terms]
    if n <= TINY:
        path, _ = oe.contract_path(equation, *shapes, shapes=True, optimize="optimal")
        return tuple(map(tuple, path)), "opt_einsum-optimal"
    # opt_einsum's own path ("auto" while its search is cheap, "greedy" above) against the
    # classic elimination orders: the cheapest wins.
    optimize = "auto" if n <= SMALL else "greedy"
    path, _ = oe.contract_path(equation, *shapes, shapes=True, optimize=optimize)
    path = tuple(map(tuple, path))
    candidates = [(path_cost(terms, out, sizes, path), path, f"opt_einsum-{optimize}")]
    for heuristic in HEURISTICS:
        elim = elimination_path(terms, out, sizes, heuristic)
        candidates.append((path_cost(terms, out, sizes, elim), elim,
                           f"elimination-{heuristic}"))
    best = min(candidates, key=lambda c: c[0])
    if n <= SMALL:
        return best[1], best[2]
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
        opt = ctg.HyperOptimizer(methods=["greedy"], max_repeats=TRIALS,
                                 max_time=search_budget(len(terms)),
                                 parallel=False, minimize="flops", progbar=False,
                                 optlib="random")
        tree = opt.search([tuple(t) for t in terms], tuple(out), sizes)
    path = tuple(map(tuple, tree.get_path()))
    return path, path_cost(terms, out, sizes, path)


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
    live = [set(t) for t in terms]
    count = label_uses(live, out)
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
