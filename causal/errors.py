"""Errors of the causality package: each names the variable, file or line at fault."""

from __future__ import annotations


class CausalError(Exception):
    """Base class of every error raised by :mod:`causal`."""


class BIFParseError(CausalError, ValueError):
    """A BIF file is malformed or describes no Bayesian network: a syntax error, an undeclared
    variable or parent, a missing or non-stochastic row, a cycle. The message starts with
    ``source:line:`` and names the variable; the parts are kept as attributes.

    >>> from causal.bif import parse_bif
    >>> parse_bif("variable A { type discrete [ 2 ] { a, b }; }\\n"
    ...           "probability ( A ) { table 0.5, -0.5; }", source="tiny.bif")
    Traceback (most recent call last):
    ...
    causal.errors.BIFParseError: tiny.bif:2: variable 'A': row () has a negative or non-finite entry: [0.5, -0.5]
    """

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        line: int | None = None,
        variable: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.variable = variable
        where = "" if source is None else f"{source}:" if line is None else f"{source}:{line}:"
        what = "" if variable is None else f"variable {variable!r}: "
        super().__init__(f"{where} {what}{reason}".lstrip())

    def __reduce__(self):  # keep the keyword-only parts across pickling (multiprocessing)
        return _rebuild_bif_error, (self.reason, self.source, self.line, self.variable)


def _rebuild_bif_error(reason, source, line, variable) -> BIFParseError:
    return BIFParseError(reason, source=source, line=line, variable=variable)


class TableTooLarge(BIFParseError):
    """A BIF file's tables would hold more numbers than the reader's ``max_cells`` allows;
    refused from the headers alone, before any table is read or allocated. ``cells`` is the
    number the tables would hold.

    >>> from causal.bif import parse_bif
    >>> parents = ", ".join(f"P{i}" for i in range(30))
    >>> text = "".join(f"variable P{i} {{ type discrete [ 2 ] {{ a, b }}; }}\\n"
    ...                for i in range(30))
    >>> text += f"variable C {{ type discrete [ 2 ] {{ a, b }}; }}\\n"
    >>> text += f"probability ( C | {parents} ) {{ default 0.5, 0.5; }}"
    >>> parse_bif(text, source="big.bif")
    Traceback (most recent call last):
    ...
    causal.errors.TableTooLarge: big.bif:32: variable 'C': the tables would hold 2,147,483,648 numbers, more than max_cells=10,000,000; the largest, with 30 parents, has 2,147,483,648 (raise max_cells to read it anyway)
    """

    def __init__(self, reason: str, *, source: str | None = None, line: int | None = None,
                 variable: str | None = None, cells: int = 0) -> None:
        super().__init__(reason, source=source, line=line, variable=variable)
        self.cells = cells

    def __reduce__(self):
        return _rebuild_too_large, (self.reason, self.source, self.line, self.variable,
                                    self.cells)


def _rebuild_too_large(reason, source, line, variable, cells) -> TableTooLarge:
    return TableTooLarge(reason, source=source, line=line, variable=variable, cells=cells)


class RenormalisedRows(UserWarning):
    """Rows of a table that did not sum to 1 were rescaled, because the reader was asked to
    (``renormalise=True``); the message names the variables and how far off they were.

    >>> import warnings
    >>> from causal.bif import parse_bif
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     spec = parse_bif("variable A { type discrete [ 2 ] { a, b }; }\\n"
    ...                      "probability ( A ) { table 0.25, 1.25; }", renormalise=True)
    >>> spec.cpts["A"].tolist(), caught[0].category.__name__
    ([0.16666666666666666, 0.8333333333333334], 'RenormalisedRows')
    """


class UnknownVariable(CausalError, KeyError):
    """A variable named in a query or a graph operation is not a variable of the graph.

    >>> from causal.admg import ADMG
    >>> ADMG([("X", "Y")]).parents("Z")
    Traceback (most recent call last):
    ...
    causal.errors.UnknownVariable: unknown variables ['Z']; the graph has ['X', 'Y']
    """

    def __str__(self) -> str:  # KeyError would print the message with quotes
        return str(self.args[0]) if self.args else ""


class NotIdentifiable(CausalError):
    """An interventional distribution cannot be computed from the observational one.

    ``hedge`` is the certificate (Shpitser & Pearl 2006): two c-forests ``F' < F`` with the
    same root set, ``F`` meeting the treatment and ``F'`` avoiding it; ``treatment`` and
    ``outcome`` name the query that was asked.

    >>> from causal.admg import ADMG
    >>> from causal.identify import identify
    >>> identify(ADMG([("X", "Y")], [("X", "Y")]), "X", "Y")
    Traceback (most recent call last):
    ...
    causal.errors.NotIdentifiable: P(Y | do(X)) is not identifiable: hedge F = {X, Y}, F' = {Y}, roots {Y}
    """

    def __init__(self, message: str, *, hedge=None, treatment=(), outcome=(), given=()) -> None:
        super().__init__(message)
        self.hedge = hedge
        self.treatment = tuple(treatment)
        self.outcome = tuple(outcome)
        self.given = tuple(given)

    def __reduce__(self):
        return _rebuild_not_identifiable, (self.args[0], self.hedge, self.treatment,
                                           self.outcome, self.given)


def _rebuild_not_identifiable(message, hedge, treatment, outcome, given) -> NotIdentifiable:
    return NotIdentifiable(message, hedge=hedge, treatment=treatment, outcome=outcome,
                           given=given)


class CyclicModel(CausalError, ValueError):
    """The parents of a causal model form a cycle; the message lists it.

    >>> from causal import CausalModel
    >>> CausalModel({"A": ["B"], "B": ["A"]}, {"A": [[1.0, 0.0], [0.0, 1.0]],
    ...                                        "B": [[1.0, 0.0], [0.0, 1.0]]})
    Traceback (most recent call last):
    ...
    causal.errors.CyclicModel: variable 'A' is on a cycle: A -> B -> A
    """


class InvalidCPT(CausalError, ValueError):
    """A conditional probability table is missing, has the wrong shape, or disagrees with the
    outcomes declared for its variable or its parents.

    >>> from causal import CausalModel
    >>> CausalModel({"A": []}, {"A": [[0.5, 0.5]]})
    Traceback (most recent call last):
    ...
    causal.errors.InvalidCPT: variable 'A': its CPT has shape (1, 2), expected one axis per parent and one for the variable: [A]
    """


class InvalidValue(CausalError, ValueError):
    """A value given for a variable (in ``do``, evidence or data) is not one of its outcomes:
    an index out of range or an unknown outcome name.

    >>> from causal import CausalModel
    >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}).do(A=2)
    Traceback (most recent call last):
    ...
    causal.errors.InvalidValue: variable 'A' has no outcome 2 (do value); its outcomes are ('0', '1'). Values are state names: an integer is an index only for a variable whose states have no names
    """


class InvalidArgument(CausalError, TypeError):
    """An argument of the wrong kind: a list where a mapping ``{variable: ...}`` is expected
    (parents, CPTs, ``do``, evidence), a float where an outcome index or name is expected, a
    graph that is not a networkx ``DiGraph``; the message names the argument or variable.

    >>> from causal import CausalModel
    >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}).query("A", do=["A"])
    Traceback (most recent call last):
    ...
    causal.errors.InvalidArgument: do must be a mapping {variable: value}, not a list: ['A']
    """


class LatentVariable(CausalError, ValueError):
    """A latent variable was used where only observed variables make sense (the
    observational distribution, data).

    >>> from causal import CausalModel
    >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}, latent=["A"]).observational(["A"])
    Traceback (most recent call last):
    ...
    causal.errors.LatentVariable: variable 'A' is latent: it has no observational distribution; use query() for the full model
    """


class NoDiagramForm(CausalError, ValueError):
    """An estimand's formula is not a string diagram over kernels of the observational
    joint (some index is distributed by two factors, or by none, or the factors condition
    on one another in a cycle); evaluate it with ``Estimand.evaluate`` instead.

    >>> from causal.estimand import Estimand, Prob, Product
    >>> Estimand(Product((Prob("Y", "X"), Prob("Y"))), ("X",), ("Y",)).diagram
    Traceback (most recent call last):
    ...
    causal.errors.NoDiagramForm: P(Y|X) P(Y) has no string-diagram form: index Y is distributed by two factors, P(Y|X) and P(Y)
    """


class CombConditionsNotMet(CausalError, ValueError):
    """A graph or a joint does not satisfy the sufficient conditions of Jacobs, Kissinger &
    Zanasi under which comb disintegration computes an intervention; the message names the
    condition and the edge, variable or entry at fault.

    >>> from causal.admg import ADMG
    >>> from causal.comb import check_comb_conditions
    >>> check_comb_conditions(ADMG([("S", "T"), ("T", "C"), ("S", "C")]), "S", "T", "C")
    Traceback (most recent call last):
    ...
    causal.errors.CombConditionsNotMet: the edge S -> C goes from the treatment to the outcome: the mediator T must screen off S from C
    """
