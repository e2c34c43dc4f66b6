"""The BIF reader's lexical layer, written with str methods: tokens, the keywords of table
entries, and the plain forms of variable blocks and probability headers that nearly every
published file uses. Regular expressions would say the same in a few lines, but compiling the
five a plain file needs costs a cold start about 1.5 ms; ``tests/causal/test_bif_tokens.py``
keeps them as the specification these functions are checked against."""

from __future__ import annotations

PUNCTUATION = "{}()[];,|"
NON_WORD = frozenset(PUNCTUATION + '"')  # what no word holds, with whitespace
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def token(text: str, pos: int) -> tuple[str, str, int, int] | None:
    """The token at or after ``pos``, past whitespace, as ``(kind, value, start, end)``:
    kind ``'quoted'`` (value without its quotes, from ``start`` inside them), ``'punct'``
    (one of :data:`PUNCTUATION`) or ``'word'`` (a run of anything else but whitespace and
    ``"``: ``Asy/Patch``, ``>=3``, ``0-3_days`` and ``Transp.`` are words). None at the end
    of the text or at an unterminated quote."""
    n = len(text)
    pos = space_end(text, pos)
    if pos == n:
        return None
    c = text[pos]
    if c == '"':
        end = text.find('"', pos + 1)
        return None if end < 0 else ("quoted", text[pos + 1:end], pos + 1, end + 1)
    if c in PUNCTUATION:
        return "punct", c, pos, pos + 1
    # Most words end at whitespace within a few characters: split a window, then check it.
    word = text[pos:pos + 64].split(None, 1)[0]
    if NON_WORD.isdisjoint(word) and (len(word) < 64 or pos + 64 >= n):
        return "word", word, pos, pos + len(word)
    start = pos
    while pos < n and not (text[pos] in NON_WORD or text[pos].isspace()):
        pos += 1
    return "word", text[start:pos], start, pos


def space_end(text: str, pos: int) -> int:
    """Where the whitespace at ``pos`` ends."""
    n = len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    return pos


def keyword(entry: str) -> tuple[str | None, str]:
    """An entry's leading ASCII word and the text after it, when a space, a comma or the
    end follows it (``table 0.1, 0.9``); else ``(None, entry)``."""
    rest = entry.lstrip(_LETTERS)
    k = len(entry) - len(rest)
    if k and (not rest or rest[0] == "," or rest[0].isspace()):
        return entry[:k], rest
    return None, entry


def _one_word(text: str) -> str | None:
    """The only word of ``text`` between whitespace, when it is one plain word."""
    words = text.split()
    return words[0] if len(words) == 1 and NON_WORD.isdisjoint(words[0]) else None


def plain_variable(text: str, pos: int) -> tuple[str, str, str, int] | None:
    """``NAME { type discrete [ N ] { LISTED } ; }`` after whitespace at ``pos``, with any
    whitespace between the parts, as ``(NAME, N, LISTED, end)``; None for anything else."""
    open_head = text.find("{", pos)
    open_states = text.find("{", open_head + 1) if open_head >= 0 else -1
    close = text.find("}", open_states + 1) if open_states >= 0 else -1
    end = text.find("}", close + 1) if close >= 0 else -1
    name = _one_word(text[pos:open_head]) if text[pos:pos + 1].isspace() else None
    if end < 0 or name is None or text[close + 1:end].strip() != ";":
        return None
    head = text[open_head + 1:open_states].strip()  # type discrete [ N ]
    if not (head.startswith("type") and head[4:5].isspace()):
        return None
    head = head[4:].lstrip()
    if not head.startswith("discrete"):
        return None
    head = head[8:].lstrip()
    count = head[1:-1].strip()
    listed = text[open_states + 1:close]
    if not (head[:1] == "[" and head[-1:] == "]" and count.isdecimal()) \
            or "{" in listed or '"' in listed or ";" in listed:
        return None
    return name, count, listed, end + 1


def plain_header(text: str, pos: int) -> tuple[str, str | None, int] | None:
    """``( CHILD | LISTED ) {`` or ``( CHILD ) {`` after whitespace at ``pos``, LISTED
    holding none of ``{}()[];|"``, as ``(CHILD, LISTED or None, end)``; None otherwise."""
    pos = space_end(text, pos)
    close = text.find(")", pos) if text.startswith("(", pos) else -1
    brace = space_end(text, close + 1) if close >= 0 else -1
    if brace < 0 or not text.startswith("{", brace):
        return None
    child, bar, listed = text[pos + 1:close].partition("|")
    child = _one_word(child)
    if child is None or (bar and any(c in listed for c in '{}()[];|"')):
        return None
    return child, (listed if bar else None), brace + 1


def plain_file(text: str) -> tuple[str | None, list[tuple]] | None:
    """Every block of a file in the plain form nearly every published one takes, found
    without tokens: an optional first ``network NAME { }``, then ``variable`` blocks in the
    form of :func:`plain_variable` and ``probability`` blocks with a :func:`plain_header` and
    a body holding no brace, all without quotes. The network's name (or None) and the blocks
    in order, ``("variable", start, NAME, N, LISTED)`` or ``("probability", start, CHILD,
    LISTED or None, body start, body end)``, ``start`` where the keyword is; None for any
    other text, which the reader then reads token by token."""
    if '"' in text:
        return None
    n, name, blocks = len(text), None, []
    pos = space_end(text, 0)
    if text.startswith("network", pos):
        brace = text.find("{", pos)
        close = text.find("}", brace) if brace >= 0 else -1
        name = _one_word(text[pos + 7:brace]) if text[pos + 7:pos + 8].isspace() else None
        if close < 0 or name is None or text[brace + 1:close].strip():
            return None  # properties, or another form: token by token
        pos = close + 1
    while True:
        pos = space_end(text, pos)
        if pos == n:
            return name, blocks
        if text.startswith("variable", pos):
            found = plain_variable(text, pos + 8)
            if found is None:
                return None
            blocks.append(("variable", pos, *found[:3]))
            pos = found[3]
        elif text.startswith("probability", pos):
            found = plain_header(text, pos + 11)
            end = -1 if found is None else text.find("}", found[2])
            if end < 0 or "{" in text[found[2]:end]:
                return None
            blocks.append(("probability", pos, found[0], found[1], found[2], end))
            pos = end + 1
        else:
            return None
