"""Public property-testing kit: hypothesis strategies and the catalogue of laws, to point at
this library's semantics or at your own functors.

>>> from markov.testing import LAWS_BY_NAME, check_law
>>> check_law(LAWS_BY_NAME["discard is natural (Markov)"], "numpy", max_examples=5)
"""

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # the testing extra
    raise ImportError("markov.testing needs hypothesis: pip install "
                      "'markov-categories[testing]'") from exc

from markov.testing.catalogue import GAUSSIAN_LAWS, HYBRID_LAWS, LAWS, LAWS_BY_NAME
from markov.testing.check import FINITE, Semantics, check_law, holds, kernels_equal, semantics_of
from markov.testing.conditioning_laws import CONDITIONING_LAWS
from markov.testing.draw import ALL_BACKENDS
from markov.testing.gaussian_strategies import gaussian_dims, gaussian_kernels
from markov.testing.inference_laws import INFERENCE_LAWS
from markov.testing.laws import CORE_LAWS, SEMANTIC_LAWS, Law
from markov.testing.strategies import (
                                  BACKENDS,
                                  diagrams,
                                  interpretations,
                                  kernels,
                                  sizes,
                                  states,
                                  types,
)

__all__ = [
                                  "ALL_BACKENDS",
                                  "BACKENDS",
                                  "CONDITIONING_LAWS",
                                  "CORE_LAWS",
                                  "FINITE",
                                  "GAUSSIAN_LAWS",
                                  "HYBRID_LAWS",
                                  "INFERENCE_LAWS",
                                  "LAWS",
                                  "LAWS_BY_NAME",
                                  "SEMANTIC_LAWS",
                                  "Law",
                                  "Semantics",
                                  "check_law",
                                  "diagrams",
                                  "gaussian_dims",
                                  "gaussian_kernels",
                                  "holds",
                                  "interpretations",
                                  "kernels",
                                  "kernels_equal",
                                  "semantics_of",
                                  "sizes",
                                  "states",
                                  "types",
]
