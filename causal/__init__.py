"""Causality: causal models as string diagrams, do-surgery, interventional queries,
identification, and model I/O (BIF files, pgmpy, networkx, pandas).

>>> from causal import CausalModel
>>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})
>>> m.query("C", do={"S": 1}).array.tolist()
[0.3, 0.7]
"""

from causal.errors import (CausalError, CyclicModel, InvalidCPT, InvalidValue, LatentVariable,
                           UnknownVariable)
from causal.model import CausalModel
from causal.surgery import do_box, surgery, surgery_functor

__all__ = [
    "CausalModel", "surgery", "surgery_functor", "do_box",
    "CausalError", "UnknownVariable", "CyclicModel", "InvalidCPT", "InvalidValue",
    "LatentVariable",
]

# Identification, comb disintegration and counterfactuals.
from causal.admg import ADMG  # noqa: E402
from causal.comb import Comb, check_comb_conditions, comb_disintegrate  # noqa: E402
from causal.counterfactual import counterfactual, twin_diagram  # noqa: E402
from causal.errors import CombConditionsNotMet, NoDiagramForm, NotIdentifiable  # noqa: E402
from causal.estimand import Estimand  # noqa: E402
from causal.identify import Hedge, identify  # noqa: E402

__all__ += ["ADMG", "identify", "Estimand", "Hedge", "NotIdentifiable", "NoDiagramForm",
            "comb_disintegrate", "Comb", "check_comb_conditions", "CombConditionsNotMet",
            "counterfactual", "twin_diagram"]

# Guarded so that a module still missing does not break ``import causal``.
try:  # model I/O: pgmpy and pandas are optional, imported only when used
    from causal.io import empirical, fit, from_bif, from_networkx, from_pgmpy, to_bif, to_pgmpy
except ModuleNotFoundError as error:  # pragma: no cover
    if error.name not in ("causal.io", "causal.bif"):
        raise
else:
    __all__ += ["from_bif", "from_pgmpy", "to_pgmpy", "from_networkx", "to_bif", "empirical",
                "fit"]

try:
    from causal.drawing import draw
except ModuleNotFoundError as error:  # pragma: no cover
    if error.name not in ("causal.drawing", "diagrams.drawing"):
        raise
else:
    __all__ += ["draw"]
