"""Estimands: the expression trees that :func:`causal.identify.identify` returns, their
text and LaTeX, and their evaluation on an observational joint.

An estimand is a tree of plain frozen dataclasses (:class:`Prob`, :class:`Product`,
:class:`Sum`, :class:`Quotient`) over the observational ``P`` of the observed variables.
Entries of a :class:`Prob` are index names: a variable's name, or the name a :class:`Sum`
binds for a copy of it (``S'``).

>>> e = Sum(("S'",), Product((Prob("C", ("S'", "T")), Prob("S'"))), variables=("S",))
>>> print(Product((Prob("T", "S"), e)))
P(T|S) Σ_{S'} P(C|S',T) P(S')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import opt_einsum

from causal.admg import ADMG
from causal.errors import CausalError, UnknownVariable

__all__ = ["Estimand", "Expr", "Prob", "Product", "Quotient", "Sum"]

def _names(vs: str | Iterable[str]) -> tuple[str, ...]:
    return (vs,) if isinstance(vs, str) else tuple(vs)


# ---- the expression tree -------------------------------------------------------------------

@dataclass(frozen=True)
class Prob:
    """``P(vars | given)``, a marginal or conditional of the observational distribution over
    observed variables. Entries are index names: a variable's name, or the name a
    :class:`Sum` binds for a copy of it.

    >>> print(Prob(("Y",), ("X", "Z"))), print(Prob("Y"))
    P(Y|X,Z)
    P(Y)
    (None, None)
    """

    vars: tuple[str, ...]
    given: tuple[str, ...] = ()
    free: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vars", _names(self.vars))
        object.__setattr__(self, "given", _names(self.given))
        object.__setattr__(self, "free", frozenset(self.vars) | frozenset(self.given))

    def __str__(self) -> str:
        return _text(self)


@dataclass(frozen=True)
class Product:
    """The product of ``terms``; the empty product is 1.

    >>> print(Product((Prob("Y", "X"), Prob("X"))))
    P(Y|X) P(X)
    """

    terms: tuple[Expr, ...]
    free: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "free", frozenset().union(*(t.free for t in self.terms)))

    def __str__(self) -> str:
        return _text(self)


@dataclass(frozen=True)
class Sum:
    """``Σ_{over} term``: the index ``over[i]`` ranges over the values of the observed
    variable ``variables[i]`` (by default the index is the variable's own name).

    >>> e = Sum(("S'",), Product((Prob("C", ("S'", "T")), Prob("S'"))), variables=("S",))
    >>> print(e), sorted(e.free)
    Σ_{S'} P(C|S',T) P(S')
    (None, ['C', 'T'])
    """

    over: tuple[str, ...]
    term: Expr
    variables: tuple[str, ...] = ()
    free: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "over", _names(self.over))
        object.__setattr__(self, "variables", _names(self.variables) or self.over)
        if len(self.variables) != len(self.over):
            raise ValueError("a Sum needs one variable per summed index")
        object.__setattr__(self, "free", self.term.free - frozenset(self.over))

    def __str__(self) -> str:
        return _text(self)


@dataclass(frozen=True)
class Quotient:
    """``num / den`` (a conditional that is not a single :class:`Prob`; IDC's
    normalisation). Rows where ``den`` is 0 evaluate to the uniform distribution over the
    indices free in ``num`` and not in ``den``.

    >>> print(Quotient(Prob(("X", "Y")), Sum(("Y",), Prob(("X", "Y")))))
    P(X,Y) / [Σ_{Y} P(X,Y)]
    """

    num: Expr
    den: Expr
    free: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "free", self.num.free | self.den.free)

    def __str__(self) -> str:
        return _text(self)


Expr = Prob | Product | Sum | Quotient
_ONE = Product(())


def _factors(e: Expr) -> list[Expr]:
    return list(e.terms) if isinstance(e, Product) else [e]


# ---- text and LaTeX ------------------------------------------------------------------------

def _text(e: Expr) -> str:
    if isinstance(e, Prob):
        given = "|" + ",".join(e.given) if e.given else ""
        return f"P({','.join(e.vars)}{given})"
    if isinstance(e, Sum):
        return f"Σ_{{{','.join(e.over)}}} {_text(e.term)}"
    if isinstance(e, Quotient):
        parts = [_text(t) if isinstance(t, Prob) else f"[{_text(t)}]" for t in (e.num, e.den)]
        return " / ".join(parts)
    if not e.terms:
        return "1"
    out = []
    for i, t in enumerate(e.terms):
        s = _text(t)
        if isinstance(t, Sum) and i < len(e.terms) - 1 or isinstance(t, Quotient):
            s = f"[{s}]" if isinstance(t, Sum) else f"({s})"
        out.append(s)
    return " ".join(out)


def _tex_name(name: str) -> str:
    base = name.rstrip("'")
    primes = name[len(base):]
    base = base.replace("\\", r"\backslash ").replace("_", r"\_")
    return (base if len(base) == 1 else rf"\mathrm{{{base}}}") + primes


def _latex(e: Expr) -> str:
    if isinstance(e, Prob):
        head = ", ".join(map(_tex_name, e.vars))
        given = r" \mid " + ", ".join(map(_tex_name, e.given)) if e.given else ""
        return f"P({head}{given})"
    if isinstance(e, Sum):
        return rf"\sum_{{{', '.join(map(_tex_name, e.over))}}} {_latex(e.term)}"
    if isinstance(e, Quotient):
        return rf"\frac{{{_latex(e.num)}}}{{{_latex(e.den)}}}"
    if not e.terms:
        return "1"
    out = []
    for i, t in enumerate(e.terms):
        s = _latex(t)
        out.append(rf"\left[{s}\right]" if isinstance(t, Sum) and i < len(e.terms) - 1 else s)
    return " ".join(out)


def _query(treatment: Sequence[str], outcome: Sequence[str], given: Sequence[str],
           sep: str = "|") -> str:
    cond = ([f"do({','.join(treatment)})"] if treatment else []) + list(given)
    return f"P({','.join(outcome)}{sep + ','.join(cond) if cond else ''})"

# ---- the estimand and its evaluation -------------------------------------------------------

@dataclass(frozen=True)
class Estimand:
    """The identified ``P(outcome | do(treatment), given)`` as an expression over the
    observational distribution.

    >>> from causal.identify import identify
    >>> e = identify(ADMG([("Z", "X"), ("X", "Y"), ("Z", "Y")]), "X", "Y")
    >>> e.query, e.formula
    ('P(Y|do(X))', 'Σ_{Z} P(Y|Z,X) P(Z)')
    """

    expression: Expr
    treatment: tuple[str, ...]
    outcome: tuple[str, ...]
    given: tuple[str, ...] = ()
    graph: ADMG | None = field(default=None, compare=False, repr=False)

    @property
    def query(self) -> str:
        """The query in text.

        >>> from causal.identify import identify
        >>> identify(ADMG([("X", "Z"), ("Z", "Y")]), "X", "Y", given="Z").query
        'P(Y|do(X),Z)'
        """
        return _query(self.treatment, self.outcome, self.given)

    @property
    def formula(self) -> str:
        """The estimand in text.

        >>> from causal.identify import identify
        >>> identify(ADMG([("X", "Y")]), "X", "Y").formula
        'P(Y|X)'
        """
        return _text(self.expression)

    def latex(self) -> str:
        """The estimand in LaTeX (math mode, without delimiters).

        >>> from causal.identify import identify
        >>> identify(ADMG([("S", "T"), ("T", "C")], [("S", "C")]), "S", "C").latex()
        "\\\\sum_{T} P(T \\\\mid S) \\\\sum_{S'} P(C \\\\mid S', T) P(S')"
        """
        return _latex(self.expression)

    def __str__(self) -> str:
        return f"{self.query} = {self.formula}"

    def evaluate_array(self, joint: Any, variables: Sequence[str]) -> Any:
        """Evaluate on an observational joint whose axes are ``variables`` (any order; extra
        variables are marginalised). Returns an array with axes ``[*treatment, *given,
        *outcome]``, row-stochastic over the outcome axes. Exact for object arrays of
        Fractions; works for float arrays and torch tensors.

        Zero mass: a conditional ``P(A | C)`` (or a :class:`Quotient`) is taken to be the
        uniform distribution over ``A`` where ``P(C) = 0``, and a row of the result whose
        total mass is zero is uniform over the outcome; NaN is never returned.

        >>> from fractions import Fraction as F
        >>> joint = np.array([[F(3, 8), F(1, 8)], [F(1, 8), F(3, 8)]], dtype=object)
        >>> from causal.identify import identify
        >>> identify(ADMG([("X", "Y")]), "X", "Y").evaluate_array(joint, ["X", "Y"])
        array([[Fraction(3, 4), Fraction(1, 4)],
               [Fraction(1, 4), Fraction(3, 4)]], dtype=object)
        """
        return _Evaluator(joint, variables, 0).run(self)

    def evaluate(self, joint: Any) -> Any:
        """Evaluate on an observational joint given as a ``markov.Kernel`` state whose
        codomain atoms are the observed variables (any order; leading batch axes allowed).
        Returns the interventional ``Kernel`` from ``treatment @ given`` to ``outcome``,
        batched like ``joint``. Zero mass is handled as in :meth:`evaluate_array`.

        >>> from markov import Kernel
        >>> joint = Kernel.state([[0.375, 0.125], [0.125, 0.375]], cod=("X", "Y"))
        >>> from causal.identify import identify
        >>> k = identify(ADMG([("X", "Y")]), "X", "Y").evaluate(joint)
        >>> k.dom, k.cod, k.array.tolist()
        (Ty('X'), Ty('Y'), [[0.75, 0.25], [0.25, 0.75]])
        """
        from markov import Kernel

        if len(joint.dom):
            raise CausalError(f"the observational joint must be a state (empty domain), got "
                              f"a kernel {joint.dom} -> {joint.cod}")
        array = _Evaluator(joint.array, joint.cod.names, joint.n_batch).run(self)
        return Kernel(array, dom=self.treatment + self.given, cod=self.outcome,
                      name=self.query, validate=False)


def _is_torch(a: Any) -> bool:
    return type(a).__module__.startswith("torch")


class _Evaluator:
    def __init__(self, joint: Any, variables: Sequence[str], n_batch: int) -> None:
        if not _is_torch(joint):
            joint = np.asarray(joint)
        variables = list(variables)
        if len(set(variables)) != len(variables):
            raise ValueError(f"variables {variables} name an axis twice")
        if joint.ndim != n_batch + len(variables):
            raise ValueError(f"the joint has {joint.ndim} axes but {n_batch} batch axes and "
                             f"the variables {variables} were given")
        _check_joint(joint, n_batch)
        self.joint, self.vars, self.nb = joint, variables, n_batch
        self.sizes = dict(zip(variables, tuple(joint.shape)[n_batch:]))
        self.batch = tuple(f"\0batch{i}" for i in range(n_batch))
        self.cache: dict = {}

    def run(self, est: Estimand) -> Any:
        needed = set(est.treatment) | set(est.given) | set(est.outcome) | _variables(
            est.expression)
        missing = needed - set(self.vars)
        if missing:
            raise UnknownVariable(f"the joint has no axis for {sorted(missing)}; its "
                                  f"variables are {self.vars}")
        array, labels = self.eval(est.expression, {})
        target = self.batch + est.treatment + est.given + est.outcome
        array = _align(array, labels, target)
        shape = tuple(self.joint.shape[:self.nb]) + tuple(self.sizes[v] for v in target[
            self.nb:])
        array = array.expand(shape).clone() if _is_torch(array) else \
            np.array(np.broadcast_to(array, shape))
        axes = tuple(range(len(target) - len(est.outcome), len(target)))
        total = _sum(array, axes, keep=True)
        return self.divide(array, total, int(np.prod([self.sizes[v] for v in est.outcome])))

    def divide(self, num: Any, den: Any, size: int) -> Any:
        zero = den == 0
        if _is_torch(num):
            import torch

            return torch.where(zero, num * 0 + 1.0 / size, num / torch.where(zero, 1.0, den))
        if num.dtype == object:
            fill, one = Fraction(1, size), 1
        else:
            fill, one = 1.0 / size, 1.0
        return np.where(zero, num * 0 + fill, num / np.where(zero, one, den))

    def marginal(self, vs: tuple[str, ...]) -> Any:
        if vs not in self.cache:
            drop = tuple(self.nb + i for i, v in enumerate(self.vars) if v not in vs)
            m = _sum(self.joint, drop)
            kept = [v for v in self.vars if v in vs]
            perm = tuple(range(self.nb)) + tuple(self.nb + kept.index(v) for v in vs)
            self.cache[vs] = m.permute(*perm) if _is_torch(m) else np.transpose(m, perm)
        return self.cache[vs]

    def eval(self, e: Expr, env: dict) -> tuple[Any, tuple]:
        if isinstance(e, Prob):
            vs = tuple(env.get(v, v) for v in e.vars + e.given)
            m = self.marginal(vs)
            den = _sum(m, tuple(range(self.nb, self.nb + len(e.vars))), keep=True)
            size = int(np.prod([self.sizes[v] for v in vs[:len(e.vars)]]))
            return self.divide(m, den, size), self.batch + e.vars + e.given
        if isinstance(e, Quotient):
            (num, ln), (den, ld) = self.eval(e.num, env), self.eval(e.den, env)
            labels = ln + tuple(v for v in ld if v not in ln)
            extra = [v for v in ln if v not in ld]
            size = int(np.prod([self.sizes[env.get(v, v)] for v in extra]))
            return self.divide(_align(num, ln, labels), _align(den, ld, labels), size), labels
        if isinstance(e, Sum):
            inner = dict(env)
            inner.update(zip(e.over, e.variables))
            terms, over = _factors(e.term), set(e.over)
        else:
            inner, terms, over = env, list(e.terms), set()
        if not terms:
            one = self.joint.sum() * 0 + 1
            return (one if _is_torch(one) else np.asarray(one)), ()
        parts = [self.eval(t, inner) for t in terms]
        labels = tuple(dict.fromkeys(v for _, ls in parts for v in ls if v not in over))
        ids = {v: i for i, v in enumerate(dict.fromkeys(v for _, ls in parts for v in ls))}
        operands = [x for a, ls in parts for x in (a, [ids[v] for v in ls])]
        return opt_einsum.contract(*operands, [ids[v] for v in labels]), labels


def _check_joint(joint: Any, n_batch: int) -> None:
    """A joint must be non-negative and sum to 1 (per batch entry): exactly for exact
    numbers, within 1e-6 for floats; symbolic entries are not checked."""
    axes = tuple(range(n_batch, joint.ndim))
    if _is_torch(joint):
        joint = joint.detach().cpu().double().numpy()
    if joint.dtype == object:
        if not all(isinstance(v, (Fraction, int)) for v in joint.flat):
            return
        negative = joint < 0
        off = _sum(joint, axes) != 1
    else:
        if not np.isfinite(joint).all():
            raise ValueError("the observational joint has a non-finite entry")
        negative = joint < 0
        off = np.abs(_sum(joint, axes) - 1) > 1e-6
    if np.any(negative):
        raise ValueError(f"the observational joint has a negative entry at "
                         f"{tuple(int(i) for i in np.argwhere(negative)[0])}")
    if np.any(off):
        raise ValueError(f"the observational joint sums to {_sum(joint, axes)!r}, not 1")


def _variables(e: Expr) -> set[str]:
    if isinstance(e, Prob):
        return set(e.vars) | set(e.given)
    if isinstance(e, Product):
        return set().union(*(_variables(t) for t in e.terms))
    if isinstance(e, Quotient):
        return _variables(e.num) | _variables(e.den)
    return (_variables(e.term) - set(e.over)) | set(e.variables)


def _sum(a: Any, axes: tuple, keep: bool = False) -> Any:
    if not axes:
        return a
    if _is_torch(a):
        return a.sum(dim=axes, keepdim=keep)
    return a.sum(axis=axes, keepdims=keep)


def _align(a: Any, labels: tuple, target: tuple) -> Any:
    """Transpose ``a`` (axes ``labels``) to the order of ``target``, with size-1 axes for
    the labels it lacks."""
    present = [v for v in target if v in labels]
    perm = [labels.index(v) for v in present]
    a = a.permute(*perm) if _is_torch(a) else np.transpose(a, perm)
    shape, it = [], iter(a.shape)
    for v in target:
        shape.append(next(it) if v in labels else 1)
    return a.reshape(tuple(shape))
