"""The Gaussian semantics: linear-Gaussian kernels (:mod:`markov.gaussian.kernel`), exact
conditioning (:mod:`markov.gaussian.condition`), conditionals and Bayesian inversion
(:mod:`markov.gaussian.disintegration`) and the interpretation of diagrams
(:mod:`markov.gaussian.interpret`), registered with the generic inference functions
(:mod:`markov.gaussian.register`).

>>> from markov.gaussian import GaussianKernel
>>> GaussianKernel.state([0.0], [[1.0]], cod="X").cod
Ty('X')
"""

from markov.gaussian import register as _register  # noqa: F401  (the generic functions)
from markov.gaussian.condition import GaussianCondition
from markov.gaussian.interpret import interpret_gaussian
from markov.gaussian.kernel import GaussianKernel, gaussian_category

__all__ = ["GaussianCondition", "GaussianKernel", "gaussian_category", "interpret_gaussian"]

# The hybrid (conditional-Gaussian) semantics beside the Gaussian one, registered too.
from markov.gaussian import hybrid_register as _hybrid_register  # noqa: F401, E402
from markov.gaussian.hybrid import HybridKernel  # noqa: E402
from markov.gaussian.hybrid_interpret import interpret_hybrid  # noqa: E402

__all__ += ["HybridKernel", "interpret_hybrid"]
