"""The whole catalogue, each law stated once with the semantics it holds in: the core laws
of Markov categories, functoriality of the interpretation, the laws of inference, exact
conditioning on equations (Gaussian only) and the laws proper to the hybrid
(conditional-Gaussian) semantics.

>>> from markov.testing.catalogue import LAWS
>>> {backend for law in LAWS for backend in law.backends} >= {"numpy", "exact", "gaussian",
...                                                           "hybrid"}
True
"""

from markov.testing.conditioning_laws import CONDITIONING_LAWS
from markov.testing.hybrid_laws import HYBRID_ONLY_LAWS
from markov.testing.inference_laws import INFERENCE_LAWS
from markov.testing.laws import CORE_LAWS, SEMANTIC_LAWS, Law

LAWS: list[Law] = [*CORE_LAWS, *SEMANTIC_LAWS, *INFERENCE_LAWS, *CONDITIONING_LAWS,
                   *HYBRID_ONLY_LAWS]
LAWS_BY_NAME: dict[str, Law] = {law.name: law for law in LAWS}
assert len(LAWS_BY_NAME) == len(LAWS), "law names must be unique"
#: The laws that run on the Gaussian semantics (the same law objects as in :data:`LAWS`).
GAUSSIAN_LAWS: list[Law] = [law for law in LAWS if "gaussian" in law.backends]
#: The laws that run on the hybrid semantics (the same law objects as in :data:`LAWS`).
HYBRID_LAWS: list[Law] = [law for law in LAWS if "hybrid" in law.backends]
