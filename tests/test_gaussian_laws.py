"""Every Gaussian law of the catalogue holds on random (possibly singular, possibly
deterministic) Gaussian kernels; negative controls find a counterexample."""

import pytest

from markov.testing.gaussian_laws import GAUSSIAN_LAWS, check_gaussian_law
from markov.testing.laws import CORE_LAWS


@pytest.mark.parametrize("law", GAUSSIAN_LAWS, ids=lambda law: law.name)
def test_gaussian_law(law):
    check_gaussian_law(law, max_examples=25)


def test_every_core_diagram_law_runs_on_the_gaussian_semantics():
    names = {law.name for law in GAUSSIAN_LAWS}
    for law in CORE_LAWS:
        if law.on == "diagrams":
            assert f"{law.name} (Gaussian)" in names


def test_gaussian_laws_declare_the_gaussian_backend_and_a_negative_control():
    assert all(law.backends == ("gaussian",) for law in GAUSSIAN_LAWS)
    assert any(not law.expect for law in GAUSSIAN_LAWS)
