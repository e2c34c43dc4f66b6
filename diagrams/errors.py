"""Errors of the syntax package: each names the box, wire or type at fault."""


class DiagramError(Exception):
    """Base class of every error raised by :mod:`diagrams`."""


class TypeMismatch(DiagramError, TypeError):
    """Two types that had to agree do not, e.g. the codomain and domain in ``f >> g``.

    >>> from diagrams import Ty, Box
    >>> Box("f", Ty("X"), Ty("Y")) >> Box("g", Ty("X"), Ty("Y"))
    Traceback (most recent call last):
    ...
    diagrams.errors.TypeMismatch: cannot compose: the codomain of f is Ty('Y') but the domain of g is Ty('X')
    """


class TracingError(DiagramError, ValueError):
    """A traced Python function used wires wrongly (wrong count, foreign wires)."""
