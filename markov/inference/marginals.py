"""Every wire's marginal from one forward and one backward sweep of a cached contraction.

The diagram is closed (its outputs discarded) and each piece of evidence is an effect on its
wire: a likelihood row ``[*batch, n]``. The contraction then computes the probability of the
evidence, one number per batch element; the backward pass
(:mod:`markov.contraction.backward`) gives each box's joint with the evidence, from which
each wire's posterior is one sum and one normalisation. This is the differential approach
to inference (Darwiche 2003), the answer a calibrated junction tree gives, at the cost of
about three contractions whatever the number of wires.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from diagrams import Box, Diagram, Ty
from markov.arrays import backend as B
from markov.arrays import ops as A
from markov.arrays.steps import ops_for
from markov.contraction.backward import compile_backward, joints, run_forward
from markov.contraction.cache import PLANS
from markov.contraction.interpret import _bind
from markov.contraction.paths import symbol
from markov.contraction.plan import RESCALE_MODES, Plan, _fits, _floating, as_given
from markov.errors import (ContractionTooLarge, InvalidOption, ShapeMismatch, UnknownAtom,
                            ZeroProbabilityEvidence)
from markov.inference.folded_marginals import folded_marginals, stacked_posteriors, wire_types
from markov.inference.normalize import normalize
from markov.kernel import Kernel


def wire_keys(diagram: Diagram) -> tuple[str, ...]:
    """The name of each wire in :func:`all_marginals`'s answer: its type, and for the k-th
    further wire of a type already seen, ``"type#k"``.

    >>> from diagrams import Ty, Box, copy
    >>> X = Ty("X")
    >>> f = Box("f", X, X)
    >>> wire_keys(Box("p", Ty(), X) >> copy(X) >> (f @ f))
    ('X', 'X#1', 'X#2')
    """
    seen: dict[str, int] = {}
    keys = []
    for ty in diagram.wires:
        k = seen.get(ty, 0)
        seen[ty] = k + 1
        keys.append(ty if k == 0 else f"{ty}#{k}")
    return tuple(keys)


def all_marginals(diagram: Diagram | Box, mapping: Mapping, evidence: Mapping[str, Any]
                  | None = None, *, sizes: Mapping[str, int] | None = None,
                  validate: bool = True, max_memory: int | None = None,
                  rescale: bool | str = "auto", on_zero: str = "raise",
                  labels: Mapping[str, Sequence] | None = None) -> dict[str, Kernel]:
    """The posterior of every wire of a diagram without inputs, given evidence.

    ``mapping`` is as in :func:`markov.interpret`. ``evidence`` maps wires (named as in
    :func:`wire_keys`) to likelihoods: arrays ``[*batch, n]`` (a one-hot row observes a
    value; batches of rows broadcast with the boxes' batch axes). The answer maps each wire
    to a state ``[*batch, n]``, all from one forward and one backward sweep of one cached
    plan. Float results are normalised (``rescale`` guards against underflow as in
    :func:`markov.interpret`); exact ones are exact. Evidence of probability zero raises
    :class:`~markov.ZeroProbabilityEvidence` (``on_zero``: the policies of
    :func:`markov.inference.normalize.normalize`). ``labels`` names the outcomes of wire
    types, as :class:`~markov.Kernel` labels. A diagram asked again with the same observed
    wires and the very same tables answers from every wire's joint with each combination
    of evidence values, kept after the second such call
    (:mod:`markov.inference.folded_marginals`; the tables are taken to be unchanged while
    they are the same objects): one small product and one normalisation.

    >>> from fractions import Fraction as Fr
    >>> from diagrams import Ty, Box
    >>> X, Y = Ty("X"), Ty("Y")
    >>> p, f = Box("p", Ty(), X), Box("f", X, Y)
    >>> m = all_marginals(p >> f, {p: [Fr(1, 2), Fr(1, 2)],
    ...                            f: [[Fr(9, 10), Fr(1, 10)], [Fr(3, 10), Fr(7, 10)]]},
    ...                   evidence={"Y": [0, 1]})
    >>> m["X"].array.tolist(), m["Y"].array.tolist()
    ([Fraction(1, 8), Fraction(7, 8)], [Fraction(0, 1), Fraction(1, 1)])
    >>> all_marginals(p >> f, {p: [0.5, 0.5], f: [[1.0, 0.0], [1.0, 0.0]]}, {"Y": [0, 1]})
    Traceback (most recent call last):
    ...
    markov.errors.ZeroProbabilityEvidence: the observations of Y have probability zero at row ()
    """
    d = diagram.to_diagram() if isinstance(diagram, Box) else diagram
    if d.inputs:
        raise ShapeMismatch(f"all_marginals needs a diagram without inputs; this one has "
                            f"inputs {d.dom}")
    if rescale not in RESCALE_MODES:
        raise InvalidOption(f"rescale must be one of {RESCALE_MODES}, got {rescale!r}")
    keys = PLANS.about(d, "wire keys", lambda: wire_keys(d))
    evidence = dict(evidence or {})
    for key in evidence:
        if key not in keys:
            raise UnknownAtom(f"evidence on {key!r}, which is not a wire of the diagram; its "
                              f"wires are {list(keys)}")
    what = ("the observations of " + ", ".join(evidence)) if evidence else "the boxes"
    options = {"sizes": sizes, "validate": validate, "max_memory": max_memory}
    if rescale is not True:  # the joints with the evidence, kept for a repeated pattern
        found = folded_marginals(
            d, keys, mapping, evidence, on_zero=on_zero, what=what, labels=labels,
            sweep=lambda rows, scale, budget: _joints(
                d, keys, mapping, dict(zip(evidence, rows)), rescale=scale, options=options,
                budget=budget),
            options=(tuple(sorted(sizes.items())) if sizes else None, validate, max_memory))
        if found is not None:
            return found
    found, plan, backend, template = _joints(d, keys, mapping, evidence, rescale=rescale,
                                             options=options)
    if template is None and ops_for(backend).host:  # one normalisation for every wire
        shape = tuple(plan.output_shape)
        stacked = np.concatenate([j.reshape(shape + j.shape[-1:]) for j in found], axis=-1)
        return stacked_posteriors(stacked, tuple(int(j.shape[-1]) for j in found), keys,
                                  wire_types(d), on_zero=on_zero, what=what, labels=labels)
    out = {}
    for key, ty, joint in zip(keys, d.wires, found):
        array = joint.reshape(tuple(plan.output_shape) + tuple(joint.shape[-1:]))
        array = as_given(array, backend, template)
        array = normalize(array, 1, on_zero=on_zero, what=what, error=ZeroProbabilityEvidence)
        out[key] = Kernel._trusted(array, Ty(), Ty(ty),
                                   {ty: labels[ty]} if labels and ty in labels else None)
    return out


def _joints(d: Diagram, keys: tuple, mapping: Mapping, evidence: dict, *,
            rescale: bool | str, options: dict, budget: int | None = None
            ) -> tuple[list, Plan, str, Any]:
    """Every wire's (unnormalised) joint with the evidence, ``[*batch, n]``, from one
    forward and one backward sweep; with the plan, the backend and the torch template.
    ``budget`` bounds the numbers the sweep keeps (estimated: each step's result times the
    batch, which every adjoint carries)."""
    closed, full = _closed(d, keys, mapping, evidence)
    plan, arrays, backend, template, _ = _bind(closed, full, prune=False, **options)
    if budget is not None and _kept(plan) > budget:
        raise ContractionTooLarge(f"the sweep would keep about {_kept(plan):,} numbers, over "
                                  f"{budget:,}")
    if plan.n_slices > 1:
        raise ContractionTooLarge(f"all_marginals keeps every intermediate, and the largest "
                                  f"has {plan.largest_intermediate:,} elements, over "
                                  "max_memory; ask for fewer marginals with interpret")
    if evidence:  # float likelihoods (one-hot rows) in the backend's numbers
        arrays[-len(evidence):] = [A.in_backend(a, backend) for a in arrays[-len(evidence):]]
    backward = _backward(plan, len(d.wires))
    operands = plan._operands(arrays, backend, template)
    floating = _floating(operands, backend, template)
    scale = floating and rescale is True
    found = joints(backward, run_forward(plan.program, operands, backend, scale), backend,
                   scale)
    if floating and rescale == "auto":
        n_batch = len(plan.program.batch_shape)
        if not _all_fit(found, n_batch, backend):
            found = joints(backward, run_forward(plan.program, operands, backend, True),
                           backend, True)
    return found, plan, backend, template


def _kept(plan: Plan) -> int:
    """About how many numbers a sweep keeps: every step's result, and its adjoint, which
    carries every batch label."""
    batch = plan.equation.split("->")[1]
    n_batch = math.prod(plan.sizes[c] for c in batch)
    return sum(math.prod(step.out_shape) + n_batch * math.prod(
        plan.sizes[c] for c in step.labels if c not in batch) for step in plan.program.steps)


def _all_fit(found: list, n_batch: int, backend: str) -> bool:
    """Whether no wire's joint needs rescaling: one check over them all, side by side, on
    the host (every wire's joint sums to the same probability of the evidence)."""
    if not ops_for(backend).host:
        return all(_fits(j, n_batch, backend) for j in found)
    return _fits(np.concatenate([j.reshape(j.shape[:n_batch] + (-1,)) for j in found], -1),
                 n_batch, backend)


def _closed(d: Diagram, keys: tuple, mapping: Mapping, evidence: dict
            ) -> tuple[Diagram, dict]:
    """The diagram with its outputs discarded and an effect box per piece of evidence
    (compiled once per diagram and evidence pattern), and the mapping extended by the
    evidence likelihoods."""
    pattern = tuple(evidence)
    closed = PLANS.about(d, ("closed", pattern), lambda: _close(d, keys, pattern))
    full = dict(mapping)
    for effect, value in zip(closed.boxes[len(d.boxes):], evidence.values()):
        array = value.array if isinstance(value, Kernel) else B.as_array(value)
        full[effect] = Kernel(array, dom=effect.dom, cod=Ty(), validate=False)
    return closed, full


def _close(d: Diagram, keys: tuple, pattern: tuple) -> Diagram:
    index = {k: w for w, k in enumerate(keys)}
    boxes, box_in, box_out = list(d.boxes), list(d.box_inputs), list(d.box_outputs)
    for key in pattern:
        w = index[key]
        boxes.append(Box(f"evidence({key})", Ty(d.wires[w]), Ty()))
        box_in.append((w,))
        box_out.append(())
    return Diagram(d.wires, boxes, box_in, box_out, (), ())


def _backward(plan: Plan, n_wires: int):
    """The plan's backward pass, compiled once per plan."""
    return PLANS.get(("backward", plan), lambda: _compile_backward(plan, n_wires))


def _compile_backward(plan: Plan, n_wires: int):
    terms = plan.equation.split("->")[0].split(",")
    batch = plan.equation.split("->")[1]
    nb = len(plan.output_shape)
    labels = "".join(symbol(nb + w) for w in range(n_wires))
    return compile_backward(terms, batch, plan.sizes, plan.path, labels=labels,
                            forward=plan.program)
