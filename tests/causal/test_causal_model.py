"""Causal models: construction and its errors, the diagram, do(), queries (batched, labelled,
exact, torch), evidence, drawing."""

import os
from fractions import Fraction as Fr

import numpy as np
import pytest

from causal import (
    CausalError,
    CausalModel,
    CyclicModel,
    InvalidCPT,
    InvalidValue,
    LatentVariable,
    UnknownVariable,
    do_box,
    surgery,
)
from diagrams import Box, Ty, copy, discard
from markov import Kernel, NotStochastic, ZeroProbabilityEvidence, interpret

NO_YES = ["no", "yes"]
EXAMPLES = os.path.join(os.path.dirname(__import__("pgmpy").__file__), "utils",
                        "example_models")


def smoking_model(exact=False):
    """U -> Smoking, U -> Cancer, Smoking -> Tar -> Cancer with U latent (the demo's numbers)."""
    f = Fr if exact else (lambda a, b: a / b)
    cpts = {
        "U": [f(1, 2), f(1, 2)],
        "Smoking": [[f(4, 5), f(1, 5)], [f(3, 10), f(7, 10)]],
        "Tar": [[f(19, 20), f(1, 20)], [f(1, 10), f(9, 10)]],
        "Cancer": [[[f(9, 10), f(1, 10)], [f(7, 10), f(3, 10)]],
                   [[f(3, 5), f(2, 5)], [f(3, 10), f(7, 10)]]],
    }
    parents = {"U": [], "Smoking": ["U"], "Tar": ["Smoking"], "Cancer": ["Tar", "U"]}
    return CausalModel(parents, cpts, states={v: NO_YES for v in parents}, latent=["U"],
                       name="smoking")


def joint_by_hand(model):
    """The full joint P(U, S, T, C) of the smoking model as an array, by broadcasting."""
    c = model.cpts
    return (np.asarray(c["U"])[:, None, None, None] * np.asarray(c["Smoking"])[:, :, None, None]
            * np.asarray(c["Tar"])[None, :, :, None]
            * np.transpose(np.asarray(c["Cancer"]), (1, 0, 2))[:, None, :, :])


# ---- construction ---------------------------------------------------------------------------

def test_variables_keep_the_given_order_and_mechanisms_are_stored_topologically():
    m = CausalModel({"C": ["A", "B"], "A": [], "B": ["A"]},
                    {"A": [0.5, 0.5], "B": [[1.0, 0.0], [0.0, 1.0]],
                     "C": [[[1.0, 0.0]] * 2] * 2})
    assert m.variables == ("C", "A", "B")
    assert [box.name for box in m.diagram.boxes] == ["A", "B", "C"]
    assert m.diagram.cod == Ty("C", "A", "B")


def test_mechanism_of_v_is_the_box_named_v_from_its_parents():
    m = smoking_model()
    boxes = {box.name: box for box in m.diagram.boxes}
    assert boxes["Cancer"] == Box("Cancer", Ty("Tar", "U"), Ty("Cancer"))
    assert boxes["U"] == Box("U", Ty(), Ty("U"))


def test_diagram_copies_each_variable_to_children_and_outputs_and_discards_latents():
    m = smoking_model()
    d = m.diagram
    assert d.cod == Ty("Smoking", "Tar", "Cancer")
    uses = dict(zip(d.wires, d.uses))
    assert uses == {"U": 2, "Smoking": 2, "Tar": 2, "Cancer": 1}
    expected = (Box("U", Ty(), Ty("U")) >> copy(Ty("U"))
                >> (Box("Smoking", Ty("U"), Ty("Smoking")) @ Ty("U"))
                >> (copy(Ty("Smoking")) @ Ty("U"))
                >> (Ty("Smoking") @ Box("Tar", Ty("Smoking"), Ty("Tar")) @ Ty("U"))
                >> (Ty("Smoking") @ copy(Ty("Tar")) @ Ty("U"))
                >> (Ty("Smoking", "Tar") @ Box("Cancer", Ty("Tar", "U"), Ty("Cancer"))))
    assert d == expected


def test_diagram_interprets_to_the_observational_joint():
    m = smoking_model(exact=True)
    K = interpret(m.diagram, m.mapping)
    by_hand = joint_by_hand(m).sum(axis=0)
    assert K.array.tolist() == by_hand.tolist()
    assert m.observational().array.tolist() == by_hand.tolist()


def test_kernels_give_parents_and_states_through_domain_and_labels():
    S = Kernel([[0.9, 0.1], [0.2, 0.8]], dom="U", cod="S", labels={"S": ["lo", "hi"]})
    m = CausalModel(None, {"U": [0.5, 0.5], "S": S})
    assert m.parents == {"U": (), "S": ("U",)}
    assert m.states["S"] == ("lo", "hi") and m.states["U"] == ("0", "1")


def test_from_edges_orders_parent_axes_as_the_edges_list_them():
    m = CausalModel.from_edges([("B", "C"), ("A", "C")],
                               {"A": [1.0, 0.0], "B": [0.0, 1.0],
                                "C": [[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]]]})
    assert m.parents["C"] == ("B", "A")
    assert m.query("C").array.tolist() == [0.5, 0.5]  # C's row (B=1, A=0)


def test_a_cycle_raises_naming_the_cycle():
    eye = [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(CyclicModel, match="variable 'A' is on a cycle: A -> B -> C -> A"):
        CausalModel({"A": ["C"], "B": ["A"], "C": ["B"]}, {"A": eye, "B": eye, "C": eye})
    with pytest.raises(CyclicModel, match="'A' is on a cycle: A -> A"):
        CausalModel({"A": ["A"]}, {"A": eye})


def test_unknown_variables_raise_naming_them():
    with pytest.raises(UnknownVariable, match="variable 'B' has parent 'Z'"):
        CausalModel({"A": [], "B": ["Z"]}, {"A": [0.5, 0.5], "B": [[0.5, 0.5]] * 2})
    with pytest.raises(UnknownVariable, match="latent names 'Q'"):
        CausalModel({"A": []}, {"A": [0.5, 0.5]}, latent=["Q"])
    with pytest.raises(UnknownVariable, match="states names 'Q'"):
        CausalModel({"A": []}, {"A": [0.5, 0.5]}, states={"Q": ["a", "b"]})


def test_cpts_of_the_wrong_shape_raise_naming_the_variable():
    with pytest.raises(InvalidCPT, match="variable 'B' has no CPT"):
        CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5]})
    with pytest.raises(InvalidCPT, match=r"variable 'B': its CPT has shape \(2,\)"):
        CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [0.5, 0.5]})
    with pytest.raises(InvalidCPT, match="variable 'B': its CPT has size 3 on the axis of "
                                         "parent 'A', which has 2 outcomes"):
        CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.5, 0.5]] * 3})
    with pytest.raises(InvalidCPT, match=r"variable 'A' has 3 outcomes \('a', 'b', 'c'\)"):
        CausalModel({"A": []}, {"A": [0.5, 0.5]}, states={"A": ["a", "b", "c"]})
    with pytest.raises(InvalidCPT, match="its kernel has domain"):
        CausalModel({"B": ["A"], "A": []},
                    {"A": [0.5, 0.5], "B": Kernel([[1.0, 0.0]] * 2, dom="X", cod="B")})
    with pytest.raises(InvalidCPT, match="lists a parent twice"):
        CausalModel({"A": [], "B": ["A", "A"]}, {"A": [0.5, 0.5], "B": [[[1.0, 0.0]] * 2] * 2})
    with pytest.raises(InvalidValue, match="names an outcome twice"):
        CausalModel({"A": []}, {"A": [0.5, 0.5]}, states={"A": ["a", "a"]})


def test_cpts_that_are_not_stochastic_raise_naming_the_variable():
    with pytest.raises(NotStochastic, match=r"kernel B: row \(1,\) sums to 0.9"):
        CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.5, 0.5], [0.5, 0.4]]})
    with pytest.raises(NotStochastic, match="kernel A: entry .* is negative"):
        CausalModel({"A": []}, {"A": [1.5, -0.5]})
    with pytest.raises(NotStochastic, match="kernel A: .* not finite"):
        CausalModel({"A": []}, {"A": [float("nan"), 1.0]})


def test_graph_is_the_dag_with_latent_marks():
    g = smoking_model().graph
    assert set(g.edges) == {("U", "Smoking"), ("U", "Cancer"), ("Smoking", "Tar"),
                            ("Tar", "Cancer")}
    assert g.nodes["U"]["latent"] and not g.nodes["Tar"]["latent"]


def test_repr_names_model_size_and_interventions():
    m = smoking_model()
    assert repr(m) == "<CausalModel 'smoking': 4 variables (1 latent), 4 edges>"
    assert repr(m.do(Tar="yes")).endswith("3 edges, do(Tar)>")


# ---- do -------------------------------------------------------------------------------------

def test_do_cuts_the_incoming_edges_and_sets_a_point_mass():
    m = smoking_model().do(Smoking="yes")
    assert m.parents["Smoking"] == () and m.intervened == {"Smoking"}
    assert m.cpts["Smoking"].tolist() == [0.0, 1.0]
    assert smoking_model().do({"Smoking": "yes"}).cpts["Smoking"].tolist() == [0.0, 1.0]


def test_do_on_the_model_is_surgery_on_its_diagram():
    m = smoking_model()
    assert m.do(Smoking="yes").diagram == surgery(m.diagram, ["Smoking"])
    assert m.do(Smoking="yes", Tar="no").diagram == surgery(m.diagram, {"Smoking": None, "Tar": None})


def test_p_cancer_do_smoking_is_the_adjustment_formula_not_the_conditional():
    m = smoking_model(exact=True)
    J = joint_by_hand(m)  # axes U, S, T, C
    for s in range(2):
        # Back-door over U: sum_u P(u) sum_t P(t | s) P(c | t, u).
        pu = J.sum(axis=(1, 2, 3))
        expected = sum(pu[u] * sum(m.cpts["Tar"][s][t] * m.cpts["Cancer"][t][u]
                                   for t in range(2)) for u in range(2))
        assert m.query("Cancer", do={"Smoking": NO_YES[s]}).array.tolist() == list(expected)
        seen = J[:, s].sum(axis=(0, 1))
        assert m.query("Cancer", evidence={"Smoking": NO_YES[s]}).array.tolist() == \
            list(seen / seen.sum())
    assert (m.query("Cancer", do={"Smoking": "yes"}).array.tolist()
            != m.query("Cancer", evidence={"Smoking": "yes"}).array.tolist())


def test_soft_intervention_sets_a_distribution():
    m = smoking_model(exact=True)
    half = Kernel.state([Fr(1, 2), Fr(1, 2)], cod="Smoking")
    soft = m.query("Cancer", do={"Smoking": half}).array
    hard = [m.query("Cancer", do={"Smoking": NO_YES[s]}).array for s in range(2)]
    assert soft.tolist() == ((hard[0] + hard[1]) / 2).tolist()
    assert m.do(Smoking=half).query("Cancer").array.tolist() == soft.tolist()


def test_interventions_on_sets_of_variables_compose():
    m = smoking_model(exact=True)
    both = m.query("Cancer", do={"Smoking": "no", "Tar": "yes"}).array.tolist()
    assert m.do(Smoking="no").do(Tar="yes").query("Cancer").array.tolist() == both
    # Tar screens Smoking off Cancer once Tar is set.
    assert m.query("Cancer", do={"Smoking": "yes", "Tar": "yes"}).array.tolist() == both


def test_a_later_intervention_overrides_an_earlier_one():
    m = smoking_model(exact=True)
    assert (m.do(Tar="no").query("Cancer", do={"Tar": "yes"}).array.tolist()
            == m.query("Cancer", do={"Tar": "yes"}).array.tolist())
    assert m.do(Tar="no").do(Tar="yes").cpts["Tar"].tolist() == [0, 1]


def test_do_errors_name_the_variable():
    m = smoking_model()
    with pytest.raises(UnknownVariable, match="do names 'Smoke'"):
        m.do(Smoke=1)
    with pytest.raises(UnknownVariable, match="do names 'Smoke'"):
        m.query("Cancer", do={"Smoke": 1})
    with pytest.raises(InvalidValue, match=r"variable 'Smoking' has no outcome 2 \(do value\); "
                                           r"its outcomes are \('no', 'yes'\)"):
        m.query("Cancer", do={"Smoking": 2})
    with pytest.raises(InvalidValue, match="variable 'Smoking' has no outcome '-1'"):
        m.do(Smoking=["no", -1])
    with pytest.raises(InvalidValue, match="variable 'Smoking' has no outcome 'maybe'"):
        m.do(Smoking="maybe")
    with pytest.raises(InvalidValue, match="for a soft intervention pass Kernel.state"):
        m.do(Smoking=[0.5, 0.5])
    with pytest.raises(InvalidValue, match="has no outcome True"):
        m.do(Smoking=True)
    with pytest.raises(InvalidValue, match="a soft intervention is a state on Smoking"):
        m.do(Smoking=Kernel.state([0.2, 0.3, 0.5], cod="Smoking"))


# ---- queries -------------------------------------------------------------------------------

def test_query_returns_labelled_kernel_in_target_order():
    m = smoking_model()
    P = m.query(["Cancer", "Smoking"])
    assert P.cod == Ty("Cancer", "Smoking") and P.dom == Ty()
    assert P.labels == {"Cancer": ("no", "yes"), "Smoking": ("no", "yes")}
    np.testing.assert_allclose(P.array, joint_by_hand(m).sum(axis=(0, 2)).T, atol=1e-15)
    assert P.name == "P(Cancer, Smoking)"
    assert m.query("Cancer", do={"Tar": "yes"}, evidence={"Smoking": "no"}).name == \
        "P(Cancer | do(Tar), Smoking)"


def test_latent_variables_can_be_queried_but_have_no_observational_distribution():
    m = smoking_model()
    np.testing.assert_allclose(m.query("U", evidence={"Smoking": "yes"}).array,
                               [0.2 / 0.9, 0.7 / 0.9])
    with pytest.raises(LatentVariable, match="variable 'U' is latent"):
        m.observational(["U", "Tar"])


def test_batched_do_is_one_query_with_a_leading_batch_axis():
    m = smoking_model(exact=True)
    P = m.query("Cancer", do={"Smoking": ["no", "yes"]})
    assert P.batch_shape == (2,)
    for s in range(2):
        assert P.array[s].tolist() == m.query("Cancer", do={"Smoking": NO_YES[s]}).array.tolist()
    grid = m.query("Cancer", do={"Smoking": [["no"], ["yes"]], "Tar": [["no", "yes"]]})
    assert grid.batch_shape == (2, 2)
    assert grid.array[1, 0].tolist() == \
        m.query("Cancer", do={"Smoking": "yes", "Tar": "no"}).array.tolist()


def test_batched_evidence_rows_and_data_frames():
    import pandas as pd

    m = smoking_model()
    rows = pd.DataFrame({"Smoking": ["no", "yes", "yes"], "Tar": ["no", "no", "yes"]})
    P = m.query("Cancer", evidence=rows)
    assert P.batch_shape == (3,)
    for i, (s, t) in enumerate(zip(rows.Smoking, rows.Tar)):
        np.testing.assert_allclose(P.array[i],
                                   m.query("Cancer", evidence={"Smoking": s, "Tar": t}).array,
                                   atol=1e-15)
    mixed = m.query("Cancer", do={"Tar": ["no", "yes"]}, evidence={"Smoking": [["no"], ["yes"]]})
    assert mixed.batch_shape == (2, 2)
    np.testing.assert_allclose(mixed.array[1, 0],
                               m.query("Cancer", do={"Tar": "no"}, evidence={"Smoking": "yes"}).array)


def test_do_and_evidence_condition_the_intervened_model():
    """pgmpy issues 3543 / 1701: P(X | do(Y), Z) must condition the mutilated model."""
    m = smoking_model(exact=True)
    # Evidence downstream (Cancer) of the intervened Tar and of the latent U: in the mutilated
    # model Smoking depends on Cancer only through U.
    mutilated = np.full((2, 2, 2, 2), Fr(0), dtype=object)  # U, S, T, C with T := 1
    for u in range(2):
        for s in range(2):
            for c in range(2):
                mutilated[u, s, 1, c] = (m.cpts["U"][u] * m.cpts["Smoking"][u][s]
                                         * m.cpts["Cancer"][1][u][c])
    for c in range(2):
        ps = mutilated[:, :, :, c].sum(axis=(0, 2))
        expected = ps / ps.sum()
        got = m.query("Smoking", do={"Tar": "yes"}, evidence={"Cancer": NO_YES[c]}).array
        assert got.tolist() == expected.tolist()
    # ... which is not the observational conditional, nor the unconditioned intervention.
    got = m.query("Smoking", do={"Tar": "yes"}, evidence={"Cancer": "yes"}).array.tolist()
    assert got != m.query("Smoking", evidence={"Tar": "yes", "Cancer": "yes"}).array.tolist()
    assert got != m.query("Smoking", do={"Tar": "yes"}).array.tolist()


def test_evidence_on_the_intervened_variable_itself():
    m = smoking_model()
    np.testing.assert_allclose(m.query("Cancer", do={"Tar": "yes"}, evidence={"Tar": "yes"}).array,
                               m.query("Cancer", do={"Tar": "yes"}).array)
    with pytest.raises(ZeroProbabilityEvidence):
        m.query("Cancer", do={"Tar": "yes"}, evidence={"Tar": "no"})


def test_zero_probability_evidence_raises_naming_the_evidence():
    m = CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.5, 0.5]]},
                    states={"A": ["a0", "a1"], "B": ["b0", "b1"]})
    with pytest.raises(ZeroProbabilityEvidence, match="the observations B='b1'"):
        m.query("A", evidence={"B": "b1"})
    with pytest.raises(ZeroProbabilityEvidence, match=r"the observations of B .* row \(1,\)"):
        m.query("A", evidence={"B": ["b0", "b1"]})
    # Another policy on request, for the rows of a batch.
    P = m.query("A", evidence={"B": ["b0", "b1"]}, on_zero="uniform")
    assert P.array.tolist() == [[1.0, 0.0], [0.5, 0.5]]


def test_query_errors_name_the_variable():
    m = smoking_model()
    with pytest.raises(UnknownVariable, match="target names 'Lung'"):
        m.query("Lung")
    with pytest.raises(UnknownVariable, match="evidence names 'Lung'"):
        m.query("Cancer", evidence={"Lung": 0})
    with pytest.raises(InvalidValue, match="variable 'Tar' has no outcome 5 \\(evidence"):
        m.query("Cancer", evidence={"Tar": 5})
    with pytest.raises(InvalidValue, match="variable 'Tar' has no outcome 0.5"):
        m.query("Cancer", evidence={"Tar": 0.5})
    with pytest.raises(CausalError, match="name a variable twice"):
        m.query(["Cancer", "Cancer"])


def test_exact_models_give_exact_answers():
    m = smoking_model(exact=True)
    P = m.query("Cancer", do={"Smoking": "yes"}, evidence={"Tar": "yes"})
    assert all(isinstance(x, Fr) for x in P.array.ravel())
    assert sum(P.array) == 1


def test_sympy_parameters_give_formulas():
    sympy = pytest.importorskip("sympy")
    p, q = sympy.symbols("p q")
    m = CausalModel({"A": [], "B": ["A"]},
                    {"A": np.array([p, 1 - p], dtype=object),
                     "B": np.array([[q, 1 - q], [Fr(1, 2), Fr(1, 2)]], dtype=object)})
    b0 = m.query("B").array[0]
    assert sympy.simplify(b0 - (p * q + (1 - p) / 2)) == 0
    assert m.query("B", do={"A": 0}).array[0] == q


def test_torch_models_answer_in_torch():
    torch = pytest.importorskip("torch")
    m = smoking_model()
    t = CausalModel(m.parents, {v: torch.tensor(np.asarray(a), dtype=torch.float64)
                                for v, a in m.cpts.items()}, latent=["U"], states=m.states)
    P = t.query("Cancer", do={"Smoking": ["no", "yes"]}, evidence={"Tar": "yes"})
    assert isinstance(P.array, torch.Tensor) and P.array.dtype == torch.float64
    np.testing.assert_allclose(P.array.numpy(),
                               m.query("Cancer", do={"Smoking": ["no", "yes"]},
                                       evidence={"Tar": "yes"}).array, atol=1e-12)


def test_repeated_queries_reuse_the_compiled_diagram():
    m = smoking_model()
    key = (("Cancer",), ("Tar",), frozenset({"Smoking"}), frozenset({"Smoking", "Tar"}))
    m.query("Cancer", do={"Smoking": "no"}, evidence={"Tar": "yes"})
    first = m._compile(*key)
    m.query("Cancer", do={"Smoking": "yes"}, evidence={"Tar": "no"})
    assert m._compile(*key) is first


def test_query_prunes_mechanisms_that_do_not_reach_the_targets():
    m = smoking_model()
    d = m._compile(("Tar",), (), frozenset({"Smoking"}), frozenset()).diagram
    assert sorted(box.name for box in d.boxes) == ["Tar", "do(Smoking)"]
    d = m._compile(("Tar",), ("Smoking",), frozenset(), frozenset({"Smoking"})).diagram
    # Cancer is barren; U is not requisite by d-separation (Smoking, observed, blocks it).
    assert sorted(box.name for box in d.boxes) == ["Tar"]


def test_observed_variables_leave_the_contraction_as_variable_elimination_does():
    m = smoking_model()
    # Evidence Tar = 1 and do(Smoking = 0): neither wire is left; Tar's mechanism is a
    # constant (its parent is set too), Cancer's table is indexed at Tar = 1.
    c = m._compile(("Cancer",), ("Tar",), frozenset({"Smoking"}), frozenset({"Smoking", "Tar"}))
    assert set(c.diagram.wires) == {"U", "Cancer"} and len(c.constants) == 1
    assert Box("Cancer", Ty("U"), Ty("Cancer")) in c.diagram.boxes
    # Likelihood factors are effects of their own, P(Tar = t | Smoking) on Smoking and
    # P(Cancer = c | U) on U, so that the tables stay the model's and fold.
    c = m._compile(("Smoking",), ("Tar", "Cancer"), frozenset(), frozenset({"Tar", "Cancer"}))
    assert c.diagram.cod == Ty("Smoking") and set(c.diagram.wires) == {"U", "Smoking"}
    assert {Box("Tar", Ty("Smoking"), Ty()), Box("Cancer", Ty("U"), Ty())} \
        <= set(c.diagram.boxes)
    assert {c.diagram.boxes[j].name for j in c.fold} == {"U", "Smoking"}
    # Evidence on a target stays a wire, with an indicator effect on it.
    c = m._compile(("Tar",), ("Tar",), frozenset(), frozenset())
    assert c.sources[-1] == ("observe", "Tar", ())


def test_a_likelihood_no_box_can_take_stays_an_effect():
    m = CausalModel({"A": [], "B": [], "C": ["A", "B"]},
                    {"A": [0.5, 0.5], "B": [0.3, 0.7],
                     "C": [[[0.9, 0.1], [0.2, 0.8]], [[0.6, 0.4], [0.5, 0.5]]]})
    c = m._compile(("A",), ("C",), frozenset(), frozenset({"C"}))
    assert Box("C", Ty("A", "B"), Ty()) in c.diagram.boxes
    expected = np.array([0.5 * (0.3 * 0.1 + 0.7 * 0.8), 0.5 * (0.3 * 0.4 + 0.7 * 0.5)])
    np.testing.assert_allclose(m.query("A", evidence={"C": 1}).array,
                               expected / expected.sum(), atol=1e-15)


def test_batched_evidence_and_interventions_index_the_tables_row_by_row():
    m = smoking_model(exact=True)
    rows = {"Tar": ["no", "yes", "yes", "no"], "Cancer": ["yes", "yes", "no", "no"]}
    P = m.query("Smoking", do={"U": ["no", "no", "yes", "yes"]}, evidence=rows)
    for i in range(4):
        single = m.query("Smoking", do={"U": NO_YES[i // 2]},
                         evidence={"Tar": rows["Tar"][i], "Cancer": rows["Cancer"][i]})
        assert P.array[i].tolist() == single.array.tolist()


def test_a_constant_evidence_factor_of_zero_is_zero_probability_evidence():
    m = CausalModel({"A": [], "B": []}, {"A": [0.5, 0.5], "B": [1.0, 0.0]})
    with pytest.raises(ZeroProbabilityEvidence, match="the observations B='1'"):
        m.query("A", evidence={"B": 1})
    batched = m.do(B=[0, 1])  # B's factor is 1 in the first row, 0 in the second
    with pytest.raises(ZeroProbabilityEvidence, match=r"row \(1,\)"):
        batched.query("A", evidence={"B": 0})
    P = batched.query("A", evidence={"B": 0}, on_zero="uniform")
    assert P.array.tolist() == [[0.5, 0.5], [0.5, 0.5]]


def test_many_observations_on_a_large_network():
    m = CausalModel.from_bif(os.path.join(EXAMPLES, "link.bif.gz"))
    import networkx as nx

    rng = np.random.default_rng(0)
    values = {}
    for v in nx.topological_sort(m.graph):  # one sample, so the evidence is possible
        row = m.cpts[v][tuple(values[p] for p in m.parents[v])]
        values[v] = int(rng.choice(len(row), p=row / row.sum()))
    target = m.variables[0]
    evidence = {v: m.states[v][x] for v, x in values.items() if v != target}
    P = m.query(target, evidence=evidence)  # 723 observations
    assert np.all(np.isfinite(P.array)) and abs(P.array.sum() - 1) < 1e-12
    half = dict(list(evidence.items())[::2])
    rows = {v: [x, x] for v, x in half.items()}  # batched: indicators on the chain
    np.testing.assert_allclose(m.query(target, evidence=rows).array[1],
                               m.query(target, evidence=half).array, atol=1e-12)


def test_a_variable_named_like_the_observation_type_does_not_collide():
    m = CausalModel({"observed": [], "B": ["observed"]},
                    {"observed": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]})
    np.testing.assert_allclose(m.query("observed", evidence={"B": 0}).array,
                               [0.45 / 0.55, 0.1 / 0.55])


# ---- drawing -------------------------------------------------------------------------------

def test_drawing_dashes_latents_and_marks_interventions(tmp_path):
    from causal.drawing import INTERVENED_STYLE, LATENT_STYLE, styles

    m = smoking_model()
    assert styles(m.do(Smoking="yes")) == {"U": LATENT_STYLE, "do(Smoking)": INTERVENED_STYLE}
    fig = m.do(Smoking="yes").draw(tmp_path / "do.png", diagram=True)
    assert (tmp_path / "do.png").stat().st_size > 0
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "do(Smoking)" in texts and "U" in texts
    dashed = [p for p in fig.axes[0].patches if p.get_linestyle() == "--"]
    assert len(dashed) == 1
    from causal import draw

    fig = draw(m, do=["Tar"])
    assert "do(Tar)" in [t.get_text() for t in fig.axes[0].texts]


def test_diagram_of_any_outputs_and_do_box():
    m = smoking_model()
    assert m.diagram_of(["U"]).cod == Ty("U")
    assert do_box("X") == Box("do(X)", Ty(), Ty("X"))
    assert surgery(Box("X", Ty("U"), Ty("X")), ["X"]) == discard(Ty("U")) @ do_box("X")


def test_a_pruned_intervention_keeps_its_batch_axis():
    m = smoking_model()
    P = m.query("Smoking", do={"Tar": ["no", "yes", "yes"]})  # Tar does not reach Smoking
    assert P.batch_shape == (3,)
    np.testing.assert_allclose(P.array, np.broadcast_to(m.query("Smoking").array, (3, 2)))


def test_a_batched_model_from_do_broadcasts_with_query_batches():
    m = smoking_model().do(Smoking=["no", "yes"])
    assert m.cpts["Smoking"].shape == (2, 2)
    P = m.query("Cancer", evidence={"Tar": [["no"], ["yes"]]})
    assert P.batch_shape == (2, 2)
    np.testing.assert_allclose(
        P.array[1, 0], smoking_model().query("Cancer", do={"Smoking": "no"},
                                             evidence={"Tar": "yes"}).array)


def test_a_target_may_also_be_evidence():
    m = smoking_model()
    assert m.query(["Tar", "Cancer"], evidence={"Tar": "yes"}).array[0].tolist() == [0.0, 0.0]
    assert m.query("Tar", evidence={"Tar": "yes", "Cancer": "no"}).array.tolist() == [0.0, 1.0]


def test_a_likelihood_factor_on_several_parents_keeps_its_axes_apart():
    rng = np.random.default_rng(3)
    tables = {"A": rng.dirichlet(np.ones(2)), "B": rng.dirichlet(np.ones(3)),
              "C": rng.dirichlet(np.ones(4), size=(2, 3))}
    m = CausalModel({"A": [], "B": [], "C": ["A", "B"]}, tables)
    joint = np.einsum("a,b,abc->abc", tables["A"], tables["B"], tables["C"])
    for c in range(4):
        expected = joint[:, :, c].T / joint[:, :, c].sum()   # axes (B, A)
        np.testing.assert_allclose(m.query(["B", "A"], evidence={"C": c}).array, expected,
                                   rtol=1e-12)
    batch = m.query(["B", "A"], evidence={"C": [0, 3]}).array
    np.testing.assert_allclose(batch[1], joint[:, :, 3].T / joint[:, :, 3].sum(), rtol=1e-12)
