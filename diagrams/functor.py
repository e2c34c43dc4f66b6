"""Functors out of the free Markov category: into diagrams (endofunctors) or any target
category that has composition ``>>``, tensor ``@``, identities, swaps, copies and discards."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from diagrams import diagram as _d
from diagrams.box import Box
from diagrams.diagram import Diagram
from diagrams.errors import DiagramError, TypeMismatch
from diagrams.types import Ty


@dataclass(frozen=True)
class Category:
    """The structure a functor needs of its target, as data: the monoidal unit object and
    functions for identities, swaps, ``n``-fold copies and discards on objects.

    Objects of the target must support ``@`` and arrows ``>>`` and ``@``.

    >>> from diagrams import Ty
    >>> DIAGRAMS.copy(Ty("X"), 3).cod
    Ty('X', 'X', 'X')
    """

    unit: Any
    identity: Callable[[Any], Any]
    swap: Callable[[Any, Any], Any]
    copy: Callable[[Any, int], Any]
    discard: Callable[[Any], Any]


DIAGRAMS = Category(Ty(), _d.identity, _d.swap, _d.copy, _d.discard)


class Functor:
    """A strict Markov functor given by its values on atomic types and on boxes.

    ``ob`` sends an atomic type (a ``Ty`` of length one) to an object of the target, ``ar``
    sends a ``Box`` to an arrow; both may be dicts or functions, and ``ob`` defaults to the
    identity. Into diagrams (the default target) the image is built by substituting each box
    by its image in the hypergraph; into any other target it is folded from the structure.

    >>> from diagrams import Ty, Box, copy
    >>> X, Y = Ty("X"), Ty("Y")
    >>> p, f, q = Box("p", Ty(), X), Box("f", X, Y), Box("q", Ty(), Y)
    >>> F = Functor(ar={p: q >> Box("g", Y, X)})
    >>> F(p >> copy(X) >> (f @ X)) == q >> Box("g", Y, X) >> copy(X) >> (f @ X)
    True
    """

    def __init__(self, ob: Mapping | Callable | None = None,
                 ar: Mapping | Callable | None = None, cod: Category = DIAGRAMS):
        self.ob, self.ar, self.cod = ob, ar, cod

    def on_atom(self, atom: Ty):
        if self.ob is None:
            return atom
        if callable(self.ob) and not isinstance(self.ob, Mapping):
            return self.ob(atom)
        return self.ob.get(atom, atom) if self.cod is DIAGRAMS else self.ob[atom]

    def on_box(self, box: Box):
        if self.ar is None:
            return box.to_diagram() if self.cod is DIAGRAMS else box
        if callable(self.ar) and not isinstance(self.ar, Mapping):
            image = self.ar(box)
        elif box in self.ar:
            image = self.ar[box]
        elif self.cod is DIAGRAMS:
            image = box
        else:
            raise DiagramError(f"the functor has no image for box {box.name}")
        if isinstance(image, Box):
            image = image.to_diagram()
        if self.cod is DIAGRAMS and (image.dom != self(box.dom)
                                     or image.cod != self(box.cod)):
            raise TypeMismatch(f"the image of box {box.name} has type {image.dom} -> "
                               f"{image.cod}, expected {self(box.dom)} -> {self(box.cod)}")
        return image

    def __call__(self, value):
        if isinstance(value, Ty):
            return reduce(lambda a, b: a @ b, (self.on_atom(a) for a in value), self.cod.unit)
        if isinstance(value, Box):
            return self.on_box(value)
        if isinstance(value, Diagram):
            if self.cod is DIAGRAMS:
                return _substitute(self, value)
            return _fold(self, value)
        raise TypeError(f"a functor applies to types, boxes and diagrams, not "
                        f"{type(value).__name__}")


def _substitute(F: Functor, d: Diagram) -> Diagram:
    """Replace every box by its image, gluing the images into one hypergraph."""
    wires: list[str] = []
    new: dict[int, tuple[int, ...]] = {}  # old wire -> its new wires

    def fresh(atom: str) -> tuple[int, ...]:
        ty = F(Ty(atom))
        start = len(wires)
        wires.extend(ty.names)
        return tuple(range(start, start + len(ty)))

    for w in d.inputs:
        new[w] = fresh(d.wires[w])
    boxes, box_in, box_out = [], [], []
    for box, ins, outs in zip(d.boxes, d.box_inputs, d.box_outputs):
        image = F.on_box(box)
        sub = dict(zip(image.inputs, (v for w in ins for v in new[w])))
        for w, ty in enumerate(image.wires):
            if w not in sub:
                sub[w] = len(wires)
                wires.append(ty)
        boxes.extend(image.boxes)
        box_in.extend(tuple(sub[w] for w in ws) for ws in image.box_inputs)
        box_out.extend(tuple(sub[w] for w in ws) for ws in image.box_outputs)
        image_outs = [sub[w] for w in image.outputs]
        for w in outs:
            k = len(F(Ty(d.wires[w])))
            new[w], image_outs = tuple(image_outs[:k]), image_outs[k:]
    inputs = [v for w in d.inputs for v in new[w]]
    outputs = [v for w in d.outputs for v in new[w]]
    return Diagram(wires, boxes, box_in, box_out, inputs, outputs)


def _fold(F: Functor, d: Diagram):
    """Build the image box by box in topological order, carrying the wires still needed."""
    cod = F.cod
    remaining = list(d.uses)
    slots = list(d.inputs)
    arrow = cod.identity(F(d.dom))
    for box, ins, outs in zip(d.boxes, d.box_inputs, d.box_outputs):
        for w in ins:
            remaining[w] -= 1
        keep = [w for w in slots if remaining[w] > 0]
        arrow = arrow >> _wiring(F, d, slots, list(ins) + keep)
        rest = cod.identity(F(Ty(*(d.wires[w] for w in keep))))
        arrow = arrow >> (F.on_box(box) @ rest)
        slots = list(outs) + keep
    return arrow >> _wiring(F, d, slots, list(d.outputs))


def _wiring(F: Functor, d: Diagram, source: list[int], target: list[int]):
    """The copies, discards and swaps taking distinct wires ``source`` to ``target``."""
    cod = F.cod
    obj = [F(Ty(d.wires[w])) for w in source]
    layer = reduce(lambda a, b: a @ b,
                   (cod.copy(o, target.count(w)) for o, w in zip(obj, source)),
                   cod.identity(cod.unit))
    expanded = [w for w in source for _ in range(target.count(w))]
    # Position in the target of each expanded wire, repeated wires in order.
    slots: dict[int, list[int]] = {}
    for i, w in enumerate(target):
        slots.setdefault(w, []).append(i)
    order = [slots[w].pop(0) for w in expanded]
    objects = [F(Ty(d.wires[w])) for w in expanded]
    arrow = layer
    # Bubble sort by adjacent swaps: enough for a generic target, which only knows swap(a, b).
    for end in range(len(order) - 1, 0, -1):
        for i in range(end):
            if order[i] > order[i + 1]:
                before = reduce(lambda a, b: a @ b, objects[:i], cod.unit)
                after = reduce(lambda a, b: a @ b, objects[i + 2:], cod.unit)
                arrow = arrow >> (cod.identity(before) @ cod.swap(objects[i], objects[i + 1])
                                  @ cod.identity(after))
                order[i], order[i + 1] = order[i + 1], order[i]
                objects[i], objects[i + 1] = objects[i + 1], objects[i]
    return arrow
