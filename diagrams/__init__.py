"""Syntax: string diagrams of free Markov categories as open hypergraphs.

>>> from diagrams import Ty, Box, copy, discard, identity
>>> X, Y = Ty("X"), Ty("Y")
>>> p, f = Box("p", Ty(), X), Box("f", X, Y)
>>> p >> copy(X) >> (identity(X) @ f) >> (identity(X) @ discard(Y)) == p
True
"""

__version__ = "0.1.0"

from diagrams.box import Box
from diagrams.diagram import Diagram, copy, discard, identity, permutation, swap
from diagrams.errors import DiagramError, TracingError, TypeMismatch
from diagrams.functor import DIAGRAMS, Category, Functor
from diagrams.trace import Wire, trace
from diagrams.types import Ty, as_ty

__all__ = [
    "DIAGRAMS",
    "Box",
    "Category",
    "Diagram",
    "DiagramError",
    "Functor",
    "TracingError",
    "Ty",
    "TypeMismatch",
    "Wire",
    "as_ty",
    "copy",
    "discard",
    "identity",
    "permutation",
    "swap",
    "trace",
]
