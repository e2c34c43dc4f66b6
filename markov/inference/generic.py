"""One inference API for every semantics: the functions ``markov`` exports dispatch on the
type of their first argument (:func:`functools.singledispatch`).

The finite semantics (:class:`~markov.Kernel`) registers its implementations here; the
Gaussian semantics registers its own in :mod:`markov.gaussian.register`. A semantics added
later plugs in the same way, without touching any caller::

    from markov.inference import generic
    generic.disintegrate.register(MyKernel, my_disintegrate)

Each implementation keeps its own options: the finite one takes an ``on_zero`` policy for
divisions by zero mass (:mod:`markov.inference.normalize`), the Gaussian one a tolerance
``tol`` for its pseudo-inverses. The arguments every semantics shares come first and mean the
same thing everywhere.

``condition`` takes evidence ``{variable: value}`` on both semantics (discrete: an index, a
label or a likelihood vector; Gaussian: an exact, possibly noise-free observation); on a
Gaussian kernel it also takes an equation ``matrix @ x = value`` (Stein & Staton's exact
conditioning), as :func:`markov.gaussian.condition.condition` does. ``observe`` is the
evidence form only.

>>> from fractions import Fraction as Fr
>>> from markov import GaussianKernel, Kernel
>>> J = Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 4), Fr(1, 4)]], cod=("X", "Y"))
>>> G = GaussianKernel.state([0.0, 1.0], [[2.0, 1.0], [1.0, 1.0]], cod=("X", "Y"))
>>> [conditional(k, "X").dom for k in (J, G)]
[Ty('X'), Ty('X')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import singledispatch
from typing import Any

from diagrams import Ty
from markov.errors import UnsupportedKernel
from markov.inference import bayes as _bayes
from markov.inference import disintegration as _dis
from markov.inference import equality as _eq
from markov.inference import evidence as _ev
from markov.kernel import Kernel

Atoms = Iterable[int | str] | Ty | str

#: The generic functions, by name: the registry a new semantics fills in.
GENERIC: dict[str, Any] = {}


def _generic(function):
    """Make ``function`` (whose body is the fallback) generic in its first argument."""
    dispatcher = singledispatch(function)
    GENERIC[function.__name__] = dispatcher
    return dispatcher


def _unsupported(name: str, kernel: Any) -> UnsupportedKernel:
    return UnsupportedKernel(
        f"{name} is not defined for {type(kernel).__name__}: pass a markov.Kernel or a "
        f"markov.GaussianKernel, or register an implementation with "
        f"markov.inference.generic.{name}.register({type(kernel).__name__}, function)")


@_generic
def marginal(kernel: Any, keep: Atoms) -> Any:
    """The marginal of ``kernel`` on the codomain atoms ``keep`` (names or positions, in the
    order given): the other outputs are discarded.

    >>> from markov import GaussianKernel, Kernel
    >>> marginal(Kernel.state([[0.1, 0.2], [0.3, 0.4]], cod=("X", "Y")), "Y").array.tolist()
    [0.4, 0.6000000000000001]
    >>> marginal(GaussianKernel.state([1.0, 2.0], cod=("X", "Y")), "Y").mean.tolist()
    [2.0]
    """
    raise _unsupported("marginal", kernel)


@_generic
def conditional(kernel: Any, given: Atoms, *args: Any, **options: Any) -> Any:
    """Fritz's conditional of ``kernel: A -> X @ Y`` given the codomain atoms ``X``: the
    kernel ``X @ A -> Y`` from which ``kernel`` is :func:`recompose` d. Options: ``on_zero``
    (finite, default ``"uniform"``), ``tol`` (Gaussian).

    >>> from markov import GaussianKernel, Kernel
    >>> J = Kernel.state([[0.25, 0.25], [0.5, 0.0]], cod=("X", "Y"))
    >>> conditional(J, "X").array.tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    >>> G = GaussianKernel.state([0.0, 1.0], [[2.0, 1.0], [1.0, 1.0]], cod=("X", "Y"))
    >>> conditional(G, "X").matrix.tolist()
    [[0.5]]
    """
    raise _unsupported("conditional", kernel)


@_generic
def disintegrate(kernel: Any, given: Atoms, *args: Any, **options: Any) -> tuple[Any, Any]:
    """The marginal of ``kernel`` on ``given`` and the conditional of the other outputs, so
    that :func:`recompose` of the two is ``kernel`` with the ``given`` outputs first.
    Options as for :func:`conditional`.

    >>> from markov import GaussianKernel, Kernel
    >>> m, c = disintegrate(Kernel.state([[0.25, 0.25], [0.5, 0.0]], cod=("X", "Y")), "Y")
    >>> m.array.tolist(), c.cod
    ([0.75, 0.25], Ty('X'))
    >>> m, c = disintegrate(GaussianKernel.state([0.0, 1.0], cod=("X", "Y")), "Y")
    >>> m.mean.tolist(), c.cod
    ([1.0], Ty('X'))
    """
    raise _unsupported("disintegrate", kernel)


@_generic
def recompose(marginal: Any, conditional: Any) -> Any:
    """The kernel ``A -> X @ Y`` made of ``marginal: A -> X`` and ``conditional: X @ A -> Y``
    by copying ``A`` and ``X``: the inverse of :func:`disintegrate`.

    >>> from markov import GaussianKernel, Kernel
    >>> recompose(Kernel.state([0.5, 0.5], cod="X"),
    ...           Kernel([[1.0, 0.0], [0.0, 1.0]], dom="X", cod="Y")).array.tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    >>> recompose(GaussianKernel.state([0.0], [[1.0]], cod="X"),
    ...           GaussianKernel.deterministic([[1.0]], dom="X", cod="Y")).covariance.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    raise _unsupported("recompose", marginal)


@_generic
def bayes_invert(kernel: Any, prior: Any, *args: Any, **options: Any) -> Any:
    """The Bayesian inverse ``cod -> dom`` of ``kernel`` at the state ``prior`` on its domain.
    Options: ``on_zero`` (finite, default ``"prior"``), ``tol`` (Gaussian).

    >>> from markov import GaussianKernel, Kernel
    >>> bayes_invert(Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y"),
    ...              Kernel.state([0.5, 0.5], cod="X")).array.tolist()
    [[1.0, 0.0], [0.3333333333333333, 0.6666666666666666]]
    >>> bayes_invert(GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y"),
    ...              GaussianKernel.state([0.0], [[1.0]], cod="X")).covariance.tolist()
    [[0.5]]
    """
    raise _unsupported("bayes_invert", kernel)


@_generic
def condition(kernel: Any, evidence: Any, *args: Any, **options: Any) -> Any:
    """Condition the outputs of ``kernel`` on ``evidence`` ``{variable: value}`` (see the
    module docstring for what a value is in each semantics); the result has the same type.
    Options: ``on_zero`` (finite, default ``"raise"``), ``tol`` (Gaussian). On a Gaussian
    kernel, ``condition(kernel, matrix, value, on=...)`` conditions on an equation.

    >>> from markov import GaussianKernel, Kernel
    >>> J = Kernel.state([[0.25, 0.25], [0.5, 0.0]], cod=("X", "Y"))
    >>> condition(J, {"Y": 0}).marginal("X").array.tolist()
    [0.3333333333333333, 0.6666666666666666]
    >>> G = GaussianKernel.state([0.0, 0.0], [[1.0, 1.0], [1.0, 2.0]], cod=("X", "Y"))
    >>> condition(G, {"X": 2.0}).mean.tolist()
    [2.0, 2.0]
    """
    raise _unsupported("condition", kernel)


@_generic
def observe(kernel: Any, evidence: Mapping[str | int, Any], *args: Any,
            **options: Any) -> Any:
    """Condition on observed values ``{variable: value}``: :func:`condition` with evidence.

    >>> from markov import GaussianKernel, Kernel
    >>> J = Kernel.state([[0.25, 0.25], [0.5, 0.0]], cod=("X", "Y"))
    >>> observe(J, {"X": 1}).marginal("Y").array.tolist()
    [1.0, 0.0]
    >>> observe(GaussianKernel.state([0.0], [[1.0]], cod="X"), {"X": 3.0}).mean.tolist()
    [3.0]
    """
    raise _unsupported("observe", kernel)


@_generic
def almost_surely_equal(f: Any, g: Any, state: Any, *args: Any, **options: Any) -> bool:
    """Whether ``f, g: X -> Y`` are equal ``state``-almost surely (Fritz): ``state >> copy >>
    (identity @ f)`` equals the same with ``g``. ``state`` may be on more variables than
    ``X`` (its marginal on ``X`` is used). Options: ``atol`` (both), ``rtol`` (Gaussian).

    >>> from markov import GaussianKernel, Kernel
    >>> p = Kernel.state([1.0, 0.0], cod="X")
    >>> f = Kernel([[1.0, 0.0], [1.0, 0.0]], dom="X", cod="Y")
    >>> g = Kernel([[1.0, 0.0], [0.0, 1.0]], dom="X", cod="Y")
    >>> almost_surely_equal(f, g, p)
    True
    >>> point = GaussianKernel.state([1.0], None, cod="X")
    >>> almost_surely_equal(GaussianKernel.deterministic([[2.0]], dom="X", cod="Y"),
    ...                     GaussianKernel.deterministic([[0.0]], [2.0], dom="X", cod="Y"),
    ...                     point)
    True
    """
    raise _unsupported("almost_surely_equal", f)


@_generic
def is_deterministic(kernel: Any, state: Any = None, atol: float | None = None) -> bool:
    """Whether ``kernel`` commutes with copying (every output is a function of the input),
    or, given a ``state`` on its domain, does so ``state``-almost surely.

    >>> from markov import GaussianKernel, Kernel
    >>> is_deterministic(Kernel([[0.0, 1.0], [1.0, 0.0]], dom="X", cod="Y"))
    True
    >>> is_deterministic(GaussianKernel.state([0.0], [[1.0]], cod="X"))
    False
    """
    raise _unsupported("is_deterministic", kernel)


# ---- the finite semantics ------------------------------------------------------------

marginal.register(Kernel, _dis.marginal)
conditional.register(Kernel, _dis.conditional)
disintegrate.register(Kernel, _dis.disintegrate)
recompose.register(Kernel, _dis.recompose)
bayes_invert.register(Kernel, _bayes.bayes_invert)
condition.register(Kernel, _ev.condition)
observe.register(Kernel, _ev.condition)
almost_surely_equal.register(Kernel, _eq.almost_surely_equal)
is_deterministic.register(Kernel, _eq.is_deterministic)


__all__ = [
    "GENERIC",
    "almost_surely_equal",
    "bayes_invert",
    "condition",
    "conditional",
    "disintegrate",
    "is_deterministic",
    "marginal",
    "observe",
    "recompose",
]
