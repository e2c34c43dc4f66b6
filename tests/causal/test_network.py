"""The network view: the DAG with a layout, latents and interventions marked, posteriors as
bar charts; SVG for notebooks; LaTeX for estimands."""

import os

import networkx as nx
import pytest

from causal import ADMG, CausalError, CausalModel, identify
from causal.network import MAX_BARS, draw_network, network_svg, positions

EXAMPLES = os.path.join(os.path.dirname(__import__("pgmpy").__file__), "utils",
                        "example_models")


def asia(**kwargs):
    return CausalModel.from_bif(os.path.join(EXAMPLES, "asia.bif.gz"), **kwargs)


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_layered_layout_puts_parents_above_children():
    g = asia().graph
    pos = positions(g, "layered")
    assert all(pos[u][1] > pos[v][1] for u, v in g.edges)
    assert len(set(pos.values())) == len(pos)


def test_network_marks_latents_interventions_and_evidence(tmp_path):
    m = asia(latent=["tub"]).do(smoke="yes")
    fig = m.draw(tmp_path / "asia.png", evidence={"dysp": "yes"})
    assert (tmp_path / "asia.png").stat().st_size > 0
    labels = texts(fig)
    assert "do(smoke)" in labels and "dysp = yes" in labels and "tub" in labels
    dashed_boxes = [p for p in fig.axes[0].patches
                    if p.get_linestyle() == "--" and type(p).__name__ == "FancyBboxPatch"]
    assert len(dashed_boxes) == 1  # tub, the latent variable
    arrows = [p for p in fig.axes[0].patches if type(p).__name__ == "FancyArrowPatch"]
    assert len(arrows) == len(m.graph.edges) == 8  # smoke is a root: no edge was cut


def test_posteriors_are_drawn_as_bars_in_each_node():
    m = asia()
    fig = draw_network(m, posteriors=True, evidence={"dysp": "yes"}, layout="layered")
    labels = texts(fig)
    p = m.query("lung", evidence={"dysp": "yes"}).array
    assert f"{p[0]:.0%}" in labels
    bars = [b for b in fig.axes[0].patches if type(b).__name__ == "Rectangle"]
    assert len(bars) == 2 * (len(m.variables) - 1)  # two states each, evidence not drawn


def test_many_states_show_the_most_probable_ones():
    m = CausalModel({"A": []}, {"A": [0.1] * 10})
    fig = draw_network(m, posteriors={"A": m.query("A")}, layout="layered")
    bars = [b for b in fig.axes[0].patches if type(b).__name__ == "Rectangle"]
    assert len(bars) == MAX_BARS


def test_svg_for_notebooks_and_latex_for_estimands():
    m = asia()
    assert m._repr_svg_().lstrip().startswith(("<?xml", "<svg"))
    assert network_svg(m) == network_svg(m)  # deterministic text
    est = identify(ADMG([("S", "T"), ("T", "C")], [("S", "C")]), "S", "C")
    assert est._repr_latex_() == f"${est.latex()}$"


def test_graphviz_layout_when_installed():
    pytest.importorskip("pydot")
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    pos = positions(nx.DiGraph([("A", "B")]), "dot")
    assert pos["A"][1] > pos["B"][1]


def test_unknown_layout_raises():
    with pytest.raises(CausalError, match="layout is 'auto', 'dot' or 'layered'"):
        positions(nx.DiGraph([("A", "B")]), "circle")


def test_string_diagram_options_need_diagram_true():
    with pytest.raises(CausalError, match="pass diagram=True"):
        asia().draw(do=["smoke"])
    fig = asia().draw(diagram=True, do=["smoke"])
    assert "do(smoke)" in texts(fig)
