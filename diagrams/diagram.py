"""String diagrams of a free Markov category, stored as open hypergraphs.

Wires are nodes, each with an atomic type; boxes are hyperedges with ordered input and output
wires; the diagram has ordered input and output wires. Every wire has exactly one source (a
diagram input or one box output) and any number of uses: several uses is a copy, none is a
discard. Copy and discard are therefore wiring, never boxes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property

from diagrams._lazy import lazy_module
from diagrams.box import Box
from diagrams.errors import DiagramError, TypeMismatch
from diagrams.types import Ty

nx = lazy_module("networkx")


class Diagram:
    """An immutable open hypergraph ``dom -> cod``.

    ``wires[i]`` is the atomic type name of wire ``i``; box ``j`` is ``boxes[j]`` with input
    wires ``box_inputs[j]`` and output wires ``box_outputs[j]``; boxes are stored in a
    topological order. ``==`` is equality up to the axioms of Markov categories.

    >>> from diagrams import Ty, Box, copy
    >>> X = Ty("X")
    >>> d = Box("p", Ty(), X) >> copy(X)
    >>> d.wires, d.box_outputs, d.outputs
    (('X',), ((0,),), (0, 0))
    """

    def __init__(self, wires: Sequence[str], boxes: Sequence[Box],
                 box_inputs: Sequence[Sequence[int]], box_outputs: Sequence[Sequence[int]],
                 inputs: Sequence[int], outputs: Sequence[int]):
        self._store(wires, boxes, box_inputs, box_outputs, inputs=inputs, outputs=outputs)
        self._check()

    def __setattr__(self, key, value):
        raise AttributeError("diagrams are immutable")

    @classmethod
    def _trusted(cls, wires: Sequence[str], boxes: Sequence[Box], box_inputs: Sequence,
                 box_outputs: Sequence, *, inputs: Sequence[int], outputs: Sequence[int]
                 ) -> Diagram:
        """A diagram from parts known to be well formed, made from checked diagrams by code
        that keeps them so (pruning, a query's rewiring): the constructor's checks skipped,
        which a first query would otherwise pay three times."""
        d = object.__new__(cls)
        d._store(wires, boxes, box_inputs, box_outputs, inputs=inputs, outputs=outputs)
        return d

    def _store(self, wires: Sequence[str], boxes: Sequence[Box], box_inputs: Sequence,
               box_outputs: Sequence, *, inputs: Sequence[int], outputs: Sequence[int]
               ) -> None:
        """Set the six parts, as tuples (the one place that writes them)."""
        for attr, value in (("wires", tuple(wires)), ("boxes", tuple(boxes)),
                            ("box_inputs", tuple(tuple(ws) for ws in box_inputs)),
                            ("box_outputs", tuple(tuple(ws) for ws in box_outputs)),
                            ("inputs", tuple(inputs)), ("outputs", tuple(outputs))):
            object.__setattr__(self, attr, value)

    def _check(self) -> None:
        n = len(self.wires)
        if not (len(self.boxes) == len(self.box_inputs) == len(self.box_outputs)):
            raise DiagramError("boxes, box_inputs and box_outputs must have the same length")
        source = [None] * n
        for w in self.inputs:
            if not 0 <= w < n:
                raise DiagramError(f"input wire {w} does not exist")
            if source[w] is not None:
                raise DiagramError(f"wire {w} is listed twice among the inputs")
            source[w] = "input"
        for j, (box, ins, outs) in enumerate(zip(self.boxes, self.box_inputs,
                                                 self.box_outputs)):
            for port, (w, ty) in enumerate(zip(ins, box.dom.names)):
                if not 0 <= w < n or source[w] is None:
                    raise DiagramError(
                        f"input {port} of box {box.name} uses wire {w}, which has no earlier "
                        "source: boxes must be listed in a topological order")
                if self.wires[w] != ty:
                    raise TypeMismatch(f"input {port} of box {box.name} has type {ty} but "
                                       f"wire {w} has type {self.wires[w]}")
            if len(ins) != len(box.dom) or len(outs) != len(box.cod):
                raise DiagramError(f"box {box.name} is wired to {len(ins)} inputs and "
                                   f"{len(outs)} outputs, its type asks for {len(box.dom)} "
                                   f"and {len(box.cod)}")
            for port, (w, ty) in enumerate(zip(outs, box.cod.names)):
                if not 0 <= w < n or source[w] is not None:
                    raise DiagramError(f"output {port} of box {box.name} is wire {w}, "
                                       "which already has a source")
                if self.wires[w] != ty:
                    raise TypeMismatch(f"output {port} of box {box.name} has type {ty} but "
                                       f"wire {w} has type {self.wires[w]}")
                source[w] = j
        for w, s in enumerate(source):
            if s is None:
                raise DiagramError(f"wire {w} of type {self.wires[w]} has no source")
        for w in self.outputs:
            if not 0 <= w < n:
                raise DiagramError(f"output wire {w} does not exist")

    # ---- construction -------------------------------------------------------------------

    @staticmethod
    def from_box(box: Box) -> Diagram:
        """The diagram made of one box.

        >>> Diagram.from_box(Box("f", Ty("X"), Ty("Y"))).outputs
        (1,)
        """
        k, m = len(box.dom), len(box.cod)
        return Diagram(box.dom.names + box.cod.names, (box,), (tuple(range(k)),),
                       (tuple(range(k, k + m)),), range(k), range(k, k + m))

    @cached_property
    def dom(self) -> Ty:
        """The domain: types of the input wires."""
        return Ty(*(self.wires[w] for w in self.inputs))

    @cached_property
    def cod(self) -> Ty:
        """The codomain: types of the output wires."""
        return Ty(*(self.wires[w] for w in self.outputs))

    @cached_property
    def uses(self) -> tuple[int, ...]:
        """How many times each wire is used (by boxes and as an output).

        >>> from diagrams import copy, discard
        >>> copy(Ty("X"), 3).uses, discard(Ty("X")).uses
        ((3,), (0,))
        """
        count = [0] * len(self.wires)  # a list, not a Counter: a first query counts these
        for ins in (*self.box_inputs, self.outputs):
            for w in ins:
                count[w] += 1
        return tuple(count)

    # ---- composition --------------------------------------------------------------------

    def then(self, other: Diagram | Box) -> Diagram:
        """Sequential composition ``self >> other``: outputs glued to the other's inputs.

        >>> X, Y = Ty("X"), Ty("Y")
        >>> (Box("f", X, Y) >> Box("g", Y, X)).cod
        Ty('X')
        """
        other = _as_diagram(other)
        if self.cod != other.dom:
            raise TypeMismatch(f"cannot compose: the codomain of {_describe(self)} is "
                               f"{self.cod!r} but the domain of {_describe(other)} is "
                               f"{other.dom!r}")
        sub = dict(zip(other.inputs, self.outputs))
        wires = list(self.wires)
        for w, ty in enumerate(other.wires):
            if w not in sub:
                sub[w] = len(wires)
                wires.append(ty)
        return Diagram(wires, self.boxes + other.boxes,
                       self.box_inputs + _relabel(other.box_inputs, sub),
                       self.box_outputs + _relabel(other.box_outputs, sub),
                       self.inputs, tuple(sub[w] for w in other.outputs))

    def tensor(self, other: Diagram | Box) -> Diagram:
        """Parallel composition ``self @ other``: the disjoint union of the hypergraphs.

        >>> X, Y = Ty("X"), Ty("Y")
        >>> (Box("f", X, Y) @ Box("g", Y, X)).dom
        Ty('X', 'Y')
        """
        other = _as_diagram(other)
        n = len(self.wires)
        sub = {w: w + n for w in range(len(other.wires))}
        return Diagram(self.wires + other.wires, self.boxes + other.boxes,
                       self.box_inputs + _relabel(other.box_inputs, sub),
                       self.box_outputs + _relabel(other.box_outputs, sub),
                       self.inputs + tuple(sub[w] for w in other.inputs),
                       self.outputs + tuple(sub[w] for w in other.outputs))

    # A type stands for its identity, as in ``f @ X``.
    def __rshift__(self, other):
        if not isinstance(other, (Diagram, Box, Ty)):
            return NotImplemented
        return self.then(other)

    def __rrshift__(self, other):
        if not isinstance(other, (Box, Ty)):
            return NotImplemented
        return _as_diagram(other).then(self)

    def __matmul__(self, other):
        if not isinstance(other, (Diagram, Box, Ty)):
            return NotImplemented
        return self.tensor(other)

    def __rmatmul__(self, other):
        if not isinstance(other, (Box, Ty)):
            return NotImplemented
        return _as_diagram(other).tensor(self)

    # ---- equality -----------------------------------------------------------------------

    def pruned(self) -> Diagram:
        """Remove every box none of whose outputs reaches the outputs (discard is natural).

        >>> X, Y = Ty("X"), Ty("Y")
        >>> from diagrams import discard
        >>> (Box("p", Ty(), X) >> Box("f", X, Y) >> discard(Y)).pruned().boxes
        ()
        """
        cached = self.__dict__.get("_pruned")
        if cached is not None:
            return cached
        result = self._prune()
        object.__setattr__(self, "_pruned", result)
        return result

    def _prune(self) -> Diagram:
        live_wires = set(self.outputs)
        live_boxes = []
        for j in reversed(range(len(self.boxes))):
            if any(w in live_wires for w in self.box_outputs[j]):
                live_boxes.append(j)
                live_wires.update(self.box_inputs[j])
        if len(live_boxes) == len(self.boxes):
            return self
        live_boxes.reverse()
        keep = set(self.inputs) | live_wires
        for j in live_boxes:
            keep.update(self.box_outputs[j])
        order = sorted(keep)
        sub = {w: i for i, w in enumerate(order)}
        return Diagram._trusted([self.wires[w] for w in order],
                                [self.boxes[j] for j in live_boxes],
                                _relabel([self.box_inputs[j] for j in live_boxes], sub),
                                _relabel([self.box_outputs[j] for j in live_boxes], sub),
                                inputs=[sub[w] for w in self.inputs],
                                outputs=[sub[w] for w in self.outputs])

    def is_identical(self, other: object) -> bool:
        """Structural equality: the same hypergraph with the same numbering.

        >>> X = Ty("X")
        >>> from diagrams import identity
        >>> (identity(X) >> identity(X)).is_identical(identity(X))
        True
        """
        other = _as_diagram(other) if isinstance(other, Box) else other
        return isinstance(other, Diagram) and self._key == other._key

    @cached_property
    def _key(self) -> tuple:
        return (self.wires, self.boxes, self.box_inputs, self.box_outputs, self.inputs,
                self.outputs)

    @cached_property
    def structure(self) -> tuple:
        """The hypergraph without box labels: what a contraction plan depends on."""
        return (self.wires, self.box_inputs, self.box_outputs, self.inputs, self.outputs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Box):
            other = _as_diagram(other)
        if not isinstance(other, Diagram):
            return NotImplemented
        if self.dom != other.dom or self.cod != other.cod:
            return False
        a, b = self.pruned(), other.pruned()
        if a._key == b._key:
            return True
        if Counter(a.boxes) != Counter(b.boxes) or Counter(a.wires) != Counter(b.wires):
            return False
        return nx.is_isomorphic(a._graph, b._graph, node_match=_same_label,
                                edge_match=_same_label)

    def __hash__(self) -> int:
        pruned = self.pruned()
        return hash((self.dom, self.cod, frozenset(Counter(pruned.boxes).items())))

    @cached_property
    def _graph(self) -> nx.DiGraph:
        """Wires and boxes as nodes; labels carry types, boundary positions and ports."""
        graph = nx.DiGraph()
        in_pos, out_pos = {}, {}
        for i, w in enumerate(self.inputs):
            in_pos.setdefault(w, []).append(i)
        for i, w in enumerate(self.outputs):
            out_pos.setdefault(w, []).append(i)
        for w, ty in enumerate(self.wires):
            graph.add_node(("w", w), label=(ty, tuple(in_pos.get(w, ())),
                                            tuple(out_pos.get(w, ()))))
        for j, box in enumerate(self.boxes):
            graph.add_node(("b", j), label=box)
            ports: dict[int, list[int]] = {}
            for port, w in enumerate(self.box_inputs[j]):
                ports.setdefault(w, []).append(port)
            for w, ps in ports.items():
                graph.add_edge(("w", w), ("b", j), label=("in", tuple(ps)))
            for port, w in enumerate(self.box_outputs[j]):
                graph.add_edge(("b", j), ("w", w), label=("out", port))
        return graph

    # ---- display ------------------------------------------------------------------------

    def __repr__(self) -> str:
        names = ", ".join(box.name for box in self.boxes)
        return f"<Diagram {self.dom} -> {self.cod} with boxes [{names}]>"

    def draw(self, path=None, **kwargs):
        """Draw with matplotlib (copies as dots, discards as ground symbols); see
        :func:`diagrams.drawing.draw`."""
        from diagrams.drawing import draw

        return draw(self, path, **kwargs)

    def to_tikz(self) -> str:
        """TikZ source of the drawing; see :func:`diagrams.drawing.to_tikz`."""
        from diagrams.drawing import to_tikz

        return to_tikz(self)

    def to_dot(self) -> str:
        """Graphviz DOT source of the hypergraph; see :func:`diagrams.drawing.to_dot`."""
        from diagrams.drawing import to_dot

        return to_dot(self)

    def _repr_svg_(self) -> str:
        from diagrams.drawing import to_svg

        return to_svg(self)


def _same_label(a: dict, b: dict) -> bool:
    return a["label"] == b["label"]


def _relabel(lists: Iterable[Sequence[int]], sub: dict[int, int]) -> tuple:
    return tuple(tuple(sub[w] for w in ws) for ws in lists)


def _as_diagram(value) -> Diagram:
    if isinstance(value, Diagram):
        return value
    if isinstance(value, Box):
        return Diagram.from_box(value)
    if isinstance(value, Ty):
        from diagrams.wiring import identity

        return identity(value)
    raise TypeError(f"expected a Diagram or a Box, got {type(value).__name__}")


def _describe(diagram: Diagram) -> str:
    if len(diagram.boxes) == 1 and diagram.dom == diagram.boxes[0].dom \
            and diagram.cod == diagram.boxes[0].cod:
        return diagram.boxes[0].name
    if not diagram.boxes:
        return f"the wiring {diagram.dom} -> {diagram.cod}"
    shown = ", ".join(box.name for box in diagram.boxes[:4])
    more = ", ..." if len(diagram.boxes) > 4 else ""
    return f"the diagram of [{shown}{more}]"


def __getattr__(name: str) -> object:
    """The wiring diagrams (``copy``, ``discard``, ``identity``, ``permutation``, ``swap``)
    live in :mod:`diagrams.wiring`; importable from here as they always were, and loaded
    on first use (a diagram built from boxes needs none)."""
    if name in ("copy", "discard", "identity", "permutation", "swap"):
        import diagrams.wiring as wiring

        return getattr(wiring, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
