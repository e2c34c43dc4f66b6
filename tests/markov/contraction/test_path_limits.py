"""Limits of the path search: the treewidth lower bound is a bound, orders stop once they
cannot fit or win without changing the path chosen, and what no path can run is refused
with its estimate (counted, never timed)."""

from __future__ import annotations

import itertools
import sys

import networkx as nx
import numpy as np
import opt_einsum as oe
import pytest
from hypothesis import given
from hypothesis import strategies as st

from markov import ContractionTooLarge
from markov.contraction.elimination import PathWalk, eliminate, elimination_path, path_cost
from markov.contraction.paths import HEURISTICS, NoPathFits, find_path
from markov.contraction.treewidth import axes_lower_bound, interaction_graph, treewidth_lower_bound

paths = sys.modules["markov.contraction.paths"]
compile_module = sys.modules["markov.contraction.compile"]


def as_graph(g: nx.Graph) -> dict:
    return {v: set(g[v]) for v in g}


def edge_terms(g: nx.Graph) -> list[str]:
    """One pairwise term per edge, labels named by opt_einsum's symbols."""
    index = {v: oe.get_symbol(i) for i, v in enumerate(g)}
    return [index[a] + index[b] for a, b in g.edges]


def exact_treewidth(g: nx.Graph) -> int:
    """The least width over every elimination order (small graphs only)."""
    best = len(g)
    for order in itertools.permutations(g):
        h, width = {v: set(g[v]) for v in g}, 0
        for v in order:
            near = h.pop(v)
            width = max(width, len(near))
            for x in near:
                h[x] |= near - {x}
                h[x].discard(v)
        best = min(best, width)
    return best


# ---- the lower bound ------------------------------------------------------------------------

@pytest.mark.parametrize("graph,treewidth", [
    (nx.path_graph(12), 1), (nx.balanced_tree(3, 3), 1), (nx.star_graph(9), 1),
    (nx.cycle_graph(3), 2), (nx.cycle_graph(17), 2),
    (nx.complete_graph(2), 1), (nx.complete_graph(5), 4), (nx.complete_graph(30), 29),
    (nx.empty_graph(4), 0)])
def test_the_lower_bound_is_the_treewidth_of_trees_cycles_and_cliques(graph, treewidth):
    assert treewidth_lower_bound(as_graph(graph)) == treewidth


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 12])
def test_the_lower_bound_of_an_n_by_n_grid_is_min_n_4(n):
    """A grid's treewidth is n; minor-min-width finds it up to 4 and says 4 above (as
    documented: a grid has a vertex of degree <= 4 in every minor it walks through)."""
    assert treewidth_lower_bound(as_graph(nx.grid_2d_graph(n, n))) == min(n, 4)


small_graphs = st.integers(2, 7).flatmap(lambda n: st.lists(
    st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n).map(
        lambda edges: nx.Graph([(a, b) for a, b in edges if a != b] or [(0, 1)])))


@given(small_graphs)
def test_the_lower_bound_never_exceeds_the_treewidth(g):
    assert treewidth_lower_bound(as_graph(g)) <= exact_treewidth(g)


@given(small_graphs)
def test_the_lower_bound_is_at_least_the_degeneracy(g):
    assert treewidth_lower_bound(as_graph(g)) >= max(nx.core_number(g).values())


@st.composite
def networks(draw):
    """Terms of one to three labels over up to 10 labels, an output of up to two labels."""
    n = draw(st.integers(3, 10))
    symbols = [oe.get_symbol(i) for i in range(n)]
    terms = draw(st.lists(st.lists(st.sampled_from(symbols), min_size=1, max_size=3,
                                   unique=True).map("".join), min_size=2, max_size=12))
    used = sorted(set("".join(terms)))
    out = "".join(draw(st.lists(st.sampled_from(used), max_size=2, unique=True)))
    sizes = {c: draw(st.integers(1, 3)) for c in used}
    return terms, out, sizes


@given(networks(), st.randoms(use_true_random=False))
def test_every_path_is_at_least_as_wide_as_the_bound_says(network, random):
    """Orders, greedy and random pairings alike: the widest intermediate (or term) has at
    least ceil(2 (tw + 1) / 3) labels, and an elimination order at least tw."""
    terms, out, sizes = network
    bound = treewidth_lower_bound(interaction_graph(terms, out))
    widest_term = max(map(len, terms))
    for heuristic in HEURISTICS:
        _, walk = eliminate(terms, out, sizes, heuristic)
        assert max(walk.widest, widest_term) >= axes_lower_bound(bound)
    pairs, live = [], len(terms)
    while live > 1:
        i, j = sorted(random.sample(range(live), 2))
        pairs.append((i, j))
        live -= 1
    walk = PathWalk(terms, out, sizes).run(pairs)
    assert max(walk.widest, widest_term) >= axes_lower_bound(bound)


def test_the_axes_bound_is_two_thirds_of_the_bags():
    assert [axes_lower_bound(t) for t in (0, 1, 2, 3, 95, 96)] == [1, 2, 2, 3, 64, 65]


# ---- stopping orders changes nothing that fits ------------------------------------------------

@given(networks())
def test_a_walked_order_costs_what_path_cost_says(network):
    terms, out, sizes = network
    for heuristic in HEURISTICS:
        path, walk = eliminate(terms, out, sizes, heuristic)
        assert path == elimination_path(terms, out, sizes, heuristic)
        assert walk.cost == path_cost(terms, out, sizes, path)


def bn_terms(rng, n: int, parents: int = 3) -> tuple[list[str], dict[str, int]]:
    terms = []
    for i in range(n):
        chosen = rng.choice(i, size=min(parents, i), replace=False) if i else []
        terms.append("".join(oe.get_symbol(int(j)) for j in (*chosen, i)))
    return terms, {oe.get_symbol(i): int(rng.integers(2, 4)) for i in range(n)}


@pytest.mark.parametrize("seed", range(8))
def test_stopping_orders_that_cannot_win_keeps_the_cheapest_path(seed):
    """Branch and bound: orders stopped once dearer than the best path so far, the path
    chosen costs exactly the least of every candidate run to its end."""
    rng = np.random.default_rng(seed)
    terms, sizes = bn_terms(rng, 30)
    out = terms[-1][-1]
    path, method = paths._search(terms, out, sizes)  # find_path, before canonical labels
    equation = ",".join(terms) + "->" + out
    greedy, _ = oe.contract_path(equation, *(tuple(sizes[c] for c in t) for t in terms),
                                 shapes=True, optimize="greedy")
    every = [path_cost(terms, out, sizes, elimination_path(terms, out, sizes, h))
             for h in HEURISTICS] + [path_cost(terms, out, sizes, greedy)]
    assert path_cost(terms, out, sizes, path) == min(every)
    assert paths._search(terms, out, sizes, 64) == (path, method)


def test_an_order_stops_at_the_first_step_past_its_limits():
    terms, out, sizes = ["ab", "bc", "cd", "de", "ea", "ac"], "", {c: 2 for c in "abcde"}
    _, full = eliminate(terms, out, sizes, "min-fill")
    stopped, walk = eliminate(terms, out, sizes, "min-fill", max_axes=full.widest - 1)
    assert stopped is None and walk.widest == full.widest
    stopped, walk = eliminate(terms, out, sizes, "min-fill", max_cost=1)
    assert stopped is None and 1 < walk.cost < full.cost


# ---- refusals ---------------------------------------------------------------------------------

class Calls:
    """Record the orders the search runs (heuristic, limit) and fail if cotengra runs."""

    def __init__(self, monkeypatch):
        self.orders: list[tuple[str, int | None]] = []

        def spy(terms, out, sizes, heuristic, *, max_axes=None, max_cost=None):
            self.orders.append((heuristic, max_axes))
            return eliminate(terms, out, sizes, heuristic, max_axes=max_axes, max_cost=max_cost)

        def no_cotengra(*args):
            raise AssertionError("cotengra ran")

        monkeypatch.setattr(paths, "eliminate", spy)
        monkeypatch.setattr(paths, "_cotengra_path", no_cotengra)


def dense_terms(n: int, degree: int, seed: int = 0) -> list[str]:
    g = nx.random_regular_graph(degree, n, seed=seed)
    return edge_terms(g)


def test_a_clique_too_wide_for_any_path_is_refused_by_proof_after_the_first_order(monkeypatch):
    """The first order (min-weight) is the estimate that calls for the bound; the bound
    proves it: no greedy pairing, no other order."""
    calls = Calls(monkeypatch)
    terms = edge_terms(nx.complete_graph(12))  # treewidth 11: some step has >= 8 labels
    with pytest.raises(NoPathFits) as refused:
        find_path(terms, "", {c: 2 for c in "".join(terms)}, max_axes=7)
    assert refused.value.proven and refused.value.treewidth == 11
    assert refused.value.axes == 8 and refused.value.elements == 2**8
    assert calls.orders == [("min-weight", 10)]


def test_a_decisively_wide_network_is_refused_after_one_order(monkeypatch):
    """min-weight past 1.5x the limit settles it: no greedy pairing, no other order, no
    cotengra."""
    terms = dense_terms(60, 8)
    sizes = {c: 2 for c in "".join(terms)}
    _, walk = eliminate(terms, "", sizes, "min-weight")
    limit = walk.widest // 2
    assert axes_lower_bound(treewidth_lower_bound(interaction_graph(terms, ""))) <= limit
    calls = Calls(monkeypatch)
    with pytest.raises(NoPathFits) as refused:
        find_path(terms, "", sizes, max_axes=limit)
    assert calls.orders == [("min-weight", int(1.5 * limit))]
    assert not refused.value.proven and refused.value.axes > 1.5 * limit
    assert refused.value.tried == ("elimination-min-weight",)
    assert refused.value.seconds >= 0


def test_a_near_miss_tries_every_order_each_stopped_at_the_limit(monkeypatch):
    terms = dense_terms(60, 8)
    sizes = {c: 2 for c in "".join(terms)}
    widths = [eliminate(terms, "", sizes, h)[1].widest for h in HEURISTICS]
    limit = min(widths) - 1
    calls = Calls(monkeypatch)
    with pytest.raises(NoPathFits) as refused:
        find_path(terms, "", sizes, max_axes=limit)
    assert calls.orders == [("min-weight", int(1.5 * limit)), ("min-fill", limit),
                            ("weighted-min-fill", limit)]
    assert limit < refused.value.axes <= min(widths)


def test_a_path_that_fits_is_found_when_greedy_does_not():
    """Only paths that fit compete: greedy pairing is 16 wide here, the orders 12."""
    terms = edge_terms(nx.random_regular_graph(4, 40, seed=0))
    sizes = {c: 2 for c in "".join(terms)}
    equation = ",".join(terms) + "->"
    greedy, _ = oe.contract_path(equation, *[(2, 2)] * len(terms), shapes=True,
                                 optimize="greedy")
    assert PathWalk(terms, "", sizes).run(greedy).widest == 16
    path, method = paths._search(terms, "", sizes, 12)
    assert PathWalk(terms, "", sizes).run(path).widest == 12
    assert method.startswith("elimination-")
    with pytest.raises(NoPathFits):
        paths._search(terms, "", sizes, 11)


def graph_structure(g: nx.Graph):
    """compile_plan's arguments for a network whose interaction graph is ``g``: a binary
    state per vertex, and per edge a box that reads both ends into a discarded wire."""
    vertices = list(g)
    index = {v: k for k, v in enumerate(vertices)}
    edges = list(g.edges)
    wires = tuple(f"V{k}" for k in range(len(vertices))) + tuple(f"W{k}" for k in
                                                                 range(len(edges)))
    box_inputs = ((),) * len(vertices) + tuple((index[a], index[b]) for a, b in edges)
    box_outputs = tuple((k,) for k in range(len(vertices))) + tuple(
        (len(vertices) + k,) for k in range(len(edges)))
    event_shapes = ((2,),) * len(vertices) + ((2, 2, 2),) * len(edges)
    return ((wires, box_inputs, box_outputs, (), ()), event_shapes,
            ((),) * len(box_inputs), (2,) * len(wires))


def test_compile_refuses_a_clique_with_the_proven_estimate(monkeypatch):
    """With the axes an array may have lowered to 7, a 12-clique (treewidth 11, so some
    step of every path has at least 8 labels) is refused with elements, bytes and
    multiply-adds, by proof."""
    monkeypatch.setattr(compile_module, "_MAX_AXES", 7)
    calls = Calls(monkeypatch)
    with pytest.raises(ContractionTooLarge, match=r"at least 8 axes.*proven lower bound.*"
                       r"treewidth is at least 11.*at least 256 elements \(2 KiB in float64\)"
                       r" and 256 multiply-adds; refused after .* s of path search"):
        compile_module.compile_plan(*graph_structure(nx.complete_graph(12)))
    assert calls.orders == [("min-weight", 10)]


def test_compile_refuses_a_wide_network_with_the_heuristic_estimate(monkeypatch):
    g = nx.random_regular_graph(8, 60, seed=0)
    terms = edge_terms(g)
    limit = eliminate(terms, "", {c: 2 for c in "".join(terms)}, "min-weight")[1].widest // 2
    assert axes_lower_bound(treewidth_lower_bound(as_graph(g))) <= limit
    monkeypatch.setattr(compile_module, "_MAX_AXES", limit)
    calls = Calls(monkeypatch)
    with pytest.raises(ContractionTooLarge, match=rf"no contraction path found .* within the "
                       rf"{limit} axes.*needs at least \d+ axes, so at least [\d,]+ elements "
                       r"\(.* in float64\) and .* multiply-adds \(a heuristic estimate\)"):
        compile_module.compile_plan(*graph_structure(g))
    assert [h for h, _ in calls.orders] == ["min-weight"]


def test_a_network_that_fits_plans_as_before_with_its_search_time():
    P = compile_module.compile_plan(*graph_structure(nx.cycle_graph(30)))
    assert P.method.startswith(("elimination", "opt_einsum"))
    assert max(len(s.labels) for s in P.program.steps) <= 3 and P.search_seconds > 0


def test_a_spent_budget_skips_the_orders_left_once_a_path_fits(monkeypatch):
    """With no time left, greedy pairing and the first order decide (and cotengra, which
    would otherwise run above 1e10 multiply-adds, is skipped too)."""
    terms = dense_terms(60, 8)
    sizes = {c: 2 for c in "".join(terms)}
    calls = Calls(monkeypatch)
    monkeypatch.setattr(paths, "total_budget", lambda n: 0.0)
    path, method = paths._search(terms, "", sizes, 64)
    assert calls.orders == [("min-weight", 96)]
    assert method in ("opt_einsum-greedy", "elimination-min-weight")
    assert path_cost(terms, "", sizes, path) > paths.HUGE


def test_a_path_that_runs_once_takes_a_cheap_first_order_without_searching_more(monkeypatch):
    """once=True (a constant part, folded): min-weight's path decides when it costs at most
    ONCE multiply-adds; a costlier one, or a path for every call, gets the whole search."""
    terms = edge_terms(nx.cycle_graph(30))
    sizes = {c: 2 for c in "".join(terms)}
    calls = Calls(monkeypatch)
    monkeypatch.setattr(paths, "TRIVIAL", 0)  # a cycle of bits costs less (next test)
    path, method = find_path(terms, "", sizes, once=True)
    assert calls.orders == [("min-weight", None)] and method == "elimination-min-weight"
    assert path_cost(terms, "", sizes, path) <= paths.ONCE
    calls.orders.clear()
    assert find_path(terms, "", sizes)[0] is not None
    assert [h for h, _ in calls.orders] == list(HEURISTICS)
    calls.orders.clear()
    monkeypatch.setattr(paths, "ONCE", 1)
    find_path(terms, "", sizes, once=True)
    assert [h for h, _ in calls.orders] == list(HEURISTICS)


@given(st.integers(0, 10**6))
def test_the_fill_of_a_label_counts_and_weighs_each_missing_edge_among_its_neighbours(seed):
    import random

    from markov.contraction.elimination import fill_in

    rng = random.Random(seed)
    g = nx.gnm_random_graph(12, rng.randint(0, 40), seed=seed)
    sizes = {v: rng.choice([2, 3, 5, 21]) for v in g}
    adjacent = {v: set(g[v]) for v in g}
    for c in g:
        near = adjacent[c]
        missing = [(x, y) for x, y in itertools.combinations(sorted(near), 2)
                   if y not in adjacent[x]]
        assert fill_in(near, adjacent, sizes) == (
            len(missing), sum(sizes[x] * sizes[y] for x, y in missing))


@pytest.mark.parametrize("n", [3, 5, 30])
def test_a_trivial_contraction_takes_min_weights_path_without_a_search(monkeypatch, n):
    """At most TRIVIAL multiply-adds, min-weight's path is taken as it is, for few operands
    (where opt_einsum's exhaustive search would decide) as for many; above, the search runs."""
    terms = edge_terms(nx.cycle_graph(n))
    sizes = {c: 2 for c in "".join(terms)}
    calls = Calls(monkeypatch)
    searched, search = [], oe.contract_path
    monkeypatch.setattr(oe, "contract_path", lambda *a, **k: searched.append(k) or search(*a, **k))
    path, method = find_path(terms, "", sizes)
    assert method == "elimination-min-weight" and not searched
    assert [h for h, _ in calls.orders] == ["min-weight"]
    assert path_cost(terms, "", sizes, path) <= paths.TRIVIAL
    sizes = {c: 16 for c in sizes}  # now each step costs 16**3
    path, method = find_path(terms, "", sizes)
    assert searched and path_cost(terms, "", sizes, path) > paths.TRIVIAL
