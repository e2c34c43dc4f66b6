"""The hybrid semantics' laws are in the one catalogue, run by the same check_law: the core
and functoriality laws name it, and it has laws (and negative controls) of its own."""

from markov.testing import CORE_LAWS, HYBRID_LAWS, LAWS, LAWS_BY_NAME, SEMANTIC_LAWS
from markov.testing.hybrid_laws import HYBRID_ONLY_LAWS


def test_the_core_and_functoriality_laws_run_on_the_hybrid_semantics():
    for law in CORE_LAWS + SEMANTIC_LAWS:
        assert "hybrid" in law.backends and law in HYBRID_LAWS, law.name


def test_hybrid_only_laws_are_catalogue_entries_with_negative_controls():
    assert all(law.backends == ("hybrid",) for law in HYBRID_ONLY_LAWS)
    assert all(LAWS_BY_NAME[law.name] is law for law in HYBRID_ONLY_LAWS)
    assert HYBRID_LAWS == [law for law in LAWS if "hybrid" in law.backends]
    assert sum(not law.expect for law in HYBRID_LAWS) >= 2
