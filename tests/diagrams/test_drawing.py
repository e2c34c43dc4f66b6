"""Drawing: matplotlib, SVG, TikZ and DOT outputs all come from one layout of the hypergraph."""

import re

import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from diagrams import Box, Ty, copy, discard, identity, swap, trace
from diagrams.drawing import draw, to_dot, to_svg, to_tikz
from diagrams.layout import layout as _layout

G, Sm, Ta, Ca = Ty("Genotype"), Ty("Smoking"), Ty("Tar"), Ty("Cancer")
U, S, T, C = Box("U", Ty(), G), Box("S", G, Sm), Box("T", Sm, Ta), Box("C", G @ Ta, Ca)


@trace()
def smoking():
    # The latent genotype is copied to S and C and never shown: it is not an output.
    g = U()
    s = S(g)
    t = T(s)
    return s, t, C(g, t)


X, Y = Ty("X"), Ty("Y")
WITH_DISCARD = Box("pxy", Ty(), X @ Y) >> (identity(X) @ discard(Y)) >> copy(X, 3)
EXAMPLES = [smoking, WITH_DISCARD, copy(X, 3), discard(X @ Y), swap(X, Y), identity(Ty()),
            identity(X @ Y), Box("f", X @ Y, X).to_diagram() >> discard(X)]


def _dot_is_well_formed(dot: str) -> bool:
    """Without graphviz: braces balance and every node an edge names is declared."""
    depth = 0
    for c in re.sub(r'"(\\.|[^"\\])*"', '""', dot):  # braces inside labels do not count
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    declared = set(re.findall(r"^\s*(\w+) \[", dot, re.MULTILINE))
    used = {end.split(":")[0] for edge in re.findall(r"^\s*([\w:]+ -> [\w:]+)", dot, re.MULTILINE)
            for end in edge.split(" -> ")}
    return depth == 0 and used <= declared


def test_smoking_model_draws_to_a_non_empty_png(tmp_path):
    path = tmp_path / "smoking.png"
    figure = smoking.draw(path, styles={"U": {"linestyle": "--"}, "S": {"facecolor": "#fdd"}})
    data = path.read_bytes()
    assert isinstance(figure, Figure)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000


def test_draw_writes_svg_by_suffix(tmp_path):
    path = tmp_path / "smoking.svg"
    draw(smoking, path)
    assert "<svg" in path.read_text()


def test_svg_text_contains_an_svg_element():
    assert "<svg" in to_svg(smoking)
    assert "<svg" in smoking._repr_svg_()


def test_svg_is_the_same_for_the_same_diagram():
    assert to_svg(smoking) == to_svg(smoking)


def test_tikz_has_one_node_per_box_and_one_fill_per_copy():
    tikz = smoking.to_tikz()
    copies = sum(1 for n in smoking.uses if n >= 2)
    assert tikz.startswith(r"\begin{tikzpicture}") and tikz.rstrip().endswith(r"\end{tikzpicture}")
    assert tikz.count(r"\node") == len(smoking.boxes) == 4
    assert tikz.count(r"\fill") == copies == 3


def test_tikz_translates_styles_and_escapes_names():
    tikz = to_tikz(Box("a_b", X, Y), styles={"a_b": {"linestyle": "--", "facecolor": "#fdd"}})
    assert "dashed" in tikz and "fill={rgb,255:red,255;green,221;blue,221}" in tikz
    assert r"a\_b" in tikz


def test_dot_mentions_every_box_and_is_well_formed():
    dot = smoking.to_dot()
    assert dot.startswith("digraph")
    for box in smoking.boxes:
        assert f'"{box.name}"' in dot or f"|{box.name}|" in dot
    assert _dot_is_well_formed(dot)


@pytest.mark.parametrize("diagram", EXAMPLES)
def test_dot_is_well_formed_for_every_example(diagram):
    dot = to_dot(diagram)
    assert _dot_is_well_formed(dot)
    pydot = pytest.importorskip("pydot")
    assert len(pydot.graph_from_dot_data(dot)) == 1


def test_dot_keeps_port_order_and_escapes_record_fields():
    dot = to_dot(Box("{odd|name}", X @ Y, X), styles={"{odd|name}": {"linestyle": "--"}})
    assert r"\{odd\|name\}" in dot and "box0:i1:n" in dot and 'style="dashed"' in dot
    assert _dot_is_well_formed(dot)


@pytest.mark.parametrize("diagram", EXAMPLES)
def test_layout_has_one_ground_per_discarded_wire_and_one_dot_per_copied_wire(diagram):
    layout = _layout(diagram)
    assert len(layout.grounds) == sum(1 for n in diagram.uses if n == 0)
    assert len(layout.dots) == sum(1 for n in diagram.uses if n >= 2)
    assert to_tikz(diagram).count("% discard") == len(layout.grounds)


def test_a_diagram_with_a_discard_draws_a_ground_symbol():
    layout = _layout(WITH_DISCARD)
    (gx, gy), = layout.grounds
    pxy, = layout.boxes
    assert gx == pxy.outputs[1][0] and gy < pxy.outputs[1][1]
    lines = [ln for ln in draw(WITH_DISCARD).axes[0].lines]
    widths = sorted(abs(ln.get_xdata()[1] - ln.get_xdata()[0]) for ln in lines)
    assert len(lines) == 3 and widths[0] < widths[1] < widths[2]  # three shrinking bars


def test_layout_puts_inputs_on_top_boxes_by_longest_path_and_outputs_at_the_bottom():
    layout = _layout(smoking)
    y = {b.name: b.center[1] for b in layout.boxes}
    assert y["U"] > y["S"] > y["T"] > y["C"]
    assert all(p[1] < y["C"] for p in layout.outputs)
    xs = [p[0] for p in layout.outputs]
    assert xs == sorted(xs)  # the boundary keeps its order
    f = Box("f", X @ Y, X)
    inner = _layout(f >> Box("g", X, X))
    assert all(p[1] > inner.boxes[0].center[1] for p in inner.inputs)
    assert [p[0] for p in inner.inputs] == sorted(p[0] for p in inner.inputs)


def test_states_are_triangles_placed_just_above_their_first_use():
    f = Box("f", X, X)
    layout = _layout((f >> f >> f) @ Box("p", Ty(), Y) >> Box("g", X @ Y, X))
    boxes = {b.name: b for b in layout.boxes}
    f_heights = sorted(b.center[1] for b in layout.boxes if b.name == "f")
    assert boxes["p"].state and not boxes["g"].state
    assert boxes["g"].center[1] < boxes["p"].center[1] == f_heights[0] < f_heights[-1]


def test_boxes_are_ordered_by_barycentre_to_avoid_crossings():
    p, q, f, g = Box("p", Ty(), X), Box("q", Ty(), Y), Box("f", Y, X), Box("g", X, Y)

    @trace()
    def crossed():
        a, b = p(), q()
        return f(b), g(a)  # listed p, q but consumed in the other order

    x = {b.name: b.center[0] for b in _layout(crossed).boxes}
    assert x["q"] < x["p"] and x["f"] < x["g"]


def test_styles_reach_the_box_patches():
    figure = draw(smoking, styles={"U": {"linestyle": "--"}, "S": {"facecolor": "#fdd"}})
    patches = {p.get_gid(): p for p in figure.axes[0].patches if p.get_gid()}
    assert patches["U"].get_linestyle() == "--"
    assert patches["S"].get_facecolor() == to_rgba("#fdd")
    assert patches["T"].get_facecolor() == to_rgba("white")


def test_labels_false_hides_wire_types_but_keeps_box_names():
    shown = [t.get_text() for t in draw(smoking, labels=False).axes[0].texts]
    assert sorted(shown) == ["C", "S", "T", "U"]


def test_draw_into_given_axes_returns_its_figure():
    figure = Figure()
    ax = figure.add_subplot()
    assert draw(Box("f", X, Y), ax=ax) is figure
    assert Box("f", X, Y).draw() is not figure


@pytest.mark.parametrize("diagram", [identity(Ty()), identity(X @ Y)])
def test_empty_diagram_and_identity_draw_without_error(diagram, tmp_path):
    draw(diagram, tmp_path / "d.png")
    assert (tmp_path / "d.png").stat().st_size > 0
    assert "<svg" in to_svg(diagram)
    assert to_tikz(diagram).count(r"\node") == 0
    assert _dot_is_well_formed(to_dot(diagram))


def test_dot_check_rejects_undeclared_nodes_and_unbalanced_braces():
    assert not _dot_is_well_formed("digraph d {\n  a [shape=box];\n  a -> b;\n}\n")
    assert not _dot_is_well_formed("digraph d {\n  a [shape=box];\n")
