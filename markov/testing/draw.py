"""Drawing examples for a law on any semantics: the same law data (box types, kinds of
kernels, options) draws finite kernels on ``"numpy"``, ``"exact"`` and ``"torch"`` and
Gaussian kernels on ``"gaussian"``, so that each law of the catalogue is stated once.

>>> from markov.testing.gaussian_strategies import first_example
>>> data = signature({"p": ("", "X"), "f": ("X", "Y")})
>>> sorted(first_example(data("gaussian"))), type(first_example(data("exact"))["f"]).__name__
(['f', 'p'], 'Kernel')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from diagrams import Ty
from markov.arrays import ops as A
from markov.arrays.backend import KINDS
from markov.gaussian.kernel import GaussianKernel
from markov.kernel import Kernel
from markov.testing.gaussian_strategies import gaussian_dims, gaussian_kernels
from markov.testing.strategies import kernels, sizes

#: Every semantics the catalogue runs on: the finite backends and the Gaussian semantics.
ALL_BACKENDS = (*KINDS, "gaussian")
#: The finite backends (stochastic matrices).
FINITE_BACKENDS = KINDS

NAMES = ("X", "Y", "Z")


def sizes_for(backend: str, names: Sequence[str] = NAMES, max_size: int = 3,
              min_size: int = 1) -> st.SearchStrategy[dict[str, int]]:
    """The sizes (finite) or dimensions (Gaussian, at most 2) of the atomic types.

    >>> from markov.testing.gaussian_strategies import first_example
    >>> first_example(sizes_for("gaussian", ["X"]))
    {'X': 1}
    """
    if backend == "gaussian":
        return gaussian_dims(names, min(max_size, 2))
    if backend == "hybrid":  # each atom discrete or continuous: kinds, not sizes
        from markov.testing.hybrid_laws import hybrid_kinds

        return hybrid_kinds(names, min(max_size, 2))
    if min_size == 1:
        return sizes(names, max_size)
    return st.fixed_dictionaries({n: st.integers(min_size, max_size) for n in names})


def kernels_for(backend: str, dom: Ty, cod: Ty, size: Mapping[str, int], *,
                kind: str = "any", zeros: bool = False, name: str | None = None
                ) -> st.SearchStrategy:
    """Random kernels ``dom -> cod`` of a semantics. ``kind``: ``"any"``,
    ``"deterministic"`` (functions) or ``"noisy"`` (finite: entries without zeros;
    Gaussian: a non-singular noise covariance). ``zeros`` allows zero entries in finite
    kernels (Gaussian kernels of kind ``"any"`` already include singular covariances).

    >>> from markov.testing.gaussian_strategies import first_example
    >>> k = first_example(kernels_for("gaussian", Ty("X"), Ty("Y"), {"X": 1, "Y": 1},
    ...                               kind="deterministic"))
    >>> k.is_deterministic()
    True
    """
    if backend in ("gaussian", "hybrid"):
        noise = {"any": "any", "deterministic": "none", "noisy": "full"}[kind]
        if backend == "hybrid":
            from markov.testing.hybrid_laws import hybrid_kernels

            return hybrid_kernels(dom, cod, size, noise=noise)
        return gaussian_kernels(dom, cod, size, noise=noise)
    return kernels(dom, cod, size, backend, zeros=zeros and kind != "noisy",
                   deterministic=kind == "deterministic", name=name)


def signature(spec: Mapping[str, tuple[str, str]], *, kinds: Mapping[str, str] | None = None,
              min_size: int = 1, max_size: int = 3, zeros: bool = False,
              extra: Mapping[str, Callable[[str, dict], st.SearchStrategy]] | None = None
              ) -> Callable[[str], st.SearchStrategy[dict]]:
    """``data`` for a law: kernels of the given types (strings of atom names, ``""`` the
    unit) over random sizes, of the given kinds (see :func:`kernels_for`), plus extra
    named strategies ``extra[name](backend, size)``.

    >>> from markov.testing.gaussian_strategies import first_example
    >>> first_example(signature({"f": ("X", "Y")})("numpy"))["f"].dom
    Ty('X')
    """
    kinds = dict(kinds or {})

    def data(backend: str):
        @st.composite
        def draw(draw_):
            size = draw_(sizes_for(backend, NAMES, max_size, min_size))
            out = {name: draw_(kernels_for(backend, Ty(*dom), Ty(*cod), size,
                                           kind=kinds.get(name, "any"), zeros=zeros,
                                           name=name))
                   for name, (dom, cod) in spec.items()}
            for name, strategy in (extra or {}).items():
                out[name] = draw_(strategy(backend, size))
            return out

        return draw()

    return data


def options_for(backend: str, size: Mapping[str, int] | None = None
                ) -> st.SearchStrategy[dict[str, Any]]:
    """The options of the generic inference functions a law may vary: the zero-mass policy
    on finite backends (``"nan"`` poisons recomposition by design), nothing on Gaussians.

    >>> from markov.testing.gaussian_strategies import first_example
    >>> first_example(options_for("gaussian"))
    {}
    """
    if backend in ("gaussian", "hybrid"):
        return st.just({})
    return st.fixed_dictionaries({"on_zero": st.sampled_from(["uniform", "prior"])})


def point(kernel: Kernel | GaussianKernel, value: Any) -> Kernel | GaussianKernel:
    """The point-mass state at ``value`` on ``kernel``'s codomain, in its semantics and
    backend: an index of a (one-atom) finite codomain, or a vector of a Gaussian one.

    >>> point(Kernel.state([0.5, 0.5], cod="Y"), 1).array.tolist()
    [0.0, 1.0]
    >>> point(GaussianKernel.state([0.0], [[1.0]], cod="Y"), [2.0]).mean.tolist()
    [2.0]
    """
    if isinstance(kernel, GaussianKernel):
        return GaussianKernel.state(value, None, cod=kernel.cod, dims=kernel.dims,
                                    validate=False).to(kernel)
    array = A.indicator(kernel.event_shape[-1], int(value), kernel.array)
    return Kernel.state(array, cod=kernel.cod, validate=False)


__all__ = ["ALL_BACKENDS", "FINITE_BACKENDS", "kernels_for", "options_for", "point",
           "signature", "sizes_for"]
