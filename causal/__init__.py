"""Causality: causal models as string diagrams, do-surgery, interventional queries,
identification, comb disintegration, counterfactuals, and model I/O (BIF files, pgmpy,
networkx, pandas; pgmpy and pandas are imported only when used).

>>> from causal import CausalModel
>>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})
>>> m.query("C", do={"S": 1}).array.tolist()
[0.3, 0.7]
"""

__version__ = "0.1.0"

from causal.admg import ADMG
from causal.base import StructuralModel
from causal.comb import Comb, check_comb_conditions, comb_disintegrate
from causal.counterfactual import counterfactual, twin_diagram
from causal.distributed import map_batches
from causal.drawing import draw
from causal.errors import (
                           BIFParseError,
                           CausalError,
                           CombConditionsNotMet,
                           CyclicModel,
                           InvalidArgument,
                           InvalidCPT,
                           InvalidValue,
                           LatentVariable,
                           NoDiagramForm,
                           NotIdentifiable,
                           RenormalisedRows,
                           TableTooLarge,
                           UnknownVariable,
)
from causal.estimand import Estimand
from causal.gaussian import LinearGaussianModel
from causal.graphs import parse_graph
from causal.identify import Hedge, identify
from causal.io import empirical, from_bif, from_networkx, from_pgmpy, to_bif, to_pgmpy
from causal.learning import fit, log_likelihood
from causal.map import Explanation
from causal.model import CausalModel
from causal.surgery import do_box, surgery, surgery_functor

__all__ = [
                           "ADMG",
                           "BIFParseError",
                           "CausalError",
                           "CausalModel",
                           "Comb",
                           "CombConditionsNotMet",
                           "CyclicModel",
                           "Estimand",
                           "Explanation",
                           "Hedge",
                           "InvalidArgument",
                           "InvalidCPT",
                           "InvalidValue",
                           "LatentVariable",
                           "LinearGaussianModel",
                           "NoDiagramForm",
                           "NotIdentifiable",
                           "RenormalisedRows",
                           "TableTooLarge",
                           "StructuralModel",
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
                           "log_likelihood",
                           "parse_graph",
                           "surgery",
                           "surgery_functor",
                           "to_bif",
                           "to_pgmpy",
                           "twin_diagram",
]

# Hybrid (conditional-Gaussian) causal models: discrete and continuous variables.
from causal.hybrid import HybridModel

__all__ += ["HybridModel"]
