"""A model's variables in topological order, ties broken by the order they were given in
(Kahn's algorithm taking the first ready variable each time), on random graphs."""

from __future__ import annotations

import heapq

import pytest
from hypothesis import given
from hypothesis import strategies as st

from causal._construct import topological_order
from causal.errors import CyclicModel


def _reference(variables, parents):
    """Kahn's algorithm with a heap of ranks, as it was written before."""
    rank = {v: i for i, v in enumerate(variables)}
    children = {v: [] for v in variables}
    missing = {v: len(parents[v]) for v in variables}
    for v in variables:
        for p in parents[v]:
            children[p].append(v)
    ready = [rank[v] for v in variables if missing[v] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        v = variables[heapq.heappop(ready)]
        order.append(v)
        for c in children[v]:
            missing[c] -= 1
            if missing[c] == 0:
                heapq.heappush(ready, rank[c])
    return tuple(order)


@st.composite
def dags(draw):
    """A random DAG over up to 12 variables, listed in a random order."""
    n = draw(st.integers(1, 12))
    names = [f"v{i}" for i in range(n)]
    parents = {v: tuple(names[j] for j in range(i) if draw(st.booleans()))
               for i, v in enumerate(names)}
    return draw(st.permutations(names)), parents


@given(dags())
def test_first_ready_variable_first(dag):
    variables, parents = dag
    order = topological_order(list(variables), parents)
    assert order == _reference(list(variables), parents)
    position = {v: i for i, v in enumerate(order)}
    assert all(position[p] < position[v] for v in order for p in parents[v])


def test_given_order_kept_where_it_is_topological():
    assert topological_order(["b", "a", "c"], {"a": (), "b": (), "c": ("a",)}) == ("b", "a", "c")
    assert topological_order(["c", "b", "a"], {"a": (), "b": (), "c": ("a",)}) == ("b", "a", "c")


def test_cycle():
    with pytest.raises(CyclicModel, match="'a' is on a cycle: a -> b -> a"):
        topological_order(["a", "b", "c"], {"a": ("b",), "b": ("a",), "c": ()})
