"""The expression trees of identification: plain frozen dataclasses (:class:`Prob`,
:class:`Product`, :class:`Sum`, :class:`Quotient`) over the observational ``P`` of the
observed variables, with their text and LaTeX. Entries of a :class:`Prob` are index names:
a variable's name, or the name a :class:`Sum` binds for a copy of it (``S'``).
:class:`~causal.estimand.Estimand` wraps a tree with its query and evaluates it.

>>> e = Sum(("S'",), Product((Prob("C", ("S'", "T")), Prob("S'"))), variables=("S",))
>>> print(Product((Prob("T", "S"), e)))
P(T|S) Σ_{S'} P(C|S',T) P(S')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Expr", "Prob", "Product", "Quotient", "Sum"]


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
    """``num / den``: the conditional of ``num`` given the indices of ``den``, where ``den`` is
    ``num`` summed over the indices free in ``num`` only (a conditional that is not a single
    :class:`Prob`; IDC's normalisation). ``identify`` builds every quotient so; evaluation
    checks it numerically and raises ``ValueError`` otherwise. Rows where ``den`` is 0 follow
    the ``on_zero`` policy of the evaluation.

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
