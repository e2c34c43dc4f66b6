"""The BIF reader agrees with pgmpy on its 24 bundled networks, round-trips through the writer,
and turns every malformed file into a BIFParseError that names the variable."""

from __future__ import annotations

import gzip
import importlib.util
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import causal._bif_parser as bif_parser
from causal.bif import ROW_TOLERANCE, BayesNetSpec, format_bif, parse_bif, read_bif, write_bif
from causal.errors import (
    BIFParseError,
    CausalError,
    CyclicModel,
    InvalidCPT,
    RenormalisedRows,
    UnknownVariable,
)


def _example_dir() -> Path | None:
    spec = importlib.util.find_spec("pgmpy")  # locate the files without importing pgmpy
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "utils" / "example_models"


EXAMPLES = _example_dir()
NETWORKS = sorted(p.name[: -len(".bif.gz")] for p in EXAMPLES.glob("*.bif.gz")) if EXAMPLES else []


# ------------------------------------------------------------------ agreement with pgmpy


_GRAMMARS: dict = {}


def _pgmpy_reference(path: str) -> dict:
    """What pgmpy reads from one file, as plain data (runs in a worker process)."""
    import logging

    logging.disable(logging.WARNING)
    from pgmpy.readwrite import BIFReader

    class Reader(BIFReader):
        # pgmpy builds its pyparsing grammar anew for every file (~0.8 s, a third of the
        # reference's cost); the grammar holds no state, so build it once per process.
        def get_variable_grammar(self):
            if "variable" not in _GRAMMARS:
                _GRAMMARS["variable"] = super().get_variable_grammar()
            return _GRAMMARS["variable"]

        def get_probability_grammar(self):
            if "probability" not in _GRAMMARS:
                _GRAMMARS["probability"] = super().get_probability_grammar()
            return _GRAMMARS["probability"]

    with gzip.open(path, "rt") as f:
        reader = Reader(string=f.read())
    model = reader.get_model()
    cpds = {
        cpd.variable: (list(cpd.variables), np.asarray(cpd.values, dtype=np.float64),
                       {v: list(s) for v, s in cpd.state_names.items()})
        for cpd in model.get_cpds()
    }
    return {
        "name": model.name,
        "variables": list(model.nodes()),
        "states": {v: list(s) for v, s in reader.variable_states.items()},
        "parents": {v: list(ps) for v, ps in reader.variable_parents.items()},
        "cpds": cpds,
    }


@pytest.fixture(scope="module")
def specs():
    """Parsed networks, each read once per module."""
    cache: dict[str, BayesNetSpec] = {}

    def get(name: str) -> BayesNetSpec:
        if name not in cache:
            cache[name] = read_bif(EXAMPLES / f"{name}.bif.gz")
        return cache[name]

    return get


@pytest.fixture(scope="module")
def pgmpy_reference(request):
    """pgmpy's reading of each selected network. pgmpy's pyparsing reader takes ~50 s of CPU
    for all 24, so without pytest-xdist the selected files go to a process pool, largest
    first; under xdist each worker reads its own in-process."""
    pytest.importorskip("pgmpy")
    wanted = {
        item.callspec.params["network"]
        for item in request.session.items
        if hasattr(item, "callspec") and "network" in item.callspec.params
        and item.module is request.module
    }
    workers = min(len(wanted), os.cpu_count() or 1, 4)
    if os.environ.get("PYTEST_XDIST_WORKER") or workers < 2:
        yield lambda name: _pgmpy_reference(str(EXAMPLES / f"{name}.bif.gz"))
        return
    # spawn, not fork: pgmpy imports torch, whose thread pools do not survive a fork.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    order = sorted(wanted, key=lambda n: -(EXAMPLES / f"{n}.bif.gz").stat().st_size)
    futures = {n: pool.submit(_pgmpy_reference, str(EXAMPLES / f"{n}.bif.gz")) for n in order}
    yield lambda name: futures[name].result()
    pool.shutdown(cancel_futures=True)


@pytest.mark.slow
@pytest.mark.parametrize("network", NETWORKS)
def test_reader_agrees_with_pgmpy_on_variables_states_parents_and_tables(
    network, specs, pgmpy_reference
):
    spec, ref = specs(network), pgmpy_reference(network)
    assert spec.name == ref["name"]
    assert list(spec.states) == ref["variables"]
    for v in spec.states:
        assert list(spec.states[v]) == ref["states"][v], v
        assert list(spec.parents[v]) == ref["parents"][v], v  # the header's order
        cpd_vars, values, state_names = ref["cpds"][v]
        assert cpd_vars[0] == v and set(cpd_vars[1:]) == set(spec.parents[v]), v
        for u in cpd_vars:
            assert list(spec.states[u]) == state_names[u], (v, u)
        # pgmpy's values are [v, *evidence] in its own evidence order: move axes by name.
        axes = [cpd_vars.index(u) for u in (*spec.parents[v], v)]
        expected = values.reshape([len(spec.states[u]) for u in cpd_vars]).transpose(axes)
        sums = expected.sum(axis=-1, keepdims=True)
        expected = np.where(np.abs(sums - 1) > ROW_TOLERANCE, expected / sums, expected)
        assert spec.cpts[v].dtype == np.float64
        np.testing.assert_allclose(spec.cpts[v], expected, rtol=0, atol=1e-12, err_msg=v)
        np.testing.assert_allclose(spec.cpts[v].sum(axis=-1), 1.0, atol=ROW_TOLERANCE)


@pytest.mark.parametrize("network", NETWORKS)
def test_writer_output_reads_back_to_an_equal_spec(network, specs):
    spec = specs(network)
    again = parse_bif(format_bif(spec))
    assert again == spec
    for v in spec.states:  # equal means bit for bit: repr round-trips float64
        assert np.array_equal(again.cpts[v], spec.cpts[v])


@pytest.mark.skipif(not NETWORKS, reason="pgmpy's example networks are not installed")
def test_large_networks_parse_quickly():
    import time

    for name in ("munin", "link", "pathfinder"):
        start = time.perf_counter()
        spec = read_bif(EXAMPLES / f"{name}.bif.gz")
        assert time.perf_counter() - start < 3.0, name
        assert len(spec.states) > 100


# ------------------------------------------------------------------ the format's corners

ODD = """
/* A header comment
   over three lines. */
network "odd network" {
  property author = "someone; with a semicolon" ;
}
variable Soil.type-2 {
  type discrete [ 3 ] { Asy/Patch, >=3, "two words" };   // a comment after the states
  property position = (10, 20) ;
}
variable R { type discrete[2]{ yes no }; }
variable "Wet grass" {
  type discrete [ 2 ] { wet, dry };
}
probability ( Soil.type-2 ) {
  table 2.5e-1, 5E-1, 0.25;
}
probability ( R ) { table 0.3 0.7; }
probability ( "Wet grass" | Soil.type-2, R ) {
  (Asy/Patch, yes) 1.0e0, 0.0;
  (">=3", no) 0.5, 0.5;
  ("two words", yes) 0.25, 0.75;
  default 0.1, 0.9;
}
"""


def test_odd_names_comments_properties_default_and_scientific_notation_are_read():
    spec = parse_bif(ODD)
    assert spec.name == "odd network"
    assert spec.variables == ("Soil.type-2", "R", "Wet grass")
    assert spec.states["Soil.type-2"] == ("Asy/Patch", ">=3", "two words")
    assert spec.states["R"] == ("yes", "no")  # states separated by spaces, no commas
    assert spec.parents["Wet grass"] == ("Soil.type-2", "R")
    np.testing.assert_array_equal(spec.cpts["Soil.type-2"], [0.25, 0.5, 0.25])
    wet = spec.cpts["Wet grass"]
    assert wet.shape == (3, 2, 2)
    np.testing.assert_array_equal(wet[0, 0], [1.0, 0.0])
    np.testing.assert_array_equal(wet[1, 1], [0.5, 0.5])
    np.testing.assert_array_equal(wet[2, 0], [0.25, 0.75])
    np.testing.assert_array_equal(wet[0, 1], [0.1, 0.9])  # from default
    assert parse_bif(format_bif(spec)) == spec  # odd names are quoted on the way out


def test_conditional_table_lists_the_variable_slowest_and_old_headers_need_no_bar():
    text = """
    variable A { type discrete [ 2 ] { a0, a1 }; }
    variable B { type discrete [ 3 ] { b0, b1, b2 }; }
    probability ( A ) { table 0.5, 0.5; }
    probability ( B A ) { table 0.1, 0.2, 0.3, 0.4, 0.6, 0.4; }
    """
    spec = parse_bif(text)
    assert spec.parents["B"] == ("A",)
    # B's states vary slowest: P(B=b0|a0)=0.1, P(B=b0|a1)=0.2, P(B=b1|a0)=0.3, ...
    np.testing.assert_array_equal(spec.cpts["B"], [[0.1, 0.3, 0.6], [0.2, 0.4, 0.4]])


def test_probability_blocks_may_precede_their_variables_and_rows_come_in_any_order():
    text = """
    probability ( B | A ) { (a1) 0.2, 0.8; (a0) 0.9, 0.1; }
    probability ( A ) { table 0.5, 0.5; }
    variable B { type discrete [ 2 ] { b0, b1 }; }
    variable A { type discrete [ 2 ] { a0, a1 }; }
    """
    spec = parse_bif(text)
    assert spec.variables == ("B", "A")
    np.testing.assert_array_equal(spec.cpts["B"], [[0.9, 0.1], [0.2, 0.8]])


def test_parent_axes_follow_the_header_order_with_the_first_parent_slowest():
    text = """
    variable A { type discrete [ 2 ] { a0, a1 }; }
    variable B { type discrete [ 3 ] { b0, b1, b2 }; }
    variable C { type discrete [ 2 ] { c0, c1 }; }
    probability ( A ) { table 0.5, 0.5; }
    probability ( B ) { table 0.2, 0.3, 0.5; }
    probability ( C | B, A ) { default 0.5, 0.5; (b2, a0) 0.1, 0.9; (b0, a1) 0.7, 0.3; }
    """
    spec = parse_bif(text)
    assert spec.parents["C"] == ("B", "A") and spec.cpts["C"].shape == (3, 2, 2)
    np.testing.assert_array_equal(spec.cpts["C"][2, 0], [0.1, 0.9])
    np.testing.assert_array_equal(spec.cpts["C"][0, 1], [0.7, 0.3])
    np.testing.assert_array_equal(spec.cpts["C"][1, 1], [0.5, 0.5])


ROUNDED = """
variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 2 ] { b0, b1 }; }
probability ( A ) { table 0.3333333, 0.6666666; }
probability ( B | A ) { (a0) 0.2999, 0.7; (a1) 0.5, 0.5; }
"""


def test_a_row_off_by_more_than_the_tolerance_is_an_error_naming_line_variable_and_row():
    with pytest.raises(BIFParseError, match=r"^net\.bif:5: variable 'B': row \(a0\) sums "
                       r"to 0\.9999, not 1 \(tolerance 1e-06\)") as info:
        parse_bif(ROUNDED, source="net.bif")
    assert (info.value.line, info.value.variable) == (5, "B")


def test_renormalise_rescales_rows_off_by_more_than_the_tolerance_and_warns():
    with pytest.warns(RenormalisedRows, match=r"'B' \(off by up to 0\.0001\)"):
        spec = parse_bif(ROUNDED, renormalise=True)
    assert spec.renormalised == ("B",)
    np.testing.assert_array_equal(spec.cpts["A"], [0.3333333, 0.6666666])  # off by 1e-7
    np.testing.assert_allclose(spec.cpts["B"][0], [0.2999 / 0.9999, 0.7 / 0.9999], rtol=1e-15)
    np.testing.assert_array_equal(spec.cpts["B"][1], [0.5, 0.5])


def test_gzip_is_recognised_by_its_magic_bytes_not_its_suffix(tmp_path):
    spec = parse_bif(ODD)
    write_bif(spec, tmp_path / "net.bif.gz")
    assert (tmp_path / "net.bif.gz").read_bytes()[:2] == b"\x1f\x8b"
    (tmp_path / "compressed.bif").write_bytes((tmp_path / "net.bif.gz").read_bytes())
    (tmp_path / "plain.bif.gz").write_text(format_bif(spec))
    for name in ("net.bif.gz", "compressed.bif", "plain.bif.gz"):
        assert read_bif(tmp_path / name) == spec, name


def test_spec_is_plain_frozen_data_with_read_only_tables():
    spec = parse_bif(ODD)
    with pytest.raises(AttributeError):
        spec.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError):
        spec.cpts["R"][0] = 1.0
    assert "3 variables" in repr(spec)


def test_specs_built_in_code_are_checked_with_the_causal_errors():
    states = {"A": ("a0", "a1"), "B": ("b0", "b1")}
    good = {"A": [0.5, 0.5], "B": [[0.5, 0.5], [0.5, 0.5]]}
    with pytest.raises(InvalidCPT, match="'B'.*shape"):
        BayesNetSpec("x", states, {"A": (), "B": ("A",)}, {"A": [0.5, 0.5], "B": [0.5, 0.5]})
    with pytest.raises(CyclicModel, match="cycle"):
        BayesNetSpec("x", states, {"A": ("B",), "B": ("A",)},
                     {"A": [[0.5, 0.5]] * 2, "B": [[0.5, 0.5]] * 2})
    with pytest.raises(UnknownVariable, match="'B'.*parent 'C'"):
        BayesNetSpec("x", states, {"A": (), "B": ("C",)}, good)
    with pytest.raises(InvalidCPT, match="'B'.*not an array of real numbers"):
        BayesNetSpec("x", states, {"A": (), "B": ("A",)}, {**good, "B": [[0.5, 0.5], [1]]})
    with pytest.raises(InvalidCPT, match="'A'.*row \\(\\) sums to 0.9"):
        BayesNetSpec("x", states, {"A": (), "B": ("A",)}, {**good, "A": [0.4, 0.5]})


def test_names_with_syntax_characters_are_quoted_and_read_back_exactly():
    nasty = ("(-inf, 0.5]", "a;b", "x}y{", " padded  twice ", "tab\there", "//c", "/*d*/",
             "table", "|", "default")
    spec = BayesNetSpec(
        "net { 1 }",
        {"A (cm)": nasty, "B;": ("b0", "b1")},
        {"A (cm)": (), "B;": ("A (cm)",)},
        {"A (cm)": np.full(len(nasty), 1 / len(nasty)),
         "B;": np.tile([0.25, 0.75], (len(nasty), 1))},
    )
    again = parse_bif(format_bif(spec))
    assert again == spec
    assert again.states["A (cm)"] == nasty


def test_names_that_cannot_be_written_are_refused():
    spec = BayesNetSpec("x", {"A": ('say "hi"', "a1")}, {"A": ()}, {"A": [0.5, 0.5]})
    with pytest.raises(ValueError, match="say"):
        format_bif(spec)


# ------------------------------------------------------------------ errors name the variable

HEAD = """network t { }
variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 2 ] { b0, b1 }; }
probability ( A ) { table 0.5, 0.5; }
"""


@pytest.mark.parametrize(
    "block, variable, line, words",
    [
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) 0.5, -0.1; }", "B", 7, "negative"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) nan, 0.5; }", "B", 7,
         "row (a1): 'nan' is not a number"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) 0_5, 0.5; }", "B", 7,
         "row (a1): '0_5' is not a number"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) -0.5, 1.5; }", "B", 7,
         "row (a1) has a negative"),
        ("probability ( B | A ) {\n (a0) 0.0, 0.0;\n (a1) 0.5, 0.5; }", "B", 6, "sums to 0"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) 0.5, 0.5, 0.0; }", "B", 7,
         "3 numbers, expected 2"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) 0.5, 1/2; }", "B", 7, "'1/2'"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a2) 0.5, 0.5; }", "B", 7,
         "'a2' is not a state of parent 'A'"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a0) 0.5, 0.5; }", "B", 7, "twice"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5; }", "B", 5, "no row for parents (a1)"),
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) 0.5, 0.5 }", "B", 7, "';'"),
        ("probability ( B | C ) {\n default 0.5, 0.5; }", "B", 5, "parent 'C' is not declared"),
        ("probability ( B ) { table 0.5, 0.5; }\nprobability ( B ) { table 0.5, 0.5; }",
         "B", 6, "second probability block"),
        ("probability ( D ) { table 1; }\nprobability ( B ) { table 0.5, 0.5; }", "D", 5,
         "not declared"),
        ("variable C { type discrete [ 3 ] { c0, c1 }; }", "C", 5, "[ 3 ] states but lists 2"),
        ("variable C { type continuous [ 1 ] { c }; }", "C", 5, "'continuous'"),
        ("variable A { type discrete [ 1 ] { a }; }", "A", 5, "declared twice"),
        ("", "B", 3, "no probability block"),
    ],
)
def test_each_bad_file_raises_a_parse_error_naming_the_variable_and_line(
    block, variable, line, words
):
    with pytest.raises(BIFParseError) as info:
        parse_bif(HEAD + block, source="t.bif")
    error = info.value
    assert error.variable == variable and error.line == line and error.source == "t.bif"
    message = str(error)
    assert message.startswith(f"t.bif:{line}:") and repr(variable) in message
    assert words in message


def test_a_cycle_raises_a_parse_error_naming_a_variable_on_it():
    text = HEAD.replace("probability ( A ) { table 0.5, 0.5; }",
                        "probability ( A | C ) { default 0.5, 0.5; }") + """
    variable C { type discrete [ 2 ] { c0, c1 }; }
    probability ( B | A ) { default 0.5, 0.5; }
    probability ( C | B ) { default 0.5, 0.5; }
    """
    with pytest.raises(BIFParseError, match="cycle") as info:
        parse_bif(text)
    assert info.value.variable in {"A", "B", "C"}
    assert repr(info.value.variable) in str(info.value)
    assert "A -> B -> C" in str(info.value).replace("C -> A -> B", "A -> B -> C").replace(
        "B -> C -> A", "A -> B -> C")


def test_a_variable_that_is_its_own_parent_is_a_cycle():
    with pytest.raises(BIFParseError, match="'B'.*cycle"):
        parse_bif(HEAD + "probability ( B | B ) { default 0.5, 0.5; }")


@pytest.mark.parametrize(
    "cut, variable",
    [
        ("probability ( B | A ) {\n (a0) 0.5, 0.5;\n (a1) 0.5, 0.", "B"),
        ("probability ( B | A ) {", "B"),
        ("probability ( B | A", None),
        ("variable C { type discrete [ 2 ] { c0, c1 }; ", "C"),
        ("variable C { type discrete [ 2 ] { c0,", "C"),
    ],
)
def test_a_truncated_file_raises_a_parse_error(cut, variable):
    with pytest.raises(BIFParseError, match="end") as info:
        parse_bif(HEAD + cut)
    assert info.value.variable == variable
    if variable is not None:
        assert repr(variable) in str(info.value)


@pytest.mark.parametrize("text", ["", "  // nothing but a comment\n", "network empty { }"])
def test_a_file_without_variables_raises_a_parse_error(text):
    with pytest.raises(BIFParseError, match="no variable"):
        parse_bif(text)


@pytest.mark.parametrize(
    "cut, variable",
    [
        ("variable C { type discrete [ 2 ] { c0, c1 }; }", "B"),
        ("variable C { type discrete [ 2 ] { c0, c1 }; }\n"
         + "probability ( B | A ) { default 0.5, 0.5; }", "C"),
    ],
)
def test_a_file_cut_between_blocks_raises_a_parse_error_naming_the_variable(cut, variable):
    with pytest.raises(BIFParseError, match="no probability block") as info:
        parse_bif(HEAD + cut)
    assert info.value.variable == variable
    assert repr(variable) in str(info.value)


@pytest.mark.skipif(not NETWORKS, reason="pgmpy's example networks are not installed")
def test_every_prefix_of_a_real_file_raises_a_parse_error_not_another_exception():
    with gzip.open(EXAMPLES / "asia.bif.gz", "rt") as f:
        text = f.read()
    for end in range(text.index("variable") + 1, len(text) - 2, 7):
        with pytest.raises(BIFParseError):
            parse_bif(text[:end])


def test_a_parse_error_is_a_value_error_and_survives_pickling():
    with pytest.raises(ValueError) as info:
        parse_bif(HEAD + "probability ( B | A ) { (a0) 0.5, 0.5; }", source="t.bif")
    error = info.value
    assert isinstance(error, CausalError) and isinstance(error, BIFParseError)
    again = pickle.loads(pickle.dumps(error))
    assert (again.source, again.line, again.variable, str(again)) == (
        error.source, error.line, error.variable, str(error))


@pytest.mark.parametrize("literal, value", [("1", 1.0), ("0.25", 0.25), (".25", 0.25),
                                            ("2.5e-1", 0.25), ("+2.5E-01", 0.25),
                                            ("25e-2", 0.25), ("0.", 0.0)])
def test_decimal_and_scientific_literals_are_numbers(literal, value):
    rest = repr(1.0 - value)
    spec = parse_bif("variable A { type discrete [ 2 ] { a, b }; }\n"
                     f"probability ( A ) {{ table {literal}, {rest}; }}")
    assert spec.cpts["A"][0] == value


def test_from_bif_passes_renormalise_and_max_cells_to_the_reader(tmp_path):
    from causal import TableTooLarge, from_bif

    path = tmp_path / "rounded.bif"
    path.write_text(ROUNDED)
    with pytest.raises(BIFParseError, match="row \\(a0\\) sums to 0.9999"):
        from_bif(path)
    with pytest.warns(RenormalisedRows):
        model = from_bif(path, renormalise=True)
    np.testing.assert_allclose(model.cpts["B"].sum(axis=-1), 1.0, rtol=0, atol=1e-15)
    with pytest.raises(TableTooLarge):
        from_bif(path, max_cells=5)


def test_a_gzip_file_of_several_members_or_zero_padded_reads_as_gzip_reads_it(tmp_path):
    text = (EXAMPLES / "asia.bif.gz").read_bytes()
    plain = gzip.decompress(text)
    half = len(plain) // 2
    joined = gzip.compress(plain[:half]) + gzip.compress(plain[half:]) + b"\0" * 8
    path = tmp_path / "joined.bif.gz"
    path.write_bytes(joined)
    assert read_bif(path) == read_bif(EXAMPLES / "asia.bif.gz")
    damaged = bytearray(gzip.compress(plain))
    damaged[-6] ^= 0xFF  # the CRC of the data
    path.write_bytes(bytes(damaged))
    with pytest.raises(BIFParseError, match="joined.bif.gz: the gzip stream is damaged"):
        read_bif(path)


# ------------------------------------------------------- the plain scan and the token reader

_PLAIN_PARTS = ["network", " n ", "{", " ", "}", "\n", "variable", " A ", "{",
                " type discrete [ 2 ] { a, b }; ", "}", "\n", "variable", " B ", "{",
                " type discrete [ 3 ] { x, y z, w }; ", "}", "\n", "probability", " ( A ) ",
                "{", " table 0.2, 0.8; ", "}", "\n", "probability", " ( B | A ) ", "{",
                " (a) 0.1, 0.2, 0.7; (b) 0.3, 0.3, 0.4; ", "}", "\n"]
# Edits that keep the plain form (names, headers, state lists that may be wrong) and
# some that break it.
_EDITS = ["", " ", "\n\t", " A ", " B ", " C ", " ( A | A ) ", " ( B | A, A ) ", " ( B | C ) ",
          " ( A B ) ", " ( B | ) ", " ( C ) ", " (B|A) ", " type discrete [ 2 ] { a, a }; ",
          " type discrete [ 3 ] { a, b }; ", " type discrete [ 1 ] { , }; ",
          " type discrete [ 2 ] { a b }; ", " type discrete [2] {a,b}; ", " table 0.5, 0.5; ",
          " table 0.2 0.8; ", "table 0.2,0.8 ;", " table 0.5, 0.5; table 0.5, 0.5; ",
          " table 0.2, 0.3, 0.5; ", " table 0.2, , 0.8; ", " table 0.2 , 0.8;\n",
          " (a) 0.5, 0.5; (b) 0.5, 0.5; ", "variable A {", "probability ( A ) { table 1; }"]
_BETWEEN = [i for i, p in enumerate(_PLAIN_PARTS)  # the parts between keywords and braces
            if p not in ("network", "variable", "probability", "{", "}")]
_BREAKS = ["{", "}", ";", '"', "|", ",", "(", ")", "variable", "probability", "network",
           " property p = 1; "]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(_BETWEEN), st.sampled_from(_EDITS))
                | st.tuples(st.integers(0, len(_PLAIN_PARTS) - 1), st.sampled_from(_BREAKS)),
                max_size=2))
def test_a_file_reads_the_same_with_or_without_the_plain_scan(edits):
    # Parser.plain_blocks reads plain files without tokens; any file must give the same
    # spec, or the same error, as the token by token reader.
    parts = list(_PLAIN_PARTS)
    for i, piece in edits:
        parts[i] = piece
    text = "".join(parts)

    def outcome():
        try:
            return parse_bif(text)
        except CausalError as e:
            return type(e), str(e)

    plain, real = outcome(), bif_parser.plain_file
    bif_parser.plain_file = lambda text: None
    try:
        assert outcome() == plain
    finally:
        bif_parser.plain_file = real


def test_parents_split_by_any_whitespace_are_read_as_the_token_reader_reads_them():
    # a header's parents with no comma are one name per word, a line break included: the
    # plain scan leaves such a header to the tokens
    text = ("variable A { type discrete [ 2 ] { a, b }; }\n"
            "variable C { type discrete [ 2 ] { a, b }; }\n"
            "variable B { type discrete [ 2 ] { x, y }; }\n"
            "probability ( A ) { table 0.5, 0.5; }\nprobability ( C ) { table 0.5, 0.5; }\n"
            "probability ( B | A\nC ) { (a, a) 0.5, 0.5; (a, b) 0.5, 0.5; (b, a) 0.5, 0.5; "
            "(b, b) 0.5, 0.5; }\n")
    assert parse_bif(text).parents["B"] == ("A", "C")
    assert parse_bif(text.replace("A\nC", "A\tC")).parents["B"] == ("A", "C")
