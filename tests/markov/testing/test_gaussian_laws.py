"""The Gaussian laws are in the catalogue (``tests/markov/testing/test_laws.py`` runs them): random
(possibly singular, possibly deterministic) Gaussian kernels; negative controls find a
counterexample."""

from markov.testing import LAWS_BY_NAME
from markov.testing.gaussian_laws import GAUSSIAN_LAWS
from markov.testing.laws import CORE_LAWS


def test_every_core_diagram_law_runs_on_the_gaussian_semantics():
    names = {law.name for law in GAUSSIAN_LAWS}
    for law in CORE_LAWS:
        if law.on == "diagrams":
            assert f"{law.name} (Gaussian)" in names


def test_gaussian_laws_declare_the_gaussian_backend_and_a_negative_control():
    assert all(law.backends == ("gaussian",) for law in GAUSSIAN_LAWS)
    assert any(not law.expect for law in GAUSSIAN_LAWS)
    assert all(LAWS_BY_NAME[law.name] is law for law in GAUSSIAN_LAWS)
