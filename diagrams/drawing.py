"""Drawing string diagrams: matplotlib pictures, SVG, TikZ and Graphviz DOT.

One layout (:mod:`diagrams.layout`), computed once from the hypergraph, feeds every picture:
data flows top to bottom, a copy is a dot where a wire splits, a discard a ground symbol, and
boxes without inputs (states) are triangles.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from diagrams.box import Box
from diagrams.layout import _BOX_H, _SCALE, Point, as_diagram, layout, segments

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from diagrams.diagram import Diagram

Styles = Mapping[str, Mapping[str, Any]]

# ---- matplotlib -------------------------------------------------------------------------

def require_matplotlib(what: str) -> None:
    """Raise an ImportError naming the extra to install when matplotlib is missing.

    >>> require_matplotlib("drawing")
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{what} needs matplotlib: pip install 'markov-categories[draw]'"
                          ) from exc


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
    require_matplotlib("drawing")
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, PathPatch, Polygon, Rectangle
    from matplotlib.path import Path

    lay = layout(as_diagram(diagram))
    xmin, xmax, ymin, ymax = lay.bounds
    if ax is None:
        fig = Figure(figsize=figsize or ((xmax - xmin) * _SCALE, (ymax - ymin) * _SCALE))
        ax = fig.add_axes((0, 0, 1, 1))
    wire_style = {"facecolor": "none", "edgecolor": "black", "linewidth": 1.2, "zorder": 1}
    for w in lay.wires:
        stub = [(w.source, w.dot or w.ground)] if (w.dot or w.ground) else []
        for piece in stub + [tuple(p) for route in w.routes for p in segments(route)]:
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
    lay = layout(as_diagram(diagram))
    lines = [r"\begin{tikzpicture}[x=1cm, y=1cm, line width=0.6pt]"]
    for w in lay.wires:
        lines.append(f"  % wire {w.index}: {_tex(w.type)}")
        if w.dot or w.ground:
            lines.append(rf"  \draw {_pt(w.source)} -- {_pt(w.dot or w.ground)};")
        for route in w.routes:
            path = _pt(route[0])
            for p0, c1, c2, p1 in segments(route):
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
    d = as_diagram(diagram)
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
