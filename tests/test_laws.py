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
