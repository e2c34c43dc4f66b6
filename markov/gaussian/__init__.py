"""The Gaussian semantics: linear-Gaussian kernels (:mod:`markov.gaussian.kernel`), exact
conditioning (:mod:`markov.gaussian.condition`), conditionals and Bayesian inversion
(:mod:`markov.gaussian.disintegration`) and the interpretation of diagrams
(:mod:`markov.gaussian.interpret`), registered with the generic inference functions
(:mod:`markov.gaussian.register`).

>>> from markov.gaussian import GaussianKernel
>>> GaussianKernel.state([0.0], [[1.0]], cod="X").cod
Ty('X')
"""

from markov.gaussian.condition import GaussianCondition
from markov.gaussian.interpret import interpret_gaussian
from markov.gaussian.kernel import GaussianKernel, gaussian_category
from markov.gaussian import register as _register  # noqa: F401  (the generic functions)

__all__ = ["GaussianCondition", "GaussianKernel", "gaussian_category", "interpret_gaussian"]
