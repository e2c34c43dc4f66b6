"""Public property-testing kit: hypothesis strategies and the catalogue of laws, to point at
this library's semantics or at your own functors.

>>> from markov.testing import LAWS, check_law
>>> check_law(LAWS_BY_NAME["discard is natural (Markov)"], "numpy", max_examples=5)
"""

from markov.testing.check import check_law, holds, kernels_equal
from markov.testing.laws import CORE_LAWS, LAWS, LAWS_BY_NAME, SEMANTIC_LAWS, Law
from markov.testing.strategies import (BACKENDS, diagrams, interpretations, kernels, sizes,
                                       states, types)

__all__ = ["Law", "LAWS", "LAWS_BY_NAME", "CORE_LAWS", "SEMANTIC_LAWS", "check_law", "holds",
           "kernels_equal", "BACKENDS", "types", "sizes", "kernels", "states", "diagrams",
           "interpretations"]

# The laws of inference (disintegration, Bayes' law, the chain rule, Pearl/Jeffrey, monoidal
# inversion with its negative control) join the catalogue.
from markov.testing.inference_laws import INFERENCE_LAWS  # noqa: E402

LAWS.extend(law for law in INFERENCE_LAWS if law.name not in LAWS_BY_NAME)
LAWS_BY_NAME.update({law.name: law for law in INFERENCE_LAWS})
__all__ += ["INFERENCE_LAWS"]
