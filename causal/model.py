"""Causal models as string diagrams: one mechanism box per variable, copied to its children.

A variable named ``V`` is the wire type ``Ty("V")``; its mechanism is the box
``Box("V", Ty(*parents), Ty("V"))``, interpreted by its conditional probability table (CPT)
with axes ``[*parents, V]`` (the ``[*dom, *cod]`` convention of :class:`markov.Kernel`).
Queries are answered by surgery on the diagram, pruning and one cached contraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from causal._construct import mechanisms as _mechanisms
from causal._construct import topological_order as _topological_order
from causal._query import (
    Compiled,
    bind,
    broadcast_batch,
    compile_query,
    contract,
    describe_evidence,
    query_name,
    zero_rows,
)
from causal._values import indices, observed_variables, one_hot
from causal.distributed import has_dask_rows
from causal.errors import (
    CausalError,
    InvalidCPT,
    InvalidValue,
    UnknownVariable,
)
from causal.surgery import do_box
from diagrams import Box, Diagram, Ty
from markov import Kernel, ZeroProbabilityEvidence
from markov.arrays import backend as B
from markov.inference.normalize import normalize


class CausalModel:
    """A causal Bayesian network: variables with named outcomes, one mechanism (a CPT) per
    variable, and a set of latent (unobserved) variables.

    ``parents`` maps each variable to its parents in the order of its CPT's axes; ``cpts``
    maps each variable to an array with axes ``[*parents, variable]`` or to a
    :class:`~markov.Kernel` (whose domain then gives the parents: roots and kernel-given
    variables may be left out of ``parents``). Arrays may be float, exact (Fractions, sympy)
    or torch; a :class:`~markov.Kernel` may carry leading batch axes. ``states`` names the
    outcomes (default ``"0"``, ``"1"``, ...). The model's variable order is the order of
    ``parents`` then ``cpts``; the mechanisms are stored in a topological order.

    Bad input raises a typed error naming the variable: :class:`~causal.errors.UnknownVariable`,
    :class:`~causal.errors.CyclicModel`, :class:`~causal.errors.InvalidCPT` (shape, missing
    table, outcome count), :class:`markov.NotStochastic` (rows not summing to 1).

    >>> m = CausalModel({"Rain": [], "Wet": ["Rain"]},
    ...                 {"Rain": [0.2, 0.8], "Wet": [[0.9, 0.1], [0.1, 0.9]]},
    ...                 states={"Rain": ["yes", "no"], "Wet": ["yes", "no"]})
    >>> m.variables, m.parents["Wet"], m.diagram.cod
    (('Rain', 'Wet'), ('Rain',), Ty('Rain', 'Wet'))
    >>> m.query("Wet").array.round(2).tolist()
    [0.26, 0.74]
    >>> CausalModel({"Wet": ["Rain"]}, {"Wet": [[0.9, 0.1], [0.1, 0.9]]})
    Traceback (most recent call last):
    ...
    causal.errors.UnknownVariable: variable 'Wet' has parent 'Rain', which is not a variable of the model
    """

    def __init__(self, parents: Mapping[str, Sequence[str]] | None,
                 cpts: Mapping[str, Any], *, states: Mapping[str, Sequence] | None = None,
                 latent: Iterable[str] = (), name: str = "",
                 intervened: Iterable[str] = ()):
        parents = {str(v): ((ps,) if isinstance(ps, str) else tuple(map(str, ps)))
                   for v, ps in (parents or {}).items()}
        cpts = {str(v): t for v, t in cpts.items()}
        variables = list(parents) + [v for v in cpts if v not in parents]
        known = set(variables)
        for v in variables:
            table = cpts.get(v)
            if table is None:
                raise InvalidCPT(f"variable {v!r} has no CPT")
            if isinstance(table, Kernel):
                if v in parents and parents[v] != table.dom.names:
                    raise InvalidCPT(f"variable {v!r}: its kernel has domain {table.dom} but "
                                     f"its parents are {list(parents[v])}")
                parents[v] = table.dom.names
            parents.setdefault(v, ())
            for p in parents[v]:
                if p not in known:
                    raise UnknownVariable(f"variable {v!r} has parent {p!r}, which is not a "
                                          "variable of the model")
            if len(set(parents[v])) != len(parents[v]):
                raise InvalidCPT(f"variable {v!r} lists a parent twice: {list(parents[v])}")
        for group, names in (("states", states or {}), ("latent", latent),
                             ("intervened", intervened)):
            for v in names:
                if v not in known:
                    raise UnknownVariable(f"{group} names {v!r}, which is not a variable of "
                                          f"the model; its variables are {variables}")
        order = _topological_order(variables, parents)
        kernels, outcomes = _mechanisms(variables, parents, cpts, states or {},
                                        set(intervened))
        self._setup(tuple(variables), parents, kernels, outcomes, frozenset(latent),
                    frozenset(intervened), order, str(name))

    def _setup(self, variables, parents, kernels, outcomes, latent, intervened, order, name):
        self._variables = variables
        self._parents = parents
        self._kernels = kernels
        self._states = outcomes
        self._latent = latent
        self._intervened = intervened
        self._order = order
        self._name = name
        self._boxes = {v: kernels[v].box() for v in variables}
        self._arrays = {self._boxes[v]: kernels[v].array for v in variables}
        self._backend = B.common_backend([k.array for k in kernels.values()])[0]
        self._cache: dict = {}

    def _with(self, kernels: dict, parents: dict, intervened: frozenset) -> CausalModel:
        """A copy with some mechanisms replaced (already validated)."""
        new = object.__new__(CausalModel)
        new._setup(self._variables, parents, kernels, self._states, self._latent, intervened,
                   _topological_order(list(self._variables), parents), self._name)
        return new

    # ---- the data ----------------------------------------------------------------------

    @property
    def variables(self) -> tuple[str, ...]:
        """All variables, in the model's order (the order they were given in).

        >>> CausalModel({"B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2}).variables
        ('B', 'A')
        """
        return self._variables

    @property
    def observed(self) -> tuple[str, ...]:
        """The variables that are not latent, in the model's order.

        >>> m = CausalModel({"U": [], "X": ["U"]}, {"U": [0.5, 0.5], "X": [[1, 0], [0, 1]]},
        ...                 latent=["U"])
        >>> m.observed, sorted(m.latent)
        (('X',), ['U'])
        """
        return tuple(v for v in self._variables if v not in self._latent)

    @property
    def latent(self) -> frozenset[str]:
        """The latent (unobserved) variables."""
        return self._latent

    @property
    def intervened(self) -> frozenset[str]:
        """The variables whose mechanism was replaced by an intervention (see :meth:`do`).

        >>> sorted(CausalModel({"A": []}, {"A": [0.5, 0.5]}).do(A=0).intervened)
        ['A']
        """
        return self._intervened

    @property
    def parents(self) -> dict[str, tuple[str, ...]]:
        """Each variable's parents, in the order of its CPT's axes."""
        return dict(self._parents)

    @property
    def states(self) -> dict[str, tuple[str, ...]]:
        """Each variable's outcome names (``"0"``, ``"1"``, ... unless given).

        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}, states={"A": ["lo", "hi"]}).states
        {'A': ('lo', 'hi')}
        """
        return dict(self._states)

    @property
    def cpts(self) -> dict[str, Any]:
        """Each variable's CPT, an array with axes ``[*batch, *parents, variable]``.

        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}).do(A=[0, 1]).cpts["A"].tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return {v: self._kernels[v].array for v in self._variables}

    @property
    def mechanisms(self) -> dict[str, Kernel]:
        """Each variable's mechanism as a kernel ``parents -> variable`` with labels.

        >>> CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2}
        ...             ).mechanisms["B"]
        <Kernel B: A -> B, numpy>
        """
        return dict(self._kernels)

    @property
    def mapping(self) -> dict[Box, Kernel]:
        """The kernel of each box of :attr:`diagram`, ready for :func:`markov.interpret`.

        >>> from markov import interpret
        >>> m = CausalModel({"A": []}, {"A": [0.25, 0.75]})
        >>> interpret(m.diagram, m.mapping).array.tolist()
        [0.25, 0.75]
        """
        return {self._boxes[v]: self._kernels[v] for v in self._variables}

    @property
    def name(self) -> str:
        """The model's name (a BIF file's network name).

        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}, name="coin").name
        'coin'
        """
        return self._name

    @property
    def backend(self) -> str:
        """The backend the CPTs compute in: ``"numpy"``, ``"exact"`` or ``"torch"``.

        >>> from fractions import Fraction as Fr
        >>> CausalModel({"A": []}, {"A": [Fr(1, 2), Fr(1, 2)]}).backend
        'exact'
        """
        return self._backend

    @property
    def graph(self) -> nx.DiGraph:
        """The DAG of the model, edges from parents to children (latent nodes included, with
        the node attribute ``latent``).

        >>> CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2}
        ...             ).graph.edges
        OutEdgeView([('A', 'B')])
        """
        graph = nx.DiGraph()
        for v in self._variables:
            graph.add_node(v, latent=v in self._latent, states=self._states[v])
        for v in self._variables:
            graph.add_edges_from((p, v) for p in self._parents[v])
        return graph

    def __repr__(self) -> str:
        name = f" {self._name!r}" if self._name else ""
        edges = sum(len(ps) for ps in self._parents.values())
        extra = f", do({', '.join(sorted(self._intervened))})" if self._intervened else ""
        return (f"<CausalModel{name}: {len(self._variables)} variables "
                f"({len(self._latent)} latent), {edges} edges{extra}>")

    # ---- diagrams ----------------------------------------------------------------------

    @property
    def diagram(self) -> Diagram:
        """The string diagram: each variable is the output of its mechanism box, copied to
        its children and to the outputs; latent variables are discarded. The outputs are the
        observed variables in the model's order.

        >>> m = CausalModel({"U": [], "X": ["U"]}, {"U": [0.5, 0.5], "X": [[1, 0], [0, 1]]},
        ...                 latent=["U"])
        >>> [box.name for box in m.diagram.boxes], m.diagram.cod
        (['U', 'X'], Ty('X'))
        """
        return self.diagram_of(self.observed)

    def diagram_of(self, outputs: Sequence[str]) -> Diagram:
        """The model's diagram with the given variables (latent allowed) as outputs, in that
        order; mechanisms that do not reach them stay in the diagram (prune with
        :meth:`~diagrams.Diagram.pruned`).

        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2})
        >>> m.diagram_of(["B", "A"]).cod
        Ty('B', 'A')
        """
        return self._diagram(self._names(outputs, "output"))

    def _diagram(self, outputs: tuple[str, ...]) -> Diagram:
        index = {v: i for i, v in enumerate(self._order)}
        return Diagram(self._order, [self._boxes[v] for v in self._order],
                       [tuple(index[p] for p in self._parents[v]) for v in self._order],
                       [(index[v],) for v in self._order], (),
                       [index[v] for v in outputs])

    def draw(self, path: Any = None, **kwargs: Any):
        """Draw :attr:`diagram` (latent mechanisms dashed, intervened ones marked); see
        :func:`causal.drawing.draw`.

        >>> m = CausalModel({"A": []}, {"A": [0.5, 0.5]}, latent=["A"])
        >>> [t.get_text() for t in m.draw().axes[0].texts]
        ['A', 'A']
        """
        from causal.drawing import draw

        return draw(self, path, **kwargs)

    # ---- interventions -----------------------------------------------------------------

    def do(self, interventions: Mapping[str, Any] | None = None, /, **kwargs: Any
           ) -> CausalModel:
        """The intervened model: each variable's mechanism is replaced by a state and its
        incoming edges are cut (string-diagram surgery).

        A value is an outcome index or name (a point mass), a batch of them (a list or array:
        the model's kernels get leading batch axes), or a :class:`~markov.Kernel` state on the
        variable (a soft intervention). Unknown variables raise
        :class:`~causal.errors.UnknownVariable`, bad values :class:`~causal.errors.InvalidValue`.

        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
        >>> m.do(B=1).query("B").array.tolist(), m.do({"B": 1}).parents["B"]
        ([0.0, 1.0], ())
        >>> m.do(B=Kernel.state([0.25, 0.75], cod="B")).query("B").array.tolist()
        [0.25, 0.75]
        """
        items = self._interventions({**(interventions or {}), **kwargs})
        kernels, parents = dict(self._kernels), dict(self._parents)
        for v, array in items.items():
            kernels[v] = Kernel(array, cod=Ty(v), name=do_box(v).name, validate=False,
                                labels={v: self._states[v]})
            parents[v] = ()
        return self._with(kernels, parents, self._intervened | frozenset(items))

    def _interventions(self, do: Mapping[str, Any], hard: dict | None = None
                       ) -> dict[str, Any]:
        """The state array of each intervention; ``hard`` collects the indices of the point
        masses."""
        out = {}
        for v, value in do.items():
            self._check_known(v, "do")
            n = len(self._states[v])
            if isinstance(value, Kernel):
                if value.dom != Ty() or len(value.cod) != 1 or value.event_shape != (n,):
                    raise InvalidValue(f"variable {v!r}: a soft intervention is a state on "
                                       f"{v} with {n} outcomes, got {value!r} of shape "
                                       f"{value.event_shape}")
                out[v] = value.array
            else:
                idx = indices(v, self._states[v], value, "do")
                out[v] = one_hot(idx, n, self._backend)
                if hard is not None:
                    hard[v] = idx
        return out

    # ---- queries -----------------------------------------------------------------------

    def query(self, targets: str | Sequence[str], do: Mapping[str, Any] | None = None,
              evidence: Mapping[str, Any] | Any = None, *, on_zero: str = "raise",
              max_memory: int | None = None, executor: Any = None) -> Kernel:
        """The distribution ``P(targets | do(...), evidence)`` as a state with labels.

        Computed by surgery on the model's diagram (outputs: the targets and the evidence
        variables) and pruning of the mechanisms that do not reach them; observed and
        intervened values then leave the diagram as in variable elimination (every table is
        indexed at them, row by row for batches) and the rest is one contraction, its plan
        cached for the next query of the same shape (see :mod:`causal._query`). ``do`` takes the values of :meth:`do`; ``evidence`` maps variables to outcome indices
        or names, or batches of them (a pandas DataFrame gives one row per batch entry). All
        batch shapes broadcast together into the result's leading batch axes. Float results
        are normalised over the targets (exact ones are exact already). Evidence of
        probability zero raises :class:`markov.ZeroProbabilityEvidence` (``on_zero`` takes the
        other policies of :func:`markov.inference.normalize.normalize`). ``max_memory`` and
        ``executor`` (a ``distributed.Client``: slices run as its tasks) are those of
        :func:`markov.interpret`. Dask data in ``do`` or ``evidence`` gives a lazy dask
        result, one row per input row (see :func:`causal.distributed.map_batches`).

        >>> m = CausalModel({"S": [], "C": ["S"]},
        ...                 {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
        ...                 states={"S": ["no", "yes"], "C": ["no", "yes"]})
        >>> P = m.query("C", do={"S": ["no", "yes"]})   # one contraction, batch of two
        >>> P.batch_shape, P.array.tolist(), P.labels
        ((2,), [[0.9, 0.1], [0.3, 0.7]], {'C': ('no', 'yes')})
        >>> m.query("S", evidence={"C": "yes"}).array.round(3).tolist()
        [0.125, 0.875]
        """
        if has_dask_rows(do) or has_dask_rows(evidence):  # one task per partition
            from causal.distributed import map_batches

            return map_batches(self, "query", targets, do=do, evidence=evidence,
                               on_zero=on_zero, max_memory=max_memory)
        targets = self._names(targets, "target")
        if evidence is not None and hasattr(evidence, "columns"):  # a pandas DataFrame
            evidence = {str(c): evidence[c].to_numpy() for c in evidence.columns}
        evidence = dict(evidence or {})
        for v in evidence:
            self._check_known(v, "evidence")
        hard: dict[str, np.ndarray] = {}
        do_arrays = self._interventions(dict(do or {}), hard)
        observed = {v: indices(v, self._states[v], value, "evidence")
                    for v, value in evidence.items()}
        # Variables set to values (a batch of them perhaps) leave the contraction: every
        # table is indexed at those values (see causal._query).
        fixed = {v: i for v, i in observed.items() if v not in targets and v not in do_arrays}
        fixed.update((v, i) for v, i in hard.items() if v not in targets and v not in observed)
        compiled = self._compile(targets, tuple(observed), frozenset(do_arrays),
                                 frozenset(fixed))
        mapping, zero = bind(compiled, self._arrays, do_arrays, observed, fixed,
                             self._states, self._backend)
        array = contract(compiled, mapping, scaled=bool(observed), max_memory=max_memory,
                         executor=executor)
        nb = array.ndim - len(targets)
        # Pruning may drop an intervention that does not reach the targets: its batch axes
        # still belong to the answer.
        batch = np.broadcast_shapes(*(a.shape[:-1] for a in do_arrays.values()),
                                    *(i.shape for i in observed.values()),
                                    tuple(array.shape[:nb]),
                                    () if zero is None else zero.shape)
        array = broadcast_batch(array, batch, nb)
        if zero is not None and zero.any():
            array = zero_rows(array, zero, len(targets))
        if observed or self._backend != "exact":
            # Floats are renormalised too: real networks' tables sum to 1 only to ~1e-7.
            array = normalize(array, len(targets), on_zero=on_zero,
                              what=describe_evidence(observed, self._states),
                              error=ZeroProbabilityEvidence)
        return Kernel(array, cod=Ty(*targets), validate=False,
                      labels={v: self._states[v] for v in targets},
                      name=query_name(targets, do_arrays, observed))

    def _compile(self, targets: tuple, evidence: tuple, do: frozenset, fixed: frozenset
                 ) -> Compiled:
        key = (targets, evidence, do, fixed)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 256:
                self._cache.clear()
            cached = self._cache[key] = compile_query(self._diagram, self._states, *key)
        return cached

    def observational(self, variables: str | Sequence[str] | None = None) -> Kernel:
        """The joint distribution of observed variables (all of them by default, in the
        model's order), with labels.

        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
        >>> m.observational().array.tolist()
        [[0.5, 0.0], [0.0, 0.5]]
        """
        return self.query(observed_variables(self, variables))

    def counterfactual(self, targets: str | Sequence[str], do: Mapping[str, Any],
                       evidence: Mapping[str, Any] | Any = None, **kwargs: Any) -> Kernel:
        """``P(targets_{do} | evidence)`` by a twin diagram sharing the exogenous variables;
        see :func:`causal.counterfactual.counterfactual` (and its stated assumption for
        mechanisms without explicit noise).

        >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[1, 0], [0, 1]]})
        >>> m.counterfactual("C", do={"S": 0}, evidence={"C": 1}).array.tolist()
        [1.0, 0.0]
        """
        from causal.counterfactual import counterfactual

        return counterfactual(self, targets, do, evidence, **kwargs)

    # ---- I/O (see causal.io) ----------------------------------------------------------

    @classmethod
    def from_bif(cls, path: Any, latent: Iterable[str] = ()) -> CausalModel:
        """Read a BIF file (plain or gzip); see :func:`causal.io.from_bif`.

        >>> import os, pgmpy
        >>> path = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models",
        ...                     "asia.bif.gz")
        >>> CausalModel.from_bif(path, latent=["tub"])
        <CausalModel 'unknown': 8 variables (1 latent), 8 edges>
        """
        from causal.io import from_bif

        return from_bif(path, latent=latent)

    @classmethod
    def from_pgmpy(cls, model: Any, latent: Iterable[str] | None = None) -> CausalModel:
        """Convert a pgmpy Bayesian network; see :func:`causal.io.from_pgmpy`.

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

        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}).to_pgmpy().nodes
        NodeView(('A',))
        """
        from causal.io import to_pgmpy

        return to_pgmpy(self)

    def to_bif(self, path: Any) -> None:
        """Write the model as a BIF file; see :func:`causal.io.to_bif`.

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

        >>> import pandas as pd
        >>> m = CausalModel({"A": []}, {"A": [0.5, 0.5]})
        >>> m.fit(pd.DataFrame({"A": [0, 1, 1, 1]})).cpts["A"].tolist()
        [0.25, 0.75]
        """
        from causal.io import fit

        return fit(self, data, pseudocount=pseudocount)

    # ---- helpers -----------------------------------------------------------------------

    def _check_known(self, v: str, role: str) -> None:
        if v not in self._states:
            raise UnknownVariable(f"{role} names {v!r}, which is not a variable of the model")

    def _names(self, names: str | Sequence[str], role: str) -> tuple[str, ...]:
        names = (names,) if isinstance(names, str) else tuple(names)
        for v in names:
            self._check_known(v, role)
        if len(set(names)) != len(names):
            raise CausalError(f"{role}s {list(names)} name a variable twice")
        return names
