"""Semantics: kernels (stochastic matrices), the contraction compiler, inference.

torch and sympy are imported only when arrays of theirs are used.

>>> from markov import Kernel
>>> Kernel.state([0.5, 0.5], cod="X").cod
Ty('X')
"""

from markov.contraction import Plan
from markov.errors import (ContractionTooLarge, MarkovError, MissingBox, NotStochastic,
                           ShapeMismatch, UnknownAtom, ZeroMass, ZeroProbabilityEvidence)
from markov.interpret import Scaled, interpret, interpret_scaled, plan
from markov.kernel import Kernel, kernel_category

__all__ = [
    "Kernel", "kernel_category", "interpret", "interpret_scaled", "Scaled", "plan", "Plan",
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

# Inference: disintegration, Bayesian inversion, evidence, almost-sure equality, lenses.
from markov.bayes import bayes_invert  # noqa: E402
from markov.disintegration import conditional, disintegrate, marginal, recompose  # noqa: E402
from markov.equality import almost_surely_equal, independent, is_deterministic  # noqa: E402
from markov.evidence import (condition, evidence_probability, jeffrey_update,  # noqa: E402
                             pearl_update, posterior)
from markov.lens import BayesianLens, bayes_lens, diagram_lens, lens_category  # noqa: E402

__all__ += ["marginal", "disintegrate", "conditional", "recompose", "bayes_invert",
            "pearl_update", "jeffrey_update", "condition", "posterior", "evidence_probability",
            "almost_surely_equal", "is_deterministic", "independent",
            "BayesianLens", "bayes_lens", "diagram_lens", "lens_category"]
