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

import numpy as np

from causal.base import StructuralModel, check_references
from causal.errors import InvalidCPT, InvalidValue
from causal.gaussian import _mechanism, intervention_state
from causal.surgery import do_box, surgery
from diagrams import Box, Ty
from markov.errors import MarkovError
from markov.gaussian.hybrid import HybridKernel
from markov.gaussian.hybrid_inference import observe
from markov.gaussian.hybrid_interpret import interpret_hybrid
from markov.gaussian.kernel import GaussianKernel
from markov.kernel import Kernel


class HybridModel(StructuralModel):
    """A structural causal model with discrete and continuous variables (conditional
    Gaussian): one mechanism per variable, some variables latent. The skeleton (variables,
    parents, mechanisms, latent, diagram, ``do``, ``observational``) is
    :class:`causal.base.StructuralModel`'s, shared with :class:`~causal.CausalModel` and
    :class:`~causal.LinearGaussianModel`; ``do`` takes an outcome index (or a batch, or a
    :class:`~markov.Kernel` state) for a discrete variable and a value (or a batch, or a
    Gaussian state) for a continuous one.

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
        latent, intervened = frozenset(latent), frozenset(intervened)
        check_references(kernels, latent, intervened)
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
        self._init_skeleton(variables, {v: k.dom.names for v, k in kernels.items()}, kernels,
                            latent=latent, intervened=intervened, name=name)
        self._sizes, self._dims = sizes, dims

    def _with(self, kernels: dict, parents: dict, intervened: frozenset) -> HybridModel:
        return HybridModel({v: kernels[v] for v in self._variables}, latent=self._latent,
                           name=self._name, intervened=intervened)

    def _box(self, v: str) -> Box:
        k = self._kernels[v]
        return do_box(v) if v in self._intervened else Box(v, k.dom, k.cod)

    def _node_data(self, v: str) -> dict[str, Any]:
        return {"kind": "discrete" if v in self._sizes else "continuous"}

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

    # ---- interventions and queries -----------------------------------------------------

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
        states = self._intervention_states(dict(do or {}))
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

    def _intervention_states(self, do: Mapping[str, Any]) -> dict[str, HybridKernel]:
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
                out[v] = HybridKernel.embed(intervention_state(v, value, self._dims[v]))
        return out


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
