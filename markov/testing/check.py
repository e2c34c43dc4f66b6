"""Running a law: draw examples, evaluate both sides, compare with the law's equality."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis.errors import NoSuchExample

from diagrams import Box, Diagram, copy
from markov import backend as B
from markov.interpret import interpret
from markov.kernel import Kernel
from markov.testing.laws import Law

#: Tolerance of float comparisons; exact arrays are compared exactly.
ATOL = 1e-9


def kernels_equal(a: Kernel, b: Kernel, atol: float = ATOL) -> bool:
    """Whether two kernels have the same types and arrays: exactly on the exact backend,
    within ``atol`` on floats (torch arrays are compared on the CPU).

    >>> k = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y")
    >>> kernels_equal(k, k), kernels_equal(k, Kernel([[0.5, 0.5], [1.0, 0.0]], "X", "Y"))
    (True, False)
    """
    if a.dom != b.dom or a.cod != b.cod:
        return False
    x, y = _host(a.array), _host(b.array)
    if x.shape != y.shape:
        try:
            x, y = np.broadcast_arrays(x, y)
        except ValueError:
            return False
    if x.dtype == object and y.dtype == object:
        return bool(np.all(x == y))
    return bool(np.allclose(x.astype(float), y.astype(float), atol=atol, rtol=0))


def _host(array: Any) -> np.ndarray:
    if B.is_torch(array):
        return array.detach().cpu().numpy()
    return np.asarray(array)


def _joint(state: Kernel, f: Kernel) -> Kernel:
    """``state >> copy >> (id @ f)``: the graph of ``f`` over ``state``."""
    s, k = Box("s", state.dom, state.cod), Box("f", f.dom, f.cod)
    return interpret(s >> copy(state.cod) >> (state.cod @ k), {s: state, k: f},
                     validate=False)


def holds(law: Law, example: dict) -> bool:
    """Whether ``law`` holds on one example (arguments as drawn by ``law.data``); examples
    failing the side condition count as holding."""
    if law.condition is not None and not law.condition(**example):
        return True
    if law.on == "diagrams":
        boxes = {n: Box(n, k.dom, k.cod) for n, k in example.items()}
        left, right = law.lhs(**boxes), law.rhs(**boxes)
        mapping = {boxes[n]: k for n, k in example.items()}
        sizes = {t: s for k in example.values() for t, s in k.sizes.items()}
        left = interpret(left, mapping, sizes=sizes)
        right = interpret(right, mapping, sizes=sizes)
    else:
        left, right = law.lhs(**example), law.rhs(**example)
    if law.equality == "almost_surely":
        state = law.state(**example)
        return kernels_equal(_joint(state, left), _joint(state, right))
    return kernels_equal(left, right)


def check_law(law: Law, backend: str, max_examples: int = 25) -> None:
    """Check ``law`` on ``backend`` with hypothesis: every example must satisfy it, or, for a
    negative control (``expect=False``), some example must violate it. A law with a
    ``syntactic`` verdict also has its two sides compared as diagrams.

    >>> from markov.testing import LAWS_BY_NAME
    >>> check_law(LAWS_BY_NAME["copy is commutative"], "exact", max_examples=5)
    """
    strategy = law.data(backend)
    options = dict(max_examples=max_examples, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))
    if law.syntactic is not None:
        @given(strategy)
        @settings(**options)
        def syntax(example):
            boxes = {n: Box(n, k.dom, k.cod) for n, k in example.items()}
            same = law.lhs(**boxes) == law.rhs(**boxes)
            assert same == law.syntactic, (
                f"law {law.name!r}: the sides are {'' if same else 'not '}equal as diagrams")

        syntax()
    if law.expect:
        @given(strategy)
        @settings(**options)
        def semantics(example):
            assume(law.condition is None or law.condition(**example))
            assert holds(law, example), f"law {law.name!r} fails on {backend}: {example}"

        semantics()
    else:
        try:
            # No shrinking: a negative control only needs some counterexample.
            find(strategy, lambda example: not holds(law, example),
                 settings=settings(max_examples=max_examples * 8, database=None,
                                   deadline=None, phases=[Phase.generate]))
        except NoSuchExample:
            raise AssertionError(f"negative control {law.name!r} found no counterexample "
                                 f"on {backend}") from None
