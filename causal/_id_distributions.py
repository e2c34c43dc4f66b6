"""Private: the distributions the identification recursion meets, a chain of
conditionals ``P(v | v_<)`` or any expression, and the failure that carries a hedge."""

from __future__ import annotations

from typing import Any

from causal.admg import ADMG
from causal.expression import Expr, Product, Quotient


class _Chain:
    """``Π_v factors[v]`` in topological ``order``: each factor is already ``P(v | v_<)``."""

    def __init__(self, order: tuple[str, ...], factors: dict) -> None:
        self.order, self.factors, self.nodes = order, factors, frozenset(order)

    def marginal(self, keep: frozenset[str], ctx: Any):
        if set(self.order[:len(keep)]) == keep:
            return _Chain(self.order[:len(keep)], self.factors)
        return _General(ctx.sum(self.nodes - keep, self.expr()), keep)

    def expr(self) -> Expr:
        return Product(tuple(self.factors[v] for v in self.order))

    def total(self, y: frozenset[str], ctx: Any) -> Expr:
        return ctx.sum(self.nodes - y, self.expr())

    def conditionals(self, members: frozenset[str], g: ADMG, ctx: Any) -> dict:
        return {v: self.factors[v] for v in members}


class _General:
    """Any expression ``expr``, a distribution over ``nodes``."""

    def __init__(self, expr: Expr, nodes: frozenset[str]) -> None:
        self.expr, self.nodes = expr, nodes

    def marginal(self, keep: frozenset[str], ctx: Any) -> _General:
        return _General(ctx.sum(self.nodes - keep, self.expr), keep)

    def total(self, y: frozenset[str], ctx: Any) -> Expr:
        return ctx.sum(self.nodes - y, self.expr)

    def conditionals(self, members: frozenset[str], g: ADMG, ctx: Any) -> dict:
        out, before = {}, set()
        for v in ctx.sort(self.nodes):
            if v in members:
                out[v] = Quotient(ctx.sum(self.nodes - before - {v}, self.expr),
                                  ctx.sum(self.nodes - before, self.expr))
            before.add(v)
        return out


class _Fail(Exception):
    def __init__(self, forest, subforest, roots, treatment, outcome) -> None:
        super().__init__()
        self.hedge = (forest, subforest, roots, treatment, outcome)
