"""The skeleton every causal model shares, whatever its semantics: variables, their parents
and mechanisms, latent variables, the string diagram, and interventions by surgery.

A model is a diagram in which each variable ``V`` is the output of one mechanism box
``parents -> V``, copied to its children and to the outputs; latent variables are outputs
that are discarded. Subclasses differ only in their semantics: what a mechanism is (a
:class:`markov.Kernel` for :class:`~causal.CausalModel`, a
:class:`markov.GaussianKernel` for :class:`~causal.LinearGaussianModel`), how a value of
``do`` becomes a state, and how a query is answered.

A subclass stores its skeleton with :meth:`StructuralModel._init_skeleton` and provides
``_box(v)`` (the box of ``v``'s mechanism), ``_intervention_states(do)`` (a state kernel,
named ``do(V)``, for each intervened variable), ``_with(mechanisms, parents,
intervened)`` (the model with mechanisms replaced) and ``query``.

>>> from causal import CausalModel, LinearGaussianModel
>>> finite = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
>>> linear = LinearGaussianModel({"A": ({}, 0.0, 1.0), "B": ({"A": 1.0}, 0.0, 1.0)})
>>> [(m.parents["B"], m.do(A=1).parents["B"], m.diagram.cod) for m in (finite, linear)]
[(('A',), ('A',), Ty('A', 'B')), (('A',), ('A',), Ty('A', 'B'))]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from causal._construct import topological_order
from causal._values import observed_variables
from causal.errors import CausalError, UnknownVariable
from diagrams import Box, Diagram
from diagrams._lazy import lazy_module

nx = lazy_module("networkx")


def check_references(kernels: Mapping[str, Any], latent: frozenset,
                     intervened: frozenset) -> None:
    """Every parent (an atom of a mechanism's domain), latent and intervened variable names a
    mechanism of ``kernels``; else :class:`~causal.errors.UnknownVariable` naming it.

    >>> from markov import Kernel
    >>> check_references({"Y": Kernel([[1.0, 0.0]] * 2, dom="X", cod="Y")}, frozenset(),
    ...                  frozenset())
    Traceback (most recent call last):
    ...
    causal.errors.UnknownVariable: variable 'Y' has parent 'X', which is not a variable of the model
    """
    for v, k in kernels.items():
        for p in k.dom.names:
            if p not in kernels:
                raise UnknownVariable(f"variable {v!r} has parent {p!r}, which is not a "
                                      "variable of the model")
    for group, names in (("latent", latent), ("intervened", intervened)):
        for v in names:
            if v not in kernels:
                raise UnknownVariable(f"{group} names {v!r}, which is not a variable of "
                                      f"the model; its variables are {list(kernels)}")


class StructuralModel:
    """The shared skeleton of causal models (see the module docstring); not instantiated
    itself. Mechanisms are kernels ``parents -> V`` of the subclass's semantics.

    >>> from causal import CausalModel
    >>> m = CausalModel({"U": [], "X": ["U"]}, {"U": [0.5, 0.5], "X": [[1, 0], [0, 1]]},
    ...                 latent=["U"])
    >>> isinstance(m, StructuralModel), m.observed, sorted(m.latent)
    (True, ('X',), ['U'])
    """

    def _init_skeleton(self, variables: Sequence[str], parents: Mapping[str, tuple],
                       kernels: Mapping[str, Any], *, latent: frozenset = frozenset(),
                       intervened: frozenset = frozenset(), name: str = "",
                       order: Sequence[str] | None = None) -> None:
        """Store the skeleton; ``order`` (a topological order, computed when not given)
        raises :class:`~causal.errors.CyclicModel` for a cycle."""
        self._variables = tuple(variables)
        self._parents = dict(parents)
        self._kernels = dict(kernels)
        self._latent = frozenset(latent)
        self._intervened = frozenset(intervened)
        self._name = str(name)
        self._order = tuple(order) if order is not None else \
            topological_order(list(self._variables), self._parents)

    # ---- the data ----------------------------------------------------------------------

    @property
    def variables(self) -> tuple[str, ...]:
        """All variables, in the model's order (the order they were given in).

        >>> from causal import CausalModel
        >>> CausalModel({"B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2}).variables
        ('B', 'A')
        """
        return self._variables

    @property
    def observed(self) -> tuple[str, ...]:
        """The variables that are not latent, in the model's order.

        >>> from causal import LinearGaussianModel
        >>> m = LinearGaussianModel({"U": ({}, 0.0, 1.0), "X": ({"U": 2.0}, 0.0, 1.0)},
        ...                         latent=["U"])
        >>> m.observed
        ('X',)
        """
        return tuple(v for v in self._variables if v not in self._latent)

    @property
    def latent(self) -> frozenset[str]:
        """The latent (unobserved) variables.

        >>> from causal import CausalModel
        >>> sorted(CausalModel({"A": []}, {"A": [0.5, 0.5]}, latent=["A"]).latent)
        ['A']
        """
        return self._latent

    @property
    def intervened(self) -> frozenset[str]:
        """The variables whose mechanism was replaced by an intervention (see :meth:`do`).

        >>> from causal import CausalModel
        >>> sorted(CausalModel({"A": []}, {"A": [0.5, 0.5]}).do(A=0).intervened)
        ['A']
        """
        return self._intervened

    @property
    def parents(self) -> dict[str, tuple[str, ...]]:
        """Each variable's parents, in the order of its mechanism's inputs.

        >>> from causal import LinearGaussianModel
        >>> LinearGaussianModel({"U": ({}, 0.0, 1.0), "X": ({"U": 2.0}, 0.0, 1.0)}).parents
        {'U': (), 'X': ('U',)}
        """
        return dict(self._parents)

    @property
    def mechanisms(self) -> dict[str, Any]:
        """Each variable's mechanism, a kernel ``parents -> variable`` of the model's
        semantics.

        >>> from causal import CausalModel
        >>> CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2}
        ...             ).mechanisms["B"]
        <Kernel B: A -> B, numpy>
             B=0  B=1
        A=0  0.5  0.5
        A=1  0.5  0.5
        """
        return dict(self._kernels)

    @property
    def mapping(self) -> dict[Box, Any]:
        """The kernel of each box of :attr:`diagram`, ready for :func:`markov.interpret`
        (or :func:`markov.interpret_gaussian`).

        >>> from causal import CausalModel
        >>> from markov import interpret
        >>> m = CausalModel({"A": []}, {"A": [0.25, 0.75]})
        >>> interpret(m.diagram, m.mapping).array.tolist()
        [0.25, 0.75]
        """
        return {self._box(v): self._kernels[v] for v in self._variables}

    @property
    def name(self) -> str:
        """The model's name (a BIF file's network name).

        >>> from causal import CausalModel
        >>> CausalModel({"A": []}, {"A": [0.5, 0.5]}, name="coin").name
        'coin'
        """
        return self._name

    @property
    def graph(self) -> nx.DiGraph:
        """The DAG of the model, edges from parents to children (latent nodes included, with
        the node attribute ``latent``); it is what :func:`causal.identify.identify` reads.

        >>> from causal import CausalModel
        >>> CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[0.5, 0.5]] * 2}
        ...             ).graph.edges
        OutEdgeView([('A', 'B')])
        """
        graph = nx.DiGraph()
        for v in self._variables:
            graph.add_node(v, latent=v in self._latent, **self._node_data(v))
        for v in self._variables:
            graph.add_edges_from((p, v) for p in self._parents[v])
        return graph

    def _node_data(self, v: str) -> dict[str, Any]:
        """Extra attributes of ``v``'s node in :attr:`graph`."""
        return {}

    def __repr__(self) -> str:
        name = f" {self._name!r}" if self._name else ""
        edges = sum(len(ps) for ps in self._parents.values())
        extra = f", do({', '.join(sorted(self._intervened))})" if self._intervened else ""
        return (f"<{type(self).__name__}{name}: {len(self._variables)} variables "
                f"({len(self._latent)} latent), {edges} edges{extra}>")

    # ---- diagrams ----------------------------------------------------------------------

    @property
    def diagram(self) -> Diagram:
        """The string diagram: each variable is the output of its mechanism box, copied to
        its children and to the outputs; latent variables are discarded. The outputs are the
        observed variables in the model's order.

        >>> from causal import CausalModel
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

        >>> from causal import LinearGaussianModel
        >>> m = LinearGaussianModel({"A": ({}, 0.0, 1.0), "B": ({"A": 1.0}, 0.0, 1.0)})
        >>> m.diagram_of(["B", "A"]).cod
        Ty('B', 'A')
        """
        return self._diagram(self._names(outputs, "output"))

    def _diagram(self, outputs: tuple[str, ...], *, pruned: bool = False,
                 order: list[str] | None = None) -> Diagram:
        """The diagram with ``outputs``; ``pruned``: with the mechanisms of the outputs'
        ancestors only, which is ``.pruned()`` of the whole one, built directly (``order``:
        those ancestors, as :meth:`_ancestors` gives them, where the caller has them)."""
        if order is None:
            order = self._ancestors(outputs) if pruned else self._order
        index = {v: i for i, v in enumerate(order)}
        # well formed by construction: a topological order, each box typed by its parents
        return Diagram._trusted(order, [self._box(v) for v in order],
                                [tuple(index[p] for p in self._parents[v]) for v in order],
                                [(index[v],) for v in order], inputs=(),
                                outputs=[index[v] for v in outputs])

    def _ancestors(self, outputs: tuple[str, ...]) -> list[str]:
        """The variables among ``outputs`` and their ancestors, in the model's order."""
        keep, stack = set(outputs), list(outputs)
        while stack:
            for p in self._parents[stack.pop()]:
                if p not in keep:
                    keep.add(p)
                    stack.append(p)
        return [v for v in self._order if v in keep]

    def _box(self, v: str) -> Box:
        """The box of ``v``'s mechanism in :attr:`diagram`."""
        raise NotImplementedError

    def draw(self, path: Any = None, **kwargs: Any):
        """Draw :attr:`diagram` (latent mechanisms dashed, intervened ones marked); see
        :func:`causal.drawing.draw`.

        >>> from causal import LinearGaussianModel
        >>> m = LinearGaussianModel({"U": ({}, 0.0, 1.0), "X": ({"U": 2.0}, 0.0, 1.0)})
        >>> sorted(t.get_text() for t in m.draw().axes[0].texts)
        ['U', 'U', 'X', 'X']
        """
        from causal.drawing import draw

        return draw(self, path, **kwargs)

    # ---- interventions -----------------------------------------------------------------

    def do(self, interventions: Mapping[str, Any] | None = None, /, **kwargs: Any):
        """The intervened model: each variable's mechanism is replaced by a state and its
        incoming edges are cut (string-diagram surgery: the new diagram is the surgery of
        this one). A value is what the semantics takes: an outcome index or name (finite),
        a point (Gaussian), a batch of them (the kernels get leading batch axes), or a state
        kernel on the variable (a soft intervention). Unknown variables raise
        :class:`~causal.errors.UnknownVariable`, bad values
        :class:`~causal.errors.InvalidValue`.

        >>> from causal import CausalModel, LinearGaussianModel
        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
        >>> m.do(B=1).query("B").array.tolist(), m.do({"B": 1}).parents["B"]
        ([0.0, 1.0], ())
        >>> g = LinearGaussianModel({"X": ({}, 0.0, 1.0), "Y": ({"X": 2.0}, 0.0, 1.0)})
        >>> g.do(X=1.0).query("Y").mean.tolist()
        [2.0]
        """
        states = self._intervention_states({**(interventions or {}), **kwargs})
        kernels = {**self._kernels, **states}
        parents = {**self._parents, **{v: () for v in states}}
        return self._with(kernels, parents, self._intervened | frozenset(states))

    def _intervention_states(self, do: Mapping[str, Any]) -> dict[str, Any]:
        """The state (a kernel named ``do(V)``) that replaces each intervened mechanism."""
        raise NotImplementedError

    def _with(self, kernels: dict, parents: dict, intervened: frozenset):
        """The model with mechanisms replaced (already validated)."""
        raise NotImplementedError

    # ---- queries -----------------------------------------------------------------------

    def observational(self, variables: str | Sequence[str] | None = None) -> Any:
        """The joint distribution of observed variables (all of them by default, in the
        model's order).

        >>> from causal import CausalModel
        >>> m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
        >>> m.observational().array.tolist()
        [[0.5, 0.0], [0.0, 0.5]]
        """
        return self.query(observed_variables(self, variables))

    # ---- helpers -----------------------------------------------------------------------

    def _check_known(self, v: str, role: str) -> None:
        if v not in self._kernels:
            raise UnknownVariable(f"{role} names {v!r}, which is not a variable of the model")

    def _names(self, names: str | Sequence[str], role: str) -> tuple[str, ...]:
        names = (names,) if isinstance(names, str) else tuple(names)
        for v in names:
            self._check_known(v, role)
        if len(set(names)) != len(names):
            raise CausalError(f"{role}s {list(names)} name a variable twice")
        return names


__all__ = ["StructuralModel"]
