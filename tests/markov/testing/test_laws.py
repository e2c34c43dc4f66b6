"""Every law of the catalogue, on every backend it names; negative controls must fail."""

import pytest

from markov.testing import LAWS, check_law

CASES = [(law, backend) for law in LAWS for backend in law.backends]


@pytest.mark.parametrize("law,backend", CASES,
                         ids=[f"{law.name}-{backend}" for law, backend in CASES])
def test_law_holds_on_backend(law, backend):
    if backend == "torch":
        pytest.importorskip("torch")
    check_law(law, backend, max_examples=15)


def test_a_user_semantics_plugs_into_the_runner():
    """The catalogue checks a home-made functor (the fold of diagrams into kernels), and
    catches one whose copy forgets its input."""
    from dataclasses import replace

    import numpy as np

    from diagrams import Functor, Ty
    from markov import Kernel, kernel_category
    from markov.testing import FINITE, LAWS_BY_NAME

    def fold(d, mapping, sizes):
        return Functor(ar=mapping, cod=kernel_category(sizes))(d)

    def forgetful_fold(d, mapping, sizes):
        def uniform_copy(ty, n):
            if n < 2:
                return kernel_category(sizes).copy(ty, n)
            dom = [sizes[t] for t in ty.names]
            cod = dom * n
            return Kernel(np.full(dom + cod, 1.0 / np.prod(cod, dtype=int)), dom=ty,
                          cod=Ty(*ty.names * n))

        category = replace(kernel_category(sizes), copy=uniform_copy)
        return Functor(ar=mapping, cod=category)(d)

    law = LAWS_BY_NAME["copy is natural for deterministic kernels"]
    check_law(law, "numpy", max_examples=5, semantics=replace(FINITE, interpret=fold))
    with pytest.raises(AssertionError, match="copy is natural"):
        check_law(law, "numpy", max_examples=5,
                  semantics=replace(FINITE, interpret=forgetful_fold))
