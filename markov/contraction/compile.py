"""Compiling a contraction plan: the path search (``opt_einsum``/cotengra), the pairwise
program, the refusal of answers too large to hold, and slicing when an intermediate would
exceed the memory cap. Compiled plans are kept in the plan cache."""

from __future__ import annotations

import math
import time

import numpy as np

from markov.contraction import pairwise
from markov.contraction.cache import PLANS
from markov.contraction.paths import NoPathFits, choose_slices, find_path, symbol
from markov.contraction.plan import DEFAULT_MAX_MEMORY, Plan
from markov.contraction.staging import staged_candidates, staged_program, unbeatable
from markov.errors import ContractionTooLarge


def compile_plan(structure: tuple, event_shapes: tuple, batch_shapes: tuple,
                 sizes: tuple, *, max_memory: int | None = None, itemsize: int = 8,
                 constant: frozenset = frozenset()) -> Plan:
    """Compile (or fetch from the cache) the plan of a diagram's structure.

    ``structure`` is :attr:`diagrams.Diagram.structure` restricted to the boxes kept,
    ``event_shapes[j]`` the shape of box ``j`` over its wires, ``batch_shapes[j]`` its leading
    batch shape and ``sizes[w]`` the size of wire ``w``. When the largest intermediate would
    exceed ``max_memory`` bytes (default :data:`~markov.contraction.plan.DEFAULT_MAX_MEMORY`)
    the plan is sliced; raises
    :class:`~markov.errors.ContractionTooLarge`, with the estimate, when slicing cannot fit.
    ``constant`` lists the boxes whose arrays never change between calls: the path then
    contracts them first where that saves work per call (:mod:`markov.contraction.staging`).

    >>> structure = (("X", "X"), ((), (0,)), ((0,), (1,)), (), (1,))  # p >> f
    >>> P = compile_plan(structure, ((100,), (100, 100)), ((), ()), (100, 100),
    ...                  max_memory=800)
    >>> P.largest_intermediate, P.slice_largest, P.n_slices
    (10000, 100, 100)
    >>> compile_plan(structure, ((100,), (100, 100)), ((), ()), (100, 100), max_memory=80)
    Traceback (most recent call last):
    ...
    markov.errors.ContractionTooLarge: the answer alone has 100 elements (800 bytes), ...
    """
    limit = DEFAULT_MAX_MEMORY if max_memory is None else int(max_memory)
    _refuse_large_answer(structure, batch_shapes, sizes, itemsize, limit)
    plan = PLANS.get(("plan", structure, event_shapes, batch_shapes, sizes, constant),
                     lambda: _compile(structure, event_shapes, batch_shapes, sizes, constant))
    widest = max((len(step.labels) for step in plan.program.steps), default=0)
    if widest > _MAX_AXES:  # slicing keeps the axes (as size 1), so it cannot help
        raise _too_large(plan, itemsize, limit, f"one of its steps has {widest} axes, more "
                         f"than the {_MAX_AXES} an array may have")
    if plan.largest_intermediate * itemsize <= limit:
        return plan
    target = max(limit // itemsize, 1)
    return PLANS.get(("sliced", plan, target, itemsize, limit),
                     lambda: _sliced(plan, target, itemsize, limit))


#: The most axes a numpy array (and so a step of the program) may have.
_MAX_AXES = 64


def _refuse_large_answer(structure: tuple, batch_shapes: tuple, sizes: tuple, itemsize: int,
                         limit: int) -> None:
    """Refuse, before any path search, a contraction whose answer alone cannot fit: no
    slicing helps then. Python integers, so no size overflows."""
    inputs, outputs = structure[3], structure[4]
    batch = np.broadcast_shapes(*batch_shapes) if batch_shapes else ()
    cells = math.prod(batch) * math.prod(sizes[w] for w in (*inputs, *outputs))
    if cells * itemsize > limit:
        raise ContractionTooLarge(
            f"the answer alone has {_count(cells)} elements ({_bytes(cells * itemsize)}), over "
            f"the limit of {_bytes(limit)}; refused before any path search. Ask for fewer "
            "variables or a smaller batch, or raise max_memory")


def _count(n: int) -> str:
    """``n`` with thousands separators, or in scientific notation past 10**15 (an exact
    integer of any size: no float overflow)."""
    if n < 10**15:
        return f"{n:,}"
    digits = str(n)
    return f"{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"


def _too_large(plan: Plan, itemsize: int, limit: int, why: str) -> ContractionTooLarge:
    n = plan.largest_intermediate
    return ContractionTooLarge(
        f"the contraction's largest intermediate has {n:,} elements "
        f"({_bytes(n * itemsize)}; {plan.flops:.3g} multiply-adds), over the limit of "
        f"{_bytes(limit)}; {why}. Raise max_memory, ask for fewer variables or a smaller "
        "batch, or condition on fewer variables")


def _no_path_fits(none: NoPathFits) -> ContractionTooLarge:
    """The refusal of a contraction that no path can run (an array has at most
    :data:`_MAX_AXES` axes), with the estimate, counted from below: for every path by a
    treewidth lower bound, or for the paths tried, each stopped once past the limit."""
    estimate = (f"at least {_count(none.elements)} elements ({_bytes(none.elements * 8)} in "
                f"float64) and {none.flops:.3g} multiply-adds")
    if none.proven:
        why = (f"every contraction path has an intermediate with at least {none.axes} axes, "
               f"more than the {none.max_axes} an array may have (a proven lower bound: the "
               f"interaction graph's treewidth is at least {none.treewidth}), so {estimate}")
    else:
        why = (f"no contraction path found keeps every intermediate within the "
               f"{none.max_axes} axes an array may have: the narrowest of those tried "
               f"({', '.join(none.tried)}; each stopped once past the limit) needs at least "
               f"{none.axes} axes, so {estimate} (a heuristic estimate)")
    return ContractionTooLarge(
        f"{why}; refused after {none.seconds:.2f} s of path search. Ask for fewer variables "
        "or condition on fewer, or split the model")


def _bytes(n: float) -> str:
    if n >= 2**50:  # past a PiB, say it in powers of ten (exactly, for huge integers)
        return f"{_count(int(n))} bytes"
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def _sliced(plan: Plan, target: int, itemsize: int, limit: int) -> Plan:
    inputs, out = plan.equation.split("->")
    written = [t for t in inputs.split(",") if t] if inputs else []
    terms = ["".join(dict.fromkeys(t)) for t in written]  # after diagonals (prepare)
    every = terms + [s.labels for s in plan.program.steps] + [out]
    sizes = dict(plan.sizes)
    sliced = choose_slices(every, out, sizes, target)
    if sliced is None:
        out_size = math.prod(sizes[c] for c in out)
        why = (f"the answer alone has {out_size:,} elements" if out_size > target
               else "no slicing of the contraction fits")
        raise _too_large(plan, itemsize, limit, why)
    small = {c: (1 if c in sliced else n) for c, n in sizes.items()}
    # The written terms, repeats included, so that the sliced program takes diagonals too.
    program = pairwise.compile_program(written, out, small, plan.path, _batch_labels(plan))
    n_slices = math.prod(sizes[c] for c in sliced)
    return plan._replace(program=program, sliced=sliced, n_slices=n_slices,
                         slice_largest=program.largest,
                         slice_axes=tuple(tuple((i, c) for i, c in enumerate(t) if c in sliced)
                                          for t in terms),
                         out_slice_axes=tuple((i, c) for i, c in enumerate(out) if c in sliced),
                         flops=program.flops * n_slices)


def _batch_labels(plan: Plan) -> str:
    return plan.equation.split("->")[1][:len(plan.program.batch_shape)]


def _compile(structure: tuple, event_shapes: tuple, batch_shapes: tuple,
             sizes: tuple, constant: frozenset = frozenset()) -> Plan:
    wires, box_inputs, box_outputs, inputs, outputs = structure
    batch = np.broadcast_shapes(*batch_shapes) if batch_shapes else ()
    nb = len(batch)
    # Batch axes get the first labels, wires the next ones, fresh boundary copies the rest.
    wire_label = [symbol(nb + w) for w in range(len(wires))]
    label_size = {symbol(k): n for k, n in enumerate(batch)}
    label_size.update({wire_label[w]: n for w, n in enumerate(sizes)})
    next_label = nb + len(wires)
    terms, shapes, squeeze = [], [], []
    for j, (ins, outs) in enumerate(zip(box_inputs, box_outputs)):
        b = batch_shapes[j]
        offset = nb - len(b)
        labels, kept, drop = [], [], []
        for k, n in enumerate(b):
            if n == 1:
                drop.append(k)
            else:
                labels.append(symbol(offset + k))
                kept.append(n)
        labels += [wire_label[w] for w in (*ins, *outs)]
        terms.append("".join(labels))
        shapes.append((*kept, *event_shapes[j]))
        squeeze.append(tuple(drop))
    batch_out = "".join(symbol(k) for k, n in enumerate(batch) if n != 1)
    out_labels = list(batch_out)
    extras, seen = [], set()
    for w in (*inputs, *outputs):
        if w in seen:
            fresh = symbol(next_label)
            next_label += 1
            label_size[fresh] = sizes[w]
            terms.append(wire_label[w] + fresh)
            shapes.append((sizes[w], sizes[w]))
            extras.append(("eye", sizes[w]))
            out_labels.append(fresh)
        else:
            seen.add(w)
            out_labels.append(wire_label[w])
    present = set("".join(terms))
    for w in inputs:
        if wire_label[w] not in present:
            terms.append(wire_label[w])
            shapes.append((sizes[w],))
            extras.append(("ones", sizes[w]))
            present.add(wire_label[w])
    out = "".join(out_labels)
    equation = ",".join(terms) + "->" + out
    output_shape = (*batch, *(sizes[w] for w in (*inputs, *outputs)))
    unique = ["".join(dict.fromkeys(t)) for t in terms]
    start = time.perf_counter()
    # Constants first: where no plain path could cost less per call, the plain path (the
    # larger search) is not needed at all.
    try:  # a part too wide for any path: refused as fast as the plain search refuses
        candidates = staged_candidates(terms, unique, out, label_size, constant=constant,
                                       batch=batch_out, max_axes=_MAX_AXES) \
            if 0 < len(constant) < len(terms) else None
    except NoPathFits:
        candidates = None  # the plain search says what does not fit, with its estimate
    staged = candidates and unbeatable(candidates, len(terms), constant, _MAX_AXES)
    if staged:
        (path, program), method = staged, "constants-first"
    else:
        try:
            path, method = find_path(unique, out, label_size, max_axes=_MAX_AXES)
        except NoPathFits as none:
            raise _no_path_fits(none) from None
        program = pairwise.compile_program(terms, out, label_size, path, batch_out)
        staged = staged_program(program, terms, unique, out, label_size, constant=constant,
                                batch=batch_out, candidates=candidates) if constant else None
        if staged is not None:
            (path, program), method = staged, "constants-first"
    seconds = time.perf_counter() - start
    return Plan(equation, tuple(shapes), path, program.flops, program.largest, output_shape,
                tuple(squeeze), tuple(extras), program, method,
                slice_largest=program.largest, sizes=label_size, search_seconds=seconds)
