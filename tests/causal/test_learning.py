"""Data in: fit states and tables from a DataFrame; latents; priors; log-likelihood."""

import os

import numpy as np
import pandas as pd
import pytest

from causal import CausalError, CausalModel, LatentVariable, UnknownVariable, fit

EXAMPLES = os.path.join(os.path.dirname(__import__("pgmpy").__file__), "utils",
                        "example_models")

DATA = pd.DataFrame({"S": ["no", "no", "yes", "yes", "yes"],
                     "C": ["no", "yes", "yes", "yes", "no"]})


def test_maximum_likelihood_counts_and_learned_states():
    m = fit("digraph { S -> C }", DATA)
    assert m.states == {"S": ("no", "yes"), "C": ("no", "yes")}
    assert m.cpts["S"].tolist() == [0.4, 0.6]
    np.testing.assert_allclose(m.cpts["C"], [[0.5, 0.5], [1 / 3, 2 / 3]])
    assert m.latent == frozenset()


def test_dirichlet_and_bdeu_priors():
    m = fit([("S", "C")], DATA, prior=1)
    np.testing.assert_allclose(m.cpts["C"], [[0.5, 0.5], [0.4, 0.6]])
    b = fit([("S", "C")], DATA, prior="bdeu", equivalent_sample_size=4)
    # alpha = 4 / (2 parent configurations x 2 states) = 1 per cell
    np.testing.assert_allclose(b.cpts["C"], m.cpts["C"])
    np.testing.assert_allclose(b.cpts["S"], [(2 + 2) / 9, (3 + 2) / 9])


def test_given_states_keep_their_order_and_unseen_states_get_the_prior():
    m = fit([("S", "C")], DATA, states={"S": ["yes", "no", "maybe"]}, prior=1)
    assert m.states["S"] == ("yes", "no", "maybe")
    np.testing.assert_allclose(m.cpts["C"][2], [0.5, 0.5])


def test_fit_recovers_a_bundled_network_from_its_samples():
    true = CausalModel.from_bif(os.path.join(EXAMPLES, "asia.bif.gz"))
    data = true.sample(20_000, seed=2)
    dot = "digraph {" + "; ".join(f"{p} -> {v}" for v in true.variables
                                  for p in true.parents[v]) + "}"
    m = fit(dot, data, states=true.states)
    for v in ("smoke", "lung", "dysp"):
        np.testing.assert_allclose(m.query(v).array, true.query(v).array, atol=0.02)
    assert m.log_likelihood(data) == pytest.approx(true.log_likelihood(data), rel=0.01)


def test_variables_without_data_are_latent_and_need_given_tables():
    data = DATA.rename(columns={"S": "X"})[["C"]]
    with pytest.raises(LatentVariable, match=r"\['S'\] have no data .* tables of \['S', 'C'\]"):
        fit([("S", "C")], data)
    m = fit([("S", "C")], data, cpts={"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.2, 0.8]]},
            states={"S": ["no", "yes"]})
    assert m.latent == {"S"} and m.observed == ("C",)
    assert m.states["S"] == ("no", "yes")


def test_log_likelihood_with_and_without_latents():
    m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.2, 0.8]]},
                    states={"S": ["no", "yes"], "C": ["no", "yes"]})
    rows = m.log_likelihood(DATA, per_row=True)
    np.testing.assert_allclose(np.exp(rows), [0.45, 0.05, 0.4, 0.4, 0.1])
    assert m.log_likelihood(DATA) == pytest.approx(rows.sum())
    hidden = CausalModel(m.parents, m.cpts, states=m.states, latent=["S"])
    np.testing.assert_allclose(np.exp(hidden.log_likelihood(DATA[["C"]], per_row=True)),
                               [0.55, 0.45, 0.45, 0.45, 0.55])


def test_fitting_an_existing_model_keeps_its_behaviour():
    m = CausalModel({"A": []}, {"A": [0.5, 0.5]})
    assert fit(m, pd.DataFrame({"A": [0, 1, 1, 1]})).cpts["A"].tolist() == [0.25, 0.75]
    assert fit(m, pd.DataFrame({"A": [0, 1, 1, 1]}), 1).cpts["A"].tolist() == \
        [2 / 6, 4 / 6]


def test_fit_errors_are_typed():
    with pytest.raises(CausalError, match="no rows"):
        fit([("S", "C")], DATA.iloc[:0])
    with pytest.raises(CausalError, match="or 'bdeu'"):
        fit([("S", "C")], DATA, prior="k2")
    with pytest.raises(CausalError, match="pseudo-counts must be >= 0"):
        fit([("S", "C")], DATA, prior=-1)
    with pytest.raises(CausalError, match="equivalent sample size must be positive"):
        fit([("S", "C")], DATA, prior="bdeu", equivalent_sample_size=0)
    with pytest.raises(UnknownVariable, match="'Q' is not a variable of the graph"):
        fit([("S", "C")], DATA, states={"Q": ["a"]})
