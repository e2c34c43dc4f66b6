"""Public property-testing kit: hypothesis strategies and the catalogue of laws, to point at
this library's semantics or at your own functors.

>>> from markov.testing import LAWS_BY_NAME, check_law
>>> check_law(LAWS_BY_NAME["discard is natural (Markov)"], "numpy", max_examples=5)
"""

from markov.testing.catalogue import LAWS, LAWS_BY_NAME
from markov.testing.check import (FINITE, Semantics, check_law, holds, kernels_equal,
                                  semantics_of)
from markov.testing.gaussian_laws import GAUSSIAN_LAWS, gaussian_dims, gaussian_kernels
from markov.testing.inference_laws import INFERENCE_LAWS
from markov.testing.laws import CORE_LAWS, SEMANTIC_LAWS, Law
from markov.testing.strategies import (BACKENDS, diagrams, interpretations, kernels, sizes,
                                       states, types)

__all__ = ["Law", "LAWS", "LAWS_BY_NAME", "CORE_LAWS", "SEMANTIC_LAWS", "INFERENCE_LAWS",
           "GAUSSIAN_LAWS", "check_law", "holds", "kernels_equal", "Semantics", "semantics_of", "FINITE",
           "BACKENDS", "types", "sizes", "kernels", "states", "diagrams", "interpretations",
           "gaussian_dims", "gaussian_kernels"]
