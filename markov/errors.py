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
