"""The constructors of Gaussian kernels: states, deterministic affine maps and the wiring
(identities, copies, discards, swaps, permutations) of the Gaussian Markov category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from diagrams import Ty, as_ty
from markov.errors import InvalidOption

if TYPE_CHECKING:
    from markov.gaussian.kernel import GaussianKernel


class GaussianConstructors:
    """The ways to build a :class:`~markov.gaussian.GaussianKernel` besides its constructor
    (inherited by it: ``GaussianKernel.state(...)``).

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> GaussianKernel.identity("X", {"X": 1}).matrix.tolist()
    [[1.0]]
    """

    __slots__ = ()


    @classmethod
    def state(cls, mean: Any, covariance: Any = None, *, cod: Ty | str | Sequence[str],
              dims: Mapping[str, int] | None = None, name: str | None = None,
              validate: bool = True) -> GaussianKernel:
        """The Gaussian distribution ``N(mean, covariance)`` on ``cod`` (a kernel with empty
        domain); ``covariance=None`` is the point mass at ``mean``.

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> p = GaussianKernel.state([0.0, 1.0], [[1.0, 0.0], [0.0, 2.0]], cod=("X", "Y"))
        >>> p.dims, p.is_state
        ({'X': 1, 'Y': 1}, True)
        """
        return cls(None, mean, covariance, Ty(), cod, dims=dims, name=name,
                   validate=validate)

    @classmethod
    def deterministic(cls, matrix: Any, mean: Any = None, *, dom: Ty | str | Sequence[str],
                      cod: Ty | str | Sequence[str], dims: Mapping[str, int] | None = None,
                      name: str | None = None) -> GaussianKernel:
        """The deterministic affine map ``x |-> matrix @ x + mean`` (zero covariance).

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> f = GaussianKernel.deterministic([[2.0]], [1.0], dom="X", cod="Y")
        >>> f.is_deterministic()
        True
        """
        return cls(matrix, mean, None, dom, cod, dims=dims, name=name)

    @staticmethod
    def identity(ty: Ty | str | Sequence[str], dims: Mapping[str, int],
                 like: Any = None) -> GaussianKernel:
        """The identity on ``ty`` (dimensions from ``dims``; torch when ``like`` is a tensor
        or a torch-backed kernel).

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> GaussianKernel.identity("X", {"X": 2}).matrix.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return _wire(as_ty(ty), list(range(len(as_ty(ty)))), dims, like)

    @staticmethod
    def copy(ty: Ty | str | Sequence[str], dims: Mapping[str, int], n: int = 2,
             like: Any = None) -> GaussianKernel:
        """The ``n``-fold copy ``ty -> ty @ ... @ ty``, ``x |-> (x, ..., x)``.

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> GaussianKernel.copy("X", {"X": 1}, 3).matrix.tolist()
        [[1.0], [1.0], [1.0]]
        """
        ty = as_ty(ty)
        if n < 0:
            raise InvalidOption(f"copy takes n >= 0, got {n}")
        return _wire(ty, list(range(len(ty))) * n, dims, like)

    @staticmethod
    def discard(ty: Ty | str | Sequence[str], dims: Mapping[str, int],
                like: Any = None) -> GaussianKernel:
        """The discard ``ty -> Ty()``, the unique map to ``R^0``.

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> GaussianKernel.discard("X", {"X": 2}).matrix.shape
        (0, 2)
        """
        return _wire(as_ty(ty), [], dims, like)

    @staticmethod
    def swap(a: Ty | str | Sequence[str], b: Ty | str | Sequence[str],
             dims: Mapping[str, int], like: Any = None) -> GaussianKernel:
        """The symmetry ``a @ b -> b @ a``.

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> GaussianKernel.swap("X", "Y", {"X": 1, "Y": 1}).matrix.tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        a, b = as_ty(a), as_ty(b)
        k, n = len(a), len(a) + len(b)
        return _wire(a @ b, [*range(k, n), *range(k)], dims, like)

    @staticmethod
    def permutation(ty: Ty | str | Sequence[str], order: Sequence[int],
                    dims: Mapping[str, int], like: Any = None) -> GaussianKernel:
        """The wiring whose ``i``-th output atom is input atom ``order[i]`` (repeats copy,
        omissions discard).

        >>> from markov.gaussian.kernel import GaussianKernel
        >>> GaussianKernel.permutation(("X", "Y"), [1, 1], {"X": 1, "Y": 1}).cod
        Ty('Y', 'Y')
        """
        return _wire(as_ty(ty), list(order), dims, like)


def _wire(ty: Ty, order: list[int], dims: Mapping[str, int], like: Any) -> GaussianKernel:
    from markov.gaussian.category import wiring

    return wiring(ty, order, dims, like)
