"""One catalogue for every semantics: each law is stated once (no restated copies), the
laws that hold everywhere name every backend, and each semantics has a negative control.
``test_laws.py`` runs them."""

from markov.testing import (
    ALL_BACKENDS,
    CONDITIONING_LAWS,
    CORE_LAWS,
    GAUSSIAN_LAWS,
    INFERENCE_LAWS,
    LAWS,
    LAWS_BY_NAME,
    SEMANTIC_LAWS,
)


def test_each_law_is_stated_once():
    assert len({law.name for law in LAWS}) == len(LAWS)
    assert not any("(Gaussian)" in law.name for law in LAWS)
    assert all(LAWS_BY_NAME[law.name] is law for law in LAWS)


def test_the_core_and_functoriality_laws_run_on_every_semantics():
    for law in CORE_LAWS + SEMANTIC_LAWS:
        assert set(law.backends) == {*ALL_BACKENDS, "hybrid"}, law.name


def test_the_generic_inference_laws_run_on_the_gaussian_semantics_too():
    shared = {law.name for law in INFERENCE_LAWS if set(law.backends) == set(ALL_BACKENDS)}
    assert {"disintegration recomposes the joint", "Fritz's conditional recomposes the kernel",
            "Bayes' law: prior(x) f(y|x) = (p >> f)(y) f†(x|y)",
            "chain rule: (f >> g)† = g†_(p >> f) >> f†_p almost surely",
            "observing the output is the Bayesian inverse at the observation",
            "conditions commute"} <= shared


def test_gaussian_laws_are_the_catalogue_entries_that_name_the_gaussian_semantics():
    assert GAUSSIAN_LAWS == [law for law in LAWS if "gaussian" in law.backends]
    assert all(law.backends == ("gaussian",) for law in CONDITIONING_LAWS)


def test_every_semantics_has_a_negative_control():
    for backend in ALL_BACKENDS:
        assert any(not law.expect and backend in law.backends for law in LAWS), backend
