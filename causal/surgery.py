"""String-diagram surgery: the endofunctor that performs an intervention ``do(X)``.

Surgery on a set of variables replaces every box producing one of them (its *mechanism*) by
a state of that variable and discards the box's inputs: ``f : A -> X`` becomes
``discard(A) @ s`` for the state ``s : I -> X``. A box with several outputs keeps the
outputs not intervened on. Since it is defined box by box it is a strict Markov functor on
diagrams (it preserves ``>>``, ``@``, copies and discards); it is idempotent, and surgeries
on different variables commute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from causal.errors import InvalidArgument
from diagrams import Box, Diagram, Ty, TypeMismatch
from markov import Kernel

if TYPE_CHECKING:
    from diagrams import Functor

#: What a variable can be set to: a state box or diagram ``I -> X``, a kernel state (only its
#: type is used), or ``None`` for the default state box ``do(X) : I -> X``.
State = Box | Diagram | Kernel | None


def do_box(variable: str) -> Box:
    """The default state box ``do(X) : I -> X`` that surgery puts in place of ``X``'s
    mechanism.

    >>> do_box("Smoking")
    Box('do(Smoking)', Ty(), Ty('Smoking'))
    """
    return Box(f"do({variable})", Ty(), Ty(variable))


def is_do_box(box: Box, variable: str) -> bool:
    """Whether ``box`` is :func:`do_box` of ``variable`` (without making that box: a query
    asks it of every box it binds).

    >>> is_do_box(do_box("X"), "X"), is_do_box(Box("X", Ty(), Ty("X")), "X")
    (True, False)
    """
    return box.name == f"do({variable})" and box == do_box(variable)


def surgery_functor(interventions: Mapping[str, State] | Iterable[str]) -> Functor:
    """The endofunctor on diagrams that performs surgery on the given variables.

    ``interventions`` maps each variable name to the state that replaces its mechanism (see
    :func:`surgery`), or is a collection of names, each getting :func:`do_box`.

    >>> from diagrams import Ty, Box, copy, discard
    >>> U, X = Ty("U"), Ty("X")
    >>> F = surgery_functor(["X"])
    >>> F(Box("X", U, X)) == discard(U) @ do_box("X")
    True
    >>> F(copy(X)) == copy(X)
    True
    """
    # imported here: a plain posterior needs no functor and no wiring
    from diagrams import Functor, discard, permutation

    states = _states(interventions)

    def image(box: Box) -> Diagram | Box:
        hit = [i for i, name in enumerate(box.cod.names) if name in states]
        if not hit:
            return box
        if len(box.cod) == 1:
            return discard(box.dom) @ states[box.cod.names[0]]
        keep = [i for i in range(len(box.cod)) if i not in hit]
        kept = box >> Diagram(box.cod.names, (), (), (), range(len(box.cod)), keep)
        for i in hit:
            kept = kept @ states[box.cod.names[i]]
        current = keep + hit  # current[j]: the position in box.cod of the j-th output
        order = [current.index(i) for i in range(len(box.cod))]
        return kept >> permutation(Ty(*(box.cod.names[i] for i in current)), order)

    return Functor(ar=image)


def surgery(diagram: Diagram | Box, interventions: Mapping[str, State] | Iterable[str]
            ) -> Diagram:
    """The diagram after the interventions: each box producing an intervened variable is
    replaced by a state of that variable, and the box's inputs are discarded.

    ``interventions`` maps a variable name to a state box or diagram ``I -> X``, a
    :class:`~markov.Kernel` state on ``X`` (its box is named after the kernel, or
    ``do(X)``; bind that name to the kernel when interpreting), or ``None`` for
    :func:`do_box`; a plain collection of names means ``None`` for each. Variables the
    diagram does not produce are left alone (that keeps surgery a functor). A state of the
    wrong type raises :class:`~diagrams.TypeMismatch`.

    >>> from diagrams import Ty, Box, copy, identity, discard
    >>> U, S, C = Ty("U"), Ty("S"), Ty("C")
    >>> model = Box("U", Ty(), U) >> copy(U) >> (Box("S", U, S) @ U) >> (copy(S) @ U) \\
    ...     >> (S @ Box("C", S @ U, C))
    >>> cut = surgery(model, {"S": Box("s0", Ty(), S)})
    >>> [box.name for box in cut.boxes]
    ['U', 's0', 'C']
    >>> surgery(model, {"S": Box("bad", Ty(), C)})
    Traceback (most recent call last):
    ...
    diagrams.errors.TypeMismatch: the state for S has type I -> C, expected I -> S
    """
    if isinstance(diagram, Box):
        diagram = diagram.to_diagram()
    return surgery_functor(interventions)(diagram)


def _states(interventions: Mapping[str, State] | Iterable[str]) -> dict[str, Diagram]:
    if not isinstance(interventions, Mapping):
        if isinstance(interventions, str):
            interventions = [interventions]
        interventions = {name: None for name in interventions}
    states = {}
    for name, value in interventions.items():
        if value is None:
            value = do_box(name)
        elif isinstance(value, Kernel):
            value = Box(value.name or f"do({name})", value.dom, value.cod)
        elif not isinstance(value, (Box, Diagram)):
            raise InvalidArgument(f"the state for {name} must be a Box, a Diagram, a Kernel or None, "
                            f"not {type(value).__name__}")
        if value.dom != Ty() or value.cod != Ty(name):
            raise TypeMismatch(f"the state for {name} has type {value.dom} -> {value.cod}, "
                               f"expected I -> {name}")
        states[name] = value.to_diagram() if isinstance(value, Box) else value
    return states
