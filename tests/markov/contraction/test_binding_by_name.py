"""A kernel bound to a box is read by its atoms' names, not by axis position."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from diagrams import Box, Ty
from markov import Kernel, ShapeMismatch, interpret

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")


def _table(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.ones(4), size=(2, 3))  # [X, Y, Z]


def test_a_kernel_whose_domain_names_come_in_another_order_is_permuted_not_transposed():
    f = Box("f", X @ Y, Z)
    table = _table(0)
    swapped = Kernel(table.transpose(1, 0, 2), dom=("Y", "X"), cod="Z")
    np.testing.assert_array_equal(interpret(f, {f: swapped}).array, table)


def test_codomain_names_are_matched_too_and_batch_axes_stay_in_front():
    g = Box("g", Ty(), X @ Y)
    joint = np.random.default_rng(1).dirichlet(np.ones(6), size=5).reshape(5, 2, 3)
    kernel = Kernel(joint.transpose(0, 2, 1), cod=("Y", "X"))
    np.testing.assert_array_equal(interpret(g, {g: kernel}).array, joint)


def test_permuting_by_name_keeps_fractions_exact():
    f = Box("f", X @ Y, Z)
    half = Fraction(1, 2)
    table = np.array([[[half, half]] * 3, [[Fraction(1, 3), Fraction(2, 3)]] * 3], dtype=object)
    kernel = Kernel(table.transpose(1, 0, 2), dom=("Y", "X"), cod="Z")
    got = interpret(f, {f: kernel}).array
    assert got.dtype == object and np.array_equal(got, table)


@pytest.mark.parametrize("dom, cod", [(("X", "W"), ("Z",)), (("X", "Y"), ("W",)),
                                      (("X", "X"), ("Z",))])
def test_a_kernel_whose_names_are_not_the_boxes_is_refused_naming_the_box(dom, cod):
    f = Box("f", X @ Y, Z)
    sizes = {"X": 2, "Y": 2, "Z": 2, "W": 2}
    shape = [sizes[a] for a in (*dom, *cod)]
    kernel = Kernel(np.full(shape, 0.5), dom=dom, cod=cod)
    with pytest.raises(ShapeMismatch, match="box f: X @ Y -> Z is mapped to a kernel"):
        interpret(f, {f: kernel})
