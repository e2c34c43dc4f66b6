"""The laws of inference, on every backend: disintegration recomposes, Bayes' law, the chain
rule (lens law), Pearl and Jeffrey agree on point evidence, inversion is monoidal for product
priors and not for correlated ones (negative control). Priors are drawn with zeros."""

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from markov.testing import LAWS_BY_NAME, check_law, holds
from markov.testing.inference_laws import INFERENCE_LAWS

CASES = [(law, backend) for law in INFERENCE_LAWS for backend in law.backends]
EXAMPLES = 15


@pytest.mark.parametrize("law,backend", CASES,
                         ids=[f"{law.name}-{backend}" for law, backend in CASES])
def test_inference_law_on_backend(law, backend):
    if backend == "torch":
        pytest.importorskip("torch")
    if law.expect:
        check_law(law, backend, max_examples=EXAMPLES)
        return
    # A negative control needs one counterexample, not a shrunk one.
    try:
        find(law.data(backend), lambda example: not holds(law, example),
             settings=settings(max_examples=8 * EXAMPLES, deadline=None, database=None,
                               derandomize=True, phases=[Phase.generate],
                               suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        pytest.fail(f"negative control {law.name!r} found no counterexample on {backend}")


def test_the_inference_laws_are_in_the_catalogue():
    assert all(LAWS_BY_NAME[law.name] is law for law in INFERENCE_LAWS)
    names = [law.name for law in INFERENCE_LAWS]
    assert any("negative control" in n and not LAWS_BY_NAME[n].expect for n in names)
