"""Identification estimands evaluated on hybrid (conditional-Gaussian) observational joints:
``Estimand.evaluate`` calls :func:`evaluate_hybrid` for a :class:`~markov.HybridKernel`.

>>> from causal.admg import ADMG
>>> from causal.identify import identify
>>> from causal.hybrid import _example
>>> e = identify(ADMG([("Z", "T"), ("T", "Y"), ("Z", "Y")]), "T", "Y")
>>> evaluate_hybrid(e, _example().observational()).cod
Ty('Y')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causal._chain import chain_diagram
from causal.errors import CausalError, InvalidValue, UnknownVariable
from diagrams import Box, Ty
from markov.errors import NotConditionalGaussian
from markov.gaussian.hybrid import HybridKernel, _raw
from markov.gaussian.hybrid_inference import conditional
from markov.gaussian.hybrid_interpret import interpret_hybrid
from markov.gaussian.kernel import GaussianKernel
from markov.kernel import Kernel


def evaluate_hybrid(estimand: Any, joint: HybridKernel, on_zero: str = "uniform", *,
                    treatment_value: Any = None) -> HybridKernel:
    """Evaluate an identification estimand on a hybrid observational joint: the hybrid
    kernel ``treatment @ given -> outcome``. Each ``P(A | B)`` is the hybrid conditional of
    the joint, a product in which every variable is produced once is composed as a diagram,
    a sum integrates its variables out (a discrete one the outcome depends on leaves a
    mixture, as the adjustment formula says). A factor that is not CG (a discrete variable
    given a continuous one) or a quotient raises :class:`~causal.errors.CausalError`.
    ``treatment_value`` (a value for a single treatment, or a mapping from each treatment to
    its value: an index for a discrete one, a vector for a continuous one) fixes the
    treatment: the result is then a kernel ``given -> outcome``.

    >>> from causal.admg import ADMG
    >>> from causal.identify import identify
    >>> from causal.hybrid import _example
    >>> m = _example()
    >>> e = identify(ADMG([("Z", "T"), ("T", "Y"), ("Z", "Y")]), "T", "Y")
    >>> k = evaluate_hybrid(e, m.observational())
    >>> k.dom, k.cod, k.n_components, k.weights[1].tolist()
    (Ty('T'), Ty('Y'), 2, [0.3, 0.7])
    >>> evaluate_hybrid(e, m.observational(), treatment_value=1).gaussian.mean[..., 0].tolist()
    [2.0, 4.0]
    """
    if not isinstance(joint, HybridKernel) or not joint.is_state:
        raise CausalError("the observational joint must be a hybrid state (empty domain)")
    inputs = list(estimand.treatment) + list(estimand.given)
    outputs = list(estimand.outcome)
    env = {name: (name, name) for name in joint.cod.names}
    try:
        factors = _flatten(estimand.expression, env, joint, [0], on_zero)
        kernel = _chain(factors, inputs, outputs, joint)
    except NotConditionalGaussian as error:
        raise CausalError(f"the estimand {estimand.query} is not defined on a hybrid "
                          f"joint: {error}") from None
    if treatment_value is None:
        return kernel
    return _fix_treatment(kernel, list(estimand.treatment), treatment_value)


def _fix_treatment(kernel: HybridKernel, treatment: list[str], value: Any) -> HybridKernel:
    """``kernel: T @ G -> O`` with the treatment ``T`` set to point values."""
    if not isinstance(value, Mapping):
        if len(treatment) != 1:
            raise CausalError(f"the treatment is {treatment}: give treatment_value as a "
                              "mapping from each to its value")
        value = {treatment[0]: value}
    if set(value) != set(treatment):
        raise UnknownVariable(f"treatment_value names {sorted(value)}, but the treatment is "
                              f"{treatment}")
    points = {}
    for v in treatment:
        if v in kernel.sizes:
            n = kernel.sizes[v]
            idx = np.asarray(value[v])
            if idx.dtype.kind not in "iu" or (idx < 0).any() or (idx >= n).any():
                raise InvalidValue(f"variable {v!r} has {n} outcomes; treatment_value takes "
                                   f"indices 0..{n - 1}, got {value[v]!r}")
            points[v] = Kernel((np.arange(n) == idx[..., None]).astype(float), cod=Ty(v),
                               validate=False)
        else:
            d = kernel.dims[v]
            point = np.asarray(value[v], dtype=float)
            if point.ndim == 0 or (d == 1 and point.shape[-1] != 1):
                point = point[..., None]
            points[v] = GaussianKernel.state(point, None, cod=Ty(v), dims={v: d})
    given = Ty(*kernel.dom.names[len(treatment):])
    boxes = [Box(f"do_{v}", Ty(), Ty(v)) for v in treatment]
    k = Box("k", kernel.dom, kernel.cod)
    diagram = boxes[0]
    for b in boxes[1:]:
        diagram = diagram @ b
    diagram = (diagram @ given) >> k
    mapping = {b: points[v] for b, v in zip(boxes, treatment)}
    mapping[k] = kernel
    return interpret_hybrid(diagram, mapping, sizes=kernel.sizes, dims=kernel.dims)


def _flatten(expr: Any, env: dict, joint: HybridKernel, counter: list,
             on_zero: str) -> list[HybridKernel]:
    from causal.estimand import Prob, Product, Sum

    if isinstance(expr, Prob):
        out = [_lookup(i, env) for i in expr.vars]
        given = [_lookup(i, env) for i in expr.given]
        marginal = joint.marginal([var for _, var in out + given])
        k = conditional(marginal, list(range(len(out), len(out) + len(given))), on_zero) \
            if given else marginal
        return [_rename(k, [i for i, _ in given], [i for i, _ in out])]
    if isinstance(expr, Product):
        return [f for term in expr.terms for f in _flatten(term, env, joint, counter, on_zero)]
    if isinstance(expr, Sum):
        inner = dict(env)
        for index, variable in zip(expr.over, expr.variables):
            counter[0] += 1
            inner[index] = (f"{index}#{counter[0]}", env.get(variable, (variable, variable))[1])
        return _flatten(expr.term, inner, joint, counter, on_zero)
    raise CausalError(f"cannot evaluate {type(expr).__name__} on a hybrid joint (only chains "
                      "of conditionals and sums)")


def _lookup(index: str, env: dict) -> tuple[str, str]:
    if index not in env:
        raise UnknownVariable(f"the estimand uses {index!r}, which is not a variable of the "
                              "observational joint")
    return env[index]


def _rename(k: HybridKernel, dom: list[str], cod: list[str]) -> HybridKernel:
    """``k`` with its atoms renamed (the estimand's unique index names)."""
    rename = dict(zip(k.dom.names + k.cod.names, dom + cod))
    g = k.gaussian
    new_g = GaussianKernel(g.matrix, g.mean, g.covariance,
                           Ty(*(rename[a] for a in g.dom.names)),
                           Ty(*(rename[a] for a in g.cod.names)),
                           dims={rename[a]: n for a, n in g.dims.items()}, validate=False)
    return _raw(k.weights, new_g, Ty(*dom), Ty(*cod))


def _chain(factors: list[HybridKernel], inputs: Sequence[str], outputs: Sequence[str],
           joint: HybridKernel) -> HybridKernel:
    """Compose the factors as a diagram with the given input and output indices."""
    diagram, mapping = chain_diagram(factors, inputs, outputs)
    sizes = {a: s for f in factors for a, s in f.sizes.items()}
    dims = {a: d for f in factors for a, d in f.dims.items()}
    for a in inputs:
        if a in joint.sizes and a not in sizes:
            sizes[a] = joint.sizes[a]
        if a in joint.dims and a not in dims:
            dims[a] = joint.dims[a]
    return interpret_hybrid(diagram, mapping, sizes=sizes, dims=dims)


__all__ = ["evaluate_hybrid"]
