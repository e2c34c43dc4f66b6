"""Private: modules loaded on first use, so that importing the library stays fast."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``: the one already imported, else a module whose code runs on the
    first attribute access (networkx alone takes longer to import than the whole library).

    >>> nx = lazy_module("networkx")
    >>> nx.DiGraph([("a", "b")]).number_of_edges()
    1
    """
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}")
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
