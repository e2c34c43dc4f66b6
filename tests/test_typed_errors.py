"""Bad arguments raise the library's typed errors (each a subclass of the builtin it
replaces, so ``except ValueError`` still works), never a bare builtin exception."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from causal import CausalModel
from causal.errors import InvalidArgument, InvalidValue
from markov import InvalidArray, InvalidOption, Kernel, UnsupportedKernel
from markov.gaussian.kernel import GaussianKernel
from markov.inference.equality import independent
from markov.inference.evidence import condition, jeffrey_update, pearl_update

JOINT = Kernel.state([[0.25, 0.25], [0.125, 0.375]], cod=("X", "Y"),
                     labels={"X": ("a", "b"), "Y": ("c", "d")})
MODEL = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})


@pytest.mark.parametrize("call", [
    lambda: MODEL.query("S", evidence={"C": 1}, on_zero="zero"),
    lambda: MODEL.marginals(evidence={"C": 1}, on_zero="zero"),
    lambda: condition(JOINT, {"X": "z"}),                   # not a label of X
    lambda: condition(JOINT, {"X": 5}),                     # out of range
    lambda: pearl_update(JOINT, {"X": [-1.0, 1.0]}),        # a negative likelihood
    lambda: independent(JOINT, ["X"], ["X"]),               # sets not disjoint
    lambda: GaussianKernel.copy("X", {"X": 1}, -1),
])
def test_bad_values_raise_invalid_option(call):
    with pytest.raises(InvalidOption):
        call()


def test_bad_types_raise_typed_errors():
    from markov.gaussian.category import compose

    g = GaussianKernel([[2.0]], [1.0], [[1.0]], dom="X", cod="X")
    with pytest.raises(UnsupportedKernel):
        compose(g, Kernel([[1.0, 0.0], [0.0, 1.0]], dom="X", cod="X"))
    with pytest.raises(UnsupportedKernel):
        jeffrey_update(JOINT, 3)
    exact = Kernel.state([Fraction(1, 2), Fraction(1, 2)], cod="X")
    with pytest.raises(InvalidArray, match="Fractions"):
        pearl_update(exact, {"X": [0.3, 0.7]})


def test_causal_arguments_raise_causal_errors():
    from causal import identify
    from causal.surgery import surgery

    with pytest.raises(InvalidArgument, match="identify needs"):
        identify(42, "C", "S")
    with pytest.raises(InvalidArgument, match="must be a Box"):
        surgery(MODEL.diagram, {"S": 3})
    with pytest.raises(InvalidValue, match="coupling"):
        MODEL.counterfactual("C", do={"S": 1}, evidence={"C": 0}, coupling="bogus")
    assert np.isclose(MODEL.query("S").array.sum(), 1.0)
