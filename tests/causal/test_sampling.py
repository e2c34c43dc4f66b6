"""Forward sampling: reproducible, batched, and its frequencies reproduce the model."""

import os

import numpy as np
import pytest

from causal import CausalError, CausalModel, InvalidValue

EXAMPLES = os.path.join(os.path.dirname(__import__("pgmpy").__file__), "utils",
                        "example_models")


def asia():
    return CausalModel.from_bif(os.path.join(EXAMPLES, "asia.bif.gz"))


def within(freq, p, n, z=4.5):
    """Every frequency within z binomial standard errors of its probability."""
    se = np.sqrt(np.maximum(p * (1 - p), 1e-12) / n)
    return np.all(np.abs(freq - p) <= z * se + 1e-12)


def frequencies(column, states):
    return column.value_counts(normalize=True).reindex(states, fill_value=0).to_numpy()


def test_samples_reproduce_every_marginal_with_a_fixed_seed():
    m, n = asia(), 20_000
    df = m.sample(n, seed=7)
    assert list(df.columns) == list(m.variables) and len(df) == n
    for v in m.variables:
        assert within(frequencies(df[v], m.states[v]), m.query(v).array, n), v


def test_samples_reproduce_a_pairwise_joint_and_a_do_query():
    m, n = asia(), 20_000
    df = m.sample(n, do={"smoke": "yes"}, seed=3)
    assert set(df["smoke"]) == {"yes"}
    assert within(frequencies(df["dysp"], m.states["dysp"]),
                  m.query("dysp", do={"smoke": "yes"}).array, n)
    joint = m.query(["tub", "either"]).array.ravel()
    pairs = (df[["tub", "either"]].astype(str).agg("/".join, axis=1)
             .value_counts(normalize=True))
    names = [f"{a}/{b}" for a in m.states["tub"] for b in m.states["either"]]
    assert within(pairs.reindex(names, fill_value=0).to_numpy(),
                  m.do(smoke="yes").query(["tub", "either"]).array.ravel(), n)
    assert joint.shape == (4,)


def test_the_same_seed_gives_the_same_rows_and_columns_are_categorical():
    m = asia()
    a, b = m.sample(50, seed=11), m.sample(50, seed=11)
    assert a.equals(b)
    assert list(a["smoke"].cat.categories) == list(m.states["smoke"])


def test_latent_variables_are_left_out_unless_asked():
    m = CausalModel({"U": [], "X": ["U"]}, {"U": [0.5, 0.5], "X": [[1.0, 0.0], [0.0, 1.0]]},
                    latent=["U"])
    assert list(m.sample(5, seed=0).columns) == ["X"]
    both = m.sample(200, seed=0, latent=True)
    assert (both["U"].astype(str) == both["X"].astype(str)).all()


def test_exact_models_sample_from_their_values():
    from fractions import Fraction as Fr

    m = CausalModel({"A": []}, {"A": [Fr(0), Fr(1)]})
    assert m.sample(3, seed=0)["A"].tolist() == ["1", "1", "1"]


def test_torch_models_sample_in_torch_reproducibly():
    torch = pytest.importorskip("torch")
    m = asia()
    t = CausalModel(m.parents, {v: torch.tensor(a) for v, a in m.cpts.items()},
                    states=m.states)
    n = 20_000
    df = t.sample(n, seed=5)
    assert df.equals(t.sample(n, seed=5))
    for v in ("either", "dysp"):
        assert within(frequencies(df[v], m.states[v]), m.query(v).array, n)


def test_sample_errors_are_typed():
    m = asia()
    with pytest.raises(CausalError, match="number of rows"):
        m.sample(-1)
    with pytest.raises(InvalidValue, match="'smoke' has no outcome 1"):
        m.sample(3, do={"smoke": 1})  # values are state names
    with pytest.raises(CausalError, match="batch of CPTs"):
        m.do(smoke=["yes", "no"]).sample(3)
