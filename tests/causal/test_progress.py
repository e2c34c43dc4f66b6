"""Long work shows itself: max_memory and progress on query, counterfactual, sample, fit;
plan costs in the log."""

import importlib.util
import logging
import os

import numpy as np
import pytest

from causal import CausalError, CausalModel, fit
from markov import ContractionTooLarge

EXAMPLES = os.path.join(os.path.dirname(__import__("pgmpy").__file__), "utils",
                        "example_models")


def asia():
    return CausalModel.from_bif(os.path.join(EXAMPLES, "asia.bif.gz"))


def test_query_takes_max_memory_and_refuses_what_cannot_fit():
    m = asia()
    target, evidence = ["lung", "bronc", "tub"], {"dysp": "yes"}
    full = m.query(target, evidence=evidence).array
    sliced = m.query(target, evidence=evidence, max_memory=64).array
    np.testing.assert_allclose(sliced, full, atol=1e-14)
    with pytest.raises(ContractionTooLarge, match="max_memory"):
        m.query(target, evidence=evidence, max_memory=8)


def test_progress_bars_show_the_steps(capsys):
    pytest.importorskip("tqdm")
    m = asia()
    m.query("lung", evidence={"dysp": "yes"}, progress=True)
    assert "query" in capsys.readouterr().err
    m.counterfactual("dysp", do={"smoke": "no"}, evidence={"smoke": "yes"}, progress=True)
    assert "counterfactual" in capsys.readouterr().err
    m.sample(10, seed=0, progress=True)
    assert "sampling" in capsys.readouterr().err
    fit([("smoke", "lung")], m.sample(10, seed=0), progress=True)
    assert "fitting" in capsys.readouterr().err


def test_counterfactual_takes_max_memory():
    m = asia()
    with pytest.raises(ContractionTooLarge):
        m.counterfactual("dysp", do={"smoke": "no"}, evidence={"smoke": "yes"}, max_memory=8)


def test_sampling_in_chunks_gives_all_rows_and_the_same_distribution():
    m = asia()
    df = m.sample(20_000, seed=4, max_memory=16 * 2 * 1000)  # chunks of 1,000 rows
    assert len(df) == 20_000
    freq = (df["either"] == "yes").mean()
    p = m.query("either").array[0]
    assert abs(freq - p) < 4.5 * np.sqrt(p * (1 - p) / 20_000)


def test_fit_refuses_a_table_over_max_memory():
    data = asia().sample(50, seed=1)
    with pytest.raises(CausalError, match="variable 'lung': its table has 4 cells"):
        fit([("smoke", "lung")], data, max_memory=16)


def test_compiling_a_large_network_logs_its_plan_cost(caplog):
    n = 250
    parents = {f"X{i}": [f"X{i - 1}"] if i else [] for i in range(n)}
    cpts = {v: [0.5, 0.5] if not ps else [[0.9, 0.1], [0.2, 0.8]] for v, ps in parents.items()}
    m = CausalModel(parents, cpts)
    with caplog.at_level(logging.INFO, logger="markov.contraction"):
        m.query(f"X{n - 1}", evidence={"X0": "1"})  # once, compiling nothing
        assert not any("compiled a plan for" in r.getMessage() for r in caplog.records)
        m.query(f"X{n - 1}", evidence={"X0": "0"})  # asked again: compiled
    assert any("compiled a plan for" in r.getMessage() and "flops" in r.getMessage()
               for r in caplog.records)


def test_marginals_take_max_memory_and_progress(capsys):
    m = asia()
    evidence = {"dysp": "yes"}
    full = m.marginals(evidence=evidence)
    shown = m.marginals(evidence=evidence, progress=True, max_memory=2**20)
    if importlib.util.find_spec("tqdm"):
        assert "marginals" in capsys.readouterr().err
    for v in m.variables:
        np.testing.assert_allclose(shown[v].array, full[v].array, atol=1e-15)
    with pytest.raises(ContractionTooLarge, match="max_memory"):
        m.marginals(evidence=evidence, max_memory=16)


def test_marginals_refuse_evidence_that_is_not_a_mapping():
    with pytest.raises(CausalError, match="evidence must be a mapping"):
        asia().marginals(evidence=["dysp"])
