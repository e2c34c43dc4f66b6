"""The laws of inference are in the catalogue (``tests/markov/testing/test_laws.py`` runs them on every
backend): disintegration recomposes, Bayes' law, the chain rule (lens law), Pearl and Jeffrey
agree on point evidence, inversion is monoidal for product priors and not for correlated ones
(negative control). Priors are drawn with zeros."""

from markov.testing import LAWS_BY_NAME
from markov.testing.inference_laws import INFERENCE_LAWS


def test_the_inference_laws_are_in_the_catalogue():
    assert all(LAWS_BY_NAME[law.name] is law for law in INFERENCE_LAWS)
    names = [law.name for law in INFERENCE_LAWS]
    assert any("negative control" in n and not LAWS_BY_NAME[n].expect for n in names)
    assert all(set(law.backends) == {"numpy", "exact", "torch"} for law in INFERENCE_LAWS)
