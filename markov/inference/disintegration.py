"""Marginals, disintegration and Fritz's conditionals of kernels.

A joint state ``ω`` on ``X @ Y`` disintegrates into its marginal ``ω_X`` and a conditional
``ω_{|X}: X -> Y`` with ``ω = ω_X >> copy(X) >> (identity(X) @ ω_{|X})``. More generally
(Fritz 2020, Definition 11.5) a kernel ``f: A -> X @ Y`` has a conditional
``f_{|X}: X @ A -> Y`` such that ``f`` is recovered from its marginal ``f_X: A -> X`` and
``f_{|X}`` (see :func:`recompose`). Conditionals are unique only almost surely: on rows where
the conditioning variables have probability zero any distribution will do, and ``on_zero``
chooses one (see :mod:`markov.inference.normalize`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from diagrams import Box, Diagram, Ty, TypeMismatch
from markov.arrays import ops as A
from markov.contraction.interpret import interpret
from markov.errors import InvalidOption, ShapeMismatch
from markov.inference.normalize import POLICIES, normalize
from markov.kernel import Kernel
from markov.labels import carry

Atoms = Iterable[int | str] | Ty | str


def check_policy(on_zero: str) -> None:
    """Raise :class:`~markov.errors.InvalidOption` unless ``on_zero`` is one of the
    zero-mass policies.

    >>> check_policy("uniform")
    >>> check_policy("zero")
    Traceback (most recent call last):
    ...
    markov.errors.InvalidOption: on_zero must be one of ('uniform', 'prior', 'nan', 'raise'), got 'zero'
    """
    if on_zero not in POLICIES:
        raise InvalidOption(f"on_zero must be one of {POLICIES}, got {on_zero!r}")


def marginal(kernel: Kernel, keep: Atoms) -> Kernel:
    """The marginal of ``kernel`` on the codomain atoms ``keep`` (names or positions, in the
    order given): the other outputs are discarded.

    >>> from fractions import Fraction as Fr
    >>> J = Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 4), Fr(1, 4)]], cod=("X", "Y"))
    >>> marginal(J, "Y").array.tolist()
    [Fraction(3, 8), Fraction(5, 8)]
    """
    return kernel.marginal(keep)


def split(kernel: Kernel, given: Atoms) -> tuple[list[int], list[int]]:
    """Positions of the ``given`` codomain atoms and of the remaining ones (in order).

    >>> split(Kernel.state([[0.1, 0.2], [0.3, 0.4]], cod=("X", "Y")), "Y")
    ([1], [0])
    """
    given = kernel.positions(given)
    n = len(kernel.cod)
    for i in given:
        if not 0 <= i < n:
            raise ShapeMismatch(f"position {i} is not in the codomain {kernel.cod}")
    if len(set(given)) != len(given):
        raise ShapeMismatch(f"the conditioning atoms {given} of {kernel.cod} repeat a position")
    return given, [i for i in range(n) if i not in given]


def conditional(f: Kernel, given: Atoms, on_zero: str = "uniform") -> Kernel:
    """Fritz's conditional of ``f: A -> X @ Y`` given the codomain atoms ``X`` (names or
    positions): the kernel ``X @ A -> Y`` with ``f`` = :func:`recompose` ``(f_X, f_{|X})``.

    Rows where ``X`` has probability zero get the ``on_zero`` policy: ``"uniform"`` (the
    default), ``"prior"`` (the marginal of ``Y`` at the same input), ``"nan"`` or
    ``"raise"`` (:class:`~markov.errors.ZeroMass`).

    >>> from fractions import Fraction as Fr
    >>> J = Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 2), Fr(0)]], cod=("X", "Y"))
    >>> c = conditional(J, "X")
    >>> c.dom, c.cod, c.array.tolist()
    (Ty('X'), Ty('Y'), [[Fraction(1, 4), Fraction(3, 4)], [Fraction(1, 1), Fraction(0, 1)]])
    """
    check_policy(on_zero)
    given, rest = split(f, given)
    return _conditional(f, given, rest, on_zero)


def _conditional(f: Kernel, given: list[int], rest: list[int], on_zero: str, *,
                 fallback: Kernel | None = None, what: str | None = None) -> Kernel:
    nb, na, ng, nr = f.n_batch, len(f.dom), len(given), len(rest)
    # given + rest is every output: a permutation, [*batch, *A, *cod] -> [*batch, *X, *A, *Y]
    perm = [*range(nb), *(nb + na + i for i in given), *range(nb, nb + na),
            *(nb + na + i for i in rest)]
    array = A.transpose(f.array, perm)
    fill = None
    if on_zero == "prior" and nr == 0:
        on_zero = "uniform"           # the only state on the unit: both policies agree
    if on_zero == "prior":
        prior = fallback if fallback is not None else f.marginal(rest)   # [*b, *A, *Y]
        shape = tuple(prior.array.shape)
        k = prior.n_batch + len(prior.dom)
        fill = prior.array.reshape(shape[:prior.n_batch] + (1,) * ng
                                   + shape[prior.n_batch:k] + shape[k:])
    dom = Ty(*(f.cod.names[i] for i in given)) @ f.dom
    cod = Ty(*(f.cod.names[i] for i in rest))
    if what is None:
        what = f"the conditioning variables {', '.join(f.cod.names[i] for i in given)}"
        if len(f.dom):
            what += f" (at an input {f.dom})"
    out = normalize(array, nr, on_zero, fill, what=what)
    if on_zero == "nan":
        out = A.exact_nan(out)
    return carry(Kernel(out, dom=dom, cod=cod, validate=False), f)


def disintegrate(joint: Kernel, given: Atoms, on_zero: str = "uniform"
                 ) -> tuple[Kernel, Kernel]:
    """Disintegrate ``joint`` (a state, or any kernel ``A -> X @ Y``) along the codomain
    atoms ``given``: return the marginal on ``given`` and the conditional of the remaining
    atoms (:func:`conditional`), so that ``recompose(marginal, conditional)`` is the joint
    with the ``given`` atoms first.

    >>> from fractions import Fraction as Fr
    >>> J = Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 4), Fr(1, 4)]], cod=("X", "Y"))
    >>> m, c = disintegrate(J, "Y")
    >>> m.array.tolist(), c.dom, c.cod
    ([Fraction(3, 8), Fraction(5, 8)], Ty('Y'), Ty('X'))
    >>> recompose(m, c).array.tolist() == J.marginal(["Y", "X"]).array.tolist()
    True
    """
    check_policy(on_zero)
    given, rest = split(joint, given)
    return joint.marginal(given), _conditional(joint, given, rest, on_zero)


def recompose(marginal: Kernel, conditional: Kernel) -> Kernel:
    """The kernel ``A -> X @ Y`` built from ``marginal: A -> X`` and
    ``conditional: X @ A -> Y`` by copying ``A`` and ``X``: the inverse of
    :func:`disintegrate`, and for a state ``p`` on ``X`` and ``f: X -> Y`` the joint state
    ``p >> copy(X) >> (identity(X) @ f)``. One contraction.

    >>> p = Kernel.state([0.25, 0.75], cod="X")
    >>> f = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y")
    >>> recompose(p, f).array.tolist()
    [[0.125, 0.125], [0.0, 0.75]]
    """
    a, x, y = marginal.dom, marginal.cod, conditional.cod
    if conditional.dom != x @ a:
        raise TypeMismatch(f"cannot recompose: the conditional's domain is {conditional.dom!r}"
                           f" but the marginal {a!r} -> {x!r} asks for {x @ a!r}")
    na, nx, ny = len(a), len(x), len(y)
    wa, wx = tuple(range(na)), tuple(range(na, na + nx))
    wy = tuple(range(na + nx, na + nx + ny))
    m, c = Box("marginal", a, x), Box("conditional", x @ a, y)
    d = Diagram((a @ x @ y).names, (m, c), (wa, wx + wa), (wx, wy), wa, wx + wy)
    return carry(interpret(d, {m: marginal, c: conditional}, validate=False), marginal,
                 conditional)


def _reorder(kernel: Kernel, order: list[int]) -> Kernel:
    """The kernel with codomain atoms permuted (output ``i`` is atom ``order[i]``)."""
    return kernel if order == list(range(len(kernel.cod))) else kernel.marginal(order)


def as_state(value: Any, cod: Ty) -> Kernel:
    """A state on ``cod`` from a :class:`Kernel` (its type checked) or an array-like.

    >>> as_state([0.25, 0.75], Ty("X")).cod
    Ty('X')
    """
    if isinstance(value, Kernel):
        if value.dom != Ty() or value.cod != cod:
            raise TypeMismatch(f"expected a state on {cod!r}, got a kernel {value.dom!r} -> "
                               f"{value.cod!r}")
        return value
    return Kernel.state(value, cod=cod)
