"""The catalogue of laws, kept as data: two sides, a side condition, the kind of equality.

A law's sides are functions of named arguments drawn by ``data(backend)``. For a law
``on="diagrams"`` the arguments are kernels that the sides see as boxes: each side builds a
diagram, which is interpreted with those kernels; ``syntactic`` also states whether the two
diagrams are equal up to the axioms (``True``), or must differ (``False``). For a law
``on="kernels"`` the sides compute kernels directly. A law with ``expect=False`` is a negative
control: it must fail on some example (copy is natural only for deterministic kernels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from diagrams import Box, Diagram, Ty, copy, discard, identity, swap
from markov.contraction.interpret import interpret
from markov.testing.strategies import BACKENDS, diagrams, interpretations, kernels, sizes


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


def _signature(spec: dict[str, tuple[str, str]], deterministic: tuple[str, ...] = (),
               max_size: int = 3):
    """``data`` for a diagram law: kernels of the given types (strings of atom names)."""

    def data(backend: str):
        @st.composite
        def draw(draw_):
            size = draw_(sizes(("X", "Y", "Z"), max_size))
            return {name: draw_(kernels(Ty(*dom), Ty(*cod), size, backend,
                                        deterministic=name in deterministic, name=name))
                    for name, (dom, cod) in spec.items()}

        return draw()

    return data


X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
_f_g_h = _signature({"f": ("X", "Y"), "g": ("Y", "Z"), "h": ("Z", "X")})
_f_g = _signature({"f": ("X", "Y"), "g": ("Z", "X")})
_four = _signature({"f": ("X", "Y"), "g": ("Z", "X"), "h": ("Y", "Z"), "k": ("X", "X")})
_p = _signature({"p": ("", "X")})

CORE_LAWS: list[Law] = [
    Law("composition is associative", _f_g_h,
        lambda f, g, h: (f >> g) >> h, lambda f, g, h: f >> (g >> h),
        on="diagrams", syntactic=True),
    Law("identities are units", _f_g,
        lambda f, g: identity(X) >> f >> identity(Y), lambda f, g: f.to_diagram(),
        on="diagrams", syntactic=True),
    Law("tensor is associative", _f_g_h,
        lambda f, g, h: (f @ g) @ h, lambda f, g, h: f @ (g @ h),
        on="diagrams", syntactic=True),
    Law("interchange law", _four,
        lambda f, g, h, k: (f @ g) >> (h @ k), lambda f, g, h, k: (f >> h) @ (g >> k),
        on="diagrams", syntactic=True),
    Law("swap is natural", _f_g,
        lambda f, g: (f @ g) >> swap(Y, X), lambda f, g: swap(X, Z) >> (g @ f),
        on="diagrams", syntactic=True),
    Law("swap is an involution", _f_g,
        lambda f, g: (f @ g) >> swap(Y, X) >> swap(X, Y), lambda f, g: f @ g,
        on="diagrams", syntactic=True),
    Law("copy is associative", _p,
        lambda p: p >> copy(X) >> (copy(X) @ X), lambda p: p >> copy(X) >> (X @ copy(X)),
        on="diagrams", syntactic=True),
    Law("copy is commutative", _p,
        lambda p: p >> copy(X) >> swap(X, X), lambda p: p >> copy(X),
        on="diagrams", syntactic=True),
    Law("discard is a counit of copy", _p,
        lambda p: p >> copy(X) >> (discard(X) @ X), lambda p: p.to_diagram(),
        on="diagrams", syntactic=True),
    Law("discard is natural (Markov)", _f_g,
        lambda f, g: g >> f >> discard(Y), lambda f, g: discard(Z),
        on="diagrams", syntactic=True),
    Law("copy is natural for deterministic kernels",
        _signature({"f": ("X", "Y")}, deterministic=("f",)),
        lambda f: f >> copy(Y), lambda f: copy(X) >> (f @ f),
        on="diagrams", syntactic=False),
    Law("copy is natural for noisy kernels (negative control)",
        _signature({"f": ("X", "Y")}, max_size=3),
        lambda f: f >> copy(Y), lambda f: copy(X) >> (f @ f),
        on="diagrams", syntactic=False, expect=False),
]


def _random_pair(composable: bool):
    """``data`` for functoriality: two random diagrams and kernels for their boxes."""

    def data(backend: str):
        @st.composite
        def draw(draw_):
            size = draw_(sizes(("X", "Y"), 2))
            d1 = draw_(diagrams(max_boxes=3))
            d2 = draw_(diagrams(max_boxes=3, dom=d1.cod if composable else None))
            d2 = _rename(d2, "g")
            mapping = {**draw_(interpretations(d1, size, backend)),
                       **draw_(interpretations(d2, size, backend))}
            return {"d1": d1, "d2": d2, "mapping": mapping, "sizes": size}

        return draw()

    return data


def _rename(d: Diagram, prefix: str) -> Diagram:
    boxes = [Box(prefix + b.name, b.dom, b.cod) for b in d.boxes]
    return Diagram(d.wires, boxes, d.box_inputs, d.box_outputs, d.inputs, d.outputs)


def _interp(d, mapping, sizes):
    return interpret(d, mapping, sizes=sizes)


def _fold(d, mapping, sizes):
    from diagrams import Functor
    from markov.kernel import kernel_category

    like = next(iter(mapping.values())).array if mapping else None
    return Functor(ar=mapping, cod=kernel_category(sizes, like))(d)


SEMANTIC_LAWS: list[Law] = [
    Law("interpret preserves composition", _random_pair(True),
        lambda d1, d2, mapping, sizes: _interp(d1 >> d2, mapping, sizes),
        lambda d1, d2, mapping, sizes: _interp(d1, mapping, sizes) >> _interp(d2, mapping,
                                                                               sizes)),
    Law("interpret preserves tensor", _random_pair(False),
        lambda d1, d2, mapping, sizes: _interp(d1 @ d2, mapping, sizes),
        lambda d1, d2, mapping, sizes: _interp(d1, mapping, sizes) @ _interp(d2, mapping,
                                                                              sizes)),
    Law("one contraction equals the functor's fold", _random_pair(False),
        lambda d1, d2, mapping, sizes: _interp(d1, mapping, sizes),
        lambda d1, d2, mapping, sizes: _fold(d1, mapping, sizes)),
    Law("a random diagram followed by discard means discard", _random_pair(False),
        lambda d1, d2, mapping, sizes: _interp(d1 >> discard(d1.cod), mapping, sizes),
        lambda d1, d2, mapping, sizes: _interp(discard(d1.dom), mapping, sizes)),
]
