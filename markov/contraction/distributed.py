"""The slices of a sliced plan as dask tasks, partial sums reduced in a tree.

A plan sliced under ``max_memory`` (:mod:`markov.contraction.plan`) runs one contraction per
value of its sliced labels. Here the values are cut into contiguous groups, one dask task per
group: a task sums (or writes in place, for sliced output labels) the pieces of its slices,
so a task needs the memory of one slice plus one output buffer, as the local loop does. The
partial results are added in a tree of ``split_every``-ary additions, on the workers.

What moves over the network: the plan and the operands (the boxes' arrays) go to each
worker once (``client.scatter(..., broadcast=True)``, or one graph key for dask's local
schedulers); each task returns one output-sized partial sum. Floating results are guarded
against underflow as :class:`~markov.contraction.plan.Plan` does locally: the plain run is
checked and, where it lost mass, run again with every slice rescaled and the partial sums
combined on a common log-scale. ``device`` moves the operands to that torch device on each
worker (once per worker); partial sums come back on the CPU.

dask is imported only when this runs.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

import numpy as np

from markov.arrays import placement
from markov.contraction import pairwise
from markov.contraction.plan import Plan, _fits, _index, accumulate
from markov.errors import MarkovError

__all__ = ["run_slices"]

#: Tasks per worker when ``tasks`` is not given: enough to balance uneven workers.
TASKS_PER_WORKER = 4


class _Payload:
    """The plan and its prepared operands, held once per worker."""

    __slots__ = ("backend", "operands", "plan")

    def __init__(self, plan, operands, backend):
        self.plan, self.operands, self.backend = plan, operands, backend

    def __getstate__(self):
        return self.plan, self.operands, self.backend

    def __setstate__(self, state):
        self.plan, self.operands, self.backend = state


def run_slices(plan: Plan, arrays: list, backend: str, template: Any = None, *,
               executor: Any, rescale: bool | str = "auto", scaled: bool = False,
               tasks: int | None = None, split_every: int = 8,
               device: str | None = None) -> Any:
    """Contract ``arrays`` (bound to ``backend`` as :meth:`Plan.__call__` takes them) with
    the plan's slices run as tasks of ``executor``: a ``distributed.Client``, or the name of
    a dask scheduler (``"sync"``, ``"threads"``, ``"processes"``). ``tasks`` groups of
    slices (default: 4 per worker), partial sums added ``split_every`` at a time. Returns
    the result, or ``(mantissa, log_scale)`` with ``scaled`` (as :meth:`Plan.scaled`). An
    unsliced plan runs here, in this process.

    >>> from diagrams import Ty, Box
    >>> from markov import plan
    >>> p, f = Box("p", Ty(), Ty("X")), Box("f", Ty("X"), Ty("Y"))
    >>> arrays = [np.full(100, 0.01), np.full((100, 100), 0.01)]
    >>> P = plan(p >> f, {p: arrays[0], f: arrays[1]}, max_memory=800)
    >>> P.n_slices
    100
    >>> run_slices(P, arrays, "numpy", executor="sync", tasks=3)[:3].round(12).tolist()
    [0.01, 0.01, 0.01]
    >>> run_slices(P, arrays, "numpy", executor=object())
    Traceback (most recent call last):
    ...
    markov.errors.MarkovError: executor must be a distributed.Client or a dask scheduler name, got object
    """
    if not (isinstance(executor, str) or _is_client(executor)):
        raise MarkovError("executor must be a distributed.Client or a dask scheduler name, "
                          f"got {type(executor).__name__}")
    if rescale not in ("auto", True, False):
        raise MarkovError(f"rescale must be 'auto', True or False, got {rescale!r}")
    if device is not None:
        placement.check_movable(backend)
    if plan.n_slices == 1:
        if scaled:
            return plan.scaled(arrays, backend, template)
        return plan(arrays, backend, template, rescale=rescale)
    operands = plan._operands(arrays, backend, template)
    ops = pairwise.ops_for(backend)
    floating = ops.floating(operands, None)
    n_tasks = tasks or _default_tasks(executor, plan.n_slices)
    run = _Runner(_Payload(plan, operands, backend), executor, n_tasks, split_every, device)
    n_batch = len(plan.program.batch_shape)
    if not floating or rescale is False:
        mantissa, log = run(False), None
    elif rescale is True:
        mantissa, log = run(True)
    else:
        mantissa, log = run(False), None
        if not _fits(mantissa, n_batch, backend):
            mantissa, log = run(True)
    if not ops.host:  # results come back in the template's kind
        mantissa = placement.like_template(mantissa, template)
        log = None if log is None else placement.like_template(log, template, keep_dtype=True)
    if scaled:
        if not floating:
            return mantissa.reshape(plan.output_shape), np.zeros(plan.program.batch_shape)
        axes = tuple(range(n_batch, mantissa.ndim))
        s, log_s = ops.scale(mantissa, axes)
        log_s = log_s.reshape(mantissa.shape[:n_batch])
        log = log_s if log is None else log + log_s
        batch = plan.output_shape[:len(plan.output_shape) - len(plan.program.out_shape)
                                  + n_batch]
        return (mantissa / s).reshape(plan.output_shape), log.reshape(batch)
    if log is not None:
        factor = ops.cast(ops.exp(log), mantissa)
        factor = factor.reshape(log.shape + (1,) * (mantissa.ndim - log.ndim))
        mantissa = mantissa * factor
    return mantissa.reshape(plan.output_shape)


def _is_client(executor) -> bool:
    return all(hasattr(executor, a) for a in ("scatter", "compute", "scheduler_info"))


def _default_tasks(executor, n_slices: int) -> int:
    workers = len(executor.scheduler_info().get("workers", ())) if _is_client(executor) \
        else 2
    return max(1, min(n_slices, TASKS_PER_WORKER * max(workers, 1)))


class _Runner:
    """Builds and computes the task tree for one pass (plain or rescaled)."""

    def __init__(self, payload, executor, n_tasks, split_every, device):
        import dask

        self.executor, self.n_tasks, self.device = executor, n_tasks, device
        self.split_every = max(int(split_every), 2)
        if _is_client(executor):
            self.shared = executor.scatter([payload], broadcast=True, hash=False)[0]
        else:
            self.shared = dask.delayed(payload, pure=False)
        self.n_slices = payload.plan.n_slices

    def __call__(self, rescale: bool):
        import dask

        bounds = np.linspace(0, self.n_slices, self.n_tasks + 1).round().astype(int)
        level = [dask.delayed(_partial, pure=True)(self.shared, int(a), int(b), rescale,
                                                   self.device)
                 for a, b in itertools.pairwise(bounds) if b > a]
        while len(level) > 1:
            level = [dask.delayed(_combine, pure=True)(*level[i:i + self.split_every])
                     for i in range(0, len(level), self.split_every)]
        total = level[0]
        if _is_client(self.executor):
            result = self.executor.compute(total).result()
        else:
            result = dask.compute(total, scheduler=self.executor)[0]
        return result if rescale else result[0]


# ---- the tasks --------------------------------------------------------------------------------

def _partial(payload: _Payload, start: int, stop: int, rescale: bool, device):
    """The sum of slices ``start`` to ``stop`` (in C order over the sliced labels), as
    ``(buffer, log_buffer)``; ``log_buffer`` is None without rescaling."""
    given = payload.backend
    if device is not None:
        payload = _on_device(payload, device)
    plan, operands, backend = payload.plan, payload.operands, payload.backend
    program = plan.program
    ops = pairwise.ops_for(backend)
    sizes = [plan.sizes[c] for c in plan.sliced]
    out_labels = plan.equation.split("->")[1]
    full = tuple(plan.sizes[c] if c in plan.sliced else n
                 for c, n in zip(out_labels, program.out_shape))
    like = next((a for a in operands if not isinstance(a, np.ndarray)), None)
    buffer = placement.zeros_for(full, backend, operands, like)
    n_batch = len(program.batch_shape)
    log_buffer = ops.empty_log(full[:n_batch], like if like is not None else buffer) \
        if rescale else None
    for flat in range(start, stop):
        fixed = dict(zip(plan.sliced, np.unravel_index(flat, sizes)))
        pieces = [a if not axes else a[_index(a.ndim, axes, fixed)]
                  for a, axes in zip(operands, plan.slice_axes)]
        result, log = pairwise.execute(program, pieces, backend, rescale)
        where = _index(len(full), plan.out_slice_axes, fixed)
        accumulate(ops, (buffer, log_buffer), where, result, log)
    if device is not None:  # partial sums travel on the CPU, in the kind of array given
        buffer, log_buffer = (placement.off_device(x, given) for x in (buffer, log_buffer))
    return buffer, log_buffer


def _combine(*partials):
    """The sum of partial results ``(buffer, log_buffer)``: on a common log-scale (the
    largest per batch row) where they were rescaled."""
    buffer, log = partials[0]
    buffer = placement.copy(buffer)
    for other, other_log in partials[1:]:
        if log is None:
            buffer += other
            continue
        buffer, log = placement.add_on_log_scale(buffer, log, other, other_log)
    return buffer, log


# ---- helpers ----------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _on_device(payload: _Payload, device: str) -> _Payload:
    """The payload's operands on ``device``, made once per worker."""
    operands, backend = placement.on_device(payload.operands, device)
    return _Payload(payload.plan, operands, backend)


