"""Bayesian lenses (Smithe 2020, *Bayesian updates compose optically*).

A Bayesian lens ``X -> Y`` is a forward kernel ``f: X -> Y`` with a state-dependent backward
kernel: a function from a prior on ``X`` to an update ``Y -> X``. Lenses compose by pushing
the prior forward:

    (f, f#) >> (g, g#) = (f >> g, p |-> g#(p >> f) >> f#(p)).

The Bayes functor sends a kernel to its exact inverse, ``bayes_lens(f) = (f, p |-> f†_p)``;
that it preserves composition almost surely, ``(f >> g)†_p = g†_{p >> f} >> f†_p``, is the
chain rule of Bayesian inversion, tested (not assumed) in the law catalogue. Applied box by
box to a diagram (:func:`diagram_lens`) it computes the diagram's inverse compositionally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from diagrams import Box, Category, Diagram, Functor, Ty, TypeMismatch
from diagrams import diagram as _d
from markov.contraction.interpret import interpret
from markov.errors import MissingBox
from markov.inference.bayes import bayes_invert
from markov.inference.disintegration import check_policy
from markov.kernel import Kernel, wiring


@dataclass(frozen=True)
class BayesianLens:
    """A forward kernel ``dom -> cod`` and a backward map from priors on ``dom`` to
    kernels ``cod -> dom``.

    >>> from fractions import Fraction as Fr
    >>> f = Kernel([[Fr(1, 2), Fr(1, 2)], [Fr(1, 3), Fr(2, 3)]], dom="X", cod="Y")
    >>> lens = bayes_lens(f)
    >>> lens.dom, lens.cod
    (Ty('X'), Ty('Y'))
    >>> lens.update(Kernel.state([Fr(1, 4), Fr(3, 4)], cod="X")).array.tolist()[1]
    [Fraction(1, 5), Fraction(4, 5)]
    """

    forward: Kernel
    backward: Callable[[Kernel], Kernel]

    @property
    def dom(self) -> Ty:
        """The domain of the forward kernel."""
        return self.forward.dom

    @property
    def cod(self) -> Ty:
        """The codomain of the forward kernel."""
        return self.forward.cod

    def update(self, prior: Kernel) -> Kernel:
        """The backward kernel ``cod -> dom`` at the state ``prior`` on ``dom``."""
        return self.backward(prior)

    def then(self, other: BayesianLens) -> BayesianLens:
        """Composition: forward kernels compose, and the backward map of the second lens is
        taken at the prior pushed forward through the first.

        >>> f = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y")
        >>> g = Kernel([[0.9, 0.1], [0.2, 0.8]], dom="Y", cod="Z")
        >>> (bayes_lens(f) >> bayes_lens(g)).cod
        Ty('Z')
        """
        if self.cod != other.dom:
            raise TypeMismatch(f"cannot compose lenses: the codomain {self.cod!r} is not the "
                               f"domain {other.dom!r}")
        first, second = self.backward, other.backward
        forward = self.forward

        def backward(prior: Kernel) -> Kernel:
            return second(prior >> forward) >> first(prior)

        return BayesianLens(self.forward >> other.forward, backward)

    def tensor(self, other: BayesianLens) -> BayesianLens:
        """Parallel composition; the backward maps see the marginals of a joint prior, so
        the tensor of two Bayes lenses is the Bayes lens of the tensor only for product
        priors (the monoidal law of inversion).

        >>> p = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y")
        >>> (bayes_lens(p) @ bayes_lens(p)).dom
        Ty('X', 'X')
        """
        n, m = len(self.dom), len(other.dom)
        first, second = self.backward, other.backward

        def backward(prior: Kernel) -> Kernel:
            return first(_part(prior, range(n))) @ second(_part(prior, range(n, n + m)))

        return BayesianLens(self.forward @ other.forward, backward)

    def __rshift__(self, other: BayesianLens) -> BayesianLens:
        if not isinstance(other, BayesianLens):
            return NotImplemented
        return self.then(other)

    def __matmul__(self, other: BayesianLens) -> BayesianLens:
        if not isinstance(other, BayesianLens):
            return NotImplemented
        return self.tensor(other)

    def __repr__(self) -> str:
        return f"<BayesianLens {self.dom} -> {self.cod}>"


def _part(prior: Kernel, positions: range) -> Kernel:
    """The marginal of ``prior`` on some positions (the unit state when there are none)."""
    if len(positions):
        return prior.marginal(list(positions))
    return wiring(_d.identity(Ty()), {}, prior.array)


def bayes_lens(f: Kernel, on_zero: str = "prior") -> BayesianLens:
    """The Bayes functor on a kernel: ``f`` forward, its Bayesian inverse
    ``prior |-> bayes_invert(f, prior, on_zero)`` backward.

    >>> f = Kernel([[0.5, 0.5], [0.0, 1.0]], dom="X", cod="Y")
    >>> bayes_lens(f).update(Kernel.state([0.5, 0.5], cod="X")).array.tolist()
    [[1.0, 0.0], [0.3333333333333333, 0.6666666666666666]]
    """
    check_policy(on_zero)
    return BayesianLens(f, lambda prior: bayes_invert(f, prior, on_zero))


def lens_category(sizes: Mapping[str, int], like: Any = None,
                  on_zero: str = "prior") -> Category:
    """The category of Bayesian lenses over atomic types of the given sizes, as a target
    for :class:`~diagrams.Functor`: identities, swaps, copies and discards are the Bayes
    lenses of the corresponding kernels.

    >>> C = lens_category({"X": 2})
    >>> C.copy(Ty("X"), 2).cod
    Ty('X', 'X')
    """
    def lens(diagram: Diagram) -> BayesianLens:
        return bayes_lens(wiring(diagram, sizes, like), on_zero)

    return Category(
        unit=Ty(),
        identity=lambda ty: lens(_d.identity(ty)),
        swap=lambda a, b: lens(_d.swap(a, b)),
        copy=lambda ty, n: lens(_d.copy(ty, n)),
        discard=lambda ty: lens(_d.discard(ty)),
    )


def diagram_lens(diagram: Diagram | Box, mapping: Mapping, on_zero: str = "prior"
                 ) -> BayesianLens:
    """The Bayesian lens of an interpreted diagram, computed compositionally: the Bayes
    functor applied box by box (each box to :func:`bayes_lens` of its kernel, wiring to the
    lenses of copies, discards and swaps) and composed as lenses. The forward kernel is
    ``interpret(diagram, mapping)``.

    By the chain rule it equals ``bayes_lens(interpret(diagram, mapping))`` almost surely
    for chains of boxes (tested), and whenever every parallel composite in the diagram sees
    a product prior; where copied (correlated) wires meet parallel boxes, the backward maps
    of a tensor only see marginals, and the exact inverse is
    ``bayes_lens(interpret(diagram, mapping))``.

    >>> from fractions import Fraction as Fr
    >>> from diagrams import Ty, Box
    >>> X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
    >>> f, g = Box("f", X, Y), Box("g", Y, Z)
    >>> half, one, zero = Fr(1, 2), Fr(1), Fr(0)
    >>> lens = diagram_lens(f >> g, {f: [[half, half], [zero, one]], g: [[one, zero], [half, half]]})
    >>> lens.update(Kernel.state([half, half], cod=X)).array.tolist()
    [[Fraction(3, 5), Fraction(2, 5)], [Fraction(1, 3), Fraction(2, 3)]]
    """
    check_policy(on_zero)
    d = diagram.to_diagram() if isinstance(diagram, Box) else diagram
    forward = interpret(d, mapping)
    kernels: dict[Box, Kernel] = {}
    for box in d.boxes:
        value = mapping[box] if box in mapping else mapping.get(box.name)
        if value is None:
            raise MissingBox(f"box {box.name}: {box.dom} -> {box.cod} has no kernel in the "
                             "mapping")
        kernels[box] = value if isinstance(value, Kernel) else \
            Kernel(value, dom=box.dom, cod=box.cod, name=box.name)
    sizes: dict[str, int] = {}
    for k in (forward, *kernels.values()):
        sizes.update(k.sizes)
    functor = Functor(ar=lambda box: bayes_lens(kernels[box], on_zero),
                      cod=lens_category(sizes, forward.array, on_zero))
    return BayesianLens(forward, functor(d).backward)
