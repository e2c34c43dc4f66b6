"""Interpretation of diagrams into Gaussian kernels, with exact conditions as effects.

The finite semantics contracts the whole hypergraph as one tensor network; for Gaussians that
has no analogue, and none is needed: folding the boxes in topological order while keeping one
joint Gaussian over the live wires (as an affine function of the diagram's inputs plus noise)
is exact, costs a few small matrix products per box, and lets a box mapped to a
:class:`~markov.gaussian.condition.GaussianCondition` condition the joint exactly (Stein &
Staton's ``=:=``). A wire leaves the joint after its last use.

>>> from diagrams import Ty, Box, copy, identity
>>> from markov.gaussian.kernel import GaussianKernel
>>> X, Y = Ty("X"), Ty("Y")
>>> p, f = Box("p", Ty(), X), Box("f", X, Y)
>>> K = interpret_gaussian(p >> copy(X) >> (identity(X) @ f),
...                        {p: GaussianKernel.state([0.0], [[1.0]], cod=X),
...                         f: GaussianKernel([[2.0]], [1.0], [[1.0]], dom=X, cod=Y)})
>>> K.cod, K.mean.tolist(), K.covariance.tolist()
(Ty('X', 'Y'), [0.0, 1.0], [[1.0, 2.0], [2.0, 5.0]])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from diagrams import Box, Diagram
from markov.arrays import gaussian as G
from markov.errors import MissingBox, ShapeMismatch, UnsupportedKernel
from markov.gaussian.condition import GaussianCondition, condition_affine
from markov.gaussian.kernel import GaussianKernel


def interpret_gaussian(diagram: Diagram | Box, mapping: Mapping, *,
                       dims: Mapping[str, int] | None = None,
                       like: Any = None) -> GaussianKernel:
    """The Gaussian kernel a diagram denotes when each box is sent to a
    :class:`~markov.gaussian.GaussianKernel`, or, for a box ``dom -> Ty()``, to a
    :class:`~markov.gaussian.condition.GaussianCondition` (an exact condition on its inputs).

    ``mapping`` is keyed by boxes or box names. Dimensions of types are read off the kernels
    and checked consistent; ``dims`` gives those no box determines. Batch shapes broadcast;
    torch tensors keep dtype and device (``like``: a tensor or kernel that picks torch for a
    diagram without boxes). A box none of whose outputs reaches the outputs or a condition is
    skipped (discard is natural); conditions are never skipped. A condition that cannot hold
    raises :class:`~markov.errors.ConditionError`.

    >>> from diagrams import Ty, Box, copy
    >>> from markov.gaussian.condition import GaussianCondition
    >>> X = Ty("X")
    >>> p, q, eq = Box("p", Ty(), X), Box("q", Ty(), X), Box("eq", X @ X, Ty())
    >>> both = (p @ q) >> copy(X @ X) >> (eq @ X @ X)
    >>> K = interpret_gaussian(both, {"p": GaussianKernel.state([0.0], [[1.0]], cod=X),
    ...                               "q": GaussianKernel.state([0.0], [[1.0]], cod=X),
    ...                               "eq": GaussianCondition.equal(X)})
    >>> K.covariance.tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    >>> interpret_gaussian(p, {})
    Traceback (most recent call last):
    ...
    markov.errors.MissingBox: box p: I -> X has no Gaussian kernel in the mapping
    """
    d = diagram.to_diagram() if isinstance(diagram, Box) else diagram
    live = _live_boxes(d)
    values = {j: _lookup(mapping, d.boxes[j]) for j in live}
    type_dims = _dimensions(d, values, dims)
    template = G.template_of(
        [v.matrix for v in values.values()]
        + [like.template if isinstance(like, GaussianKernel) else like])
    batch = _batch_shape(d, values)

    last_use = {w: -1 for w in range(len(d.wires))}
    for j in live:
        for w in d.box_inputs[j]:
            last_use[w] = j
    final = set(d.outputs)
    dim = [type_dims.get(ty, 0) for ty in d.wires]  # dead wires never enter the joint

    n_in = sum(dim[w] for w in d.inputs)
    order = list(d.inputs)
    matrix = G.broadcast_to(G.eye(n_in, template), batch + (n_in, n_in))
    mean = G.zeros(batch + (n_in,), template)
    cov = G.zeros(batch + (n_in, n_in), template)
    keep = _alive(order, last_use, final, -1)
    matrix, mean, cov = _restrict(order, dim, keep, (matrix, mean, cov))
    order = keep

    for j in live:
        box, value = d.boxes[j], values[j]
        rows = _rows(order, dim, d.box_inputs[j])
        n = sum(dim[w] for w in order)
        if isinstance(value, GaussianCondition):
            eq = G.as_float(value.matrix, template)
            c = G.as_float(value.value, template)
            full = eq @ G.take(G.eye(n, template), rows, 0)
            label = f"box {box.name} ({box.dom})"
            matrix, mean, cov = condition_affine(matrix, mean, cov, full, c, tol=value.tol,
                                                 label=label)
            shape = tuple(matrix.shape[:-2])
            mean, cov = G.broadcast_to(mean, shape + mean.shape[-1:]), \
                G.broadcast_to(cov, shape + cov.shape[-2:])
        else:
            k = value.to(template).broadcast(batch)
            a = k.matrix
            rows_cov = G.take(cov, rows, -2)
            new_matrix = a @ G.take(matrix, rows, -2)
            new_mean = G.matvec(a, G.take(mean, rows, -1)) + k.mean
            cross = a @ rows_cov
            new_cov = a @ G.take(rows_cov, rows, -1) @ G.transpose(a) + k.covariance
            matrix = G.cat([matrix, new_matrix], -2)
            mean = G.cat([mean, new_mean], -1)
            cov = G.cat([G.cat([cov, G.transpose(cross)], -1),
                         G.cat([cross, G.symmetrize(new_cov)], -1)], -2)
            order = order + list(d.box_outputs[j])
        keep = _alive(order, last_use, final, j)
        matrix, mean, cov = _restrict(order, dim, keep, (matrix, mean, cov))
        order = keep

    out_rows = _rows(order, dim, d.outputs)
    out_cov = G.take(G.take(cov, out_rows, -2), out_rows, -1)
    return GaussianKernel(G.take(matrix, out_rows, -2), G.take(mean, out_rows, -1), out_cov,
                          d.dom, d.cod, dims={ty: type_dims[ty] for ty in set((d.dom @ d.cod).names)},
                          validate=False)


def _lookup(mapping: Mapping, box: Box) -> GaussianKernel | GaussianCondition:
    if box in mapping:
        value = mapping[box]
    elif box.name in mapping:
        value = mapping[box.name]
    else:
        raise MissingBox(f"box {box.name}: {box.dom} -> {box.cod} has no Gaussian kernel in "
                         "the mapping")
    if isinstance(value, GaussianCondition):
        if len(box.cod) or len(value.dom) != len(box.dom):
            raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} is mapped to a "
                                f"condition on {value.dom}; conditions are effects "
                                f"{len(value.dom)} wires -> I")
        return value
    if not isinstance(value, GaussianKernel):
        raise UnsupportedKernel(f"box {box.name} is mapped to a {type(value).__name__}; "
                        "interpret_gaussian takes GaussianKernel or GaussianCondition values")
    if len(value.dom) != len(box.dom) or len(value.cod) != len(box.cod):
        raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} is mapped to a Gaussian "
                            f"kernel {value.dom} -> {value.cod}")
    return value


def _live_boxes(d: Diagram) -> list[int]:
    """Boxes that reach an output or a condition; effects (boxes ``-> Ty()``, where the
    conditions are) are always live: conditioning is not discardable."""
    needed = set(d.outputs)
    live = []
    for j in reversed(range(len(d.boxes))):
        if not len(d.boxes[j].cod) or any(w in needed for w in d.box_outputs[j]):
            live.append(j)
            needed.update(d.box_inputs[j])
    return live[::-1]


def _dimensions(d: Diagram, values: Mapping[int, Any],
                dims: Mapping[str, int] | None) -> dict[str, int]:
    type_dims = {k: int(v) for k, v in (dims or {}).items()}
    where = {k: "the dims argument" for k in type_dims}
    for j, value in values.items():
        box = d.boxes[j]
        pairs = list(zip(box.dom.names, value.dom_dims))
        if isinstance(value, GaussianKernel):
            pairs += list(zip(box.cod.names, value.cod_dims))
        for port, (ty, n) in enumerate(pairs):
            if type_dims.setdefault(ty, n) != n:
                raise ShapeMismatch(f"type {ty} has dimension {type_dims[ty]} in {where[ty]} "
                                    f"but dimension {n} at port {port} of box {box.name}")
            where.setdefault(ty, f"box {box.name}")
    used = set(d.inputs) | set(d.outputs)
    for j in values:
        used.update(d.box_inputs[j])
        used.update(d.box_outputs[j])
    for ty in (d.wires[w] for w in sorted(used)):
        if ty not in type_dims:
            raise ShapeMismatch(f"the dimension of type {ty} is not fixed by any box; pass "
                                f"dims={{{ty!r}: d}}")
    return type_dims


def _batch_shape(d: Diagram, values: Mapping[int, Any]) -> tuple[int, ...]:
    shapes = {}
    for j, value in values.items():
        if isinstance(value, GaussianKernel):
            shapes[j] = value.batch_shape
        else:
            shapes[j] = tuple(np.broadcast_shapes(tuple(value.matrix.shape[:-2]),
                                                  tuple(value.value.shape[:-1])))
    try:
        return tuple(np.broadcast_shapes(*shapes.values())) if shapes else ()
    except ValueError:
        shown = ", ".join(f"{d.boxes[j].name}: {s}" for j, s in shapes.items() if s)
        raise ShapeMismatch(f"batch shapes do not broadcast: {shown}") from None


def _rows(order: list[int], dim: list[int], wires) -> list[int]:
    start, offset = {}, 0
    for w in order:
        start[w] = offset
        offset += dim[w]
    return [i for w in wires for i in range(start[w], start[w] + dim[w])]


def _alive(order: list[int], last_use: dict, final: set, step: int) -> list[int]:
    """The wires of ``order`` still needed after box ``step``: outputs and later inputs."""
    return [w for w in order if w in final or last_use[w] > step]


def _restrict(order: list[int], dim: list[int], keep: list[int], joint: tuple) -> tuple:
    """The joint ``(matrix, mean, covariance)`` over ``order`` restricted to ``keep``."""
    if len(keep) == len(order):
        return joint
    rows = _rows(order, dim, keep)
    matrix, mean, cov = joint
    return (G.take(matrix, rows, -2), G.take(mean, rows, -1),
            G.take(G.take(cov, rows, -2), rows, -1))


__all__ = ["interpret_gaussian"]
