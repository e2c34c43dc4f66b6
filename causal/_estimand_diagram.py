"""Private: an estimand's expression tree as a string diagram over kernels of the joint.

A sum-product of conditionals is a string diagram when every index is *produced* by exactly
one factor (it appears left of the bar of one ``P(..|..)``) or is an input of the diagram,
and the factors can be ordered so that each uses only indices produced before it. Then each
factor ``P(A|B)`` is a box ``B -> A``; an index used by several factors is a copy, a summed
index that reaches no output is a discard, and contracting the diagram is exactly the
sum-product. A :class:`~causal.estimand.Quotient` is a box too: the conditional (Fritz's
disintegration) of the diagram of its numerator given the denominator's indices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from causal.errors import NoDiagramForm
from causal.estimand import Expr, Prob, Product, Quotient, Sum, _text
from diagrams import Box, Diagram, Ty


@dataclass
class Compiled:
    """The diagram, and for each of its boxes how to compute its kernel from the joint:
    ``("P", vars, given)`` (variables) or ``("conditional", numerator, n_given)``."""

    diagram: Diagram
    recipes: dict[Box, tuple] = field(default_factory=dict)


@dataclass
class _Factor:
    box: Box
    ins: tuple[int, ...]
    outs: tuple[int, ...]
    text: str


class _Builder:
    def __init__(self, recipes: dict[Box, tuple]) -> None:
        self.recipes = recipes

    def build(self, e: Expr, var_of: Mapping[str, str], inputs: Sequence[str] | None,
              outputs: Sequence[str] | None) -> tuple[Diagram, list[str], list[str]]:
        """The diagram of ``e`` whose free indices have variables ``var_of``; ``inputs``
        and ``outputs`` name free indices (``None``: the free indices ``e`` does not /
        does produce, in ``var_of``'s order)."""
        wires, names = [], []
        env = {}
        for index, var in var_of.items():
            env[index] = len(wires)
            wires.append(var)
            names.append(index)
        factors: list[_Factor] = []
        self.flatten(e, env, wires, names, factors)
        source: dict[int, int] = {}
        for j, f in enumerate(factors):
            for w in f.outs:
                if w in source:
                    raise NoDiagramForm(f"index {names[w]} is distributed by two factors, "
                                        f"{factors[source[w]].text} and {f.text}")
                source[w] = j
        free = list(var_of)
        if inputs is None:
            inputs = [v for v in free if env[v] not in source]
        if outputs is None:
            outputs = [v for v in free if env[v] in source]
        for v in inputs:
            if env[v] in source:
                raise NoDiagramForm(f"{v} is an input of the estimand but "
                                    f"{factors[source[env[v]]].text} distributes it")
        given = {env[v] for v in inputs}
        for w in range(len(wires)):
            if w not in source and w not in given:
                used = [f.text for f in factors if w in f.ins] or ["the output"]
                raise NoDiagramForm(f"index {names[w]} (used by {used[0]}) is distributed "
                                    "by no factor")
        order = _topological(factors, source)
        return (Diagram(wires, [factors[j].box for j in order],
                        [factors[j].ins for j in order], [factors[j].outs for j in order],
                        [env[v] for v in inputs], [env[v] for v in outputs]),
                list(inputs), list(outputs))

    def flatten(self, e: Expr, env: dict, wires: list, names: list,
                factors: list[_Factor]) -> None:
        if isinstance(e, Product):
            for t in e.terms:
                self.flatten(t, env, wires, names, factors)
        elif isinstance(e, Sum):
            inner = dict(env)
            for index, var in zip(e.over, e.variables):
                inner[index] = len(wires)
                wires.append(var)
                names.append(index)
            self.flatten(e.term, inner, wires, names, factors)
        elif isinstance(e, Prob):
            vars_ = tuple(wires[env[v]] for v in e.vars)
            given = tuple(wires[env[v]] for v in e.given)
            box = Box(_text(Prob(vars_, given)), Ty(*given), Ty(*vars_))
            self.recipes[box] = ("P", vars_, given)
            factors.append(_Factor(box, tuple(env[v] for v in e.given),
                                   tuple(env[v] for v in e.vars), str(e)))
        else:
            factors.append(self.quotient(e, env, wires))

    def quotient(self, q: Quotient, env: dict, wires: list) -> _Factor:
        """The conditional of the numerator's diagram given the denominator's indices."""
        free = sorted(q.num.free, key=lambda v: env[v])
        sub = _Builder(self.recipes)
        num, ins, outs = sub.build(q.num, {v: wires[env[v]] for v in free}, None, None)
        extra = [v for v in outs if v not in q.den.free]
        missing = [v for v in free if v not in outs and v not in q.den.free]
        if missing or set(q.den.free) - set(q.num.free):
            raise NoDiagramForm(f"{_text(q)} is not a conditional of its numerator")
        given = [v for v in outs if v in q.den.free]
        num = num >> _permutation(num.cod, [outs.index(v) for v in given + extra])
        dom = [wires[env[v]] for v in given + ins]
        cod = [wires[env[v]] for v in extra]
        recipe = ("conditional", num, len(given))
        box = Box(_text(q), Ty(*dom), Ty(*cod))
        n = 1
        while self.recipes.get(box, recipe) != recipe:
            n += 1
            box = Box(f"{_text(q)} #{n}", Ty(*dom), Ty(*cod))
        self.recipes[box] = recipe
        return _Factor(box, tuple(env[v] for v in given + ins),
                       tuple(env[v] for v in extra), _text(q))


def _permutation(ty: Ty, order: list[int]) -> Diagram:
    n = len(ty)
    return Diagram(ty.names, (), (), (), range(n), order)


def _topological(factors: list[_Factor], source: dict[int, int]) -> list[int]:
    """Kahn's algorithm on 'factor j uses an index factor i distributes'; stable."""
    needs = [{source[w] for w in f.ins if w in source} for f in factors]
    done: list[int] = []
    placed: set[int] = set()
    while len(done) < len(factors):
        ready = [j for j in range(len(factors)) if j not in placed and needs[j] <= placed]
        if not ready:
            stuck = [factors[j].text for j in range(len(factors)) if j not in placed]
            raise NoDiagramForm(f"the factors {', '.join(stuck)} condition on one another "
                                "in a cycle")
        done += ready
        placed.update(ready)
    return done


def compile_estimand(expression: Expr, dom: Sequence[str], cod: Sequence[str]) -> Compiled:
    """The diagram ``dom -> cod`` of ``expression`` (free indices = variables)."""
    recipes: dict[Box, tuple] = {}
    var_of = {v: v for v in [*dom, *cod]}
    diagram, _, _ = _Builder(recipes).build(expression, var_of, list(dom), list(cod))
    return Compiled(diagram, recipes)


def kernels(compiled: Compiled, joint: Any, on_zero: str) -> dict[Box, Any]:
    """The kernel of each box of the diagram, computed from ``joint`` by marginals,
    :func:`markov.conditional` and (for quotients) interpretation then conditional."""
    from markov import conditional, interpret

    out: dict[Box, Any] = {}

    def kernel(box: Box):
        if box in out:
            return out[box]
        recipe = compiled.recipes[box]
        if recipe[0] == "P":
            _, vars_, given = recipe
            k = joint.marginal(list(given) + list(vars_))
            if given:
                k = conditional(k, list(range(len(given))), on_zero=on_zero)
        else:
            _, num, n_given = recipe
            inner = interpret(num, {b: kernel(b) for b in num.boxes},
                              sizes=joint.sizes, validate=False)
            k = conditional(inner, list(range(n_given)), on_zero=on_zero)
        out[box] = k
        return k

    for box in compiled.diagram.boxes:
        kernel(box)
    return {box: out[box] for box in compiled.diagram.boxes}
