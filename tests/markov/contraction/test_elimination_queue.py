"""An elimination order's queue is a heap above ``HEAP_ABOVE`` labels and a plain list below
(no heapq import for a small network's first query): the two give the same order."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from markov.contraction import elimination
from markov.contraction.elimination import eliminate
from markov.contraction.paths import symbol


@st.composite
def networks(draw):
    """Random factor graphs: up to 14 operands over up to 12 labels of sizes 2-3."""
    n_labels = draw(st.integers(2, 12))
    labels = [symbol(i) for i in range(n_labels)]
    terms = draw(st.lists(st.lists(st.sampled_from(labels), min_size=1, max_size=3, unique=True)
                          .map("".join), min_size=2, max_size=14))
    used = sorted(set("".join(terms)))
    out = "".join(draw(st.lists(st.sampled_from(used), max_size=2, unique=True)))
    sizes = {c: draw(st.integers(2, 3)) for c in used}
    return terms, out, sizes


def _with_heap_above(limit, *args):
    saved, elimination.HEAP_ABOVE = elimination.HEAP_ABOVE, limit
    try:
        return eliminate(*args)
    finally:
        elimination.HEAP_ABOVE = saved


@pytest.mark.parametrize("heuristic", ["min-weight", "min-fill", "weighted-min-fill"])
@given(networks())
def test_list_and_heap_give_the_same_order(heuristic, network):
    terms, out, sizes = network
    listed = _with_heap_above(10**9, terms, out, sizes, heuristic)
    heaped = _with_heap_above(-1, terms, out, sizes, heuristic)
    assert listed[0] == heaped[0] and listed[1].cost == heaped[1].cost


def test_a_large_chain_uses_the_heap_and_agrees():
    rng = random.Random(0)
    labels = [symbol(i) for i in range(150)]
    terms = [a + b for a, b in zip(labels, labels[1:])]
    rng.shuffle(terms)
    sizes = {c: rng.choice((2, 3)) for c in labels}
    assert len(labels) > elimination.HEAP_ABOVE  # the default queue is the heap
    heaped = eliminate(terms, "", sizes, "min-weight")
    assert heaped[0] == _with_heap_above(10**9, terms, "", sizes, "min-weight")[0]
