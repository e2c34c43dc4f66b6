"""Hybrid causal models: discrete and continuous variables in one causal diagram, interpreted
in the conditional-Gaussian semantics of :mod:`markov.gaussian.hybrid`.

- A variable ``V`` is the wire ``Ty("V")``; its mechanism is the box ``Box("V", Ty(*parents),
  Ty("V"))``, mapped to a :class:`~markov.Kernel` (a discrete variable with discrete
  parents), a :class:`~markov.GaussianKernel` or an equation ``({parent: weight}, intercept,
  variance)`` (a continuous variable with continuous parents, as in
  :class:`~causal.gaussian.LinearGaussianModel`), or a :class:`~markov.HybridKernel`
  (e.g. :meth:`~markov.HybridKernel.indexed`: a continuous variable with discrete and
  continuous parents). A discrete variable with a continuous parent is not conditional
  Gaussian and is refused (:class:`~causal.errors.InvalidCPT` says why).
- ``do`` is string-diagram surgery (:func:`causal.surgery.surgery`), on discrete variables
  (an index, a batch of indices, or a state) and continuous ones (a value or a Gaussian state).
- ``query`` interprets the intervened diagram with :func:`markov.interpret_hybrid`,
  observes the evidence (continuous evidence weights the discrete variables by its density)
  and marginalises; a marginalised discrete parent of a continuous target leaves a mixture.
- :func:`causal.hybrid_estimand.evaluate_hybrid` evaluates an identification estimand that
  is a chain of conditionals on a hybrid joint (``Estimand.evaluate`` calls it for a
  ``HybridKernel``).

>>> from markov import GaussianKernel, HybridKernel, Kernel
>>> m = HybridModel({"T": Kernel.state([0.5, 0.5], cod="T"),
...                  "Y": HybridKernel.indexed(GaussianKernel.state([[0.0], [2.0]], [[1.0]],
...                                                                 cod="Y"), by="T")})
>>> m.query("Y", do={"T": 1}).gaussian.mean[..., 0].tolist()
[2.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from causal._values import observed_variables
from causal.errors import CausalError, InvalidCPT, InvalidValue, UnknownVariable
from causal.gaussian import _is_torch, _mechanism, _topological_order
from causal.surgery import do_box, surgery
from diagrams import Box, Diagram, Ty
from markov.errors import MarkovError
from markov.gaussian.hybrid import HybridKernel
from markov.gaussian.hybrid_inference import observe
from markov.gaussian.hybrid_interpret import interpret_hybrid
from markov.gaussian.kernel import GaussianKernel
from markov.kernel import Kernel


class HybridModel:
    """A structural causal model with discrete and continuous variables (conditional
    Gaussian): one mechanism per variable, some variables latent.

    ``mechanisms`` maps each variable (in the model's order) to its mechanism (see the module
    docstring); the domain of a mechanism names its parents. Unknown parents raise
    :class:`~causal.errors.UnknownVariable`, cycles :class:`~causal.errors.CyclicModel`,
    malformed mechanisms and continuous parents of discrete variables
    :class:`~causal.errors.InvalidCPT`.

    >>> from markov import GaussianKernel, Kernel
    >>> m = HybridModel({"X": GaussianKernel.state([0.0], [[1.0]], cod="X"),
    ...                  "C": Kernel([[0.5, 0.5]], dom="X", cod="C")})
    Traceback (most recent call last):
    ...
    causal.errors.InvalidCPT: variable 'C' is discrete but its parent 'X' is continuous: a discrete variable with a continuous parent is not conditional Gaussian (CG models are not closed under it); model the dependence the other way, or observe X as evidence
    """

    def __init__(self, mechanisms: Mapping[str, Any], *, latent: Iterable[str] = (),
                 name: str = "", intervened: Iterable[str] = ()):
        variables = tuple(str(v) for v in mechanisms)
        kernels = {str(v): _hybrid_mechanism(str(v), m) for v, m in mechanisms.items()}
        for v, k in kernels.items():
            for p in k.dom.names:
                if p not in kernels:
                    raise UnknownVariable(f"variable {v!r} has parent {p!r}, which is not a "
                                          "variable of the model")
        latent, intervened = frozenset(latent), frozenset(intervened)
        for group, names in (("latent", latent), ("intervened", intervened)):
            for v in names:
                if v not in kernels:
                    raise UnknownVariable(f"{group} names {v!r}, which is not a variable of "
                                          f"the model; its variables are {list(variables)}")
        sizes = {v: k.sizes[v] for v, k in kernels.items() if v in k.sizes}
        dims = {v: k.dims[v] for v, k in kernels.items() if v in k.dims}
        for v, k in kernels.items():
            for p in k.dom.names:
                if p in dims and v in sizes:
                    raise InvalidCPT(
                        f"variable {v!r} is discrete but its parent {p!r} is continuous: a "
                        "discrete variable with a continuous parent is not conditional "
                        "Gaussian (CG models are not closed under it); model the dependence "
                        f"the other way, or observe {p} as evidence")
                own = k.sizes.get(p, k.dims.get(p))
                theirs = sizes.get(p, dims.get(p))
                if (p in sizes) != (p in k.sizes) or own != theirs:
                    raise InvalidCPT(f"variable {v!r} treats its parent {p!r} as "
                                     f"{'discrete' if p in k.sizes else 'continuous'} of "
                                     f"size {own}, but {p!r} is {theirs}-"
                                     f"{'valued' if p in sizes else 'dimensional'}")
        self._variables, self._kernels, self._latent = variables, kernels, latent
        self._intervened, self._name = intervened, str(name)
        self._sizes, self._dims = sizes, dims
        self._order = _topological_order(variables, {v: k.dom.names
                                                     for v, k in kernels.items()})

    # ---- the data ----------------------------------------------------------------------

    @property
    def variables(self) -> tuple[str, ...]:
        """All variables, in the model's order.

        >>> _example().variables
        ('Z', 'T', 'Y')
        """
        return self._variables

    @property
    def observed(self) -> tuple[str, ...]:
        """The variables that are not latent.

        >>> _example().observed
        ('Z', 'T', 'Y')
        """
        return tuple(v for v in self._variables if v not in self._latent)

    @property
    def latent(self) -> frozenset[str]:
        """The latent variables.

        >>> _example().latent
        frozenset()
        """
        return self._latent

    @property
    def intervened(self) -> frozenset[str]:
        """The variables whose mechanism an intervention replaced.

        >>> _example().do(T=1).intervened
        frozenset({'T'})
        """
        return self._intervened

    @property
    def parents(self) -> dict[str, tuple[str, ...]]:
        """Each variable's parents.

        >>> _example().parents["Y"]
        ('T', 'Z')
        """
        return {v: self._kernels[v].dom.names for v in self._variables}

    @property
    def mechanisms(self) -> dict[str, HybridKernel]:
        """Each variable's mechanism as a hybrid kernel ``parents -> V``.

        >>> _example().mechanisms["Y"].sizes
        {'T': 2, 'Z': 2}
        """
        return dict(self._kernels)

    @property
    def sizes(self) -> dict[str, int]:
        """The number of outcomes of each discrete variable.

        >>> _example().sizes
        {'Z': 2, 'T': 2}
        """
        return dict(self._sizes)

    @property
    def dims(self) -> dict[str, int]:
        """The dimension of each continuous variable.

        >>> _example().dims
        {'Y': 1}
        """
        return dict(self._dims)

    @property
    def graph(self) -> nx.DiGraph:
        """The DAG, latent nodes marked ``latent=True`` and each node's ``kind``
        (``"discrete"`` or ``"continuous"``); it is what :func:`causal.identify.identify`
        reads.

        >>> sorted(_example().graph.edges)
        [('T', 'Y'), ('Z', 'T'), ('Z', 'Y')]
        """
        graph = nx.DiGraph()
        for v in self._variables:
            graph.add_node(v, latent=v in self._latent,
                           kind="discrete" if v in self._sizes else "continuous")
        for v in self._variables:
            graph.add_edges_from((p, v) for p in self._kernels[v].dom.names)
        return graph

    def __repr__(self) -> str:
        name = f" {self._name!r}" if self._name else ""
        extra = f", do({', '.join(sorted(self._intervened))})" if self._intervened else ""
        return (f"<HybridModel{name}: {len(self._sizes)} discrete and {len(self._dims)} "
                f"continuous variables ({len(self._latent)} latent){extra}>")

    @property
    def diagram(self) -> Diagram:
        """The string diagram with the observed variables as outputs.

        >>> [box.name for box in _example().diagram.boxes]
        ['Z', 'T', 'Y']
        """
        return self.diagram_of(self.observed)

    def diagram_of(self, outputs: Sequence[str]) -> Diagram:
        """The model's diagram with the given variables as outputs.

        >>> _example().diagram_of(["Y", "Z"]).cod
        Ty('Y', 'Z')
        """
        outputs = self._names(outputs, "output")
        index = {v: i for i, v in enumerate(self._order)}
        return Diagram(self._order, [self._box(v) for v in self._order],
                       [tuple(index[p] for p in self._kernels[v].dom.names)
                        for v in self._order],
                       [(index[v],) for v in self._order], (), [index[v] for v in outputs])

    @property
    def mapping(self) -> dict[Box, HybridKernel]:
        """The hybrid kernel of each box of :attr:`diagram`.

        >>> from markov import interpret
        >>> m = _example()
        >>> interpret(m.diagram, m.mapping).cod
        Ty('Z', 'T', 'Y')
        """
        return {self._box(v): self._kernels[v] for v in self._variables}

    def _box(self, v: str) -> Box:
        k = self._kernels[v]
        return do_box(v) if v in self._intervened else Box(v, k.dom, k.cod)

    # ---- interventions and queries -----------------------------------------------------

    def do(self, interventions: Mapping[str, Any] | None = None, /, **kwargs: Any
           ) -> HybridModel:
        """The intervened model: each intervened variable's mechanism is replaced by a state
        (an outcome index, a batch of them, or a :class:`~markov.Kernel` state, for a
        discrete variable; a value, a batch of values, or a Gaussian state, for a continuous
        one) and its incoming edges are cut.

        >>> m = _example().do(T=[0, 1])
        >>> m.parents["T"], m.query("Y").batch_shape
        ((), (2,))
        """
        states = self._interventions({**(interventions or {}), **kwargs})
        mechanisms = {v: states.get(v, self._kernels[v]) for v in self._variables}
        return HybridModel(mechanisms, latent=self._latent, name=self._name,
                           intervened=self._intervened | frozenset(states))

    def query(self, targets: str | Sequence[str], do: Mapping[str, Any] | None = None,
              evidence: Mapping[str, Any] | None = None) -> HybridKernel:
        """``P(targets | do(...), evidence)`` as a hybrid state on the targets: surgery,
        :func:`markov.interpret_hybrid`, :func:`~markov.gaussian.hybrid_inference.observe`
        (discrete evidence: indices; continuous: values, densities weighting the discrete
        variables) and the marginal (a mixture where a discrete parent is marginalised).

        >>> m = _example()
        >>> post = m.query("Z", evidence={"Y": 3.0})      # density-weighted
        >>> [round(w, 4) for w in post.weights[..., 0].tolist()]
        [0.1178, 0.8822]
        """
        targets = self._names(targets, "target")
        evidence = dict(evidence or {})
        names = self._names(tuple(evidence), "evidence")
        states = self._interventions(dict(do or {}))
        diagram = self.diagram_of(targets + names)
        mapping: dict[Any, HybridKernel] = dict(self.mapping)
        if states:
            diagram = surgery(diagram, {v: do_box(v) for v in states})
            mapping.update({do_box(v): k for v, k in states.items()})
        joint = interpret_hybrid(diagram, mapping, sizes=self._sizes, dims=self._dims)
        if evidence:
            joint = observe(joint, {len(targets) + i: evidence[v]
                                    for i, v in enumerate(names)})
        return joint.select(list(range(len(targets))))

    def marginals(self, variables: str | Sequence[str] | None = None,
                  do: Mapping[str, Any] | None = None,
                  evidence: Mapping[str, Any] | None = None) -> dict[str, HybridKernel]:
        """The marginal of each variable (all of them by default) under ``do`` and
        ``evidence``: one joint query, then one marginal per variable.

        >>> out = _example().marginals(["Z", "Y"], do={"T": 0})
        >>> out["Z"].weights[..., 0].tolist(), out["Y"].n_components
        ([0.3, 0.7], 2)
        """
        names = list(self._variables) if variables is None else \
            list(self._names(variables, "variable"))
        joint = self.query(names, do=do, evidence=evidence)
        return {v: joint.select([i]) for i, v in enumerate(names)}

    def observational(self, variables: str | Sequence[str] | None = None) -> HybridKernel:
        """The hybrid joint of observed variables (all by default), e.g. for
        ``identify(...).evaluate``.

        >>> _example().observational().cod
        Ty('Z', 'T', 'Y')
        """
        return self.query(observed_variables(self, variables))

    def _interventions(self, do: Mapping[str, Any]) -> dict[str, HybridKernel]:
        out = {}
        for v, value in do.items():
            self._names([v], "do")
            name = do_box(v).name
            if v in self._sizes:
                n = self._sizes[v]
                if isinstance(value, Kernel):
                    if value.dom != Ty() or value.cod != Ty(v):
                        raise InvalidValue(f"variable {v!r}: a soft intervention is a state "
                                           f"on {v}, got {value!r}")
                    state = value
                else:
                    idx = np.asarray(value)
                    if idx.dtype.kind not in "iu" or (idx < 0).any() or (idx >= n).any():
                        raise InvalidValue(f"variable {v!r} has {n} outcomes; do() takes "
                                           f"indices 0..{n - 1}, got {value!r}")
                    state = Kernel((np.arange(n) == idx[..., None]).astype(float), cod=Ty(v),
                                   validate=False)
                out[v] = HybridKernel.embed(Kernel(state.array, cod=Ty(v), name=name,
                                                   validate=False))
            else:
                d = self._dims[v]
                if isinstance(value, GaussianKernel):
                    if not value.is_state or value.cod != Ty(v) or value.cod_dims != (d,):
                        raise InvalidValue(f"variable {v!r}: a soft intervention is a "
                                           f"Gaussian state on {v} of dimension {d}, got "
                                           f"{value!r}")
                    state = value
                else:
                    point = value if _is_torch(value) else np.asarray(value, dtype=float)
                    if point.ndim == 0 or (d == 1 and point.shape[-1] != 1):
                        point = point[..., None]
                    if point.shape[-1] != d:
                        raise InvalidValue(f"variable {v!r} is {d}-dimensional; do() got a "
                                           f"value of shape {tuple(point.shape)}")
                    state = GaussianKernel.state(point, None, cod=Ty(v), dims={v: d})
                out[v] = HybridKernel.embed(state)
        return out

    def _names(self, names: str | Sequence[str], role: str) -> tuple[str, ...]:
        names = (names,) if isinstance(names, str) else tuple(names)
        for v in names:
            if v not in self._kernels:
                raise UnknownVariable(f"{role} names {v!r}, which is not a variable of the "
                                      "model")
        if len(set(names)) != len(names):
            raise CausalError(f"{role}s {list(names)} name a variable twice")
        return names


def _hybrid_mechanism(v: str, spec: Any) -> HybridKernel:
    if isinstance(spec, (Kernel, HybridKernel)):
        kernel = HybridKernel.embed(spec)
    elif isinstance(spec, (GaussianKernel, tuple)):
        kernel = HybridKernel.embed(_mechanism(v, spec))
    else:
        try:
            kernel = HybridKernel.embed(Kernel.state(spec, cod=Ty(v), name=v))
        except MarkovError as error:
            raise InvalidCPT(f"variable {v!r}: {error}") from None
        except (TypeError, ValueError):
            raise InvalidCPT(f"variable {v!r}: a mechanism is a Kernel, GaussianKernel, "
                             "HybridKernel, an equation ({parent: weight}, intercept, "
                             f"variance) or a probability vector, got {spec!r}") from None
    if kernel.cod != Ty(v):
        raise InvalidCPT(f"variable {v!r}: its mechanism has codomain {kernel.cod}, expected "
                         f"{Ty(v)}")
    if kernel.n_components != 1:
        raise InvalidCPT(f"variable {v!r}: a mechanism is a plain CG kernel, not a mixture "
                         f"of {kernel.n_components} components; add the mixing variable "
                         "to the model")
    return kernel


def _example() -> HybridModel:
    """Discrete confounder Z, discrete treatment T, continuous outcome Y (for examples)."""
    mu = np.array([[[0.0], [1.0]], [[2.0], [4.0]]])          # [t, z, 1]
    return HybridModel({
        "Z": Kernel.state([0.3, 0.7], cod="Z"),
        "T": Kernel([[0.8, 0.2], [0.4, 0.6]], dom="Z", cod="T"),
        "Y": HybridKernel.indexed(GaussianKernel.state(mu, [[1.0]], cod="Y"), by=("T", "Z")),
    })


__all__ = ["HybridModel"]
