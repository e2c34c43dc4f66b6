"""The skeleton shared by causal models: the same tests run on a finite CausalModel and on a
LinearGaussianModel of the same graph; only the semantics differs."""

from __future__ import annotations

import pytest

from causal import (
    CausalError,
    CausalModel,
    CyclicModel,
    LinearGaussianModel,
    StructuralModel,
    UnknownVariable,
)
from diagrams import Ty


def finite() -> CausalModel:
    return CausalModel({"U": [], "X": ["U"], "Y": ["X", "U"]},
                       {"U": [0.5, 0.5], "X": [[0.9, 0.1], [0.2, 0.8]],
                        "Y": [[[1.0, 0.0], [0.5, 0.5]], [[0.3, 0.7], [0.0, 1.0]]]},
                       latent=["U"], name="m")


def linear() -> LinearGaussianModel:
    return LinearGaussianModel({"U": ({}, 0.0, 1.0), "X": ({"U": 1.0}, 0.0, 1.0),
                                "Y": ({"X": 2.0, "U": 1.0}, 0.0, 1.0)},
                               latent=["U"], name="m")


@pytest.fixture(params=[finite, linear], ids=["finite", "linear-gaussian"])
def model(request) -> StructuralModel:
    return request.param()


def test_the_skeleton_is_shared(model):
    assert isinstance(model, StructuralModel)
    assert model.variables == ("U", "X", "Y")
    assert model.observed == ("X", "Y")
    assert model.latent == frozenset({"U"})
    assert model.parents == {"U": (), "X": ("U",), "Y": ("X", "U")}
    assert set(model.mechanisms) == {"U", "X", "Y"}
    assert model.mechanisms["Y"].dom == Ty("X", "U")
    assert model.name == "m"


def test_the_diagram_copies_each_variable_and_discards_the_latent_ones(model):
    assert [box.name for box in model.diagram.boxes] == ["U", "X", "Y"]
    assert model.diagram.cod == Ty("X", "Y")
    assert model.diagram_of(["Y", "U"]).cod == Ty("Y", "U")
    assert set(model.mapping) == set(model.diagram.boxes)


def test_the_graph_marks_latent_variables(model):
    graph = model.graph
    assert sorted(graph.edges) == [("U", "X"), ("U", "Y"), ("X", "Y")]
    assert graph.nodes["U"]["latent"] and not graph.nodes["X"]["latent"]


def test_do_cuts_the_incoming_edges_and_names_the_box_do(model):
    cut = model.do(X=1)
    assert type(cut) is type(model)
    assert cut.parents["X"] == () and cut.parents["Y"] == ("X", "U")
    assert cut.intervened == frozenset({"X"})
    assert "do(X)" in [box.name for box in cut.diagram.boxes]
    assert repr(cut).endswith("3 variables (1 latent), 2 edges, do(X)>")
    assert model.intervened == frozenset()                     # the model is unchanged


def test_unknown_and_repeated_variables_raise_typed_errors(model):
    with pytest.raises(UnknownVariable, match="'Z'"):
        model.do(Z=0)
    with pytest.raises(UnknownVariable, match="'Z'"):
        model.diagram_of(["Z"])
    with pytest.raises(CausalError, match="name a variable twice"):
        model.diagram_of(["X", "X"])


def test_both_models_refuse_a_cycle_with_the_same_message():
    with pytest.raises(CyclicModel, match="variable 'A' is on a cycle: A -> B -> A"):
        CausalModel({"A": ["B"], "B": ["A"]}, {"A": [[1.0, 0.0]] * 2, "B": [[1.0, 0.0]] * 2})
    with pytest.raises(CyclicModel, match="variable 'A' is on a cycle: A -> B -> A"):
        LinearGaussianModel({"A": ({"B": 1.0}, 0.0, 1.0), "B": ({"A": 1.0}, 0.0, 1.0)})
