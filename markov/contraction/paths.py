"""Contraction paths and slices.

**Paths.** The search runs on a canonical form of the network (colour refinement of the
hypergraph orders operands and labels), so two layouts of one model get one path. Up to
:data:`TINY` operands opt_einsum's exhaustive search decides, unless min-weight's path
costs at most :data:`TRIVIAL` multiply-adds (then no order could save a step's fixed cost, and
it is taken as it is). Otherwise the candidates are
opt_einsum's ``"auto"`` path (up to :data:`SMALL` operands) or its greedy path, and
variable-elimination orders (min-weight, min-fill, weighted min-fill: the classic heuristics
for Bayesian networks, which follow the treewidth where greedy pairing does not); the
cheapest, by multiply-adds, wins. Above :data:`HUGE` multiply-adds cotengra's hyper-optimiser
(when installed) searches more, for a time that grows with the network
(:func:`search_budget`); :attr:`~markov.Plan.search_seconds` reports what the search took.
Paths are computed once per plan and cached with it, so the search is paid once per
(structure, shapes).

**Limits.** Each elimination order is counted while it is built
(:mod:`markov.contraction.elimination`) and stops as soon as its steps so far cost more than
the best path found (it cannot win) or, given ``max_axes``, one of its intermediates has more
axes than an array may have (it can never run); only paths that fit compete. min-weight,
the cheapest order to find, goes first and may go on to :data:`DECISIVE` times the limit.
When it is too wide or above :data:`HUGE`, a treewidth lower bound
(:mod:`markov.contraction.treewidth`, milliseconds) may prove that no path fits; when it is
wider than :data:`DECISIVE` times the limit, nothing else is tried; when no path tried fits,
nothing is left to try. Each case raises :class:`NoPathFits` with the estimate. The search
shares a time budget (:func:`total_budget`): once it is spent and a path fits, the orders
left and cotengra are skipped; cotengra only improves a path that fits.

**Slices.** When the largest intermediate does not fit, :func:`choose_slices` picks labels to
fix, greedily: each round fixes the label that brings the largest intermediate down most
(ties: least total work). The contraction then runs once per value of the sliced labels and
the results are summed (or written into their place, for an output label).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from diagrams._lazy import lazy_module
from markov.contraction.elimination import (  # noqa: F401 (re-exported)
    PathWalk,
    eliminate,
    elimination_path,
    label_uses,
    linear_to_ssa,
    path_cost,
    ssa_to_linear,
)

oe = lazy_module("opt_einsum")

#: The labels numpy's einsum takes (string.ascii_letters, without importing string on a
#: cold start), and the first 52 of :func:`symbol`.
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


#: At most this many operands: opt_einsum's exhaustive search.
TINY = 5
#: A contraction whose min-weight path costs at most this many multiply-adds takes that path
#: without a search: every full contraction of n operands takes n - 1 pairwise steps, and
#: below this size a step's fixed cost (a microsecond) outweighs what a better order could
#: save. It also keeps the first query on a small network from importing opt_einsum.
TRIVIAL = 2**12
#: At most this many operands: opt_einsum's "auto" search, against elimination orders.
SMALL = 14
#: The elimination orders tried.
HEURISTICS = ("min-weight", "min-fill", "weighted-min-fill")
#: An elimination order (min-weight, the first) wider than this many times the axes allowed
#: settles a search: nothing else is tried and the contraction is refused. A pairwise path
#: can be up to 1.5 times narrower than the treewidth (:mod:`markov.contraction.treewidth`),
#: so this is a heuristic estimate only where min-weight is far from the best order.
DECISIVE = 1.5
#: Above this many multiply-adds, cotengra's hyper-optimiser is worth seconds of search.
HUGE = 10**10
#: A path that runs once (``find_path(once=True)``: a constant part, folded) and costs at
#: most this many multiply-adds (about a millisecond) is taken as min-weight finds it: the
#: other orders take longer to search than they could save.
ONCE = 2**20
#: The budget of cotengra's search: trials, and at most this many seconds.
TRIALS, SECONDS = 32, 5.0


def search_budget(n_operands: int) -> float:
    """Seconds of cotengra search a network of ``n_operands`` gets: 5 ms per operand,
    between 0.2 s and :data:`SECONDS` (a search longer than the contraction helps no one).

    >>> search_budget(10), search_budget(400), search_budget(10**6)
    (0.2, 2.0, 5.0)
    """
    return min(SECONDS, max(0.2, n_operands / 200))


def total_budget(n_operands: int) -> float:
    """Seconds the heuristics of one path search may take in all before those left are
    skipped (only once a path that fits is known): 20 ms per operand, at least 2 s. The
    bundled networks' searches take a twentieth of it or less.

    >>> total_budget(10), total_budget(400)
    (2.0, 8.0)
    """
    return max(2.0, n_operands / 50)


class NoPathFits(Exception):
    """No contraction path keeps every intermediate within ``max_axes`` axes. ``axes``,
    ``elements`` and ``flops`` estimate the narrowest path's widest intermediate and its
    work from below; ``proven``: by a treewidth lower bound (``treewidth``, -1 when not
    computed), for every path; else for the paths tried (``tried``), each stopped once past
    the limit. ``seconds``: how long the search took.

    >>> find_path(["abc", "bcd", "cde", "dea", "eab", "abd"], "", {c: 2 for c in "abcde"},
    ...           max_axes=2)
    Traceback (most recent call last):
    ...
    markov.contraction.paths.NoPathFits: no path found within 2 axes: ...
    """

    axes: int
    elements: int
    flops: float
    proven: bool
    treewidth: int
    tried: tuple[str, ...]
    seconds: float
    max_axes: int

    # by hand, not a dataclass: building one costs a cold start ~1 ms
    def __init__(self, *, axes: int, elements: int, flops: float, proven: bool,
                 treewidth: int, tried: tuple[str, ...], seconds: float, max_axes: int):
        super().__init__()
        self.axes, self.elements, self.flops, self.proven = axes, elements, flops, proven
        self.treewidth, self.tried, self.seconds, self.max_axes = (treewidth, tried, seconds,
                                                                   max_axes)

    def __repr__(self) -> str:
        fields = ("axes", "elements", "flops", "proven", "treewidth", "tried", "seconds",
                  "max_axes")
        return "NoPathFits(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in fields) + ")"

    def __str__(self) -> str:
        how = "proven by treewidth" if self.proven else "narrowest of " + ", ".join(self.tried)
        return f"no path found within {self.max_axes} axes: at least {self.axes} ({how})"


def find_path(terms: Sequence[str], out: str, sizes: dict[str, int], *,
              max_axes: int | None = None, once: bool = False) -> tuple[tuple, str]:
    """A contraction path for ``terms -> out`` (opt_einsum's list format) and the name of the
    method that found it. The search runs on a canonical form of the network (operands and
    labels sorted by colour refinement of the hypergraph), so that the same network drawn in
    another layout gets the same path. With ``max_axes``, paths with a wider intermediate
    are not used, and :class:`NoPathFits` is raised when no path found (or none at all) fits.
    ``once``: the path will run once only (its result is kept), so min-weight's path is
    taken when it costs at most :data:`ONCE` multiply-adds.

    >>> find_path(["ab", "bc", "cd"], "ad", {"a": 20, "b": 30, "c": 40, "d": 50})
    (((0, 1), (0, 1)), 'opt_einsum-optimal')
    >>> find_path(["ab", "bc", "cd"], "ad", {"a": 2, "b": 3, "c": 4, "d": 5})  # TRIVIAL
    (((0, 1), (0, 1)), 'elimination-min-weight')
    >>> find_path(["ab", "bc", "cd", "de", "ea", "a"], "", {c: 2 for c in "abcde"}, once=True)[1]
    'elimination-min-weight'
    """
    if len(terms) < 3:
        return _search(terms, out, sizes, max_axes)
    order, rename = _canonical(terms, out, sizes)
    canonical = ["".join(rename[c] for c in terms[i]) for i in order]
    path, method = _search(canonical, "".join(rename[c] for c in out),
                           {rename[c]: n for c, n in sizes.items() if c in rename}, max_axes,
                           once)
    return _relabel_path(path, order), method


def _canonical(terms, out, sizes):
    """An order of the operands and new names of the labels that depend on the hypergraph
    only (colour refinement; ties keep the given order)."""
    labels = list(dict.fromkeys("".join(terms) + out))
    first = {c: k for k, c in enumerate(labels)}
    sets = [set(t) for t in terms]
    holders: dict[str, list[int]] = {c: [] for c in labels}
    for i, t in enumerate(sets):
        for c in t:
            holders[c].append(i)
    colour = {c: hash((sizes[c], out.index(c) if c in out else -1)) for c in labels}
    op_colour = [0] * len(terms)
    for _ in range(4):
        get = colour.__getitem__
        op_colour = [hash((len(t), tuple(sorted(map(get, t))))) for t in sets]
        get = op_colour.__getitem__
        colour = {c: hash((colour[c], tuple(sorted(map(get, holders[c]))))) for c in labels}
    order = sorted(range(len(terms)), key=lambda i: (op_colour[i], i))
    position = {}
    for rank, i in enumerate(order):
        for c in terms[i]:
            position.setdefault(c, rank)
    ranked = sorted(labels, key=lambda c: (colour[c], position.get(c, -1), first[c]))
    return order, {c: symbol(k) for k, c in enumerate(ranked)}


def _relabel_path(path, order) -> tuple:
    """A path over operands listed in ``order`` as a path over the original list."""
    n = len(order)
    ids = list(order) + list(range(n, n + len(path)))  # canonical SSA id -> original SSA id
    return ssa_to_linear([tuple(ids[i] for i in step) for step in linear_to_ssa(path, n)], n)


def symbol(k: int) -> str:
    """The ``k``-th einsum label, numbered as opt_einsum numbers them (its ``get_symbol``):
    the 52 ASCII letters, then characters from ``chr(192)`` on, surrogates skipped.

    >>> symbol(0), symbol(51), symbol(52)
    ('a', 'Z', 'À')
    """
    if k < 52:
        return LETTERS[k]
    return chr(k + 140) if k < 55296 else chr(k + 2048)


def _search(terms: Sequence[str], out: str, sizes: dict[str, int],
            max_axes: int | None = None, once: bool = False) -> tuple[tuple, str]:
    n = len(terms)
    if n == 0:
        return (), "empty"
    if n == 1:
        return ((0,),), "single"
    start = time.perf_counter()
    # min-weight, the cheapest order to find, goes first; it may go on past the limit, to
    # tell a near miss from a hopeless case.
    wide = None if max_axes is None else int(DECISIVE * max_axes)
    path, walk = eliminate(terms, out, sizes, HEURISTICS[0], max_axes=wide)
    first = (walk.cost, path, f"elimination-{HEURISTICS[0]}", walk)
    if path is not None and walk.fits(max_axes) and walk.cost <= TRIVIAL:
        return path, first[2]
    equation = ",".join(terms) + "->" + out
    shapes = [tuple(sizes[c] for c in t) for t in terms]
    if n <= TINY:
        path, _ = oe.contract_path(equation, *shapes, shapes=True, optimize="optimal")
        return tuple(map(tuple, path)), "opt_einsum-optimal"
    treewidth = -1
    if max_axes is not None and (not walk.fits(max_axes) or walk.cost > HUGE):
        treewidth = _refuse_by_proof(terms, out, sizes, max_axes, start)
        if path is None:
            raise _refusal([first], treewidth, max_axes, start)  # decisively too wide
    if once and path is not None and walk.fits(max_axes) and walk.cost <= ONCE:
        return path, first[2]
    # opt_einsum's own path ("auto" while its search is cheap, "greedy" above) and the other
    # orders, each stopped once it cannot fit or win: the cheapest that fits wins (the first
    # listed, on a tie).
    optimize = "auto" if n <= SMALL else "greedy"
    path, _ = oe.contract_path(equation, *shapes, shapes=True, optimize=optimize)
    path = tuple(map(tuple, path))
    walk = PathWalk(terms, out, sizes).run(path)
    runs = [(walk.cost, path, f"opt_einsum-{optimize}", walk), first]
    for heuristic in HEURISTICS[1:]:
        fitting = [r for r in runs if r[1] is not None and r[3].fits(max_axes)]
        if fitting and time.perf_counter() - start > total_budget(n):
            break
        bound = min(r[0] for r in fitting) if fitting else None
        path, walk = eliminate(terms, out, sizes, heuristic, max_axes=max_axes, max_cost=bound)
        runs.append((walk.cost, path, f"elimination-{heuristic}", walk))
    candidates = [r for r in runs if r[1] is not None and r[3].fits(max_axes)]
    if not candidates:
        raise _refusal(runs, treewidth, max_axes, start)
    best = min(candidates, key=lambda c: c[0])
    if n <= SMALL or time.perf_counter() - start > total_budget(n):
        return best[1], best[2]
    if best[0] > HUGE:
        found = _cotengra_path(terms, out, sizes)
        if found is not None and found[1] < best[0] \
                and PathWalk(terms, out, sizes).run(found[0]).fits(max_axes):
            return found[0], "cotengra-hyper"
    return best[1], best[2]


def _refuse_by_proof(terms, out, sizes, max_axes: int, start: float) -> int:
    """A treewidth lower bound of the network; raises :class:`NoPathFits` where it proves
    that some step of every path has more than ``max_axes`` labels (no term has)."""
    # imported here: only a path that does not fit needs the proof
    from markov.contraction.treewidth import (axes_lower_bound, interaction_graph,
                                              treewidth_lower_bound)

    treewidth = treewidth_lower_bound(interaction_graph(terms, out))
    axes = axes_lower_bound(treewidth)
    if axes > max_axes >= max(map(len, terms)):
        least = math.prod(sorted(sizes.values())[:axes])  # the smallest such intermediate
        raise NoPathFits(axes=axes, elements=least, flops=float(least), proven=True,
                         treewidth=treewidth, tried=("treewidth",),
                         seconds=time.perf_counter() - start, max_axes=max_axes)
    return treewidth


def _refusal(runs: list, treewidth: int, max_axes: int, start: float) -> NoPathFits:
    """No path tried fits: the estimate of the narrowest (each counted up to its stop)."""
    least = min((r[3] for r in runs), key=lambda w: (w.widest, w.widest_elements))
    return NoPathFits(axes=least.widest, elements=least.widest_elements, flops=least.cost,
                      proven=False, treewidth=treewidth, tried=tuple(r[2] for r in runs),
                      seconds=time.perf_counter() - start, max_axes=max_axes)


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
                    sum(size(t, trial) for t in terms) * math.prod(sizes[x] for x in trial), c)

        sliced.append(min(candidates, key=score))
