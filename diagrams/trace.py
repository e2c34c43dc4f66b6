"""Diagrams written as Python functions: a variable used twice is a copy, an unused one a
discard. The function is run once on symbolic wires; applying a box to wires records it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from diagrams.box import Box
from diagrams.diagram import Diagram
from diagrams.errors import TracingError, TypeMismatch
from diagrams.types import Ty, as_ty

# The tracer of the function being traced, so that boxes with no inputs find it; it is set
# only for the duration of one trace (a context variable, safe across threads and tasks).
_ACTIVE: ContextVar[_Tracer | None] = ContextVar("_ACTIVE", default=None)


@dataclass(eq=False)
class Wire:
    """A symbolic wire handed to a traced function; only boxes can consume it.

    >>> from diagrams import Ty, Box, trace
    >>> @trace(Ty("X"))
    ... def f(x):
    ...     print(x.ty)
    ...     return x
    X
    """

    tracer: _Tracer
    index: int

    @property
    def ty(self) -> Ty:
        return Ty(self.tracer.wires[self.index])

    def __repr__(self) -> str:
        return f"Wire({self.tracer.wires[self.index]!r}, {self.index})"


@dataclass
class _Tracer:
    wires: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    box_inputs: list[tuple[int, ...]] = field(default_factory=list)
    box_outputs: list[tuple[int, ...]] = field(default_factory=list)

    def fresh(self, ty: Ty) -> list[Wire]:
        start = len(self.wires)
        self.wires.extend(ty.names)
        return [Wire(self, i) for i in range(start, start + len(ty))]


def apply_box(box: Box, wires: Sequence) -> Wire | tuple[Wire, ...] | None:
    """Record ``box`` applied to traced wires; returns its output wire(s)."""
    tracer = _ACTIVE.get()
    if tracer is None:
        raise TracingError(f"box {box.name} was called outside a traced function; "
                           "decorate the function with diagrams.trace")
    flat = []
    for w in wires:
        flat.extend(w if isinstance(w, (tuple, list)) else [w])
    if len(flat) != len(box.dom):
        raise TypeMismatch(f"box {box.name} takes {len(box.dom)} wires ({box.dom}), "
                           f"got {len(flat)}")
    for port, (w, ty) in enumerate(zip(flat, box.dom.names)):
        if not isinstance(w, Wire) or w.tracer is not tracer:
            raise TracingError(f"input {port} of box {box.name} is not a wire of this trace: "
                               f"{w!r}")
        if tracer.wires[w.index] != ty:
            raise TypeMismatch(f"input {port} of box {box.name} expects type {ty}, got a "
                               f"wire of type {tracer.wires[w.index]}")
    outs = tracer.fresh(box.cod)
    tracer.boxes.append(box)
    tracer.box_inputs.append(tuple(w.index for w in flat))
    tracer.box_outputs.append(tuple(w.index for w in outs))
    if len(outs) == 1:
        return outs[0]
    return tuple(outs) if outs else None


def trace(*dom: Ty | str) -> Callable[[Callable], Diagram]:
    """Decorator turning a function over wires into a diagram; ``dom`` gives the type of each
    parameter (atomic types). Reusing a wire copies it, leaving one unused discards it.

    >>> from diagrams import Ty, Box, copy, identity
    >>> X, Y = Ty("X"), Ty("Y")
    >>> p, f = Box("p", Ty(), X), Box("f", X, Y)
    >>> @trace()
    ... def joint():
    ...     x = p()
    ...     return x, f(x)
    >>> joint == p >> copy(X) >> (identity(X) @ f)
    True
    """
    types = [as_ty(t) for t in dom]

    def decorate(function: Callable) -> Diagram:
        n_params = len(inspect.signature(function).parameters)
        if n_params != len(types):
            raise TracingError(f"{function.__name__} takes {n_params} parameters but "
                               f"{len(types)} types were given")
        tracer = _Tracer()
        args = [tracer.fresh(t) for t in types]
        inputs = [w.index for ws in args for w in ws]
        token = _ACTIVE.set(tracer)
        try:
            result = function(*(ws[0] if len(ws) == 1 else tuple(ws) for ws in args))
        finally:
            _ACTIVE.reset(token)
        if result is None:
            result = ()
        elif isinstance(result, Wire):
            result = (result,)
        outputs = []
        for i, w in enumerate(result):
            if not isinstance(w, Wire) or w.tracer is not tracer:
                raise TracingError(f"output {i} of {function.__name__} is not a wire of "
                                   f"this trace: {w!r}")
            outputs.append(w.index)
        return Diagram(tracer.wires, tracer.boxes, tracer.box_inputs, tracer.box_outputs,
                       inputs, outputs)

    return decorate
