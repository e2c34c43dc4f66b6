"""The contraction compiler: a whole diagram becomes one tensor-network contraction.

Every wire is an einsum index, every box a tensor over its input and output wires, a copy is
an index used several times and a discard an index absent from the output. Only two small
deltas are ever built: an ``n x n`` identity when a wire appears twice on the boundary (an
input passed through, or an output copied) and a ones vector for an input that nothing uses.

**Plans are cached.** The path is found once per (structure, shapes) (opt_einsum for small
networks, variable-elimination orders for large ones, cotengra for huge ones:
:mod:`markov.contraction.paths`) and compiled into pairwise steps (:mod:`markov.contraction.pairwise`): later calls
only bind arrays and run the steps. On torch the steps are ``matmul`` calls in the cached
order, never ``torch.einsum``'s own ordering; small CPU contractions without autograd run the
same steps on numpy views of the tensors (:data:`TORCH_CPU_THROUGH_NUMPY`).

**Underflow.** ``rescale="auto"`` (the default) runs the plain contraction, then checks each
batch element's largest entry: when it is below ``sqrt(tiny)`` of the dtype (about 1e-154
for float64, 1e-19 for float32) or not finite, the contraction runs again with every
intermediate divided by its maximum and the logarithms of these scales kept in an
accumulator (:func:`markov.contraction.pairwise.execute`). ``rescale=True`` always rescales (no check,
hence no device synchronisation on torch), ``rescale=False`` never does. Exact arrays are
never rescaled. :meth:`Plan.scaled` returns ``(mantissa, log_scale)`` so that a quantity
far below the dtype's range (the probability of 2,000 pieces of evidence) can still be
normalised.

**Memory.** A plan knows its largest intermediate (in elements) before anything runs. When
that times the item size exceeds ``max_memory`` (default :data:`DEFAULT_MAX_MEMORY`: 8 GiB,
or a quarter of the machine's memory where that is less), the
contraction is sliced (:func:`markov.contraction.paths.choose_slices`): some labels are fixed, the
contraction runs once per value and the pieces are summed or written in place. When no
slicing can fit, :class:`~markov.errors.ContractionTooLarge` reports the estimate.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from diagrams._lazy import Frozen
from markov.arrays import backend as B
from markov.arrays.steps import cpu_views, to_torch
from markov.contraction import pairwise
from markov.errors import InvalidOption
from markov.contraction.cache import PLANS

#: Default cap on the largest intermediate of a contraction, in bytes.
MAX_MEMORY = 8 * 2**30


def _default_max_memory() -> int:
    """8 GiB, or a quarter of the machine's memory where that is less: a pairwise step
    holds its two operands, their reshaped copies and its result, about three times its
    largest intermediate, so a cap of a quarter leaves the machine room."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): the fixed cap
        return MAX_MEMORY
    return min(MAX_MEMORY, max(total // 4, 2**20))


#: The default cap on the largest intermediate here: :func:`_default_max_memory`.
DEFAULT_MAX_MEMORY = _default_max_memory()

RESCALE_MODES = ("auto", True, False)

#: Torch contractions on the CPU, in float32 or float64 and without autograd, whose pairwise
#: steps do at most this many multiply-adds on average run on numpy views of the tensors'
#: memory: torch's per-operation overhead (about a microsecond, several per step) dominates
#: such steps (0 turns this off).
TORCH_CPU_THROUGH_NUMPY = 2**17


class Plan(Frozen):
    """A compiled contraction: the einsum equation over the boxes' tensors, the path, its
    cost (``flops``, multiply-adds) and its largest intermediate (in elements). Frozen, and
    equal only to itself.

    >>> from diagrams import Ty, Box, copy
    >>> from markov import interpret, plan
    >>> X = Ty("X")
    >>> p, f = Box("p", Ty(), X), Box("f", X, X)
    >>> P = plan(p >> copy(X) >> (f @ f), {p: [0.5, 0.5], f: [[0.9, 0.1], [0.2, 0.8]]})
    >>> P.equation, P.largest_intermediate, P.sliced, P.search_seconds < 60
    ('a,ab,ac->bc', 4, (), True)
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
    program: pairwise.Program
    #: how the path was found ("opt_einsum-auto", "opt_einsum-greedy", "cotengra-hyper", ...)
    method: str
    #: labels fixed per slice, and how many slices there are (1: not sliced)
    sliced: tuple[str, ...]
    n_slices: int
    #: the largest intermediate of one slice (equal to ``largest_intermediate`` unsliced)
    slice_largest: int
    #: per operand (after diagonals), the (axis, label) pairs of sliced labels
    slice_axes: tuple[tuple[tuple[int, str], ...], ...]
    #: the (axis, label) pairs of sliced labels in the output
    out_slice_axes: tuple[tuple[int, str], ...]
    sizes: dict
    #: seconds the path search took (the rest of compiling is linear in the network)
    search_seconds: float

    # A frozen record written out (the fields in order, as a dataclass takes them): building
    # a dataclass costs every cold start about a millisecond.
    def __init__(self, equation: str, shapes: tuple, path: tuple, flops: int,
                 largest_intermediate: int, output_shape: tuple, squeeze: tuple, extras: tuple,
                 program: pairwise.Program, method: str = "", sliced: tuple[str, ...] = (),
                 n_slices: int = 1, slice_largest: int = 0, slice_axes: tuple = (),
                 out_slice_axes: tuple = (), sizes: dict | None = None,
                 search_seconds: float = 0.0) -> None:
        self.__dict__.update(
            equation=equation, shapes=shapes, path=path, flops=flops,
            largest_intermediate=largest_intermediate, output_shape=output_shape,
            squeeze=squeeze, extras=extras, program=program, method=method, sliced=sliced,
            n_slices=n_slices, slice_largest=slice_largest, slice_axes=slice_axes,
            out_slice_axes=out_slice_axes, sizes={} if sizes is None else sizes,
            search_seconds=search_seconds)

    def _replace(self, **changes: Any) -> Plan:
        """A copy with the given fields changed (a new plan: equal only to itself)."""
        return Plan(**{**self.__dict__, **changes})

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if k != "sizes")
        return f"Plan({shown})"

    @property
    def memory(self) -> int:
        """Bytes of the largest intermediate (of one slice) in float64.

        >>> from diagrams import Ty, Box
        >>> from markov import plan
        >>> plan(Box("p", Ty(), Ty("X")), {"p": [0.5, 0.5]}).memory
        16
        """
        return (self.slice_largest or self.largest_intermediate) * 8

    def __call__(self, arrays: Sequence, backend: str, template: Any = None, *,
                 rescale: bool | str = "auto", progress: bool = False) -> Any:
        """Contract the given box arrays (already converted to ``backend``; batch axes of
        size 1 are squeezed here). ``rescale``: see the module's notes on underflow.

        >>> from diagrams import Ty, Box
        >>> from markov import plan
        >>> p, f = Box("p", Ty(), Ty("X")), Box("f", Ty("X"), Ty("Y"))
        >>> P = plan(p >> f, {p: [0.5, 0.5], f: [[1.0, 0.0], [0.5, 0.5]]})
        >>> P([np.array([0.5, 0.5]), np.array([[1.0, 0.0], [0.5, 0.5]])], "numpy").tolist()
        [0.75, 0.25]
        """
        mantissa, log = self._run(arrays, backend, template, rescale, progress)
        if log is None:
            return mantissa.reshape(self.output_shape)
        ops = pairwise.ops_for(backend)
        factor = ops.exp(log).reshape(log.shape + (1,) * (mantissa.ndim - log.ndim))
        factor = ops.cast(factor, mantissa)
        return (mantissa * factor).reshape(self.output_shape)

    def scaled(self, arrays: Sequence, backend: str, template: Any = None, *,
               progress: bool = False) -> tuple[Any, Any]:
        """Contract with rescaling: ``(mantissa, log_scale)`` with the true result
        ``mantissa * exp(log_scale)``, ``log_scale`` over the output's batch axes and the
        mantissa's largest entry 1 per batch element (or all zeros). Exact backends return
        ``log_scale`` zero.

        >>> from diagrams import Ty, Box
        >>> from markov import plan
        >>> p = Box("p", Ty(), Ty("X"))
        >>> P = plan(p, {p: [0.5, 0.5]})
        >>> mantissa, log = P.scaled([np.array([1e-300, 3e-300])], "numpy")
        >>> mantissa.tolist(), round(float(log), 2)
        ([0.3333333333333333, 1.0], -689.68)
        """
        mantissa, log = self._run(arrays, backend, template, "scaled", progress)
        n_batch = len(self.program.batch_shape)
        batch = self.output_shape[:len(self.output_shape) - len(self.program.out_shape)
                                  + n_batch]
        if log is None:
            log = np.zeros(self.program.batch_shape)
        return mantissa.reshape(self.output_shape), log.reshape(batch)

    # ---- running ------------------------------------------------------------------------

    def _operands(self, arrays: Sequence, backend: str, template: Any) -> list:
        operands = [a.squeeze(axis) if axis else a for a, axis in zip(arrays, self.squeeze)]
        if self.extras:
            key = ("extras", self, backend,
                   None if template is None else (template.dtype, template.device))
            operands.extend(PLANS.get(key, lambda: [
                B.eye(n, backend, template) if kind == "eye" else B.ones(n, backend, template)
                for kind, n in self.extras]))
        return pairwise.prepare(self.program, operands, backend)

    def _run(self, arrays, backend, template, rescale, progress):
        if rescale not in RESCALE_MODES and rescale != "scaled":
            raise InvalidOption(f"rescale must be one of {RESCALE_MODES}, got {rescale!r}")
        if not pairwise.ops_for(backend).host:
            views = numpy_views(self, arrays, template)
            if views is not None:
                result, log = self._run(views, "numpy", None, rescale, progress)
                return to_torch(result, template), (None if log is None else
                                                    to_torch(log, template, keep_dtype=True))
        operands = self._operands(arrays, backend, template)
        floating = pairwise.ops_for(backend).floating(operands, template)
        if not floating:
            return self._slices(operands, backend, template, False, progress)[0], None
        if rescale is True:
            return self._slices(operands, backend, template, True, progress)
        if rescale is False:
            return self._slices(operands, backend, template, False, progress)[0], None
        result, _ = self._slices(operands, backend, template, False, progress)
        if pairwise.ops_for(backend).fits(result, len(self.program.batch_shape)):
            if rescale == "scaled":
                return _normalise_max(result, len(self.program.batch_shape), backend)
            return result, None
        return self._slices(operands, backend, template, True, progress)

    def _slices(self, operands, backend, template, rescale, progress):
        program = self.program
        if self.n_slices == 1:
            steps = _progress(program.steps, progress, "contracting")
            result, log = pairwise.execute(program, operands, backend, rescale, steps)
            return self._finish(result, backend, template), log
        ops = pairwise.ops_for(backend)
        full = tuple(self.sizes[c] if c in self.sliced else n for c, n in
                     zip(self._out_labels, program.out_shape))
        buffer = ops.zeros(full, template)
        n_batch = len(program.batch_shape)
        like = template if template is not None else buffer
        log_buffer = ops.empty_log(full[:n_batch], like) if rescale else None
        ranges = [range(self.sizes[c]) for c in self.sliced]
        values = _progress(itertools.product(*ranges), progress, "slices", self.n_slices)
        for assignment in values:
            fixed = dict(zip(self.sliced, assignment))
            pieces = [a if not axes else a[_index(a.ndim, axes, fixed)]
                      for a, axes in zip(operands, self.slice_axes)]
            result, log = pairwise.execute(program, pieces, backend, rescale)
            result = self._finish(result, backend, template)
            where = _index(len(full), self.out_slice_axes, fixed)
            accumulate(ops, (buffer, log_buffer), where, result, log)
        return buffer, log_buffer

    def _finish(self, result, backend, template):
        if result is None:  # no operands at all: the empty diagram
            result = B.ones(1, backend, template).reshape(())
        return result

    @property
    def _out_labels(self) -> str:
        return self.equation.split("->")[1]


# ---- helpers ----------------------------------------------------------------------------------

def _template(operands, backend):
    return pairwise.ops_for(backend).template(operands)


def _floating(operands, backend, template) -> bool:
    return pairwise.ops_for(backend).floating(operands, template)


def _fits(result, n_batch: int, backend: str) -> bool:
    """Whether every batch element's largest entry is finite and at least sqrt(tiny)."""
    return pairwise.ops_for(backend).fits(result, n_batch)


def numpy_views(plan: Plan, arrays: Sequence, template: Any) -> list | None:
    """numpy views of the memory of a torch contraction's arrays, when its steps are small
    (at most :data:`TORCH_CPU_THROUGH_NUMPY` multiply-adds each on average), on the CPU, in
    float32/float64 and without autograd; else None. torch's per-operation overhead (about a
    microsecond) dominates such steps; numpy runs the same steps on the same memory.

    >>> import torch
    >>> from diagrams import Ty, Box
    >>> from markov import plan
    >>> P = plan(Box("p", Ty(), Ty("X")), {"p": [0.5, 0.5]})
    >>> numpy_views(P, [torch.tensor([0.5, 0.5])], torch.ones(1))[0].dtype
    dtype('float32')
    """
    program = plan.program
    if template is None or program.flops > TORCH_CPU_THROUGH_NUMPY * max(len(program.steps), 1):
        return None
    return cpu_views(arrays, template)


def as_given(array: Any, backend: str, template: Any) -> Any:
    """A plan's result in the kind of array it was given: a tensor again when torch arrays
    ran on numpy views (``backend`` is the one they ran in, ``template`` a given tensor).

    >>> as_given(np.array([0.5]), "numpy", None)
    array([0.5])
    """
    return pairwise.ops_for(backend).as_given(array, template)


def _normalise_max(result, n_batch, backend):
    ops = pairwise.ops_for(backend)
    axes = tuple(range(n_batch, result.ndim))
    s, log = ops.scale(result, axes)
    log = log.reshape(result.shape[:n_batch])
    return result / s, log


def accumulate(ops: Any, buffers: tuple, where: tuple, result: Any, log: Any) -> None:
    """Add one slice's ``result`` into ``buffers = (buffer, log_buffer)`` at ``where``; with
    log-scales (``log_buffer`` not None) the rows move to the larger scale first, so nothing
    overflows or underflows (used by sliced plans here and in their distributed runs).

    >>> from markov.arrays.steps import ops_for
    >>> buffer = np.zeros((2,))
    >>> accumulate(ops_for("numpy"), (buffer, None), (slice(0, 1),), np.ones(1), None)
    >>> buffer.tolist()
    [1.0, 0.0]
    """
    buffer, log_buffer = buffers
    if log_buffer is None:
        buffer[where] += result
        return
    n_batch = log_buffer.ndim
    n_event = buffer.ndim - n_batch
    rows = where[:n_batch]
    current = log_buffer[rows]
    new = ops.maximum(current, log)
    keep = ops.exp(current - new).reshape(current.shape + (1,) * n_event)
    add = ops.exp(log - new).reshape(log.shape + (1,) * n_event)
    buffer[rows] *= ops.cast(keep, buffer)
    buffer[where] += result * ops.cast(add, buffer)
    log_buffer[rows] = new


def _index(ndim: int, axes, fixed: dict) -> tuple:
    index = [slice(None)] * ndim
    for axis, label in axes:
        v = int(fixed[label])
        index[axis] = slice(v, v + 1)
    return tuple(index)


def _progress(iterable, progress: bool, what: str, total: int | None = None):
    if not progress:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # a plain counter on stderr
        return _plain_progress(iterable, what, total)
    return tqdm(iterable, desc=what, total=total)


def _plain_progress(iterable, what, total):
    import sys

    items = list(iterable) if total is None else iterable
    total = len(items) if total is None else total
    step = max(total // 20, 1)
    for i, item in enumerate(items):
        if i % step == 0:
            print(f"{what}: {i}/{total}", file=sys.stderr)
        yield item
    print(f"{what}: {total}/{total}", file=sys.stderr)


# compile_plan lives in markov.contraction.compile (it builds Plans); importable from here too.
from markov.contraction.compile import compile_plan  # noqa: F401
