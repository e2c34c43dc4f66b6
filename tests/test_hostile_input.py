"""Hostile input: every case is refused with the exact error type, and the message names the
culprit (box, kernel, variable, file line or argument). No builtin exception escapes."""

from __future__ import annotations

import gzip
from fractions import Fraction

import numpy as np
import pytest

from causal import (
    BIFParseError,
    CausalModel,
    CyclicModel,
    InvalidArgument,
    InvalidCPT,
    InvalidValue,
    TableTooLarge,
    UnknownVariable,
    from_bif,
    from_networkx,
)
from causal.bif import BayesNetSpec, parse_bif, read_bif
from diagrams import Box, Ty, copy
from markov import ContractionTooLarge, InvalidArray, Kernel, MissingBox, ShapeMismatch, interpret

torch = pytest.importorskip("torch")

X, Y = Ty("X"), Ty("Y")
F_BOX = Box("f", X, Y)
P_BOX = Box("p", Ty(), X)
GOOD = [[0.9, 0.1], [0.2, 0.8]]

# Arrays that cannot be tables, each with the words its refusal must contain.
BAD_ARRAYS = {
    "complex": (np.array([[0.5 + 0j, 0.5], [0.5, 0.5]]), "complex"),
    "complex-imaginary": (np.array([[0.5 + 1j, 0.5], [0.5, 0.5]]), "complex"),
    "complex-list": ([[0.5 + 0j, 0.5], [0.5, 0.5]], "complex"),
    "string": (np.array([["a", "b"], ["c", "d"]]), "dtype <U1"),
    "string-objects": (np.array([["a", "b"], ["c", "d"]], dtype=object), "'a' is not a number"),
    "none-entries": ([[None, 0.5], [0.5, 0.5]], "None is not a number"),
    "bool": (np.array([[True, False], [False, True]]), "boolean"),
    "bool-list": ([[True, False], [False, True]], "boolean"),
    "zero-rows": (np.zeros((0, 2)), "zero-size"),
    "zero-columns": (np.zeros((2, 0)), "zero-size"),
    "ragged": ([[0.5, 0.5], [1.0]], "ragged"),
    "dict": ({"a": 1}, "dict is not an array"),
    "string-scalar": ("0.5, 0.5", "str is not an array"),
    "datetime": (np.array([["2020-01-01"] * 2] * 2, dtype="datetime64[D]"), "datetime64"),
    "torch-complex": (torch.tensor([[0.5 + 0j, 0.5], [0.5, 0.5]]), "complex"),
    "torch-bool": (torch.tensor([[True, False], [False, True]]), "boolean"),
    "torch-empty": (torch.zeros((0, 2)), "zero-size"),
}


@pytest.mark.parametrize("name", sorted(BAD_ARRAYS))
def test_interpret_refuses_arrays_that_cannot_hold_probabilities_naming_the_box(name):
    array, words = BAD_ARRAYS[name]
    with pytest.raises(InvalidArray) as info:
        interpret(F_BOX, {F_BOX: array})
    assert "box f" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("name", sorted(BAD_ARRAYS))
def test_kernel_refuses_arrays_that_cannot_hold_probabilities_naming_the_kernel(name):
    array, words = BAD_ARRAYS[name]
    with pytest.raises(InvalidArray) as info:
        Kernel(array, dom="X", cod="Y", name="g")
    assert "kernel g" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("name", sorted(BAD_ARRAYS))
def test_causal_model_refuses_bad_tables_naming_the_variable(name):
    array, words = BAD_ARRAYS[name]
    with pytest.raises(InvalidArray) as info:
        CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": array})
    assert "variable 'B'" in str(info.value) and words in str(info.value)


def _model():
    return CausalModel({"A": [], "B": ["A"], "C": ["A"]},
                       {"A": [0.5, 0.5], "B": GOOD, "C": GOOD})


ARGUMENTS = [
    ("interpret-mapping-list", lambda: interpret(F_BOX, [GOOD]), InvalidArray, "not be a list"),
    ("interpret-missing-box", lambda: interpret(F_BOX, {}), MissingBox, "box f"),
    ("kernel-names-disagree",
     lambda: interpret(Box("g", X @ Y, X), {"g": Kernel(np.full((2, 2, 2), 0.5),
                                                         dom=("X", "Z"), cod="X")}),
     ShapeMismatch, "box g"),
    ("kernel-arity", lambda: interpret(F_BOX, {F_BOX: Kernel.state([0.5, 0.5], cod="Y")}),
     ShapeMismatch, "box f"),
    ("negative-size", lambda: interpret(P_BOX, {P_BOX: [0.5, 0.5]}, sizes={"X": -1}),
     ShapeMismatch, "type X"),
    ("parents-list", lambda: CausalModel(["A"], {"A": [0.5, 0.5]}), InvalidArgument,
     "parents must be a mapping"),
    ("cpts-list", lambda: CausalModel({"A": []}, [[0.5, 0.5]]), InvalidArgument,
     "cpts must be a mapping"),
    ("do-list", lambda: _model().query("B", do=["A"]), InvalidArgument, "do must be a mapping"),
    ("do-tuple", lambda: _model().query("B", do=("A", 1)), InvalidArgument,
     "do must be a mapping"),
    ("evidence-list", lambda: _model().query("B", evidence=["A"]), InvalidArgument,
     "evidence must be a mapping"),
    # A lone float is neither a state name nor an index (a float vector is soft evidence).
    ("evidence-float", lambda: _model().query("B", evidence={"A": 0.5}), InvalidValue,
     "variable 'A'"),
    ("evidence-unknown-outcome", lambda: _model().query("B", evidence={"A": "maybe"}),
     InvalidValue, "variable 'A'"),
    ("evidence-out-of-range", lambda: _model().query("B", evidence={"A": 7}), InvalidValue,
     "variable 'A'"),
    ("evidence-unknown-variable", lambda: _model().query("B", evidence={"Q": 0}),
     UnknownVariable, "Q"),
    ("evidence-batches-disagree",
     lambda: _model().query("A", evidence={"B": [0, 1, 0], "C": [0, 1]}), InvalidValue,
     "variable 'C'"),
    ("do-batches-disagree", lambda: _model().query("A", do={"B": [0, 1, 0], "C": [0, 1]}),
     InvalidValue, "variable 'C'"),
    ("do-and-evidence-batches-disagree",
     lambda: _model().query("A", do={"B": [0, 1, 0]}, evidence={"C": [0, 1]}), InvalidValue,
     "variable 'C'"),
    ("parent-unknown", lambda: CausalModel({"A": ["Z"]}, {"A": GOOD}), UnknownVariable, "'Z'"),
    ("cycle", lambda: CausalModel({"A": ["B"], "B": ["A"]}, {"A": GOOD, "B": GOOD}),
     CyclicModel, "A -> B -> A"),
    ("networkx-not-a-graph", lambda: from_networkx([("A", "B")]), InvalidArgument,
     "networkx DiGraph"),
    ("spec-ragged", lambda: BayesNetSpec("x", {"A": ("a", "b")}, {"A": ()}, {"A": [[0.5], 1]}),
     InvalidCPT, "variable 'A'"),
    ("spec-cycle", lambda: BayesNetSpec("x", {"A": ("a", "b"), "B": ("a", "b")},
                                        {"A": ("B",), "B": ("A",)},
                                        {"A": GOOD, "B": GOOD}), CyclicModel, "cycle"),
    ("spec-unknown-parent", lambda: BayesNetSpec("x", {"A": ("a", "b")}, {"A": ("Q",)},
                                                 {"A": GOOD}), UnknownVariable, "'Q'"),
    ("spec-row-sum", lambda: BayesNetSpec("x", {"A": ("a", "b")}, {"A": ()}, {"A": [0.5, 0.6]}),
     InvalidCPT, "row () sums to 1.1"),
]


@pytest.mark.parametrize("case", ARGUMENTS, ids=[c[0] for c in ARGUMENTS])
def test_bad_arguments_get_a_typed_error_naming_the_culprit(case):
    _, call, error, words = case
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error and words in str(info.value)


HEAD = ("variable A { type discrete [ 2 ] { a0, a1 }; }\n"
        "variable B { type discrete [ 2 ] { b0, b1 }; }\n"
        "probability ( A ) { table 0.5, 0.5; }\n")

BAD_BIF = [
    ("row-sums-to-0.2", "probability ( B | A ) { (a0) 0.1, 0.1; (a1) 0.5, 0.5; }", 4, "B",
     "row (a0) sums to 0.2"),
    ("row-sums-to-1.1", "probability ( B | A ) { (a0) 0.5, 0.5; (a1) 0.6, 0.5; }", 4, "B",
     "row (a1) sums to 1.1"),
    ("row-off-by-1e-5", "probability ( B | A ) { (a0) 0.5, 0.49999; (a1) 0.5, 0.5; }", 4, "B",
     "row (a0) sums to 0.99999"),
    ("default-sums-wrong", "probability ( B | A ) { default 0.3, 0.3; }", 4, "B",
     "row (a0) sums to 0.6"),
    ("table-sums-wrong", "probability ( B | A ) { table 0.5, 0.5, 0.6, 0.5; }", 4, "B",
     "row (a0) sums to 1.1"),
    ("underscore-number", "probability ( B | A ) { (a0) 0_1, 0.9; (a1) 0.5, 0.5; }", 4, "B",
     "'0_1' is not a number"),
    ("nan", "probability ( B | A ) { (a0) nan, 0.5; (a1) 0.5, 0.5; }", 4, "B",
     "'nan' is not a number"),
    ("inf", "probability ( B | A ) { (a0) inf, 0.5; (a1) 0.5, 0.5; }", 4, "B",
     "'inf' is not a number"),
    ("infinity", "probability ( B | A ) { table Infinity, 0.5, 0.5, 0.5; }", 4, "B",
     "'Infinity' is not a number"),
    ("hex", "probability ( B | A ) { (a0) 0x1, 0; (a1) 0.5, 0.5; }", 4, "B",
     "'0x1' is not a number"),
    ("two-dots", "probability ( B | A ) { (a0) 0.5.0, 0.5; (a1) 0.5, 0.5; }", 4, "B",
     "'0.5.0' is not a number"),
    ("negative", "probability ( B | A ) { (a0) -0.5, 1.5; (a1) 0.5, 0.5; }", 4, "B",
     "row (a0) has a negative"),
    ("all-zero", "probability ( B | A ) { (a0) 0, 0; (a1) 0.5, 0.5; }", 4, "B",
     "row (a0) sums to 0"),
    ("too-few-numbers", "probability ( B | A ) { (a0) 1; (a1) 0.5, 0.5; }", 4, "B",
     "has 1 numbers, expected 2"),
    ("unknown-parent-state", "probability ( B | A ) { (a9) 0.5, 0.5; }", 4, "B",
     "'a9' is not a state of parent 'A'"),
    ("missing-row", "probability ( B | A ) { (a0) 0.5, 0.5; }", 4, "B",
     "no row for parents (a1)"),
    ("duplicate-row", "probability ( B | A ) { (a0) 0.5, 0.5; (a0) 0.5, 0.5; }", 4, "B",
     "given twice"),
    ("undeclared-parent", "probability ( B | Q ) { default 0.5, 0.5; }", 4, "B",
     "parent 'Q' is not declared"),
    ("cycle", "probability ( B | B ) { default 0.5, 0.5; }", 4, "B",
     "cycle in the parent structure: B -> B"),
    ("no-block-for-B", "", 2, "B", "has no probability block"),
]


@pytest.mark.parametrize("case", BAD_BIF, ids=[c[0] for c in BAD_BIF])
def test_malformed_bif_files_name_file_line_and_variable(case):
    _, block, line, variable, words = case
    with pytest.raises(BIFParseError) as info:
        parse_bif(HEAD + block, source="hostile.bif")
    error = info.value
    assert type(error) is BIFParseError
    assert (error.source, error.line, error.variable) == ("hostile.bif", line, variable)
    assert str(error).startswith(f"hostile.bif:{line}: variable {variable!r}:")
    assert words in str(error)


def _wide_bif(n_parents: int) -> str:
    """2.5 KB that would unfold into a table of 2**(n_parents + 1) numbers."""
    text = "".join(f"variable P{i} {{ type discrete [ 2 ] {{ a, b }}; }}\n"
                   for i in range(n_parents))
    text += "variable C { type discrete [ 2 ] { a, b }; }\n"
    text += "".join(f"probability ( P{i} ) {{ table 0.5, 0.5; }}\n" for i in range(n_parents))
    parents = ", ".join(f"P{i}" for i in range(n_parents))
    return text + f"probability ( C | {parents} ) {{ default 0.5, 0.5; }}\n"


@pytest.mark.parametrize("n_parents", [26, 40, 200])
def test_a_small_file_with_a_huge_table_is_refused_from_its_headers(n_parents):
    with pytest.raises(TableTooLarge) as info:
        parse_bif(_wide_bif(n_parents), source="wide.bif")
    assert info.value.variable == "C" and info.value.cells > 2 ** n_parents
    assert "max_cells" in str(info.value) and f"{n_parents} parents" in str(info.value)


def test_the_memory_ceiling_is_a_parameter():
    assert parse_bif(_wide_bif(3), max_cells=22).cpts["C"].shape == (2, 2, 2, 2)
    with pytest.raises(TableTooLarge, match="more than max_cells=21"):
        parse_bif(_wide_bif(3), max_cells=21)


def test_a_truncated_gzip_file_is_a_parse_error_naming_the_file(tmp_path):
    path = tmp_path / "cut.bif.gz"
    path.write_bytes(gzip.compress(HEAD.encode())[:30])
    with pytest.raises(BIFParseError, match="cut.bif.gz: the gzip stream is damaged"):
        read_bif(path)
    with pytest.raises(BIFParseError, match="cut.bif.gz"):
        from_bif(path)


def test_a_file_that_is_not_bif_is_a_parse_error(tmp_path):
    path = tmp_path / "noise.bif"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(BIFParseError, match="noise.bif:1:"):
        read_bif(path)


@pytest.mark.parametrize("text", ["", "   \n", "network x { }", "// only a comment\n"])
def test_empty_files_declare_no_network(text):
    with pytest.raises(BIFParseError, match="declares no variable"):
        parse_bif(text, source="empty.bif")


def _chain(n: int, exact: bool = False) -> CausalModel:
    half = Fraction(1, 2) if exact else 0.5
    parents = {f"V{i}": ([f"V{i - 1}"] if i else []) for i in range(n)}
    cpts = {f"V{i}": ([[half, half]] * 2 if i else [half, half]) for i in range(n)}
    return CausalModel(parents, cpts)


@pytest.mark.parametrize("n", [60, 1100])
def test_a_joint_too_large_to_hold_is_refused_with_its_estimate_not_an_overflow(n):
    model = _chain(n)
    with pytest.raises(ContractionTooLarge, match="the answer alone has .* elements"):
        model.query(model.variables)


def test_an_interpretation_whose_answer_cannot_fit_is_refused_before_any_path_search():
    boxes = [Box(f"p{i}", Ty(), Ty(f"W{i}")) for i in range(1100)]
    diagram = boxes[0]
    for b in boxes[1:]:
        diagram = diagram @ b
    with pytest.raises(ContractionTooLarge, match=r"1\.35e\+331 elements.*before any path"):
        interpret(diagram, {b: [0.5, 0.5] for b in boxes})


def _wide_network(n: int = 400, seed: int = 0) -> CausalModel:
    """``n`` binary variables, each with three earlier parents: its predecessor and two at
    random (the predecessor makes every variable an ancestor of the last, so a query of the
    last one needs all of them: an interaction graph of treewidth far above 64)."""
    rng = np.random.default_rng(seed)
    parents, cpts = {}, {}
    for i in range(n):
        others = rng.choice(i - 1, size=min(2, i - 1), replace=False) if i > 1 else []
        chosen = sorted({i - 1, *map(int, others)}) if i else []
        parents[f"v{i}"] = [f"v{j}" for j in chosen]
        cpts[f"v{i}"] = rng.dirichlet([1, 1], size=2 ** len(chosen)).reshape(
            (2,) * len(chosen) + (2,))
    return CausalModel(parents, cpts)


def test_a_query_no_path_can_contract_is_refused_after_one_elimination_order(monkeypatch):
    """A small answer, every path too wide: refused with the estimate after one elimination
    order per search, the constants' part first, then the whole (counted here, not timed:
    the README states the time); no greedy pairing, no other order, no cotengra."""
    import sys

    paths = sys.modules["markov.contraction.paths"]
    orders = []

    def counted(terms, out, sizes, heuristic, **limits):
        orders.append(heuristic)
        return eliminate(terms, out, sizes, heuristic, **limits)

    def no_cotengra(*args):
        raise AssertionError("cotengra ran")

    eliminate = paths.eliminate
    monkeypatch.setattr(paths, "eliminate", counted)
    monkeypatch.setattr(paths, "_cotengra_path", no_cotengra)
    model = _wide_network()
    with pytest.raises(ContractionTooLarge, match=r"within the 64 axes an array may have: "
                       r".*needs at least \d+ axes, so at least .* elements \(.* in float64\) "
                       r"and .* multiply-adds \(a heuristic estimate\); refused after "
                       r"[\d.]+ s of path search"):
        model.query("v399", evidence={"v5": 0, "v100": 1})
    assert orders == ["min-weight", "min-weight"]


def test_a_sliced_plan_is_refused_when_even_the_answer_exceeds_max_memory():
    d = P_BOX >> copy(X)
    with pytest.raises(ContractionTooLarge, match="the answer alone has 10,000 elements"):
        interpret(d, {P_BOX: np.full(100, 0.01)}, max_memory=800)
