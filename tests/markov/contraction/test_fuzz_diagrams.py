"""Differential fuzz of the contraction: random string diagrams (copies, discards, boxes
reading one wire twice, inputs) against a brute-force sum over every assignment of the
wires, in floats, in Fractions, and sliced (``max_memory``).

Fixed seeds; ``FUZZ_EXAMPLES`` (default 12) sets how many diagrams each test draws; diagram
``k`` uses seed ``k``.
"""

from __future__ import annotations

import itertools
import os
from fractions import Fraction

import numpy as np
import pytest

from diagrams import Box, Diagram, Ty
from markov import interpret

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
SEEDS = range(EXAMPLES)
SIZES = {"X": 2, "Y": 3, "Z": 2}


def random_diagram(seed: int, exact: bool = False) -> tuple[Diagram, dict]:
    """A diagram of up to five boxes on up to two input wires, each box reading up to two
    wires already there (a wire read twice, or by two boxes, is a copy), its outputs chosen
    at random (an unread wire is a discard); with random stochastic arrays."""
    rng = np.random.default_rng(seed)
    names = list(SIZES)
    wires = [names[int(i)] for i in rng.integers(0, 3, size=int(rng.integers(0, 3)))]
    n_inputs = len(wires)
    boxes, box_in, box_out, mapping = [], [], [], {}
    for i in range(int(rng.integers(1, 6))):
        ins = [int(w) for w in rng.integers(0, len(wires), size=int(rng.integers(0, 3)))] \
            if wires else []
        cod = [names[int(j)] for j in rng.integers(0, 3, size=int(rng.integers(1, 3)))]
        outs = list(range(len(wires), len(wires) + len(cod)))
        wires += cod
        box = Box(f"f{i}", Ty(*(wires[w] for w in ins)), Ty(*cod))
        boxes.append(box)
        box_in.append(ins)
        box_out.append(outs)
        mapping[box] = _stochastic(rng, [SIZES[wires[w]] for w in ins],
                                   [SIZES[c] for c in cod], exact)
    outputs = [int(w) for w in rng.integers(0, len(wires), size=int(rng.integers(1, 4)))]
    diagram = Diagram(wires, boxes, box_in, box_out, range(n_inputs), outputs)
    return diagram, mapping


def _stochastic(rng, dom: list[int], cod: list[int], exact: bool) -> np.ndarray:
    rows = int(np.prod(dom, dtype=int))
    n = int(np.prod(cod, dtype=int))
    weights = rng.integers(0 if exact else 1, 5, size=(rows, n))
    weights[:, 0] += weights.sum(axis=1) == 0
    if exact:
        totals = weights.sum(axis=1, keepdims=True)
        table = np.vectorize(Fraction, otypes=[object])(weights, totals)
    else:
        table = weights / weights.sum(axis=1, keepdims=True)
    return table.reshape(*dom, *cod)


def brute_force(diagram: Diagram, mapping: dict) -> np.ndarray:
    """Sum, over every assignment of values to the wires, of the product of the boxes'
    entries, into the entry of (input values, output values)."""
    wires, box_in, box_out, inputs, outputs = diagram.structure
    sizes = [SIZES[w] for w in wires]
    shape = [sizes[w] for w in (*inputs, *outputs)]
    arrays = [mapping[b] for b in diagram.boxes]
    exact = any(a.dtype == object for a in arrays)
    out = np.zeros(shape, dtype=object if exact else float)
    if exact:
        out[...] = Fraction(0)
    for values in itertools.product(*(range(n) for n in sizes)):
        weight = Fraction(1) if exact else 1.0
        for array, ins, outs in zip(arrays, box_in, box_out):
            weight = weight * array[tuple(values[w] for w in (*ins, *outs))]
        out[tuple(values[w] for w in (*inputs, *outputs))] += weight
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_random_diagrams_agree_with_the_brute_force_sum(seed):
    diagram, mapping = random_diagram(seed)
    got = interpret(diagram, mapping, sizes=SIZES).array
    np.testing.assert_allclose(got, brute_force(diagram, mapping), rtol=0, atol=1e-12,
                               err_msg=f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_exact_diagrams_equal_the_brute_force_sum_in_fractions(seed):
    diagram, mapping = random_diagram(seed, exact=True)
    got = interpret(diagram, mapping, sizes=SIZES).array
    want = brute_force(diagram, mapping)
    assert got.dtype == object and np.array_equal(got, want), f"seed {seed}"
    # Exact throughout: Fractions (ints where only wiring reaches an output: identities).
    assert all(isinstance(x, (Fraction, int)) for x in np.asarray(got).ravel())


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_sliced_contractions_equal_the_unsliced_ones(seed):
    diagram, mapping = random_diagram(seed)
    whole = interpret(diagram, mapping, sizes=SIZES).array
    answer = int(np.prod(np.shape(whole), dtype=int))
    # Room for the answer and a little more, so that larger intermediates get sliced.
    sliced = interpret(diagram, mapping, sizes=SIZES, max_memory=8 * max(answer, 1) * 3).array
    np.testing.assert_allclose(sliced, whole, rtol=0, atol=1e-12, err_msg=f"seed {seed}")
    _, exact = random_diagram(seed, exact=True)
    sliced_exact = interpret(diagram, exact, sizes=SIZES, max_memory=8 * max(answer, 1) * 3).array
    assert np.array_equal(sliced_exact, interpret(diagram, exact, sizes=SIZES).array), f"seed {seed}"
