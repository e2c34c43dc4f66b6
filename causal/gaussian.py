"""Linear-Gaussian causal models: the same diagrams as :class:`causal.CausalModel`, with
linear-Gaussian mechanisms ``V = sum_p w_p p + b + N(0, s^2)`` interpreted in the Gaussian
semantics of :mod:`markov.gaussian`.

- A variable ``V`` is the wire type ``Ty("V")`` (a real vector, 1-dimensional unless its
  mechanism says otherwise) and its mechanism the box ``Box("V", Ty(*parents), Ty("V"))``.
- ``do`` is string-diagram surgery (:func:`causal.surgery.surgery`): the mechanism of an
  intervened variable is replaced by a state (a point mass for ``do(X=x)``, any Gaussian state
  for a soft intervention) and its inputs are discarded.
- ``query`` interprets the (intervened) diagram with :func:`markov.interpret_gaussian`,
  conditions exactly on the evidence and marginalises.
- :func:`evaluate_gaussian` evaluates an identification :class:`~causal.estimand.Estimand`
  (back door, front door, and any estimand that is a chain of conditionals, with quotients
  that are conditionals) on a Gaussian observational joint.

>>> m = LinearGaussianModel({"X": ({}, 0.0, 1.0), "Y": ({"X": 2.0}, 1.0, 0.5)})
>>> m.query("Y", do={"X": 3.0}).mean.tolist()
[7.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from causal._chain import chain_diagram
from causal.base import StructuralModel, check_references
from causal.errors import (
    CausalError,
    InvalidCPT,
    InvalidValue,
    UnknownVariable,
)
from causal.surgery import do_box, surgery
from diagrams import Box, Ty
from diagrams._lazy import lazy_module
from markov.arrays import gaussian as G
from markov.gaussian.condition import CONDITION_TOL, conditional, observe
from markov.gaussian.interpret import interpret_gaussian
from markov.gaussian.kernel import GaussianKernel

nx = lazy_module("networkx")

#: A mechanism given as data: ``({parent: weight}, intercept, noise variance)``; weights,
#: intercept and variance may be arrays (matrices for vector variables, batches leading).
Equation = tuple


class LinearGaussianModel(StructuralModel):
    """A linear-Gaussian structural causal model: one mechanism per variable, some variables
    latent. The skeleton (variables, parents, mechanisms, latent, diagram, ``do``) is
    :class:`causal.base.StructuralModel`'s; only the semantics differs from
    :class:`causal.CausalModel`.

    ``mechanisms`` maps each variable (in the model's order) to a
    :class:`~markov.gaussian.GaussianKernel` ``parents -> V`` (its domain names the parents)
    or to an equation ``({parent: weight}, intercept, variance)``. Unknown parents raise
    :class:`~causal.errors.UnknownVariable`, cycles :class:`~causal.errors.CyclicModel`,
    malformed mechanisms :class:`~causal.errors.InvalidCPT`.

    >>> m = LinearGaussianModel({"U": ({}, 0.0, 1.0), "X": ({"U": 1.0}, 0.0, 1.0),
    ...                          "Y": ({"X": 1.0, "U": 1.0}, 0.0, 1.0)}, latent=["U"])
    >>> m.variables, m.parents["Y"], m.diagram.cod
    (('U', 'X', 'Y'), ('X', 'U'), Ty('X', 'Y'))
    >>> LinearGaussianModel({"Y": ({"X": 1.0}, 0.0, 1.0)})
    Traceback (most recent call last):
    ...
    causal.errors.UnknownVariable: variable 'Y' has parent 'X', which is not a variable of the model
    """

    def __init__(self, mechanisms: Mapping[str, GaussianKernel | Equation], *,
                 latent: Iterable[str] = (), name: str = "",
                 intervened: Iterable[str] = ()):
        variables = tuple(str(v) for v in mechanisms)
        kernels = {str(v): _mechanism(str(v), m) for v, m in mechanisms.items()}
        latent, intervened = frozenset(latent), frozenset(intervened)
        check_references(kernels, latent, intervened)
        dims: dict[str, int] = {}
        for v in variables:
            for atom, d in kernels[v].dims.items():
                if dims.setdefault(atom, d) != d:
                    raise InvalidCPT(f"variable {atom!r} has dimension {dims[atom]} but the "
                                     f"mechanism of {v!r} treats it as {d}-dimensional")
        self._init_skeleton(variables, {v: k.dom.names for v, k in kernels.items()}, kernels,
                            latent=latent, intervened=intervened, name=name)
        self._dims = dims

    def _with(self, kernels: dict, parents: dict, intervened: frozenset
              ) -> LinearGaussianModel:
        return LinearGaussianModel({v: kernels[v] for v in self._variables},
                                   latent=self._latent, name=self._name,
                                   intervened=intervened)

    # ---- the data ----------------------------------------------------------------------

    @property
    def dims(self) -> dict[str, int]:
        """The dimension of each variable.

        >>> m = LinearGaussianModel({"U": ({}, 0.0, 1.0), "X": ({"U": 2.0}, 0.0, 1.0)},
        ...                         latent=["U"])
        >>> m.dims
        {'U': 1, 'X': 1}
        """
        return dict(self._dims)

    # ---- diagrams ----------------------------------------------------------------------

    def _box(self, v: str) -> Box:
        k = self._kernels[v]
        return do_box(v) if v in self._intervened else Box(v, k.dom, k.cod)

    # ---- interventions and queries -----------------------------------------------------

    def query(self, targets: str | Sequence[str], do: Mapping[str, Any] | None = None,
              evidence: Mapping[str, Any] | None = None, *,
              tol: float = CONDITION_TOL) -> GaussianKernel:
        """The Gaussian ``P(targets | do(...), evidence)`` as a state on the targets.

        Surgery on the model's diagram (:func:`causal.surgery.surgery`), interpretation by
        :func:`markov.interpret_gaussian`, exact conditioning on the evidence (values of
        shape ``[*batch, d]``, or ``[*batch]`` for 1-dimensional variables; noise-free
        evidence allowed) and marginalisation. Evidence that cannot hold raises
        :class:`markov.ConditionError`.

        >>> m = LinearGaussianModel({"X": ({}, 0.0, 1.0), "Y": ({"X": 1.0}, 0.0, 1.0)})
        >>> post = m.query("X", evidence={"Y": 2.0})
        >>> post.mean.tolist(), post.covariance.tolist()
        ([1.0], [[0.5]])
        """
        targets = self._names(targets, "target")
        evidence = dict(evidence or {})
        names = self._names(tuple(evidence), "evidence")
        states = self._intervention_states(dict(do or {}))
        diagram = self.diagram_of(targets + names)
        mapping: dict[Any, GaussianKernel] = dict(self.mapping)
        if states:
            diagram = surgery(diagram, {v: do_box(v) for v in states})
            mapping.update({do_box(v): k for v, k in states.items()})
        joint = interpret_gaussian(diagram, mapping)
        if evidence:
            joint = observe(joint, {len(targets) + i: evidence[v] for i, v in enumerate(names)},
                            tol=tol)
        return joint.select(list(range(len(targets))))

    def _intervention_states(self, do: Mapping[str, Any]) -> dict[str, GaussianKernel]:
        out = {}
        for v, value in do.items():
            self._names([v], "do")
            d = self._dims[v]
            state = intervention_state(v, value, d)
            out[v] = GaussianKernel(state.matrix, state.mean, state.covariance, Ty(), Ty(v),
                                    dims={v: d}, name=do_box(v).name, validate=False)
        return out

def _mechanism(v: str, spec: Any) -> GaussianKernel:
    if isinstance(spec, GaussianKernel):
        if spec.cod != Ty(v):
            raise InvalidCPT(f"variable {v!r}: its mechanism has codomain {spec.cod}, "
                             f"expected {Ty(v)}")
        return spec
    if not isinstance(spec, tuple) or len(spec) != 3 or not isinstance(spec[0], Mapping):
        raise InvalidCPT(f"variable {v!r}: a mechanism is a GaussianKernel or a tuple "
                         f"({{parent: weight}}, intercept, variance), got {spec!r}")
    weights, intercept, variance = spec
    parents = tuple(str(p) for p in weights)
    try:
        mean = np.asarray(intercept, dtype=float)
        mean = mean[None] if mean.ndim == 0 else mean
        d = mean.shape[-1]
        variance = np.asarray(variance, dtype=float)
        covariance = variance * np.eye(d) if variance.ndim == 0 else variance
        blocks = []
        for p in parents:
            w = np.asarray(weights[p], dtype=float)
            blocks.append(np.full((d, 1), float(w)) if w.ndim == 0 else
                          w[None, :] if w.ndim == 1 else w)
        batch = np.broadcast_shapes(*(b.shape[:-2] for b in blocks)) if blocks else ()
        matrix = np.concatenate([np.broadcast_to(b, batch + b.shape[-2:]) for b in blocks],
                                -1) if blocks else np.zeros((d, 0))
    except (ValueError, TypeError) as error:
        raise InvalidCPT(f"variable {v!r}: malformed equation {spec!r} ({error})") from None
    try:
        return GaussianKernel(matrix, mean, covariance, Ty(*parents), Ty(v), name=v)
    except (ValueError, TypeError) as error:
        raise InvalidCPT(f"variable {v!r}: {error}") from None


# ---- estimands on Gaussian joints ---------------------------------------------------------

def evaluate_gaussian(estimand: Any, joint: GaussianKernel, *,
                      tol: float = CONDITION_TOL) -> GaussianKernel:
    """Evaluate an identification :class:`~causal.estimand.Estimand` on a Gaussian
    observational joint: the Gaussian kernel ``treatment @ given -> outcome``.

    Each ``P(A | B)`` of the estimand is the Gaussian conditional of ``joint``; a product of
    conditionals in which every variable is produced once is composed as a diagram (a
    chain), a sum integrates its variables out (a discard); a quotient must be a conditional
    of its numerator (checked). Other estimands raise :class:`~causal.errors.CausalError`.

    >>> from causal.admg import ADMG
    >>> from causal.identify import identify
    >>> m = LinearGaussianModel({"Z": ({}, 0.0, 1.0), "X": ({"Z": 1.0}, 0.0, 1.0),
    ...                          "Y": ({"X": 2.0, "Z": 3.0}, 0.0, 1.0)})
    >>> e = identify(ADMG([("Z", "X"), ("X", "Y"), ("Z", "Y")]), "X", "Y")
    >>> k = evaluate_gaussian(e, m.observational())
    >>> k.dom, k.cod, k.matrix.round(9).tolist(), k.covariance.round(9).tolist()
    (Ty('X'), Ty('Y'), [[2.0]], [[10.0]])
    """
    if not isinstance(joint, GaussianKernel) or not joint.is_state:
        raise CausalError("the observational joint must be a Gaussian state (empty domain)")
    inputs = list(estimand.treatment) + list(estimand.given)
    outputs = list(estimand.outcome)
    env = {name: (name, name) for name in joint.cod.names}
    factors = _flatten(estimand.expression, env, joint, [0], tol)
    kernel = _chain(factors, inputs, outputs, joint)
    return GaussianKernel(kernel.matrix, kernel.mean, kernel.covariance, Ty(*inputs),
                          Ty(*outputs), dims=kernel.dims, name=estimand.query,
                          validate=False)


def _flatten(expr: Any, env: dict, joint: GaussianKernel, counter: list,
             tol: float) -> list[GaussianKernel]:
    """The factors (Gaussian kernels whose types are unique index names) of a product/sum
    tree; ``env`` maps an index of the expression to (unique index, variable)."""
    from causal.estimand import Prob, Product, Quotient, Sum

    if isinstance(expr, Prob):
        return [_conditional(expr, env, joint, tol)]
    if isinstance(expr, Product):
        return [f for term in expr.terms for f in _flatten(term, env, joint, counter, tol)]
    if isinstance(expr, Sum):
        inner = dict(env)
        for index, variable in zip(expr.over, expr.variables):
            counter[0] += 1
            inner[index] = (f"{index}#{counter[0]}", env.get(variable, (variable, variable))[1])
        return _flatten(expr.term, inner, joint, counter, tol)
    if isinstance(expr, Quotient):
        return [_quotient(expr, env, joint, counter, tol)]
    raise CausalError(f"cannot evaluate {type(expr).__name__} on a Gaussian joint")


def _lookup(index: str, env: dict) -> tuple[str, str]:
    if index not in env:
        raise UnknownVariable(f"the estimand uses {index!r}, which is not a variable of the "
                              "observational joint")
    return env[index]


def _conditional(prob: Any, env: dict, joint: GaussianKernel, tol: float) -> GaussianKernel:
    out = [_lookup(i, env) for i in prob.vars]
    given = [_lookup(i, env) for i in prob.given]
    variables = [var for _, var in out + given]
    marginal = joint.marginal(variables)
    k = conditional(marginal, list(range(len(out), len(variables))), tol=tol) if given \
        else marginal
    dims = {idx: joint.dims[var] for idx, var in out + given}
    return GaussianKernel(k.matrix, k.mean, k.covariance, Ty(*(i for i, _ in given)),
                          Ty(*(i for i, _ in out)), dims=dims, validate=False)


def _quotient(expr: Any, env: dict, joint: GaussianKernel, counter: list,
              tol: float) -> GaussianKernel:
    num = _flatten(expr.num, env, joint, counter, tol)
    den = _flatten(expr.den, env, joint, counter, tol)
    num_in, num_out = _boundary(num, expr.num.free, env)
    den_in, den_out = _boundary(den, expr.den.free, env)
    if not set(den_out) <= set(num_out) or not set(den_in) <= set(num_in):
        raise CausalError(f"the quotient {expr} is not a conditional of its numerator")
    k_num = _chain(num, num_in, num_out, joint)
    k_den = _chain(den, num_in, den_out, joint)
    if not k_num.marginal(den_out).allclose(k_den, rtol=1e-6, atol=1e-8):
        raise CausalError(f"the denominator of {expr} is not a marginal of its numerator")
    return conditional(k_num, den_out, tol=tol)


def _boundary(factors: list[GaussianKernel], free: frozenset, env: dict
              ) -> tuple[list[str], list[str]]:
    produced = [a for f in factors for a in f.cod.names]
    needed = {a for f in factors for a in f.dom.names}
    free_idx = {env[i][0] for i in free if i in env}
    inputs = sorted(needed - set(produced))
    outputs = sorted(a for a in set(produced) if a in free_idx)
    return inputs, outputs


def intervention_state(v: str, value: Any, d: int) -> GaussianKernel:
    """The Gaussian state ``do(v = value)`` puts on a ``d``-dimensional variable: a point mass
    at a value (batched), or a given Gaussian state on ``v`` (a soft intervention).

    >>> intervention_state("X", 2.0, 1).mean.tolist()
    [2.0]
    >>> intervention_state("X", [1.0, 2.0], 1).batch_shape     # a batch of two values
    (2,)
    >>> intervention_state("X", [1.0, 2.0, 3.0], 2)
    Traceback (most recent call last):
    ...
    causal.errors.InvalidValue: variable 'X' is 2-dimensional; do() got a value of shape (3,)
    """
    if isinstance(value, GaussianKernel):
        if not value.is_state or value.cod != Ty(v) or value.cod_dims != (d,):
            raise InvalidValue(f"variable {v!r}: a soft intervention is a Gaussian "
                               f"state on {v} of dimension {d}, got {value!r}")
        return value
    point = G.as_float(value, G.template_of([value]))
    if point.ndim == 0 or (d == 1 and point.shape[-1] != 1):
        point = point[..., None]
    if point.shape[-1] != d:
        raise InvalidValue(f"variable {v!r} is {d}-dimensional; do() got a value "
                           f"of shape {tuple(point.shape)}")
    return GaussianKernel.state(point, None, cod=Ty(v), dims={v: d})


def _chain(factors: list[GaussianKernel], inputs: Sequence[str], outputs: Sequence[str],
           joint: GaussianKernel) -> GaussianKernel:
    """Compose the factors as a diagram with the given input and output indices."""
    diagram, mapping = chain_diagram(factors, inputs, outputs)
    dims = {a: d for f in factors for a, d in f.dims.items()}
    dims.update({a: joint.dims[a] for a in inputs if a not in dims and a in joint.dims})
    return interpret_gaussian(diagram, mapping, dims=dims, like=joint)


__all__ = ["LinearGaussianModel", "evaluate_gaussian"]
