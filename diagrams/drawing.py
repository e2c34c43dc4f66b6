"""Drawing string diagrams: matplotlib pictures, SVG, TikZ and Graphviz DOT.

One layout, computed once from the hypergraph, feeds every picture. Data flows top to bottom:
the diagram's inputs at the top, its outputs at the bottom, boxes in layers between them
(longest-path layering, boxes of a layer side by side). A wire runs from its source to each of
its uses; a wire used twice or more splits at a dot (copy), a wire never used ends in a ground
symbol (discard). Boxes without inputs (states) are triangles.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diagrams.box import Box

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from diagrams.diagram import Diagram

Point = tuple[float, float]
Styles = Mapping[str, Mapping[str, Any]]

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


def _layout(diagram: Diagram) -> _Layout:
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


def _segments(route: Sequence[Point]) -> list[tuple[Point, Point, Point, Point]]:
    """Cubic Bézier pieces through a route, vertical at every point, as wires are drawn."""
    pieces = []
    for (x0, y0), (x1, y1) in itertools.pairwise(route):
        dy = (y0 - y1) / 2
        pieces.append(((x0, y0), (x0, y0 - dy), (x1, y1 + dy), (x1, y1)))
    return pieces


def _as_diagram(diagram: Diagram | Box) -> Diagram:
    return diagram.to_diagram() if isinstance(diagram, Box) else diagram


# ---- matplotlib -------------------------------------------------------------------------

def draw(diagram: Diagram | Box, path: Any = None, *, ax: Axes | None = None,
         figsize: tuple[float, float] | None = None, labels: bool = True,
         styles: Styles | None = None) -> Figure:
    """Draw a diagram with matplotlib and return the figure; write it to ``path`` (PNG, SVG,
    PDF, chosen by the suffix) if given.

    Inputs are at the top, outputs at the bottom; a copy is a dot where the wire splits, a
    discard a ground symbol. ``labels=False`` hides the wires' type names. ``styles`` maps a
    box name to matplotlib patch properties, e.g. ``{"U": {"linestyle": "--"}}`` for a latent
    mechanism or ``{"S": {"facecolor": "#fdd"}}`` for an intervened one. No display is needed:
    the figure is not managed by pyplot.

    >>> from diagrams import Ty, Box, copy
    >>> X = Ty("X")
    >>> fig = draw(Box("p", Ty(), X) >> copy(X), styles={"p": {"linestyle": "--"}})
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['X', 'p']
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, PathPatch, Polygon, Rectangle
    from matplotlib.path import Path

    lay = _layout(_as_diagram(diagram))
    xmin, xmax, ymin, ymax = lay.bounds
    if ax is None:
        fig = Figure(figsize=figsize or ((xmax - xmin) * _SCALE, (ymax - ymin) * _SCALE))
        ax = fig.add_axes((0, 0, 1, 1))
    wire_style = {"facecolor": "none", "edgecolor": "black", "linewidth": 1.2, "zorder": 1}
    for w in lay.wires:
        stub = [(w.source, w.dot or w.ground)] if (w.dot or w.ground) else []
        for piece in stub + [tuple(p) for route in w.routes for p in _segments(route)]:
            codes = None if len(piece) == 2 else [Path.MOVETO] + [Path.CURVE4] * 3
            ax.add_patch(PathPatch(Path(piece, codes), **wire_style))
        if w.dot:
            ax.add_patch(Circle(w.dot, 0.07, color="black", zorder=3))
        if w.ground:
            gx, gy = w.ground
            for k, half in enumerate((0.18, 0.11, 0.04)):
                ax.plot([gx - half, gx + half], [gy - 0.07 * k] * 2, color="black", lw=1.2)
        if labels:
            ax.text(*w.label, w.type, fontsize=8, color="0.35", va="center",
                    ha="right" if w.label_left else "left",
                    parse_math=False)
    for b in lay.boxes:
        style = dict((styles or {}).get(b.name, {}))
        base = {"facecolor": "white", "edgecolor": "black", "linewidth": 1.2}
        if "color" in style:  # matplotlib refuses color together with face/edge colours
            base = {"linewidth": 1.2}
        (cx, cy), half, h = b.center, b.width / 2, _BOX_H / 2
        if b.state:
            patch = Polygon([(cx - half, cy - h), (cx + half, cy - h), (cx, cy + h)],
                            closed=True, zorder=2, **{**base, **style})
        else:
            patch = Rectangle((cx - half, cy - h), b.width, _BOX_H, zorder=2,
                              **{**base, **style})
        patch.set_gid(b.name)  # lets tests and SVG consumers find a box's shape
        ax.add_patch(patch)
        ax.text(cx, cy - (0.12 if b.state else 0.0), b.name, fontsize=10, ha="center",
                va="center", zorder=3, parse_math=False)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if path is not None:
        ax.figure.savefig(path, dpi=150)
    return ax.figure


def to_svg(diagram: Diagram | Box, **kwargs: Any) -> str:
    """SVG text of :func:`draw`'s picture (what notebooks show); ``kwargs`` go to ``draw``.

    >>> from diagrams import Ty, Box
    >>> "<svg" in to_svg(Box("f", Ty("X"), Ty("Y")))
    True
    """
    from matplotlib import rc_context

    buffer = io.StringIO()
    # No date and a fixed salt for clip-path ids: the same diagram always gives the same text.
    with rc_context({"svg.hashsalt": "diagrams"}):
        draw(diagram, **kwargs).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# ---- TikZ -------------------------------------------------------------------------------

_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
        "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}"}


def _tex(text: str) -> str:
    return "".join(_TEX.get(c, c) for c in text)


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _pt(p: Point) -> str:
    return f"({_num(p[0])},{_num(p[1])})"


def _colour(value: Any) -> tuple[int, int, int]:
    from matplotlib.colors import to_rgb

    return tuple(round(255 * c) for c in to_rgb(value))


_DASH = {"--": "dashed", "dashed": "dashed", ":": "dotted", "dotted": "dotted",
         "-.": "dashdotted", "dashdot": "dashdotted"}


def _tikz_options(style: Mapping[str, Any]) -> list[str]:
    """The TikZ equivalent of the matplotlib properties a causal model uses for its boxes."""
    options = []
    for key, value in style.items():
        if key in ("linestyle", "ls") and value in _DASH:
            options.append(_DASH[value].replace("dashdotted", "dash dot"))
        elif key in ("facecolor", "fc", "edgecolor", "ec", "color"):
            r, g, b = _colour(value)
            where = "draw" if key in ("edgecolor", "ec") else "fill"
            options.append(f"{where}={{rgb,255:red,{r};green,{g};blue,{b}}}")
        elif key in ("linewidth", "lw"):
            options.append(f"line width={_num(float(value))}pt")
    return options


def to_tikz(diagram: Diagram | Box, *, labels: bool = True,
            styles: Styles | None = None) -> str:
    """A standalone ``tikzpicture`` of the same layout as :func:`draw` (1 unit = 1 cm): one
    ``\\node`` per box, ``\\draw`` for wires, one ``\\fill`` dot per copy, a ground symbol per
    discard. ``styles`` takes the matplotlib properties of :func:`draw` (line style, colours,
    line width).

    >>> from diagrams import Ty, Box, copy
    >>> X = Ty("X")
    >>> tikz = to_tikz(Box("p", Ty(), X) >> copy(X))
    >>> tikz.count("\\\\node"), tikz.count("\\\\fill")
    (1, 1)
    """
    lay = _layout(_as_diagram(diagram))
    lines = [r"\begin{tikzpicture}[x=1cm, y=1cm, line width=0.6pt]"]
    for w in lay.wires:
        lines.append(f"  % wire {w.index}: {_tex(w.type)}")
        if w.dot or w.ground:
            lines.append(rf"  \draw {_pt(w.source)} -- {_pt(w.dot or w.ground)};")
        for route in w.routes:
            path = _pt(route[0])
            for p0, c1, c2, p1 in _segments(route):
                path += f" -- {_pt(p1)}" if p0[0] == p1[0] else \
                    f" .. controls {_pt(c1)} and {_pt(c2)} .. {_pt(p1)}"
            lines.append(rf"  \draw {path};")
        if w.dot:
            lines.append(rf"  \fill {_pt(w.dot)} circle (2pt);")
        if w.ground:
            gx, gy = w.ground
            bars = " ".join(f"{_pt((gx - h, gy - 0.07 * k))} -- {_pt((gx + h, gy - 0.07 * k))}"
                            for k, h in enumerate((0.18, 0.11, 0.04)))
            lines.append(rf"  \draw {bars}; % discard")
        if labels:
            side = "left" if w.label_left else "right"
            lines.append(rf"  \path {_pt(w.label)} node[{side}, inner sep=1pt, "
                         rf"font=\scriptsize, text=gray] {{{_tex(w.type)}}};")
    for b in lay.boxes:
        options = _tikz_options((styles or {}).get(b.name, {}))
        (cx, cy), half, h = b.center, b.width / 2, _BOX_H / 2
        if b.state:
            fill = [] if any(o.startswith("fill=") for o in options) else ["fill=white"]
            shape = ", ".join(fill + options)
            lines.append(rf"  \draw[{shape}] {_pt((cx - half, cy - h))} -- "
                         rf"{_pt((cx + half, cy - h))} -- {_pt((cx, cy + h))} -- cycle;")
            lines.append(rf"  \node (box{b.index}) at {_pt((cx, cy - 0.12))} "
                         rf"{{{_tex(b.name)}}};")
        else:
            shape = ", ".join(["draw", "fill=white", *options, f"minimum width={_num(b.width)}cm",
                               f"minimum height={_num(_BOX_H)}cm", "inner sep=2pt"])
            lines.append(rf"  \node[{shape}] (box{b.index}) at {_pt(b.center)} "
                         rf"{{{_tex(b.name)}}};")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"


# ---- Graphviz DOT -----------------------------------------------------------------------

def _dot_quote(text: str, record: bool = False) -> str:
    # In a record label the backslashes are the record's own escapes: keep them single.
    if not record:
        text = text.replace("\\", "\\\\")
    return '"' + text.replace('"', '\\"') + '"'


def _record(text: str) -> str:
    """Escape the characters a record label gives a meaning to."""
    out = text.replace("\\", "\\\\")
    for c in "{}|<> ":
        out = out.replace(c, "\\" + c)
    return out


def _dot_attributes(style: Mapping[str, Any]) -> list[str]:
    from matplotlib.colors import to_hex

    words, attributes = [], []
    for key, value in style.items():
        if key in ("linestyle", "ls") and value in _DASH:
            words.append("dotted" if _DASH[value] == "dotted" else "dashed")
        elif key in ("facecolor", "fc", "color"):
            words.append("filled")
            attributes.append(f'fillcolor="{to_hex(value)}"')
        elif key in ("edgecolor", "ec"):
            attributes.append(f'color="{to_hex(value)}"')
        elif key in ("linewidth", "lw"):
            attributes.append(f"penwidth={_num(float(value))}")
    return ([f'style="{",".join(words)}"'] if words else []) + attributes


def to_dot(diagram: Diagram | Box, *, labels: bool = True,
           styles: Styles | None = None) -> str:
    """Graphviz DOT source of the hypergraph, top to bottom: boxes are nodes (records with one
    field per port when a box has several inputs or outputs, so port order survives), wires
    are edges labelled with their type, a copied wire meets its uses at a point node, a
    discarded wire ends at a small ``invtriangle`` node, the boundary is ``in``/``out`` nodes.

    >>> from diagrams import Ty, Box
    >>> dot = to_dot(Box("f", Ty("X"), Ty("Y")))
    >>> dot.startswith("digraph"), "box0" in dot
    (True, True)
    """
    d = _as_diagram(diagram)
    lines = ["digraph diagram {", "  rankdir=TB;", '  node [fontname="Helvetica"];',
             '  edge [arrowhead=none, fontname="Helvetica", fontsize=10];']
    for i in range(len(d.inputs)):
        lines.append(f'  in{i} [shape=none, label="", width=0, height=0];')
    tail, head = {}, {}  # wire -> its source end; (box, port) -> an input end
    for i, w in enumerate(d.inputs):
        tail[w] = f"in{i}"
    for j, box in enumerate(d.boxes):
        k, m = len(box.dom), len(box.cod)
        attributes = _dot_attributes((styles or {}).get(box.name, {}))
        if k <= 1 and m <= 1:
            shape = f"shape={'triangle' if k == 0 else 'box'}, label={_dot_quote(box.name)}"
        else:
            fields = [*(["{" + "|".join(f"<i{p}>" for p in range(k)) + "}"] if k else []),
                      _record(box.name),
                      *(["{" + "|".join(f"<o{p}>" for p in range(m)) + "}"] if m else [])]
            shape = f"shape=record, label={_dot_quote('{' + '|'.join(fields) + '}', True)}"
        lines.append(f"  box{j} [{', '.join([shape, *attributes])}];")
        record = not (k <= 1 and m <= 1)
        for p, w in enumerate(d.box_outputs[j]):
            tail[w] = f"box{j}:o{p}:s" if record else f"box{j}"
        for p in range(k):
            head[j, p] = f"box{j}:i{p}:n" if record else f"box{j}"
    for i in range(len(d.outputs)):
        lines.append(f'  out{i} [shape=none, label="", width=0, height=0];')
    if d.inputs:
        lines.append("  {rank=source; " + " ".join(f"in{i};" for i in range(len(d.inputs)))
                     + "}")
    if d.outputs:
        lines.append("  {rank=sink; " + " ".join(f"out{i};" for i in range(len(d.outputs)))
                     + "}")
    targets: dict[int, list[str]] = {w: [] for w in range(len(d.wires))}
    for j, ins in enumerate(d.box_inputs):
        for p, w in enumerate(ins):
            targets[w].append(head[j, p])
    for i, w in enumerate(d.outputs):
        targets[w].append(f"out{i}")
    for w, ty in enumerate(d.wires):
        label = f" [label={_dot_quote(ty)}]" if labels else ""
        if len(targets[w]) == 1:
            lines.append(f"  {tail[w]} -> {targets[w][0]}{label};")
            continue
        end = f"copy{w}" if targets[w] else f"discard{w}"
        lines.append(f"  {end} [shape=point, width=0.08];" if targets[w] else
                     f'  {end} [shape=invtriangle, label="", width=0.2, height=0.12];')
        lines.append(f"  {tail[w]} -> {end}{label};")
        lines += [f"  {end} -> {t};" for t in targets[w]]
    lines.append("}")
    return "\n".join(lines) + "\n"
