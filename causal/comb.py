"""Comb disintegration (Jacobs, Kissinger & Zanasi, *Causal inference by string diagram
surgery*, FoSSaCS 2019): an intervention computed from an observational joint alone.

The observational joint ``ω`` over treatment ``X``, mediator ``Y`` and outcome ``Z`` (the
smoking example: Smoking, Tar, Cancer) disintegrates, as a process with memory, into the
marginal ``ω_X`` and a 2-comb of two teeth: ``ω_{Y|X}: X -> Y`` and ``ω_{Z|Y,X}: Y @ X -> Z``
(``X`` passes from the first tooth to the second as memory); copying ``X`` out of ``ω_X``
through both teeth gives ``ω`` back. When a latent ``U`` confounds ``X`` and ``Z`` only,
``do(X)`` cuts ``X``'s mechanism: the intervened ``X`` enters the first tooth while the
memory still carries the observational ``X``, so ``P(Z | do(X))`` is the comb plugged with
the marginal in its memory slot,

    ``P(Z | do(x)) = Σ_y ω(y | x) Σ_{x'} ω(z | y, x') ω(x')``   (the front-door formula),

one contraction of the diagram ``x -> [ω_{Y|X}] -> y -> [ω_{Z|Y,X}] <- x' <- [ω_X]``.

>>> from fractions import Fraction as F
>>> from markov import Kernel
>>> joint = Kernel.state([[[F(3, 8), F(0)], [F(1, 16), F(1, 16)]],
...                       [[F(1, 16), F(1, 16)], [F(0), F(3, 8)]]], cod=("S", "T", "C"))
>>> comb = comb_disintegrate(joint, "S", "T", "C")
>>> comb.plug().array.tolist()
[[Fraction(5, 8), Fraction(3, 8)], [Fraction(3, 8), Fraction(5, 8)]]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from causal.errors import CausalError, CombConditionsNotMet, InvalidValue, UnknownVariable
from diagrams import Box, Diagram, Ty
from markov import Kernel, conditional, interpret
from markov.arrays import ops as A
from markov.inference.normalize import POLICIES

__all__ = ["Comb", "check_comb_conditions", "comb_disintegrate"]


def _names(vs: str | Iterable[str]) -> tuple[str, ...]:
    return (vs,) if isinstance(vs, str) else tuple(vs)


@dataclass(frozen=True)
class Comb:
    """The comb disintegration of an observational joint over ``treatment`` (``X``),
    ``mediator`` (``Y``) and ``outcome`` (``Z``): the teeth ``first = ω_{Y|X}: X -> Y`` and
    ``second = ω_{Z|Y,X}: Y @ X -> Z``, and ``marginal = ω_X``, the state on ``X`` that the
    comb's memory carries. Build it with :func:`comb_disintegrate`.

    >>> from markov import Kernel
    >>> joint = Kernel.state([[[0.375, 0.0], [0.0625] * 2], [[0.0625] * 2, [0.0, 0.375]]],
    ...                      cod=("S", "T", "C"))
    >>> comb = comb_disintegrate(joint, "S", "T", "C")
    >>> comb.first.dom, comb.first.cod, comb.second.dom, comb.second.cod
    (Ty('S'), Ty('T'), Ty('T', 'S'), Ty('C'))
    """

    first: Kernel
    second: Kernel
    marginal: Kernel
    treatment: tuple[str, ...]
    mediator: tuple[str, ...]
    outcome: tuple[str, ...]

    @property
    def boxes(self) -> tuple[Box, Box, Box]:
        """The boxes of the teeth and of the marginal: ``P(Y|X)``, ``P(Z|Y,X)``, ``P(X)``.

        >>> from markov import Kernel
        >>> joint = Kernel.state([[[0.375, 0.0], [0.0625] * 2], [[0.0625] * 2, [0.0, 0.375]]],
        ...                      cod=("S", "T", "C"))
        >>> [b.name for b in comb_disintegrate(joint, "S", "T", "C").boxes]
        ['P(T|S)', 'P(C|T,S)', 'P(S)']
        """
        x, y, z = (",".join(v) for v in (self.treatment, self.mediator, self.outcome))
        X, Y, Z = (Ty(*v) for v in (self.treatment, self.mediator, self.outcome))
        return (Box(f"P({y}|{x})", X, Y), Box(f"P({z}|{y},{x})", Y @ X, Z),
                Box(f"P({x})", Ty(), X))

    @property
    def mapping(self) -> dict[Box, Kernel]:
        """Each box of :meth:`diagram` (but an intervention's) to its kernel.

        >>> from markov import Kernel
        >>> joint = Kernel.state([[[0.375, 0.0], [0.0625] * 2], [[0.0625] * 2, [0.0, 0.375]]],
        ...                      cod=("S", "T", "C"))
        >>> {b.name: k.array.tolist() for b, k in comb_disintegrate(joint, "S", "T", "C")
        ...  .mapping.items()}["P(T|S)"]
        [[0.75, 0.25], [0.25, 0.75]]
        """
        return dict(zip(self.boxes, (self.first, self.second, self.marginal)))

    def diagram(self, intervention: Box | None = None) -> Diagram:
        """The plugged comb as a string diagram: ``X -> Z`` (the treatment's value enters
        the first tooth; the memory slot of the second is fed by the marginal), or
        ``A -> Z`` after an ``intervention`` box ``A -> X``.

        >>> from markov import Kernel
        >>> joint = Kernel.state([[[0.375, 0.0], [0.0625] * 2], [[0.0625] * 2, [0.0, 0.375]]],
        ...                      cod=("S", "T", "C"))
        >>> d = comb_disintegrate(joint, "S", "T", "C").diagram()
        >>> d.dom, d.cod, [b.name for b in d.boxes]
        (Ty('S'), Ty('C'), ['P(T|S)', 'P(S)', 'P(C|T,S)'])
        """
        first, second, marginal = self.boxes
        wires: list[str] = []

        def new(names: Iterable[str]) -> tuple[int, ...]:
            start = len(wires)
            wires.extend(names)
            return tuple(range(start, len(wires)))

        boxes, ins, outs = [], [], []
        if intervention is None:
            x = inputs = new(self.treatment)
        else:
            inputs = new(intervention.dom.names)
            x = new(self.treatment)
            boxes, ins, outs = [intervention], [inputs], [x]
        y, memory = new(self.mediator), new(self.treatment)
        z = new(self.outcome)
        boxes += [first, marginal, second]
        ins += [x, (), y + memory]
        outs += [y, memory, z]
        return Diagram(wires, boxes, ins, outs, inputs, z)

    def plug(self, intervention: Kernel | None = None) -> Kernel:
        """The interventional result, one contraction of :meth:`diagram`: with no argument
        the kernel ``P(Z | do(X)): X -> Z``; with a state ``σ`` on ``X`` (a stochastic
        intervention ``do(X ~ σ)``) the state ``P(Z | do(X ~ σ))``; with a kernel
        ``A -> X`` (a policy) the kernel ``A -> Z``. Batch axes broadcast.

        >>> from markov import Kernel
        >>> joint = Kernel.state([[[0.375, 0.0], [0.0625] * 2], [[0.0625] * 2, [0.0, 0.375]]],
        ...                      cod=("S", "T", "C"))
        >>> comb = comb_disintegrate(joint, "S", "T", "C")
        >>> comb.plug().array.tolist()
        [[0.625, 0.375], [0.375, 0.625]]
        >>> comb.plug(Kernel.state([0.5, 0.5], cod="S")).array.tolist()
        [0.5, 0.5]
        >>> comb.plug(Kernel.state([0.5, 0.5], cod="T"))
        Traceback (most recent call last):
        ...
        causal.errors.CausalError: plug takes a state or kernel into the treatment S, got a kernel I -> T
        """
        if intervention is None:
            return interpret(self.diagram(), self.mapping, validate=False)
        if not isinstance(intervention, Kernel) or \
                intervention.cod != Ty(*self.treatment):
            shown = (f"a kernel {intervention.dom} -> {intervention.cod}"
                     if isinstance(intervention, Kernel) else type(intervention).__name__)
            raise CausalError(f"plug takes a state or kernel into the treatment "
                              f"{Ty(*self.treatment)}, got {shown}")
        box = Box("intervention", intervention.dom, intervention.cod)
        return interpret(self.diagram(box), {**self.mapping, box: intervention},
                         validate=False)

    def joint(self) -> Kernel:
        """The joint over ``X @ Y @ Z`` the comb comes from: the marginal's ``X`` copied
        into the first tooth, the memory and the output. Equal to the observational joint
        (exactly for exact numbers) where it has full support.

        >>> from markov import Kernel
        >>> joint = Kernel.state([[[0.375, 0.0], [0.0625] * 2], [[0.0625] * 2, [0.0, 0.375]]],
        ...                      cod=("S", "T", "C"))
        >>> comb_disintegrate(joint, "S", "T", "C").joint().array.tolist() == \\
        ...     joint.array.tolist()
        True
        """
        first, second, marginal = self.boxes
        nx_, ny = len(self.treatment), len(self.mediator)
        x = tuple(range(nx_))
        y = tuple(range(nx_, nx_ + ny))
        z = tuple(range(nx_ + ny, nx_ + ny + len(self.outcome)))
        d = Diagram(self.treatment + self.mediator + self.outcome,
                    [marginal, first, second], [(), x, y + x], [x, y, z], (), x + y + z)
        return interpret(d, self.mapping, validate=False)


def check_comb_conditions(graph: Any, treatment: str | Iterable[str],
                          mediator: str | Iterable[str], outcome: str | Iterable[str]
                          ) -> None:
    """Check the sufficient conditions of Jacobs, Kissinger & Zanasi under which comb
    disintegration computes ``P(outcome | do(treatment))``, on ``graph`` (an
    :class:`~causal.admg.ADMG`, a :class:`causal.CausalModel` with explicit latents, or a
    networkx DiGraph with latent nodes marked ``latent=True``); raise
    :class:`~causal.errors.CombConditionsNotMet` naming the first one that fails:

    1. the treatment ``X``, mediator ``Y`` and outcome ``Z`` partition the observed
       variables;
    2. ``X`` has no parent in ``Y`` or ``Z`` (latents and ``X`` itself only);
    3. ``Y``'s parents are in ``X`` or ``Y``, and no latent reaches ``Y`` (no bidirected
       edge at ``Y``): the channel ``X -> Y`` is unconfounded, so the hole of the comb is
       filled by ``ω_{Y|X}`` in the observed world and by the same channel after ``do(X)``;
    4. no edge ``X -> Z``: ``Y`` screens off ``X`` from ``Z``, so the second tooth reads
       ``X`` only through the latent, i.e. through the memory

    (latents may confound ``X`` and ``Z``, within ``X`` and within ``Z``). The fifth
    condition, positivity of ``ω`` on ``X @ Y`` (the paper asks full support), is checked
    on the joint by :func:`comb_disintegrate`.

    >>> from causal.admg import ADMG
    >>> check_comb_conditions(ADMG([("S", "T"), ("T", "C")], [("S", "C")]), "S", "T", "C")
    >>> check_comb_conditions(ADMG([("S", "T"), ("T", "C")], [("T", "C")]), "S", "T", "C")
    Traceback (most recent call last):
    ...
    causal.errors.CombConditionsNotMet: a latent confounds the mediator T with C: the channel S -> T must be unconfounded
    """
    from causal.identify import _as_admg

    g = _as_admg(graph)
    x, y, z = _names(treatment), _names(mediator), _names(outcome)
    _check_parts(x, y, z, set(g.nodes), "the graph")
    parts = {**dict.fromkeys(x, "X"), **dict.fromkeys(y, "Y"), **dict.fromkeys(z, "Z")}
    rest = [v for v in g.nodes if v not in parts]
    if rest:
        raise CombConditionsNotMet(f"the observed variables {rest} are in none of the "
                                   f"treatment, mediator and outcome: the comb's three parts "
                                   "must cover the observed joint")
    tx, ty = ",".join(x), ",".join(y)
    for a, b in g.directed.edges:
        role = parts[a] + parts[b]
        if role in ("YX", "ZX"):
            raise CombConditionsNotMet(f"the edge {a} -> {b} enters the treatment: the "
                                       f"treatment's mechanism may depend on latents only")
        if role == "ZY":
            raise CombConditionsNotMet(f"the edge {a} -> {b} enters the mediator from the "
                                       f"outcome: the mediator's parents must be in {tx}")
        if role == "XZ":
            raise CombConditionsNotMet(f"the edge {a} -> {b} goes from the treatment to the "
                                       f"outcome: the mediator {ty} must screen off {tx} "
                                       f"from {','.join(z)}")
    for edge in g.bidirected:
        a, b = sorted(edge, key=lambda v: parts[v] != "Y")
        if parts[a] == "Y":
            raise CombConditionsNotMet(f"a latent confounds the mediator {a} with {b}: the "
                                       f"channel {tx} -> {ty} must be unconfounded")


def _check_parts(x: tuple, y: tuple, z: tuple, known: set, where: str) -> None:
    for role, vs in (("treatment", x), ("mediator", y), ("outcome", z)):
        if not vs:
            raise InvalidValue(f"the {role} is empty")
        unknown = [v for v in vs if v not in known]
        if unknown:
            raise UnknownVariable(f"the {role} names {unknown}, not variables of {where} "
                                  f"({sorted(known)})")
    seen: dict[str, str] = {}
    for role, vs in (("treatment", x), ("mediator", y), ("outcome", z)):
        for v in vs:
            if v in seen:
                raise InvalidValue(f"{v} is in both the {seen[v]} and the {role}")
            seen[v] = role


def comb_disintegrate(joint: Kernel, treatment: str | Iterable[str],
                      mediator: str | Iterable[str], outcome: str | Iterable[str], *,
                      graph: Any = None, on_zero: str = "raise") -> Comb:
    """The comb disintegration of the observational ``joint`` (a ``markov.Kernel`` state
    whose codomain holds the treatment, mediator and outcome variables, in any order; other
    variables are discarded; batch axes allowed): the :class:`Comb` with teeth
    ``ω_{Y|X}``, ``ω_{Z|Y,X}`` and marginal ``ω_X``, whose :meth:`Comb.plug` is
    ``P(outcome | do(treatment))``.

    That equals the interventional distribution under the sufficient conditions of
    Jacobs, Kissinger & Zanasi (see :func:`check_comb_conditions`): checked on ``graph``
    when one is given, assumed otherwise. Positivity is checked on the joint: with
    ``on_zero="raise"`` (the default) a zero of ``ω`` on ``X @ Y`` raises
    :class:`~causal.errors.CombConditionsNotMet` (the comb is then not unique); the other
    policies of :mod:`markov.inference.normalize` choose one.

    >>> from markov import Kernel
    >>> joint = Kernel.state([[[0.25, 0.0], [0.0, 0.25]], [[0.25, 0.25], [0.0, 0.0]]],
    ...                      cod=("S", "T", "C"))
    >>> comb_disintegrate(joint, "S", "T", "C")
    Traceback (most recent call last):
    ...
    causal.errors.CombConditionsNotMet: positivity fails: P(S=1, T=1) = 0.0, so P(C | T, S) is not unique there; pass on_zero= to choose a conditional
    """
    if on_zero not in POLICIES:
        raise InvalidValue(f"on_zero must be one of {POLICIES}, got {on_zero!r}")
    if not isinstance(joint, Kernel) or len(joint.dom):
        raise CausalError("comb_disintegrate takes the observational joint as a "
                          "markov.Kernel state (empty domain)")
    x, y, z = _names(treatment), _names(mediator), _names(outcome)
    _check_parts(x, y, z, set(joint.cod.names), "the joint")
    if graph is not None:
        check_comb_conditions(graph, x, y, z)
    xy = joint.marginal(x + y)
    if on_zero == "raise":
        _check_positive(xy, x, y, z, joint.labels or {})
    policy = "uniform" if on_zero == "raise" else on_zero
    first = conditional(xy, list(range(len(x))), on_zero=policy)
    second = conditional(joint.marginal(y + x + z), list(range(len(x + y))), on_zero=policy)
    return Comb(first, second, joint.marginal(x), x, y, z)


def _check_positive(xy: Kernel, x: tuple, y: tuple, z: tuple, labels: dict) -> None:
    array = xy.array
    first = A.first_index(A.is_zero(array))
    if first is None:
        return
    index = first[xy.n_batch:]
    shown = ", ".join(f"{v}={labels[v][i] if v in labels else i}"
                      for v, i in zip(x + y, index))
    value = array[first]
    raise CombConditionsNotMet(f"positivity fails: P({shown}) = {value}, so "
                               f"P({','.join(z)} | {', '.join(y + x)}) is not unique there; "
                               f"pass on_zero= to choose a conditional")
