"""Boxes: the generators of a free Markov category, labels of the hypergraph's edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagrams.types import Ty, as_ty


@dataclass(frozen=True)
class Box:
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

    def __post_init__(self):
        object.__setattr__(self, "dom", as_ty(self.dom))
        object.__setattr__(self, "cod", as_ty(self.cod))

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
