"""Every variable's posterior at once: ``P(V | do(...), evidence)`` for all ``V``.

The model's diagram (after surgery for ``do``) is closed and each observation enters as an
indicator effect on its variable's wire; :func:`markov.all_marginals` then runs one forward
and one backward sweep of one cached contraction, rather than one query per variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from causal._values import check_batches, indices, one_hot, require_mapping
from causal.progress import Steps
from markov import Kernel, ZeroProbabilityEvidence
from markov.arrays import tensor as T
from markov.arrays.steps import ops_for
from markov.contraction.cache import PLANS
from markov.inference.disintegration import check_policy
from markov.inference.marginals import all_marginals
from markov.inference.normalize import normalize


def _normalised(model: Any) -> dict:
    """The model's tables with float rows renormalised (kept with the model): real networks'
    rows sum to 1 only to ~1e-7, and unlike a query, which prunes the mechanisms that reach
    neither a target nor the evidence, every mechanism is in this contraction."""
    return PLANS.about(model, "normalised tables", lambda: {
        box: array if T.exact_backend(model.backend) else normalize(array, 1)
        for box, array in model._arrays.items()})


def _cut(model: Any, variables: tuple[str, ...]) -> Any:
    """The model with the mechanisms of ``variables`` replaced by uniform states (kept with
    the model): ``P(V | do(x), e)`` is its posterior given ``e`` and the observation
    ``x`` (a point mass, or a soft intervention's state as a likelihood), so every
    intervention value of a pattern shares one model, one plan and its kept joints."""
    def cut() -> Any:
        uniform = {}
        for v in variables:
            n = len(model.states[v])
            ones = one_hot(np.arange(n), n, model.backend).sum(axis=0)
            uniform[v] = Kernel.state(normalize(ones, 1), cod=v)
        return model.do(uniform)

    return PLANS.about(model, ("cut for marginals", variables), cut)


def marginals(model: Any, evidence: Mapping[str, Any] | Any = None,
              do: Mapping[str, Any] | None = None, on_zero: str = "raise", *,
              max_memory: int | None = None, progress: bool = False) -> dict[str, Kernel]:
    """The posterior of every variable of ``model`` (latent ones included), in the model's
    order, each a labelled state ``[*batch, n]``; ``evidence`` and ``do`` as in
    :meth:`causal.CausalModel.query`. ``max_memory`` (bytes) bounds the largest intermediate
    (every intermediate is kept for the backward sweep, so a plan that would need slicing is
    refused with :class:`markov.ContractionTooLarge`); ``progress=True`` shows the steps
    (:mod:`causal.progress`).

    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]},
    ...                 {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})
    >>> post = marginals(m, evidence={"C": 1})
    >>> post["S"].array.round(3).tolist(), post["C"].array.tolist()
    ([0.125, 0.875], [0.0, 1.0])
    """
    check_policy(on_zero)  # before any work: a bad policy is refused even where no row is zero
    if evidence is not None and hasattr(evidence, "columns"):  # a pandas DataFrame
        evidence = {str(c): evidence[c].to_numpy() for c in evidence.columns}
    steps = Steps(progress, ("bind", "forward and backward sweeps"), "marginals")
    evidence = require_mapping(evidence, "evidence")
    do = require_mapping(do, "do")
    for v in evidence:
        model._check_known(v, "evidence")
    states = model.states
    observed = {v: indices(v, states[v], value, "evidence") for v, value in evidence.items()}
    likelihoods = {v: one_hot(i, len(states[v]), model.backend) for v, i in observed.items()}
    intervened = model
    if do:
        interventions = model._interventions(do)
        check_batches(interventions, observed)
        if ops_for(model.backend).host and all(type(a) is np.ndarray
                                               for a in interventions.values()):
            intervened = _cut(model, tuple(interventions))
            for v, state in interventions.items():  # on the cut model, do(v) is evidence
                likelihoods[v] = state * likelihoods[v] if v in likelihoods else state
        else:
            intervened = model.do(do)
    diagram = PLANS.about(intervened, "diagram of every variable",
                          lambda: intervened._diagram(tuple(intervened.variables)))
    steps.advance("bind")
    try:
        found = all_marginals(diagram, _normalised(intervened), likelihoods, validate=False,
                              on_zero=on_zero, labels=states, max_memory=max_memory)
    except ZeroProbabilityEvidence as error:
        if not do:
            raise
        raise ZeroProbabilityEvidence(f"under do({', '.join(do)}), {error}") from None
    steps.advance("forward and backward sweeps")
    steps.close()
    return {v: found[v] for v in model.variables}
