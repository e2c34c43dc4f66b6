"""Types (objects) of the free Markov category: finite sequences of atomic names."""

from __future__ import annotations

from collections.abc import Iterator


class Ty:
    """A type: a tuple of atomic names, composed by ``@``; ``Ty()`` is the monoidal unit.

    >>> X, Y = Ty("X"), Ty("Y")
    >>> X @ Y
    Ty('X', 'Y')
    >>> (X @ Y)[1], len(X @ Y), Ty() @ X == X
    (Ty('Y'), 2, True)
    """

    __slots__ = ("names",)
    names: tuple[str, ...]

    def __init__(self, *names: str):
        for name in names:
            if not isinstance(name, str) or not name:
                raise TypeError(f"a type's atoms are non-empty strings, got {name!r}")
        object.__setattr__(self, "names", tuple(names))

    def __setattr__(self, key, value):
        raise AttributeError("Ty is immutable")

    def __matmul__(self, other: Ty) -> Ty:
        if not isinstance(other, Ty):
            return NotImplemented
        return Ty(*self.names, *other.names)

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[Ty]:
        return (Ty(name) for name in self.names)

    def __getitem__(self, key: int | slice) -> Ty:
        if isinstance(key, slice):
            return Ty(*self.names[key])
        return Ty(self.names[key])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ty) and self.names == other.names

    def __hash__(self) -> int:
        return hash(("Ty", self.names))

    def __repr__(self) -> str:
        return "Ty(" + ", ".join(map(repr, self.names)) + ")"

    def __str__(self) -> str:
        return " @ ".join(self.names) if self.names else "I"

    def __reduce__(self):
        return (Ty, self.names)


def as_ty(value: Ty | str | tuple | list) -> Ty:
    """Coerce a name, a sequence of names or a type to a type.

    >>> as_ty("X"), as_ty(["X", "Y"]), as_ty(Ty())
    (Ty('X'), Ty('X', 'Y'), Ty())
    """
    if isinstance(value, Ty):
        return value
    if isinstance(value, str):
        return Ty(value)
    return Ty(*value)
