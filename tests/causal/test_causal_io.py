"""Real models in and out: BIF files, pgmpy, networkx, pandas (empirical states, fitting)."""

import gzip
import os
import shutil
from fractions import Fraction as Fr

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal import (
    CausalError,
    CausalModel,
    CyclicModel,
    InvalidCPT,
    InvalidValue,
    UnknownVariable,
    empirical,
    fit,
    from_bif,
    from_networkx,
    from_pgmpy,
    to_bif,
    to_pgmpy,
)
from markov import Kernel

pgmpy = pytest.importorskip("pgmpy")
EXAMPLES = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models")


def smoking():
    return CausalModel({"U": [], "S": ["U"], "T": ["S"], "C": ["T", "U"]},
                       {"U": [0.5, 0.5], "S": [[0.8, 0.2], [0.3, 0.7]],
                        "T": [[0.95, 0.05], [0.1, 0.9]],
                        "C": [[[0.9, 0.1], [0.7, 0.3]], [[0.6, 0.4], [0.3, 0.7]]]},
                       states={"U": ["u0", "u1"], "S": ["no", "yes"], "T": ["no", "yes"],
                               "C": ["no", "yes"]}, latent=["U"], name="smoking")


def same_model(a, b):
    assert a.variables == b.variables and a.parents == b.parents and a.states == b.states
    assert a.latent == b.latent
    for v in a.variables:
        np.testing.assert_array_equal(np.asarray(a.cpts[v], dtype=float),
                                      np.asarray(b.cpts[v], dtype=float))


# ---- BIF -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["asia", "alarm"])
def test_a_model_read_from_bif_is_the_one_its_constructor_makes(name):
    # from_bif builds the model from the reader's checked parts, skipping the constructor's
    # second round of checks: the same model, kernels and diagram
    m = from_bif(os.path.join(EXAMPLES, f"{name}.bif.gz"), latent=["HISTORY"] if
                 name == "alarm" else ["tub"])
    built = CausalModel(m.parents, m.cpts, states=m.states, latent=m.latent, name=m.name)
    same_model(m, built)
    assert m.name == built.name and m.diagram == built.diagram and m.backend == built.backend
    for v in m.variables:
        a, b = m.mechanisms[v], built.mechanisms[v]
        assert (a.dom, a.cod, a.name, a.labels) == (b.dom, b.cod, b.name, b.labels)


def test_from_bif_reads_gzip_and_plain_files_with_state_names_such_as_asy_patch(tmp_path):
    gz = os.path.join(EXAMPLES, "child.bif.gz")
    plain = tmp_path / "child.bif"
    with gzip.open(gz) as src, open(plain, "wb") as dst:
        shutil.copyfileobj(src, dst)
    a, b = from_bif(gz), CausalModel.from_bif(plain)
    same_model(a, b)
    assert len(a.variables) == 20 and a.name == "unknown"
    assert "Asy/Patch" in a.states["ChestXray"]
    P = a.query("ChestXray", evidence={"XrayReport": "Asy/Patchy"})
    assert P.labels["ChestXray"][-1] == "Asy/Patch" and abs(P.array.sum() - 1) < 1e-12


@pytest.mark.slow
def test_from_bif_agrees_with_pgmpy_reader_on_small_networks():
    from pgmpy.readwrite import BIFReader

    for name in ("asia", "sachs", "child"):
        path = os.path.join(EXAMPLES, f"{name}.bif.gz")
        with gzip.open(path) as f:
            theirs = BIFReader(string=f.read().decode()).get_model()
        ours = from_bif(path)
        ref = from_pgmpy(theirs)
        assert set(ours.variables) == set(ref.variables)
        for v in ours.variables:
            assert ours.states[v] == ref.states[v]
            order = [ref.parents[v].index(p) for p in ours.parents[v]] + [len(ours.parents[v])]
            np.testing.assert_array_equal(ours.cpts[v], np.transpose(ref.cpts[v], order))


def test_from_bif_marks_latents_and_round_trips_through_to_bif(tmp_path):
    m = from_bif(os.path.join(EXAMPLES, "asia.bif.gz"), latent=["tub", "lung"])
    assert m.latent == {"tub", "lung"} and "tub" not in m.diagram.cod.names
    path = tmp_path / "asia.bif.gz"
    to_bif(m, path)
    back = from_bif(path, latent=["tub", "lung"])
    same_model(m, back)
    m.to_bif(tmp_path / "plain.bif")
    same_model(from_bif(tmp_path / "plain.bif", latent=["tub", "lung"]), m)


def test_from_bif_of_a_missing_or_unknown_latent_raises():
    with pytest.raises(UnknownVariable, match="latent names 'nope'"):
        from_bif(os.path.join(EXAMPLES, "asia.bif.gz"), latent=["nope"])


def test_batched_models_cannot_be_written():
    with pytest.raises(CausalError, match="variable 'S': a batched CPT"):
        to_bif(smoking().do(S=["no", "yes"]), "never.bif")
    with pytest.raises(CausalError, match="a batched CPT .* cannot be written to pgmpy"):
        to_pgmpy(smoking().do(S=["no", "yes"]))


# ---- pgmpy -----------------------------------------------------------------------------------

def test_pgmpy_round_trip_keeps_structure_states_latents_and_tables():
    m = smoking()
    bn = m.to_pgmpy()
    assert set(bn.latents) == {"U"} and set(bn.edges) == {("U", "S"), ("S", "T"),
                                                          ("T", "C"), ("U", "C")}
    assert bn.check_model()
    same_model(CausalModel.from_pgmpy(bn), m)
    assert from_pgmpy(bn, latent=["T"]).latent == {"U", "T"}


def test_pgmpy_conversion_of_exact_and_intervened_models():
    exact = CausalModel({"A": []}, {"A": np.array([Fr(1, 3), Fr(2, 3)], dtype=object)})
    np.testing.assert_allclose(to_pgmpy(exact).get_cpds("A").get_values().ravel(),
                               [1 / 3, 2 / 3])
    bn = smoking().do(T="yes").to_pgmpy()
    assert bn.get_parents("T") == [] and bn.get_cpds("T").get_values().ravel().tolist() == [0, 1]


def test_from_pgmpy_requires_every_cpd():
    from pgmpy.models import DiscreteBayesianNetwork

    with pytest.raises(CausalError, match="no CPD for variable 'A'"):
        from_pgmpy(DiscreteBayesianNetwork([("A", "B")]))


# ---- networkx --------------------------------------------------------------------------------

def test_from_networkx_takes_tables_from_arguments_or_node_attributes():
    g = nx.DiGraph()
    g.add_node("U", cpt=[0.5, 0.5], latent=True)
    g.add_node("X", cpt=[[0.9, 0.1], [0.1, 0.9]], states=["lo", "hi"])
    g.add_edge("U", "X")
    m = CausalModel.from_networkx(g)
    assert m.latent == {"U"} and m.states["X"] == ("lo", "hi") and m.parents["X"] == ("U",)
    m2 = from_networkx(g, {"X": [[1.0, 0.0], [0.0, 1.0]]}, latent=[])
    assert m2.latent == frozenset() and m2.cpts["X"].tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_from_networkx_kernel_domains_fix_the_parent_order():
    g = nx.DiGraph([("A", "C"), ("B", "C")])
    C = Kernel([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], dom=("B", "A"), cod="C")
    m = from_networkx(g, {"A": [1.0, 0.0], "B": [0.0, 1.0], "C": C})
    assert m.parents["C"] == ("B", "A")
    assert m.query("C").array.tolist() == [0.0, 1.0]


def test_from_networkx_errors():
    with pytest.raises(CyclicModel, match="on a cycle"):
        from_networkx(nx.DiGraph([("A", "B"), ("B", "A")]),
                      {"A": [[1.0, 0.0]] * 2, "B": [[1.0, 0.0]] * 2})
    with pytest.raises(UnknownVariable, match="cpts name 'Z'"):
        from_networkx(nx.DiGraph([("A", "B")]),
                      {"A": [1.0, 0.0], "B": [[1.0, 0.0]] * 2, "Z": [1.0]})
    with pytest.raises(TypeError, match="networkx DiGraph"):
        from_networkx(nx.Graph([("A", "B")]))


# ---- pandas ----------------------------------------------------------------------------------

def sample(model, n, seed=0):
    """Ancestral sampling with numpy (an independent check of fit)."""
    rng = np.random.default_rng(seed)
    values = {}
    order = list(nx.topological_sort(model.graph))
    for v in order:
        rows = model.cpts[v][tuple(values[p] for p in model.parents[v])] \
            if model.parents[v] else np.broadcast_to(model.cpts[v], (n, len(model.states[v])))
        cum = np.cumsum(rows, axis=-1)
        values[v] = (rng.random((n, 1)) > cum).sum(axis=-1).clip(0, len(model.states[v]) - 1)
    return pd.DataFrame({v: np.asarray(model.states[v])[values[v]] for v in model.variables})


def test_empirical_state_counts_rows_with_labels():
    df = pd.DataFrame({"X": ["a", "b", "b", "b"], "Y": [1, 0, 1, 1]})
    P = empirical(df, ["Y", "X"])
    assert P.labels == {"Y": ("0", "1"), "X": ("a", "b")}
    assert P.array.tolist() == [[0.0, 0.25], [0.25, 0.5]]
    exact = empirical(df, "X", exact=True)
    assert exact.array.tolist() == [Fr(1, 4), Fr(3, 4)]
    fixed = empirical(df, "X", states={"X": ["c", "b", "a"]})
    assert fixed.array.tolist() == [0.0, 0.75, 0.25]
    cat = pd.DataFrame({"X": pd.Categorical(["lo", "hi"], categories=["lo", "mid", "hi"])})
    assert empirical(cat, "X").labels["X"] == ("lo", "mid", "hi")
    floats = pd.DataFrame({"X": [0.0, 1.0, 2.0, 2.0]})
    assert empirical(floats, "X").labels["X"] == ("0", "1", "2")


def test_empirical_of_a_model_sample_approaches_the_observational_joint():
    m = smoking()
    df = sample(m, 20_000)
    P = empirical(df, ["S", "T", "C"], states=m.states)
    np.testing.assert_allclose(P.array, m.observational().array, atol=0.02)


def test_empirical_errors_name_the_column():
    df = pd.DataFrame({"X": ["a", "b", None]})
    with pytest.raises(UnknownVariable, match="no column 'Y'"):
        empirical(df, ["Y"])
    with pytest.raises(InvalidValue, match="variable 'X': the data has missing values"):
        empirical(df, ["X"])
    with pytest.raises(InvalidValue, match="variable 'X' has no outcome 'b'"):
        empirical(df.dropna(), ["X"], states={"X": ["a"]})
    with pytest.raises(CausalError, match="no rows"):
        empirical(df.iloc[:0], ["X"])
    with pytest.raises(CausalError, match="at least one variable"):
        empirical(df.dropna(), [])


def test_fit_recovers_the_tables_from_a_sample():
    m = smoking()
    observed = CausalModel({"S": [], "T": ["S"], "C": ["T"]},
                           {"S": [0.5, 0.5], "T": [[0.5, 0.5]] * 2, "C": [[0.5, 0.5]] * 2},
                           states={v: ["no", "yes"] for v in "STC"})
    fitted = observed.fit(sample(m, 20_000))
    np.testing.assert_allclose(fitted.cpts["T"], m.cpts["T"], atol=0.02)
    np.testing.assert_allclose(fitted.observational().array, m.observational().array,
                               atol=0.02)


def test_fit_with_pseudocounts_unseen_rows_latents_and_exact_models():
    m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.5, 0.5]] * 2})
    df = pd.DataFrame({"A": [0, 0, 0], "B": [0, 1, 1]})
    assert fit(m, df).cpts["B"].tolist() == [[1 / 3, 2 / 3], [0.5, 0.5]]  # A=1 never seen
    assert fit(m, df, pseudocount=1).cpts["A"].tolist() == [0.8, 0.2]
    exact = CausalModel({"A": []}, {"A": np.array([Fr(1, 2), Fr(1, 2)], dtype=object)})
    assert fit(exact, df, pseudocount=Fr(1, 2)).cpts["A"].tolist() == [Fr(7, 8), Fr(1, 8)]
    # Latent mechanisms, and those with a latent parent, are kept.
    s = smoking()
    fitted = s.fit(sample(s, 500).drop(columns=["U"]))
    np.testing.assert_array_equal(fitted.cpts["U"], s.cpts["U"])
    np.testing.assert_array_equal(fitted.cpts["C"], s.cpts["C"])
    assert not np.array_equal(fitted.cpts["T"], s.cpts["T"])


def test_fit_errors():
    m = smoking()
    with pytest.raises(UnknownVariable, match="no column 'C'"):
        m.fit(pd.DataFrame({"S": ["no"], "T": ["yes"]}))
    with pytest.raises(InvalidValue, match="variable 'S' has no outcome 'maybe'"):
        m.fit(pd.DataFrame({"S": ["maybe"], "T": ["yes"], "C": ["no"]}))
    with pytest.raises(CausalError, match="no rows"):
        m.fit(pd.DataFrame({"S": [], "T": [], "C": []}))


def test_fit_keeps_torch_tables_in_torch():
    torch = pytest.importorskip("torch")
    m = CausalModel({"A": []}, {"A": torch.tensor([0.5, 0.5], dtype=torch.float32)})
    fitted = m.fit(pd.DataFrame({"A": [1, 1, 1, 0]}))
    assert fitted.cpts["A"].dtype == torch.float32
    assert fitted.cpts["A"].tolist() == [0.25, 0.75]


def _two_node_pgmpy(child_names_of_parent):
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    bn = DiscreteBayesianNetwork([("S", "C")])
    bn.add_cpds(TabularCPD("S", 2, [[0.3], [0.7]], state_names={"S": ["yes", "no"]}),
                TabularCPD("C", 2, [[0.1, 0.01], [0.9, 0.99]], evidence=["S"],
                           evidence_card=[2],
                           state_names={"S": child_names_of_parent, "C": ["c0", "c1"]}))
    return bn


def test_from_pgmpy_matches_a_parents_states_by_name_not_position():
    pytest.importorskip("pgmpy")
    m = from_pgmpy(_two_node_pgmpy(["no", "yes"]))
    assert m.states["S"] == ("yes", "no")
    # The child's CPD listed S's states as (no, yes): its columns are swapped into place.
    assert m.cpts["C"].tolist() == [[0.01, 0.99], [0.1, 0.9]]


def test_from_pgmpy_refuses_a_cpd_naming_other_states_of_a_parent():
    pytest.importorskip("pgmpy")
    with pytest.raises(InvalidCPT, match="variable 'C': its CPD names the states of parent 'S'"):
        from_pgmpy(_two_node_pgmpy(["no", "maybe"]))
