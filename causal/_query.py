"""Private: the diagram a query contracts, and the arrays bound to its boxes.

A query ``P(targets | do(...), evidence)`` starts from the model's diagram with the targets
and evidence variables as outputs, pruned, then surgery on the intervened variables, pruned
again; when every observation is a fixed value, the mechanisms that are not requisite by
d-separation go too, if their tables are positive (:mod:`causal.requisite`). Then, as variable elimination does with
evidence:

- a variable *fixed* to one value (an unbatched observation, or an unbatched point-mass
  intervention, that is not a target) leaves the diagram: every table with its axis is
  indexed at that value. Its own mechanism becomes a *likelihood factor* on its remaining
  parents; a factor on no wire at all is a constant, only checked for zero;
- every other evidence variable gets an *indicator* factor on its wire.

Factors do not sum to 1: they are effects (boxes with no output), which pruning (naturality
of discard, true of stochastic boxes only) would drop, so the diagram is contracted by the
compiled plan directly, not pruned again. Each factor is an effect of its own: the model's
tables stay as they are, the same arrays on every call, and a repeated query folds them once
(:mod:`markov.contraction.runner`). Its outputs are the targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import prod
from typing import Any

import numpy as np

from causal._values import one_hot
from causal.requisite import requisite_diagram
from causal.surgery import is_do_box, surgery
from diagrams import Box, Diagram, Ty
from diagrams._lazy import Frozen
from markov.arrays.steps import NumpyOps
from markov.contraction.cache import PLANS
from markov.contraction.once import ONE_EINSUM, contract_once
from markov.errors import ZeroProbabilityEvidence


class Compiled(Frozen):
    """A query's diagram and, for each box, how to make its array: its source, either
    ``("box", box, cuts)`` (the table of a model box, or the intervention on its variable,
    indexed at the fixed values: ``cuts`` pairs a negative axis with a variable; a likelihood
    factor when the box's own variable is cut) or ``("observe", variable, ())`` (an
    indicator). ``constants`` are factors on no wire. Frozen, equal by its fields, and
    weakly referenced by the cache entries kept about it."""

    diagram: Diagram
    #: the source of each box, in the diagram's order
    sources: tuple
    constants: tuple
    #: positions of the boxes whose arrays are the model's own tables, the same on every
    #: call: the contraction folds them (see markov.contraction.folding)
    fold: frozenset
    #: the other positions: the boxes whose arrays are made on every call
    changing: tuple

    # A frozen record written out: building a dataclass costs every cold start ~1 ms.
    def __init__(self, diagram: Diagram, sources: tuple, constants: tuple,
                 fold: frozenset = frozenset(), changing: tuple = ()) -> None:
        self.__dict__.update(diagram=diagram, sources=sources, constants=constants,
                             fold=fold, changing=changing)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Compiled:
            return NotImplemented
        return tuple(self.__dict__.values()) == tuple(other.__dict__.values())

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        return "Compiled(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"


def compile_query(diagram_of, states: Mapping, key: tuple, *, positive=None) -> Compiled:
    targets, evidence, do, fixed = key  # (tuple, tuple, frozenset, frozenset)
    d = diagram_of(targets + evidence, pruned=True)
    if do:
        d = surgery(d, sorted(do)).pruned()
    if positive is not None and fixed and fixed >= set(evidence):
        d = requisite_diagram(d, targets, fixed, positive)
    keep = [w for w, ty in enumerate(d.wires) if ty not in fixed]
    new = {w: i for i, w in enumerate(keep)}
    wires = [d.wires[w] for w in keep]
    boxes, box_in, box_out, sources = [], [], [], []
    factors, constants = [], []  # factors: (source, wires of its axes)
    for box, ins, outs in zip(d.boxes, d.box_inputs, d.box_outputs):
        names = box.dom.names + box.cod.names
        cuts = tuple((p - len(names), u) for p, u in enumerate(names) if u in fixed)
        kept_in = [new[w] for w in ins if d.wires[w] not in fixed]
        source = ("box", box, cuts)
        if box.cod.names[0] in fixed:  # a likelihood factor on the other parents
            if kept_in:
                factors.append((source, kept_in))
            elif box.cod.names[0] not in do:  # an intervention's own factor is 1
                constants.append(source)
            continue
        boxes.append(Box(box.name, Ty(*(wires[w] for w in kept_in)), box.cod))
        box_in.append(kept_in)
        box_out.append([new[w] for w in outs])
        sources.append(source)
    outputs = [new[w] for w in d.outputs[:len(targets)]]
    for v, w in zip(evidence, d.outputs[len(targets):]):
        if v not in fixed:
            factors.append((("observe", v, ()), [new[w]]))
    recipe = dict(zip(boxes, sources))
    for source, on in factors:  # each an effect of its own: the tables stay the model's
        name = source[1].name if source[0] == "box" else f"observe({source[1]})"
        effect = Box(name, Ty(*(wires[w] for w in on)), Ty())
        boxes.append(effect)
        box_in.append(list(on))
        box_out.append([])
        recipe[effect] = source
    diagram = _prune(Diagram._trusted(wires, boxes, box_in, box_out, inputs=(),
                                      outputs=outputs))
    sources = tuple(recipe[box] for box in diagram.boxes)
    fold = frozenset(j for j, source in enumerate(sources) if _is_table(source))
    changing = tuple(j for j in range(len(sources)) if j not in fold)
    return Compiled(diagram, sources, tuple(constants), fold, changing)


def first_answer(model: Any, targets: tuple, evidence: tuple, observed: dict) -> Any:
    """The unnormalised answer to ``targets`` given one state index per ``evidence``
    variable (``observed``), with no intervention, without compiling the query (a pattern's
    first call): the diagram of the targets and observed variables (their ancestors'
    mechanisms) contracted at once (:func:`~markov.contraction.once.contract_once`), then
    read at the observed states. None where that does not apply (a variable both target and
    observed, a large or exact network, an answer in need of rescaling): the compiled query
    answers then."""
    order = model._ancestors(targets + evidence)
    if prod(len(model._states[v]) for v in order) > ONE_EINSUM:
        return None  # the compiled query prunes more, and finds a better order
    diagram = model._diagram(targets + evidence, order=order)
    arrays = model._arrays
    answer = contract_once(diagram, [arrays.get(box) for box in diagram.boxes])
    if answer is None:
        return None
    answer = answer[(Ellipsis, *(observed[v] for v in evidence))]
    return answer if NumpyOps.fits(answer, 0) else None


def _is_table(source: tuple) -> bool:
    """Whether a box's array is a model table as it is (no cut, no do)."""
    kind, key, cuts = source
    return (kind == "box" and not cuts and bool(key.cod)
            and not is_do_box(key, key.cod.names[0]))


def _prune(d: Diagram) -> Diagram:
    """Drop the stochastic boxes whose outputs nothing uses."""
    uses = list(d.uses)
    drop = set()
    for j in reversed(range(len(d.boxes))):
        box = d.boxes[j]
        if box.cod and all(uses[w] == 0 for w in d.box_outputs[j]):
            drop.add(j)
            for w in d.box_inputs[j]:
                uses[w] -= 1
    if not drop:
        return d
    keep = [j for j in range(len(d.boxes)) if j not in drop]
    return Diagram(d.wires, [d.boxes[j] for j in keep], [d.box_inputs[j] for j in keep],
                   [d.box_outputs[j] for j in keep], d.inputs, d.outputs)


def bind(compiled: Compiled, arrays: Mapping, do_arrays: Mapping, observed: Mapping, *,
         fixed: Mapping[str, int], states: Mapping, backend: str,
         changing: bool = False, scale: bool = True) -> tuple[dict, Any]:
    """The array of each box (of the ``changing`` ones only, if asked), and the mask of
    batch rows where a constant factor is zero (``None`` when there is none). ``scale``
    divides each likelihood factor by its largest entry, against underflow (a caller that
    checks its answer for underflow may skip that)."""
    def make(source):
        return _array(source, arrays, do_arrays, observed, fixed=fixed, states=states,
                      backend=backend)

    mapping = {}
    boxes = compiled.diagram.boxes
    for j in (compiled.changing if changing else range(len(boxes))):
        box = boxes[j]
        array = make(compiled.sources[j])
        if scale and not box.cod:
            array = _rescale(array, len(box.dom))
        mapping[box] = array
    zero = None
    if compiled.constants:  # imported on first use, as in the functions below
        from markov.arrays import tensor as T
    for source in compiled.constants:
        value = make(source)
        is_zero = T.zero_mask(value)
        zero = is_zero if zero is None else zero | is_zero
    return mapping, zero


def runner_for(compiled: Compiled, changing: Mapping, tables: Mapping, *,
               max_memory: int | None = None) -> Any:
    """The query's :class:`~markov.contraction.runner.Runner` for arrays of the shapes of
    ``changing`` (the arrays of the changing boxes; the others are the model's ``tables``,
    folded once per pattern and shapes), or None where it does not apply (torch, a sliced
    plan)."""
    key = ("runner", tuple((a.shape, a.dtype) for a in changing.values()), max_memory)

    def build():
        # here: a first answer contracts once (markov.contraction.once), with no compiler
        from markov.contraction.runner import compile_runner

        mapping = dict(changing)
        for j in compiled.fold:
            mapping[compiled.diagram.boxes[j]] = tables[compiled.sources[j][1]]
        return compile_runner(compiled.diagram, mapping, compiled.changing,
                              max_memory=max_memory)

    return PLANS.about(compiled, key, build)


def run(compiled: Compiled, changing: Mapping, tables: Mapping, *,
        max_memory: int | None = None) -> Any:
    """The query's contraction (unnormalised) by its runner (:func:`runner_for`); None
    where the runner does not apply or the result needs rescaling: the caller then
    contracts in full."""
    runner = runner_for(compiled, changing, tables, max_memory=max_memory)
    return None if runner is None else runner(list(changing.values()))


def contract(compiled: Compiled, mapping: Mapping, scaled: bool, *,
             max_memory: int | None = None, like: Any = None, executor: Any = None) -> Any:
    """Contract the query's diagram (effects included, so not pruned) in one cached plan;
    ``scaled`` returns the mantissa of a log-scaled result (evidence far below the floating
    range), which normalising makes the answer (the general path: a repeated query takes
    :func:`run` first). ``like`` (a table of the model) keeps the model's backend when
    pruning left no box at all; ``max_memory`` and ``executor`` as in
    :func:`markov.interpret`."""
    from markov.contraction.interpret import interpret, interpret_scaled  # as in runner_for

    options = {"max_memory": max_memory, "like": like, "executor": executor}
    if scaled:
        return interpret_scaled(compiled.diagram, mapping, validate=False, prune=False,
                                **options).mantissa
    return interpret(compiled.diagram, mapping, validate=False, prune=False, **options).array


def _array(source, arrays, do_arrays, observed, *, fixed, states, backend):
    kind, key, cuts = source
    if kind == "observe":
        return one_hot(observed[key], len(states[key]), backend)
    v = key.cod.names[0]
    array = do_arrays[v] if v in do_arrays and is_do_box(key, v) else arrays[key]
    if cuts:
        array = _gather(array, len(key.dom) + len(key.cod), cuts, fixed)
    return array


def _gather(array: Any, n_event: int, cuts: tuple, fixed: Mapping) -> Any:
    """Index the event axes ``cuts`` of ``array`` at the (batches of) values ``fixed``: the
    axes go, the batch shapes of the values and of the array broadcast into the leading batch
    axes of the result."""
    n_batch = array.ndim - n_event
    values = [fixed[u] for _, u in cuts]
    if not n_batch and all(np.ndim(x) == 0 for x in values):  # one value each: a view
        index = [slice(None)] * n_event
        for (axis, _), x in zip(cuts, values):
            index[n_event + axis] = int(x)
        return array[tuple(index)]
    if (not n_batch and len(values) == 1 and np.ndim(values[0]) == 1
            and isinstance(array, np.ndarray)):
        axis = n_event + cuts[0][0]  # one column of values: a take, its axis put first
        return np.moveaxis(np.take(array, values[0], axis=axis), axis, 0)
    from markov.arrays import ops as O  # loaded on first use: a cold start needs neither
    from markov.arrays import tensor as T

    cut = [n_event + axis for axis, _ in cuts]
    rest = [p for p in range(n_event) if p not in cut]
    perm = list(range(n_batch)) + [n_batch + p for p in cut + rest]
    if perm != list(range(array.ndim)):
        array = O.transpose(array, perm)
    values = [np.asarray(x) for x in values]
    batch = tuple(array.shape[:n_batch])
    full = np.broadcast_shapes(batch, *(x.shape for x in values))
    grids = []
    for j, n in enumerate(batch):
        shape = [1] * len(full)
        if n != 1:
            shape[len(full) - n_batch + j] = n
        grids.append(np.arange(n if n != 1 else 1).reshape(shape) * (n != 1))
    return T.gather(array, [*grids, *values])


def _rescale(factor: Any, n_event: int) -> Any:
    """A likelihood divided by its largest entry (per batch row, where not zero): a positive
    constant per row, which normalisation cancels, and hundreds of observations stay within
    the floating range. Exact arrays are left alone."""
    from markov.arrays import tensor as T

    return T.scale_by_max(factor, n_event)


# ---- the answer ------------------------------------------------------------------------------

def zero_rows(array: Any, zero: np.ndarray, n_event: int) -> Any:
    """Set to zero the batch rows where a constant evidence factor is zero."""
    from markov.arrays import tensor as T

    keep = (~zero).reshape(zero.shape + (1,) * n_event)
    return T.mask_rows(array, keep)


def broadcast_batch(array: Any, batch: tuple, nb: int) -> Any:
    if tuple(array.shape[:nb]) == batch:
        return array
    from markov.arrays import tensor as T

    event = tuple(array.shape[nb:])
    array = array.reshape((1,) * (len(batch) - nb) + tuple(array.shape))
    return T.broadcast_owned(array, batch + event)


def normalise(model: Any, array: Any, targets: tuple, do: Any, observed: Mapping, *,
              on_zero: str) -> Any:
    """``array`` normalised over the targets (its last axes); rows of probability zero
    follow ``on_zero`` (:func:`markov.inference.normalize.normalize`), where ``"prior"`` is
    the answer without the evidence, ``P(targets | do)``."""
    # Imported here: the usual first query (causal._fast) normalises its answer itself.
    from markov.inference.normalize import normalize

    fallback = None
    if on_zero == "prior" and observed:
        from markov.arrays import ops as O

        total = O.sum_keep(array, len(targets))
        if O.first_index(O.is_zero(total)) is not None:  # only then: it is a second query
            fallback = model.query(targets, do=do).array
    return normalize(array, len(targets), on_zero=on_zero, fallback=fallback,
                     what=describe_evidence(observed, model.states),
                     error=ZeroProbabilityEvidence)


def describe_evidence(observed: Mapping[str, np.ndarray], states: Mapping) -> str:
    if all(idx.ndim == 0 for idx in observed.values()):
        shown = ", ".join(f"{v}={states[v][int(idx)]!r}" for v, idx in observed.items())
        return f"the observations {shown}"
    return "the observations of " + ", ".join(observed)


def query_name(targets, do, observed) -> str:
    given = ([f"do({', '.join(do)})"] if do else []) + list(observed)
    return f"P({', '.join(targets)}{' | ' + ', '.join(given) if given else ''})"
