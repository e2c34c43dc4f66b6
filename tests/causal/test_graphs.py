"""Graphs in: networkx, edge lists, DOT, dagitty and GML give the same parents."""

import networkx as nx
import pytest

from causal import CausalError, CyclicModel, parse_graph

SMOKING = {"S": [], "T": ["S"], "C": ["T", "S"]}


@pytest.mark.parametrize("graph", [
    nx.DiGraph([("S", "T"), ("T", "C"), ("S", "C")]),
    [("S", "T"), ("T", "C"), ("S", "C")],
    "digraph G { S -> T -> C; S -> C }",
    'strict digraph { rankdir=LR; node [shape=box]\n "S" -> "T" [color=red]\n T -> C S -> C }',
    "dag {\n S [exposure,pos=\"0,0\"]\n C [outcome]\n S -> T\n T -> C\n C <- S\n}",
    "\n".join(nx.generate_gml(nx.DiGraph([("S", "T"), ("T", "C"), ("S", "C")]))),
])
def test_every_format_gives_the_same_parents(graph):
    parents, latent = parse_graph(graph)
    assert {v: sorted(ps) for v, ps in parents.items()} == \
        {v: sorted(ps) for v, ps in SMOKING.items()}
    assert latent == set()


def test_latents_from_dagitty_dot_networkx_and_bidirected_edges():
    assert parse_graph("dag { U [latent]; U -> {X Y}; X -> Y }") == \
        ({"U": [], "X": ["U"], "Y": ["U", "X"]}, {"U"})
    assert parse_graph("digraph { U [latent=true]; U -> X }")[1] == {"U"}
    g = nx.DiGraph([("U", "X")])
    g.nodes["U"]["latent"] = True
    assert parse_graph(g)[1] == {"U"}
    parents, latent = parse_graph("dag { X -> Y; X <-> Y }")
    assert latent == {"U_X_Y"} and parents["Y"] == ["X", "U_X_Y"]


def test_comments_and_quoted_names():
    parents, _ = parse_graph('digraph { // a comment\n "smoker status" -> "lung cancer" '
                             '/* block */ }')
    assert parents == {"smoker status": [], "lung cancer": ["smoker status"]}


@pytest.mark.parametrize("graph, error, match", [
    ("digraph { A -> B -> A }", CyclicModel, "cycle"),
    ("graph { A -- B }", CausalError, "undirected DOT graph"),
    ("digraph { A -- B }", CausalError, "no causal direction"),
    ("hello { A -> B }", CausalError, "starts with 'digraph"),
    ("digraph { A -> B ", CausalError, "enclosed in"),
    ("graph [ node [ id 0 label \"A\" ] ]", CausalError, "not directed"),
    ("graph [ node [ id 0 ", CausalError, "cannot read the GML"),
    ([("A", "B", "C")], CausalError, r"\(parent, child\) pairs"),
    (42, CausalError, "got int"),
    (nx.Graph([("A", "B")]), CausalError, "undirected"),
])
def test_unreadable_graphs_raise_typed_errors(graph, error, match):
    with pytest.raises(error, match=match):
        parse_graph(graph)
