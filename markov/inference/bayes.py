"""Bayesian inversion: the kernel ``f†_p: Y -> X`` of ``f: X -> Y`` at a prior ``p`` on ``X``.

``f†_p`` is characterised (Cho & Jacobs 2019; Fritz 2020, Definition 11.10) by Bayes' law in
string-diagram form: the joint ``p >> copy >> (identity @ f)`` equals, up to the swap,
``(p >> f) >> copy >> (identity @ f†_p)``. It is the conditional of that joint given ``Y``,
unique almost surely with respect to the predictive state ``p >> f``.
"""

from __future__ import annotations

from diagrams import Ty, TypeMismatch
from markov.inference.disintegration import _conditional, check_policy, recompose
from markov.kernel import Kernel


def bayes_invert(f: Kernel, prior: Kernel, on_zero: str = "prior") -> Kernel:
    """The Bayesian inverse ``f†: Y -> X`` of ``f: X -> Y`` at the state ``prior`` on ``X``:
    ``f†(x | y) = prior(x) f(y | x) / (prior >> f)(y)``.

    One contraction for the joint and one normalisation, batched over the leading axes of
    ``f`` and ``prior`` (a batch of priors is inverted in one call). Observations ``y`` of
    predictive probability zero get the ``on_zero`` policy: ``"prior"`` (the default: the
    prior itself), ``"uniform"``, ``"nan"`` or ``"raise"`` (:class:`~markov.errors.ZeroMass`).

    >>> from fractions import Fraction as Fr
    >>> prior = Kernel.state([Fr(1, 4), Fr(3, 4)], cod="X")
    >>> f = Kernel([[Fr(1, 2), Fr(1, 2)], [Fr(1, 3), Fr(2, 3)]], dom="X", cod="Y")
    >>> g = bayes_invert(f, prior)
    >>> g.dom, g.cod, g.array.tolist()[0]
    (Ty('Y'), Ty('X'), [Fraction(1, 3), Fraction(2, 3)])
    """
    check_policy(on_zero)
    if prior.dom != Ty():
        raise TypeMismatch(f"the prior must be a state (empty domain), got a kernel "
                           f"{prior.dom!r} -> {prior.cod!r}")
    if prior.cod != f.dom:
        raise TypeMismatch(f"cannot invert {f.name or 'the kernel'}: its domain is "
                           f"{f.dom!r} but the prior is a state on {prior.cod!r}")
    nx, ny = len(f.dom), len(f.cod)
    joint = recompose(prior, f)                              # state on X @ Y
    what = f"the observed values of {', '.join(f.cod.names) or 'I'}"
    return _conditional(joint, list(range(nx, nx + ny)), list(range(nx)), on_zero,
                        fallback=prior, what=what)
