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
    """The catalogue checks a home-made functor: the fold of diagrams into kernels."""
    from diagrams import Functor
    from markov import kernel_category
    from markov.testing import FINITE, LAWS_BY_NAME, Semantics

    def fold(d, mapping, sizes):
        return Functor(ar=mapping, cod=kernel_category(sizes))(d)

    mine = Semantics(fold, FINITE.equal, FINITE.graph, FINITE.sizes)
    check_law(LAWS_BY_NAME["interchange law"], "numpy", max_examples=5, semantics=mine)
    broken = Semantics(lambda d, m, s: fold(d, m, s) @ fold(d, m, s), FINITE.equal,
                       FINITE.graph, FINITE.sizes)
    with pytest.raises(AssertionError):
        check_law(LAWS_BY_NAME["interchange law"], "numpy", max_examples=5, semantics=broken)
