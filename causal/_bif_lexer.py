"""The BIF reader's lexical layer, written with str methods: tokens, names in lists, the
entries of a block, a row's header and the keywords of entries, and the plain forms of
variable blocks, probability headers and whole files that nearly every published file uses.
Regular expressions would say the same in a few lines, but compiling the five a plain file
needs costs a cold start about 1.5 ms; ``tests/causal/test_bif_tokens.py`` keeps them as the
specification these functions are checked against."""

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


def name_items(tokens: list[tuple[str, str]]) -> list[str]:
    """Names in a list: comma-separated items whose words are joined by one space (pgmpy
    accepts ``{ low value, high value }``), or, with no comma at all, one name per word."""
    if not any(kind == "," for kind, _ in tokens):
        return [value for _, value in tokens]
    items, words = [], []
    for kind, value in tokens + [(",", ",")]:
        if kind == ",":
            if not words:
                raise ValueError("empty name in a comma-separated list")
            items.append(" ".join(words))
            words = []
        else:
            words.append(value)
    return items


def row_header(entry: str) -> tuple[list[str], str]:
    """Split a row ``(yes, >=3) 0.1, 0.9`` into its parent states and the text after ')'."""
    if '"' not in entry:  # the common case, with str methods only
        close = entry.find(")")
        if close < 0:
            raise ValueError("a row without ')'")
        inner = entry[1:close]
        if "," in inner:
            names = [" ".join(part.split()) for part in inner.split(",")]
            if not all(names):
                raise ValueError("empty name in a comma-separated list")
            return names, entry[close + 1:]
        return inner.split(), entry[close + 1:]
    tokens, pos = [], 1  # quoted names may hold ')' or ','
    while True:
        found = token(entry, pos)
        if found is None:
            raise ValueError("a row without ')' or with an unterminated quoted name")
        kind, value, _, pos = found
        if value == ")" and kind == "punct":
            return name_items(tokens), entry[pos:]
        if kind == "punct" and value != ",":
            raise ValueError(f"unexpected {value!r} in a row's parent states")
        tokens.append((",", ",") if kind == "punct" else ("name", value))


def split_entries(body: str) -> list[str]:
    """The ';'-separated entries of a probability block, skipping quoted names."""
    if '"' not in body:
        return body.split(";")
    entries, start, pos = [], 0, 0
    while True:
        semi = body.find(";", pos)
        quote = body.find('"', pos, len(body) if semi < 0 else semi)
        if quote >= 0:
            pos = body.find('"', quote + 1) + 1  # never 0: the block's end saw quotes close
            continue
        if semi < 0:
            entries.append(body[start:])
            return entries
        entries.append(body[start:semi])
        start = pos = semi + 1


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
    count = _count(text[open_head + 1:open_states])
    listed = text[open_states + 1:close]
    if count is None or "{" in listed or '"' in listed or ";" in listed:
        return None
    return name, count, listed, end + 1


def _count(kind: str) -> str | None:
    """N of ``type discrete [ N ]`` (N decimal digits, whitespace around the parts)."""
    words = kind.replace("[", " [ ").replace("]", " ] ").split()
    if words[:3] == ["type", "discrete", "["] and words[4:] == ["]"] and words[3].isdecimal():
        return words[3]
    return None


def plain_header(text: str, pos: int) -> tuple[str, str | None, int] | None:
    """``( CHILD | LISTED ) {`` or ``( CHILD ) {`` after whitespace at ``pos``, LISTED
    holding none of ``{}()[];|"``, as ``(CHILD, LISTED or None, end)``; None otherwise."""
    brace = text.find("{", pos)
    found = None if brace < 0 else _header(text[pos:brace])
    return None if found is None else (*found, brace + 1)


_NOT_LISTED = frozenset('{}()[];|"')


def _header(head: str) -> tuple[str, str | None] | None:
    """``( CHILD | LISTED )`` or ``( CHILD )`` with whitespace around, as (CHILD, LISTED or
    None); None otherwise (:func:`plain_header`)."""
    head = head.strip()
    if head[:1] != "(" or head[-1:] != ")":
        return None
    child, bar, listed = head[1:-1].partition("|")
    child = _one_word(child)
    if child is None or not _NOT_LISTED.isdisjoint(listed):
        return None
    return child, (listed if bar else None)


def plain_file(text: str) -> tuple[str | None, list[tuple]] | None:
    """Every block of a file in the plain form nearly every published one takes, found
    without tokens: an optional first ``network NAME { }``, then ``variable`` blocks in the
    form of :func:`plain_variable` and ``probability`` blocks with a :func:`plain_header` and
    a body holding no brace, all without quotes. The network's name (or None) and the blocks
    in order, ``("variable", start, NAME, N, LISTED)`` or ``("probability", start, CHILD,
    LISTED or None, body start, body end)``, ``start`` where the keyword is; None for any
    other text, which the reader then reads token by token. The text is cut at every '}':
    each piece is then one block (a variable's two), read by a few str methods."""
    if '"' in text:
        return None
    pieces = text.split("}")
    if pieces.pop().strip():
        return None
    name, blocks, at, i, n = None, [], 0, 0, len(pieces)
    while i < n:
        piece = pieces[i]
        head, brace, rest = piece.partition("{")
        words = head.split()
        keyword = words[0] if brace and words else None
        start = at + len(head) - len(head.lstrip())
        if keyword == "variable" and i + 1 < n and len(words) == 2:
            kind, brace, listed = rest.partition("{")
            count = _count(kind) if brace else None
            if count is None or pieces[i + 1].strip() != ";" or "{" in listed \
                    or ";" in listed or not NON_WORD.isdisjoint(words[1]):
                return None
            blocks.append(("variable", start, words[1], count, listed))
            at += len(piece) + len(pieces[i + 1]) + 2
            i += 2
            continue
        if keyword == "network" and i == 0 and len(words) == 2 \
                and NON_WORD.isdisjoint(words[1]) and not rest.strip():
            name = words[1]
        elif keyword is not None and head.lstrip().startswith("probability"):
            found = _header(head[start - at + 11:])
            if found is None or "{" in rest:
                return None
            body = at + len(head) + 1
            blocks.append(("probability", start, found[0], found[1], body, at + len(piece)))
        else:
            return None
        at += len(piece) + 1
        i += 1
    return name, blocks
