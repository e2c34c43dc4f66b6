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
