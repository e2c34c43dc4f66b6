"""Semantics: kernels (stochastic matrices), the contraction compiler, inference.

Every public name loads its module on first use (``import markov`` alone loads none of
them, not even numpy); torch and sympy are imported only when arrays of theirs are used.

>>> from markov import Kernel
>>> Kernel.state([0.5, 0.5], cod="X").cod
Ty('X')
"""

__version__ = "0.1.0"

from diagrams._lazy import lazy_names as _lazy_names

__all__ = [
                           "ContractionTooLarge",
                           "InvalidArray",
                           "InvalidOption",
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
# and any semantics registered later); the finite-only functions come from their modules.
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
__all__ += [
                           "HybridKernel",
                           "NotConditionalGaussian",
                           "collapse",
                           "interpret_hybrid",
]

# All marginals in one forward and one backward sweep (Darwiche's differential approach).
__all__ += ["all_marginals", "wire_keys"]

# Past one machine: the slices of a sliced plan as dask tasks (dask imported when used).
__all__ += ["run_slices"]

# Where each public name is defined. markov.interpret is the hybrid module's: one
# contraction, or the hybrid semantics for Gaussian or hybrid boxes. Importing a Gaussian
# or hybrid kernel's module imports markov.gaussian, which registers them with the generic
# inference functions.
_WHERE = {
    "markov.errors": ("ConditionError", "ContractionTooLarge", "InvalidArray", "InvalidOption",
                      "MarkovError",
                      "MissingBox", "NotConditionalGaussian", "NotCovariance",
                      "NotStochastic", "ShapeMismatch", "UnknownAtom", "UnsupportedKernel",
                      "ZeroMass", "ZeroProbabilityEvidence"),
    "markov.kernel": ("Kernel", "kernel_category"),
    "markov.contraction.interpret": ("Scaled", "interpret_scaled", "plan"),
    "markov.contraction.plan": ("Plan",),
    "markov.gaussian.condition": ("GaussianCondition",),
    "markov.gaussian.interpret": ("interpret_gaussian",),
    "markov.gaussian.kernel": ("GaussianKernel", "gaussian_category"),
    "markov.inference.equality": ("independent",),
    "markov.inference.evidence": ("evidence_probability", "jeffrey_update", "pearl_update",
                                  "posterior"),
    "markov.inference.generic": ("almost_surely_equal", "bayes_invert", "condition",
                                 "conditional", "disintegrate", "is_deterministic",
                                 "marginal", "observe", "recompose"),
    "markov.inference.lens": ("BayesianLens", "bayes_lens", "diagram_lens", "lens_category"),
    "markov.gaussian.hybrid": ("HybridKernel",),
    "markov.gaussian.hybrid_inference": ("collapse",),
    "markov.gaussian.hybrid_interpret": ("interpret", "interpret_hybrid"),
    "markov.inference.marginals": ("all_marginals", "wire_keys"),
    "markov.contraction.distributed": ("run_slices",),
}

__getattr__, __dir__ = _lazy_names(__name__, {name: module for module, names in _WHERE.items()
                                              for name in names})
