"""Hypothesis strategies for random Gaussian kernels: small integer matrices and means, and
covariances ``L L^T`` of random rank, so that singular covariances are singular exactly and
comparisons need no tuning.

>>> k = first_example(gaussian_kernels("X", "Y", {"X": 1, "Y": 1}, noise="full"))
>>> k.is_deterministic()
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from hypothesis import Phase, find, settings
from hypothesis import strategies as st

from diagrams import Box, Diagram, Ty, as_ty
from markov.gaussian.kernel import GaussianKernel


def first_example(strategy: st.SearchStrategy) -> Any:
    """One value of a strategy, quickly and without shrinking (for examples and set-up; tests
    should use ``@given``).

    >>> first_example(st.just(3))
    3
    """
    return find(strategy, lambda value: True,
                settings=settings(database=None, deadline=None, phases=[Phase.generate]))


def gaussian_dims(names: Sequence[str] = ("X", "Y", "Z"), max_dim: int = 2
                  ) -> st.SearchStrategy[dict[str, int]]:
    """A dimension between 1 and ``max_dim`` for each atomic type name.

    >>> first_example(gaussian_dims(["X"]))
    {'X': 1}
    """
    return st.fixed_dictionaries({n: st.integers(1, max_dim) for n in names})


def _integers(draw, shape: tuple, low: int = -2, high: int = 2) -> np.ndarray:
    size = int(np.prod(shape)) if shape else 1
    values = draw(st.lists(st.integers(low, high), min_size=size, max_size=size))
    return np.asarray(values, dtype=np.float64).reshape(shape)


@st.composite
def _kernel_parts(draw, dom: Ty, cod: Ty, dims: Mapping[str, int], *, noise: str,
                  batch_shape: tuple) -> tuple[GaussianKernel, np.ndarray]:
    n_dom = sum(dims[a] for a in dom.names)
    n_cod = sum(dims[a] for a in cod.names)
    matrix = _integers(draw, batch_shape + (n_cod, n_dom))
    mean = _integers(draw, batch_shape + (n_cod,))
    if noise == "none":
        factor = np.zeros(batch_shape + (n_cod, 1))
    else:
        rank = draw(st.integers(0, n_cod)) if noise == "any" else n_cod
        factor = _integers(draw, batch_shape + (n_cod, rank), -1, 1)
        if noise == "full":
            factor = factor + 2 * np.eye(n_cod)
    covariance = factor @ np.swapaxes(factor, -1, -2)
    kernel = GaussianKernel(matrix, mean, covariance, dom, cod, dims=dict(dims),
                            validate=False)
    return kernel, factor


def gaussian_kernels(dom: Ty | str | Sequence[str], cod: Ty | str | Sequence[str],
                     dims: Mapping[str, int], *, noise: str = "any",
                     batch_shape: tuple[int, ...] = ()) -> st.SearchStrategy[GaussianKernel]:
    """Random Gaussian kernels ``dom -> cod`` with small integer matrix and mean and a
    covariance ``L L^T``: ``noise="any"`` draws ``L`` of random rank (singular covariances,
    deterministic kernels included), ``"none"`` gives deterministic kernels, ``"full"`` a
    non-singular covariance.

    >>> k = first_example(gaussian_kernels("X", "Y", {"X": 1, "Y": 2}, noise="none"))
    >>> k.matrix.shape, k.is_deterministic()
    ((2, 1), True)
    """
    return _kernel_parts(as_ty(dom), as_ty(cod), dict(dims), noise=noise,
                         batch_shape=tuple(batch_shape)).map(lambda parts: parts[0])


@st.composite
def gaussian_states_with_point(draw, cod: Ty | str | Sequence[str], dims: Mapping[str, int],
                               noise: str = "any", batch_shape: tuple[int, ...] = ()
                               ) -> tuple[GaussianKernel, np.ndarray]:
    """A random Gaussian state and a point of its support (``mean + L z``), e.g. to draw
    conditions that can hold.

    >>> p, x = first_example(gaussian_states_with_point("X", {"X": 2}))
    >>> x.shape
    (2,)
    """
    state, factor = draw(_kernel_parts(Ty(), as_ty(cod), dict(dims), noise=noise,
                                       batch_shape=tuple(batch_shape)))
    z = _integers(draw, tuple(batch_shape) + (factor.shape[-1],))
    return state, state.mean + (factor @ z[..., None])[..., 0]


@st.composite
def gaussian_interpretations(draw, diagram: Diagram, dims: Mapping[str, int],
                             noise: str = "any") -> dict[Box, GaussianKernel]:
    """A random Gaussian kernel for every box of ``diagram``.

    >>> m = first_example(gaussian_interpretations(Box("f", Ty("X"), Ty("Y")).to_diagram(),
    ...                                            {"X": 1, "Y": 1}))
    >>> list(m.values())[0].cod
    Ty('Y')
    """
    return {box: draw(gaussian_kernels(box.dom, box.cod, dims, noise=noise))
            for box in set(diagram.boxes)}


def gaussian_graph(state: GaussianKernel, kernel: GaussianKernel) -> GaussianKernel:
    """``state >> copy >> (id @ kernel)``: the graph of a Gaussian kernel over a state.

    >>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
    >>> gaussian_graph(p, GaussianKernel.identity("X", {"X": 1})).cod
    Ty('X', 'X')
    """
    dims = state.dims
    return state >> GaussianKernel.copy(state.cod, dims) >> (
        GaussianKernel.identity(state.cod, dims) @ kernel)


__all__ = [
    "first_example",
    "gaussian_dims",
    "gaussian_graph",
    "gaussian_interpretations",
    "gaussian_kernels",
    "gaussian_states_with_point",
]
