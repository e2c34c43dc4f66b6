"""Almost-sure equality, determinism and conditional independence (Fritz 2020, §§10-13).

Conditionals and Bayesian inverses are unique only almost surely, so this is the equality
they are tested with. In FinStoch ``f =_p g`` (Fritz, Definition 13.1: ``p >> copy >>
(identity @ f) == p >> copy >> (identity @ g)``) means the rows of ``f`` and ``g`` agree on
the support of ``p``; that is what is compared here, as one contraction per side.
"""

from __future__ import annotations

from collections.abc import Iterable

from diagrams import Ty, TypeMismatch
from markov.arrays import ops as A
from markov.errors import InvalidOption
from markov.inference.disintegration import recompose
from markov.kernel import Kernel

Atoms = Iterable[int | str] | Ty | str


def almost_surely_equal(f: Kernel, g: Kernel, state: Kernel,
                        atol: float | None = None) -> bool:
    """Whether ``f, g: X -> Y`` are equal ``state``-almost surely (Fritz's definition:
    ``state >> copy >> (identity @ f)`` equals the same with ``g``), i.e. their rows agree
    wherever ``state`` has positive probability. Exact on exact arrays, within ``atol`` on
    floats. If ``state`` is on more variables than ``X``, its marginal on ``X``'s names is
    used; batches must agree in every element.

    >>> p = Kernel.state([0.5, 0.5, 0.0], cod="X")
    >>> f = Kernel([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dom="X", cod="Y")
    >>> g = Kernel([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], dom="X", cod="Y")
    >>> almost_surely_equal(f, g, p), almost_surely_equal(f, g, Kernel.state([0, 0, 1.0], "X"))
    (True, False)
    """
    if f.dom != g.dom or f.cod != g.cod:
        raise TypeMismatch(f"cannot compare kernels of types {f.dom!r} -> {f.cod!r} and "
                           f"{g.dom!r} -> {g.cod!r}")
    state = _state_on(state, f.dom)
    return A.allclose(recompose(state, f).array, recompose(state, g).array, atol)


def is_deterministic(f: Kernel, state: Kernel | None = None,
                     atol: float | None = None) -> bool:
    """Whether every row of ``f`` is a point mass (``f`` commutes with copying), or, given
    a ``state`` on its domain, every row in the support of ``state`` (``state``-almost surely
    deterministic).

    >>> is_deterministic(Kernel([[0.0, 1.0], [1.0, 0.0]], dom="X", cod="Y"))
    True
    >>> noisy = Kernel([[0.0, 1.0], [0.5, 0.5]], dom="X", cod="Y")
    >>> is_deterministic(noisy), is_deterministic(noisy, Kernel.state([1.0, 0.0], cod="X"))
    (False, True)
    """
    array = f.array
    if state is not None:
        weights = recompose(_state_on(state, f.dom), f).array    # p(x) f(y|x)
        return A.allclose(weights * (1 - array), 0 * weights, atol)
    return A.allclose(array * (1 - array), 0 * array, atol)


def independent(joint: Kernel, a: Atoms, b: Atoms, given: Atoms = (),
                atol: float | None = None) -> bool:
    """Whether the variables ``a`` and ``b`` of ``joint`` are independent given ``given``
    (Fritz 2020, Definition 12.12: the joint displays ``a ⊥ b | given``), checked in the
    division-free form ``P(a, b, c) P(c) = P(a, c) P(b, c)``, so zero-mass values of ``c``
    need no policy. A kernel with a domain is checked at every input (and batch element).

    >>> from fractions import Fraction as Fr
    >>> p = Kernel.state([Fr(1, 3), Fr(2, 3)], cod="X")
    >>> q = Kernel.state([Fr(1, 4), Fr(3, 4)], cod="Y")
    >>> independent(p @ q, "X", "Y")
    True
    >>> import numpy as np
    >>> same = np.zeros((2, 2, 2), dtype=object) + Fr(0)
    >>> same[0, 0, 0] = same[1, 1, 1] = Fr(1, 2)           # X = Y = Z, a fair coin
    >>> J = Kernel.state(same, cod=("X", "Y", "Z"))
    >>> independent(J, "X", "Y"), independent(J, "X", "Y", given="Z")
    (False, True)
    """
    pa, pb, pc = (joint.positions(v) for v in (a, b, given))
    seen: dict[int, str] = {}
    for role, ps in (("a", pa), ("b", pb), ("given", pc)):
        for i in ps:
            if i in seen:
                raise InvalidOption(f"variable {joint.cod.names[i]} appears in both {seen[i]} "
                                 f"and {role}; the three sets must be disjoint")
            seen[i] = role
    k = joint.n_batch + len(joint.dom)
    na, nb, nc = len(pa), len(pb), len(pc)

    def placed(keep: list[int], slots: tuple[bool, bool, bool]):
        array = joint.marginal(keep).array
        shape = tuple(array.shape)
        sizes = iter(shape[k:])
        out = list(shape[:k])
        for present, n in zip(slots, (na, nb, nc)):
            out += [next(sizes) for _ in range(n)] if present else [1] * n
        return array.reshape(tuple(out))

    if not pa or not pb:
        return True                      # independence of an empty set of variables
    abc = placed(pa + pb + pc, (True, True, True))
    ac = placed(pa + pc, (True, False, True))
    bc = placed(pb + pc, (False, True, True))
    if not pc:
        return A.allclose(abc, ac * bc, atol)
    return A.allclose(abc * placed(pc, (False, False, True)), ac * bc, atol)


def _state_on(state: Kernel, dom: Ty) -> Kernel:
    """``state`` as a state on ``dom``: itself, or its marginal on ``dom``'s names."""
    if state.dom != Ty():
        raise TypeMismatch(f"almost-sure comparisons are with respect to a state, got a "
                           f"kernel {state.dom!r} -> {state.cod!r}")
    if state.cod == dom:
        return state
    if len(set(dom.names)) != len(dom):
        raise TypeMismatch(f"the state is on {state.cod!r}, not on the domain {dom!r}")
    return state.marginal(dom.names)
