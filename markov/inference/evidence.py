"""Updating a state on evidence, in Pearl's and in Jeffrey's form (Jacobs 2019, *The
mathematics of changing one's mind*).

- **Pearl**: evidence is a likelihood (a predicate, a "soft" or "virtual" observation)
  ``q`` on the outcomes of a channel ``c: X -> Y``; the posterior is the prior conditioned on
  the pulled-back predicate, ``ω|(x) ∝ ω(x) Σ_y c(y|x) q(y)``. Point evidence ``Y = y`` is
  the indicator of ``y``.
- **Jeffrey**: evidence is a new distribution ``τ`` on ``Y``; the posterior is ``τ`` pushed
  back through the Bayesian inverse, ``τ >> c†_ω``.

The two agree on point evidence. Without a channel the evidence is on the prior's own
variables (named in a dict), which is ordinary conditioning of a joint state. Evidence of
probability zero raises :class:`~markov.errors.ZeroProbabilityEvidence` naming the variables,
unless ``on_zero`` asks for a conventional answer (``"uniform"``, ``"prior"``, ``"nan"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import reduce
from numbers import Integral
from typing import Any

from diagrams import Box, Diagram, Ty, TypeMismatch
from markov.arrays import ops as A
from markov.contraction.interpret import interpret
from markov.errors import (InvalidOption, ShapeMismatch, UnsupportedKernel,
                           ZeroProbabilityEvidence)
from markov.inference.bayes import bayes_invert
from markov.inference.disintegration import as_state, check_policy
from markov.inference.normalize import normalize
from markov.kernel import Kernel, wiring
from markov.labels import carry

#: Evidence: ``{variable: value index, label or likelihood vector}``, or one likelihood array
#: over every variable.
Evidence = Mapping[str | int, Any] | Any


def pearl_update(prior: Kernel, likelihood: Evidence, channel: Kernel | None = None,
                 on_zero: str = "raise") -> Kernel:
    """Pearl's update of the state ``prior`` on ``X`` with a likelihood on the outcomes of
    ``channel: X -> Y`` (on ``X`` itself when ``channel`` is None): the state on ``X``
    proportional to ``prior(x) Σ_y channel(y|x) likelihood(y)``, one contraction.

    ``likelihood`` is a dict from variable names (or positions) to a value index, a label,
    or a likelihood vector (soft evidence; leading batch axes allowed), or one array over all
    the variables. Zero-probability evidence raises
    :class:`~markov.errors.ZeroProbabilityEvidence` unless ``on_zero`` is ``"uniform"``,
    ``"prior"`` (the prior unchanged) or ``"nan"``.

    >>> from fractions import Fraction as Fr
    >>> prior = Kernel.state([Fr(1, 4), Fr(3, 4)], cod="X")
    >>> test = Kernel([[Fr(9, 10), Fr(1, 10)], [Fr(1, 5), Fr(4, 5)]], dom="X", cod="Y")
    >>> pearl_update(prior, {"Y": 0}, test).array.tolist()
    [Fraction(3, 5), Fraction(2, 5)]
    >>> pearl_update(prior, {"Y": [Fr(1, 2), Fr(1)]}, test).array.tolist()
    [Fraction(11, 65), Fraction(54, 65)]
    """
    check_policy(on_zero)
    _check_prior(prior)
    target = prior if channel is None else channel
    if channel is not None and channel.dom != prior.cod:
        raise TypeMismatch(f"the channel's domain is {channel.dom!r} but the prior is a state "
                           f"on {prior.cod!r}")
    factors = _factors(likelihood, target, prior.array)
    if not factors:
        return prior
    unnormalised = _weigh(prior, channel, factors, keep_prior=True)
    nx = len(prior.cod)
    if on_zero == "raise":
        _check_nonzero(A.sum_last(unnormalised, nx), factors)
    out = normalize(unnormalised, nx, on_zero, prior.array, what="the evidence",
                    error=ZeroProbabilityEvidence)
    if on_zero == "nan":
        out = A.exact_nan(out)
    return carry(Kernel(out, cod=prior.cod, validate=False), prior)


def evidence_probability(prior: Kernel, likelihood: Evidence,
                         channel: Kernel | None = None) -> Any:
    """The probability (validity) of the evidence: ``Σ_x prior(x) Σ_y channel(y|x) q(y)``,
    an array of the batch shape (a 0-d array when unbatched).

    >>> from fractions import Fraction as Fr
    >>> prior = Kernel.state([Fr(1, 4), Fr(3, 4)], cod="X")
    >>> test = Kernel([[Fr(9, 10), Fr(1, 10)], [Fr(1, 5), Fr(4, 5)]], dom="X", cod="Y")
    >>> evidence_probability(prior, {"Y": 0}, test).item()
    Fraction(3, 8)
    """
    _check_prior(prior)
    factors = _factors(likelihood, prior if channel is None else channel, prior.array)
    return A.sum_last(_weigh(prior, channel, factors, keep_prior=False), 0)


def jeffrey_update(prior: Kernel, target: Kernel | Mapping[str, Any] | Any,
                   channel: Kernel | None = None, on_zero: str = "raise") -> Kernel:
    """Jeffrey's update of the state ``prior`` on ``X`` towards the distribution ``target``
    on the outcomes ``Y`` of ``channel: X -> Y``: ``target >> bayes_invert(channel, prior)``.

    Without a channel, ``target`` is a state on some of the prior's variables (a
    :class:`Kernel` whose codomain names them, or a dict from names to distributions, taken
    independent) and the result is the joint ``target(e) prior(rest | e)`` in the prior's
    order. A target that puts mass where the prediction ``prior >> channel`` has none raises
    :class:`~markov.errors.ZeroProbabilityEvidence` unless ``on_zero`` chooses a policy.

    >>> from fractions import Fraction as Fr
    >>> prior = Kernel.state([Fr(1, 4), Fr(3, 4)], cod="X")
    >>> test = Kernel([[Fr(9, 10), Fr(1, 10)], [Fr(1, 5), Fr(4, 5)]], dom="X", cod="Y")
    >>> jeffrey_update(prior, [Fr(1), Fr(0)], test).array.tolist()
    [Fraction(3, 5), Fraction(2, 5)]
    >>> jeffrey_update(prior, [Fr(1, 2), Fr(1, 2)], test).array.tolist()
    [Fraction(8, 25), Fraction(17, 25)]
    """
    check_policy(on_zero)
    _check_prior(prior)
    if channel is None:
        target = _target_state(target, prior)
        positions = prior.positions(target.cod)
        selection = Diagram(prior.cod.names, (), (), (), range(len(prior.cod)), positions)
        channel = wiring(selection, prior.sizes, prior.array)
    else:
        if channel.dom != prior.cod:
            raise TypeMismatch(f"the channel's domain is {channel.dom!r} but the prior is a "
                               f"state on {prior.cod!r}")
        if not isinstance(target, Kernel):
            target = A.exact_like(target, prior.array, "Jeffrey's target")
        target = as_state(target, channel.cod)
    if on_zero == "raise":
        predicted = (prior >> channel).array
        index = A.first_index(A.both(A.is_zero(predicted), A.is_nonzero(target.array)))
        if index is not None:
            names = ", ".join(channel.cod.names)
            raise ZeroProbabilityEvidence(
                f"Jeffrey's target on {names} puts mass on the value {index} (batch axes "
                "first), which has probability zero under the prior; there is no posterior. "
                "Check the target, or pass on_zero='uniform' or 'prior'")
    inverse = bayes_invert(channel, prior, on_zero="prior" if on_zero == "raise" else on_zero)
    return target >> inverse


def condition(joint: Kernel, evidence: Mapping[str | int, Any],
              on_zero: str = "raise") -> Kernel:
    """Condition the state ``joint`` on evidence about its own variables (Pearl's rule):
    ``{name: value}`` for point evidence (an index, or a label when the kernel has labels),
    ``{name: vector}`` for soft evidence. Returns a state on the same variables.

    >>> from fractions import Fraction as Fr
    >>> J = Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 4), Fr(1, 4)]], cod=("X", "Y"))
    >>> condition(J, {"Y": 1}).array.tolist()
    [[Fraction(0, 1), Fraction(3, 5)], [Fraction(0, 1), Fraction(2, 5)]]
    >>> condition(J, {"Y": 1, "X": 1}).marginal("X").array.tolist()
    [Fraction(0, 1), Fraction(1, 1)]
    """
    return pearl_update(joint, evidence, None, on_zero)


def posterior(joint: Kernel, query: Iterable[int | str] | Ty | str,
              evidence: Mapping[str | int, Any], on_zero: str = "raise") -> Kernel:
    """The posterior state on the ``query`` variables of ``joint`` given ``evidence``
    (:func:`condition`, then the marginal).

    >>> from fractions import Fraction as Fr
    >>> J = Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 4), Fr(1, 4)]], cod=("X", "Y"))
    >>> posterior(J, "X", {"Y": 0}).array.tolist()
    [Fraction(1, 3), Fraction(2, 3)]
    >>> posterior(J, "X", {"Z": 0})
    Traceback (most recent call last):
    ...
    markov.errors.UnknownAtom: Z is not in the codomain X @ Y
    """
    return condition(joint, evidence, on_zero).marginal(query)


# ---- helpers -----------------------------------------------------------------------------

def _check_prior(prior: Kernel) -> None:
    if not isinstance(prior, Kernel) or prior.dom != Ty():
        shown = f"{prior.dom!r} -> {prior.cod!r}" if isinstance(prior, Kernel) else \
            type(prior).__name__
        raise TypeMismatch(f"the prior must be a state (a kernel with empty domain), got "
                           f"{shown}")


class _Factor:
    """One factor of a likelihood: positions in the target type, an array over them."""

    def __init__(self, positions: list[int], array: Any, text: str, names: tuple[str, ...]):
        self.positions, self.array, self.text, self.names = positions, array, text, names


def _factors(likelihood: Evidence, target: Kernel, like: Any) -> list[_Factor]:
    """The likelihood as factors over the codomain of ``target`` (prior or channel)."""
    sizes = target.event_shape[len(target.dom):]
    names = target.cod.names
    if not isinstance(likelihood, Mapping):
        array = _likelihood_array(likelihood, tuple(sizes), "the likelihood", like)
        return [_Factor(list(range(len(names))), array, f"likelihood on {target.cod}", names)]
    factors = []
    for key, value in likelihood.items():
        [i] = target.positions([key])
        name, n = names[i], sizes[i]
        if _is_point(value):
            index = _index(target, name, value, n)
            array = A.indicator(n, index, like)
            text = f"{name}={value}"
        else:
            array = _likelihood_array(value, (n,), f"the likelihood of {name}", like)
            text = f"{name}~likelihood"
        factors.append(_Factor([i], array, text, (name,)))
    return factors


def _is_point(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (Integral, str)):
        return True
    return A.is_scalar_tensor(value)


def _index(kernel: Kernel, name: str, value: Any, n: int) -> int:
    if isinstance(value, str):
        labels = (kernel.labels or {}).get(name)
        if labels is None or value not in list(labels):
            shown = f"its labels are {list(labels)}" if labels else "it has no labels"
            raise InvalidOption(f"{value!r} is not a value of {name}: {shown}")
        return list(labels).index(value)
    index = int(value)
    if not 0 <= index < n:
        raise InvalidOption(f"{name} has {n} values; the evidence {name}={index} is out of range")
    return index


def _likelihood_array(value: Any, shape: tuple[int, ...], what: str, like: Any) -> Any:
    array = A.exact_like(value, like, what)
    if tuple(array.shape[array.ndim - len(shape):]) != shape or array.ndim < len(shape):
        raise ShapeMismatch(f"{what} has shape {tuple(array.shape)}, expected trailing axes "
                            f"{shape}")
    if not A.is_finite_nonnegative(array):
        raise InvalidOption(f"{what} must be finite and non-negative")
    return array


def _weigh(prior: Kernel, channel: Kernel | None, factors: list[_Factor],
           keep_prior: bool) -> Any:
    """``prior(x) Σ_y channel(y|x) Π_i q_i(y)`` (over ``x`` if ``keep_prior``, else summed),
    as one contraction; each likelihood is a box into a fresh one-valued wire."""
    x = prior.cod
    nx = len(x)
    wx = tuple(range(nx))
    wires = list(x.names)
    p = Box("prior", Ty(), x)
    boxes, ins, outs, mapping = [p], [()], [wx], {p: prior}
    wy = wx
    if channel is not None:
        wy = tuple(range(nx, nx + len(channel.cod)))
        wires += channel.cod.names
        c = Box("channel", x, channel.cod)
        boxes.append(c)
        ins.append(wx)
        outs.append(wy)
        mapping[c] = channel
    marks = []
    for k, factor in enumerate(factors):
        mark = f"__likelihood_{k}__"
        marks.append(len(wires))
        wires.append(mark)
        q = Box(f"likelihood {k}", Ty(*factor.names), Ty(mark))
        array = factor.array
        boxes.append(q)
        ins.append(tuple(wy[i] for i in factor.positions))
        outs.append((marks[-1],))
        mapping[q] = Kernel(array.reshape(tuple(array.shape) + (1,)), dom=q.dom, cod=q.cod,
                            validate=False)
    d = Diagram(wires, boxes, ins, outs, (), (wx if keep_prior else ()) + tuple(marks))
    out = interpret(d, mapping, validate=False).array
    shape = tuple(out.shape)
    return out.reshape(shape[:len(shape) - len(marks)])


def _check_nonzero(total: Any, factors: list[_Factor]) -> None:
    index = A.first_index(A.is_zero(total))
    if index is None:
        return
    text = ", ".join(f.text for f in factors)
    names = sorted({n for f in factors for n in f.names})
    where = f" in batch element {index}" if index else ""
    raise ZeroProbabilityEvidence(
        f"the evidence {text} has probability zero{where} (variables {', '.join(names)}); "
        "there is no posterior. Check the evidence, or pass on_zero='uniform' or 'prior'")


def _target_state(target: Any, prior: Kernel) -> Kernel:
    if isinstance(target, Kernel):
        if target.dom != Ty():
            raise TypeMismatch(f"Jeffrey's target must be a state, got {target.dom!r} -> "
                               f"{target.cod!r}")
        prior.positions(target.cod)          # unknown variables raise here
        return target
    if not isinstance(target, Mapping) or not target:
        raise UnsupportedKernel("without a channel, Jeffrey's target is a state (Kernel) on some of "
                        "the prior's variables, or a dict {name: distribution}")
    states = []
    for name, value in target.items():
        prior.positions([name])
        states.append(value if isinstance(value, Kernel) else Kernel.state(
            A.exact_like(value, prior.array, f"Jeffrey's target on {name}"), cod=name))
    return reduce(lambda a, b: a @ b, states)
