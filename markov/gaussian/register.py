"""The Gaussian semantics registered with the generic inference functions of
:mod:`markov.inference.generic`: after this module is imported (``import markov`` does it),
``markov.disintegrate``, ``markov.bayes_invert``, ``markov.condition`` and the others accept
:class:`~markov.gaussian.kernel.GaussianKernel` arguments.

>>> import markov
>>> prior = markov.GaussianKernel.state([0.0], [[1.0]], cod="X")
>>> noisy = markov.GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
>>> markov.bayes_invert(noisy, prior).covariance.tolist()
[[0.5]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markov.gaussian import condition as _cond
from markov.gaussian import disintegration as _dis
from markov.gaussian.kernel import GaussianKernel
from markov.inference import generic


def condition(kernel: GaussianKernel, evidence: Any, *args: Any,
              **options: Any) -> GaussianKernel:
    """Exact conditioning of a Gaussian kernel on evidence ``{atom: value}`` (as
    :func:`~markov.gaussian.condition.observe`) or on an equation ``matrix @ x = value``
    (as :func:`~markov.gaussian.condition.condition`).

    >>> xy = GaussianKernel.state([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], cod=("X", "Y"))
    >>> condition(xy, {"X": 1.0}).mean.tolist(), condition(xy, [[1.0, -1.0]]).mean.tolist()
    ([1.0, 0.0], [0.0, 0.0])
    """
    if isinstance(evidence, Mapping):
        return _cond.observe(kernel, evidence, *args, **options)
    return _cond.condition(kernel, evidence, *args, **options)


generic.marginal.register(GaussianKernel, GaussianKernel.marginal)
generic.conditional.register(GaussianKernel, _dis.conditional)
generic.disintegrate.register(GaussianKernel, _dis.disintegrate)
generic.recompose.register(GaussianKernel, _dis.recompose)
generic.bayes_invert.register(GaussianKernel, _dis.bayes_invert)
generic.condition.register(GaussianKernel, condition)
generic.observe.register(GaussianKernel, _cond.observe)
generic.almost_surely_equal.register(GaussianKernel, _dis.almost_surely_equal)
generic.is_deterministic.register(GaussianKernel, _dis.is_deterministic)
