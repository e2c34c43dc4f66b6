"""Causality: causal models as string diagrams, do-surgery, interventional queries,
identification, comb disintegration, counterfactuals, and model I/O (BIF files, pgmpy,
networkx, pandas; pgmpy and pandas are imported only when used).

>>> from causal import CausalModel
>>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})
>>> m.query("C", do={"S": 1}).array.tolist()
[0.3, 0.7]
"""

from causal.admg import ADMG
from causal.comb import Comb, check_comb_conditions, comb_disintegrate
from causal.counterfactual import counterfactual, twin_diagram
from causal.distributed import map_batches
from causal.drawing import draw
from causal.errors import (
                           CausalError,
                           CombConditionsNotMet,
                           CyclicModel,
                           InvalidCPT,
                           InvalidValue,
                           LatentVariable,
                           NoDiagramForm,
                           NotIdentifiable,
                           UnknownVariable,
)
from causal.estimand import Estimand
from causal.gaussian import LinearGaussianModel
from causal.identify import Hedge, identify
from causal.io import empirical, fit, from_bif, from_networkx, from_pgmpy, to_bif, to_pgmpy
from causal.model import CausalModel
from causal.surgery import do_box, surgery, surgery_functor

__all__ = [
                           "ADMG",
                           "CausalError",
                           "CausalModel",
                           "Comb",
                           "CombConditionsNotMet",
                           "CyclicModel",
                           "Estimand",
                           "Hedge",
                           "InvalidCPT",
                           "InvalidValue",
                           "LatentVariable",
                           "LinearGaussianModel",
                           "NoDiagramForm",
                           "NotIdentifiable",
                           "UnknownVariable",
                           "check_comb_conditions",
                           "comb_disintegrate",
                           "counterfactual",
                           "do_box",
                           "draw",
                           "empirical",
                           "fit",
                           "from_bif",
                           "from_networkx",
                           "from_pgmpy",
                           "map_batches",
                           "identify",
                           "surgery",
                           "surgery_functor",
                           "to_bif",
                           "to_pgmpy",
                           "twin_diagram",
]
