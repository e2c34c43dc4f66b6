"""The data side of a causal Bayesian network: reading and writing (BIF, pgmpy, networkx,
edge lists), fitting CPTs, sampling, MAP/MPE and likelihoods. Each method is a thin
delegation to the module that does the work; :class:`~causal.CausalModel` inherits them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from diagrams._lazy import lazy_module

if TYPE_CHECKING:
    from causal.model import CausalModel

nx = lazy_module("networkx")


class ModelData:
    """Data in and out of a :class:`~causal.CausalModel`.

    >>> from causal import CausalModel
    >>> CausalModel.from_edges([("A", "B")], {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]}).parents
    {'A': (), 'B': ('A',)}
    """

    __slots__ = ()

    # ---- I/O (see causal.io) ----------------------------------------------------------

    @classmethod
    def from_bif(cls, path: Any, latent: Iterable[str] = ()) -> CausalModel:
        """Read a BIF file (plain or gzip); see :func:`causal.bif.from_bif`.

        >>> from causal import CausalModel
        >>> import os, pgmpy
        >>> path = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models",
        ...                     "asia.bif.gz")
        >>> CausalModel.from_bif(path, latent=["tub"])
        <CausalModel 'unknown': 8 variables (1 latent), 8 edges>
        """
        from causal.bif import from_bif

        return from_bif(path, latent=latent)

    @classmethod
    def from_pgmpy(cls, model: Any, latent: Iterable[str] | None = None) -> CausalModel:
        """Convert a pgmpy Bayesian network; see :func:`causal.io.from_pgmpy`.

        >>> from causal import CausalModel
        >>> m = CausalModel({"A": []}, {"A": [0.5, 0.5]})
        >>> CausalModel.from_pgmpy(m.to_pgmpy()).variables
        ('A',)
        """
        from causal.io import from_pgmpy

        return from_pgmpy(model, latent=latent)

    @classmethod
    def from_networkx(cls, graph: nx.DiGraph, cpts: Mapping[str, Any] | None = None, *,
                      states: Mapping[str, Sequence] | None = None,
                      latent: Iterable[str] | None = None) -> CausalModel:
        """Build from a networkx DAG; see :func:`causal.io.from_networkx`.

        >>> from causal import CausalModel
        >>> CausalModel.from_networkx(nx.DiGraph([("A", "B")]),
        ...                           {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]}).parents["B"]
        ('A',)
        """
        from causal.io import from_networkx

        return from_networkx(graph, cpts, states=states, latent=latent)

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str]], cpts: Mapping[str, Any], *,
                   states: Mapping[str, Sequence] | None = None,
                   latent: Iterable[str] = ()) -> CausalModel:
        """Build from a list of edges ``(parent, child)``; each CPT's parent axes are in the
        order the edges list them.

        >>> from causal import CausalModel
        >>> m = CausalModel.from_edges([("A", "B")], {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
        >>> m.parents
        {'A': (), 'B': ('A',)}
        """
        parents: dict[str, list[str]] = {}
        for a, b in edges:
            parents.setdefault(str(a), [])
            parents.setdefault(str(b), []).append(str(a))
        return cls(parents, cpts, states=states, latent=latent)

    def to_pgmpy(self) -> Any:
        """Convert to a pgmpy ``DiscreteBayesianNetwork``; see :func:`causal.io.to_pgmpy`.

        >>> from causal import CausalModel
        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}).to_pgmpy().nodes
        NodeView(('A',))
        """
        from causal.io import to_pgmpy

        return to_pgmpy(self)

    def to_bif(self, path: Any) -> None:
        """Write the model as a BIF file; see :func:`causal.io.to_bif`.

        >>> from causal import CausalModel
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "a.bif")
        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}).to_bif(path)
        >>> CausalModel.from_bif(path).states
        {'A': ('0', '1')}
        """
        from causal.io import to_bif

        to_bif(self, path)

    def fit(self, data: Any, pseudocount: float = 0.0) -> CausalModel:
        """The same model with CPTs estimated from a data frame; see :func:`causal.io.fit`.

        >>> from causal import CausalModel
        >>> import pandas as pd
        >>> m = CausalModel({"A": []}, {"A": [0.5, 0.5]})
        >>> m.fit(pd.DataFrame({"A": [0, 1, 1, 1]})).cpts["A"].tolist()
        [0.25, 0.75]
        """
        from causal.io import fit

        return fit(self, data, pseudocount=pseudocount)
    # ---- issue 14: data out, MAP, data in, drawing (thin delegations) -------------------

    def sample(self, n: int, do: Mapping[str, Any] | None = None, *, seed: int | None = None,
               latent: bool = False, progress: bool = False, max_memory: int | None = None
               ) -> Any:
        """``n`` rows of forward (ancestral) samples as a DataFrame; see
        :func:`causal.sampling.sample`.

        >>> from causal import CausalModel
        >>> m = CausalModel({"A": []}, {"A": [0.0, 1.0]}, states={"A": ["lo", "hi"]})
        >>> m.sample(3, seed=1)["A"].tolist()
        ['hi', 'hi', 'hi']
        """
        from causal.sampling import sample

        return sample(self, n, do, seed=seed, latent=latent, progress=progress,
                      max_memory=max_memory)

    def map(self, targets: str | Sequence[str], evidence: Mapping[str, Any] | None = None,
            do: Mapping[str, Any] | None = None, *, max_memory: float | None = None) -> Any:
        """The most probable values of ``targets`` given ``evidence`` (others summed out), in
        the (max, ×) semiring; see :func:`causal.map.map_query` (and its tie rule).

        >>> from causal import CausalModel
        >>> m = CausalModel({"A": []}, {"A": [0.25, 0.75]}, states={"A": ["lo", "hi"]})
        >>> m.map("A").assignment
        {'A': 'hi'}
        """
        from causal.map import map_query

        return map_query(self, targets, evidence, do, max_memory=max_memory)

    def mpe(self, evidence: Mapping[str, Any] | None = None,
            do: Mapping[str, Any] | None = None, *, max_memory: float | None = None) -> Any:
        """The most probable explanation of ``evidence``: every other observed variable's
        value, jointly; see :func:`causal.map.mpe`.

        >>> from causal import CausalModel
        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1],
        ...                 [0.2, 0.8]]}, states={"A": ["a", "b"], "B": ["u", "v"]})
        >>> m.mpe({"B": "v"}).assignment
        {'A': 'b'}
        """
        from causal.map import mpe

        return mpe(self, evidence, do, max_memory=max_memory)

    def log_likelihood(self, data: Any, per_row: bool = False) -> Any:
        """The log-probability of a data frame's rows; see
        :func:`causal.learning.log_likelihood`.

        >>> from causal import CausalModel
        >>> import pandas as pd
        >>> m = CausalModel({"A": []}, {"A": [0.5, 0.5]})
        >>> m.log_likelihood(pd.DataFrame({"A": [0, 1]}), per_row=True).round(4).tolist()
        [-0.6931, -0.6931]
        """
        from causal.learning import log_likelihood

        return log_likelihood(self, data, per_row=per_row)
