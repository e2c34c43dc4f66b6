"""One-off contractions (markov.contraction.once) against the compiled interpretation: by one
einsum over every wire, or step by step along the min-weight order; and where they decline."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagrams import Box, Diagram, Ty
from markov import interpret
from markov.contraction import once
from markov.contraction.once import contract_once
from markov.testing.strategies import diagrams, interpretations

SIZES = {"X": 2, "Y": 3}


@st.composite
def closed(draw):
    d = draw(diagrams(("X", "Y"), max_boxes=5, dom=Ty()))
    kernels = draw(interpretations(d, SIZES))
    return d, kernels


@pytest.mark.parametrize("one_einsum", [once.ONE_EINSUM, 0])  # one einsum, or step by step
@given(closed())
def test_a_one_off_contraction_equals_the_compiled_one(one_einsum, drawn):
    d, kernels = drawn
    found = _once(d, [kernels[box].array for box in d.boxes], one_einsum)
    if len(set(d.outputs)) < len(d.outputs) or not d.boxes:
        assert found is None  # an output twice (a copy) or nothing to contract: compiled
        return
    expected = interpret(d, kernels).array
    assert found.shape == expected.shape
    np.testing.assert_allclose(found, expected, rtol=1e-12, atol=1e-15)


def _once(d, arrays, one_einsum):
    saved = once.ONE_EINSUM
    once.ONE_EINSUM = one_einsum
    try:
        return contract_once(d, arrays)
    finally:
        once.ONE_EINSUM = saved


def chain(n: int) -> tuple[Diagram, list]:
    """``X0 -> X1 -> ... -> X(n-1)``, the last one the output."""
    wires = [f"X{i}" for i in range(n)]
    boxes = [Box("X0", Ty(), Ty("X0"))] + [Box(f"X{i}", Ty(f"X{i - 1}"), Ty(f"X{i}"))
                                           for i in range(1, n)]
    d = Diagram(wires, boxes, [[]] + [[i - 1] for i in range(1, n)],
                [[i] for i in range(n)], (), (n - 1,))
    flip = np.array([[0.9, 0.1], [0.2, 0.8]])
    return d, [np.array([0.5, 0.5])] + [flip] * (n - 1)


def test_past_the_einsum_limit_it_goes_step_by_step_over_more_than_52_wires():
    d, arrays = chain(80)  # 2**80 joint states, 80 wires: min-weight steps, few labels each
    expected = interpret(d, dict(zip(d.boxes, arrays))).array
    np.testing.assert_allclose(contract_once(d, arrays), expected, rtol=1e-12)


def test_it_declines_what_a_compiled_plan_must_do():
    d, arrays = chain(3)
    assert contract_once(d, arrays) is not None
    exact = [np.vectorize(Fraction, otypes=[object])(a) for a in arrays]
    assert contract_once(d, exact) is None                       # exact numbers
    batched = [arrays[0][None].repeat(4, 0), *arrays[1:]]
    assert contract_once(d, batched) is None                     # a batch axis
    assert contract_once(d, arrays[:2]) is None                  # an array missing
    assert contract_once(d, [np.ones(3), *arrays[1:]]) is None   # sizes that disagree
    tiny = [np.array([1e-200, 1e-200]), *arrays[1:]]
    assert contract_once(d, tiny) is None                        # underflow: rescale
    box = Box("f", Ty("X"), Ty("X"))
    assert contract_once(box.to_diagram(), [np.eye(2)]) is None  # an open diagram


def test_a_min_weight_order_over_its_cost_limit_is_declined(monkeypatch):
    d, arrays = chain(20)
    monkeypatch.setattr(once, "ONE_EINSUM", 0)
    assert contract_once(d, arrays) is not None
    monkeypatch.setattr(once, "ONE_OFF", 1)
    assert contract_once(d, arrays) is None
