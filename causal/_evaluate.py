"""Private: evaluation of an estimand's expression tree on an observational joint array.

Every index is an einsum label; a :class:`~causal.estimand.Prob` is a marginal of the joint
normalised over its variables, a :class:`~causal.estimand.Quotient` the conditional of its
numerator, a product/sum one ``opt_einsum`` contraction. Division goes through
:func:`markov.inference.normalize.normalize` with the caller's ``on_zero`` policy. numpy (float or
exact object arrays) and torch arrays, with leading batch axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import opt_einsum

from causal.errors import UnknownVariable
from causal.estimand import Expr, Prob, Product, Quotient, Sum, _factors, _text
from markov.arrays import ops as O
from markov.arrays import tensor as T
from markov.inference.normalize import POLICIES, normalize


def check_policy(on_zero: str) -> None:
    if on_zero not in POLICIES:
        raise ValueError(f"on_zero must be one of {POLICIES}, got {on_zero!r}")


class Evaluator:
    """Evaluates expressions on ``joint`` (axes ``[*batch, *variables]``)."""

    def __init__(self, joint: Any, variables: Sequence[str], n_batch: int,
                 on_zero: str = "uniform") -> None:
        check_policy(on_zero)
        joint = T.keep_kind(joint)
        variables = list(variables)
        if len(set(variables)) != len(variables):
            raise ValueError(f"variables {variables} name an axis twice")
        if joint.ndim != n_batch + len(variables):
            raise ValueError(f"the joint has {joint.ndim} axes but {n_batch} batch axes and "
                             f"the variables {variables} were given")
        check_joint(joint, n_batch)
        self.joint, self.vars, self.nb, self.on_zero = joint, variables, n_batch, on_zero
        self.sizes = dict(zip(variables, tuple(joint.shape)[n_batch:]))
        self.batch = tuple(f"\0batch{i}" for i in range(n_batch))
        self.cache: dict = {}

    def run(self, expression: Expr, dom: tuple[str, ...], cod: tuple[str, ...]) -> Any:
        """The array ``[*batch, *dom, *cod]`` of ``expression``, normalised over ``cod``."""
        needed = set(dom) | set(cod) | variables(expression)
        missing = needed - set(self.vars)
        if missing:
            raise UnknownVariable(f"the joint has no axis for {sorted(missing)}; its "
                                  f"variables are {self.vars}")
        array, labels = self.eval(expression, {})
        target = self.batch + dom + cod
        array = align(array, labels, target)
        shape = tuple(self.joint.shape[:self.nb]) + tuple(self.sizes[v] for v in dom + cod)
        array = T.materialize(array, shape)
        # The result is stochastic already when every factor is; this only absorbs float
        # rounding. A row of total mass zero can only come from non-stochastic input.
        policy = "uniform" if self.on_zero == "prior" else self.on_zero
        return normalize(array, len(cod), policy, what="the rows of the estimand")

    def marginal(self, vs: tuple[str, ...]) -> Any:
        """The joint's marginal on the variables ``vs``, axes ``[*batch, *vs]``."""
        if vs not in self.cache:
            drop = tuple(self.nb + i for i, v in enumerate(self.vars) if v not in vs)
            m = T.total(self.joint, drop)
            kept = [v for v in self.vars if v in vs]
            perm = tuple(range(self.nb)) + tuple(self.nb + kept.index(v) for v in vs)
            self.cache[vs] = O.transpose(m, perm)
        return self.cache[vs]

    def eval(self, e: Expr, env: dict) -> tuple[Any, tuple]:
        """``(array, labels)``: the value of ``e`` with one axis per label; ``env`` maps the
        indices bound by enclosing sums to their variables."""
        if isinstance(e, Prob):
            return self.prob(e, env)
        if isinstance(e, Quotient):
            return self.quotient(e, env)
        if isinstance(e, Sum):
            inner = dict(env)
            inner.update(zip(e.over, e.variables))
            terms, over = _factors(e.term), set(e.over)
        else:
            inner, terms, over = env, list(e.terms), set()
        if not terms:
            one = self.joint.sum() * 0 + 1
            return T.keep_kind(one), ()
        parts = [self.eval(t, inner) for t in terms]
        labels = tuple(dict.fromkeys(v for _, ls in parts for v in ls if v not in over))
        ids = {v: i for i, v in enumerate(dict.fromkeys(v for _, ls in parts for v in ls))}
        operands = [x for a, ls in parts for x in (a, [ids[v] for v in ls])]
        return opt_einsum.contract(*operands, [ids[v] for v in labels]), labels

    def prob(self, e: Prob, env: dict) -> tuple[Any, tuple]:
        head = tuple(env.get(v, v) for v in e.vars)
        cond = tuple(env.get(v, v) for v in e.given)
        m = self.marginal(cond + head)                     # [*batch, *given, *vars]
        fallback = None
        if self.on_zero == "prior" and cond:
            prior = self.marginal(head)
            shape = tuple(prior.shape)
            fallback = prior.reshape(shape[:self.nb] + (1,) * len(cond) + shape[self.nb:])
        what = f"the conditioning variables {', '.join(e.given)} of {e}"
        return (normalize(m, len(head), self.on_zero, fallback, what=what),
                self.batch + e.given + e.vars)

    def quotient(self, e: Quotient, env: dict) -> tuple[Any, tuple]:
        """``num / den`` is the conditional of ``num`` given ``den``'s indices: normalise
        ``num`` over the indices only it has, after checking that ``den`` is ``num``'s
        marginal (where it is not, the quotient is not a conditional and nothing is
        returned)."""
        (num, ln), (den, ld) = self.eval(e.num, env), self.eval(e.den, env)
        extra = [v for v in ln if v not in ld]
        keep = self.batch + tuple(v for v in ln + ld if v not in extra and v not in
                                  self.batch)
        keep = tuple(dict.fromkeys(keep))
        labels = keep + tuple(extra)
        num = self.broadcast(align(num, ln, labels), labels, env)
        axes = tuple(range(len(keep), len(labels)))
        marginal = T.total(num, axes)
        den = align(den, ld, keep)
        if not T.same(marginal, den):
            raise ValueError(f"the denominator of {_text(e)} is not the marginal of its "
                             "numerator: it is not a conditional")
        fallback = None
        if self.on_zero == "prior":
            given = [i for i, v in enumerate(keep) if v in produced(e.num)]
            prior = T.total(num, tuple(given), keep=True)
            fallback = normalize(prior, len(extra), "uniform")
        what = f"the denominator {_text(e.den)}"
        return normalize(num, len(extra), self.on_zero, fallback, what=what), labels

    def broadcast(self, a: Any, labels: tuple, env: dict) -> Any:
        """Expand the size-1 axes of ``a`` (labels it lacked) to their full sizes."""
        sizes = {**{b: n for b, n in zip(self.batch, self.joint.shape[:self.nb])}}
        shape = tuple(sizes.get(v, self.sizes.get(env.get(v, v), 1)) for v in labels)
        shape = tuple(max(s, n) for s, n in zip(shape, a.shape))
        return O.broadcast_to(a, shape)


def check_joint(joint: Any, n_batch: int) -> None:
    """A joint must be non-negative and sum to 1 (per batch entry): exactly for exact
    numbers, within 1e-6 for floats; symbolic entries are not checked."""
    axes = tuple(range(n_batch, joint.ndim))
    joint = T.to_host_float(joint)
    if T.is_exact(joint):
        if not T.all_rational(joint):
            return
        negative = joint < 0
        off = T.total(joint, axes) != 1
    else:
        if not np.isfinite(joint).all():
            raise ValueError("the observational joint has a non-finite entry")
        negative = joint < 0
        off = np.abs(T.total(joint, axes) - 1) > 1e-6
    if np.any(negative):
        raise ValueError(f"the observational joint has a negative entry at "
                         f"{tuple(int(i) for i in np.argwhere(negative)[0])}")
    if np.any(off):
        raise ValueError(f"the observational joint sums to {T.total(joint, axes)!r}, not 1")


def variables(e: Expr) -> set[str]:
    """The observed variables ``e`` reads (summed indices give their variables)."""
    if isinstance(e, Prob):
        return set(e.vars) | set(e.given)
    if isinstance(e, Product):
        return set().union(*(variables(t) for t in e.terms))
    if isinstance(e, Quotient):
        return variables(e.num) | variables(e.den)
    return (variables(e.term) - set(e.over)) | set(e.variables)


def produced(e: Expr) -> frozenset[str]:
    """The free indices of ``e`` that some factor distributes (rather than conditions on)."""
    if isinstance(e, Prob):
        return frozenset(e.vars)
    if isinstance(e, Product):
        return frozenset().union(*(produced(t) for t in e.terms))
    if isinstance(e, Quotient):
        return e.num.free - e.den.free
    return produced(e.term) - frozenset(e.over)


def align(a: Any, labels: tuple, target: tuple) -> Any:
    """Transpose ``a`` (axes ``labels``) to the order of ``target``, with size-1 axes for
    the labels it lacks."""
    present = [v for v in target if v in labels]
    perm = [labels.index(v) for v in present]
    a = O.transpose(a, perm)
    shape, it = [], iter(a.shape)
    for v in target:
        shape.append(next(it) if v in labels else 1)
    return a.reshape(tuple(shape))
