"""The hybrid (conditional-Gaussian) semantics registered with the generic inference
functions of :mod:`markov.inference.generic`: after this module is imported (``import
markov`` does it), ``markov.marginal``, ``markov.conditional``, ``markov.disintegrate``,
``markov.bayes_invert``, ``markov.condition``, ``markov.observe``,
``markov.almost_surely_equal``, ``markov.is_deterministic`` and ``markov.recompose`` accept
:class:`~markov.gaussian.hybrid.HybridKernel` arguments (implemented in
:mod:`markov.gaussian.hybrid_inference`).

>>> import markov
>>> f = markov.HybridKernel.indexed(
...     markov.GaussianKernel.state([[-1.0], [1.0]], [[1.0]], cod="X"), by="C")
>>> prior = markov.HybridKernel.embed(markov.Kernel.state([0.5, 0.5], cod="C"))
>>> joint = markov.recompose(prior, f)
>>> markov.observe(joint, {"X": 0.0}).marginal("C").weights[..., 0].tolist()
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markov.gaussian import hybrid_inference as _inf
from markov.gaussian.hybrid import HybridKernel
from markov.inference import generic


def condition(kernel: HybridKernel, evidence: Any, *args: Any,
              **options: Any) -> HybridKernel:
    """Condition a hybrid kernel on evidence ``{atom: value}`` (as
    :func:`~markov.gaussian.hybrid_inference.observe`) or on an equation ``matrix @ x =
    value`` between continuous atoms (as :func:`~markov.gaussian.hybrid_inference.condition`).

    >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [2.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> condition(p, {"C": 1}).weights[..., 0].tolist()
    [0.0, 1.0]
    """
    if isinstance(evidence, Mapping):
        return _inf.observe(kernel, evidence, *args, **options)
    return _inf.condition(kernel, evidence, *args, **options)


generic.marginal.register(HybridKernel, _inf.marginal)
generic.conditional.register(HybridKernel, _inf.conditional)
generic.disintegrate.register(HybridKernel, _inf.disintegrate)
generic.recompose.register(HybridKernel, _inf.recompose)
generic.bayes_invert.register(HybridKernel, _inf.bayes_invert)
generic.condition.register(HybridKernel, condition)
generic.observe.register(HybridKernel, _inf.observe)
generic.almost_surely_equal.register(HybridKernel, _inf.almost_surely_equal)
generic.is_deterministic.register(HybridKernel, _inf.is_deterministic)

__all__ = ["condition"]
