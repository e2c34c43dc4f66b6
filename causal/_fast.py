"""Private: the short way of a repeated query.

A user clicking through evidence asks the same question again and again with other values:
the same targets, the same observed and intervened variables, one state each (or a column
of states, a batch). The general path of :meth:`causal.CausalModel.query` reads every kind
of argument (batches, data frames, soft evidence, dask data, torch models) on every call;
this one is compiled once per pattern (:class:`Prepared`, kept with the model) and then
reads each value by a dictionary lookup, binds the few boxes that change, runs the query's
:class:`~markov.contraction.runner.Runner` (the model's tables folded once), normalises and
wraps the answer. A pattern whose values take few combinations is tabulated on its second
call (:class:`Table`): every later answer is a row of the table.

Whatever it does not cover it hands back (``None``) to the general path, which gives the same
answer or raises the same error: a value that is not a state name or a one-dimensional
batch of them (soft evidence, a data frame, batches of other shapes), a zero-probability
observation, an answer in need of rescaling, a model with batched tables or in torch.
"""

from __future__ import annotations

from itertools import product
from math import prod
from typing import Any

import numpy as np

from causal._query import Compiled, bind, broadcast_batch, first_answer, query_name, runner_for
from causal._values import categorical_rows, category_states, one_hot, state_indices, state_lookup
from causal.errors import CausalError
from causal.surgery import is_do_box
from diagrams import Ty
from diagrams._lazy import record
from markov.arrays.steps import ops_for
from markov.contraction.cache import PLANS
from markov.contraction.once import contract_once
from markov.kernel import Kernel

#: Types of values that are no pandas categorical: one set lookup spares them the reading.
_NO_CATEGORICAL = frozenset((str, int, list, tuple, np.ndarray, np.str_, np.int64))
_NO_TYPE = Ty()  # the answer's domain
#: The zero-mass policies this path applies (those of markov.inference.normalize, which it
#: does not import: a cold start would load it for this tuple); any other goes the general way.
_POLICIES = ("uniform", "prior", "nan", "raise")
#: At most this many runners (one per batch length) are kept per query pattern.
RUNNERS = 8
#: A pattern whose values range over at most this many combinations (and whose answers
#: hold at most ``TABLE_ENTRIES`` numbers in all) is tabulated on its second call.
TABLE_ROWS = 256
TABLE_ENTRIES = 2**14
#: ... and whose runner calls cost at most this much in all (multiply-adds, and
#: :data:`~markov.contraction.staging.STEP_COST` per step: tens of milliseconds at most).
TABLE_WORK = 2**26


class Prepared:
    """One query pattern: its compiled query, each observed variable's value -> index
    lookup, each intervened variable's point masses, and the answer's type, labels, name;
    and what later calls fill in (runners, answer, binder, table)."""

    # A plain class: building a dataclass costs every cold start ~1 ms.
    __slots__ = ("answer", "binder", "categories", "cod", "compiled", "fixed", "labels",
                 "lookups", "masses", "name", "normalise", "pattern", "runners", "table")

    def __init__(self, pattern: tuple, lookups: dict, masses: dict, *, cod: Ty, labels: dict,
                 name: str, normalise: bool) -> None:
        #: (targets, evidence, do, fixed): the key of the compiled query
        self.pattern, self.lookups, self.masses, self.fixed = pattern, lookups, masses, pattern[3]
        #: [Compiled] once compiled (:func:`_compiled`): a first answer may need none
        self.compiled: list = []
        self.cod, self.labels, self.name, self.normalise = cod, labels, name, normalise
        #: the runners, by the shapes of the changing arrays
        self.runners: dict = {}
        #: the answer, once known, where no array changes (the values only select constants)
        self.answer: list = []
        #: [(getters, constant getters)] once made (:func:`_binder`)
        self.binder: list = []
        #: [Table] once the answers to every combination of values are known (on the second
        #: call), [None] where they are not tabulated (too many combinations, or the runner
        #: does not apply), [False] after the first call
        self.table: list = []
        #: the table's answers by category, per pandas categories (:func:`_category_answers`)
        self.categories: dict = {}


class Table(record("Table", ("strides", "answers", "deferred", "any_deferred"))):
    """Every answer of a pattern: row ``sum(i_v * strides[v])`` is the answer when each
    observed or intervened variable ``v`` takes its state ``i_v`` (in the pattern's order);
    ``deferred`` marks the combinations the general path answers (probability zero, where
    it applies the ``on_zero`` policy, or in need of rescaling against underflow). A
    record (diagrams._lazy.record): a named tuple without namedtuple's per-class compile."""

    __slots__ = ()


def fast_query(model: Any, targets: Any, do: Any, evidence: Any, on_zero: str = "raise") -> Any:
    """The answer of ``model.query(targets, do=do, evidence=evidence, on_zero=on_zero)``,
    or None where this path does not apply. Values are state names (or integers for unnamed
    states), one each or in one-dimensional batches. Evidence of probability zero goes the
    general way, which applies ``on_zero``."""
    if on_zero not in _POLICIES:
        return None  # the general path says what is wrong
    if type(targets) is str:
        targets = (targets,)
    elif type(targets) in (tuple, list):
        targets = tuple(targets)
    else:
        return None
    evidence = {} if evidence is None else evidence
    do = {} if do is None else do
    if type(evidence) is not dict or type(do) is not dict:
        return None
    key = ("fast", targets, tuple(evidence), tuple(do))
    try:
        prepared = PLANS.about(model, key, lambda: _prepare(model, *key[1:]))
    except TypeError:  # an unhashable name: the general path says what is wrong
        return None
    if prepared is None:
        return None
    table = prepared.table
    observed, hard = {}, {}
    for values, out in ((evidence, observed), (do, hard)):
        for v, value in values.items():
            if type(value) not in _NO_CATEGORICAL and table and table[0] and len(
                    prepared.lookups) == 1:  # a pandas categorical, one tabulated variable
                rows = categorical_rows(value, lambda c: _category_answers(
                    prepared, table[0], c), prepared.categories)
                if rows is not None:
                    return _kernel(prepared, rows)
            i = state_indices(prepared.lookups[v], value)
            if i is None:
                return None
            out[v] = i
    batch = ()
    for i in (*observed.values(), *hard.values()):
        if type(i) is not int:
            if batch and i.shape != batch:
                return None  # batches that differ: the general path broadcasts or refuses
            batch = i.shape
    first = not table
    if first:
        table.append(False)  # a one-off query tabulates nothing: the second call does
        if not batch and not hard:
            array = first_answer(model, *prepared.pattern[:2], observed)
            if array is not None:
                array = _normalised(prepared, array, ())
                return None if array is None else _kernel(prepared, array)
    elif table[0] is False:
        table[0] = _tabulate(model, prepared)
    if table[0]:
        return _look_up(prepared, table[0], (*observed.values(), *hard.values()), batch)
    compiled = _compiled(model, prepared)
    unchanging = not (compiled.changing or compiled.constants)
    if not batch and prepared.answer and unchanging:
        return _kernel(prepared, prepared.answer[0].copy())  # the values change nothing
    if batch:
        found = _contract(model, prepared, observed, hard, batch)
        if found is None or (found[1] is not None and found[1].any()):
            return None
        array = found[0]
    else:
        array = _one(model, prepared, {**observed, **hard}, once=first)
        if array is None:
            return None
    array = _normalised(prepared, array, batch)
    if array is None:
        return None
    if unchanging and not batch:
        prepared.answer.append(array.copy())
    return _kernel(prepared, array)


def _contract(model: Any, prepared: Prepared, observed: dict, hard: dict,
              batch: tuple) -> tuple | None:
    """The unnormalised answer for the batches of state indices ``observed`` and ``hard``
    (of shape ``batch``, or scalars) and the mask of batch rows where a constant evidence
    factor is zero (or None), or None where the runner does not apply."""
    do_arrays = {v: prepared.masses[v][i] for v, i in hard.items()}  # point masses
    # evidence and interventions name different variables (else the general path)
    fixed = {v: i for v, i in (*observed.items(), *hard.items()) if v in prepared.fixed}
    compiled = _compiled(model, prepared)
    changing, zero = bind(compiled, model._arrays, do_arrays, observed, fixed=fixed,
                          states=model._states, backend=model._backend, changing=True,
                          scale=False)  # the runner checks its answer for underflow
    shapes = tuple(a.shape for a in changing.values())
    runner = prepared.runners.get(shapes)
    if runner is None:
        if len(prepared.runners) >= RUNNERS:  # batch lengths come and go: keep the last few
            del prepared.runners[next(iter(prepared.runners))]
        runner = prepared.runners[shapes] = runner_for(compiled, changing, model._arrays)
    array = None if runner is None else runner(list(changing.values()))
    if array is None:
        return None
    n_batch = array.ndim - len(prepared.cod)
    if n_batch != len(batch):
        array = broadcast_batch(array, batch, n_batch)
    return array, zero


def _one(model: Any, prepared: Prepared, values: dict, *, once: bool = False) -> Any:
    """The unnormalised answer for one state index per observed or intervened variable,
    by the pattern's binder (:func:`_binder`) and runner, or None where a constant evidence
    factor is zero or the runner does not apply. ``once``: the pattern's first call, which
    contracts without compiling where the network is small (the runner is compiled when
    the pattern comes back)."""
    getters, constants = _binder(model, prepared)
    for get in constants:
        if get(values) == 0:
            return None
    arrays = [get(values) for get in getters]
    runner = prepared.runners.get(None)
    if runner is None and once:
        compiled = _compiled(model, prepared)
        every = dict(zip(compiled.changing, arrays))
        answer = contract_once(compiled.diagram, [
            every[j] if j in every else model._arrays[source[1]]
            for j, source in enumerate(compiled.sources)])
        if answer is not None:
            return answer
    if runner is None:
        runner = _runner_of_one(model, prepared, arrays)
    return None if runner is None else runner(arrays)


def _runner_of_one(model: Any, prepared: Prepared, arrays: list) -> Any:
    """The pattern's runner for one value per variable (kept), compiled with ``arrays``,
    those of the changing boxes; None where it does not apply."""
    compiled = _compiled(model, prepared)
    boxes = compiled.diagram.boxes
    changing = {boxes[j]: a for j, a in zip(compiled.changing, arrays)}
    runner = prepared.runners[None] = runner_for(compiled, changing, model._arrays)
    return runner


def _binder(model: Any, prepared: Prepared) -> tuple[list, list]:
    """For one value per variable, how each changing box's array (and each constant
    factor) is read: a function of ``{variable: state index}`` that picks the indicator's
    row, or indexes the box's table (or intervention's point mass) at the fixed values:
    what :func:`causal._query.bind` does for any value, resolved once (and kept)."""
    if prepared.binder:
        return prepared.binder[0]
    compiled = _compiled(model, prepared)

    def getter(source):
        kind, key, cuts = source
        if kind == "observe":
            rows = _point_masses(model, key)  # row i: the indicator of state i
            return lambda values: rows[values[key]]
        v = key.cod.names[0]
        rows = prepared.masses.get(v) if is_do_box(key, v) else None
        table = model._arrays[key] if rows is None else None
        n_event = len(key.dom) + len(key.cod)
        template = [slice(None)] * n_event
        slots = [(n_event + axis, u) for axis, u in cuts]

        def get(values):
            array = table if rows is None else rows[values[v]]
            if not slots:
                return array
            index = template.copy()
            for p, u in slots:
                index[p] = values[u]
            return array[tuple(index)]
        return get

    prepared.binder.append(([getter(compiled.sources[j]) for j in compiled.changing],
                            [getter(source) for source in compiled.constants]))
    return prepared.binder[0]


def _tabulate(model: Any, prepared: Prepared) -> Table | None:
    """Every answer of the pattern, by the runner of one value per variable (kept from the
    first call, or made now where that was a batch), or None where there are too many
    combinations or the runner does not apply. Combinations whose answer the runner leaves
    to the general path (probability zero, or so small that it needs rescaling) are
    marked."""
    sizes = [len(model._states[v]) for v in prepared.lookups]
    rows = prod(sizes)
    if (not sizes or rows > TABLE_ROWS
            or rows * prod(len(s) for s in prepared.labels.values()) > TABLE_ENTRIES):
        return None
    if None not in prepared.runners:  # the first call was a batch, or contracted once
        zeros = dict.fromkeys(prepared.lookups, 0)
        _runner_of_one(model, prepared, [get(zeros) for get in _binder(model, prepared)[0]])
    runner = prepared.runners.get(None)
    if runner is None:
        return None
    from markov.contraction.staging import call_cost  # loaded with the runner it costs

    program = runner.plan.program
    if rows * call_cost(program, set(range(program.n_inputs)) - set(runner.changing)) \
            > TABLE_WORK:
        return None  # a second call that would take long: calls run the runner instead
    answers, defer = None, np.zeros(rows, dtype=bool)
    for row, combination in enumerate(product(*map(range, sizes))):
        array = _one(model, prepared, dict(zip(prepared.lookups, combination)))
        if array is not None:
            array = _normalised(prepared, array, ())
        if array is None:
            defer[row] = True
            continue
        if answers is None:
            answers = np.zeros((rows, *array.shape), dtype=array.dtype)
        answers[row] = array
    if answers is None:
        return None
    strides = tuple(int(s) for s in np.cumprod([1, *sizes[:0:-1]])[::-1])
    return Table(strides, answers, defer, bool(defer.any()))


def _normalised(prepared: Prepared, array: Any, batch: tuple) -> Any:
    """``array`` normalised over the targets where the pattern asks it (float answers, or
    any with evidence), or None where a row has probability zero (or no mass left after
    underflow): the general path applies the policy."""
    if not prepared.normalise:
        return array
    if not batch and array.dtype.kind == "f":  # one float answer: one sum
        total = array.sum()
        if not total > 0:
            return None
    else:
        from markov.arrays import ops as A  # here: a cold start needs none of it

        total = A.sum_keep(array, len(prepared.cod))
        if A.first_index(A.is_zero(total)) is not None:
            return None
    return array / total


def _look_up(prepared: Prepared, table: Table, indices: tuple, batch: tuple) -> Any:
    """The tabulated answer for the state indices ``indices`` (in the pattern's order), or
    None for a combination left to the general path."""
    if not batch:
        row = 0
        for i, stride in zip(indices, table.strides):
            row += i * stride
        if table.any_deferred and table.deferred[row]:
            return None
        return _kernel(prepared, table.answers[row].copy())
    rows = indices[0] if len(indices) == 1 else sum(
        np.multiply(i, s) for i, s in zip(indices, table.strides))
    if table.any_deferred and _any(table.deferred[rows]):
        return None
    return _kernel(prepared, table.answers.take(rows, axis=0))


def _category_answers(prepared: Prepared, table: Table, categories: Any) -> Any:
    """The tabulated answer for each category of the pattern's one variable, or None where
    one names no state or a combination left to the general path (:func:`_look_up` tells
    whether a row uses it)."""
    (_, every, _), = prepared.lookups.values()
    states = category_states(categories, every.get)[:-1]
    if not states.size or states.min() < 0 or (table.any_deferred
                                               and table.deferred[states].any()):
        return None
    return table.answers.take(states, axis=0)


def _any(mask: np.ndarray) -> bool:
    """``mask.any()`` for a boolean array: its largest entry, read at ``argmax``, is a
    microsecond less a call (this path's whole budget on a batch is a few)."""
    return bool(mask[mask.argmax()])


def _kernel(prepared: Prepared, array: Any) -> Any:
    return Kernel._trusted(array, _NO_TYPE, prepared.cod, dict(prepared.labels), prepared.name)


def _prepare(model: Any, targets: tuple, evidence: tuple, do: tuple) -> Prepared | None:
    """The pattern's :class:`Prepared`, or None when it is not for this path (a model in
    torch or with batched tables, or names the general path must refuse)."""
    try:
        model._names(targets, "target")
        for v in (*evidence, *do):
            model._check_known(v, "evidence" if v in evidence else "do")
    except CausalError:
        return None
    ops = ops_for(model._backend)
    if not ops.host or model._batch_shape() or set(evidence) & set(do):
        return None
    states = model._states
    fixed = frozenset(v for v in (*evidence, *do) if v not in targets)
    lookups = {v: state_lookup(states[v]) for v in (*evidence, *do)}
    masses = {v: _point_masses(model, v) for v in do}
    name = query_name(targets, dict.fromkeys(do), dict.fromkeys(evidence))
    return Prepared((targets, evidence, frozenset(do), fixed), lookups, masses, cod=Ty(*targets),
                    labels={v: states[v] for v in targets}, name=name,
                    normalise=bool(evidence) or not ops.exact)


def _compiled(model: Any, prepared: Prepared) -> Compiled:
    """The pattern's compiled query, compiled on first need (and kept)."""
    if not prepared.compiled:
        prepared.compiled.append(model._compile(*prepared.pattern))
    return prepared.compiled[0]


def _point_masses(model: Any, v: str) -> Any:
    """Row ``i``: the point mass (or indicator) on ``v``'s state ``i``."""
    n = len(model._states[v])
    return one_hot(np.arange(n), n, model._backend)
