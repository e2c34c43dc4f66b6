"""Running a law: draw examples, evaluate both sides, compare with the law's equality.

The same runner serves every semantics; the backend name picks how diagrams are interpreted
and how results are compared (finite kernels, or Gaussian kernels for ``"gaussian"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis.errors import NoSuchExample

from diagrams import Box, copy
from markov.arrays.ops import allclose
from markov.contraction.interpret import interpret
from markov.kernel import Kernel
from markov.testing.laws import Law

#: Tolerance of float comparisons; exact arrays are compared exactly.
ATOL = 1e-9
#: Tolerances of the comparisons of Gaussian kernels (their inputs are small integers).
GAUSSIAN_RTOL, GAUSSIAN_ATOL = 1e-6, 1e-7


def kernels_equal(a: Kernel, b: Kernel, atol: float = ATOL) -> bool:
    """Whether two kernels have the same types and arrays: exactly on the exact backend
    (sympy differences simplified), within ``atol`` on floats; batches broadcast.

    >>> k = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y")
    >>> kernels_equal(k, k), kernels_equal(k, Kernel([[0.5, 0.5], [1.0, 0.0]], "X", "Y"))
    (True, False)
    """
    if a.dom != b.dom or a.cod != b.cod:
        return False
    try:
        return allclose(a.array, b.array, atol)
    except (ValueError, RuntimeError):  # shapes that do not broadcast
        return False


def _graph(state: Kernel, f: Kernel) -> Kernel:
    """``state >> copy >> (id @ f)``: the graph of ``f`` over ``state``."""
    s, k = Box("s", state.dom, state.cod), Box("f", f.dom, f.cod)
    return interpret(s >> copy(state.cod) >> (state.cod @ k), {s: state, k: f},
                     validate=False)


@dataclass(frozen=True)
class Semantics:
    """What the runner needs of a semantics: interpretation of diagrams (given the boxes'
    values and the sizes of the types), equality of results, and graphs over a state.

    >>> from dataclasses import replace
    >>> from diagrams import Functor
    >>> from markov import kernel_category
    >>> fold = replace(FINITE, interpret=lambda d, mapping, sizes: Functor(
    ...     ar=mapping, cod=kernel_category(sizes))(d))
    >>> from markov.testing import LAWS_BY_NAME
    >>> check_law(LAWS_BY_NAME["interchange law"], "numpy", max_examples=3, semantics=fold)
    """

    interpret: Callable[..., Any]
    equal: Callable[[Any, Any], bool]
    graph: Callable[[Any, Any], Any]
    sizes: Callable[[Any], dict]


FINITE = Semantics(lambda d, mapping, sizes: interpret(d, mapping, sizes=sizes),
                   kernels_equal, _graph, lambda k: k.sizes)


def _gaussian() -> Semantics:
    from markov.gaussian.interpret import interpret_gaussian
    from markov.testing.gaussian_strategies import gaussian_graph

    return Semantics(lambda d, mapping, dims: interpret_gaussian(d, mapping, dims=dims),
                     lambda a, b: a.allclose(b, rtol=GAUSSIAN_RTOL, atol=GAUSSIAN_ATOL),
                     gaussian_graph, lambda k: k.dims)


def _hybrid() -> Semantics:
    from markov.testing.hybrid_laws import (
        hybrid_equal,
        hybrid_graph,
        hybrid_interpret,
        hybrid_sizes,
    )

    return Semantics(hybrid_interpret, hybrid_equal, hybrid_graph, hybrid_sizes)


def semantics_of(backend: str) -> Semantics:
    """The semantics a backend name stands for.

    >>> semantics_of("exact") is FINITE
    True
    """
    if backend == "hybrid":
        return _hybrid()
    return _gaussian() if backend == "gaussian" else FINITE


def holds(law: Law, example: dict, backend: str = "numpy",
          semantics: Semantics | None = None) -> bool:
    """Whether ``law`` holds on one example (arguments as drawn by ``law.data``); examples
    failing the side condition count as holding.

    >>> from markov.testing import LAWS_BY_NAME
    >>> law = LAWS_BY_NAME["copy is commutative"]
    >>> holds(law, {"p": Kernel.state([0.5, 0.5], cod="X")})
    True
    """
    if law.condition is not None and not law.condition(**example):
        return True
    sem = semantics or semantics_of(backend)
    if law.on == "diagrams":
        boxes = {n: Box(n, k.dom, k.cod) for n, k in example.items()}
        mapping = {boxes[n]: k for n, k in example.items()}
        sizes = {t: s for k in example.values() for t, s in sem.sizes(k).items()}
        left = sem.interpret(law.lhs(**boxes), mapping, sizes)
        right = sem.interpret(law.rhs(**boxes), mapping, sizes)
    else:
        left, right = law.lhs(**example), law.rhs(**example)
    if law.equality == "almost_surely":
        state = law.state(**example)
        return sem.equal(sem.graph(state, left), sem.graph(state, right))
    return sem.equal(left, right)


def check_law(law: Law, backend: str, max_examples: int = 25,
              semantics: Semantics | None = None) -> None:
    """Check ``law`` on ``backend`` with hypothesis: every example must satisfy it, or, for a
    negative control (``expect=False``), some example must violate it. A law with a
    ``syntactic`` verdict also has its two sides compared as diagrams.

    ``semantics`` replaces the backend's own (finite or Gaussian) interpretation: point the
    catalogue at your functor by giving how it interprets diagrams, compares results and
    builds graphs over a state; ``law.data(backend)`` still draws the examples.

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
        def meaning(example):
            assume(law.condition is None or law.condition(**example))
            assert holds(law, example, backend, semantics), f"law {law.name!r} fails on {backend}: " \
                                                 f"{example}"

        meaning()
    else:
        try:
            # No shrinking: a negative control only needs some counterexample.
            find(strategy, lambda example: not holds(law, example, backend, semantics),
                 settings=settings(max_examples=max_examples * 8, database=None,
                                   deadline=None, phases=[Phase.generate]))
        except NoSuchExample:
            raise AssertionError(f"negative control {law.name!r} found no counterexample "
                                 f"on {backend}") from None
