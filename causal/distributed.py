"""Batched queries over tables too large for one process, on dask.

A dask DataFrame (one column per variable) or dask arrays (one per variable) of evidence or
intervention values become one lazy dask object with one result row per input row:

- each partition (array chunk) is answered by batched contractions of the model's method
  (:meth:`~causal.CausalModel.query`, :meth:`~causal.CausalModel.counterfactual`, or any
  method taking ``do=`` and ``evidence=`` mappings of batches) on a worker;
- the model, with its compiled plans and tables, travels to each worker once: it is
  scattered to every worker (``client.scatter(..., broadcast=True)``) when a
  ``distributed.Client`` is at hand, else it is one key of the task graph; each worker keeps
  its copy, so plans compiled there serve every later partition;
- ``max_memory`` bounds each contraction: the rows one contraction may take are measured
  once on the client (the peak memory of two small probe batches, numpy float64), array
  chunks are cut to that many rows and larger DataFrame partitions are contracted in pieces;
- ``device`` (``"cuda:0"``, ``"cpu"``...) moves the model's tables to that torch device on
  each worker, once per worker; results come back as numpy.

dask is imported only when a dask collection is given.
"""

from __future__ import annotations

import inspect
import itertools
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from causal.errors import InvalidValue
from markov.arrays.placement import to_device
from markov.arrays.steps import ops_for
from markov.arrays.tensor import to_host

__all__ = ["map_batches"]

#: Rows of the two probe batches that measure the memory of one row.
_PROBES = (16, 272)
#: Rows one contraction takes at most, whatever the memory rule allows.
_MAX_ROWS = 2**20
ROLES = ("do", "evidence")


def has_dask_rows(value: Any) -> bool:
    """Whether ``value`` is a dask collection or a mapping holding one (without importing
    dask when it is not loaded).

    >>> has_dask_rows({"A": [0, 1]}), has_dask_rows(None)
    (False, False)
    """
    dask = sys.modules.get("dask")
    if dask is None or value is None:
        return False
    if dask.is_dask_collection(value):
        return True
    return isinstance(value, Mapping) and any(dask.is_dask_collection(v)
                                              for v in value.values())


class _Job:
    """What every partition needs, shipped to each worker once: the model, the method's
    name, the targets, the values shared by all rows and the method's other options."""

    __slots__ = ("columns", "constants", "method", "model", "options", "rows", "targets")

    def __init__(self, model, method, targets, *, constants, options, columns, rows):
        self.model, self.method, self.targets = model, method, targets
        self.constants, self.options = constants, options
        self.columns, self.rows = columns, rows

    def __getstate__(self):
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state):
        for k, v in zip(self.__slots__, state):
            setattr(self, k, v)


def map_batches(model: Any, method: str, targets: str | Sequence[str] | None = None, *,
                do: Any = None, evidence: Any = None, client: Any = None,
                max_memory: int | None = None, device: str | None = None,
                **options: Any) -> Any:
    """Answer ``model.<method>(targets, do=..., evidence=..., **options)`` for every row of
    dask data, lazily: one batched call per partition (chunk), on the workers of ``client``
    (default: the current ``distributed`` client, if any, else dask's default scheduler).

    ``do`` and ``evidence`` are each a dask DataFrame (one column per variable) or a mapping
    of variables to dask arrays or Series (one value per row) and plain values (shared by all
    rows). With DataFrames (or Series) the result is a dask DataFrame with the input's index
    and one column per outcome, named ``P(target=state)`` (``P(A=a, B=b)`` for a joint); with
    arrays a dask array ``[rows, columns]`` in that column order. ``client=False`` leaves
    the distributed client alone: the result computes on any of dask's local schedulers. ``max_memory`` (bytes,
    default :data:`markov.contraction.plan.DEFAULT_MAX_MEMORY`) bounds each contraction; ``device``
    runs the workers' contractions in torch on that device.

    >>> import dask.dataframe as dd, pandas as pd
    >>> from causal import CausalModel
    >>> m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
    ...                 states={"S": ["no", "yes"], "C": ["no", "yes"]})
    >>> rows = dd.from_pandas(pd.DataFrame({"C": ["yes", "no", "yes"]}), npartitions=2)
    >>> out = map_batches(m, "query", "S", evidence=rows, client=False)
    >>> out.compute(scheduler="sync").round(3)
       P(S=no)  P(S=yes)
    0    0.125     0.875
    1    0.750     0.250
    2    0.125     0.875
    >>> map_batches(m, "query", "S", evidence={"C": [0, 1]})
    Traceback (most recent call last):
    ...
    causal.errors.InvalidValue: map_batches needs dask data in do or evidence (a dask DataFrame, or a mapping with dask arrays or Series)
    """
    if not callable(getattr(model, method, None)):
        raise InvalidValue(f"the model has no method {method!r} to map over batches")
    constants, frames, arrays = _split(do, evidence)
    if not frames and not arrays:
        raise InvalidValue("map_batches needs dask data in do or evidence (a dask DataFrame, "
                           "or a mapping with dask arrays or Series)")
    if frames and arrays:
        raise InvalidValue("give dask DataFrames (or Series) or dask arrays, not both: "
                           "convert with dask.dataframe.from_dask_array")
    if isinstance(targets, str):
        targets = (targets,)
    names = [(role, name) for role, name, _ in arrays] or \
        [(role, str(c)) for role, frame in frames for c in frame.columns]
    rows, columns, dtype = _probe(model, method, targets, constants=constants, names=names,
                                  options=options, max_memory=max_memory)
    job = _Job(model, method, targets, constants=constants, options=options, columns=columns,
               rows=rows)
    client = _client(client)
    # With a cluster the job goes to every worker once; dask's local schedulers share it.
    shared = client.scatter([job], broadcast=True, hash=False)[0] if client is not None \
        else job
    if frames:
        return _map_frames(frames, shared, columns, dtype, device)
    return _map_arrays(arrays, shared, rows=rows, n_columns=len(columns), dtype=dtype,
                       device=device)


# ---- the client side ------------------------------------------------------------------------

def _split(do, evidence):
    """Plain values by role, dask DataFrames as ``(role, frame)`` and dask arrays as
    ``(role, variable, array)``."""
    import dask

    constants: dict[str, dict] = {role: {} for role in ROLES}
    frames, arrays = [], []
    for role, value in zip(ROLES, (do, evidence)):
        if value is None:
            continue
        if dask.is_dask_collection(value):
            if not hasattr(value, "columns"):
                raise InvalidValue(f"{role}: a dask array needs variable names; pass a "
                                   "mapping {variable: dask array} or a dask DataFrame")
            frames.append((role, value))
            continue
        if not isinstance(value, Mapping):
            raise InvalidValue(f"{role} must be a mapping of variables to values or a dask "
                               f"DataFrame, got {type(value).__name__}")
        for v, x in value.items():
            if not dask.is_dask_collection(x):
                constants[role][str(v)] = x
            elif hasattr(x, "to_frame"):  # a dask Series
                frames.append((role, x.to_frame(name=str(v))))
            elif getattr(x, "ndim", None) == 1:
                arrays.append((role, str(v), x))
            else:
                raise InvalidValue(f"{role} value of {v!r} must be a 1-d dask array or a "
                                   f"dask Series (one value per row), got {x!r}")
    return constants, frames, arrays


def _client(client):
    if client is False:
        return None
    if client is not None:
        return client
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):  # no distributed, or no client started
        return None


def _probe(model, method, targets, *, constants, names, options, max_memory):
    """Rows per contraction under ``max_memory``, the result's columns and dtype: the method
    runs on two dummy batches (every batched value its first outcome), warm, under
    tracemalloc."""
    from markov.contraction.plan import DEFAULT_MAX_MEMORY

    limit = DEFAULT_MAX_MEMORY if max_memory is None else int(max_memory)
    # tracemalloc sees host memory only: measure on host copies of device tables
    probe_model = model if ops_for(model.backend).host else _converted(model, None)
    call = getattr(probe_model, method)
    options = dict(options)
    if "on_zero" in inspect.signature(call).parameters:
        options["on_zero"] = "uniform"  # dummy values may have probability zero
    import tracemalloc  # here: CausalModel.query imports this module, a cold start needs none

    peaks, result = [], None
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        for n in _PROBES:
            batch = {role: dict(constants[role]) for role in ROLES}
            for role, v in names:  # the first state, by name (the rule of causal.values)
                batch[role][v] = np.full(n, model.states[v][0], dtype=object)
            result = _call(call, targets, batch, options)  # compiles this shape's plan
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            result = _call(call, targets, batch, options)
            peaks.append(tracemalloc.get_traced_memory()[1] - base)
            del batch
    finally:
        if started:
            tracemalloc.stop()
    per_row = max((peaks[1] - peaks[0]) / (_PROBES[1] - _PROBES[0]), 1.0)
    fixed = max(peaks[0] - per_row * _PROBES[0], 0.0)
    rows = int(min(max((limit - fixed) // per_row, 1), _MAX_ROWS))
    kernels = list(result.values()) if isinstance(result, Mapping) else [result]
    columns = [c for k in kernels for c in _names(k, model.states)]
    dtype = np.result_type(*(_numpy(k.array).dtype for k in kernels))
    return rows, columns, dtype


def _names(kernel, states) -> list[str]:
    variables = kernel.cod.names
    labels = getattr(kernel, "labels", None) or {}
    outcomes = [labels.get(v) or states[v] for v in variables]
    return [f"P({', '.join(f'{v}={s}' for v, s in zip(variables, combo))})"
            for combo in itertools.product(*outcomes)]


def _map_frames(frames, shared, columns, dtype, device):
    import dask.dataframe as dd
    import pandas as pd

    roles = tuple(role for role, _ in frames)
    first = frames[0][1]
    data = [first] + [_aligned(f, first) for _, f in frames[1:]]
    meta = pd.DataFrame({c: np.array([], dtype=dtype) for c in columns},
                        index=first._meta.index[:0])
    return dd.map_partitions(_score_frames, *data, shared, roles, device, meta=meta,
                             align_dataframes=False)


def _aligned(frame, first):
    """``frame`` partitioned as ``first`` (rows are matched partition by partition)."""
    if tuple(frame.divisions) == tuple(first.divisions) and \
            frame.npartitions == first.npartitions:
        return frame
    if frame.known_divisions and first.known_divisions:
        return frame.repartition(divisions=first.divisions)
    raise InvalidValue("dask DataFrames of do and evidence must have the same partitions or "
                       "known divisions to align their rows")


def _map_arrays(arrays, shared, *, rows, n_columns, dtype, device):
    import dask.array as da

    data = [a for _, _, a in arrays]
    if max(max(a.chunks[0]) for a in data) > rows:
        data = [a.rechunk({0: rows}) for a in data]
    data = da.core.unify_chunks(*itertools.chain(*((a, "i") for a in data)))[1]
    keys = tuple((role, v) for role, v, _ in arrays)
    return da.map_blocks(_score_blocks, *data, shared, keys, device, dtype=dtype,
                         chunks=(data[0].chunks[0], (n_columns,)), new_axis=1)


# ---- the worker side --------------------------------------------------------------------------

def _score_frames(*args):
    *parts, job, roles, device = args
    import pandas as pd

    batched: dict[str, dict] = {role: {} for role in ROLES}
    for role, part in zip(roles, parts):
        for c in part.columns:
            batched[role][str(c)] = part[c].to_numpy()
    table = _score(job, batched, len(parts[0]), device)
    return pd.DataFrame(table, index=parts[0].index, columns=job.columns)


def _score_blocks(*args):
    *blocks, job, keys, device = args
    batched: dict[str, dict] = {role: {} for role in ROLES}
    for (role, v), block in zip(keys, blocks):
        batched[role][v] = np.asarray(block)
    return _score(job, batched, len(blocks[0]), device)


def _score(job: _Job, batched: dict, n: int, device) -> np.ndarray:
    """The result rows of ``n`` batched rows, in contractions of at most ``job.rows`` rows."""
    job = _on_device(job, device) if device is not None else job
    call = getattr(job.model, job.method)
    pieces = []
    for start in range(0, n, job.rows):
        stop = min(start + job.rows, n)
        values = {role: {**job.constants[role],
                         **{v: x[start:stop] for v, x in batched[role].items()}}
                  for role in ROLES}
        pieces.append(_table(_call(call, job.targets, values, job.options), stop - start))
    if not pieces:
        return np.zeros((0, len(job.columns)))
    return np.concatenate(pieces) if len(pieces) > 1 else pieces[0]


def _call(call, targets, values, options):
    if targets is None:
        return call(do=values["do"], evidence=values["evidence"], **options)
    return call(targets, do=values["do"], evidence=values["evidence"], **options)


def _table(result, n: int) -> np.ndarray:
    """A result (a kernel, or a mapping of kernels) as ``[n, columns]``."""
    kernels = result.values() if isinstance(result, Mapping) else [result]
    blocks = []
    for k in kernels:
        array = _numpy(k.array)
        batch = array.shape[:array.ndim - len(k.cod)]
        if batch not in ((), (n,), (1,)):
            raise InvalidValue(f"{k.name or 'the result'} has batch shape {batch}, not one "
                               f"row per input row ({n}): do plain values have batch axes?")
        size = int(np.prod(array.shape[len(batch):], dtype=int))
        blocks.append(np.broadcast_to(array.reshape(-1, size), (n, size)))
    return np.concatenate(blocks, axis=1) if len(blocks) > 1 else np.array(blocks[0])


def _numpy(array: Any) -> np.ndarray:
    return to_host(array)


@lru_cache(maxsize=4)
def _on_device(job: _Job, device: str) -> _Job:
    """The job with its model's tables on a torch device, made once per worker (the job
    object a worker holds is the same for all its partitions)."""
    return _Job(_converted(job.model, device), job.method, job.targets,
                constants=job.constants, options=job.options, columns=job.columns,
                rows=job.rows)


def _converted(model: Any, device: str | None) -> Any:
    """The model with its tables as float64 numpy arrays (``device`` None) or as torch
    tensors on ``device``."""
    from markov import Kernel

    cpts = {v: Kernel(to_device(k.array, device), dom=k.dom, cod=k.cod, validate=False,
                      labels=k.labels)
            for v, k in model.mechanisms.items()}
    return type(model)(model.parents, cpts, states=model.states, latent=model.latent,
                       name=model.name, intervened=model.intervened)
