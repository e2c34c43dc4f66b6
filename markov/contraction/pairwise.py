"""Pairwise execution of a contraction path: one batched matrix product per step.

A :class:`Program` is compiled once per (equation, shapes, path). Each step takes two
operands, sums out the labels only one of them has and nothing later needs, transposes both
to ``[shared kept, own kept, contracted]`` and multiplies them as stacks of matrices
(``matmul``; a broadcast product when nothing is contracted). The same code runs on numpy
float64, numpy object arrays (exact) and torch tensors of any dtype and device; torch never
sees ``torch.einsum``'s own ordering, only ``matmul``, views and reductions.

**Underflow.** A long chain or many evidence factors multiply thousands of numbers below 1;
float64 reaches 0 after ~1e-308 (float32 after ~1e-38). :func:`execute` with
``rescale=True`` divides every intermediate by its maximum over the non-batch axes (one per
batch element) and adds the logarithm of that maximum to a log-scale accumulator with the
output's batch shape, so the result comes back as ``(mantissa, log_scale)`` with the true
value ``mantissa * exp(log_scale)``. Scales are detached from autograd: the gradient of
``mantissa * exp(log_scale)`` is still exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from diagrams._lazy import record
from markov.arrays.steps import ops_for
from markov.contraction.paths import LETTERS, label_uses

MUL, MATMUL, REDUCE = "mul", "matmul", "reduce"


# Records (diagrams._lazy.record): named tuples without namedtuple's per-class compile, the
# cold start's cost of a frozen dataclass (~1 ms) or a typing.NamedTuple (~25 µs a field).
class Step(record("Step", ("x", "y", "sum_a", "perm_a", "shape_a", "sum_b", "perm_b",
                           "shape_b", "kind", "out_shape", "labels", "scale",
                           "reshape_a", "reshape_b", "reshape_out"),
                  defaults=(True, True, True))):
    """One pairwise contraction of the operands ``x`` and ``y`` (int SSA ids: inputs first,
    then each step's result in order). ``y == -1`` for a reduction of one operand.

    Per operand: the axes summed out first (``sum_a``), its transposition (``perm_a``, a
    tuple or None) and the shape it is viewed as (``shape_a``); likewise ``_b``. ``kind``
    is :data:`MUL`, :data:`MATMUL` or :data:`REDUCE`; ``out_shape`` and ``labels`` (a str)
    are the product's; ``scale`` its :class:`Scale`; ``reshape_a``, ``reshape_b`` and
    ``reshape_out`` say whether the operands and the product need a reshape (False when
    already that shape; True by default).

    >>> step = compile_program(["ab", "bc"], "ac", {"a": 2, "b": 3, "c": 4}, [(0, 1)]).steps[0]
    >>> step.kind, step.shape_a, step.shape_b, step.labels
    ('matmul', (2, 3), (3, 4), 'ac')
    """

    __slots__ = ()


class Scale(record("Scale", ("axes", "batch", "perm", "view"))):
    """How to rescale an array with given labels: reduce the non-batch ``axes`` to one
    maximum per batch element, view the logarithms as the ``batch`` axes present, permute
    them into the output's batch order (``perm``, or None) and view them over all of the
    output's batch axes (``view``); all tuples of ints.

    >>> p = compile_program(["ia", "ab"], "ib", {"i": 5, "a": 2, "b": 3}, [(0, 1)], batch="i")
    >>> p.final_scale.axes, p.final_scale.view
    ((1,), (5,))
    """

    __slots__ = ()


class Program(record("Program", ("n_inputs", "diagonals", "steps", "input_scales",
                                 "final_sum", "final_perm", "final_scale", "out_shape",
                                 "batch_shape", "largest", "flops"))):
    """A compiled pairwise contraction of ``n_inputs`` operands: per input, an einsum
    equation taking the diagonal of repeated labels, or None (``diagonals``); the
    :class:`Step` s; how to rescale each input (``input_scales``) and the output
    (``final_scale``); the axes summed out and the transposition at the end
    (``final_sum``, ``final_perm``); the output's shape and batch shape; the largest
    intermediate, in elements (``largest``), and the number of multiply-adds (``flops``).

    >>> p = compile_program(["ab", "bc"], "ac", {"a": 2, "b": 3, "c": 4}, [(0, 1)])
    >>> out, _ = execute(p, [np.ones((2, 3)), np.ones((3, 4))], "numpy")
    >>> out.tolist()[0]
    [3.0, 3.0, 3.0, 3.0]
    """

    __slots__ = ()


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def compile_program(terms: Sequence[str], out: str, sizes: dict[str, int],
                    path: Sequence[Sequence[int]], batch: str = "") -> Program:
    """Compile ``terms -> out`` along an opt_einsum-style ``path`` (positions in the list of
    live operands, results appended at the end) into pairwise steps. ``batch`` lists the
    output's batch labels, in order: rescaling keeps one scale per batch element.

    >>> p = compile_program(["ab", "bc", "c"], "a", {"a": 2, "b": 2, "c": 2}, [(1, 2), (0, 1)])
    >>> [s.kind for s in p.steps], p.largest
    (['matmul', 'matmul'], 4)
    """
    batch_set = set(batch)
    diagonals, labels = [], []
    for term in terms:
        unique = "".join(dict.fromkeys(term))
        if len(unique) < len(term):
            letters = dict(zip(unique, LETTERS))
            diagonals.append("".join(letters[c] for c in term) + "->"
                             + "".join(letters[c] for c in unique))
        else:
            diagonals.append(None)
        labels.append(unique)
    count = label_uses(labels, out)

    live = list(range(len(labels)))  # SSA ids in opt_einsum's list order
    steps: list[Step] = []
    largest, flops = max([_prod(sizes[c] for c in t) for t in labels] + [1]), 0

    def release(term: str) -> None:
        for c in term:
            count[c] -= 1

    def pair(x: int, y: int) -> int:
        nonlocal largest, flops
        la, lb = labels[x], labels[y]
        release(la)
        release(lb)
        sum_a = tuple(i for i, c in enumerate(la) if c not in lb and not count.get(c))
        sum_b = tuple(i for i, c in enumerate(lb) if c not in la and not count.get(c))
        if sum_a:
            la = "".join(c for i, c in enumerate(la) if i not in sum_a)
        if sum_b:
            lb = "".join(c for i, c in enumerate(lb) if i not in sum_b)
        shared, contracted, own_a = [], [], []
        for c in la:
            if c not in lb:
                own_a.append(c)
            elif count.get(c):
                shared.append(c)
            else:
                contracted.append(c)
        own_b = [c for c in lb if c not in la]
        order_a = shared + own_a + contracted
        order_b = shared + contracted + own_b
        perm_a = tuple(map(la.index, order_a))
        perm_b = tuple(map(lb.index, order_b))
        get = sizes.__getitem__
        bt, m = _prod(map(get, shared)), _prod(map(get, own_a))
        k, n = _prod(map(get, contracted)), _prod(map(get, own_b))
        if k == 1:
            kind = MUL
            shape_a, shape_b = ((m, 1), (1, n)) if bt == 1 else ((bt, m, 1), (bt, 1, n))
        elif bt == 1:
            kind, shape_a, shape_b = MATMUL, (m, k), (k, n)
        else:
            kind, shape_a, shape_b = MATMUL, (bt, m, k), (bt, k, n)
        product = (m, n) if bt == 1 else (bt, m, n)
        result = "".join(shared + own_a + own_b)
        out_shape = tuple(sizes[c] for c in result)
        largest = max(largest, _prod(out_shape))
        flops += bt * m * k * n
        labels.append(result)
        for c in result:
            count[c] = count.get(c, 0) + 1
        steps.append(Step(x, y, sum_a, _perm(perm_a), shape_a, sum_b, _perm(perm_b), shape_b,
                          kind, out_shape, result, _scale(result, sizes, batch, batch_set),
                          tuple(sizes[c] for c in order_a) != shape_a,
                          tuple(sizes[c] for c in order_b) != shape_b, product != out_shape))
        return len(labels) - 1

    def reduce(x: int) -> int:
        la = labels[x]
        release(la)
        keep = "".join(c for c in la if count.get(c))
        sum_a = tuple(i for i, c in enumerate(la) if c not in keep)
        labels.append(keep)
        for c in keep:
            count[c] = count.get(c, 0) + 1
        out_shape = tuple(sizes[c] for c in keep)
        steps.append(Step(x, -1, sum_a, None, out_shape, (), None, (), REDUCE, out_shape, keep,
                          _scale(keep, sizes, batch, batch_set)))
        return len(labels) - 1

    for contraction in path:
        ids = [live[i] for i in contraction]
        for i in sorted(contraction, reverse=True):
            del live[i]
        if len(ids) == 1:
            live.append(reduce(ids[0]))
            continue
        acc = ids[0]
        for other in ids[1:]:
            acc = pair(acc, other)
        live.append(acc)
    while len(live) > 1:  # an incomplete path: finish it in list order
        x, y = live.pop(0), live.pop(0)
        live.append(pair(x, y))
    if live:
        last = labels[live[0]]
        release(last)
    else:
        last = ""
    final_sum = tuple(i for i, c in enumerate(last) if c not in out)
    kept = "".join(c for c in last if c in out)
    missing = set(out) - set(kept)
    if missing:
        raise ValueError(f"output labels {sorted(missing)} appear in no operand")
    final_perm = _perm(tuple(kept.index(c) for c in out))
    input_scales = tuple(_scale(t, sizes, batch, batch_set) for t in labels[:len(terms)])
    return Program(len(terms), tuple(diagonals), tuple(steps), input_scales, final_sum,
                   final_perm, _scale(out, sizes, batch, batch_set),
                   tuple(sizes[c] for c in out), tuple(sizes[c] for c in batch), largest, flops)


def _perm(perm: tuple[int, ...]) -> tuple[int, ...] | None:
    return None if perm == tuple(range(len(perm))) else perm


def _scale(result: str, sizes: dict, batch: str, batch_set: set) -> Scale:
    if not batch_set:  # no batch: every axis is scaled
        return Scale(tuple(range(len(result))), (), None, ())
    axes = tuple(i for i, c in enumerate(result) if c not in batch_set)
    present = [c for c in result if c in batch_set]
    order = sorted(range(len(present)), key=lambda i: batch.index(present[i]))
    view = tuple(sizes[c] if c in present else 1 for c in batch)
    return Scale(axes, tuple(sizes[c] for c in present), _perm(tuple(order)), view)


# ---- execution ------------------------------------------------------------------------------

def prepare(program: Program, operands: Sequence, backend: str) -> list:
    """Take the diagonals of operands with repeated labels (``aab -> ab``).

    >>> p = compile_program(["aa"], "a", {"a": 2}, [(0,)])
    >>> prepare(p, [np.array([[1.0, 2.0], [3.0, 4.0]])], "numpy")[0].tolist()
    [1.0, 4.0]
    """
    ops = ops_for(backend)
    return [a if eq is None else ops.einsum(eq, a) for a, eq in zip(operands, program.diagonals)]


def execute(program: Program, operands: Sequence, backend: str, rescale: bool = False,
            steps: Iterator | None = None) -> tuple[Any, Any]:
    """Run the program on operands (already in ``backend``, diagonals taken by
    :func:`prepare` or not needed). Returns ``(result, log_scale)``: with ``rescale`` the
    result has maximum 1 per batch element (or is 0) and ``log_scale`` has the output's batch
    shape; without, ``log_scale`` is None.

    >>> p = compile_program(["a", "a"], "", {"a": 2}, [(0, 1)])
    >>> out, log = execute(p, [np.full(2, 1e-200), np.full(2, 1e-200)], "numpy", rescale=True)
    >>> float(out), round(float(log), 3)
    (1.0, -920.341)
    """
    ops = ops_for(backend)
    values = list(operands)
    log = None
    if rescale and values:
        log = ops.zeros_log(program.batch_shape, values[0])
        for i, scale in enumerate(program.input_scales):
            values[i], log = _rescale(ops, values[i], scale, log)
    for step in (program.steps if steps is None else steps):
        a = values[step.x]
        values[step.x] = None
        b = None
        if step.kind != REDUCE:
            b = values[step.y]
            values[step.y] = None
        r = run_step(ops, step, a, b)
        if rescale:
            r, log = _rescale(ops, r, step.scale, log)
        values.append(r)
    result = values[-1] if values else None
    if result is None:
        return result, log
    result = finish(ops, program, result)
    if rescale:
        result, log = _rescale(ops, result, program.final_scale, log)
    return result, log


def finish(ops: type, program: Program, result: Any) -> Any:
    """The program's output from its last value: the labels left to sum summed, the rest
    in the output's order.

    >>> p = compile_program(["ab"], "ba", {"a": 2, "b": 3}, [])
    >>> finish(ops_for("numpy"), p, np.ones((2, 3))).shape
    (3, 2)
    """
    if program.final_sum:
        result = ops.sum(result, program.final_sum)
    if program.final_perm is not None:
        result = ops.permute(result, program.final_perm)
    return result


def run_step(ops: type, step: Step, a: Any, b: Any) -> Any:
    """One step's product of the values ``a`` and ``b`` (``b`` None for a reduction): the
    step is data, so other walks of a program (the backward pass, another semiring) reuse
    it.

    >>> p = compile_program(["ab", "bc"], "ac", {"a": 2, "b": 3, "c": 1}, [(0, 1)])
    >>> run_step(ops_for("numpy"), p.steps[0], np.ones((2, 3)), np.ones((3, 1))).tolist()
    [[3.0], [3.0]]
    """
    if step.sum_a:
        a = ops.sum(a, step.sum_a)
    if step.kind == REDUCE:
        return a
    if step.sum_b:
        b = ops.sum(b, step.sum_b)
    if step.perm_a is not None:
        a = ops.permute(a, step.perm_a)
    if step.perm_b is not None:
        b = ops.permute(b, step.perm_b)
    if step.reshape_a:
        a = a.reshape(step.shape_a)
    if step.reshape_b:
        b = b.reshape(step.shape_b)
    r = a * b if step.kind == MUL else a @ b
    if not hasattr(r, "reshape"):  # 0-d object arrays multiply to a bare Fraction
        r = np.asarray(r, dtype=object)
    return r.reshape(step.out_shape) if step.reshape_out else r


def _rescale(ops, r, scale: Scale, log):
    s, logs = ops.scale(r, scale.axes)
    r = r / s
    logs = logs.reshape(scale.batch)
    if scale.perm is not None:
        logs = ops.permute(logs, scale.perm)
    return r, log + logs.reshape(scale.view)
