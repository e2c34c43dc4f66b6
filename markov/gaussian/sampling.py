"""Drawing samples from Gaussian kernels, singular covariances included (samples then lie on
the support, through the covariance's eigendecomposition rather than a Cholesky factor).

>>> from markov.gaussian.kernel import GaussianKernel
>>> sample(GaussianKernel.state([1.0], None, cod="X"), (2,), seed=0).tolist()
[[1.0], [1.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays import gaussian as G


def sample(kernel: Any, shape: Sequence[int] = (), seed: int | None = None,
           inputs: Any = None) -> Any:
    """Samples of the output of a Gaussian ``kernel`` at ``inputs`` (zero by default), with
    shape ``[*shape, *batch_shape, n_cod]``, in the kernel's backend.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> sample(GaussianKernel.state([0.0, 0.0], cod=("X", "Y")), (3,), seed=1).shape
    (3, 2)
    """
    shape = tuple(shape)
    lam, vecs = G.eigh(G.symmetrize(kernel.covariance))
    root = vecs * (lam * (lam > 0)) ** 0.5
    noise = np.random.default_rng(seed).standard_normal(
        shape + kernel.batch_shape + (kernel.n_cod,))
    noise = G.as_float(noise, kernel.template)
    mean = kernel.mean if inputs is None else \
        kernel.mean + G.matvec(kernel.matrix, G.as_float(inputs, kernel.template))
    return mean + G.matvec(root, noise)


__all__ = ["sample"]
