"""Acyclic directed mixed graphs (ADMGs): the graphs of semi-Markovian causal models.

An ADMG is plain data over observed variables: directed edges ``a -> b`` (a direct cause) and
bidirected edges ``a <-> b`` (a latent common cause). ``ADMG.from_latent_dag`` builds one from a
DAG with latent variables by Verma's latent projection. Graph algorithms are networkx's.

>>> g = ADMG([("S", "T"), ("T", "C")], [("S", "C")])
>>> g
ADMG(directed=[('S', 'T'), ('T', 'C')], bidirected=[('S', 'C')])
>>> [sorted(d) for d in g.districts()]
[['C', 'S'], ['T']]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from causal.errors import CausalError, UnknownVariable
from diagrams._lazy import lazy_module

nx = lazy_module("networkx")

__all__ = ["ADMG"]


class ADMG:
    """An acyclic directed mixed graph over named observed variables.

    ``directed_edges`` are pairs ``(a, b)`` for ``a -> b``; ``bidirected_edges`` are pairs (or
    2-element sets) for ``a <-> b``; ``nodes`` adds isolated variables and fixes the order in
    which variables are listed (first the given nodes, then endpoints as they appear).

    >>> g = ADMG([("X", "Y")], [("X", "Y")], nodes=["Z"])
    >>> g.nodes
    ('Z', 'X', 'Y')
    >>> ADMG([("A", "B"), ("B", "A")])
    Traceback (most recent call last):
    ...
    causal.errors.CausalError: the directed edges have a cycle: A -> B -> A
    """

    __slots__ = ("_bi", "_dag", "_hash", "_index")

    def __init__(self, directed_edges: Iterable[tuple[str, str]] = (),
                 bidirected_edges: Iterable[Iterable[str]] = (),
                 nodes: Iterable[str] = ()) -> None:
        dag = nx.DiGraph()
        bi = nx.Graph()
        for v in nodes:
            dag.add_node(v)
        for a, b in directed_edges:
            if a == b:
                raise CausalError(f"directed self-loop on {a!r}")
            dag.add_edge(a, b)
        for edge in bidirected_edges:
            pair = tuple(edge)
            if len(pair) != 2 or pair[0] == pair[1]:
                raise CausalError(f"a bidirected edge joins two distinct variables, got {edge!r}")
            dag.add_nodes_from(pair)
            bi.add_edge(*pair)
        bi.add_nodes_from(dag)
        if not nx.is_directed_acyclic_graph(dag):
            cycle = [a for a, _ in nx.find_cycle(dag)]
            raise CausalError("the directed edges have a cycle: "
                              + " -> ".join(map(str, cycle + cycle[:1])))
        self._dag = nx.freeze(dag)
        self._bi = nx.freeze(bi)
        self._index = {v: i for i, v in enumerate(dag)}
        self._hash = None

    @classmethod
    def from_latent_dag(cls, dag: nx.DiGraph, latent: Iterable[Hashable] = ()) -> ADMG:
        """Verma's latent projection of a DAG onto its non-latent nodes.

        ``a -> b`` when ``dag`` has a directed path from ``a`` to ``b`` whose inner nodes are
        all latent; ``a <-> b`` when a latent node reaches both ``a`` and ``b`` by directed paths
        whose inner nodes are latent. Identifiability of effects among the observed variables is
        the same in the projection as in the DAG (Tian & Pearl 2002).

        >>> dag = nx.DiGraph([("U", "S"), ("U", "C"), ("S", "T"), ("T", "C")])
        >>> ADMG.from_latent_dag(dag, latent=["U"])
        ADMG(directed=[('S', 'T'), ('T', 'C')], bidirected=[('S', 'C')])
        """
        latent = set(latent)
        missing = latent - set(dag)
        if missing:
            raise UnknownVariable(f"latent variables {sorted(map(str, missing))} are not nodes "
                                  f"of the DAG")
        if not nx.is_directed_acyclic_graph(dag):
            raise CausalError("the graph to project is not acyclic: "
                              + str([a for a, _ in nx.find_cycle(dag)]))
        hidden = dag.subgraph(latent)

        def reached(starts: Iterable[Hashable]) -> list[Hashable]:
            # observed nodes reached from `starts` (latent) through latent nodes only
            inner = set(starts)
            for u in list(inner):
                inner |= nx.descendants(hidden, u)
            seen: dict[Hashable, None] = {}
            for u in inner:
                for c in dag.successors(u):
                    if c not in latent:
                        seen[c] = None
            return list(seen)

        observed = [v for v in dag if v not in latent]
        directed = []
        for a in observed:
            kids = [c for c in dag.successors(a) if c not in latent]
            kids += reached(c for c in dag.successors(a) if c in latent)
            directed += [(a, b) for b in dict.fromkeys(kids)]
        bidirected = set()
        for u in latent:
            if any(p in latent for p in dag.predecessors(u)):
                continue  # a latent with a latent parent is covered by that parent's reach
            hit = sorted(reached([u]), key=observed.index)
            bidirected |= {(a, b) for i, a in enumerate(hit) for b in hit[i + 1:]}
        return cls(directed, sorted(bidirected, key=lambda e: (observed.index(e[0]),
                                                               observed.index(e[1]))),
                   nodes=observed)

    # ---- plain data --------------------------------------------------------------------

    @property
    def nodes(self) -> tuple[str, ...]:
        """The variables, in the order they were given.

        >>> ADMG([("B", "A")]).nodes
        ('B', 'A')
        """
        return tuple(self._dag)

    @property
    def directed(self) -> nx.DiGraph:
        """The directed part, a frozen networkx DiGraph over all variables.

        >>> sorted(ADMG([("X", "Y")], [("Y", "Z")]).directed.edges)
        [('X', 'Y')]
        """
        return self._dag

    @property
    def bidirected(self) -> frozenset[frozenset[str]]:
        """The bidirected edges, each a 2-element frozenset.

        >>> ADMG([], [("X", "Y")]).bidirected == {frozenset({"X", "Y"})}
        True
        """
        return frozenset(frozenset(e) for e in self._bi.edges)

    def __contains__(self, v: object) -> bool:
        return v in self._index

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self):
        return iter(self._dag)

    def _key(self):
        return (frozenset(self._dag), frozenset(self._dag.edges), self.bidirected)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ADMG) and self._key() == other._key()

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(self._key()))
        return self._hash

    def __repr__(self) -> str:
        i = self._index
        bi = sorted((tuple(sorted(e, key=i.__getitem__)) for e in self._bi.edges),
                    key=lambda e: (i[e[0]], i[e[1]]))
        isolated = [v for v in self._dag if self._dag.degree(v) == 0 and self._bi.degree(v) == 0]
        extra = f", nodes={isolated}" if isolated else ""
        return f"ADMG(directed={list(self._dag.edges)}, bidirected={bi}{extra})"

    # ---- neighbourhoods ----------------------------------------------------------------

    def _check(self, vs: Iterable[str]) -> frozenset[str]:
        vs = frozenset([vs] if isinstance(vs, str) else vs)
        unknown = [v for v in vs if v not in self._index]
        if unknown:
            raise UnknownVariable(f"unknown variables {sorted(map(str, unknown))}; the graph "
                                  f"has {list(self._dag)}")
        return vs

    def parents(self, v: str) -> frozenset[str]:
        """The parents of ``v`` (tails of directed edges into ``v``).

        >>> ADMG([("X", "Y"), ("Z", "Y")]).parents("Y") == {"X", "Z"}
        True
        """
        self._check([v])
        return frozenset(self._dag.predecessors(v))

    def children(self, v: str) -> frozenset[str]:
        """The children of ``v``.

        >>> ADMG([("X", "Y"), ("X", "Z")]).children("X") == {"Y", "Z"}
        True
        """
        self._check([v])
        return frozenset(self._dag.successors(v))

    def siblings(self, v: str) -> frozenset[str]:
        """The variables joined to ``v`` by a bidirected edge.

        >>> ADMG([], [("X", "Y")]).siblings("X")
        frozenset({'Y'})
        """
        self._check([v])
        return frozenset(self._bi.neighbors(v))

    def ancestors(self, vs: str | Iterable[str]) -> frozenset[str]:
        """The ancestors of a set of variables, the set itself included.

        >>> sorted(ADMG([("X", "Y"), ("Y", "Z"), ("W", "X")]).ancestors({"Y"}))
        ['W', 'X', 'Y']
        """
        vs = self._check(vs)
        rev = self._dag.reverse(copy=False)
        return frozenset(nx.multi_source_dijkstra_path_length(rev, set(vs))) if vs else vs

    def descendants(self, vs: str | Iterable[str]) -> frozenset[str]:
        """The descendants of a set of variables, the set itself included.

        >>> sorted(ADMG([("X", "Y"), ("Y", "Z"), ("W", "X")]).descendants("Y"))
        ['Y', 'Z']
        """
        vs = self._check(vs)
        return frozenset(nx.multi_source_dijkstra_path_length(self._dag, set(vs))) if vs else vs

    def districts(self) -> tuple[frozenset[str], ...]:
        """The c-components (districts): classes of variables joined by bidirected paths,
        ordered by their first variable.

        >>> [sorted(d) for d in ADMG([("X", "Y")], [("X", "Z")], nodes=["Z"]).districts()]
        [['X', 'Z'], ['Y']]
        """
        comps = (frozenset(c) for c in nx.connected_components(self._bi))
        return tuple(sorted(comps, key=lambda c: min(self._index[v] for v in c)))

    c_components = districts

    def district(self, v: str) -> frozenset[str]:
        """The district (c-component) containing ``v``.

        >>> sorted(ADMG([], [("X", "Y"), ("Y", "Z")], nodes=["W"]).district("X"))
        ['X', 'Y', 'Z']
        """
        self._check([v])
        return frozenset(nx.node_connected_component(self._bi, v))

    def topological_order(self) -> tuple[str, ...]:
        """A topological order of the directed part; ties are broken by the order of ``nodes``,
        so the result is deterministic.

        >>> ADMG([("Y", "X")], nodes=["X", "Y", "Z"]).topological_order()
        ('Y', 'X', 'Z')
        """
        return tuple(nx.lexicographical_topological_sort(self._dag, key=self._index.__getitem__))

    # ---- derived graphs ----------------------------------------------------------------

    def subgraph(self, vs: Iterable[str]) -> ADMG:
        """The induced subgraph ``G[vs]`` (order of ``nodes`` kept).

        >>> ADMG([("X", "Y"), ("Y", "Z")], [("X", "Z")]).subgraph(["X", "Z"])
        ADMG(directed=[], bidirected=[('X', 'Z')])
        """
        vs = self._check(vs)
        keep = [v for v in self._dag if v in vs]
        return ADMG(self._dag.subgraph(keep).edges, self._bi.subgraph(keep).edges, nodes=keep)

    induced = subgraph

    def do(self, vs: str | Iterable[str]) -> ADMG:
        """The mutilated graph ``G_{\\bar X}``: every edge into ``vs`` (directed and
        bidirected) removed, as under an intervention ``do(vs)``.

        >>> ADMG([("Z", "X"), ("X", "Y")], [("X", "Y")]).do("X")
        ADMG(directed=[('X', 'Y')], bidirected=[], nodes=['Z'])
        """
        vs = self._check(vs)
        return ADMG([(a, b) for a, b in self._dag.edges if b not in vs],
                    [e for e in self._bi.edges if not (set(e) & vs)], nodes=self._dag)

    def remove_outgoing(self, vs: str | Iterable[str]) -> ADMG:
        """The graph ``G_{\\underline X}``: every directed edge out of ``vs`` removed.

        >>> ADMG([("Z", "X"), ("X", "Y")], [("X", "Y")]).remove_outgoing("X")
        ADMG(directed=[('Z', 'X')], bidirected=[('X', 'Y')])
        """
        vs = self._check(vs)
        return ADMG([(a, b) for a, b in self._dag.edges if a not in vs], self._bi.edges,
                    nodes=self._dag)

    def to_latent_dag(self, prefix: str = "U") -> tuple[nx.DiGraph, frozenset[str]]:
        """A DAG with one latent root per bidirected edge, and the set of latent names
        (``U[a,b]`` by default, made unique against the observed names).

        >>> dag, latent = ADMG([("X", "Y")], [("X", "Y")]).to_latent_dag()
        >>> sorted(dag.edges), sorted(latent)
        ([('U[X,Y]', 'X'), ('U[X,Y]', 'Y'), ('X', 'Y')], ['U[X,Y]'])
        """
        dag = nx.DiGraph(self._dag)
        latent = set()
        for e in self._bi.edges:
            a, b = sorted(e, key=self._index.__getitem__)
            u = f"{prefix}[{a},{b}]"
            while u in self._index or u in latent:
                u = "_" + u
            latent.add(u)
            dag.add_edges_from([(u, a), (u, b)])
        return dag, frozenset(latent)

    def is_m_separated(self, xs: str | Iterable[str], ys: str | Iterable[str],
                       given: str | Iterable[str] = ()) -> bool:
        """Whether ``xs`` and ``ys`` are m-separated given ``given`` (d-separation in the
        DAG where each bidirected edge is a latent common cause).

        >>> g = ADMG([("X", "M"), ("M", "Y")], [("X", "Y")])
        >>> g.is_m_separated("X", "Y", "M"), g.remove_outgoing("X").is_m_separated("X", "M")
        (False, True)
        """
        xs, ys, given = self._check(xs), self._check(ys), self._check(given)
        dag, _ = self.to_latent_dag()
        return nx.is_d_separator(dag, set(xs), set(ys), set(given))
