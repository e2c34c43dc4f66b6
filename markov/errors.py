"""Errors of the semantics package: each names the box, wire or variable at fault."""


class MarkovError(Exception):
    """Base class of every error raised by :mod:`markov`."""


class NotStochastic(MarkovError, ValueError):
    """An array is not a stochastic kernel: a negative or non-finite entry, or a row that does
    not sum to 1 over the codomain axes.

    >>> from markov import Kernel
    >>> Kernel([[0.5, 0.4], [0.5, 0.5]], dom="X", cod="Y", name="f")
    Traceback (most recent call last):
    ...
    markov.errors.NotStochastic: kernel f: row (0,) sums to 0.9, not 1
    """


class InvalidOption(MarkovError, ValueError):
    """An argument outside what a function takes: an option that names none of its choices
    (``on_zero``, ``rescale``...) or lacks what it needs, a negative count, sets that must
    be disjoint and are not, an observed value that is not one of the variable's.

    >>> from markov.inference.normalize import normalize
    >>> normalize([1.0, 0.0], 1, on_zero="zero")
    Traceback (most recent call last):
    ...
    markov.errors.InvalidOption: on_zero must be one of ('uniform', 'prior', 'nan', 'raise'), got 'zero'
    """


class InvalidArray(MarkovError, TypeError):
    """An array that cannot hold probabilities: complex, boolean, string or non-number
    entries, ragged nesting, zero size, or something that is no array at all; the message
    names the box, kernel or variable it was given for.

    >>> from markov import Kernel
    >>> Kernel([[True, False], [False, True]], dom="X", cod="Y")
    Traceback (most recent call last):
    ...
    markov.errors.InvalidArray: kernel X -> Y: a boolean array is not a table of probabilities; convert it to 0.0 / 1.0 floats
    """


class ShapeMismatch(MarkovError, ValueError):
    """An array's shape disagrees with its types, or one type gets two different sizes."""


class UnknownAtom(MarkovError, KeyError):
    """A type or variable name that the kernel's codomain does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


class MissingBox(MarkovError, KeyError):
    """A diagram has a box that the interpretation does not map to a kernel."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ZeroMass(MarkovError, ZeroDivisionError):
    """A conditional was asked for where the conditioning event has probability zero and the
    policy is ``on_zero="raise"``."""


class ZeroProbabilityEvidence(ZeroMass):
    """Evidence of probability zero: there is no posterior to return."""


class ContractionTooLarge(MarkovError, MemoryError):
    """The contraction's largest intermediate would not fit in the allowed memory."""


class NotCovariance(MarkovError, ValueError):
    """A Gaussian kernel's covariance is not symmetric positive semidefinite, or one of its
    arrays is not finite.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> GaussianKernel.state([0.0], [[-1.0]], cod="X", name="p")
    Traceback (most recent call last):
    ...
    markov.errors.NotCovariance: Gaussian kernel p: the covariance has the negative eigenvalue -1 (tolerance 1e-08 relative to its largest entry)
    """


class ConditionError(MarkovError, ValueError):
    """Exact conditioning on an equation ``M x = c`` that cannot hold: ``c - M mean`` has a
    component outside the support of ``M x`` (beyond the documented tolerance), so the
    condition has probability zero *and* density zero, e.g. contradictory noise-free
    observations.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> from markov.gaussian.condition import observe
    >>> observe(GaussianKernel.state([0.0], [[0.0]], cod="X"), {"X": 1.0})
    Traceback (most recent call last):
    ...
    markov.errors.ConditionError: the condition on X cannot hold: a deterministic combination of the variables would have to move by 1 (tolerance 1e-09)
    """


class NotConditionalGaussian(MarkovError, TypeError):
    """An operation would leave the conditional-Gaussian (CG) semantics: a kernel from a
    continuous to a discrete variable (its Bayesian inverse, a conditional of a discrete
    variable given a continuous one, a finite kernel fed a continuous wire). CG kernels are
    not closed under it; observe the continuous variable instead (its density weights the
    discrete ones).

    >>> from markov.gaussian.hybrid import refuse_continuous_to_discrete
    >>> refuse_continuous_to_discrete("the inverse", ["X"], ["C"])
    Traceback (most recent call last):
    ...
    markov.errors.NotConditionalGaussian: the inverse would be a kernel from the continuous X to the discrete C, which is not conditional Gaussian (CG kernels are not closed under continuous -> discrete dependence); observe X at values instead: its density weights C
    """


class UnsupportedKernel(MarkovError, TypeError):
    """A generic inference function (:mod:`markov.inference.generic`) was given an object of
    a type no semantics has registered.

    >>> import markov
    >>> markov.marginal([0.5, 0.5], "X")
    Traceback (most recent call last):
    ...
    markov.errors.UnsupportedKernel: marginal is not defined for list: pass a markov.Kernel or a markov.GaussianKernel, or register an implementation with markov.inference.generic.marginal.register(list, function)
    """
