"""Graphs in: a networkx DAG, an edge list, or a DOT, dagitty or GML string, as parents.

:func:`parse_graph` returns each variable's parents (in the order the edges name them) and the
variables marked latent (dagitty's ``[latent]``, a DOT or GML node attribute ``latent``, or a
``<->`` edge, which stands for a latent common cause named ``U_X_Y``). DOT and dagitty are read
by one small statement parser (node and edge statements, chains ``A -> B -> C``, ``<-``,
quoted names, attribute lists, comments); GML by :func:`networkx.parse_gml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from causal.errors import CausalError, CyclicModel
from diagrams._lazy import lazy_module

nx = lazy_module("networkx")

_TOKEN = re.compile(r'\s*(?:(?P<comment>//[^\n]*|#[^\n]*|/\*.*?\*/)|(?P<arrow><->|->|<-|--)'
                    r'|(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<attrs>\[[^\]]*\])'
                    r'|(?P<punct>[{};,=])|(?P<name>[^\s{};,=\[\]"<>-]+(?:-[^\s{};,=\[\]"<>-]+)*))',
                    re.DOTALL)


def parse_graph(graph: Any) -> tuple[dict[str, list[str]], set[str]]:
    """Parents of each variable and the latent variables of ``graph``: a networkx DiGraph,
    an iterable of ``(parent, child)`` pairs, or a string in DOT (``digraph { A -> B }``),
    dagitty (``dag { A -> B; U [latent] }``) or GML. Cycles raise
    :class:`~causal.errors.CyclicModel`, anything else unreadable
    :class:`~causal.errors.CausalError`.

    >>> parse_graph("digraph { Smoking -> Tar -> Cancer; Smoking -> Cancer }")[0]
    {'Smoking': [], 'Tar': ['Smoking'], 'Cancer': ['Tar', 'Smoking']}
    >>> parse_graph("dag { X -> Y; X <-> Y; U [latent]; U -> X }")[1] == {"U", "U_X_Y"}
    True
    >>> parse_graph([("A", "B")])
    ({'A': [], 'B': ['A']}, set())
    """
    if isinstance(graph, nx.Graph):
        if not graph.is_directed():
            raise CausalError("the graph is undirected; a causal model needs a DAG")
        latent = {str(v) for v, d in graph.nodes(data=True) if _truthy(d.get("latent"))}
        parents = {str(v): [str(p) for p in graph.predecessors(v)] for v in graph.nodes}
    elif isinstance(graph, str):
        text = graph.strip()
        if re.match(r"(?is)^\s*graph\s*\[", text):
            return parse_graph(_gml(text))
        parents, latent = _statements(text)
    elif isinstance(graph, Iterable):
        parents, latent = {}, set()
        for edge in graph:
            if not isinstance(edge, (tuple, list)) or len(edge) != 2:
                raise CausalError(f"an edge list holds (parent, child) pairs, got {edge!r}")
            _add(parents, str(edge[0]), str(edge[1]))
    else:
        raise CausalError("a graph is a networkx DiGraph, a list of (parent, child) edges, or "
                          f"a DOT, dagitty or GML string; got {type(graph).__name__}")
    dag = nx.DiGraph([(p, v) for v, ps in parents.items() for p in ps])
    dag.add_nodes_from(parents)
    if not nx.is_directed_acyclic_graph(dag):
        cycle = " -> ".join(u for u, _ in nx.find_cycle(dag))
        raise CyclicModel(f"the graph has a cycle: {cycle}")
    return parents, latent


def _truthy(x: Any) -> bool:
    return x is True or (isinstance(x, (int, float)) and x != 0) or \
        (isinstance(x, str) and x.lower() in ("1", "true", "yes", "latent"))


def _gml(text: str) -> nx.DiGraph:
    try:
        graph = nx.parse_gml(text, label="label")
    except (nx.NetworkXError, ValueError, KeyError) as exc:
        raise CausalError(f"cannot read the GML graph: {exc}") from exc
    if not graph.is_directed():
        raise CausalError("the GML graph is not directed (add 'directed 1')")
    return graph


def _add(parents: dict, parent: str, child: str) -> None:
    parents.setdefault(parent, [])
    kids = parents.setdefault(child, [])
    if parent not in kids:
        kids.append(parent)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise CausalError(f"cannot read the graph near {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind == "comment":
            continue
        value = m.group(kind)
        if kind == "quoted":
            kind, value = "name", value[1:-1].replace('\\"', '"')
        out.append((kind, value))
    return out


def _statements(text: str) -> tuple[dict[str, list[str]], set[str]]:
    """DOT and dagitty: ``[strict] (digraph|dag) [name] { statements }``."""
    tokens = _tokens(text)
    header = []
    while tokens and tokens[0] != ("punct", "{"):
        header.append(tokens.pop(0)[1].lower())
    if not {"digraph", "dag", "pdag"} & set(header[:2]):
        if "graph" in header[:2]:
            raise CausalError("an undirected DOT graph; a causal model needs 'digraph'")
        raise CausalError("a DOT or dagitty graph starts with 'digraph {' or 'dag {', got "
                          f"{' '.join(header) or text[:20]!r}")
    if not tokens or tokens[-1] != ("punct", "}"):
        raise CausalError("the graph's statements are not enclosed in { }")
    parents: dict[str, list[str]] = {}
    latent: set[str] = set()
    statement: list[tuple[str, str]] = []
    for token in _groups(tokens[1:-1]) + [("punct", ";")]:
        if token in (("punct", ";"), ("punct", ",")) or (
                statement and token[0] == "name" and statement[-1][0] in ("name", "attrs")):
            _statement(statement, parents, latent)
            statement = [] if token[0] == "punct" else [token]
        elif token[0] != "punct" or token[1] == "=":
            statement.append(token)
    return parents, latent


def _groups(tokens: list) -> list:
    """``{ A B }`` inside the body (a subgraph of names) as one name token per member set."""
    out, group = [], None
    for kind, value in tokens:
        if (kind, value) == ("punct", "{"):
            group = []
        elif (kind, value) == ("punct", "}") and group is not None:
            out.append(("name", tuple(group)))
            group = None
        elif group is not None:
            if kind == "name":
                group.append(value)
        else:
            out.append((kind, value))
    return out


_SETTINGS = {"graph", "node", "edge", "rankdir", "bb", "label", "layout", "splines"}


def _statement(statement: list, parents: dict, latent: set) -> None:
    if not statement or statement[0][1] in _SETTINGS or ("punct", "=") in statement:
        return
    names = [v for k, v in statement if k == "name"]
    attrs = " ".join(v for k, v in statement if k == "attrs")
    arrows = [v for k, v in statement if k == "arrow"]
    if len(names) != len(arrows) + 1:
        raise CausalError(f"cannot read the statement {' '.join(v for _, v in statement)!r}")
    names = [n if isinstance(n, tuple) else (n,) for n in names]
    for group in names:
        for name in group:
            parents.setdefault(name, [])
    if not arrows and re.search(r"\blatent\b", attrs):
        latent.update(names[0])
    for left, arrow, right in zip(names, arrows, names[1:]):
        for a in left:
            for b in right:
                _edge(parents, latent, a, arrow, b)


def _edge(parents: dict, latent: set, a: str, arrow: str, b: str) -> None:
    if arrow == "->":
        _add(parents, a, b)
    elif arrow == "<-":
        _add(parents, b, a)
    elif arrow == "<->":
        u = f"U_{a}_{b}"
        _add(parents, u, a)
        _add(parents, u, b)
        latent.add(u)
    else:
        raise CausalError(f"the undirected edge {a} -- {b} has no causal direction")
