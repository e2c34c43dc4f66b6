"""The methods the benchmarks run side by side, each set up once and then timed.

Every method answers a :class:`Task` (a target's distribution under a do-intervention and/or
point evidence, possibly a batch of them) and returns an array ``[B, |target|]``:

- ``causal.query``: this library's user API, :meth:`causal.CausalModel.query`;
- ``interpret``: the core, :func:`markov.interpret` on a diagram built once, kernels
  validated once (numpy, torch CPU, CUDA when present);
- ``opt_einsum``: a hand-precompiled :func:`opt_einsum.contract_expression` of the same
  equation, with opt_einsum's own path (``"auto"``), and with the library's path (to isolate
  the per-call overhead); a batch is a hand-batched einsum (the batch index in the equation);
- ``pgmpy``: :class:`pgmpy.inference.VariableElimination`, one query at a time;
- ``pyagrum``: :class:`pyagrum.LazyPropagation`, engine built once, evidence erased and set
  again for each query (a full recomputation: not how pyAgrum is meant to be used; the fair
  comparison, with warm engines and ``chgEvidence``, is :mod:`bench.honest`);
- ``discopy``: :meth:`discopy.tensor.Diagram.eval` of the network drawn as a DisCoPy diagram
  (layer by layer), single queries on networks whose layered width stays small.

A do-intervention is answered by pgmpy and pyAgrum on the mutilated network (the variable's
incoming edges cut, then conditioned on), which equals the intervention.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.networks import Query, load, path_of


@dataclass
class Task:
    """One query: ``target``, ``do`` (variable -> ``[B]`` indices), ``evidence`` (variable ->
    ``[B]`` indices). ``batch`` is B; a single query has B = 1 and is run unbatched."""

    network: str
    kind: str
    target: str
    do: dict[str, np.ndarray] = field(default_factory=dict)
    evidence: dict[str, np.ndarray] = field(default_factory=dict)
    batch: int = 1

    def row(self, b: int) -> tuple[dict[str, int], dict[str, int]]:
        """The do and evidence of batch row ``b`` as plain indices."""
        return ({v: int(a[b]) for v, a in self.do.items()},
                {v: int(a[b]) for v, a in self.evidence.items()})

    def values(self, batched: bool) -> tuple[dict, dict]:
        """do and evidence for a batched call (``[B]`` arrays) or the single row."""
        if batched:
            return dict(self.do), dict(self.evidence)
        return self.row(0)


class Skip(Exception):
    """A method that cannot (or should not, in the time allowed) answer a task."""


# ---- this library ---------------------------------------------------------------------------

def setup_causal(task: Task) -> Callable[[], np.ndarray]:
    from causal import CausalModel

    model = _causal_model(task.network)
    batched = task.batch > 1
    do, evidence = task.values(batched)
    # The model reads values as state names (causal.values).
    do, evidence = ({v: np.asarray(model.states[v])[np.asarray(i)] for v, i in values.items()}
                    for values in (do, evidence))
    target = task.target

    def run():
        return model.query(target, do=do or None, evidence=evidence or None).array

    assert isinstance(model, CausalModel)
    return lambda: _rows(run(), task.batch)


_MODELS: dict[str, Any] = {}


def _causal_model(name: str):
    from causal import CausalModel

    if name not in _MODELS:
        _MODELS[name] = CausalModel.from_bif(path_of(name))
    return _MODELS[name]


def _query(task: Task) -> Query:
    batched = task.batch > 1
    do, evidence = task.values(batched)
    return Query(load(task.network), (task.target,), do=do, evidence=evidence)


def setup_interpret(task: Task, device: str | None = None) -> Callable[[], Any]:
    """``device=None``: numpy; otherwise torch on that device (float64)."""
    from markov import Kernel, interpret

    q = _query(task)
    d = q.diagram
    mapping = {}
    for box in d.boxes:
        array = q.mapping[box.name]
        if device is not None:
            import torch

            array = torch.as_tensor(array, dtype=torch.float64, device=device)
        mapping[box] = Kernel(array, dom=box.dom, cod=box.cod,
                              validate=not box.name.startswith("evidence"))
    interpret(d, mapping)           # compile once

    def run():
        return interpret(d, mapping).array

    def answer():
        out = run()
        if device is not None:
            if device != "cpu":
                import torch

                torch.cuda.synchronize()
            out = out.cpu().numpy()
        return _rows(q.answer(out), task.batch)

    run.answer = answer
    return run


def compile_seconds(task: Task) -> float:
    """Seconds of the first call (path search and compilation) on a fresh diagram."""
    import time

    from markov import Kernel, interpret

    q = _query(task)
    mapping = {b: Kernel(q.mapping[b.name], dom=b.dom, cod=b.cod, validate=False)
               for b in q.diagram.boxes}
    start = time.perf_counter()
    interpret(q.diagram, mapping)
    return time.perf_counter() - start


def setup_opt_einsum(task: Task, same_path: bool) -> Callable[[], Any]:
    import opt_einsum as oe

    from markov import plan

    q = _query(task)
    d = q.diagram.pruned()
    P = plan(d, {b.name: q.mapping[b.name] for b in d.boxes})
    operands = [q.mapping[b.name] for b in d.boxes]
    operands = [a.squeeze(axis) if axis else a for a, axis in zip(operands, P.squeeze)]
    operands += [np.eye(n) if kind == "eye" else np.ones(n) for kind, n in P.extras]
    expression = oe.contract_expression(P.equation, *P.shapes,
                                        optimize=P.path if same_path else "auto")

    def run():
        return expression(*operands)

    run.answer = lambda: _rows(q.answer(run().reshape(P.output_shape)), task.batch)
    return run


# ---- pgmpy ----------------------------------------------------------------------------------

_PGMPY: dict[str, Any] = {}


def pgmpy_model(name: str):
    """The network as a pgmpy model, built from the parsed tables (faster than pgmpy's own
    reader on the large files)."""
    if name in _PGMPY:
        return _PGMPY[name]
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    spec = load(name)
    model = DiscreteBayesianNetwork()
    model.add_nodes_from(spec.states)
    model.add_edges_from((p, v) for v in spec.states for p in spec.parents[v])
    for v, table in spec.cpts.items():
        parents = list(spec.parents[v])
        k = len(spec.states[v])
        model.add_cpds(TabularCPD(
            v, k, np.asarray(table).reshape(-1, k).T, evidence=parents or None,
            evidence_card=[len(spec.states[p]) for p in parents] or None,
            state_names={u: list(spec.states[u]) for u in [v, *parents]}))
    _PGMPY[name] = model
    return model


def _mutilated_pgmpy(model, spec, variables):
    from pgmpy.factors.discrete import TabularCPD

    model = model.copy()
    for v in variables:
        for p in list(model.get_parents(v)):
            model.remove_edge(p, v)
        k = len(spec.states[v])
        model.remove_cpds(model.get_cpds(v))
        model.add_cpds(TabularCPD(v, k, np.full((k, 1), 1 / k),
                                  state_names={v: list(spec.states[v])}))
    return model


def setup_pgmpy(task: Task, max_rows: int) -> tuple[Callable[[], np.ndarray], int]:
    """A loop of pgmpy queries over (at most ``max_rows``) batch rows; returns the loop and
    how many rows it runs."""
    from pgmpy.inference import VariableElimination

    spec = load(task.network)
    model = pgmpy_model(task.network)
    if task.do:
        model = _mutilated_pgmpy(model, spec, list(task.do))
    engine = VariableElimination(model)
    rows = min(task.batch, max_rows)

    def run():
        out = []
        for b in range(rows):
            do, evidence = task.row(b)
            given = {v: spec.states[v][i] for v, i in {**evidence, **do}.items()}
            factor = engine.query([task.target], evidence=given or None, show_progress=False)
            out.append(_pgmpy_values(factor, spec, task.target))
        return np.array(out)

    return run, rows


def _pgmpy_values(factor, spec, target):
    names = factor.state_names[target]
    order = [names.index(s) for s in spec.states[target]]
    return np.asarray(factor.values)[order]


# ---- pyAgrum --------------------------------------------------------------------------------

#: pyAgrum's junction tree is built before inference; above this many entries in its
#: largest clique the benchmark does not start it (link's is 1.3e8 entries and runs, in
#: about 3.5 s a query and a few GB; a BIF-loaded link triangulates to 2**30 and runs out of
#: memory).
PYAGRUM_MAX_CLIQUE = 2**28

_AGRUM: dict[str, Any] = {}


def pyagrum_bn(name: str):
    """The network as a pyAgrum BayesNet, built from the parsed tables (pyAgrum's BIF reader
    rejects state names such as ``Asy/Patch``)."""
    import pyagrum as gum

    from bench.networks import topological

    if name in _AGRUM:
        return _AGRUM[name]
    spec = load(name)
    bn = gum.BayesNet(name)
    for v in topological(spec):
        bn.add(gum.LabelizedVariable(v, v, list(spec.states[v])))
    for v in spec.states:
        for p in spec.parents[v]:
            bn.addArc(p, v)
    for v in spec.states:
        cpt = bn.cpt(v)
        axes = [*spec.parents[v], v]
        # pyAgrum's first variable varies fastest: flatten in the reversed order.
        order = [axes.index(n) for n in reversed(cpt.names)]
        cpt.fillWith(np.asarray(spec.cpts[v]).transpose(order).reshape(-1).tolist())
    _AGRUM[name] = bn
    return bn


def setup_pyagrum(task: Task, max_rows: int) -> tuple[Callable[[], np.ndarray], int]:
    import pyagrum as gum

    spec = load(task.network)
    bn = pyagrum_bn(task.network)
    if task.do:
        bn = gum.BayesNet(bn)
        for v in task.do:
            for p in list(bn.parents(v)):
                bn.eraseArc(int(p), bn.idFromName(v))
            bn.cpt(v).fillWith(1.0).normalize()
    engine = gum.LazyPropagation(bn)
    tree = engine.junctionTree()
    largest = max(math.prod(bn.variable(int(v)).domainSize() for v in tree.clique(c))
                  for c in tree.nodes())
    if largest > PYAGRUM_MAX_CLIQUE:
        raise Skip(f"junction tree clique of {largest:.3g} entries (out of memory)")
    rows = min(task.batch, max_rows)
    labels = [bn.variable(task.target).label(i)
              for i in range(bn.variable(task.target).domainSize())]
    order = [labels.index(s) for s in spec.states[task.target]]

    # pyAgrum keeps posteriors while the evidence is unchanged; a marginal asked again would
    # be a cache hit. A uniform likelihood on a root (which changes no answer) makes it
    # recompute, as a fresh query would.
    root = next(v for v in spec.states if not spec.parents[v] and v != task.target)
    neutral = {root: [1.0] * len(spec.states[root])}

    def run():
        out = []
        for b in range(rows):
            do, evidence = task.row(b)
            engine.eraseAllEvidence()
            engine.setEvidence({**evidence, **do} or neutral)
            engine.makeInference()
            out.append(engine.posterior(task.target).toarray()[order])
        return np.array(out)

    return run, rows


# ---- DisCoPy --------------------------------------------------------------------------------

#: The layered evaluation holds a dense tensor over every open wire; above this many entries
#: the benchmark does not start it.
DISCOPY_MAX_WIDTH = 2**20


def setup_discopy(task: Task) -> Callable[[], np.ndarray]:
    """The network drawn as a DisCoPy tensor diagram: variables in topological order, each
    parent copied (a spider) and moved next to its child's box, a variable discarded after
    its last use; do replaces a box by a state, evidence is an effect."""
    from discopy.tensor import Box, Diagram, Dim, Id, Spider

    if task.batch > 1:
        raise Skip("no batch axes")
    spec = load(task.network)
    do, evidence = task.row(0)
    q = Query(spec, (task.target,))
    order = list(q.diagram.wires[:len(spec.states)])
    size = {v: len(spec.states[v]) for v in order}
    uses = {v: 0 for v in order}
    for v in order:
        if v not in do:
            for p in spec.parents[v]:
                uses[p] += 1
    for v in evidence:
        uses[v] += 1
    uses[task.target] += 1

    wires: list[str] = []
    diagram = Id(Dim(1))
    width = 1

    def dims(names):
        out = Dim(1)
        for n in names:
            out = out @ Dim(size[n])
        return out

    def move_to_end(i):
        nonlocal diagram
        perm = [k for k in range(len(wires)) if k != i] + [i]
        diagram = diagram >> Diagram.permutation(perm, dims(wires))
        wires.append(wires.pop(i))

    def discard(i):
        nonlocal diagram
        diagram = diagram >> (Id(dims(wires[:i])) @ Spider(1, 0, Dim(size[wires[i]]))
                              @ Id(dims(wires[i + 1:])))
        wires.pop(i)

    def copy_to_end(v):
        nonlocal diagram
        i = wires.index(v)
        diagram = diagram >> (Id(dims(wires[:i])) @ Spider(1, 2, Dim(size[v]))
                              @ Id(dims(wires[i + 1:])))
        wires.insert(i, v)
        move_to_end(i + 1)

    def bring(v):
        """Move ``v``'s wire to the end (its last use) or a copy of it (more uses left)."""
        if uses[v] == 1:
            move_to_end(wires.index(v))
        else:
            copy_to_end(v)
        uses[v] -= 1

    for v in order:
        if v in do:
            state = np.eye(size[v])[do[v]]
            diagram = diagram @ Box(f"do_{v}", Dim(1), Dim(size[v]), data=state)
        else:
            parents = spec.parents[v]
            for p in parents:
                bring(p)
            n = len(wires) - len(parents)
            box = Box(v, dims(parents), Dim(size[v]),
                      data=np.asarray(spec.cpts[v]).reshape(-1))
            diagram = diagram >> (Id(dims(wires[:n])) @ box)
            del wires[n:]
        wires.append(v)
        if v in evidence:
            bring(v)
            effect = Box(f"evidence_{v}", Dim(size[v]), Dim(1),
                         data=np.eye(size[v])[evidence[v]])
            diagram = diagram >> (Id(dims(wires[:-1])) @ effect)
            wires.pop()
        if uses[v] == 0 and v in wires:
            discard(wires.index(v))
        width = max(width, math.prod(size[w] for w in wires))
        if width > DISCOPY_MAX_WIDTH:
            raise Skip(f"layered evaluation over {width:.3g}-entry states")

    def run():
        return diagram.eval().array

    def answer():
        out = np.asarray(run()).reshape(-1)
        return (out / out.sum())[None, :]

    run.answer = answer
    return run


# ---- helpers --------------------------------------------------------------------------------

def _rows(array: Any, batch: int) -> np.ndarray:
    array = np.asarray(array)
    return array.reshape(batch, -1) if batch > 1 else array.reshape(1, -1)
