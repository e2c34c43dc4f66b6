"""Private: validation of a causal model's tables, and the order of its mechanisms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from causal.errors import CyclicModel, InvalidCPT, InvalidValue, UnknownVariable
from causal.surgery import do_box
from diagrams import Ty
from diagrams._lazy import lazy_module
from markov import Kernel
from markov.arrays import backend as B
from markov.arrays.binding import check_all

nx = lazy_module("networkx")


def topological_order(variables: list[str], parents: Mapping[str, tuple]) -> tuple[str, ...]:
    """Kahn's algorithm, breaking ties by the given order; raises CyclicModel."""
    rank = {v: i for i, v in enumerate(variables)}
    children: dict[str, list[str]] = {v: [] for v in variables}
    missing = {v: len(parents[v]) for v in variables}
    for v in variables:
        for p in parents[v]:
            children[p].append(v)
    # Ready variables are flags by rank, scanned from the lowest one set: no heap, whose
    # import would cost a cold start about half a millisecond.
    ready = [missing[v] == 0 for v in variables]
    order, low, n = [], 0, len(variables)
    while True:
        while low < n and not ready[low]:
            low += 1
        if low == n:
            break
        ready[low] = False
        v = variables[low]
        order.append(v)
        for c in children[v]:
            missing[c] -= 1
            if missing[c] == 0:
                ready[rank[c]] = True
                low = min(low, rank[c])
    if len(order) < len(variables):
        rest = nx.DiGraph((p, v) for v in variables if missing[v] for p in parents[v])
        cycle = [a for a, _ in nx.find_cycle(rest)]
        start = min(cycle, key=rank.__getitem__)
        k = cycle.index(start)
        cycle = cycle[k:] + cycle[:k]
        raise CyclicModel(f"variable {start!r} is on a cycle: "
                          + " -> ".join(cycle + [start]))
    return tuple(order)


def mechanisms(variables, parents, cpts, states, intervened):
    """Validate the CPTs; return the mechanism kernels and the outcome names."""
    arrays, size = {}, {}
    for v in variables:
        table = cpts[v]
        if isinstance(table, Kernel):
            array, event = table.array, table.event_shape
        else:
            array = B.as_array(table, f"variable {v!r}")
            event = tuple(array.shape)
            if len(event) != len(parents[v]) + 1:
                axes = ", ".join((*parents[v], v))
                raise InvalidCPT(f"variable {v!r}: its CPT has shape {event}, expected one "
                                 f"axis per parent and one for the variable: [{axes}]")
        arrays[v] = array
        size[v] = event[-1]
    outcomes = {}
    for v in variables:
        table = cpts[v]
        event = table.event_shape if isinstance(table, Kernel) else tuple(arrays[v].shape)
        for p, n in zip(parents[v], event):
            if n != size[p]:
                raise InvalidCPT(f"variable {v!r}: its CPT has size {n} on the axis of parent "
                                 f"{p!r}, which has {size[p]} outcomes")
        names = states.get(v)
        if names is None and isinstance(table, Kernel) and table.labels:
            names = table.labels.get(v)
        names = tuple(str(s) for s in names) if names is not None else \
            tuple(str(i) for i in range(size[v]))
        if len(names) != size[v]:
            raise InvalidCPT(f"variable {v!r} has {len(names)} outcomes {names} but its CPT "
                             f"has {size[v]}")
        if len(set(names)) != len(names):
            raise InvalidValue(f"variable {v!r} names an outcome twice: {names}")
        outcomes[v] = names
    box_names = {}
    for v in variables:
        box_names[v] = do_box(v).name if v in intervened else v
        if v in intervened and parents[v]:
            raise InvalidCPT(f"variable {v!r} is marked intervened but has parents "
                             f"{list(parents[v])}")
    # Every table checked at once (a few array operations for a network's hundreds of
    # tables), as each Kernel would check its own; the first at fault is named.
    check_all([(arrays[v], 1, box_names[v]) for v in variables])
    kernels = {}
    for v in variables:
        labels = {u: outcomes[u] for u in (*parents[v], v)}
        kernels[v] = Kernel(arrays[v], dom=Ty(*parents[v]), cod=Ty(v), name=box_names[v],
                            labels=labels, validate=False)
    return kernels, outcomes


def check_named(groups: tuple, variables: list[str]) -> None:
    """Raise UnknownVariable for a name in ``groups`` (pairs of what names them and the
    names) that is not one of ``variables``."""
    known = set(variables)
    for group, names in groups:
        for v in names:
            if v not in known:
                raise UnknownVariable(f"{group} names {v!r}, which is not a variable of "
                                      f"the model; its variables are {variables}")


def from_checked(cls: type, parents: dict, cpts: dict, states: dict, *, latent=(),
                 name: str = "") -> Any:
    """A model of class ``cls`` from the parts a reader has checked (each variable's parents
    declared, once each, and acyclic; its table an array with one axis per parent and one
    for it, of the sizes of their ``states``, rows stochastic; distinct state names): what
    the constructor would check again is skipped, but for ``latent``."""
    variables = list(parents)
    check_named((("latent", latent),), variables)
    kernels = {}
    for v in variables:
        ps = parents[v]
        kernels[v] = Kernel._trusted(cpts[v], Ty(*ps), Ty(v),
                                     {u: states[u] for u in (*ps, v)}, v)
    model = object.__new__(cls)
    model._setup(tuple(variables), dict(parents), kernels, dict(states),
                 latent=frozenset(latent), intervened=frozenset(), name=str(name),
                 order=topological_order(variables, parents))
    return model
