"""The hybrid semantics' laws are in the one catalogue, run by the same check_law."""

from markov.testing import LAWS_BY_NAME
from markov.testing.hybrid_laws import HYBRID_LAWS
from markov.testing.laws import CORE_LAWS


def test_every_core_diagram_law_has_a_hybrid_version():
    names = {law.name for law in HYBRID_LAWS}
    for law in CORE_LAWS:
        if law.on == "diagrams":
            assert f"{law.name} (hybrid)" in names


def test_hybrid_laws_are_in_the_catalogue_with_negative_controls():
    assert all(law.backends == ("hybrid",) for law in HYBRID_LAWS)
    assert all(LAWS_BY_NAME[law.name] is law for law in HYBRID_LAWS)
    assert sum(not law.expect for law in HYBRID_LAWS) >= 2
