"""Hypothesis strategies for property tests of Markov categories: types, stochastic kernels
(float, exact and torch) and random well-typed diagrams, with caps so tests stay small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from hypothesis import strategies as st

from diagrams import Box, Diagram, Ty
from markov.arrays import ops as A
from markov.arrays.backend import KINDS
from markov.kernel import Kernel

#: Backends a law can run on (the Gaussian semantics adds its own).
BACKENDS = KINDS


def types(names: Sequence[str] = ("X", "Y", "Z"), max_atoms: int = 2,
          min_atoms: int = 0) -> st.SearchStrategy[Ty]:
    """Types made of up to ``max_atoms`` atoms drawn from ``names``.

    >>> isinstance(types().example(), Ty)
    True
    """
    return st.lists(st.sampled_from(list(names)), min_size=min_atoms,
                    max_size=max_atoms).map(lambda ns: Ty(*ns))


def sizes(names: Sequence[str] = ("X", "Y", "Z"), max_size: int = 3
          ) -> st.SearchStrategy[dict[str, int]]:
    """A size between 1 and ``max_size`` for each atomic type name.

    >>> set(sizes(["X"]).example()) == {"X"}
    True
    """
    return st.fixed_dictionaries({n: st.integers(1, max_size) for n in names})


@st.composite
def _rows(draw, n_rows: int, n: int, zeros: bool, deterministic: bool):
    """Rows of non-negative integer counts, none all zero (normalised by the array layer)."""
    rows = []
    for _ in range(n_rows):
        if deterministic:
            row = [0] * n
            row[draw(st.integers(0, n - 1))] = 1
        else:
            low = 0 if zeros else 1
            row = draw(st.lists(st.integers(low, 6), min_size=n, max_size=n))
            if sum(row) == 0:
                row[draw(st.integers(0, n - 1))] = 1
        rows.append(row)
    return rows


@st.composite
def kernels(draw, dom: Ty, cod: Ty, sizes: Mapping[str, int], backend: str = "numpy", *,
            batch_shape: tuple[int, ...] = (), zeros: bool = False,
            deterministic: bool = False, name: str | None = None) -> Kernel:
    """Random stochastic kernels ``dom -> cod`` with axes ``[*batch, *dom, *cod]``: rational
    entries with small denominators, exact Fractions on the ``"exact"`` backend. ``zeros``
    allows zero entries, ``deterministic`` gives 0/1 rows (functions).

    >>> from hypothesis import given
    >>> k = kernels(Ty("X"), Ty("Y"), {"X": 2, "Y": 3}, "exact").example()
    >>> k.array.shape, sum(k.array[0])
    ((2, 3), Fraction(1, 1))
    """
    cod_shape = tuple(sizes[n] for n in cod.names)
    shape = (*batch_shape, *(sizes[n] for n in dom.names), *cod_shape)
    n = int(np.prod(cod_shape, dtype=int))
    n_rows = int(np.prod(shape, dtype=int)) // n if n else 0
    rows = draw(_rows(n_rows, n, zeros, deterministic))
    return Kernel(A.from_counts(rows, shape, backend), dom=dom, cod=cod, name=name)


def states(cod: Ty, sizes: Mapping[str, int], backend: str = "numpy", **kwargs
           ) -> st.SearchStrategy[Kernel]:
    """Random states (distributions) on ``cod``; see :func:`kernels`.

    >>> states(Ty("X"), {"X": 2}).example().dom
    Ty()
    """
    return kernels(Ty(), cod, sizes, backend, **kwargs)


@st.composite
def diagrams(draw, names: Sequence[str] = ("X", "Y"), max_boxes: int = 4, *,
             max_width: int = 2, dom: Ty | None = None, cod_atoms: int | None = None
             ) -> Diagram:
    """Random well-typed diagrams: boxes added one at a time on wires already there (reusing
    a wire is a copy), random outputs (an unused wire is a discard). Box ``i`` is named
    ``f{i}``; at most ``max_width`` inputs and outputs per box and ``max_width + 1`` outputs.

    >>> d = diagrams().example()
    >>> isinstance(d, Diagram)
    True
    """
    names = list(names)
    atom = st.sampled_from(names)
    if dom is None:
        dom = Ty(*draw(st.lists(atom, max_size=max_width)))
    wires = list(dom.names)
    boxes, box_in, box_out = [], [], []
    for i in range(draw(st.integers(0, max_boxes))):
        n_in = draw(st.integers(0, min(max_width, len(wires))))
        ins = draw(st.lists(st.integers(0, len(wires) - 1), min_size=n_in,
                            max_size=n_in)) if wires else []
        out_types = draw(st.lists(atom, min_size=1, max_size=max_width))
        outs = list(range(len(wires), len(wires) + len(out_types)))
        wires.extend(out_types)
        boxes.append(Box(f"f{i}", Ty(*(wires[w] for w in ins)), Ty(*out_types)))
        box_in.append(ins)
        box_out.append(outs)
    n_out = cod_atoms if cod_atoms is not None else draw(st.integers(0, max_width + 1))
    outputs = draw(st.lists(st.integers(0, len(wires) - 1), min_size=n_out,
                            max_size=n_out)) if wires else []
    return Diagram(wires, boxes, box_in, box_out, range(len(dom)), outputs)


@st.composite
def interpretations(draw, diagram: Diagram, sizes: Mapping[str, int],
                    backend: str = "numpy", *, zeros: bool = False,
                    batch_shape: tuple[int, ...] = ()) -> dict[Box, Kernel]:
    """A random kernel for every box of ``diagram``.

    >>> from diagrams import Box, Ty
    >>> m = interpretations(Box("f", Ty("X"), Ty("Y")).to_diagram(), {"X": 2, "Y": 2}).example()
    >>> list(m.values())[0].array.shape
    (2, 2)
    """
    return {box: draw(kernels(box.dom, box.cod, sizes, backend, batch_shape=batch_shape,
                              zeros=zeros))
            for box in set(diagram.boxes)}
