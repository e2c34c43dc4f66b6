"""Estimands: the expression trees that :func:`causal.identify.identify` returns (defined
in :mod:`causal.expression`), with their query, text, LaTeX, string diagram and evaluation
on an observational joint.

>>> e = Sum(("S'",), Product((Prob("C", ("S'", "T")), Prob("S'"))), variables=("S",))
>>> print(Product((Prob("T", "S"), e)))
P(T|S) Σ_{S'} P(C|S',T) P(S')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from causal.admg import ADMG
from causal.errors import CausalError, InvalidArgument, NoDiagramForm, UnknownVariable
from causal.expression import (  # the tree's home; re-exported here, private names too
    _ONE,  # noqa: F401
    Expr,
    Prob,
    Product,
    Quotient,
    Sum,
    _factors,  # noqa: F401
    _latex,
    _names,  # noqa: F401
    _query,
    _tex_name,  # noqa: F401
    _text,
)
from diagrams import Box, Diagram

__all__ = ["Estimand", "Expr", "Prob", "Product", "Quotient", "Sum"]


# ---- the estimand --------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimand:
    """The identified ``P(outcome | do(treatment), given)`` as an expression over the
    observational distribution: text (:attr:`formula`, :meth:`latex`), a string diagram
    over kernels of the joint (:attr:`diagram`, :meth:`kernels`) and numbers
    (:meth:`evaluate`, :meth:`evaluate_array`, :meth:`evaluate_data`).

    Every division takes an ``on_zero`` policy for rows where the conditioning variables
    have probability zero (:mod:`markov.inference.normalize`): ``"uniform"`` (the default),
    ``"prior"`` (the marginal of the conditioned variables), ``"nan"``, or ``"raise"``
    (:class:`markov.ZeroMass`, naming the factor).

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

    def _repr_latex_(self) -> str:
        """The formula in LaTeX math mode, for notebooks.

        >>> from causal import ADMG, identify
        >>> identify(ADMG([("S", "T")]), "S", "T")._repr_latex_().startswith("$")
        True
        """
        return f"${self.latex()}$"

    def __str__(self) -> str:
        return f"{self.query} = {self.formula}"

    @property
    def variables(self) -> tuple[str, ...]:
        """The observed variables the estimand reads, in the graph's topological order
        (sorted without a graph).

        >>> from causal.identify import identify
        >>> identify(ADMG([("S", "T"), ("T", "C")], [("S", "C")]), "S", "C").variables
        ('S', 'T', 'C')
        """
        from causal._evaluate import variables

        names = variables(self.expression) | {*self.treatment, *self.given, *self.outcome}
        order = self.graph.topological_order() if self.graph is not None else ()
        rank = {v: i for i, v in enumerate(order)}
        return tuple(sorted(names, key=lambda v: (rank.get(v, len(rank)), v)))

    # ---- the string diagram ------------------------------------------------------------

    @cached_property
    def _compiled(self):
        from causal._estimand_diagram import compile_estimand

        try:
            return compile_estimand(self.expression, self.treatment + self.given,
                                    self.outcome)
        except NoDiagramForm as error:
            raise NoDiagramForm(f"{self.formula} has no string-diagram form: {error}"
                                ) from None

    @property
    def diagram(self) -> Diagram:
        """The estimand as a string diagram ``treatment @ given -> outcome`` over kernels of
        the observational joint: one box per conditional ``P(A|B)`` the formula uses (a box
        ``B -> A`` named ``"P(A|B)"``, a marginal when ``B`` is empty), one per
        :class:`Quotient` (the conditional of its numerator's diagram), wired by copies
        (an index used twice) and discards (a summed index). Interpreting it with
        :meth:`kernels` gives :meth:`evaluate`. Raises
        :class:`~causal.errors.NoDiagramForm` for a formula that is not such a diagram.

        >>> from causal.identify import identify
        >>> d = identify(ADMG([("S", "T"), ("T", "C")], [("S", "C")]), "S", "C").diagram
        >>> d.dom, d.cod, [box.name for box in d.boxes]
        (Ty('S'), Ty('C'), ['P(T|S)', 'P(S)', 'P(C|S,T)'])
        """
        return self._compiled.diagram

    def kernels(self, joint: Any, on_zero: str = "uniform") -> dict[Box, Any]:
        """The kernel of each box of :attr:`diagram`, computed from the observational joint
        (a ``markov.Kernel`` state) by marginals and :func:`markov.conditional` with the
        ``on_zero`` policy. ``interpret(est.diagram, est.kernels(joint), sizes=joint.sizes)``
        is :meth:`evaluate` (``sizes`` only matters for a treatment the effect ignores).

        >>> from fractions import Fraction as F
        >>> from markov import Kernel, interpret
        >>> from causal.identify import identify
        >>> joint = Kernel.state([[F(3, 8), F(1, 8)], [F(1, 8), F(3, 8)]], cod=("X", "Y"))
        >>> est = identify(ADMG([("X", "Y")]), "X", "Y")
        >>> [(box.name, k.array.tolist()) for box, k in est.kernels(joint).items()]
        [('P(Y|X)', [[Fraction(3, 4), Fraction(1, 4)], [Fraction(1, 4), Fraction(3, 4)]])]
        >>> interpret(est.diagram, est.kernels(joint)).array.tolist() == \\
        ...     est.evaluate(joint).array.tolist()
        True
        """
        from causal._estimand_diagram import kernels
        from causal._evaluate import check_policy

        check_policy(on_zero)
        self._check_state(joint)
        return kernels(self._compiled, joint, on_zero)

    # ---- numbers -----------------------------------------------------------------------

    def evaluate_array(self, joint: Any, variables: Sequence[str],
                       on_zero: str = "uniform") -> Any:
        """Evaluate on an observational joint whose axes are ``variables`` (any order; extra
        variables are marginalised). Returns an array with axes ``[*treatment, *given,
        *outcome]``, row-stochastic over the outcome axes. Exact for object arrays of
        Fractions; works for float arrays and torch tensors. ``on_zero`` is the policy for
        conditionals on zero-mass rows (see the class); NaN only with ``"nan"``.

        >>> import numpy as np
        >>> from fractions import Fraction as F
        >>> joint = np.array([[F(3, 8), F(1, 8)], [F(1, 8), F(3, 8)]], dtype=object)
        >>> from causal.identify import identify
        >>> identify(ADMG([("X", "Y")]), "X", "Y").evaluate_array(joint, ["X", "Y"])
        array([[Fraction(3, 4), Fraction(1, 4)],
               [Fraction(1, 4), Fraction(3, 4)]], dtype=object)
        """
        from causal._evaluate import Evaluator

        return Evaluator(joint, variables, 0, on_zero).run(
            self.expression, self.treatment + self.given, self.outcome)

    def evaluate(self, joint: Any, on_zero: str = "uniform", *,
                 treatment_value: Any = None) -> Any:
        """Evaluate on an observational joint given as a ``markov.Kernel`` state whose
        codomain atoms are the observed variables (any order; leading batch axes allowed).
        Returns the interventional ``Kernel`` from ``treatment @ given`` to ``outcome``,
        batched like ``joint``, with the joint's labels. ``on_zero`` as in
        :meth:`evaluate_array`. With ``treatment_value`` (a value for a single treatment,
        or a mapping from each treatment to its value; an outcome index or, with labels, a
        name) the treatment is fixed: a state on the outcome (a kernel ``given -> outcome``
        for a conditional effect).

        >>> from markov import Kernel
        >>> joint = Kernel.state([[0.375, 0.125], [0.125, 0.375]], cod=("X", "Y"))
        >>> from causal.identify import identify
        >>> k = identify(ADMG([("X", "Y")]), "X", "Y").evaluate(joint)
        >>> k.dom, k.cod, k.array.tolist()
        (Ty('X'), Ty('Y'), [[0.75, 0.25], [0.25, 0.75]])
        >>> identify(ADMG([("X", "Y")]), "X", "Y").evaluate(joint, treatment_value=1).tolist()
        [0.25, 0.75]
        """
        from causal._evaluate import Evaluator
        from markov import GaussianKernel, Kernel

        if isinstance(joint, GaussianKernel):  # a linear-Gaussian observational joint
            from causal.gaussian import evaluate_gaussian

            return evaluate_gaussian(self, joint)
        if type(joint).__name__ == "HybridKernel":  # a conditional-Gaussian joint
            from causal.hybrid_estimand import evaluate_hybrid

            return evaluate_hybrid(self, joint, on_zero, treatment_value=treatment_value)
        self._check_state(joint)
        array = Evaluator(joint.array, joint.cod.names, joint.n_batch, on_zero).run(
            self.expression, self.treatment + self.given, self.outcome)
        names = self.treatment + self.given + self.outcome
        labels = {v: tuple(joint.labels[v]) for v in names if v in (joint.labels or {})}
        dom = self.treatment + self.given
        if treatment_value is not None:
            array = self._select(array, joint, treatment_value, labels)
            dom = self.given
        return Kernel(array, dom=dom, cod=self.outcome, name=self.query, validate=False,
                      labels=labels or None)

    def _select(self, array: Any, joint: Any, value: Any, labels: dict) -> Any:
        from causal._values import indices

        if not isinstance(value, Mapping):
            if len(self.treatment) != 1:
                raise CausalError(f"the treatment is {list(self.treatment)}: give "
                                  "treatment_value as a mapping from each to its value")
            value = {self.treatment[0]: value}
        if set(value) != set(self.treatment):
            raise UnknownVariable(f"treatment_value names {sorted(value)}, but the treatment "
                                  f"is {list(self.treatment)}")
        sizes = joint.sizes
        index = tuple(int(indices(v, labels.get(v, tuple(str(i) for i in range(sizes[v]))),
                                  value[v], "treatment")) for v in self.treatment)
        return array[(slice(None),) * joint.n_batch + index]

    def evaluate_data(self, data: Any, *, states: Mapping[str, Sequence] | None = None,
                      exact: bool = False, on_zero: str = "uniform") -> Any:
        """Evaluate on samples: a pandas data frame with a column per variable the estimand
        reads (:attr:`variables`), through its empirical joint (:func:`causal.empirical`;
        ``states`` and ``exact`` are passed on). Returns a ``Kernel`` as :meth:`evaluate`,
        with outcome labels.

        >>> import pandas as pd
        >>> from causal.identify import identify
        >>> df = pd.DataFrame({"X": [0, 0, 1, 1], "Y": ["a", "b", "b", "b"]})
        >>> k = identify(ADMG([("X", "Y")]), "X", "Y").evaluate_data(df, exact=True)
        >>> k.array.tolist(), k.labels["Y"]
        ([[Fraction(1, 2), Fraction(1, 2)], [Fraction(0, 1), Fraction(1, 1)]], ('a', 'b'))
        """
        from causal.io import empirical

        joint = empirical(data, self.variables, states=states, exact=exact)
        return self.evaluate(joint, on_zero=on_zero)

    def _check_state(self, joint: Any) -> None:
        if not hasattr(joint, "dom") or not hasattr(joint, "cod"):
            raise InvalidArgument(f"the observational joint must be a markov.Kernel state, got "
                            f"{type(joint).__name__}; use evaluate_array for a plain array")
        if len(joint.dom):
            raise CausalError(f"the observational joint must be a state (empty domain), got "
                              f"a kernel {joint.dom} -> {joint.cod}")
        missing = [v for v in self.variables if v not in joint.cod.names]
        if missing:
            raise UnknownVariable(f"the joint has no axis for {missing}; its variables are "
                                  f"{list(joint.cod.names)}")
