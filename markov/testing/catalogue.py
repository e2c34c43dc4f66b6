"""The whole catalogue: the core laws of Markov categories, functoriality of the
interpretation, the laws of inference and those of the Gaussian and hybrid semantics.

>>> from markov.testing.catalogue import LAWS
>>> {backend for law in LAWS for backend in law.backends} >= {"numpy", "exact", "gaussian"}
True
"""

from markov.testing.gaussian_laws import GAUSSIAN_LAWS
from markov.testing.hybrid_laws import HYBRID_LAWS
from markov.testing.inference_laws import INFERENCE_LAWS
from markov.testing.laws import CORE_LAWS, SEMANTIC_LAWS, Law

LAWS: list[Law] = [*CORE_LAWS, *SEMANTIC_LAWS, *INFERENCE_LAWS, *GAUSSIAN_LAWS,
                   *HYBRID_LAWS]
LAWS_BY_NAME: dict[str, Law] = {law.name: law for law in LAWS}
assert len(LAWS_BY_NAME) == len(LAWS), "law names must be unique"
