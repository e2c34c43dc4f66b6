"""Semantics: kernels (stochastic matrices), the contraction compiler, inference.

torch and sympy are imported only when arrays of theirs are used.

>>> from markov import Kernel
>>> Kernel.state([0.5, 0.5], cod="X").cod
Ty('X')
"""

from markov.contraction.plan import Plan
from markov.errors import (
                           ContractionTooLarge,
                           MarkovError,
                           MissingBox,
                           NotStochastic,
                           ShapeMismatch,
                           UnknownAtom,
                           ZeroMass,
                           ZeroProbabilityEvidence,
)
from markov.contraction.interpret import Scaled, interpret, interpret_scaled, plan
from markov.kernel import Kernel, kernel_category

__all__ = [
                           "ContractionTooLarge",
                           "Kernel",
                           "MarkovError",
                           "MissingBox",
                           "NotStochastic",
                           "Plan",
                           "Scaled",
                           "ShapeMismatch",
                           "UnknownAtom",
                           "ZeroMass",
                           "ZeroProbabilityEvidence",
                           "interpret",
                           "interpret_scaled",
                           "kernel_category",
                           "plan",
]

# Gaussian semantics (linear-Gaussian kernels, exact conditioning): numpy and lazy torch.
from markov.errors import ConditionError, NotCovariance
from markov.gaussian.kernel import GaussianKernel, gaussian_category
from markov.gaussian.condition import GaussianCondition
from markov.gaussian.interpret import interpret_gaussian

__all__ += [
                           "ConditionError",
                           "GaussianCondition",
                           "GaussianKernel",
                           "NotCovariance",
                           "gaussian_category",
                           "interpret_gaussian",
]

# Inference: disintegration, Bayesian inversion, evidence, almost-sure equality, lenses.
from markov.inference.bayes import bayes_invert
from markov.inference.disintegration import conditional, disintegrate, marginal, recompose
from markov.inference.equality import almost_surely_equal, independent, is_deterministic
from markov.inference.evidence import condition, evidence_probability, jeffrey_update, pearl_update, posterior
from markov.inference.lens import BayesianLens, bayes_lens, diagram_lens, lens_category

__all__ += [
                           "BayesianLens",
                           "almost_surely_equal",
                           "bayes_invert",
                           "bayes_lens",
                           "condition",
                           "conditional",
                           "diagram_lens",
                           "disintegrate",
                           "evidence_probability",
                           "independent",
                           "is_deterministic",
                           "jeffrey_update",
                           "lens_category",
                           "marginal",
                           "pearl_update",
                           "posterior",
                           "recompose",
]

# Past one machine: the slices of a sliced plan as dask tasks (dask imported when used).
from markov.contraction.distributed import run_slices

__all__ += ["run_slices"]
