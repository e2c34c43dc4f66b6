"""Causality: causal models as string diagrams, do-surgery, interventional queries,
identification, comb disintegration, counterfactuals, and model I/O (BIF files, pgmpy,
networkx, pandas; pgmpy and pandas are imported only when used). Every public name loads its
module on first use.

>>> from causal import CausalModel
>>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})
>>> m.query("C", do={"S": 1}).array.tolist()
[0.3, 0.7]
"""

__version__ = "0.1.0"

from diagrams._lazy import lazy_names as _lazy_names

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
__all__ += ["HybridModel"]

# Where each public name is defined.
_WHERE = {
    "causal.admg": ("ADMG",),
    "causal.base": ("StructuralModel",),
    "causal.comb": ("Comb", "check_comb_conditions", "comb_disintegrate"),
    "causal.counterfactual": ("counterfactual", "twin_diagram"),
    "causal.distributed": ("map_batches",),
    "causal.drawing": ("draw",),
    "causal.bif": ("from_bif",),
    "causal.errors": ("BIFParseError", "CausalError", "CombConditionsNotMet", "CyclicModel",
                      "InvalidArgument", "InvalidCPT", "InvalidValue", "LatentVariable",
                      "NoDiagramForm", "NotIdentifiable", "RenormalisedRows", "TableTooLarge",
                      "UnknownVariable"),
    "causal.estimand": ("Estimand",),
    "causal.gaussian": ("LinearGaussianModel",),
    "causal.graphs": ("parse_graph",),
    "causal.identify": ("Hedge", "identify"),
    "causal.io": ("empirical", "from_networkx", "from_pgmpy", "to_bif", "to_pgmpy"),
    "causal.learning": ("fit", "log_likelihood"),
    "causal.map": ("Explanation",),
    "causal.model": ("CausalModel",),
    "causal.surgery": ("do_box", "surgery", "surgery_functor"),
    "causal.hybrid": ("HybridModel",),
}

__getattr__, __dir__ = _lazy_names(__name__, {name: module for module, names in _WHERE.items()
                                              for name in names})
