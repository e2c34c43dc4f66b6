"""The layout of a string diagram, computed once from its hypergraph and shared by every
picture (matplotlib, SVG, TikZ).

Data flows top to bottom: the diagram's inputs at the top, its outputs at the bottom, boxes
in layers between them (longest-path layering, boxes of a layer side by side, ordered to
avoid crossings). A wire runs from its source to each of its uses; a wire used twice or more
splits at a dot (copy), a wire never used ends in a ground symbol (discard).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from diagrams.box import Box

if TYPE_CHECKING:
    from diagrams.diagram import Diagram

Point = tuple[float, float]

# Geometry in layout units: 1 unit is 1 cm in TikZ and _SCALE inches in matplotlib.
_ROW = 1.6      # vertical distance between consecutive layers
_BOX_H = 0.7    # height of a box
_PORT = 0.8     # least distance between two ports of a box
_GAP = 0.5      # least clear space between neighbours in a layer
_WIRE_W = 0.3   # width a wire passing through a layer claims (room for its type label)
_DROP = 0.35    # depth of a copy dot or a ground symbol below the wire's source
_CHAR = 0.11    # estimated width of one character of a box name at 10pt
_SCALE = 0.75   # inches per layout unit in matplotlib


@dataclass(frozen=True)
class _BoxShape:
    index: int
    name: str
    center: Point
    width: float
    state: bool                  # no inputs: drawn as a triangle
    inputs: tuple[Point, ...]    # port positions, in port order
    outputs: tuple[Point, ...]


@dataclass(frozen=True)
class _WireShape:
    index: int
    type: str
    source: Point
    routes: tuple[tuple[Point, ...], ...]  # one per use: from the dot (or source) to the use
    dot: Point | None                      # where a copied wire splits
    ground: Point | None                   # where a discarded wire ends
    label: Point                           # where the type name starts
    label_left: bool                       # the name sits left of the wire, which bends right


@dataclass(frozen=True)
class _Layout:
    boxes: tuple[_BoxShape, ...]
    wires: tuple[_WireShape, ...]
    inputs: tuple[Point, ...]
    outputs: tuple[Point, ...]
    bounds: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax

    @property
    def dots(self) -> tuple[Point, ...]:
        return tuple(w.dot for w in self.wires if w.dot is not None)

    @property
    def grounds(self) -> tuple[Point, ...]:
        return tuple(w.ground for w in self.wires if w.ground is not None)


# ---- layout -----------------------------------------------------------------------------

def _layers(diagram: Diagram) -> list[int]:
    """Longest-path layer of each box (1 = just below the inputs); states are then pulled
    down to just above their first consumer so that priors sit next to where they are used."""
    row = {w: 0 for w in diagram.inputs}
    layer = []
    for ins, outs in zip(diagram.box_inputs, diagram.box_outputs):
        layer.append(1 + max((row[w] for w in ins), default=0))
        row.update((w, layer[-1]) for w in outs)
    consumers: dict[int, list[int]] = {}
    for j, ins in enumerate(diagram.box_inputs):
        for w in ins:
            consumers.setdefault(w, []).append(j)
    for j in reversed(range(len(layer))):
        below = [layer[c] for w in diagram.box_outputs[j] for c in consumers.get(w, ())]
        if not diagram.box_inputs[j] and below:
            layer[j] = min(below) - 1
    return layer


def _box_width(box: Box) -> float:
    ports = max(len(box.dom), len(box.cod), 1) * _PORT
    text = _CHAR * len(box.name) + 0.3
    # A triangle is half as wide as its base where the name sits.
    return max(ports, 1.8 * text if not box.dom else text)


def _port(width: float, port: int, n: int) -> float:
    """Offset of a port from its box's centre: ports spread evenly across the box."""
    return -width / 2 + (port + 0.5) * width / n


def layout(diagram: Diagram) -> _Layout:
    """Positions of boxes, boundary points, wire routes, copy dots and grounds."""
    layer = _layers(diagram)
    depth = max(layer, default=0) + 1  # the outputs' row
    width = {("box", j): _box_width(box) for j, box in enumerate(diagram.boxes)}
    rows: list[list[tuple]] = [[] for _ in range(depth + 1)]
    rows[0] = [("in", i) for i in range(len(diagram.inputs))]
    rows[depth] = [("out", i) for i in range(len(diagram.outputs))]
    for j in range(len(diagram.boxes)):
        rows[layer[j]].append(("box", j))

    source: dict[int, tuple[tuple, float, int]] = {}  # wire -> (item, port offset, row)
    for i, w in enumerate(diagram.inputs):
        source[w] = (("in", i), 0.0, 0)
    uses: dict[int, list[tuple[tuple, float, int]]] = {w: [] for w in range(len(diagram.wires))}
    for j, (ins, outs) in enumerate(zip(diagram.box_inputs, diagram.box_outputs)):
        for p, w in enumerate(ins):
            uses[w].append((("box", j), _port(width[("box", j)], p, len(ins)), layer[j]))
        for p, w in enumerate(outs):
            source[w] = (("box", j), _port(width[("box", j)], p, len(outs)), layer[j])
    for i, w in enumerate(diagram.outputs):
        uses[w].append((("out", i), 0.0, depth))

    # A wire crossing several layers gets a via point in each, as in Sugiyama's method, so that
    # it claims room there and takes part in the ordering.
    edges: list[tuple[tuple, float, tuple, float]] = []
    for w, targets in uses.items():
        item, off, r = source[w]
        for u, (target, target_off, target_row) in enumerate(targets):
            chain = [(item, off)] + [(("via", w, u, k), 0.0) for k in range(r + 1, target_row)]
            for k in range(r + 1, target_row):
                rows[k].append(("via", w, u, k))
            chain.append((target, target_off))
            edges += [(a, oa, b, ob) for (a, oa), (b, ob) in itertools.pairwise(chain)]

    above: dict[tuple, list[tuple[tuple, float, float]]] = {it: [] for row in rows for it in row}
    below: dict[tuple, list[tuple[tuple, float, float]]] = {it: [] for row in rows for it in row}
    for a, oa, b, ob in edges:
        above[b].append((a, oa, ob))
        below[a].append((b, ob, oa))
    rows = _order(rows, edges, above, below, width)
    x = _place(rows, above, below, width)

    def point(item: tuple, off: float = 0.0, dy: float = 0.0) -> Point:
        r = 0 if item[0] == "in" else depth if item[0] == "out" else \
            item[3] if item[0] == "via" else layer[item[1]]
        return (x[item] + off, -r * _ROW + dy)

    boxes = []
    for j, box in enumerate(diagram.boxes):
        it, k, m = ("box", j), len(box.dom), len(box.cod)
        boxes.append(_BoxShape(
            j, box.name, point(it), width[it], not k,
            tuple(point(it, _port(width[it], p, k), _BOX_H / 2) for p in range(k)),
            tuple(point(it, _port(width[it], p, m), -_BOX_H / 2) for p in range(m))))
    wires = []
    for w, ty in enumerate(diagram.wires):
        item, off, _ = source[w]
        start = point(item, off, 0.0 if item[0] == "in" else -_BOX_H / 2)
        split = (start[0], start[1] - _DROP)
        routes = tuple(
            ((split if len(uses[w]) > 1 else start),
             *(point(("via", w, u, k)) for k in range(source[w][2] + 1, r)),
             point(t, t_off, _BOX_H / 2 if t[0] == "box" else 0.0))
            for u, (t, t_off, r) in enumerate(uses[w]))
        # A lone wire that bends right at once would run through a name on its right.
        left = len(routes) == 1 and routes[0][1][0] > start[0] + 0.05
        wires.append(_WireShape(w, ty, start, routes, split if len(uses[w]) > 1 else None,
                                split if not uses[w] else None,
                                (start[0] + (-0.07 if left else 0.07), start[1] - _DROP / 2),
                                left))
    return _Layout(tuple(boxes), tuple(wires),
                   tuple(point(("in", i)) for i in range(len(diagram.inputs))),
                   tuple(point(("out", i)) for i in range(len(diagram.outputs))),
                   _bounds(boxes, wires))


def _bounds(boxes: Sequence[_BoxShape], wires: Sequence[_WireShape]) -> tuple:
    xs: list[float] = []
    ys: list[float] = []
    for b in boxes:
        xs += [b.center[0] - b.width / 2, b.center[0] + b.width / 2]
        ys += [b.center[1] - _BOX_H / 2, b.center[1] + _BOX_H / 2]
    for w in wires:
        for px, py in (w.source, *(p for route in w.routes for p in route)):
            xs.append(px)
            ys.append(py)
        xs.append(w.label[0] + (-0.09 if w.label_left else 0.09) * len(w.type))  # at 8pt
        if w.ground:
            xs += [w.ground[0] - 0.2, w.ground[0] + 0.2]
            ys.append(w.ground[1] - 0.2)
    if not xs:  # the empty diagram
        return (-0.5, 0.5, -0.5, 0.5)
    m = 0.25
    return (min(xs) - m, max(xs) + m, min(ys) - m, max(ys) + m)


def _sep(a: tuple, b: tuple, width: Mapping[tuple, float]) -> float:
    return (width.get(a, _WIRE_W) + width.get(b, _WIRE_W)) / 2 + _GAP


def _pack(row: Sequence[tuple], width: Mapping[tuple, float]) -> dict[tuple, float]:
    """Centres of a row's items side by side, centred on 0."""
    xs = [0.0]
    for a, b in itertools.pairwise(row):
        xs.append(xs[-1] + _sep(a, b, width))
    shift = xs[-1] / 2 if xs else 0.0
    return {it: v - shift for it, v in zip(row, xs)}


def _crossings(edges: Sequence[Sequence[tuple]], x: Mapping[tuple, float]) -> int:
    """Crossings between the edges of each pair of consecutive rows."""
    total = 0
    for group in edges:
        ends = [(x[a] + oa, x[b] + ob) for a, oa, b, ob in group]
        total += sum(1 for i, (p, q) in enumerate(ends) for (s, t) in ends[:i]
                     if (p - s) * (q - t) < 0)
    return total


def _order(rows: list[list[tuple]], edges: Sequence[tuple], above: Mapping, below: Mapping,
           width: Mapping[tuple, float]) -> list[list[tuple]]:
    """Order the inner rows by the barycentre of their neighbours' ports, sweeping down then
    up, and keep the ordering with the fewest crossings. The boundary rows keep their order."""
    row_of = {it: r for r, row in enumerate(rows) for it in row}
    groups: list[list[tuple]] = [[] for _ in rows]
    for edge in edges:
        groups[row_of[edge[0]]].append(edge)
    x = {it: v for row in rows for it, v in _pack(row, width).items()}
    best = (_crossings(groups, x), [list(row) for row in rows])
    for _ in range(4):
        for sweep, nbrs in ((range(1, len(rows) - 1), above),
                            (range(len(rows) - 2, 0, -1), below)):
            for r in sweep:
                key = {it: sum(x[n] + on for n, on, _ in nbrs[it]) / len(nbrs[it])
                       if nbrs[it] else x[it] for it in rows[r]}
                rows[r].sort(key=key.__getitem__)
                x.update(_pack(rows[r], width))
        crossings = _crossings(groups, x)
        if crossings < best[0]:
            best = (crossings, [list(row) for row in rows])
        if best[0] == 0:
            break
    return best[1]


def _place(rows: list[list[tuple]], above: Mapping, below: Mapping,
           width: Mapping[tuple, float]) -> dict[tuple, float]:
    """Horizontal positions: each row in turn moves as close as its order and spacing allow to
    where its wires come from and go to (least squares, solved exactly by isotonic regression)."""
    x = {it: v for row in rows for it, v in _pack(row, width).items()}
    order = [*range(len(rows)), *range(len(rows) - 2, -1, -1)]
    for _ in range(8):
        for r in order:
            row = rows[r]
            if not row:
                continue
            targets, weights = [], []
            for it in row:
                nbrs = above[it] + below[it]
                targets.append(sum(x[n] + on - own for n, on, own in nbrs) / len(nbrs)
                               if nbrs else x[it])
                weights.append(len(nbrs) or 1e-3)
            seps = [_sep(a, b, width) for a, b in itertools.pairwise(row)]
            x.update(zip(row, _isotonic(targets, weights, seps)))
    return x


def _isotonic(targets: Sequence[float], weights: Sequence[float],
              seps: Sequence[float]) -> list[float]:
    """Minimise sum w_i (x_i - t_i)^2 subject to x_{i+1} - x_i >= seps_i (pool adjacent
    violators on the targets shifted by the cumulative separations)."""
    offsets = [0.0]
    for s in seps:
        offsets.append(offsets[-1] + s)
    blocks: list[list[float]] = []  # [mean, weight, count]
    for t, w, o in zip(targets, weights, offsets):
        blocks.append([t - o, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    ys = [m for m, _, n in blocks for _ in range(n)]
    return [y + o for y, o in zip(ys, offsets)]


def segments(route: Sequence[Point]) -> list[tuple[Point, Point, Point, Point]]:
    """Cubic Bézier pieces through a route, vertical at every point, as wires are drawn."""
    pieces = []
    for (x0, y0), (x1, y1) in itertools.pairwise(route):
        dy = (y0 - y1) / 2
        pieces.append(((x0, y0), (x0, y0 - dy), (x1, y1 + dy), (x1, y1)))
    return pieces


def as_diagram(diagram: Diagram | Box) -> Diagram:
    return diagram.to_diagram() if isinstance(diagram, Box) else diagram
