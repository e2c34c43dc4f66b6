"""Boxes: the generators of a free Markov category, labels of the hypergraph's edges."""

from __future__ import annotations

from typing import Any

from diagrams._lazy import Frozen
from diagrams.types import Ty, as_ty


class Box(Frozen):
    """A generator ``name : dom -> cod``; it composes like the one-box diagram it stands for.

    Two boxes are the same generator when name, domain and codomain agree.

    >>> X, Y = Ty("X"), Ty("Y")
    >>> f = Box("f", X, Y)
    >>> f.dom, f.cod
    (Ty('X'), Ty('Y'))
    >>> (f >> Box("g", Y, X)).boxes
    (Box('f', Ty('X'), Ty('Y')), Box('g', Ty('Y'), Ty('X')))
    """

    name: str
    dom: Ty
    cod: Ty

    # A frozen record written out: building a dataclass costs every cold start ~1 ms.
    __match_args__ = ("name", "dom", "cod")

    def __init__(self, name: str, dom: Ty, cod: Ty):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "dom", as_ty(dom))
        object.__setattr__(self, "cod", as_ty(cod))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.name, self.dom, self.cod) == (other.name, other.dom, other.cod)

    def __hash__(self) -> int:
        return hash((self.name, self.dom, self.cod))

    def __repr__(self) -> str:
        return f"Box({self.name!r}, {self.dom!r}, {self.cod!r})"

    def __str__(self) -> str:
        return self.name

    def to_diagram(self):
        """The diagram with this one box and its boundary as the boundary.

        >>> Box("p", Ty(), Ty("X")).to_diagram().cod
        Ty('X')
        """
        from diagrams.diagram import Diagram

        return Diagram.from_box(self)

    def __rshift__(self, other: Any):
        return self.to_diagram() >> other

    def __rrshift__(self, other: Any):
        return other >> self.to_diagram()

    def __matmul__(self, other: Any):
        return self.to_diagram() @ other

    def __rmatmul__(self, other: Any):
        return other @ self.to_diagram()

    def __call__(self, *wires):
        """Apply the box to traced wires (see :func:`diagrams.trace`)."""
        from diagrams.trace import apply_box

        return apply_box(self, wires)

    def draw(self, path=None, **kwargs):
        """Draw the one-box diagram (see :meth:`Diagram.draw`)."""
        return self.to_diagram().draw(path, **kwargs)
