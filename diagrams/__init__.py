"""Syntax: string diagrams of free Markov categories as open hypergraphs. Every public
name loads its module on first use.

>>> from diagrams import Ty, Box, copy, discard, identity
>>> X, Y = Ty("X"), Ty("Y")
>>> p, f = Box("p", Ty(), X), Box("f", X, Y)
>>> p >> copy(X) >> (identity(X) @ f) >> (identity(X) @ discard(Y)) == p
True
"""

__version__ = "0.1.0"

from diagrams._lazy import lazy_names as _lazy_names

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

# Where each public name is defined.
_WHERE = {
    "diagrams.box": ("Box",),
    "diagrams.diagram": ("Diagram",),
    "diagrams.errors": ("DiagramError", "TracingError", "TypeMismatch"),
    "diagrams.functor": ("DIAGRAMS", "Category", "Functor"),
    "diagrams.trace": ("Wire", "trace"),
    "diagrams.types": ("Ty", "as_ty"),
    "diagrams.wiring": ("copy", "discard", "identity", "permutation", "swap"),
}

__getattr__, __dir__ = _lazy_names(__name__, {name: module for module, names in _WHERE.items()
                                              for name in names})
