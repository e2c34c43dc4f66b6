"""The wiring of a Markov category: identities, swaps, permutations, copies and discards,
diagrams with no boxes."""

from __future__ import annotations

from collections.abc import Sequence

from diagrams.diagram import Diagram
from diagrams.errors import DiagramError
from diagrams.types import Ty, as_ty


def identity(ty: Ty | str) -> Diagram:
    """The identity on ``ty``: its wires run straight through.

    >>> identity(Ty("X", "Y")).outputs
    (0, 1)
    """
    ty = as_ty(ty)
    n = len(ty)
    return Diagram(ty.names, (), (), (), range(n), range(n))


def swap(a: Ty | str, b: Ty | str) -> Diagram:
    """The symmetry ``a @ b -> b @ a``.

    >>> swap(Ty("X"), Ty("Y")).cod
    Ty('Y', 'X')
    """
    a, b = as_ty(a), as_ty(b)
    k, n = len(a), len(a) + len(b)
    return Diagram((a @ b).names, (), (), (), range(n), [*range(k, n), *range(k)])


def permutation(ty: Ty | str, order: Sequence[int]) -> Diagram:
    """The wiring whose ``i``-th output is input ``order[i]`` (a permutation of ``ty``'s atoms).

    >>> permutation(Ty("X", "Y", "Z"), [2, 0, 1]).cod
    Ty('Z', 'X', 'Y')
    """
    ty = as_ty(ty)
    if sorted(order) != list(range(len(ty))):
        raise DiagramError(f"{list(order)} is not a permutation of {len(ty)} wires")
    return Diagram(ty.names, (), (), (), range(len(ty)), order)


def copy(ty: Ty | str, n: int = 2) -> Diagram:
    """The ``n``-fold copy ``ty -> ty @ ... @ ty``: each wire gets ``n`` uses, nothing else.

    >>> copy(Ty("X"), 3).outputs
    (0, 0, 0)
    >>> copy(Ty("X", "Y")).cod
    Ty('X', 'Y', 'X', 'Y')
    """
    ty = as_ty(ty)
    if n < 0:
        raise ValueError(f"copy takes n >= 0, got {n}")
    k = len(ty)
    return Diagram(ty.names, (), (), (), range(k), [*range(k)] * n)


def discard(ty: Ty | str) -> Diagram:
    """The discard ``ty -> Ty()``: the wires get no use.

    >>> discard(Ty("X")).cod
    Ty()
    """
    ty = as_ty(ty)
    return Diagram(ty.names, (), (), (), range(len(ty)), ())
