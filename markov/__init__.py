"""Semantics: kernels (stochastic matrices), the contraction compiler, inference.

torch and sympy are imported only when arrays of theirs are used.

>>> from markov import Kernel
>>> Kernel.state([0.5, 0.5], cod="X").cod
Ty('X')
"""

__version__ = "0.1.0"

from markov.contraction.interpret import Scaled, interpret, interpret_scaled, plan
from markov.contraction.plan import Plan
from markov.errors import (
                           ContractionTooLarge,
                           InvalidArray,
                           MarkovError,
                           MissingBox,
                           NotStochastic,
                           ShapeMismatch,
                           UnknownAtom,
                           ZeroMass,
                           ZeroProbabilityEvidence,
)
from markov.kernel import Kernel, kernel_category

__all__ = [
                           "ContractionTooLarge",
                           "InvalidArray",
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
from markov.gaussian.condition import GaussianCondition
from markov.gaussian.interpret import interpret_gaussian
from markov.gaussian.kernel import GaussianKernel, gaussian_category

__all__ += [
                           "ConditionError",
                           "GaussianCondition",
                           "GaussianKernel",
                           "NotCovariance",
                           "gaussian_category",
                           "interpret_gaussian",
]

# Inference: disintegration, Bayesian inversion, evidence, almost-sure equality, lenses.
# The names of markov.inference.generic dispatch on the kernel type (Kernel, GaussianKernel,
# and any semantics registered later); the finite-only functions are imported directly.
from markov.errors import UnsupportedKernel
from markov.inference.equality import independent
from markov.inference.evidence import evidence_probability, jeffrey_update, pearl_update, posterior
from markov.inference.generic import (
                           almost_surely_equal,
                           bayes_invert,
                           condition,
                           conditional,
                           disintegrate,
                           is_deterministic,
                           marginal,
                           observe,
                           recompose,
)
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
                           "observe",
                           "pearl_update",
                           "posterior",
                           "recompose",
                           "UnsupportedKernel",
]

# Hybrid semantics: conditional-Gaussian kernels over discrete and continuous variables.
from markov.errors import NotConditionalGaussian
from markov.gaussian.hybrid import HybridKernel
from markov.gaussian.hybrid_inference import collapse

# markov.interpret: one contraction, or the hybrid semantics for Gaussian or hybrid boxes.
from markov.gaussian.hybrid_interpret import (
                           interpret,  # noqa: E402, F811
                           interpret_hybrid,
)

__all__ += [
                           "HybridKernel",
                           "NotConditionalGaussian",
                           "collapse",
                           "interpret_hybrid",
]

# All marginals in one forward and one backward sweep (Darwiche's differential approach).
from markov.inference.marginals import all_marginals, wire_keys

__all__ += ["all_marginals", "wire_keys"]

# Past one machine: the slices of a sliced plan as dask tasks (dask imported when used).
from markov.contraction.distributed import run_slices

__all__ += ["run_slices"]
