"""Counterfactuals by twin diagrams that share the exogenous variables.

``P(Y_{do(X=x)} | evidence)``: "had ``X`` been ``x``, what would ``Y`` have been, given what
was actually observed?" The twin diagram has a factual and a counterfactual copy of every
mechanism; the two copies share the exogenous wires (copies of one wire), the intervention
is surgery on the counterfactual copy only, the evidence an observation on the factual copy;
then one contraction and normalisation (Balke & Pearl 1994; Jacobs, Kissinger & Zanasi,
*Causal inference via string diagram surgery*, MSCS 2021, section on counterfactuals).

**Exogenous variables and the shared noise.** The exogenous variables are the model's roots.
A counterfactual is determined by the model only when every other mechanism is
*deterministic* given its parents (a structural causal model: the noise is explicit, as
latent roots); such a mechanism is duplicated as it is. A mechanism whose table is not
deterministic has implicit noise, and this module then *assumes* a canonical
response-function noise for it, private to that mechanism and independent of everything
else, chosen by ``coupling``:

- ``"independent"`` (the default): the noise is the response function ``u: pa -> v`` with
  ``P(u) = Π_pa P(v = u(pa) | pa)``, responses at different parent values independent.
  Factual and counterfactual copies then agree when their parents agree and are independent
  draws from the table otherwise: ``P(v, v* | pa, pa*) = P(v|pa) P(v*|pa*)`` for
  ``pa != pa*`` and ``δ(v, v*) P(v|pa)`` for ``pa = pa*``.
- ``"monotone"``: one uniform noise ``u`` in [0, 1] and ``v = F^{-1}(u | pa)`` (inverse CDF
  in the order of the outcomes): comonotone responses, e.g. the monotonicity assumption
  under which the probability of necessity is identified.

Shared noise is marginalised analytically: a non-deterministic mechanism becomes one box
``twin(V): pa @ pa -> V @ V`` (exactly the two copies with the response noise copied and
discarded), so no exponential noise variable is built. Variables that are not descendants
of the intervention are the same wire in both worlds (the *merged* twin network; the full
one, ``twin_diagram(..., merged=False)``, gives the same numbers).

>>> from causal import CausalModel
>>> m = CausalModel({"U": [], "S": ["U"], "C": ["S", "U"]},
...                 {"U": [0.5, 0.5], "S": [[1, 0], [0, 1]],
...                  "C": [[[1, 0], [0, 1]], [[0, 1], [0, 1]]]}, latent=["U"])
>>> counterfactual(m, "C", do={"S": 0}, evidence={"S": 1, "C": 1}).array.tolist()
[0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from causal._values import indices, one_hot
from causal.distributed import has_dask_rows
from causal.errors import CausalError, InvalidValue, UnknownVariable
from diagrams import Box, Diagram, Ty
from diagrams._lazy import lazy_module
from markov import Kernel, ZeroProbabilityEvidence, interpret
from markov.arrays import ops as A
from markov.inference.normalize import normalize

nx = lazy_module("networkx")

__all__ = ["COUPLINGS", "counterfactual", "twin_diagram"]

#: The canonical response-function noises for mechanisms whose noise is not explicit.
COUPLINGS = ("independent", "monotone")


def twin_diagram(model: Any, do: Mapping[str, Any], *, factual: Iterable[str] = (),
                 counterfactual: Iterable[str] = (), coupling: str = "independent",
                 merged: bool = True) -> tuple[Diagram, dict[Box, Kernel]]:
    """The twin diagram of ``model`` (a :class:`causal.CausalModel`) for the intervention
    ``do`` (values as in :meth:`causal.CausalModel.do`): a state whose outputs are the
    factual copies of ``factual`` then the counterfactual copies of ``counterfactual``,
    with the kernel of each box. Roots are shared; deterministic mechanisms are duplicated;
    others become ``twin(V)`` boxes with the ``coupling`` noise (see the module). With
    ``merged`` only the descendants of the intervention are duplicated.

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.2, 0.8]]})
    >>> d, mapping = twin_diagram(m, {"S": 0}, factual=["S", "C"], counterfactual=["C"])
    >>> [box.name for box in d.boxes], d.cod
    (['S', 'do(S)', 'twin(C)'], Ty('S', 'C', 'C'))
    """
    if coupling not in COUPLINGS:
        raise InvalidValue(f"coupling must be one of {COUPLINGS}, got {coupling!r}")
    states, parents = model.states, model.parents
    for role, names in (("factual", factual), ("counterfactual", counterfactual),
                        ("do", do)):
        for v in names:
            if v not in states:
                raise UnknownVariable(f"{role} names {v!r}, which is not a variable of the "
                                      f"model; its variables are {list(model.variables)}")
    intervened = model.do(dict(do)).mechanisms if do else {}
    graph = model.graph
    rank = {v: i for i, v in enumerate(model.variables)}
    order = list(nx.lexicographical_topological_sort(graph, key=rank.__getitem__))
    split = set(do).union(*(nx.descendants(graph, v) for v in do)) if merged else \
        {v for v in order if parents[v] or v in do}
    boxes_of = {box.cod.names[0]: box for box in model.mapping}
    mapping: dict[Box, Kernel] = dict(model.mapping)
    wires: list[str] = []
    boxes, ins, outs = [], [], []
    fact: dict[str, int] = {}
    cf: dict[str, int] = {}

    def add(box: Box, inputs: list[int]) -> tuple[int, ...]:
        start = len(wires)
        wires.extend(box.cod.names)
        boxes.append(box)
        ins.append(tuple(inputs))
        outs.append(tuple(range(start, len(wires))))
        return outs[-1]

    for v in order:
        box, kernel = boxes_of[v], model.mechanisms[v]
        pa_f = [fact[p] for p in parents[v]]
        if v not in split:
            fact[v], = add(box, pa_f)
            cf[v] = fact[v]
        elif v in do:
            fact[v], = add(box, pa_f)
            state = Box(f"do({v})", Ty(), Ty(v))
            mapping[state] = Kernel(intervened[v].array, cod=Ty(v), validate=False)
            cf[v], = add(state, [])
        elif _is_deterministic(kernel.array):
            fact[v], = add(box, pa_f)
            cf[v], = add(box, [cf[p] for p in parents[v]])
        else:
            pa = Ty(*parents[v])
            twin = Box(f"twin({v})", pa @ pa, Ty(v, v))
            mapping[twin] = Kernel(_coupled(kernel.array, len(parents[v]), coupling),
                                   dom=pa @ pa, cod=Ty(v, v), validate=False)
            fact[v], cf[v] = add(twin, pa_f + [cf[p] for p in parents[v]])
    outputs = [fact[v] for v in factual] + [cf[v] for v in counterfactual]
    diagram = Diagram(wires, boxes, ins, outs, (), outputs)
    return diagram, {box: mapping[box] for box in diagram.boxes}


def counterfactual(model: Any, targets: str | Iterable[str], do: Mapping[str, Any],
                   evidence: Mapping[str, Any] | Any = None, *,
                   coupling: str = "independent", on_zero: str = "raise",
                   max_memory: int | None = None, progress: bool = False) -> Kernel:
    """``P(targets_{do} | evidence)``: the distribution of the counterfactual copies of
    ``targets`` in the world where ``do`` was done, given ``evidence`` observed in the
    factual world, by the twin diagram (:func:`twin_diagram`), one contraction and
    :func:`markov.inference.normalize.normalize`. ``do`` takes the values of
    :meth:`causal.CausalModel.do`; ``evidence`` maps variables to outcome indices or names,
    or batches of them (a pandas DataFrame: one row per batch entry). Evidence of
    probability zero raises :class:`markov.ZeroProbabilityEvidence` (``on_zero`` takes
    the other policies). Mechanisms without explicit noise get the ``coupling`` noise: an
    assumption, stated in the module's documentation. Dask data in ``do`` or ``evidence``
    gives a lazy dask result, one row per input row (:func:`causal.distributed.map_batches`).

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.2, 0.8]]})
    >>> counterfactual(m, "C", do={"S": 0}, evidence={"S": 1, "C": 1}).array.round(3).tolist()
    [0.9, 0.1]
    >>> counterfactual(m, "C", {"S": 0}, {"S": 1, "C": 1}, coupling="monotone").array.round(3)
    array([0.875, 0.125])
    >>> counterfactual(m, "C", do={"S": 0}, evidence={"Q": 1})
    Traceback (most recent call last):
    ...
    causal.errors.UnknownVariable: factual names 'Q', which is not a variable of the model; its variables are ['S', 'C']
    """
    if has_dask_rows(do) or has_dask_rows(evidence):  # one task per partition
        from causal.distributed import map_batches

        return map_batches(model, "counterfactual", targets, do=do, evidence=evidence,
                           coupling=coupling, on_zero=on_zero)
    targets = (targets,) if isinstance(targets, str) else tuple(targets)
    if len(set(targets)) != len(targets):
        raise CausalError(f"targets {list(targets)} name a variable twice")
    if evidence is not None and hasattr(evidence, "columns"):  # a pandas DataFrame
        evidence = {str(c): evidence[c].to_numpy() for c in evidence.columns}
    evidence = dict(evidence or {})
    diagram, mapping = twin_diagram(model, dict(do or {}), factual=list(evidence),
                                    counterfactual=targets, coupling=coupling)
    states = model.states
    unit = "observed"
    while unit in states:
        unit += "'"
    observed = {v: indices(v, states[v], value, "evidence") for v, value in evidence.items()}
    effects = Diagram((), (), (), (), (), ())
    for v, idx in observed.items():
        box = Box(f"observe({v})", Ty(v), Ty(unit))
        mapping[box] = one_hot(idx, len(states[v]), model.backend)[..., None]
        effects = effects @ box
    effects = effects @ Diagram(targets, (), (), (), range(len(targets)), range(len(targets)))
    from causal.progress import Steps

    steps = Steps(progress, ("twin diagram", "contract"), "counterfactual")
    steps.advance("twin diagram")
    result = interpret(diagram >> effects, mapping, validate=False, max_memory=max_memory)
    steps.advance("contract")
    steps.close()
    array, nb = result.array, result.n_batch
    array = array.reshape(tuple(array.shape[:nb]) + tuple(array.shape[nb + len(observed):]))
    shown = ", ".join(f"{v}={states[v][int(i)]}" if i.ndim == 0 else v
                      for v, i in observed.items())
    array = normalize(array, len(targets), on_zero=on_zero,
                      what=f"the observations {shown}" if shown else "the twin diagram",
                      error=ZeroProbabilityEvidence)
    done = ", ".join(do)
    name = f"P({', '.join(f'{t}_do({done})' for t in targets)}" + \
        (f" | {', '.join(evidence)})" if evidence else ")")
    return Kernel(array, cod=Ty(*targets), validate=False, name=name,
                  labels={v: states[v] for v in targets})


def _is_deterministic(array: Any) -> bool:
    """Every entry 0 or 1 (symbols count as not deterministic)."""
    return A.is_zero_one(array)


def _coupled(array: Any, n_parents: int, coupling: str) -> Any:
    """The twin kernel ``[*batch, *pa, *pa*, v, v*]`` of a table ``[*batch, *pa, v]``."""
    shape = tuple(array.shape)
    nb = len(shape) - n_parents - 1
    batch, pa, nv = shape[:nb], shape[nb:nb + n_parents], shape[-1]
    n = int(np.prod(pa, dtype=int))
    p = array.reshape(batch + (n, nv))
    if coupling == "independent":
        eye_n, eye_v = A.eye_like(n, array), A.eye_like(nv, array)
        outer = p[..., :, None, :, None] * p[..., None, :, None, :]
        same = eye_n[:, :, None, None] * eye_v[None, None] * p[..., :, None, :, None]
        k = outer * (1 - eye_n)[:, :, None, None] + same
    else:
        upper = A.cumsum_last(p)
        lower = upper - p
        hi = A.minimum(upper[..., :, None, :, None], upper[..., None, :, None, :])
        lo = A.maximum(lower[..., :, None, :, None], lower[..., None, :, None, :])
        k = A.maximum(hi - lo, 0 * hi)
    return k.reshape(batch + pa + pa + (nv, nv))
