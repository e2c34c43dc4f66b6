"""All marginals for a repeated evidence pattern: what depends on no evidence value, once.

Every wire's joint with the evidence is linear in each evidence likelihood. For observed
wires ``E1 .. Em`` (sizes ``k1 .. km``, ``K = k1 * .. * km`` combinations of values), the
joints of every wire with each combination, ``J[K, N]`` (``N`` the sum of the wires'
sizes), are one batched forward and backward sweep of the closed network with the grid of
one-hot rows as its evidence. Any later evidence, likelihoods ``L1 .. Lm`` (batched or not,
one-hot or soft), then gives every joint as ``(L1 x .. x Lm) @ J``: one small product and one
normalisation over the stacked wires. That is constant folding carried to its end: a call
pays only for what depends on its evidence values, where a junction tree re-sends every
message leaving the evidence's clique.

The joints are kept in :data:`~markov.contraction.cache.PLANS` per diagram, evidence
pattern and the very table objects of the mapping (with references to them, so that their
identities stay theirs; tables are taken to be unchanged while they are the same objects,
as for folded queries). They are built on the second call with the same key, so a one-off
call pays nothing extra, and only where that is small and safe: host arrays (numpy floats or
exact numbers) without batch axes, ``K <= MAX_STATES``, ``K * N <= MAX_ELEMENTS``, a sweep
that keeps at most about ``MAX_SWEEP`` numbers and needs no slicing, and joints that need no rescaling against underflow. Elsewhere the
caller runs the plain sweep.

With more than ``MAX_STATES`` combinations, the evidence whose values did not change since
the previous call with the pattern is held at its values (unbatched), and the joints are
kept per those values over the combinations of the values that did change: a user who moves
one observation among many pays for that one, as with a warm junction tree's
``chgEvidence``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from diagrams import Diagram, Ty
from markov.arrays import backend as B
from markov.arrays import binding
from markov.arrays import ops as A
from markov.arrays.steps import ops_for
from markov.contraction.cache import PLANS
from markov.errors import ContractionTooLarge, ZeroProbabilityEvidence
from markov.inference.normalize import normalize
from markov.kernel import Kernel

#: The most combinations of evidence values whose joints are kept.
MAX_STATES = 64
#: The most numbers kept per diagram, evidence pattern and tables (``K * N``).
MAX_ELEMENTS = 2**20
#: The most numbers the sweep that builds them may keep (estimated; its adjoints carry the
#: ``K`` combinations): past it, building would cost seconds and gigabytes.
MAX_SWEEP = 2**26

_NEW, _SEEN, _BUILT, _REFUSED = 0, 1, 2, -1


class EvidenceJoints:
    """Every wire's joint with each combination of evidence values (``joints``, ``[K, N]``,
    None until built), the mapping they came from (its keys and values, ``tables``), the
    sizes of the evidence (``ks``) and of each wire (``sizes``), the previous call's
    evidence (``last``), and how many times the sweep that built them ran (once: counted
    for tests).

    >>> EvidenceJoints(()).runs
    0
    """

    __slots__ = ("backend", "joints", "ks", "last", "runs", "sizes", "state", "tables")

    def __init__(self, tables: tuple):
        self.tables = tables
        self.state = _NEW
        self.joints: Any = None
        self.backend = ""
        self.ks: tuple[int, ...] = ()
        self.sizes: tuple[int, ...] = ()
        self.runs = 0
        self.last: list | None = None


def folded_marginals(d: Diagram, keys: tuple[str, ...], mapping: Mapping,
                     evidence: dict, *, sweep: Callable, options: tuple,
                     on_zero: str = "raise", what: str = "",
                     labels: Mapping[str, Sequence] | None = None) -> dict | None:
    """Every wire's posterior from the kept joints of ``d`` (closed: no inputs, no outputs
    asked) with ``evidence``'s pattern, or None where they do not apply yet or at all (the
    caller then sweeps). ``sweep(rows, rescale, budget)`` runs the plain sweep on evidence
    arrays ``rows`` (in the pattern's order; :class:`~markov.ContractionTooLarge` past
    ``budget`` numbers kept) and returns ``(joints, plan, backend, template)``;
    ``options`` (hashable) are the other arguments it depends on.

    >>> from diagrams import Box
    >>> from markov.inference.marginals import all_marginals
    >>> p, f = Box("p", Ty(), Ty("X")), Box("f", Ty("X"), Ty("Y"))
    >>> d, tables = p >> f, {p: np.array([0.5, 0.5]), f: np.array([[0.9, 0.1], [0.3, 0.7]])}
    >>> for y in ([1.0, 0.0], [0.0, 1.0], [0.0, 1.0]):   # the second call keeps the joints
    ...     post = all_marginals(d, tables, {"Y": y})
    >>> post["X"].array.round(3).tolist()
    [0.125, 0.875]
    >>> [(s.runs, s.joints.shape) for s in PLANS.entries("evidence joints")
    ...  if s.tables[1][0] is tables[p]]
    [(1, (2, 4))]
    """
    # The mapping's very keys and values name the tables: no box is hashed on a hit.
    key = ("evidence joints", tuple(evidence), tuple(map(id, mapping)),
           tuple(map(id, mapping.values())), options)
    store = PLANS.about(d, key, lambda: EvidenceJoints((tuple(mapping), tuple(mapping.values()))))
    likelihoods = _likelihoods(evidence)
    if likelihoods is None:
        return None
    fixed: dict = {}
    if math.prod(a.shape[-1] for a in likelihoods) > MAX_STATES:
        store, likelihoods, fixed = _unchanged_fixed(d, key, store, likelihoods)
        if store is None:
            return None
    if store.state == _REFUSED:
        return None
    if store.state == _NEW:  # a first call sweeps as usual: one-off calls keep nothing big
        store.state = _SEEN
        return None
    if store.state == _SEEN:
        store.state = _REFUSED  # until built: a build that does not apply leaves it refused
        if not _build(store, d, likelihoods, sweep, fixed):
            return None
        store.state = _BUILT
    joints = _combine(store, likelihoods)
    if joints is None:
        return None
    return stacked_posteriors(joints, store.sizes, keys, wire_types(d), on_zero=on_zero,
                              what=what, labels=labels)


def wire_types(d: Diagram) -> tuple[Ty, ...]:
    """Each wire's type, as a :class:`~diagrams.Ty` (kept per diagram).

    >>> from diagrams import Box
    >>> wire_types(Box("p", Ty(), Ty("X")) >> Box("f", Ty("X"), Ty("Y")))
    (Ty('X'), Ty('Y'))
    """
    return PLANS.about(d, "wire types", lambda: tuple(Ty(ty) for ty in d.wires))


def _likelihoods(evidence: dict) -> list | None:
    """The evidence as host arrays ``[*batch, k]`` (None for tensors: the sweep runs them)."""
    out = []
    for key, value in evidence.items():
        array = B.as_array(value.array if isinstance(value, Kernel) else value,
                           f"the evidence on {key}")
        if type(array) is not np.ndarray or array.ndim == 0:
            return None
        out.append(array)
    return out


def _unchanged_fixed(d: Diagram, key: tuple, store: EvidenceJoints, likelihoods: list
                     ) -> tuple[EvidenceJoints | None, list, dict]:
    """Too many combinations of evidence values: the joints with each combination of the
    values that changed since the last call, the others held at their values (unbatched),
    kept under those values. Returns that store, the changing likelihoods and the fixed
    ones by position (no store where that does not apply either)."""
    last, store.last = store.last, likelihoods
    if last is None:
        return None, [], {}
    changed = tuple(i for i, (a, b) in enumerate(zip(likelihoods, last))
                    if not (a is b or (a.shape == b.shape and np.array_equal(a, b))))
    fixed = {i: a for i, a in enumerate(likelihoods) if i not in changed}
    if any(a.ndim != 1 for a in fixed.values()) or math.prod(
            likelihoods[i].shape[-1] for i in changed) > MAX_STATES:
        return None, [], {}
    values = tuple(tuple(a.tolist()) for a in fixed.values())
    kept = PLANS.about(d, (*key, changed, values), lambda: EvidenceJoints(store.tables))
    return kept, [likelihoods[i] for i in changed], fixed


def _build(store: EvidenceJoints, d: Diagram, likelihoods: list, sweep: Callable,
           fixed: dict) -> bool:
    """Sweep the grid of one-hot rows of the changing evidence (the ``fixed`` evidence at
    its positions as it is) once and keep every wire's joints."""
    ks = tuple(int(a.shape[-1]) for a in likelihoods)
    n_states = math.prod(ks)
    mapping = dict(zip(*store.tables))
    if n_states > MAX_STATES or any(_unsuitable(box, mapping) for box in d.boxes):
        return False
    grid = []
    for i, k in enumerate(ks):
        one_hot = np.eye(k).reshape((1,) * i + (k,) + (1,) * (len(ks) - 1 - i) + (k,))
        grid.append(np.ascontiguousarray(np.broadcast_to(one_hot, ks + (k,))))
    grid.reverse()
    rows = [fixed[i] if i in fixed else grid.pop() for i in range(len(fixed) + len(ks))]
    try:
        found, plan, backend, template = sweep(rows, False, MAX_SWEEP)
    except ContractionTooLarge:
        return False
    store.runs += 1
    ops = ops_for(backend)
    if template is not None or not ops.host or tuple(plan.output_shape) != ks:
        return False
    sizes = tuple(int(j.shape[-1]) for j in found)
    if n_states * sum(sizes) > MAX_ELEMENTS:
        return False
    joints = np.concatenate([j.reshape(n_states, -1) for j in found], axis=-1)
    if ops.floating(None, None) and not ops.fits(joints, 1):
        # Rows of zero are fine where the evidence is impossible, not where it underflowed.
        zero = joints.max(axis=-1) == 0
        if not ops.fits(joints[~zero], 1):
            return False
        scaled, _, _, _ = sweep(rows, True, None)
        if np.concatenate([j.reshape(n_states, -1) for j in scaled], axis=-1)[zero].any():
            return False
    store.joints, store.backend, store.ks, store.sizes = joints, backend, ks, sizes
    return True


def _unsuitable(box: Any, mapping: dict) -> bool:
    """Whether the table of ``box`` is missing (the sweep then says so), not a host array,
    or has batch axes (the grid's joints would mix with them)."""
    table = mapping.get(box, mapping.get(box.name))
    if table is None:
        return True
    array = B.as_array(table.array if isinstance(table, Kernel) else table, f"box {box.name}")
    if type(array) is not np.ndarray:
        return True
    if isinstance(table, Kernel):
        return table.n_batch > 0
    return array.ndim != len(box.dom) + len(box.cod)


def _combine(store: EvidenceJoints, likelihoods: list) -> Any:
    """``(L1 x .. x Lm) @ J`` over the evidence's batch, or None where it needs the sweep
    (another backend, other sizes, or a result that needs rescaling)."""
    ks = tuple(int(a.shape[-1]) for a in likelihoods)
    if ks != store.ks:
        return None
    m = len(ks)
    grid = np.ones((1,)) if not m else None
    batches = [a.shape[:-1] for a in likelihoods]
    if m > 1 and not _broadcast(batches):
        return None  # the sweep names the evidence whose batches disagree
    for i, a in enumerate(likelihoods):
        view = a.reshape(a.shape[:-1] + (1,) * i + (ks[i],) + (1,) * (m - 1 - i))
        grid = view if grid is None else grid * view
    batch = grid.shape[:grid.ndim - m] if m else ()
    if binding.choose([grid, store.joints])[0] != store.backend:
        return None
    grid = A.in_backend(grid.reshape(batch + (-1,)), store.backend)
    joints = grid @ store.joints
    ops = ops_for(store.backend)
    if ops.floating(None, None) and not ops.fits(joints, len(batch)):
        return None
    return joints


def _spans(sizes: tuple[int, ...]) -> tuple[Any, tuple]:
    """Where each wire starts, and its ``(start, stop)``, side by side."""
    stops = np.cumsum(sizes)
    return stops - np.asarray(sizes), tuple(zip((stops - sizes).tolist(), stops.tolist()))


def _broadcast(shapes: list) -> bool:
    """Whether batch shapes broadcast together."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


def stacked_posteriors(joints: Any, sizes: tuple[int, ...], keys: tuple, types: tuple, *,
                       on_zero: str, what: str, labels: Mapping | None) -> dict:
    """Each wire's posterior from the host array ``joints`` ``[*batch, N]`` of every wire's
    joint side by side (``sizes`` wide each, ``types`` their types), normalised in one
    division where no row has zero mass (else wire by wire, by the ``on_zero`` policy).

    >>> post = stacked_posteriors(np.array([1.0, 3.0, 2.0, 2.0]), (2, 2), ("X", "Y"),
    ...                           (Ty("X"), Ty("Y")), on_zero="raise", what="", labels=None)
    >>> post["X"].array.tolist(), post["Y"].array.tolist()
    ([0.25, 0.75], [0.5, 0.5])
    """
    offsets, spans = PLANS.get(("wire offsets", sizes), lambda: _spans(sizes))
    sums = np.add.reduceat(joints, offsets, axis=-1)
    if np.any(sums == 0):  # the zero-mass policies, wire by wire
        pieces = [normalize(joints[..., a:b], 1, on_zero=on_zero, what=what,
                            error=ZeroProbabilityEvidence) for a, b in spans]
    else:
        out = joints / np.repeat(sums, sizes, axis=-1)
        pieces = [out[..., a:b] for a, b in spans]
    empty = Ty()
    return {key: Kernel._trusted(piece, empty, cod,
                                 {cod.names[0]: labels[cod.names[0]]}
                                 if labels and cod.names[0] in labels else None)
            for key, cod, piece in zip(keys, types, pieces)}
