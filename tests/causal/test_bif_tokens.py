"""The BIF reader reads tokens, entry keywords, plain variable blocks and plain probability
headers with str methods (compiling regular expressions cost a cold start ~1.5 ms). The
regular expressions they replace are written here as their specification: on any text over
the characters that matter, each function finds exactly what its expression matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from causal._bif_lexer import keyword, plain_file, plain_header, plain_variable, space_end, token

TOKEN = re.compile(r'\s*(?:"([^"]*)"|([{}()\[\];,|])|([^\s{}()\[\];,|"]+))')
KEYWORD = re.compile(r"([A-Za-z]+)(?=[\s,]|$)(.*)", re.DOTALL)
PLAIN_VARIABLE = re.compile(
    r'\s+([^\s{}()\[\];,|"]+)\s*\{\s*type\s+discrete\s*\[\s*(\d+)\s*\]\s*\{([^{}";]*)\}'
    r'\s*;\s*\}')
PLAIN_HEADER = re.compile(r'\s*\(\s*([^\s{}()\[\];,|"]+)\s*(?:\|([^{}()\[\];|"]*))?\)\s*\{')
PLAIN_FILE = re.compile(
    r'(?:\s*network\s+[^\s{}()\[\];,|"]+\s*\{\s*\})?(?:\s*(?:variable'
    + PLAIN_VARIABLE.pattern + "|probability" + PLAIN_HEADER.pattern + r'[^{}"]*\}))*\s*')

# Whatever a BIF file's structure is made of, plus Unicode whitespace and digits.
PIECES = list('{}()[];,|" \t\n\x0b\u00a0\u2003aXy_.>=-0٣') + [
    "type", "discrete", "table", "default", "property", " [ 2 ] ", "{ a, b }", ";", "( X |",
    " A, B ) {", "variable", "\r\n"]
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _plain_variable_text():
    """Variable blocks near the plain form, with a few pieces changed."""
    parts = [" ", "Node", " ", "{", " ", "type", " ", "discrete", " ", "[", " ", "2", " ", "]",
             " ", "{", "a, b", "}", " ", ";", " ", "}"]
    return st.lists(st.tuples(st.integers(0, len(parts) - 1), st.sampled_from(PIECES + [""])),
                    max_size=2).map(lambda edits: _edited(parts, edits))


def _edited(parts, edits):
    parts = list(parts)
    for i, piece in edits:
        parts[i] = piece
    return "".join(parts)


@settings(max_examples=300)
@given(texts, st.integers(0, 3))
def test_token_is_the_token_expression(text, pos):
    pos = min(pos, len(text))
    m = TOKEN.match(text, pos)
    found = token(text, pos)
    if m is None:
        assert found is None
        assert space_end(text, pos) == re.compile(r"\s*").match(text, pos).end()
        return
    quoted, punct, _ = m.groups()
    kind = "quoted" if quoted is not None else "punct" if punct is not None else "word"
    group = {"quoted": 1, "punct": 2, "word": 3}[kind]
    assert found == (kind, m.group(group), m.start(group), m.end())


@settings(max_examples=300)
@given(texts)
def test_keyword_is_the_keyword_expression(text):
    m = KEYWORD.match(text)
    assert keyword(text) == ((m.group(1), m.group(2)) if m else (None, text))


@settings(max_examples=300)
@given(st.one_of(texts, _plain_variable_text()))
def test_plain_variable_is_its_expression(text):
    m = PLAIN_VARIABLE.match(text)
    assert plain_variable(text, 0) == (None if m is None else (*m.groups(), m.end()))


@settings(max_examples=300)
@given(st.one_of(texts, st.lists(st.sampled_from(
    [" ", "(", ")", "|", "X", "A, B", "A B", ",", "{", "[", '"', "\t"]), max_size=10).map("".join)))
def test_plain_header_is_its_expression(text):
    m = PLAIN_HEADER.match(text)
    assert plain_header(text, 0) == (None if m is None else (*m.groups(), m.end()))


def _plain_file_text():
    """Files of plain blocks, with a few pieces changed."""
    parts = ["network", " ", "n", " ", "{", " ", "}", "\n", "variable", " ", "A", " ", "{",
             " type discrete [ 2 ] { a, b }; ", "}", "\n", "probability", " ", "(", " A ", "|",
             " B ", ")", " ", "{", " (a) 0.5, 0.5; ", "}", "\n", "probability", "(A)", "{", "}"]
    return st.lists(st.tuples(st.integers(0, len(parts) - 1), st.sampled_from(PIECES + [""])),
                    max_size=2).map(lambda edits: _edited(parts, edits))


@settings(max_examples=300)
@given(st.one_of(texts, _plain_file_text()))
def test_plain_file_is_its_expression(text):
    plain = '"' not in text and PLAIN_FILE.fullmatch(text) is not None
    assert (plain_file(text) is not None) == plain


def test_examples():
    assert token('  "a b" x', 0) == ("quoted", "a b", 3, 7)
    assert token(" >=3;", 0) == ("word", ">=3", 1, 4)
    assert token(' "open', 0) is None
    assert token("a" * 100 + ";", 0) == ("word", "a" * 100, 0, 100)  # past the first window
    assert token("a" * 63 + "|b c", 0) == ("word", "a" * 63, 0, 63)
    assert keyword("table 0.1, 0.9") == ("table", " 0.1, 0.9")
    assert keyword("table0.1") == (None, "table0.1")
    assert plain_variable(" X { type discrete [ 2 ] { a, b }; }", 0) == ("X", "2", " a, b ", 36)
    assert plain_header(" ( X | A, B ) {", 0) == ("X", " A, B ", 15)
    assert plain_header(" ( X ) {", 0) == ("X", None, 8)
    assert plain_file("network n { }\nvariable X { type discrete [ 2 ] { a, b }; }\n"
                      "probability ( X ) { table 0.5, 0.5; }\n") == (
        "n", [("variable", 14, "X", "2", " a, b "), ("probability", 59, "X", None, 78, 95)])
    assert plain_file("") == (None, [])
    assert plain_file('network "n" { }') is None
