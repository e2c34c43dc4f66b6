"""pgmpy's bundled Bayesian networks as diagrams, for the benchmarks.

A network is read with :func:`causal.bif.read_bif` and turned into a string diagram directly
(one box per variable, ``parents -> variable``; copies are wires with several uses), so the
benchmarks measure the contraction and not a model class. Queries:

- a marginal ``P(targets)``: the variables' wires are the outputs;
- ``do(Y = y)``: the mechanism of ``Y`` is replaced by a state (a point mass, or a batch of
  point masses) and its inputs discarded — string-diagram surgery;
- evidence ``Z = z``: a box ``Z -> U`` onto a size-1 type (an indicator column, or a batch
  of indicators / likelihood rows) whose output is an output of the diagram (effects alone
  would be pruned, discard being natural); the answer is the normalised result.

>>> spec = load("asia")
>>> q = Query(spec, targets=("lung",), evidence={"smoke": 0})
>>> q.diagram.cod, len(q.diagram.boxes)
(Ty('lung', 'observed'), 9)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from diagrams import Box, Diagram, Ty

#: The size-1 type that carries evidence out of the contraction.
UNIT = "observed"

#: In the order of the issue (small to large).
NETWORKS = ("asia", "sachs", "child", "insurance", "alarm", "hailfinder", "hepar2",
            "win95pts", "pathfinder", "andes", "munin", "link")


def path_of(name: str) -> str:
    """The path of a network bundled with pgmpy (``pgmpy/utils/example_models``).

    >>> path_of("asia").endswith("asia.bif.gz")
    True
    """
    import pgmpy

    return os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models",
                        f"{name}.bif.gz")


_SPECS: dict[str, Any] = {}


def load(name: str):
    """The network as a :class:`causal.bif.BayesNetSpec` (cached).

    >>> load("sachs").name
    'unknown'
    """
    if name not in _SPECS:
        from causal.bif import read_bif

        _SPECS[name] = read_bif(path_of(name))
    return _SPECS[name]


def topological(spec) -> list[str]:
    """The variables in an order where parents come first.

    >>> topological(load("asia"))[:2]
    ['asia', 'tub']
    """
    order, seen = [], set()

    def visit(v):
        stack = [(v, iter(spec.parents[v]))]
        while stack:
            node, it = stack[-1]
            for p in it:
                if p not in seen:
                    stack.append((p, iter(spec.parents[p])))
                    break
            else:
                stack.pop()
                if node not in seen:
                    seen.add(node)
                    order.append(node)

    for v in spec.states:
        if v not in seen:
            visit(v)
    return order


@dataclass
class Query:
    """A query on a network as a diagram plus the mapping of its boxes.

    ``do`` maps variables to a state index or to a ``[B]`` array of indices (a batch);
    ``evidence`` maps variables to a state index, a ``[B]`` array of indices, or a ``[B, k]``
    likelihood array. Batched settings put a leading batch axis on the boxes that carry them.

    >>> q = Query(load("asia"), targets=("dysp",), do={"smoke": np.array([0, 1])})
    >>> q.mapping["do_smoke"].shape
    (2, 2)
    """

    spec: Any
    targets: Sequence[str]
    do: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: the order boxes are laid out in (a topological order; default :func:`topological`)
    order: Sequence[str] | None = None

    def __post_init__(self):
        spec = self.spec
        order = list(self.order) if self.order is not None else topological(spec)
        wire = {v: i for i, v in enumerate(order)}
        boxes, box_inputs, box_outputs = [], [], []
        self.mapping: dict[str, Any] = {}
        for v in order:
            if v in self.do:
                box = Box(f"do_{v}", Ty(), Ty(v))
                boxes.append(box)
                box_inputs.append(())
                self.mapping[box.name] = _one_hot(self.do[v], len(spec.states[v]))
            else:
                box = Box(v, Ty(*spec.parents[v]), Ty(v))
                boxes.append(box)
                box_inputs.append(tuple(wire[p] for p in spec.parents[v]))
                self.mapping[box.name] = spec.cpts[v]
            box_outputs.append((wire[v],))
        wires = list(order)
        units = []
        for v, value in self.evidence.items():
            box = Box(f"evidence_{v}", Ty(v), Ty(UNIT))
            boxes.append(box)
            box_inputs.append((wire[v],))
            box_outputs.append((len(wires),))
            units.append(len(wires))
            wires.append(UNIT)
            value = np.asarray(value)
            value = (value.astype(float) if value.ndim == 2
                     else _one_hot(value, len(spec.states[v])))
            self.mapping[box.name] = value[..., None]
        self.diagram = Diagram(wires, boxes, box_inputs, box_outputs, (),
                               [wire[t] for t in self.targets] + units)

    def answer(self, array: Any) -> Any:
        """The normalised answer over the targets from the array of :attr:`diagram` (drops
        the evidence's size-1 axes; keeps leading batch axes)."""
        n = len(self.evidence)
        if n:
            array = array.reshape(array.shape[:array.ndim - n])
        axes = tuple(range(array.ndim - len(self.targets), array.ndim))
        return array / array.sum(axes, keepdims=True)

    def pgmpy_evidence(self, row: int = 0) -> dict:
        """Point evidence of batch row ``row`` as pgmpy wants it (state names)."""
        out = {}
        for v, value in self.evidence.items():
            value = np.asarray(value)
            index = int(value if value.ndim == 0 else value[row])
            out[v] = self.spec.states[v][index]
        return out


def _one_hot(index: Any, n: int) -> np.ndarray:
    index = np.asarray(index)
    return np.eye(n)[index]


def kahn_order(spec) -> list[str]:
    """Another topological order (Kahn's algorithm, the last-named ready variable first):
    the same network laid out differently.

    >>> kahn_order(load("asia"))[:2]
    ['smoke', 'lung']
    """
    children: dict[str, list[str]] = {v: [] for v in spec.states}
    missing = {v: len(spec.parents[v]) for v in spec.states}
    for v in spec.states:
        for p in spec.parents[v]:
            children[p].append(v)
    ready = sorted(v for v, n in missing.items() if n == 0)
    order = []
    while ready:
        v = ready.pop()
        order.append(v)
        for c in children[v]:
            missing[c] -= 1
            if missing[c] == 0:
                ready.append(c)
                ready.sort()
    return order


def sample(spec, rng: np.random.Generator, n: int = 1) -> dict[str, np.ndarray]:
    """``n`` joint samples by ancestral sampling (state indices per variable), so that
    evidence drawn from them has positive probability.

    >>> s = sample(load("asia"), np.random.default_rng(0), 5)
    >>> s["dysp"].shape
    (5,)
    """
    out: dict[str, np.ndarray] = {}
    for v in topological(spec):
        table = spec.cpts[v][tuple(out[p] for p in spec.parents[v])] if spec.parents[v] \
            else np.broadcast_to(spec.cpts[v], (n, len(spec.states[v])))
        cumulative = np.cumsum(table, axis=-1)
        u = rng.random((n, 1)) * cumulative[:, -1:]
        out[v] = np.minimum((u > cumulative).sum(-1), len(spec.states[v]) - 1)
    return out


def leaves(spec) -> list[str]:
    """The variables without children, in topological order.

    >>> leaves(load("asia"))
    ['xray', 'dysp']
    """
    children = {p for v in spec.states for p in spec.parents[v]}
    return [v for v in topological(spec) if v not in children]
