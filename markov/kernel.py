"""Kernels: morphisms of FinStoch, an array with a domain and a codomain type.

Axis convention ``[*batch, *dom, *cod]``: one axis per atom of the domain, then one per atom
of the codomain; each row (fixed batch and domain indices) sums to 1 over the codomain axes.
Batch axes lead and broadcast as in torch and pyro.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from diagrams import Box, Diagram, Ty, as_ty
from diagrams import diagram as _d
from markov.arrays import backend as B
from markov.errors import ShapeMismatch, UnknownAtom

if TYPE_CHECKING:  # imported when used: kernels alone need no functor
    from diagrams import Category


class Kernel:
    """A (batch of) stochastic matrices ``dom -> cod``.

    >>> K = Kernel([[0.9, 0.1], [0.2, 0.8]], dom="X", cod="Y", name="f")
    >>> K.dom, K.cod, K.batch_shape, K.sizes
    (Ty('X'), Ty('Y'), (), {'X': 2, 'Y': 2})
    >>> p = Kernel.state([0.5, 0.5], cod="X")
    >>> (p >> K).array.tolist()
    [0.55, 0.45]
    """

    __slots__ = ("array", "cod", "dom", "labels", "name")

    def __init__(self, array: Any, dom: Ty | str | Sequence[str] = Ty(),
                 cod: Ty | str | Sequence[str] = Ty(), *, name: str | None = None,
                 validate: bool = True, atol: float | None = None,
                 labels: Mapping[str, Sequence] | None = None):
        dom, cod = as_ty(dom), as_ty(cod)
        label = name or f"{dom} -> {cod}"
        array = B.as_array(array, f"kernel {label}")
        n = len(dom) + len(cod)
        if array.ndim < n:
            raise ShapeMismatch(f"kernel {label}: an array of shape {tuple(array.shape)} has "
                                f"fewer axes than the {n} atoms of {dom} -> {cod}")
        sizes: dict[str, int] = {}
        for ty, size in zip((dom @ cod).names, array.shape[array.ndim - n:]):
            if sizes.setdefault(ty, size) != size:
                raise ShapeMismatch(f"kernel {label}: type {ty} has sizes {sizes[ty]} and "
                                    f"{size} on two axes")
        if validate:
            B.check_stochastic(array, len(cod), label, atol)
        for attr, value in (("array", array), ("dom", dom), ("cod", cod), ("name", name),
                            ("labels", dict(labels) if labels else None)):
            object.__setattr__(self, attr, value)

    def __setattr__(self, key, value):
        raise AttributeError("kernels are immutable")

    @classmethod
    def _trusted(cls, array: Any, dom: Ty, cod: Ty, labels: dict | None = None,
                 name: str | None = None) -> Kernel:
        """A kernel from parts already checked (an array in a backend, types whose sizes
        match it, a labels dict it may keep): no conversion, no checks, for code that builds
        hundreds at a time."""
        kernel = object.__new__(cls)
        _set_array(kernel, array)  # the slots' own setters: a third of object.__setattr__'s
        _set_dom(kernel, dom)
        _set_cod(kernel, cod)
        _set_name(kernel, name)
        _set_labels(kernel, labels or None)
        return kernel

    def __reduce__(self):  # pickling (dask workers, multiprocessing) without re-validating
        return (_unpickle, (self.array, self.dom, self.cod, self.name, self.labels))

    @staticmethod
    def state(probs: Any, cod: Ty | str | Sequence[str], **kwargs) -> Kernel:
        """A state (a kernel with empty domain), i.e. a distribution on ``cod``.

        >>> Kernel.state([0.25, 0.75], cod="X").array.tolist()
        [0.25, 0.75]
        """
        return Kernel(probs, dom=Ty(), cod=cod, **kwargs)

    @staticmethod
    def identity(ty: Ty | str, sizes: Mapping[str, int], like: Any = None) -> Kernel:
        """The identity kernel on ``ty`` (in the backend of ``like``).

        >>> Kernel.identity("X", {"X": 2}).array.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return wiring(_d.identity(as_ty(ty)), sizes, like)

    @staticmethod
    def copy(ty: Ty | str, sizes: Mapping[str, int], n: int = 2, like: Any = None) -> Kernel:
        """The ``n``-fold copy kernel on ``ty``.

        >>> Kernel.copy("X", {"X": 2}).array[1].tolist()
        [[0.0, 0.0], [0.0, 1.0]]
        """
        return wiring(_d.copy(as_ty(ty), n), sizes, like)

    @staticmethod
    def discard(ty: Ty | str, sizes: Mapping[str, int], like: Any = None) -> Kernel:
        """The discard kernel ``ty -> Ty()`` (all ones).

        >>> Kernel.discard("X", {"X": 3}).array.tolist()
        [1.0, 1.0, 1.0]
        """
        return wiring(_d.discard(as_ty(ty)), sizes, like)

    @staticmethod
    def swap(a: Ty | str, b: Ty | str, sizes: Mapping[str, int], like: Any = None) -> Kernel:
        """The swap kernel ``a @ b -> b @ a``.

        >>> Kernel.swap("X", "Y", {"X": 2, "Y": 3}).array.shape
        (2, 3, 3, 2)
        """
        return wiring(_d.swap(as_ty(a), as_ty(b)), sizes, like)

    # ---- shapes ------------------------------------------------------------------------

    @property
    def n_batch(self) -> int:
        return self.array.ndim - len(self.dom) - len(self.cod)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The leading batch shape (as in torch.distributions)."""
        return tuple(self.array.shape[:self.n_batch])

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The shape over the domain and codomain axes."""
        return tuple(self.array.shape[self.n_batch:])

    @property
    def sizes(self) -> dict[str, int]:
        """The size of each atomic type of the domain and codomain."""
        return dict(zip((self.dom @ self.cod).names, self.event_shape))

    @property
    def backend(self) -> str:
        """``"numpy"``, ``"exact"`` or ``"torch"``."""
        return B.backend_of(self.array)

    def __repr__(self) -> str:
        name = f"{self.name}: " if self.name else ""
        batch = f", batch_shape={self.batch_shape}" if self.batch_shape else ""
        head = f"<Kernel {name}{self.dom} -> {self.cod}{batch}, {self.backend}>"
        from markov.tables import text_table

        table = text_table(self)
        return f"{head}\n{table}" if table else head

    # ---- structure ---------------------------------------------------------------------

    def box(self, name: str | None = None) -> Box:
        """A box of this kernel's type, to use it in a diagram."""
        return Box(name or self.name or "k", self.dom, self.cod)

    def then(self, other: Kernel) -> Kernel:
        """Composition ``self >> other`` (Chapman–Kolmogorov), batched.

        >>> f = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="X")
        >>> (f >> f).array.tolist()
        [[0.25, 0.75], [0.0, 1.0]]
        """
        a, b = Box("0", self.dom, self.cod), Box("1", other.dom, other.cod)
        return _run(a >> b, {a: self, b: other}, self, other)

    def tensor(self, other: Kernel) -> Kernel:
        """Parallel composition ``self @ other``.

        >>> p = Kernel.state([0.5, 0.5], cod="X")
        >>> (p @ p).array.tolist()
        [[0.25, 0.25], [0.25, 0.25]]
        """
        a, b = Box("0", self.dom, self.cod), Box("1", other.dom, other.cod)
        return _run(a @ b, {a: self, b: other}, self, other)

    def __rshift__(self, other: Kernel) -> Kernel:
        if not isinstance(other, Kernel):
            return NotImplemented
        return self.then(other)

    def __matmul__(self, other: Kernel) -> Kernel:
        if not isinstance(other, Kernel):
            return NotImplemented
        return self.tensor(other)

    def marginal(self, keep: Iterable[int | str] | Ty | str) -> Kernel:
        """Keep the codomain atoms ``keep`` (positions or names, in the order given) and
        discard the others.

        >>> J = Kernel.state([[0.125, 0.375], [0.25, 0.25]], cod=("X", "Y"))
        >>> J.marginal(["Y"]).array.tolist()
        [0.375, 0.625]
        """
        positions = self.positions(keep)
        box = self.box("0")
        select = _d.Diagram(self.cod.names, (), (), (), range(len(self.cod)), positions)
        return _run(box >> select, {box: self}, self)

    def positions(self, atoms: Iterable[int | str] | Ty | str) -> list[int]:
        """Positions in the codomain of atoms given by name or position.

        >>> Kernel.state([[0.1, 0.2], [0.3, 0.4]], cod=("X", "Y")).positions("Y")
        [1]
        """
        if isinstance(atoms, (str, Ty)):
            atoms = as_ty(atoms).names
        names = list(self.cod.names)
        out = []
        for a in atoms:
            if isinstance(a, str):
                if a not in names:
                    raise UnknownAtom(f"{a} is not in the codomain {self.cod}")
                out.append(names.index(a))
            else:
                out.append(int(a))
        return out

    def tolist(self) -> list:
        """The array as nested lists."""
        return self.array.tolist()

    # ---- names and tables (see markov.labels, markov.tables) ---------------------------

    __iter__ = None  # lookup by name is not iteration: kernels stay non-iterable

    def __getitem__(self, key: Any) -> Any:
        """Look up by outcome name; see :func:`markov.labels.lookup`.

        >>> Kernel.state([0.25, 0.75], cod="X", labels={"X": ("a", "b")})["b"].item()
        0.75
        """
        from markov.labels import lookup

        return lookup(self, key)

    def to_pandas(self) -> Any:
        """A pandas Series or DataFrame by outcome name; see :func:`markov.tables.to_pandas`.

        >>> Kernel.state([0.25, 0.75], cod="X", labels={"X": ("a", "b")}).to_pandas()["b"]
        np.float64(0.75)
        """
        from markov.tables import to_pandas

        return to_pandas(self)

    def _repr_html_(self) -> str:
        from markov.tables import html_table

        return html_table(self)


# Kernel.__setattr__ refuses every write; these write one slot each (for Kernel._trusted)
_set_array, _set_dom, _set_cod, _set_name, _set_labels = (
    Kernel.__dict__[slot].__set__ for slot in ("array", "dom", "cod", "name", "labels"))


def _run(diagram: Diagram, mapping: dict, *kernels: Kernel) -> Kernel:
    """Interpret a small diagram over kernels; their sizes and backend carry over even to
    wires whose boxes are pruned away."""
    from markov.arrays import ops as A  # here and below: a cold start needs none of it
    from markov.contraction.interpret import interpret

    sizes = {t: s for k in kernels for t, s in k.sizes.items()}
    like = A.template_array([k.array for k in kernels])
    result = interpret(diagram, mapping, sizes=sizes, validate=False, like=like)
    batch = _broadcast(k.batch_shape for k in kernels)
    if result.batch_shape != batch:
        # Pruned boxes (e.g. a marginal onto nothing) still carry their batch shape.
        array = result.array
        shape = (*batch, *result.event_shape)
        result = Kernel(A.broadcast_to(array, shape), result.dom, result.cod, validate=False)
    from markov.labels import carry

    return carry(result, *kernels)


def _broadcast(shapes) -> tuple[int, ...]:
    return tuple(np.broadcast_shapes(*shapes))


def wiring(diagram: Diagram, sizes: Mapping[str, int], like: Any = None) -> Kernel:
    """The kernel of a box-free diagram (identities, swaps, copies, discards) over types of
    the given sizes, in the backend of ``like`` (exact when ``like`` is exact).

    >>> from fractions import Fraction
    >>> from diagrams import copy
    >>> k = wiring(copy("X"), {"X": 2}, np.array([Fraction(1, 2)], dtype=object))
    >>> k.backend, k.array[1].tolist()
    ('exact', [[0, 0], [0, 1]])
    """
    from markov.arrays import ops as A
    from markov.contraction.interpret import interpret

    like = like.array if isinstance(like, Kernel) else like
    if not diagram.wires:  # the identity on the unit: the scalar 1
        return Kernel(A.scalar_one(like), validate=False)
    return interpret(diagram, {}, sizes=sizes, like=like)



def kernel_category(sizes: Mapping[str, int], like: Any = None) -> Category:
    """The category of kernels over atomic types of the given sizes, as a functor target.

    >>> from diagrams import Ty, Box, copy, Functor
    >>> X = Ty("X")
    >>> p = Box("p", Ty(), X)
    >>> F = Functor(ar={p: Kernel.state([0.5, 0.5], cod=X)}, cod=kernel_category({"X": 2}))
    >>> F(p >> copy(X)).array.tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    from diagrams import Category

    return Category(
        unit=Ty(),
        identity=lambda ty: Kernel.identity(ty, sizes, like),
        swap=lambda a, b: Kernel.swap(a, b, sizes, like),
        copy=lambda ty, n: Kernel.copy(ty, sizes, n, like),
        discard=lambda ty: Kernel.discard(ty, sizes, like),
    )


def _unpickle(array, dom, cod, name, labels) -> Kernel:
    """A pickled kernel, rebuilt without validating it again (effects do not sum to 1)."""
    return Kernel(array, dom=dom, cod=cod, name=name, labels=labels, validate=False)

