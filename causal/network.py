"""A network view of a causal model: its DAG with a graph layout, as pgmpy and pyAgrum users
draw it, with each node's posterior as a small bar chart on request (like pyAgrum's
``showInference``).

Positions come from Graphviz's ``dot`` (through :func:`networkx.nx_pydot.pydot_layout`) when
pydot and Graphviz are installed, else from a layered layout computed here: the topological
generations of the DAG top to bottom, each layer ordered by the mean position of its parents
(one sweep of the barycentre heuristic). Latent variables are drawn dashed and grey, their
edges dashed; intervened variables are boxed in red and labelled ``do(X)`` (their incoming
edges were cut by surgery); observed evidence is shaded blue.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping
from itertools import pairwise
from typing import Any

import networkx as nx

LATENT = {"facecolor": "#f2f2f2", "edgecolor": "#777777", "linestyle": "--"}
INTERVENED = {"facecolor": "#fbd5d5", "edgecolor": "#b22222", "linewidth": 2.0}
EVIDENCE = {"facecolor": "#d6e4f5", "edgecolor": "#1f4e79", "linewidth": 1.5}
PLAIN = {"facecolor": "white", "edgecolor": "black", "linewidth": 1.0}
#: States shown per bar chart (the most probable ones when there are more).
MAX_BARS = 6


def positions(graph: nx.DiGraph, layout: str = "auto") -> dict[str, tuple[float, float]]:
    """Node positions (x right, y up) of a DAG: ``"dot"`` (Graphviz, via pydot),
    ``"layered"`` (topological layers, no extra dependency) or ``"auto"`` (dot when
    available).

    >>> positions(nx.DiGraph([("A", "B"), ("A", "C")]), "layered")
    {'A': (0.0, 0.0), 'B': (-0.5, -1.0), 'C': (0.5, -1.0)}
    """
    if layout not in ("auto", "dot", "layered"):
        from causal.errors import CausalError

        raise CausalError(f"layout is 'auto', 'dot' or 'layered', got {layout!r}")
    if layout == "dot" or (layout == "auto" and _has_dot()):
        raw = nx.nx_pydot.pydot_layout(graph, prog="dot")
        xs = sorted({round(x) for x, _ in raw.values()})
        ys = sorted({round(y) for _, y in raw.values()})
        dx = min((b - a for a, b in pairwise(xs)), default=1) or 1
        dy = min((b - a for a, b in pairwise(ys)), default=1) or 1
        return {str(v): (float(x) / dx, float(y) / dy) for v, (x, y) in raw.items()}
    pos: dict[str, tuple[float, float]] = {}
    for depth, layer in enumerate(nx.topological_generations(graph)):
        def centre(v):
            ps = [pos[p][0] for p in graph.predecessors(v) if p in pos]
            return sum(ps) / len(ps) if ps else 0.0
        layer = sorted(layer, key=lambda v: (centre(v), str(v)))
        for i, v in enumerate(layer):
            pos[str(v)] = (float(i - (len(layer) - 1) / 2), float(-depth))
    return pos


def _has_dot() -> bool:
    try:
        import pydot  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


def draw_network(model: Any, path: Any = None, *, posteriors: bool | Mapping = False,
                 evidence: Mapping[str, Any] | None = None, layout: str = "auto",
                 figsize: tuple[float, float] | None = None) -> Any:
    """Draw the model's DAG with matplotlib and return the figure (written to ``path`` if
    given). ``posteriors=True`` draws each variable's distribution given ``evidence`` as a
    bar chart in its node (one query per variable; a dict ``{variable: Kernel}`` gives them
    instead).

    >>> from causal import CausalModel
    >>> m = CausalModel({"U": [], "S": ["U"], "C": ["S", "U"]},
    ...                 {"U": [0.5, 0.5], "S": [[0.9, 0.1], [0.2, 0.8]],
    ...                  "C": [[[0.9, 0.1], [0.7, 0.3]], [[0.6, 0.4], [0.1, 0.9]]]},
    ...                 latent=["U"])
    >>> fig = draw_network(m.do(S="1"), posteriors=True, evidence={"C": "1"})
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text().endswith(")"))
    ['do(S)']
    """
    from diagrams.drawing import require_matplotlib

    require_matplotlib("drawing a network")
    from matplotlib.figure import Figure

    graph = model.graph
    evidence = dict(evidence or {})
    charts = _posteriors(model, posteriors, evidence)
    pos = positions(graph, layout)
    width, height = 1.7, 0.45
    heights = {v: height + (0.17 * min(len(charts[v].array), MAX_BARS) + 0.08
                            if v in charts else 0.0) for v in pos}
    gap = max(heights.values(), default=height) + 0.55
    pos = {v: (x * (width + 0.4), y * gap) for v, (x, y) in pos.items()}
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    box = (min(xs) - width, max(xs) + width, min(ys) - gap, max(ys) + height)
    if figsize is None:
        figsize = (max(3.0, 1.1 * (box[1] - box[0])), max(2.0, 1.1 * (box[3] - box[2])))
    figure = Figure(figsize=figsize)
    ax = figure.add_axes((0, 0, 1, 1))
    for u, v in graph.edges:
        _edge(ax, pos[u], pos[v], heights=(heights[u], heights[v]), dashed=u in model.latent)
    for v, (x, y) in pos.items():
        _node(ax, model, v, centre=(x, y), size=(width, heights[v]), evidence=evidence,
              chart=charts.get(v))
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    if path is not None:
        figure.savefig(path, dpi=150)
    return figure


def _posteriors(model: Any, posteriors: bool | Mapping, evidence: Mapping) -> dict:
    if isinstance(posteriors, Mapping):
        return dict(posteriors)
    if not posteriors:
        return {}
    return {v: model.query(v, evidence=evidence or None) for v in model.variables
            if v not in evidence}


def _style(model: Any, v: str, evidence: Mapping) -> dict:
    if v in model.intervened:
        return INTERVENED
    if v in model.latent:
        return LATENT
    return EVIDENCE if v in evidence else PLAIN


def _node(ax: Any, model: Any, v: str, *, centre: tuple, size: tuple, evidence: Mapping,
          chart: Any) -> None:
    from matplotlib.patches import FancyBboxPatch, Rectangle

    (x, y), (w, h) = centre, size
    style = _style(model, v, evidence)
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, zorder=2,
                                boxstyle="round,pad=0.02,rounding_size=0.08", **style))
    label = f"do({v})" if v in model.intervened else v
    if v in evidence:
        label += f" = {evidence[v]}"
    top = y + h / 2 - 0.22
    ax.text(x, top if chart is not None else y, label, ha="center", va="center", zorder=3,
            fontsize=9, fontweight="bold", color=style["edgecolor"])
    if chart is None:
        return
    probs = [float(p) for p in _numbers(chart.array)]
    names = list(model.states[v])
    order = sorted(range(len(probs)), key=lambda i: -probs[i])[:MAX_BARS]
    order.sort()
    left, full = x - w / 2 + 0.62, w - 0.9
    for row, i in enumerate(order):
        yy = top - 0.22 - 0.17 * row
        ax.text(left - 0.04, yy, names[i][:7], ha="right", va="center", fontsize=6, zorder=3)
        ax.add_patch(Rectangle((left, yy - 0.06), full * probs[i], 0.12, zorder=3,
                               facecolor="#4c72b0", edgecolor="none"))
        ax.text(left + full * probs[i] + 0.02, yy, f"{probs[i]:.0%}", ha="left",
                va="center", fontsize=5, zorder=4)


def _numbers(array: Any) -> list:
    if hasattr(array, "detach"):
        array = array.detach().cpu().numpy()
    return list(array.ravel())


def _edge(ax: Any, a: tuple, b: tuple, *, heights: tuple[float, float], dashed: bool) -> None:
    from matplotlib.patches import FancyArrowPatch

    ha, hb = heights
    start = (a[0], a[1] - ha / 2) if b[1] < a[1] else a
    end = (b[0], b[1] + hb / 2) if b[1] < a[1] else b
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, zorder=1,
                                 linestyle="--" if dashed else "-", color="#444444",
                                 shrinkA=0, shrinkB=1))


def network_svg(model: Any, **kwargs: Any) -> str:
    """SVG text of :func:`draw_network`'s picture (what notebooks show).

    >>> from causal import CausalModel
    >>> "<svg" in network_svg(CausalModel({"A": []}, {"A": [0.5, 0.5]}))
    True
    """
    from matplotlib import rc_context

    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "causal"}):
        draw_network(model, **kwargs).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
