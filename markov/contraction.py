"""The contraction compiler: a whole diagram becomes one tensor-network contraction.

Every wire is an einsum index, every box a tensor over its input and output wires, a copy is
an index used several times and a discard an index absent from the output. The path is found
once per (structure, shapes, backend) by opt_einsum and cached; later calls only bind arrays.
Only two small deltas are ever built: an ``n x n`` identity when a wire appears twice on the
boundary (an input passed through, or an output copied) and a ones vector for an input that
nothing uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
import opt_einsum as oe

from markov import backend as B
from markov.errors import ContractionTooLarge

#: Default cap on the largest intermediate of a contraction, in bytes.
MAX_MEMORY = 8 * 2**30


@dataclass(frozen=True)
class Plan:
    """A compiled contraction: the einsum equation over the boxes' tensors, the path chosen by
    opt_einsum, its cost (``flops``) and its largest intermediate (in elements).

    >>> from diagrams import Ty, Box, copy
    >>> from markov import interpret, plan
    >>> X = Ty("X")
    >>> p, f = Box("p", Ty(), X), Box("f", X, X)
    >>> P = plan(p >> copy(X) >> (f @ f), {p: [0.5, 0.5], f: [[0.9, 0.1], [0.2, 0.8]]})
    >>> P.equation, P.largest_intermediate
    ('a,ab,ac->bc', 4)
    """

    equation: str
    shapes: tuple[tuple[int, ...], ...]
    path: tuple[tuple[int, ...], ...]
    flops: int
    largest_intermediate: int
    output_shape: tuple[int, ...]
    #: for each box: the axes of its (batched) array to squeeze before binding
    squeeze: tuple[tuple[int, ...], ...]
    #: extra operands: ("eye", n) or ("ones", n), appended after the boxes' tensors
    extras: tuple[tuple[str, int], ...]
    expression: Any = None

    def __call__(self, arrays: Sequence, backend: str, template: Any = None):
        """Contract the given box arrays (already converted to ``backend``)."""
        operands = [a.squeeze(axis) if axis else a for a, axis in zip(arrays, self.squeeze)]
        for kind, n in self.extras:
            operands.append(B.eye(n, backend, template) if kind == "eye"
                            else B.ones(n, backend, template))
        out = self.expression(*operands, backend="torch" if backend == "torch" else "numpy")
        return out.reshape(self.output_shape)


def compile_plan(structure: tuple, event_shapes: tuple, batch_shapes: tuple,
                 sizes: tuple, max_memory: int | None = None, itemsize: int = 8) -> Plan:
    """Compile (or fetch from the cache) the plan of a diagram's structure.

    ``structure`` is :attr:`diagrams.Diagram.structure` restricted to the boxes kept,
    ``event_shapes[j]`` the shape of box ``j`` over its wires, ``batch_shapes[j]`` its leading
    batch shape and ``sizes[w]`` the size of wire ``w``. Raises
    :class:`~markov.errors.ContractionTooLarge` when the largest intermediate would exceed
    ``max_memory`` bytes.
    """
    plan = _compile(structure, event_shapes, batch_shapes, sizes)
    limit = MAX_MEMORY if max_memory is None else max_memory
    if plan.largest_intermediate * itemsize > limit:
        raise ContractionTooLarge(
            f"the contraction's largest intermediate has {plan.largest_intermediate:,} "
            f"elements ({plan.largest_intermediate * itemsize / 2**30:.3g} GiB), over the "
            f"limit of {limit / 2**30:.3g} GiB; raise max_memory, slice the query or "
            "condition on fewer variables")
    return plan


@lru_cache(maxsize=512)
def _compile(structure: tuple, event_shapes: tuple, batch_shapes: tuple,
             sizes: tuple) -> Plan:
    wires, box_inputs, box_outputs, inputs, outputs = structure
    batch = np.broadcast_shapes(*batch_shapes) if batch_shapes else ()
    nb = len(batch)
    symbol = oe.get_symbol
    # Batch axes get the first labels, wires the next ones, fresh boundary copies the rest.
    wire_label = [symbol(nb + w) for w in range(len(wires))]
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
    out_labels = [symbol(k) for k, n in enumerate(batch) if n != 1]
    extras, seen = [], set()
    for w in (*inputs, *outputs):
        if w in seen:
            fresh = symbol(next_label)
            next_label += 1
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
    equation = ",".join(terms) + "->" + "".join(out_labels)
    output_shape = (*batch, *(sizes[w] for w in (*inputs, *outputs)))
    if terms:
        path, info = oe.contract_path(equation, *shapes, shapes=True, optimize="auto")
        expression = oe.contract_expression(equation, *shapes, optimize=path)
        flops, largest = int(info.opt_cost), int(info.largest_intermediate)
    else:
        path, expression, flops, largest = (), _scalar_one, 0, 1
    return Plan(equation, tuple(shapes), tuple(path), flops, largest, output_shape,
                tuple(squeeze), tuple(extras), expression)


def _scalar_one(*operands, backend="numpy"):
    return np.array(1.0)
