"""The BIF reader's bulk path (every number of a file checked and converted at once, by array
operations over its bytes) reads exactly what the per-table path reads: the same tables, bit
for bit, on every bundled network, the same float64 as ``float()`` for every literal, and the
same errors, since it hands anything unusual to the per-table path."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import causal._bif_parser as bif_parser
from causal._bif_bulk import decimals, packed_numbers
from causal._bif_tables import NUMBER
from causal.bif import parse_bif, read_bif
from causal.errors import BIFParseError
from test_bif import EXAMPLES, NETWORKS  # the bundled networks, found without pgmpy




def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint64)


def _per_table(monkeypatch, read):
    """What ``read()`` gives when the bulk path is switched off (the reader's fallback)."""
    with monkeypatch.context() as m:
        m.setattr(bif_parser, "all_tables_at_once", lambda blocks, error: None)
        return read()


@pytest.mark.parametrize("network", NETWORKS)
def test_bulk_tables_equal_the_per_table_tables_bit_for_bit_on_every_bundled_network(
        network, monkeypatch):
    path = EXAMPLES / f"{network}.bif.gz"
    calls = []
    real = bif_parser.all_tables_at_once
    monkeypatch.setattr(bif_parser, "all_tables_at_once",
                        lambda blocks, error: calls.append(1) or real(blocks, error))
    bulk = read_bif(path)
    reference = _per_table(monkeypatch, lambda: read_bif(path))
    assert calls == [1]
    assert bulk == reference
    for v in reference.states:
        assert np.array_equal(_bits(bulk.cpts[v]), _bits(reference.cpts[v])), v


# Literals as files write them, and the odd ones: signs, exponents, 16+ digits, no digit
# before or after the point.
_DIGITS = st.text("0123456789", min_size=1, max_size=22)
_LITERALS = st.builds(
    lambda sign, whole, frac, point, exp: sign + whole + (("." + frac) if point else "") + exp,
    st.sampled_from(["", "", "", "+", "-"]), st.sampled_from(["", "0"]) | _DIGITS,
    st.sampled_from(["", "0"]) | _DIGITS, st.booleans(),
    st.sampled_from(["", ""]) | st.builds(lambda e, s, d: e + s + d, st.sampled_from("eE"),
                                          st.sampled_from(["", "+", "-"]),
                                          st.text("0123456789", min_size=0, max_size=3)))


@pytest.mark.parametrize("few", [0, 256])  # the array steps, and float() one by one
@given(st.lists(_LITERALS, min_size=1, max_size=40), st.integers(2, 64))
def test_decimals_equal_float_of_each_literal_or_refuse_a_non_number(few, words, chunk):
    import re

    got = decimals(",".join(words).encode(), chunk=chunk, few=few)
    if all(re.fullmatch(NUMBER, w) for w in words):
        expected = np.array([float(w) for w in words])
        assert got is not None and np.array_equal(_bits(got), _bits(expected))
    else:
        assert got is None


@given(st.lists(st.floats(0, 1) | st.integers(0, 10**20).map(lambda i: i / 10**20),
                min_size=1, max_size=50))
def test_decimals_read_back_every_repr_exactly(values):
    words = [repr(v) for v in values]  # repr: up to 17 significant digits, some with e-05
    got = decimals(",".join(words).encode(), few=0)
    assert np.array_equal(_bits(got), _bits(np.array(values, dtype=np.float64)))


@pytest.mark.parametrize("few", [0, 256])
def test_non_numbers_are_refused(few):
    for text in (b"1.2.3", b".", b"1e", b"1e+", b"+", b"e5", b".e5", b"1-2", b"--1", b"1+", b"",
                 b"1,,2"):
        assert decimals(text, few=few) is None, text
    assert decimals(b"1.,+.5,-0.5e+2,5E-1", few=few) == pytest.approx([1.0, 0.5, -50.0, 0.5])


@pytest.mark.parametrize("text, packed", [
    (b" 0.1, 0.9", b"0.1,0.9"),
    (b"0.1 ,\n   0.9,\t0.5 ", b"0.1,0.9,0.5"),
    (b"1e-3,2", b"1e-3,2"),
    (b"0.1 0.9", None),            # two words in one item: the per-table path counts them
    (b"0.1,,0.9", None),           # an empty item
    (b",0.1", None),
    (b"0.1,0.9,", None),
    (b"0.1,nan", None),            # not number characters at all
    (b"0.1,0_9", None),
    (b"0.1,\xc2\xa00.9", None),    # a no-break space: not ASCII whitespace
])
def test_packed_numbers_keep_one_word_per_item_or_refuse(text, packed):
    assert packed_numbers(text) == packed


HEADER = """variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 3 ] { b0, b1, b2 }; }
probability ( A ) { table 0.5, 0.5; }
"""


@pytest.mark.parametrize("rows", [
    "(a0) 0.2 0.3, 0.5; (a1) 0.1, 0.1, 0.8;",       # words split by a space only
    "(a0) 0.2, 0.3,\n 0.5; (a1)\n 0.1,0.1 , 0.8 ;",  # rows over several lines
    "(a1) 0.1, 0.1, 0.8; (a0) 0.2, 0.3, 0.5;",      # rows out of order
    "(a0) 2e-1, +.3, 5E-1; (a1) 0.1, 0.1, 0.8;",    # signs and exponents
])
def test_unusual_but_valid_rows_read_the_same_table(rows, monkeypatch):
    text = HEADER + "probability ( B | A ) { " + rows + " }"
    spec = parse_bif(text)
    assert spec.cpts["B"].tolist() == [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]
    again = _per_table(monkeypatch, lambda: parse_bif(text))
    assert np.array_equal(_bits(spec.cpts["B"]), _bits(again.cpts["B"]))


@pytest.mark.parametrize("rows, line, words", [
    ("(a0) 0.2, 0.3, 0.5;\n(a1) 0.1, 0.1, nan;", 6, "'nan' is not a number"),
    ("(a0) 0.2, 0.3, 0.5;\n(a1) 0.1, 0.1 0.8, 0.0;", 6, "4 numbers, expected 3"),
    ("(a0) 0.2, 0.3, 0.5;\n(a1) 0.1, 0.1, 0.1.8;", 6, "'0.1.8' is not a number"),
    ("(a0) 0.2, 0.3, 0.5;\n(a1) 0.1, , 0.8;", 6, "2 numbers, expected 3"),
    ("(a0) 0.2, 0.3, 0.5;\n(a1) 0.1, 0.1, 0.7;", 6, "sums to 0.9"),
])
def test_a_bad_number_in_a_bulk_file_is_named_by_the_per_table_path(rows, line, words):
    with pytest.raises(BIFParseError, match=words) as info:
        parse_bif(HEADER + "probability ( B | A ) {\n" + rows + "\n}")
    assert (info.value.line, info.value.variable) == (line, "B")


TWO_PARENTS = """variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 3 ] { b0, b1, b2 }; }
variable C { type discrete [ 2 ] { c0, c1 }; }
probability ( A ) { table 0.5, 0.5; }
probability ( B ) { table 0.2, 0.3, 0.5; }
probability ( C | A, B ) { %s }
"""


def _rows(order, spacing="(%s, %s)"):
    import itertools

    combos = [(a, b) for a, b in itertools.product(range(2), range(3))]
    if order == "first fastest":
        combos = [(a, b) for b, a in itertools.product(range(3), range(2))]
    elif order == "shuffled":
        combos = [combos[i] for i in (4, 0, 5, 2, 1, 3)]
    return " ".join((spacing % (f"a{a}", f"b{b}")) + f" {(a + 3 * b + 1) / 10}, "
                    f"{1 - (a + 3 * b + 1) / 10};" for a, b in combos)


@pytest.mark.parametrize("order", ["last fastest", "first fastest", "shuffled"])
@pytest.mark.parametrize("spacing", ["(%s, %s)", "(%s,%s)", "\n  ( %s ,\t%s )"])
def test_rows_in_any_order_and_spacing_read_the_table_of_their_names(order, spacing,
                                                                      monkeypatch):
    text = TWO_PARENTS % _rows(order, spacing)
    spec = parse_bif(text)
    for a in range(2):
        for b in range(3):
            p = (a + 3 * b + 1) / 10
            assert spec.cpts["C"][a, b].tolist() == [p, 1 - p]
    again = _per_table(monkeypatch, lambda: parse_bif(text))
    assert np.array_equal(_bits(spec.cpts["C"]), _bits(again.cpts["C"]))


def test_a_header_that_splits_a_state_in_two_words_is_an_error():
    rows = _rows("last fastest")
    assert "(a0, b0)" in rows
    with pytest.raises(BIFParseError, match="a 0"):
        parse_bif(TWO_PARENTS % rows.replace("(a0, b0)", "(a 0, b0)"))


@st.composite
def _small_file(draw):
    """A small BIF text: a root A (written as a 'table') and B | A (rows in order, reversed
    or as one 'table'), whose numbers are each drawn near a valid row or not."""
    card_a, card_b = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    entry = st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0, 1e-7, 2.0, -0.5, 1e999])

    def row(n):
        return draw(st.one_of(st.just([1.0 / n] * n), st.lists(entry, min_size=n, max_size=n)))

    states_a = ", ".join(f"a{i}" for i in range(card_a))
    states_b = ", ".join(f"b{i}" for i in range(card_b))
    a = row(card_a)
    b = [row(card_b) for _ in range(card_a)]
    if draw(st.booleans()):  # B's rows as one 'table': B's own state slowest
        body_b = "table " + ", ".join(repr(b[i][k]) for k in range(card_b)
                                      for i in range(card_a)) + ";"
    else:
        order = range(card_a)[::draw(st.sampled_from([1, -1]))]
        body_b = " ".join(f"(a{i}) " + ", ".join(map(repr, b[i])) + ";" for i in order)
    return (f"variable A {{ type discrete [ {card_a} ] {{ {states_a} }}; }}\n"
            f"variable B {{ type discrete [ {card_b} ] {{ {states_b} }}; }}\n"
            "probability ( A ) { table " + ", ".join(map(repr, a)) + "; }\n"
            "probability ( B | A ) { " + body_b + " }\n")


@given(_small_file())
def test_rows_of_a_small_file_are_checked_by_python_as_by_the_array_steps(text):
    # Up to _FEW numbers, all_tables_at_once checks rows with Python's sum; the array steps
    # check the others: both take or refuse the same tables (refused ones go per table).
    import causal._bif_bulk as bulk

    def outcome(few):
        real, found = bulk._FEW, []
        bulk._FEW = few
        real_all = bif_parser.all_tables_at_once
        bif_parser.all_tables_at_once = lambda *a: found.append(real_all(*a)) or found[-1]
        try:
            parse_bif(text)
        except BIFParseError:
            pass
        finally:
            bulk._FEW, bif_parser.all_tables_at_once = real, real_all
        return found[0]

    small, arrays = outcome(256), outcome(0)
    assert (small is None) == (arrays is None)
    if small is not None:
        assert small.keys() == arrays.keys()
        for v in small:
            assert np.array_equal(_bits(small[v]), _bits(arrays[v]))


@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.booleans())
def test_rows_in_either_order_are_placed_for_any_sizes(cards, first_fastest):
    # _in_order guesses the order from the second row and must still place every row
    import itertools

    from causal._bif_tables import Axes, _in_order

    parents = tuple(f"P{k}" for k in range(len(cards)))
    states = {p: tuple(f"{p.lower()}s{i}" for i in range(n)) for p, n in zip(parents, cards)}
    states["V"] = ("v0", "v1")
    combos = list(itertools.product(*(range(n) for n in cards)))  # the last fastest
    if first_fastest:
        combos = [c[::-1] for c in itertools.product(*(range(n) for n in cards[::-1]))]
    heads = ["\n (" + ", ".join(states[p][i] for p, i in zip(parents, c)) for c in combos]
    rows = _in_order(Axes("V", parents, states), heads)
    flat = [int(np.ravel_multi_index(c, cards)) for c in combos]
    assert rows == flat
