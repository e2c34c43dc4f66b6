"""Semantics: kernels (stochastic matrices), the contraction compiler, inference.

torch and sympy are imported only when arrays of theirs are used.

>>> from markov import Kernel
>>> Kernel.state([0.5, 0.5], cod="X").cod
Ty('X')
"""

from markov.contraction import Plan
from markov.errors import (ContractionTooLarge, MarkovError, MissingBox, NotStochastic,
                           ShapeMismatch, UnknownAtom, ZeroMass, ZeroProbabilityEvidence)
from markov.interpret import interpret, plan
from markov.kernel import Kernel, kernel_category

__all__ = [
    "Kernel", "kernel_category", "interpret", "plan", "Plan",
    "MarkovError", "NotStochastic", "ShapeMismatch", "MissingBox", "UnknownAtom", "ZeroMass",
    "ZeroProbabilityEvidence", "ContractionTooLarge",
]

# Gaussian semantics (linear-Gaussian kernels, exact conditioning): numpy and lazy torch.
from markov.errors import ConditionError, NotCovariance  # noqa: E402
from markov.gaussian import GaussianKernel, gaussian_category  # noqa: E402
from markov.gaussian_condition import GaussianCondition  # noqa: E402
from markov.gaussian_interpret import interpret_gaussian  # noqa: E402

__all__ += ["GaussianKernel", "gaussian_category", "GaussianCondition", "interpret_gaussian",
            "ConditionError", "NotCovariance"]
