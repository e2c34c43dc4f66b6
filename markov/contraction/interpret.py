"""Interpretation of a diagram into stochastic matrices by one cached contraction.

What a call does, and what it does not:

- the first call on a diagram caches the boxes it keeps and their arities; the first call
  with given shapes caches the plan (path, pairwise steps, slices), keyed by structure and
  shapes, for every diagram of that shape. Both live in the one bounded cache
  :data:`markov.contraction.cache.PLANS`; nothing is written onto the diagram;
- every call then looks each box up in the mapping, validates raw arrays (a
  :class:`~markov.kernel.Kernel` was validated when it was built; torch arrays are checked
  on the device with one synchronisation for the whole call) and runs the cached steps.

Boxes none of whose outputs reach the diagram's outputs are dropped (discard is natural;
so are effects, boxes without outputs). Evidence therefore enters a contraction as a box
``V -> U`` onto a size-1 type ``U`` that is an output (a likelihood column, validated off);
:func:`interpret_scaled` returns such an unnormalised result with a log-scale, which is how
evidence is conditioned on without underflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from diagrams import Box, Diagram
from diagrams._lazy import DEBUG, INFO, log, record
from markov.arrays import backend as B
from markov.arrays import binding
from markov.arrays.steps import ops_for
from markov.contraction.cache import PLANS
from markov.contraction.plan import Plan, as_given, compile_plan, numpy_views, to_torch
from markov.errors import InvalidArray, MarkovError, MissingBox, ShapeMismatch
from markov.kernel import Kernel

_MISSING = object()


def interpret(diagram: Diagram | Box, mapping: Mapping, *, sizes: Mapping[str, int] | None
              = None, validate: bool = True, max_memory: int | None = None,
              like: Any = None, rescale: bool | str = "auto", progress: bool = False,
              prune: bool = True, executor: Any = None) -> Kernel:
    """The kernel a diagram denotes when each box is sent to a stochastic matrix.

    ``mapping`` sends each :class:`~diagrams.Box` (or its name) to a :class:`Kernel` or an
    array-like with axes ``[*batch, *dom, *cod]``. Sizes of types are read off the arrays and
    checked consistent; ``sizes`` gives those no box determines. Arrays of Fractions or sympy
    objects stay exact; torch tensors keep dtype and device (``like`` picks the backend of a
    diagram without boxes). The whole diagram is one contraction whose plan is cached;
    ``max_memory`` (bytes) slices it when its largest intermediate would not fit;
    ``rescale`` guards against underflow (see :mod:`markov.contraction.plan`); ``progress``
    shows a progress bar (tqdm when installed) over the slices or steps. Boxes that reach no
    output are pruned (discard is natural for stochastic boxes); ``prune=False`` keeps
    them, for diagrams with effects such as likelihoods, which do not sum to 1.
    ``executor`` (a ``distributed.Client`` or a dask scheduler name) runs the slices of a
    sliced plan as dask tasks (:func:`markov.contraction.distributed.run_slices`).

    A box mapped to a :class:`~markov.gaussian.GaussianKernel`, a
    :class:`~markov.gaussian.hybrid.HybridKernel` or a
    :class:`~markov.gaussian.condition.GaussianCondition` raises :class:`HybridValue` here;
    ``markov.interpret`` then interprets the diagram in the conditional-Gaussian semantics
    (:func:`~markov.gaussian.hybrid_interpret.interpret`).

    >>> from fractions import Fraction as Fr
    >>> from diagrams import Ty, Box, copy, identity
    >>> X, Y = Ty("X"), Ty("Y")
    >>> p, f = Box("p", Ty(), X), Box("f", X, Y)
    >>> K = interpret(p >> copy(X) >> (identity(X) @ f),
    ...               {p: [Fr(1, 5), Fr(4, 5)], f: [[Fr(9, 10), Fr(1, 10)], [Fr(3, 10), Fr(7, 10)]]})
    >>> K.cod, K.array.tolist()
    (Ty('X', 'Y'), [[Fraction(9, 50), Fraction(1, 50)], [Fraction(6, 25), Fraction(14, 25)]])
    >>> interpret(p, {p: [0.5, 0.6]})
    Traceback (most recent call last):
    ...
    markov.errors.NotStochastic: kernel p: row () sums to 1.1, not 1
    """
    if prune and _conditions(diagram, mapping):
        raise HybridValue("a box is mapped to a Gaussian condition: use markov.interpret "
                          "or markov.interpret_hybrid")
    plan, arrays, backend, template, d = _bind(diagram, mapping, sizes=sizes,
                                               validate=validate, max_memory=max_memory,
                                               like=like, prune=prune)
    if executor is not None:
        from markov.contraction.distributed import run_slices

        array = run_slices(plan, arrays, backend, template, executor=executor,
                           rescale=rescale)
    else:
        array = plan(arrays, backend, template, rescale=rescale, progress=progress)
    array = as_given(array, backend, template)
    return _kernel(array, d.dom, d.cod)


# Records (diagrams._lazy.record): named tuples without namedtuple's per-class compile.
class Scaled(record("Scaled", ("mantissa", "log_scale"))):
    """An unnormalised result kept safe from underflow: the true array is
    ``mantissa * exp(log_scale)`` (``log_scale`` broadcast over the event axes).

    >>> s = Scaled(np.array([0.5, 1.0]), np.array(-800.0))
    >>> (s.mantissa / s.mantissa.sum()).tolist()
    [0.3333333333333333, 0.6666666666666666]
    """

    __slots__ = ()


def interpret_scaled(diagram: Diagram | Box, mapping: Mapping, *,
                     sizes: Mapping[str, int] | None = None, validate: bool = True,
                     max_memory: int | None = None, like: Any = None,
                     progress: bool = False, prune: bool = True,
                     executor: Any = None) -> Scaled:
    """Interpret with a log-scale: for diagrams with effects (evidence, likelihoods) whose
    value is far below the dtype's range. The mantissa's largest entry is 1 per batch
    element (or it is all zeros, for evidence of probability zero); normalising it gives
    the conditional without ever dividing 0 by 0. Exact arrays have ``log_scale`` zero.
    ``prune`` and ``executor`` as in :func:`interpret`.

    >>> from diagrams import Ty, Box, copy, identity
    >>> X, U = Ty("X"), Ty("U")          # U: a size-1 type carrying the evidence
    >>> p, e = Box("p", Ty(), X), Box("e", X, U)
    >>> d = p >> copy(X) >> (identity(X) @ e)
    >>> m, log = interpret_scaled(d, {p: [0.5, 0.5], e: [[1e-300], [3e-300]]}, validate=False)
    >>> m.tolist(), round(float(log), 2)
    ([[0.3333333333333333], [1.0]], -690.37)
    """
    plan, arrays, backend, template, _ = _bind(diagram, mapping, sizes=sizes,
                                               validate=validate, max_memory=max_memory,
                                               like=like, prune=prune)
    if executor is not None:
        from markov.contraction.distributed import run_slices

        mantissa, log = run_slices(plan, arrays, backend, template, executor=executor,
                                   scaled=True)
    else:
        mantissa, log = plan.scaled(arrays, backend, template, progress=progress)
    if template is not None and ops_for(backend).host:  # tensors ran on numpy views
        mantissa, log = to_torch(mantissa, template), to_torch(log, template, True)
    return Scaled(mantissa, log)


def plan(diagram: Diagram | Box, mapping: Mapping, *, sizes: Mapping[str, int] | None = None,
         max_memory: int | None = None) -> Plan:
    """The compiled contraction :func:`interpret` runs for these arrays' shapes and backend:
    its equation, path, FLOP count, largest intermediate and slices.

    >>> from diagrams import Ty, Box, copy
    >>> X = Ty("X")
    >>> p = Box("p", Ty(), X)
    >>> plan(p >> copy(X, 3), {p: [0.5, 0.5]}).equation
    'a,ab,ac->abc'
    """
    return _bind(diagram, mapping, sizes=sizes, validate=False, max_memory=max_memory).plan


class HybridValue(MarkovError, TypeError):
    """A box is mapped to a Gaussian or hybrid value, which one contraction cannot take:
    ``markov.interpret`` (:func:`markov.gaussian.hybrid_interpret.interpret`) catches it and
    hands the diagram to the hybrid semantics; the other entry points raise it.

    >>> from diagrams import Ty, Box
    >>> from markov.gaussian.kernel import GaussianKernel
    >>> x = Box("x", Ty(), Ty("X"))
    >>> plan(x, {x: GaussianKernel.state([0.0], cod="X")})
    Traceback (most recent call last):
    ...
    markov.contraction.interpret.HybridValue: box x is mapped to a GaussianKernel: use markov.interpret or markov.interpret_hybrid
    """


_HYBRID_TYPES = frozenset({"GaussianKernel", "HybridKernel", "GaussianCondition"})


# ---- binding --------------------------------------------------------------------------------

#: Diagrams with at least this many boxes log their plan's cost at INFO level when compiled.
LOG_BOXES = 200

_KERNEL_SLOTS = ("array", "dom", "cod", "name", "labels")


def _kernel(array: Any, dom, cod) -> Kernel:
    """The result as a Kernel without re-checking what the contraction guarantees (a float
    array whose event axes match ``dom`` and ``cod``). Object arrays go through the
    constructor, which turns those holding floats into float arrays."""
    if tuple(Kernel.__slots__) != _KERNEL_SLOTS or \
            (type(array) is np.ndarray and array.dtype.hasobject):
        return Kernel(array, dom=dom, cod=cod, validate=False)
    kernel = object.__new__(Kernel)
    for attr, value in zip(_KERNEL_SLOTS, (array, dom, cod, None, None)):
        object.__setattr__(kernel, attr, value)
    return kernel


def _lookup(mapping: Mapping, box: Box):
    """The value of ``box`` in ``mapping``: keyed by the box, else by its name."""
    value = mapping.get(box, _MISSING)
    if value is _MISSING:
        value = mapping.get(box.name, _MISSING)
        if value is _MISSING:
            raise MissingBox(f"box {box.name}: {box.dom} -> {box.cod} has no kernel in the "
                             "mapping")
    return value


class _Meta:
    """What a diagram's interpretation needs, computed once (kept in the plan cache)."""

    __slots__ = ("__weakref__", "diagram", "effects", "entries")

    def __init__(self, diagram: Diagram, prune: bool = True):
        d = diagram.pruned() if prune else diagram
        # Effects are pruned, except Gaussian conditions (which send the call to the hybrid
        # semantics): remember them to look their values up.
        self.effects = tuple(box for box in diagram.boxes if not len(box.cod))
        self.diagram = d
        self.entries = tuple((box, box.name, len(box.dom), len(box.cod)) for box in d.boxes)


def _conditions(diagram: Diagram | Box, mapping: Mapping) -> bool:
    """Whether an effect box of the diagram is mapped to a Gaussian condition."""
    for box in _meta(diagram).effects:
        value = mapping.get(box, _MISSING)
        if value is _MISSING:
            value = mapping.get(box.name)
        if type(value).__name__ in _HYBRID_TYPES:
            return True
    return False


def _meta(diagram: Diagram | Box, prune: bool = True) -> _Meta:
    if isinstance(diagram, Box):
        return PLANS.get(("box", diagram, prune), lambda: _Meta(diagram.to_diagram(), prune))
    return PLANS.about(diagram, ("meta", prune), lambda: _Meta(diagram, prune))


class Bound(record("Bound", ("plan", "arrays", "backend", "template", "diagram"))):
    """A diagram bound to arrays: the :class:`Plan` to run, the arrays (a list) in the
    ``backend`` it runs in (numpy views of small CPU torch arrays, whose results go back to
    torch like ``template``), and the diagram actually contracted (pruned or not)."""

    __slots__ = ()


def _bind(diagram: Diagram | Box, mapping: Mapping, *, sizes: Mapping[str, int] | None = None,
          validate: bool = True, max_memory: int | None = None, like: Any = None,
          prune: bool = True, constant: frozenset = frozenset()) -> Bound:
    if not isinstance(mapping, Mapping):
        raise InvalidArray(f"the mapping must send boxes (or their names) to kernels or "
                           f"arrays, not be a {type(mapping).__name__}")
    meta = _meta(diagram, prune)
    arrays, shapes, unchecked = [], [], []
    get = mapping.get
    for box, name, n_dom, n_cod in meta.entries:
        value = get(box, _MISSING)
        if value is _MISSING:
            value = _lookup(mapping, box)
        if isinstance(value, Kernel):
            array = _aligned(value, box)
        else:
            if type(value).__name__ in _HYBRID_TYPES:
                raise HybridValue(f"box {name} is mapped to a {type(value).__name__}: "
                                   "use markov.interpret or markov.interpret_hybrid")
            array = B.as_array(value, f"box {name}")
            if validate:
                unchecked.append(len(arrays))
        arrays.append(array)
        shapes.append(array.shape)
    if like is None and prune and binding.all_plain(arrays):
        like = _pruned_like(diagram, mapping, len(meta.entries))
    if like is not None:
        like = like.array if isinstance(like, Kernel) else B.as_array(like)
    backend, template, itemsize, exact = binding.choose(arrays, like)
    key = ("shapes", meta, tuple(shapes), itemsize, max_memory,
           tuple(sorted(sizes.items())) if sizes else None, constant)
    plan = PLANS.get(key, lambda: _compile(meta, arrays, sizes, max_memory,
                                           (itemsize, constant)))
    if unchecked:
        _validate(meta, arrays, unchecked)
    if template is not None:
        views = None if exact else numpy_views(plan, arrays, template)
        if views is not None:
            return Bound(plan, views, "numpy", template, meta.diagram)
    arrays = binding.bring(arrays, backend, template)
    return Bound(plan, arrays, backend, template, meta.diagram)


def _pruned_like(diagram: Diagram | Box, mapping: Mapping, kept: int) -> Any:
    """A torch or exact array among the boxes pruning dropped, so that the backend in is the
    backend out even when no box of that backend is left; None when there is none."""
    boxes = (diagram,) if isinstance(diagram, Box) else diagram.boxes
    if len(boxes) == kept:
        return None
    for box in boxes:
        value = mapping.get(box, mapping.get(box.name))
        array = value.array if isinstance(value, Kernel) else value
        if not binding.is_plain(array, f"box {box.name}"):
            return array
    return None


def _order(given: tuple[str, ...], wanted: tuple[str, ...]) -> list[int] | None:
    """Where each of ``wanted``'s atoms is in ``given``, or None when the names do not say
    (different names, or a name twice)."""
    if given == wanted:
        return list(range(len(given)))
    if sorted(given) != sorted(wanted) or len(set(given)) != len(given):
        return None
    return [given.index(name) for name in wanted]


def _aligned(kernel: Kernel, box: Box) -> Any:
    """The kernel's array with its axes in the box's order: atoms are matched by name, and
    permuted where the names say how; a kernel whose names do not match is refused."""
    dom = _order(kernel.dom.names, box.dom.names)
    cod = _order(kernel.cod.names, box.cod.names)
    if dom is None or cod is None:
        raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} is mapped to a kernel "
                            f"{kernel.dom} -> {kernel.cod}: its atoms must have the box's "
                            f"names (in any order)")
    if dom == list(range(len(dom))) and cod == list(range(len(cod))):
        return kernel.array
    nb, nd = kernel.n_batch, len(dom)
    axes = [*range(nb), *(nb + i for i in dom), *(nb + nd + i for i in cod)]
    from markov.arrays import ops  # on first use: a cold start needs none of it

    return ops.transpose(kernel.array, axes)


def _validate(meta: _Meta, arrays: list, unchecked: list[int]) -> None:
    binding.check_all([(arrays[i], meta.entries[i][3], meta.entries[i][1]) for i in unchecked])


def _compile(meta: _Meta, arrays: list, sizes, max_memory, item: tuple) -> Plan:
    itemsize, constant = item
    d = meta.diagram
    type_size: dict[str, int] = dict(sizes or {})
    where: dict[str, str] = {name: "the sizes argument" for name in type_size}
    batch_shapes, event_shapes = [], []
    for (box, name, n_dom, n_cod), array in zip(meta.entries, arrays):
        n = n_dom + n_cod
        shape = tuple(array.shape)
        if len(shape) < n:
            raise ShapeMismatch(f"box {name}: {box.dom} -> {box.cod} needs {n} axes, "
                                f"got an array of shape {shape}")
        batch, event = shape[:len(shape) - n], shape[len(shape) - n:]
        for port, (ty, size) in enumerate(zip((box.dom @ box.cod).names, event)):
            if type_size.setdefault(ty, size) != size:
                raise ShapeMismatch(f"type {ty} has size {type_size[ty]} in "
                                    f"{where[ty]} but size {size} at port {port} of box "
                                    f"{name}")
            where.setdefault(ty, f"box {name}")
        batch_shapes.append(batch)
        event_shapes.append(event)
    try:
        np.broadcast_shapes(*batch_shapes)
    except ValueError:
        shown = ", ".join(f"{box.name}: {b}" for box, b in zip(d.boxes, batch_shapes) if b)
        raise ShapeMismatch(f"batch shapes do not broadcast: {shown}") from None
    for ty in d.wires:
        if ty not in type_size:
            raise ShapeMismatch(f"the size of type {ty} is not fixed by any box; pass "
                                f"sizes={{{ty!r}: n}}")
    plan = compile_plan(d.structure, tuple(event_shapes), tuple(batch_shapes),
                        tuple(type_size[ty] for ty in d.wires), max_memory=max_memory,
                        itemsize=itemsize, constant=constant)
    # Large networks say what their plan costs (logger "markov.contraction").
    log("markov.contraction", INFO if len(d.boxes) >= LOG_BOXES else DEBUG,
        "compiled a plan for %d boxes: %.3g flops, largest intermediate %d entries, "
        "%d slice(s)", len(d.boxes), plan.flops, plan.largest_intermediate, plan.n_slices)
    return plan
