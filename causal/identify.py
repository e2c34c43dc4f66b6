"""Identification of causal effects: a complete algorithm, its estimands and certificates.

``identify(graph, treatment, outcome, given=())`` decides whether ``P(outcome | do(treatment),
given)`` is a function of the observational distribution of a semi-Markovian model (an
:class:`~causal.admg.ADMG`, or a DAG with latent nodes), by the ID and IDC algorithms of
Shpitser & Pearl (2006), which are complete; ID is run in Tian's c-component form, which
is equivalent and works district by district, so large sparse graphs are fast. It returns an
:class:`Estimand`: an expression tree of plain frozen dataclasses (:class:`Prob`,
:class:`Product`, :class:`Sum`, :class:`Quotient`) over the observational ``P``, with a text
formula, LaTeX and numeric evaluation (see :mod:`causal.estimand`). Otherwise it raises
:class:`~causal.errors.NotIdentifiable` carrying a :class:`Hedge`.

Names are hygienic: a summed copy of a variable that is free (or a treatment, or summed
further out) is primed, ``S'``, ``S''``, never shadowed. Factors of ``P(v | v_<)`` use Tian's
reduced conditioning sets, chain-rule pairs are merged and marginalised, so the back-door and
front-door graphs give the textbook formulas.

>>> front_door = ADMG([("S", "T"), ("T", "C")], [("S", "C")])
>>> print(identify(front_door, "S", "C"))
P(C|do(S)) = Σ_{T} P(T|S) Σ_{S'} P(C|S',T) P(S')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from causal._id_distributions import _Chain, _Fail
from causal.admg import ADMG
from causal.errors import InvalidArgument, NotIdentifiable, UnknownVariable
from causal.estimand import Estimand
from causal.expression import _ONE, Expr, Prob, Product, Quotient, Sum, _factors, _names, _query
from causal.hedge import Hedge
from diagrams._lazy import lazy_module

nx = lazy_module("networkx")

__all__ = ["Estimand", "Expr", "Hedge", "Prob", "Product", "Quotient", "Sum", "identify"]


# ---- ID and IDC ----------------------------------------------------------------------------

class _Identifier:
    def __init__(self, graph: ADMG) -> None:
        self.graph = graph
        self.pos = {v: i for i, v in enumerate(graph.topological_order())}
        self.var_of: dict[str, str] = {}
        self.fresh = 0
        self._q: dict[str, Prob] | None = None

    def sort(self, vs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(vs, key=lambda v: self.pos[self.var_of.get(v, v)]))

    def sum(self, over: Iterable[str], term: Expr) -> Expr:
        over = self.sort(over)
        return Sum(over, term) if over else term

    def q_factors(self) -> dict[str, Prob]:
        """Tian & Pearl (2002): for a district ``S`` of the graph, ``Q[S] = Π_{v∈S}
        P(v | v_<)`` and ``P(v | v_<) = P(v | (T_v ∪ Pa(T_v)) \\ {v})``, ``T_v`` the district
        of ``v`` in the graph induced by ``v`` and its predecessors."""
        if self._q is None:
            g, uf, scope, self._q = self.graph, nx.utils.UnionFind(), {}, {}
            dag, bi, seen = g.directed, g._bi, set()
            for v in self.sort(g.nodes):
                scope[uf[v]] = {v, *dag.predecessors(v)}
                for s in bi.neighbors(v):
                    a, b = uf[v], uf[s] if s in seen else None
                    if b is not None and a != b:
                        small, big = sorted((scope.pop(a), scope.pop(b)), key=len)
                        uf.union(a, b)
                        big |= small
                        scope[uf[v]] = big
                seen.add(v)
                self._q[v] = Prob((v,), self.sort(scope[uf[v]] - {v}))
        return self._q

    def id(self, y: frozenset, x: frozenset, query: tuple) -> Expr:
        """Tian's algorithm (complete, as ID): ``P(y | do(x)) = Σ_{D \\ Y} Π_i Q[D_i]`` with
        ``D`` the ancestors of ``Y`` once ``X`` is removed and ``D_i`` the districts of
        ``G[D]``, each ``Q[D_i]`` identified from the ``Q`` of its district in ``G``."""
        g = self.graph
        d = g.subgraph(frozenset(g.nodes) - x).ancestors(y)
        q, district_of = self.q_factors(), {}
        for s in g.districts():
            district_of.update(dict.fromkeys(s, s))
        terms = []
        for di in g.subgraph(d).districts():
            sj = district_of[next(iter(di))]
            chain = _Chain(self.sort(sj), {v: q[v] for v in sj})
            terms.append(chain.expr() if di == sj else self.identify_in(di, sj, chain, query))
        return self.sum(d - y, Product(tuple(terms)))

    def identify_in(self, c: frozenset, t: frozenset, q, query: tuple) -> Expr:
        """Tian's ``Identify(C, T, Q[T])``: ``Q[C]`` from ``Q[T]`` for a district ``C`` of a
        subgraph of ``G[T]``, or a hedge."""
        while True:
            a = self.graph.subgraph(t).ancestors(c)
            if a == c:
                return q.total(c, self)
            if a == t:
                sub = self.graph.subgraph(c)
                roots = frozenset(u for u in c if not sub.children(u))
                raise _Fail(t, c, roots, *query)
            qa, ga = q.marginal(a, self), self.graph.subgraph(a)
            t = ga.district(next(iter(c)))
            q = _Chain(self.sort(t), qa.conditionals(t, ga, self))

    def idc(self, y: frozenset, x: frozenset, z: frozenset) -> Expr:
        g = self.graph
        while z:
            for zi in self.sort(z):
                cut = g.do(x).remove_outgoing([zi])
                if cut.is_m_separated(y, [zi], x | (z - {zi})):
                    x, z = x | {zi}, z - {zi}
                    break
            else:
                break
        query = (self.sort(x), self.sort(y | z))
        joint = self.average_out(self.id(y | z, x, query), x | y | z)
        return joint if not z else Quotient(joint, self.sum(y, joint))

    def average_out(self, e: Expr, keep: frozenset) -> Expr:
        """Each ``Q[D_i]`` is a function of ``D_i`` and its parents, but its expression may
        mention other variables ``W`` (earlier members of a district and their parents, e.g.
        ``R`` in the napkin graph); under the model its value is the same for every ``w``.
        Average it with ``P(W)``: the value is unchanged, and the estimand mentions only the
        query's variables."""
        extra = e.free - keep
        return self.sum(extra, Product((Prob(self.sort(extra)), e))) if extra else e

    # ---- from the recursion's tree to a readable one -----------------------------------

    def alpha(self, e: Expr, env: dict) -> Expr:
        """Give every summed index a fresh name (no shadowing left)."""
        if isinstance(e, Prob):
            return Prob(tuple(env.get(v, v) for v in e.vars), tuple(env.get(v, v)
                                                                    for v in e.given))
        if isinstance(e, Product):
            return Product(tuple(self.alpha(t, env) for t in e.terms))
        if isinstance(e, Quotient):
            return Quotient(self.alpha(e.num, env), self.alpha(e.den, env))
        inner = dict(env)
        for v in e.over:
            self.fresh += 1
            inner[v] = fresh = f"{v}\0{self.fresh}"
            self.var_of[fresh] = self.var_of.get(v, v)
        return Sum(tuple(inner[v] for v in e.over), self.alpha(e.term, inner))

    def pretty(self, e: Expr, visible: frozenset, env: dict) -> Expr:
        """Name each summed index after its variable, primed until it clashes with nothing
        visible in its scope."""
        if isinstance(e, Prob):
            return Prob(tuple(env.get(v, v) for v in e.vars), tuple(env.get(v, v)
                                                                    for v in e.given))
        if isinstance(e, Product):
            return Product(tuple(self.pretty(t, visible, env) for t in e.terms))
        if isinstance(e, Quotient):
            return Quotient(self.pretty(e.num, visible, env), self.pretty(e.den, visible, env))
        inner, seen, names = dict(env), set(visible), []
        for u in e.over:
            name = self.var_of[u]
            while name in seen:
                name += "'"
            seen.add(name)
            inner[u] = name
            names.append(name)
        return Sum(tuple(names), self.pretty(e.term, frozenset(seen), inner),
                   variables=tuple(self.var_of[u] for u in e.over))

    # ---- simplification (on alpha-renamed trees) ---------------------------------------

    def top(self, idx: Iterable[str]) -> int:
        return max((self.pos[self.var_of.get(v, v)] for v in idx), default=-1)

    def prob(self, vars: Iterable[str], given: Iterable[str]) -> Prob:
        return Prob(self.sort(vars), self.sort(given))

    def product(self, fs: Iterable[Expr]) -> Expr:
        flat = self.cancel([t for f in fs for t in _factors(f)])
        probs = [f for f in flat if isinstance(f, Prob)]
        others = [f for f in flat if not isinstance(f, Prob)]
        probs = self.merge_chain(probs)
        probs.sort(key=lambda f: (-self.top(f.vars), -self.top(f.given)))
        others.sort(key=lambda f: (isinstance(f, Sum), -self.top(f.free)))
        out = probs + others
        return out[0] if len(out) == 1 else Product(tuple(out))

    def cancel(self, flat: list[Expr]) -> list[Expr]:
        """A · (n / A) = n, for factors equal up to renaming of summed indices."""
        for i, q in enumerate(flat):
            if isinstance(q, Quotient):
                rest = flat[:i] + flat[i + 1:]
                keys = [self.key(f) for f in rest]
                for k in (self.key(f) for f in _factors(q.den)):
                    if k not in keys:
                        break
                    j = keys.index(k)
                    del keys[j], rest[j]
                else:
                    return self.cancel(rest + _factors(q.num))
        return flat

    def merge_chain(self, probs: list[Prob]) -> list[Prob]:
        """P(A | B, C) P(B | C) = P(A, B | C)."""
        probs = list(probs)
        while True:
            scope = {f.free: i for i, f in enumerate(probs)}
            for i, f in enumerate(probs):
                j = scope.get(frozenset(f.given))
                if j is not None and j != i:
                    g = probs[j]
                    probs[i] = self.prob(g.vars + f.vars, g.given)
                    del probs[j]
                    break
            else:
                return probs

    def simplify(self, e: Expr) -> Expr:
        if isinstance(e, Prob):
            return self.prob(e.vars, e.given)
        if isinstance(e, Product):
            return self.product(self.simplify(t) for t in e.terms)
        if isinstance(e, Quotient):
            return self.quotient(self.simplify(e.num), self.simplify(e.den))
        return self.sum_of(set(e.over), _factors(self.simplify(e.term)))

    def sum_of(self, over: set, fs: list[Expr]) -> Expr:
        changed = True
        while changed:
            changed = False
            for w in self.sort(over):
                holders = [i for i, f in enumerate(fs) if w in f.free]
                if len(holders) != 1:
                    continue
                f = fs[holders[0]]
                if isinstance(f, Prob) and w in f.vars:       # Σ_w P(w, A | C) = P(A | C)
                    over.discard(w)
                    rest = [v for v in f.vars if v != w]
                    fs[holders[0]] = self.prob(rest, f.given) if rest else _ONE
                    changed = True
                elif isinstance(f, Sum):                       # Σ_w Σ_u f = Σ_{w,u} f
                    del fs[holders[0]]
                    over |= set(f.over)
                    fs += _factors(f.term)
                    changed = True
            if changed:
                fs = _factors(self.product(fs))
        inside = [f for f in fs if f.free & over]
        groups = nx.utils.UnionFind(range(len(inside)))
        for w in over:
            holders = [i for i, f in enumerate(inside) if w in f.free]
            groups.union(*holders)
        sums = []
        for block in groups.to_sets():
            terms = [inside[i] for i in sorted(block)]
            bound = self.sort(over & frozenset().union(*(t.free for t in terms)))
            sums.append(Sum(bound, self.product(terms)))
        return self.product([f for f in fs if not f.free & over] + sums)

    def quotient(self, num: Expr, den: Expr) -> Expr:
        nf, df = _factors(num), _factors(den)
        keys = [self.key(f) for f in df]
        for f in list(nf):
            k = self.key(f)
            if k in keys:
                i = keys.index(k)
                del keys[i], df[i]
                nf.remove(f)
        num, den = self.product(nf), self.product(df)
        if den == _ONE:
            return num
        if isinstance(num, Prob) and isinstance(den, Prob) and num.given == den.given \
                and set(den.vars) <= set(num.vars):
            return self.prob(set(num.vars) - set(den.vars), num.given + den.vars)
        if isinstance(den, Prob):
            absorbed = self.absorb(_factors(num), den)
            if absorbed is not None:
                return absorbed
        return Quotient(num, den)

    def absorb(self, fs: list[Expr], den: Prob) -> Expr | None:
        """``(P(A, B | C) · g) / P(B | C) = P(A | B, C) · g``, also inside a sum over indices
        that ``P(B | C)`` does not mention."""
        for i, f in enumerate(fs):
            if isinstance(f, Prob) and set(f.given) == set(den.given) \
                    and set(den.vars) < set(f.vars):
                new = self.prob(set(f.vars) - set(den.vars), f.given + den.vars)
                return self.product([*fs[:i], new, *fs[i + 1:]])
        for i, f in enumerate(fs):
            if isinstance(f, Sum) and not set(f.over) & den.free:
                inner = self.absorb(_factors(f.term), den)
                if inner is not None:
                    summed = self.sum_of(set(f.over), _factors(inner))
                    return self.product([*fs[:i], summed, *fs[i + 1:]])
        return None

    def key(self, e: Expr, env: dict | None = None) -> tuple:
        """A key equal for alpha-equivalent trees."""
        env = env or {}
        if isinstance(e, Prob):
            return ("P", tuple(env.get(v, v) for v in e.vars),
                    frozenset(env.get(v, v) for v in e.given))
        if isinstance(e, Product):
            return ("*", frozenset(self.key(t, env) for t in e.terms))
        if isinstance(e, Quotient):
            return ("/", self.key(e.num, env), self.key(e.den, env))
        inner = dict(env)
        for i, v in enumerate(e.over):
            inner[v] = (len(env), i, self.var_of.get(v, v))
        return ("Σ", self.key(e.term, inner))


# ---- the entry point -----------------------------------------------------------------------

def _as_admg(graph: Any) -> ADMG:
    if isinstance(graph, ADMG):
        return graph
    if hasattr(graph, "to_admg"):
        return graph.to_admg()
    if isinstance(getattr(graph, "graph", None), nx.DiGraph) and hasattr(graph, "latent"):
        return ADMG.from_latent_dag(graph.graph, graph.latent)  # a causal.CausalModel
    if isinstance(graph, nx.DiGraph):
        latent = [v for v, data in graph.nodes(data=True) if data.get("latent")]
        return ADMG.from_latent_dag(graph, latent)
    raise InvalidArgument(f"identify needs an ADMG, a CausalModel, a networkx DiGraph (latent nodes "
                    f"marked latent=True) or an object with .to_admg(), got "
                    f"{type(graph).__name__}")


def identify(graph: ADMG | nx.DiGraph | Any, treatment: str | Iterable[str],
             outcome: str | Iterable[str], given: str | Iterable[str] = ()) -> Estimand:
    """Identify ``P(outcome | do(treatment), given)`` from the observational distribution of
    the observed variables of ``graph``, or raise :class:`~causal.errors.NotIdentifiable`
    with a :class:`Hedge`. ``graph`` is an :class:`~causal.admg.ADMG`, a networkx DiGraph
    whose latent nodes carry ``latent=True``, a :class:`causal.CausalModel` (its latent
    variables are projected out), or any object with a ``to_admg()`` method.

    The algorithm is Shpitser & Pearl's ID (and IDC for ``given``), complete for
    semi-Markovian models; it runs in polynomial time. Where the identifying formula holds
    for every value of a variable outside the query (``R`` in the napkin graph below), the
    estimand averages it with that variable's observational marginal, so it mentions only
    the query's variables.

    >>> g = ADMG([("W", "R"), ("R", "X"), ("X", "Y")], [("W", "X"), ("W", "Y")])  # napkin
    >>> identify(g, "X", "Y").formula
    'Σ_{R} P(R) ([Σ_{W} P(X,Y|W,R) P(W)] / [Σ_{W} P(X|W,R) P(W)])'
    >>> identify(ADMG([("X", "Z"), ("Z", "Y")]), "X", "Y", given="Z").formula
    'P(Y|Z)'
    >>> identify(ADMG([("X", "Y")], [("X", "Y")]), "X", "Y")
    Traceback (most recent call last):
    ...
    causal.errors.NotIdentifiable: P(Y | do(X)) is not identifiable: hedge F = {X, Y}, ...
    """
    g = _as_admg(graph)
    x, y, z = _names(treatment), _names(outcome), _names(given)
    unknown = [v for v in x + y + z if v not in g]
    if unknown:
        raise UnknownVariable(f"unknown variables {unknown} in the query "
                              f"{_query(x, y, z, ' | ')}; the graph has {list(g.nodes)}")
    if not y:
        raise ValueError("the outcome is empty")
    sets = {"treatment": set(x), "outcome": set(y), "given": set(z)}
    for a, b in (("treatment", "outcome"), ("treatment", "given"), ("outcome", "given")):
        if sets[a] & sets[b]:
            raise ValueError(f"{sorted(sets[a] & sets[b])} is in both the {a} and the {b}")
    ctx = _Identifier(g)
    try:
        raw = ctx.idc(frozenset(y), frozenset(x), frozenset(z))
    except _Fail as fail:
        hedge = Hedge(*map(frozenset, fail.hedge[:3]), *fail.hedge[3:])

        def shown(s: Iterable[str]) -> str:
            return "{" + ", ".join(ctx.sort(s)) + "}"

        asked = _query(x, y, z, " | ")
        refuted = _query(hedge.treatment, hedge.outcome, (), " | ")
        also = f" (a hedge for {refuted})" if refuted != asked else ""
        raise NotIdentifiable(
            f"{asked} is not identifiable: hedge F = {shown(hedge.forest)}, "
            f"F' = {shown(hedge.subforest)}, roots {shown(hedge.roots)}{also}",
            hedge=hedge, treatment=x, outcome=y, given=z) from None
    expr = ctx.simplify(ctx.alpha(raw, {}))
    expr = ctx.pretty(expr, expr.free | set(x) | set(y) | set(z), {})
    return Estimand(expr, x, y, z, g)
