"""The catalogue of laws, kept as data: two sides, a side condition, the kind of equality.

A law's sides are functions of named arguments drawn by ``data(backend)``. For a law
``on="diagrams"`` the arguments are kernels that the sides see as boxes: each side builds a
diagram, which is interpreted with those kernels; ``syntactic`` also states whether the two
diagrams are equal up to the axioms (``True``), or must differ (``False``). For a law
``on="kernels"`` the sides compute kernels directly. A law with ``expect=False`` is a negative
control: it must fail on some example (copy is natural only for deterministic kernels).

Each law is stated once and names the semantics it holds in (``backends``): the core and
functoriality laws here run on every finite backend and on the Gaussian semantics alike,
their examples drawn by :mod:`markov.testing.draw`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from diagrams import Box, Diagram, Ty, copy, discard, identity, swap
from markov.contraction.interpret import interpret
from markov.testing.draw import ALL_BACKENDS, kernels_for, signature, sizes_for
from markov.testing.strategies import BACKENDS, diagrams


@dataclass(frozen=True)
class Law:
    """A law of a semantics, as data.

    >>> CORE_LAWS[0].name, CORE_LAWS[0].syntactic
    ('composition is associative', True)
    """

    name: str
    data: Callable[[str], st.SearchStrategy]
    lhs: Callable[..., Any]
    rhs: Callable[..., Any]
    equality: str = "equal"
    state: Callable[..., Any] | None = None
    condition: Callable[..., bool] | None = None
    expect: bool = True
    backends: tuple[str, ...] = BACKENDS
    on: str = "kernels"
    syntactic: bool | None = None
    doc: str = ""


X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
_f_g_h = signature({"f": ("X", "Y"), "g": ("Y", "Z"), "h": ("Z", "X")})
_f_g = signature({"f": ("X", "Y"), "g": ("Z", "X")})
_four = signature({"f": ("X", "Y"), "g": ("Z", "X"), "h": ("Y", "Z"), "k": ("X", "X")})
_p = signature({"p": ("", "X")})
#: The core and functoriality laws hold in every semantics, the hybrid one included.
ALL = (*ALL_BACKENDS, "hybrid")

CORE_LAWS: list[Law] = [
    Law("composition is associative", _f_g_h,
        lambda f, g, h: (f >> g) >> h, lambda f, g, h: f >> (g >> h),
        on="diagrams", syntactic=True, backends=ALL),
    Law("identities are units", _f_g,
        lambda f, g: identity(X) >> f >> identity(Y), lambda f, g: f.to_diagram(),
        on="diagrams", syntactic=True, backends=ALL),
    Law("tensor is associative", _f_g_h,
        lambda f, g, h: (f @ g) @ h, lambda f, g, h: f @ (g @ h),
        on="diagrams", syntactic=True, backends=ALL),
    Law("interchange law", _four,
        lambda f, g, h, k: (f @ g) >> (h @ k), lambda f, g, h, k: (f >> h) @ (g >> k),
        on="diagrams", syntactic=True, backends=ALL),
    Law("swap is natural", _f_g,
        lambda f, g: (f @ g) >> swap(Y, X), lambda f, g: swap(X, Z) >> (g @ f),
        on="diagrams", syntactic=True, backends=ALL),
    Law("swap is an involution", _f_g,
        lambda f, g: (f @ g) >> swap(Y, X) >> swap(X, Y), lambda f, g: f @ g,
        on="diagrams", syntactic=True, backends=ALL),
    Law("copy is associative", _p,
        lambda p: p >> copy(X) >> (copy(X) @ X), lambda p: p >> copy(X) >> (X @ copy(X)),
        on="diagrams", syntactic=True, backends=ALL),
    Law("copy is commutative", _p,
        lambda p: p >> copy(X) >> swap(X, X), lambda p: p >> copy(X),
        on="diagrams", syntactic=True, backends=ALL),
    Law("discard is a counit of copy", _p,
        lambda p: p >> copy(X) >> (discard(X) @ X), lambda p: p.to_diagram(),
        on="diagrams", syntactic=True, backends=ALL),
    Law("discard is natural (Markov)", _f_g,
        lambda f, g: g >> f >> discard(Y), lambda f, g: discard(Z),
        on="diagrams", syntactic=True, backends=ALL),
    Law("copy is natural for deterministic kernels",
        signature({"f": ("X", "Y")}, kinds={"f": "deterministic"}),
        lambda f: f >> copy(Y), lambda f: copy(X) >> (f @ f),
        on="diagrams", syntactic=False, backends=ALL),
    Law("copy is natural for noisy kernels (negative control)",
        signature({"f": ("X", "Y")}, kinds={"f": "noisy"}),
        lambda f: f >> copy(Y), lambda f: copy(X) >> (f @ f),
        on="diagrams", syntactic=False, expect=False, backends=ALL),
]


def _random_pair(composable: bool):
    """``data`` for functoriality: two random diagrams, kernels of the backend's semantics
    for their boxes, the sizes (or dimensions) of the types and the backend's name."""

    def data(backend: str):
        @st.composite
        def draw(draw_):
            size = draw_(sizes_for(backend, ("X", "Y"), 2))
            d1 = draw_(diagrams(max_boxes=3))
            d2 = draw_(diagrams(max_boxes=3, dom=d1.cod if composable else None))
            d2 = _rename(d2, "g")
            mapping = {box: draw_(kernels_for(backend, box.dom, box.cod, size))
                       for box in {*d1.boxes, *d2.boxes}}
            return {"d1": d1, "d2": d2, "mapping": mapping, "sizes": size,
                    "backend": backend}

        return draw()

    return data


def _rename(d: Diagram, prefix: str) -> Diagram:
    boxes = [Box(prefix + b.name, b.dom, b.cod) for b in d.boxes]
    return Diagram(d.wires, boxes, d.box_inputs, d.box_outputs, d.inputs, d.outputs)


def _interp(d, mapping, sizes, backend):
    """The semantics' own interpretation: one contraction, or the Gaussian fold."""
    if backend == "hybrid":
        from markov.testing.hybrid_laws import hybrid_interpret

        return hybrid_interpret(d, mapping, sizes)
    if backend == "gaussian":
        from markov.gaussian.interpret import interpret_gaussian

        return interpret_gaussian(d, mapping, dims=sizes)
    return interpret(d, mapping, sizes=sizes)


def _fold(d, mapping, sizes, backend):
    """The generic functor into the semantics' category, box by box."""
    from diagrams import Functor

    like = next(iter(mapping.values()), None)
    if backend == "hybrid":
        from markov.gaussian.hybrid_interpret import hybrid_category

        return Functor(ar=mapping, cod=hybrid_category(
            {a: n for a, (k, n) in sizes.items() if k == "discrete"},
            {a: n for a, (k, n) in sizes.items() if k == "continuous"}))(d)
    if backend == "gaussian":
        from markov.gaussian.kernel import gaussian_category

        return Functor(ar=mapping, cod=gaussian_category(sizes, like))(d)
    from markov.kernel import kernel_category

    return Functor(ar=mapping, cod=kernel_category(sizes, None if like is None
                                                   else like.array))(d)


SEMANTIC_LAWS: list[Law] = [
    Law("interpret preserves composition", _random_pair(True),
        lambda d1, d2, mapping, sizes, backend: _interp(d1 >> d2, mapping, sizes, backend),
        lambda d1, d2, mapping, sizes, backend: (_interp(d1, mapping, sizes, backend)
                                                 >> _interp(d2, mapping, sizes, backend)),
        backends=ALL),
    Law("interpret preserves tensor", _random_pair(False),
        lambda d1, d2, mapping, sizes, backend: _interp(d1 @ d2, mapping, sizes, backend),
        lambda d1, d2, mapping, sizes, backend: (_interp(d1, mapping, sizes, backend)
                                                 @ _interp(d2, mapping, sizes, backend)),
        backends=ALL),
    Law("one contraction equals the functor's fold", _random_pair(False),
        lambda d1, d2, mapping, sizes, backend: _interp(d1, mapping, sizes, backend),
        lambda d1, d2, mapping, sizes, backend: _fold(d1, mapping, sizes, backend),
        backends=ALL),
    Law("a random diagram followed by discard means discard", _random_pair(False),
        lambda d1, d2, mapping, sizes, backend: _interp(d1 >> discard(d1.cod), mapping,
                                                        sizes, backend),
        lambda d1, d2, mapping, sizes, backend: _interp(discard(d1.dom), mapping, sizes,
                                                        backend),
        backends=ALL),
]
