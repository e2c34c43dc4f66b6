"""Causal models as string diagrams: one mechanism box per variable, copied to its children.

A variable named ``V`` is the wire type ``Ty("V")``; its mechanism is the box
``Box("V", Ty(*parents), Ty("V"))``, interpreted by its conditional probability table (CPT)
with axes ``[*parents, V]`` (the ``[*dom, *cod]`` convention of :class:`markov.Kernel`).
Queries are answered by surgery on the diagram, pruning and one cached contraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from causal._construct import check_named
from causal._construct import mechanisms as _mechanisms
from causal._construct import topological_order as _topological_order
from causal._fast import fast_query
from causal._query import (
    Compiled,
    bind,
    broadcast_batch,
    compile_query,
    contract,
    normalise,
    query_name,
    run,
    zero_rows,
)
from causal._values import check_batches, dask_rows, indices, one_hot, require_mapping
from causal.base import StructuralModel
from causal.errors import (
    CausalError,
    InvalidCPT,
    InvalidValue,
    UnknownVariable,
)
from causal.model_data import ModelData
from causal.surgery import do_box
from diagrams import Box, Ty
from diagrams._lazy import lazy_module
from markov import Kernel
from markov.arrays import backend as B
from markov.contraction.cache import PLANS

nx = lazy_module("networkx")


class CausalModel(StructuralModel, ModelData):
    """A causal Bayesian network: variables with named outcomes, one mechanism (a CPT) per
    variable, and a set of latent (unobserved) variables. The skeleton (variables, parents,
    mechanisms, latent, diagram, ``do``) is :class:`causal.base.StructuralModel`'s.

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
                   for v, ps in require_mapping(parents, "parents", "{variable: [parents]}")
                   .items()}
        cpts = {str(v): t for v, t in require_mapping(cpts, "cpts", "{variable: table}")
                .items()}
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
        check_named((("states", states or {}), ("latent", latent), ("intervened", intervened)),
                    variables)
        order = _topological_order(variables, parents)
        kernels, outcomes = _mechanisms(variables, parents, cpts, states or {},
                                        set(intervened))
        self._setup(tuple(variables), parents, kernels, outcomes, latent=frozenset(latent),
                    intervened=frozenset(intervened), order=order, name=str(name))

    def _setup(self, variables, parents, kernels, outcomes, *, latent, intervened, order,
               name):
        self._init_skeleton(variables, parents, kernels, latent=latent, intervened=intervened,
                            name=name, order=order)
        self._states = outcomes
        self._boxes = {v: kernels[v].box() for v in variables}
        self._arrays = {self._boxes[v]: kernels[v].array for v in variables}
        self._backend = B.common_backend([k.array for k in kernels.values()])[0]

    def _with(self, kernels: dict, parents: dict, intervened: frozenset) -> CausalModel:
        """A copy with some mechanisms replaced (already validated)."""
        new = object.__new__(CausalModel)
        new._setup(self._variables, parents, kernels, self._states, latent=self._latent,
                   intervened=intervened, name=self._name,
                   order=_topological_order(list(self._variables), parents))
        return new

    def _box(self, v: str) -> Box:
        return self._boxes[v]

    def _node_data(self, v: str) -> dict[str, Any]:
        return {"states": self._states[v]}

    def _intervention_states(self, do: Mapping[str, Any]) -> dict[str, Kernel]:
        return {v: Kernel(array, cod=Ty(v), name=do_box(v).name, validate=False,
                          labels={v: self._states[v]})
                for v, array in self._interventions(do).items()}

    # ---- the data ----------------------------------------------------------------------

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
    def backend(self) -> str:
        """The backend the CPTs compute in: ``"numpy"``, ``"exact"`` or ``"torch"``.

        >>> from fractions import Fraction as Fr
        >>> CausalModel({"A": []}, {"A": [Fr(1, 2), Fr(1, 2)]}).backend
        'exact'
        """
        return self._backend

    def draw(self, path: Any = None, *, posteriors: bool | Mapping = False,
             evidence: Mapping[str, Any] | None = None, layout: str = "auto",
             diagram: bool = False, **kwargs: Any):
        """Draw the network: the DAG with a graph layout, latents dashed, interventions
        marked, and with ``posteriors=True`` each variable's distribution given ``evidence``
        as a bar chart (:func:`causal.network.draw_network`). ``diagram=True`` draws the
        string diagram instead (:func:`causal.drawing.draw`).

        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]},
        ...                 latent=["A"])
        >>> sorted(t.get_text() for t in m.draw().axes[0].texts)
        ['A', 'B']
        >>> sorted(t.get_text() for t in m.draw(diagram=True).axes[0].texts)
        ['A', 'A', 'B', 'B']
        """
        if diagram:
            from causal.drawing import draw

            return draw(self, path, **kwargs)
        extra = sorted(set(kwargs) - {"figsize"})
        if extra:
            raise CausalError(f"draw() draws the network, which takes no {extra}; pass "
                              "diagram=True for the string diagram and its options")
        from causal.network import draw_network

        return draw_network(self, path, posteriors=posteriors, evidence=evidence,
                            layout=layout, **kwargs)

    # ---- interventions (the shared skeleton: causal.base) -------------------------------

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
              likelihood: Mapping[str, Any] | None = None, soft: str = "pearl",
              max_memory: int | None = None, progress: bool = False,
              executor: Any = None) -> Kernel:
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
        other policies of :func:`markov.inference.normalize.normalize`; ``"prior"`` is the
        answer without the evidence). ``max_memory`` and
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

        Soft evidence (:mod:`causal.soft`): ``likelihood={"C": [0.2, 0.8]}``, or a float
        vector in ``evidence``, is Pearl's virtual evidence; ``soft="jeffrey"`` reads it as
        a new marginal (Jeffrey's rule).

        >>> m.query("S", evidence={"C": [0.2, 0.8]}).array.round(3).tolist()
        [0.295, 0.705]

        ``max_memory`` (bytes) bounds the largest intermediate (the plan is sliced to fit,
        or the query refused); ``progress=True`` shows the steps (:mod:`causal.progress`).
        """
        if not (likelihood or progress or soft != "pearl" or max_memory is not None
                or executor is not None):
            answer = fast_query(self, targets, do, evidence, on_zero)  # state names (not dask data)
            if answer is not None:
                return answer
        if dask_rows(do, evidence):  # one task per partition
            from causal.distributed import map_batches

            return map_batches(self, "query", targets, do=do, evidence=evidence,
                               on_zero=on_zero, max_memory=max_memory)
        from causal.progress import Steps

        steps = Steps(progress, ("compile", "bind", "contract", "normalise"), "query")
        targets = self._names(targets, "target")
        frame = evidence is not None and hasattr(evidence, "columns")  # a pandas DataFrame
        if frame:
            evidence = {str(c): evidence[c].to_numpy() for c in evidence.columns}
        evidence = require_mapping(evidence, "evidence")
        if likelihood or soft != "pearl" or evidence:
            from causal.soft import soft_query, split_evidence

            evidence, softly = split_evidence(self, evidence, dict(likelihood or {}), soft,
                                              detect=not frame)
            if softly:
                steps.close()
                return soft_query(self, targets, do, evidence, softly, rule=soft,
                                  on_zero=on_zero, max_memory=max_memory)
        for v in evidence:
            self._check_known(v, "evidence")
        hard: dict[str, np.ndarray] = {}
        do_arrays = self._interventions(require_mapping(do, "do"), hard)
        observed = {v: indices(v, self._states[v], value, "evidence")
                    for v, value in evidence.items()}
        check_batches(do_arrays, observed)
        # Variables set to values (a batch of them perhaps) leave the contraction: every
        # table is indexed at those values (see causal._query).
        fixed = {v: i for v, i in observed.items() if v not in targets and v not in do_arrays}
        fixed.update((v, i) for v, i in hard.items() if v not in targets and v not in observed)
        compiled = self._compile(targets, tuple(observed), frozenset(do_arrays),
                                 frozenset(fixed))
        steps.advance("compile")
        arrays = {"do_arrays": do_arrays, "observed": observed, "fixed": fixed,
                  "states": self._states, "backend": self._backend}
        # unscaled: the runner checks its answer for underflow (else all is bound again)
        changing, zero = bind(compiled, self._arrays, changing=True, scale=False, **arrays)
        steps.advance("bind")
        array = None if executor is not None or not compiled.fold else run(
            compiled, changing, self._arrays, max_memory=max_memory)
        if array is None:  # torch, sliced, on dask, or in need of rescaling: in full
            mapping, _ = bind(compiled, self._arrays, **arrays)
            array = contract(compiled, mapping, scaled=bool(observed), max_memory=max_memory,
                             like=next(iter(self._arrays.values()), None), executor=executor)
        steps.advance("contract")
        nb = array.ndim - len(targets)
        # Pruning may drop an intervention that does not reach the targets: its batch axes
        # still belong to the answer.
        batch = np.broadcast_shapes(*(a.shape[:-1] for a in do_arrays.values()),
                                    *(i.shape for i in observed.values()),
                                    self._batch_shape(),
                                    tuple(array.shape[:nb]),
                                    () if zero is None else zero.shape)
        array = broadcast_batch(array, batch, nb)
        if zero is not None and zero.any():
            array = zero_rows(array, zero, len(targets))
        from markov.arrays import tensor as T  # on first use: a cold start needs none of it

        if observed or not T.exact_backend(self._backend):
            # Floats are renormalised too: real networks' tables sum to 1 only to ~1e-7.
            array = normalise(self, array, targets, do, observed, on_zero=on_zero)
        steps.advance("normalise")
        steps.close()
        return Kernel(array, cod=Ty(*targets), validate=False,
                      labels={v: self._states[v] for v in targets},
                      name=query_name(targets, do_arrays, observed))

    def _compile(self, targets: tuple, evidence: tuple, do: frozenset, fixed: frozenset
                 ) -> Compiled:
        key = (targets, evidence, do, fixed)
        return PLANS.about(self, ("query", key), lambda: compile_query(
            self._diagram, self._states, key, positive=self._positive))

    def _positive(self, box: Box) -> bool:
        """Whether a mechanism's table has no zero (interventions are not the model's)."""
        array = self._arrays.get(box)
        return array is not None and PLANS.about(self, ("positive", box),
                                                 lambda: bool((array > 0).all()))

    def _batch_shape(self) -> tuple[int, ...]:
        """The broadcast batch shape of the mechanisms (a query keeps it even when pruning
        drops the batched mechanism)."""
        return PLANS.about(self, "batch shape", lambda: np.broadcast_shapes(
            *(k.batch_shape for k in self._kernels.values() if k.n_batch)))

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

    def _repr_svg_(self) -> str:
        """The network view as SVG, for notebooks (:func:`causal.network.network_svg`)."""
        from causal.network import network_svg

        return network_svg(self)

    # ---- all marginals (see causal.marginals) -----------------------------------------

    def marginals(self, evidence: Mapping[str, Any] | Any = None,
                  do: Mapping[str, Any] | None = None, *, on_zero: str = "raise",
                  max_memory: int | None = None, progress: bool = False
                  ) -> dict[str, Kernel]:
        """The posterior ``P(V | do(...), evidence)`` of every variable ``V`` (latent ones
        included), from one forward and one backward sweep of one contraction; ``evidence``,
        ``do``, ``on_zero``, ``max_memory`` and ``progress`` as in :meth:`query` (dask rows
        give a lazy table, one column per variable's state: :func:`causal.map_batches`). See
        :func:`causal.marginals.marginals`.

        >>> m = CausalModel({"S": [], "C": ["S"]},
        ...                 {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})
        >>> post = m.marginals(evidence={"C": [0, 1]})      # a batch of two observations
        >>> post["S"].batch_shape, post["S"].array.round(3).tolist()
        ((2,), [[0.75, 0.25], [0.125, 0.875]])
        """
        if dask_rows(do, evidence):  # one task per partition
            from causal.distributed import map_batches

            return map_batches(self, "marginals", do=do, evidence=evidence,
                               on_zero=on_zero, max_memory=max_memory)
        from causal.marginals import marginals

        return marginals(self, evidence, do, on_zero, max_memory=max_memory, progress=progress)
