"""The constructors of hybrid kernels: embedding finite and Gaussian kernels, batches of
Gaussian kernels indexed by discrete parents, and conditional-Gaussian states."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from diagrams import Ty, as_ty
from markov.arrays import gaussian as G
from markov.errors import ShapeMismatch, UnsupportedKernel
from markov.gaussian.kernel import GaussianKernel
from markov.kernel import Kernel

if TYPE_CHECKING:
    from markov.gaussian.hybrid import HybridKernel


class HybridConstructors:
    """The ways to build a :class:`~markov.gaussian.HybridKernel` besides its constructor
    (inherited by it: ``HybridKernel.embed(...)``).

    >>> from markov.gaussian.hybrid import HybridKernel
    >>> HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")).sizes
    {'C': 2}
    """

    __slots__ = ()


    @classmethod
    def embed(cls, value: Kernel | GaussianKernel | HybridKernel) -> HybridKernel:
        """The hybrid kernel of a finite kernel (exact arrays become float64), a Gaussian
        kernel or a hybrid kernel (returned as it is).

        >>> from markov.gaussian.hybrid import HybridKernel
        >>> from markov.gaussian.kernel import GaussianKernel
        >>> from markov.kernel import Kernel
        >>> HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")).sizes
        {'C': 2}
        >>> HybridKernel.embed(GaussianKernel.state([0.0], [[1.0]], cod="X")).dims
        {'X': 1}
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, GaussianKernel):
            t = value.template
            batch = value.batch_shape
            g = value.broadcast(batch)
            g = g._replace(g.matrix[..., None, :, :], g.mean[..., None, :],
                           g.covariance[..., None, :, :])
            return cls(G.zeros(batch + (1,), t) + 1, g, value.dom, value.cod,
                                name=value.name, validate=False)
        if isinstance(value, Kernel):
            t = G.template_of([value.array])
            w = G.as_float(value.array, t)[..., None]   # exact arrays become float64
            ones = (1,) * (w.ndim)
            g = GaussianKernel(G.zeros(ones + (0, 0), t), validate=False)
            return cls(w, g, value.dom, value.cod, name=value.name, validate=False)
        raise UnsupportedKernel(f"cannot embed a {type(value).__name__} into hybrid kernels; "
                                "give a Kernel, GaussianKernel or HybridKernel")

    @classmethod
    def indexed(cls, gaussian: GaussianKernel, by: Ty | str | Sequence[str],
                sizes: Mapping[str, int] | None = None, *,
                name: str | None = None) -> HybridKernel:
        """The discrete -> continuous kernel ``by @ gaussian.dom -> gaussian.cod``: a batch
        of linear-Gaussian kernels whose trailing batch axes are indexed by the discrete
        parents ``by`` (sizes read off those axes, or given).

        >>> from markov.gaussian.hybrid import HybridKernel
        >>> from markov.gaussian.kernel import GaussianKernel
        >>> from markov.kernel import Kernel
        >>> g = GaussianKernel.state([[0.0], [5.0]], [[[1.0]], [[2.0]]], cod="X")
        >>> k = HybridKernel.indexed(g, by="C")
        >>> k.dom, k.cod, k.sizes
        (Ty('C'), Ty('X'), {'C': 2})
        """
        by = as_ty(by)
        n = len(by)
        batch = gaussian.batch_shape
        if len(batch) < n:
            raise ShapeMismatch(f"hybrid kernel {name or by}: the Gaussian kernel's batch "
                                f"shape {batch} has no axes for the discrete parents {by}")
        lead = batch[:len(batch) - n]
        shape = list(batch[len(batch) - n:])
        for i, atom in enumerate(by.names):
            if sizes and atom in sizes:
                if shape[i] not in (1, sizes[atom]):
                    raise ShapeMismatch(f"hybrid kernel {name or by}: parent {atom} has size "
                                        f"{sizes[atom]} but its batch axis has "
                                        f"{shape[i]} entries")
                shape[i] = int(sizes[atom])
        t = gaussian.template
        weights = G.zeros(lead + tuple(shape) + (1,), t) + 1
        g = gaussian._replace(gaussian.matrix[..., None, :, :], gaussian.mean[..., None, :],
                              gaussian.covariance[..., None, :, :])
        return cls(weights, g, by @ gaussian.dom, gaussian.cod, name=name,
                            validate=False)

    @classmethod
    def state(cls, weights: Any, mean: Any, covariance: Any, *, discrete: Ty | str | Sequence[str],
              continuous: Ty | str | Sequence[str], dims: Mapping[str, int] | None = None,
              name: str | None = None) -> HybridKernel:
        """The CG distribution on ``discrete @ continuous``: ``weights`` ``[*batch,
        *discrete]``, and ``mean`` ``[*batch, *discrete, n]``, ``covariance`` ``[*batch,
        *discrete, n, n]`` for each discrete configuration.

        >>> from markov.gaussian.hybrid import HybridKernel
        >>> from markov.gaussian.kernel import GaussianKernel
        >>> from markov.kernel import Kernel
        >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
        ...                        discrete="C", continuous="X")
        >>> p.cod, p.is_state
        (Ty('C', 'X'), True)
        """
        g = GaussianKernel.state(mean, covariance, cod=continuous, dims=dims)
        g = g._replace(g.matrix[..., None, :, :], g.mean[..., None, :],
                       g.covariance[..., None, :, :])
        t = g.template
        return cls(G.as_float(weights, t)[..., None], g, Ty(),
                            as_ty(discrete) @ as_ty(continuous), name=name)
