"""State labels of kernels: carrying them through operations, and looking values up by name.

A kernel's ``labels`` map some of its atoms (by type name) to the names of their outcomes.
Every operation that keeps a wire keeps its labels: :func:`carry` gives a result the labels its
arguments had on the atoms it still has. An atom without labels has the outcome names
``"0"``, ``"1"``, ... (:func:`state_names`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from markov.errors import UnknownAtom


def carry(result: Any, *sources: Any) -> Any:
    """``result`` with the labels the ``sources`` (kernels) give its atoms; the first source
    that labels an atom (with the right number of outcomes) wins.

    >>> from markov import Kernel
    >>> p = Kernel.state([0.5, 0.5], cod="X", labels={"X": ("a", "b")})
    >>> f = Kernel([[0.9, 0.1], [0.2, 0.8]], dom="X", cod="Y", labels={"Y": ("u", "v")})
    >>> carry(Kernel.state([0.55, 0.45], cod="Y"), p, f).labels
    {'Y': ('u', 'v')}
    """
    found: dict[str, tuple] = {}
    sizes = result.sizes
    for source in sources:
        for atom, names in (getattr(source, "labels", None) or {}).items():
            if atom in sizes and atom not in found and len(names) == sizes[atom]:
                found[atom] = tuple(names)
    old = result.labels or {}
    if not found or all(old.get(a) == n for a, n in found.items()):
        return result
    return type(result)(result.array, result.dom, result.cod, name=result.name,
                        validate=False, labels={**found, **old})


def state_names(kernel: Any, atom: str) -> tuple[str, ...]:
    """The outcome names of ``atom`` in ``kernel``: its labels, else ``"0"``, ``"1"``, ...

    >>> from markov import Kernel
    >>> state_names(Kernel.state([0.5, 0.5], cod="X"), "X")
    ('0', '1')
    """
    labels = (kernel.labels or {}).get(atom)
    if labels is not None:
        return tuple(str(s) for s in labels)
    sizes = kernel.sizes
    if atom not in sizes:
        raise UnknownAtom(f"{atom} is not an atom of the kernel {kernel.dom} -> {kernel.cod}")
    return tuple(str(i) for i in range(sizes[atom]))


def index_of(kernel: Any, atom: str, value: Any) -> int:
    """The position of the outcome ``value`` (a name; an int only for unlabelled atoms) of
    ``atom``; anything else raises :class:`~markov.errors.UnknownAtom` listing the outcomes.

    >>> from markov import Kernel
    >>> index_of(Kernel.state([0.5, 0.5], cod="X", labels={"X": ("a", "b")}), "X", "b")
    1
    """
    names = state_names(kernel, atom)
    labelled = bool((kernel.labels or {}).get(atom))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and not labelled:
        if 0 <= int(value) < len(names):
            return int(value)
    elif isinstance(value, (str, np.str_)) and str(value) in names:
        return names.index(str(value))
    raise UnknownAtom(f"{atom} has no outcome {value!r}; its outcomes are {names}")


def lookup(kernel: Any, key: Any) -> Any:
    """``kernel[key]``: ``key`` is an outcome name of the kernel's only codomain atom, or a
    dict ``{atom: name}``. Fixing only domain atoms gives the kernel of the remaining ones (a
    row: a distribution); fixing codomain atoms gives the numbers (batch axes first).

    >>> from markov import Kernel
    >>> f = Kernel([[0.9, 0.1], [0.2, 0.8]], dom="X", cod="Y",
    ...            labels={"X": ("a", "b"), "Y": ("u", "v")})
    >>> float(f[{"X": "b", "Y": "v"}]), f[{"X": "a"}].tolist()
    (0.8, [0.9, 0.1])
    >>> f["u"].tolist()
    [0.9, 0.2]
    """
    if not isinstance(key, Mapping):
        if len(kernel.cod) != 1:
            raise UnknownAtom(f"kernel[{key!r}]: the codomain {kernel.cod} has "
                              f"{len(kernel.cod)} atoms; pass a dict {{atom: outcome}}")
        key = {kernel.cod.names[0]: key}
    atoms = list((kernel.dom @ kernel.cod).names)
    for atom in key:
        if atom not in atoms:
            raise UnknownAtom(f"{atom} is not an atom of the kernel {kernel.dom} -> "
                              f"{kernel.cod}")
    nb = kernel.n_batch
    index: list[Any] = [slice(None)] * kernel.array.ndim
    for atom, value in key.items():
        index[nb + atoms.index(atom)] = index_of(kernel, atom, value)
    array = kernel.array[tuple(index)]
    if any(a in key for a in kernel.cod.names):
        return array
    dom = [a for a in kernel.dom.names if a not in key]
    labels = {a: n for a, n in (kernel.labels or {}).items() if a not in key}
    return type(kernel)(array, dom=dom, cod=kernel.cod, validate=False, labels=labels,
                        name=kernel.name)
