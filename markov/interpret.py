"""Interpretation of a diagram into stochastic matrices by one cached contraction."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from diagrams import Box, Diagram, Ty
from markov import backend as B
from markov.contraction import Plan, compile_plan
from markov.errors import MissingBox, ShapeMismatch
from markov.kernel import Kernel


def interpret(diagram: Diagram | Box, mapping: Mapping, *, sizes: Mapping[str, int] | None
              = None, validate: bool = True, max_memory: int | None = None,
              like: Any = None) -> Kernel:
    """The kernel a diagram denotes when each box is sent to a stochastic matrix.

    ``mapping`` sends each :class:`~diagrams.Box` (or its name) to a :class:`Kernel` or an
    array-like with axes ``[*batch, *dom, *cod]``. Sizes of types are read off the arrays and
    checked consistent; ``sizes`` gives those no box determines. Arrays of Fractions or sympy
    objects stay exact; torch tensors keep dtype and device (``like`` picks the backend of a
    diagram without boxes). The whole diagram is one contraction whose path is cached.

    >>> from fractions import Fraction as Fr
    >>> from diagrams import Ty, Box, copy, identity
    >>> X, Y = Ty("X"), Ty("Y")
    >>> p, f = Box("p", Ty(), X), Box("f", X, Y)
    >>> K = interpret(p >> copy(X) >> (identity(X) @ f),
    ...               {p: [Fr(1, 5), Fr(4, 5)], f: [[Fr(9, 10), Fr(1, 10)], [Fr(3, 10), Fr(7, 10)]]})
    >>> K.cod, K.array.tolist()
    (Ty('X', 'Y'), [[Fraction(9, 50), Fraction(1, 50)], [Fraction(6, 25), Fraction(14, 25)]])
    """
    plan, arrays, backend, template, d = _bind(diagram, mapping, sizes, validate, max_memory,
                                               like)
    return Kernel(plan(arrays, backend, template), dom=d.dom, cod=d.cod, validate=False)


def plan(diagram: Diagram | Box, mapping: Mapping, *, sizes: Mapping[str, int] | None = None,
         max_memory: int | None = None) -> Plan:
    """The compiled contraction :func:`interpret` runs for these arrays' shapes and backend:
    its equation, path, FLOP count and largest intermediate.

    >>> from diagrams import Ty, Box, copy
    >>> X = Ty("X")
    >>> p = Box("p", Ty(), X)
    >>> plan(p >> copy(X, 3), {p: [0.5, 0.5]}).equation
    'a,ab,ac->abc'
    """
    return _bind(diagram, mapping, sizes, True, max_memory, None)[0]


def _lookup(mapping: Mapping, box: Box):
    if box in mapping:
        return mapping[box]
    if box.name in mapping:
        return mapping[box.name]
    raise MissingBox(f"box {box.name}: {box.dom} -> {box.cod} has no kernel in the mapping")


def _bind(diagram, mapping, sizes, validate, max_memory, like):
    d = (diagram.to_diagram() if isinstance(diagram, Box) else diagram).pruned()
    like = like.array if isinstance(like, Kernel) else like
    arrays, batch_shapes, event_shapes = [], [], []
    type_size: dict[str, int] = dict(sizes or {})
    where: dict[str, str] = {name: "the sizes argument" for name in type_size}
    for box in d.boxes:
        value = _lookup(mapping, box)
        if isinstance(value, Kernel):
            array = value.array
            if len(value.dom) != len(box.dom) or len(value.cod) != len(box.cod):
                raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} is mapped to a "
                                    f"kernel {value.dom} -> {value.cod}")
        else:
            array = B.as_array(value)
            if validate:
                B.check_stochastic(array, len(box.cod), box.name)
        n = len(box.dom) + len(box.cod)
        if array.ndim < n:
            raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} needs {n} axes, "
                                f"got an array of shape {tuple(array.shape)}")
        shape = tuple(array.shape)
        batch, event = shape[:len(shape) - n], shape[len(shape) - n:]
        for port, (ty, size) in enumerate(zip((box.dom @ box.cod).names, event)):
            if type_size.setdefault(ty, size) != size:
                raise ShapeMismatch(f"type {ty} has size {type_size[ty]} in "
                                    f"{where[ty]} but size {size} at port {port} of box "
                                    f"{box.name}")
            where.setdefault(ty, f"box {box.name}")
        arrays.append(array)
        batch_shapes.append(batch)
        event_shapes.append(event)
    try:
        np.broadcast_shapes(*batch_shapes)
    except ValueError:
        shown = ", ".join(f"{box.name}: {b}" for box, b in zip(d.boxes, batch_shapes) if b)
        raise ShapeMismatch(f"batch shapes do not broadcast: {shown}") from None
    for ty in d.wires:
        if ty not in type_size:
            raise ShapeMismatch(f"the size of type {ty} is not fixed by any box; pass "
                                f"sizes={{{ty!r}: n}}")
    backend, template = B.common_backend(arrays + ([B.as_array(like)] if like is not None
                                                    else []))
    if backend == "torch" and template is None:
        template = like
    arrays = [B.convert(a, backend, template) for a in arrays]
    itemsize = 8 if backend != "torch" else template.element_size()
    plan = compile_plan(d.structure, tuple(event_shapes), tuple(batch_shapes),
                        tuple(type_size[ty] for ty in d.wires), max_memory, itemsize)
    return plan, arrays, backend, template, d
