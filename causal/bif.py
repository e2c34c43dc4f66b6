"""Discrete Bayesian networks in the BIF interchange format, read and written as plain data.

A :class:`BayesNetSpec` holds what a BIF file says and nothing more: states, parents and one
conditional probability table per variable. ``cpts[v]`` has axes ``[*parents[v], v]``, so it
is row-stochastic over its last axis: the ``[*dom, *cod]`` convention of ``markov.Kernel``.

The reader needs no pgmpy. Variable blocks are small and go through a tokenizer; probability
blocks are most of a file (megabytes for mildew or diabetes) and are cut with ``str`` methods,
so the 1,000-node munin networks parse in a fraction of a second.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx
import numpy as np

from causal.errors import BIFParseError

__all__ = ["ROW_TOLERANCE", "BayesNetSpec", "format_bif", "parse_bif", "read_bif", "write_bif"]

#: A row whose sum is further than this from 1 is renormalised and reported; bnlearn's files
#: carry 4-digit tables, so sums off by ~1e-4 are rounding, not modelling.
ROW_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class BayesNetSpec:
    """A discrete Bayesian network as plain data.

    ``states`` lists the variables in file order with their states; ``parents[v]`` keeps the
    order of the file's ``probability ( v | ... )`` header; ``cpts[v]`` is a read-only float64
    array with axes ``[*parents[v], v]``. ``renormalised`` names the variables some of whose
    rows were off by more than :data:`ROW_TOLERANCE` in the file and were rescaled; it is
    provenance and does not take part in ``==``.

    >>> spec = BayesNetSpec("coin", {"C": ("h", "t"), "D": ("y", "n")},
    ...                     {"C": (), "D": ("C",)},
    ...                     {"C": [0.5, 0.5], "D": [[0.9, 0.1], [0.2, 0.8]]})
    >>> spec.cpts["D"][1]      # P(D | C=t)
    array([0.2, 0.8])
    >>> spec
    BayesNetSpec('coin', 2 variables, 1 edges)
    >>> BayesNetSpec("bad", {"C": ("h", "t")}, {"C": ()}, {"C": [0.5, 0.6]})
    Traceback (most recent call last):
    ...
    ValueError: variable 'C': row () sums to 1.1, not 1
    """

    name: str
    states: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]
    cpts: dict[str, np.ndarray]
    renormalised: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        states = {str(v): tuple(map(str, s)) for v, s in self.states.items()}
        if set(self.parents) != set(states) or set(self.cpts) != set(states):
            raise ValueError(
                "states, parents and cpts must have the same variables; "
                f"differences: {sorted(set(states) ^ set(self.parents) ^ set(self.cpts))}"
            )
        parents = {v: tuple(self.parents[v]) for v in states}
        cpts = {}
        for v, own in states.items():
            for p in parents[v]:
                if p not in states:
                    raise ValueError(f"variable {v!r}: parent {p!r} is not a variable")
            table = np.array(self.cpts[v], dtype=np.float64)  # a copy: the spec owns its arrays
            shape = tuple(len(states[p]) for p in parents[v]) + (len(own),)
            if table.shape != shape:
                raise ValueError(
                    f"variable {v!r}: table has shape {table.shape}, expected {shape} "
                    f"for axes {[*parents[v], v]}"
                )
            problem = _row_problem(table.reshape(-1, shape[-1]), states, parents[v])
            if problem is not None:
                raise ValueError(f"variable {v!r}: {problem[1]}")
            table.flags.writeable = False
            cpts[v] = table
        cycle = _find_cycle(parents)
        if cycle is not None:
            raise ValueError(f"variable {cycle[0]!r}: cycle in the parent structure: "
                             + " -> ".join(cycle))
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "parents", parents)
        object.__setattr__(self, "cpts", cpts)
        object.__setattr__(self, "renormalised", tuple(self.renormalised))

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables in file order."""
        return tuple(self.states)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BayesNetSpec):
            return NotImplemented
        return (
            self.name == other.name
            and list(self.states.items()) == list(other.states.items())
            and self.parents == other.parents
            and all(np.array_equal(self.cpts[v], other.cpts[v]) for v in self.states)
        )

    __hash__ = None  # type: ignore[assignment]  # holds dicts and arrays

    def __repr__(self) -> str:
        edges = sum(len(ps) for ps in self.parents.values())
        return f"BayesNetSpec({self.name!r}, {len(self.states)} variables, {edges} edges)"


# --------------------------------------------------------------------------------- reading

def read_bif(path: str | os.PathLike[str]) -> BayesNetSpec:
    """Read a BIF file, plain or gzip-compressed (recognised by its magic bytes).

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "rain.bif")
    >>> with open(path, "w") as f:
    ...     _ = f.write("network rain { }\\n"
    ...                 "variable Rain { type discrete [ 2 ] { yes, no }; }\\n"
    ...                 "probability ( Rain ) { table 0.2, 0.8; }\\n")
    >>> read_bif(path).cpts["Rain"]
    array([0.2, 0.8])
    """
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # gzip magic, whatever the suffix says
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # older tools wrote latin-1 state names
        text = raw.decode("latin-1")
    return parse_bif(text, source=os.fspath(path))


def parse_bif(text: str, source: str = "<string>") -> BayesNetSpec:
    """Parse the text of a BIF file; ``source`` only labels error messages.

    Rows are written ``(parent states) p1, p2, ...;``, or the whole table at once with
    ``table`` (the variable's own state varying slowest), with ``default`` for rows not listed.

    >>> spec = parse_bif('''
    ... network sprinkler { }
    ... variable Rain { type discrete [ 2 ] { yes, no }; }
    ... variable Wet { type discrete [ 2 ] { yes, no }; property note = "from a doctest"; }
    ... probability ( Rain ) { table 0.2, 0.8; }
    ... probability ( Wet | Rain ) { (yes) 0.9, 0.1; default 0.05, 0.95; }  // P(Wet | Rain)
    ... ''')
    >>> spec.parents["Wet"], spec.cpts["Wet"].shape   # axes [Rain, Wet]
    (('Rain',), (2, 2))
    >>> spec.cpts["Wet"][1]
    array([0.05, 0.95])
    >>> parse_bif("variable A { type discrete [ 2 ] { a, b }; }\\n"
    ...           "probability ( A | B ) { (b1) 0.5, 0.5; }")
    Traceback (most recent call last):
    ...
    causal.errors.BIFParseError: <string>:2: variable 'A': parent 'B' is not declared
    """
    return _Parser(_strip_comments(text), source).parse()


# A token is a quoted string, one punctuation character, or a run of anything else, so names
# such as ``Asy/Patch``, ``>=3``, ``0-3_days`` or ``Transp.`` are single words.
_TOKEN = re.compile(r'\s*(?:"([^"]*)"|([{}()\[\];,|])|([^\s{}()\[\];,|"]+))')
_SPACE = re.compile(r"\s*")
_COMMENT = re.compile(r'("[^"]*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
_KEYWORD = re.compile(r"([A-Za-z]+)(?=[\s,]|$)(.*)", re.DOTALL)


def _strip_comments(text: str) -> str:
    if "//" not in text and "/*" not in text:
        return text
    # Quoted strings are kept whole; a comment becomes its newlines, so line numbers hold.
    return _COMMENT.sub(lambda m: m.group(1) or "\n" * m.group(0).count("\n"), text)


def _items(tokens: list[tuple[str, str]]) -> list[str]:
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


def _row_header(entry: str) -> tuple[list[str], str]:
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
        m = _TOKEN.match(entry, pos)
        if m is None:
            raise ValueError("a row without ')' or with an unterminated quoted name")
        pos = m.end()
        quoted, punct, word = m.groups()
        if punct == ")":
            return _items(tokens), entry[pos:]
        if punct is not None and punct != ",":
            raise ValueError(f"unexpected {punct!r} in a row's parent states")
        tokens.append((",", ",") if punct else ("name", quoted if quoted is not None else word))


def _block_end(text: str, start: int) -> int:
    """Where the '}' closing a probability block is, skipping quoted names; -1 if nowhere."""
    pos = start
    while True:
        close = text.find("}", pos)
        quote = text.find('"', pos, len(text) if close < 0 else close)
        if quote < 0:
            return close
        pos = text.find('"', quote + 1) + 1
        if pos == 0:
            return -1


def _split_entries(body: str) -> list[str]:
    """The ';'-separated entries of a probability block, skipping quoted names."""
    if '"' not in body:
        return body.split(";")
    entries, start, pos = [], 0, 0
    while True:
        semi = body.find(";", pos)
        quote = body.find('"', pos, len(body) if semi < 0 else semi)
        if quote >= 0:
            pos = body.find('"', quote + 1) + 1  # never 0: _block_end saw the quotes close
            continue
        if semi < 0:
            entries.append(body[start:])
            return entries
        entries.append(body[start:semi])
        start = pos = semi + 1


class _Parser:
    """One pass over the top level; probability blocks are kept as text spans and read once
    every variable is known, so blocks may come in any order."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.pos = 0

    # -- tokens ---------------------------------------------------------------------------
    def error(self, reason: str, pos: int | None = None, variable: str | None = None):
        line = self.text.count("\n", 0, self.pos if pos is None else pos) + 1
        return BIFParseError(reason, source=self.source, line=line, variable=variable)

    def next(self, variable: str | None = None) -> tuple[str, str, int]:
        """The next token as (kind, value, start): kind is 'name', a punctuation or 'eof'."""
        m = _TOKEN.match(self.text, self.pos)
        if m is None:
            end = _SPACE.match(self.text, self.pos).end()
            if end == len(self.text):
                self.pos = end
                return "eof", "", end
            raise self.error("unterminated quoted name", end, variable)
        self.pos = m.end()
        quoted, punct, word = m.groups()
        if punct is not None:
            return punct, punct, m.start(2)
        return "name", quoted if quoted is not None else word, m.start(1 if word is None else 3)

    def expect(self, punct: str, variable: str | None, context: str) -> None:
        kind, value, start = self.next(variable)
        if kind != punct:
            found = "end of file" if kind == "eof" else repr(value)
            raise self.error(f"expected {punct!r} {context}, found {found}", start, variable)

    def until(self, stop: str, variable: str | None, context: str) -> list[tuple[str, str]]:
        """Tokens up to the punctuation ``stop`` (consumed), for short lists of names."""
        tokens = []
        while True:
            kind, value, start = self.next(variable)
            if kind == stop:
                return tokens
            if kind == "eof":
                raise self.error(f"file ends inside {context}", start, variable)
            if kind not in ("name", ","):
                raise self.error(f"unexpected {value!r} in {context}", start, variable)
            tokens.append((kind, value))

    def names(self, stop: str, variable: str | None, context: str) -> list[str]:
        start = self.pos
        tokens = self.until(stop, variable, context)
        try:
            return _items(tokens)
        except ValueError as e:
            raise self.error(f"{e} in {context}", start, variable) from None

    def skip_statement(self, variable: str | None, context: str) -> None:
        """Skip ``property ...;``: its value is free text, kept only by the tokenizer's quotes."""
        while True:
            kind, _, start = self.next(variable)
            if kind == ";":
                return
            if kind in ("eof", "}"):
                raise self.error(f"expected ';' to end a property in {context}", start, variable)

    # -- blocks ---------------------------------------------------------------------------
    def parse(self) -> BayesNetSpec:
        name = None
        self.states: dict[str, tuple[str, ...]] = {}
        self.declared_at: dict[str, int] = {}
        blocks: dict[str, tuple[tuple[str, ...], int, int, int]] = {}
        while True:
            kind, value, start = self.next()
            if kind == "eof":
                break
            if kind == "name" and value == "network":
                if name is not None:
                    raise self.error("a second network block", start)
                name = self.network_block()
            elif kind == "name" and value == "variable":
                self.variable_block(start)
            elif kind == "name" and value == "probability":
                child, parents, body, end = self.probability_header()
                if child in blocks:
                    raise self.error("a second probability block", start, child)
                blocks[child] = (parents, start, body, end)
            else:
                raise self.error(
                    f"expected 'network', 'variable' or 'probability', found {value!r}", start
                )
        return self.build("unknown" if name is None else name, blocks)

    def network_block(self) -> str:
        start = self.pos
        words = [value for _, value in self.until("{", None, "the network header")]
        if not words:
            raise self.error("the network has no name", start)
        while True:  # only properties live here
            kind, value, start = self.next()
            if kind == "}":
                return " ".join(words)
            if kind == "name" and value == "property":
                self.skip_statement(None, "the network block")
            else:
                found = "end of file" if kind == "eof" else repr(value)
                raise self.error(f"expected 'property' or '}}' in the network block, "
                                 f"found {found}", start)

    def variable_block(self, block_start: int) -> None:
        words = [v for _, v in self.until("{", None, "a variable header")]
        if not words:
            raise self.error("a variable without a name", block_start)
        var = " ".join(words)
        if var in self.states:
            raise self.error("declared twice", block_start, var)
        self.declared_at[var] = block_start
        states = None
        while True:
            kind, value, start = self.next(var)
            if kind == "}":
                break
            if kind == "name" and value == "property":
                self.skip_statement(var, "a variable block")
            elif kind == "name" and value == "type":
                _, kind_of, at = self.next(var)
                if kind_of != "discrete":
                    raise self.error(f"type {kind_of!r} is not supported, only 'discrete'",
                                     at, var)
                self.expect("[", var, "after 'type discrete'")
                _, count, at = self.next(var)
                self.expect("]", var, "after the number of states")
                self.expect("{", var, "before the states")
                states = tuple(self.names("}", var, "the list of states"))
                self.expect(";", var, "after the list of states")
                if not count.isdigit() or int(count) != len(states):
                    raise self.error(f"declares [ {count} ] states but lists {len(states)}: "
                                     f"{list(states)}", at, var)
                if len(set(states)) != len(states):
                    raise self.error(f"a state is listed twice: {list(states)}", at, var)
                if not states:
                    raise self.error("a variable with no states", at, var)
            elif kind == "eof":
                raise self.error("file ends inside the variable block", start, var)
            else:
                raise self.error(f"expected 'type', 'property' or '}}', found {value!r}",
                                 start, var)
        if states is None:
            raise self.error("no 'type discrete [ n ] { ... };' line", block_start, var)
        self.states[var] = states

    def probability_header(self) -> tuple[str, tuple[str, ...], int, int]:
        start = self.pos
        self.expect("(", None, "after 'probability'")
        tokens, bar = [], None
        while True:
            kind, value, at = self.next()
            if kind == ")":
                break
            if kind == "|" and bar is None:
                bar = len(tokens)
            elif kind in ("name", ","):
                tokens.append((kind, value))
            else:
                found = "end of file" if kind == "eof" else repr(value)
                raise self.error(f"unexpected {found} in a probability header", at)
        try:
            if bar is not None:  # ( X | A, B )
                child = _items(tokens[:bar])
                parents = _items(tokens[bar:])
                if len(child) != 1:
                    raise ValueError(f"expected one variable before '|', found {child}")
                names = child + parents
            else:  # the old form ( X A B ), still written by some tools
                names = _items(tokens)
        except ValueError as e:
            raise self.error(f"{e} in a probability header", start) from None
        if not names:
            raise self.error("a probability header names no variable", start)
        child, parents = names[0], tuple(names[1:])
        self.expect("{", child, "to open the probability block")
        body = self.pos
        # The rows are cut later with str methods, not tokens: that is most of a file.
        end = _block_end(self.text, body)
        if end < 0:
            raise self.error("file ends inside the probability block", len(self.text), child)
        self.pos = end + 1
        return child, parents, body, end

    # -- the network ----------------------------------------------------------------------
    def build(self, name: str, blocks: dict) -> BayesNetSpec:
        states = self.states
        if not states:  # an empty or cut-off file is no network, not an empty one
            raise self.error("the file declares no variable", len(self.text))
        for child, (parents, start, _, _) in blocks.items():
            if child not in states:
                raise self.error("has a probability block but is not declared", start, child)
            for p in parents:
                if p not in states:
                    raise self.error(f"parent {p!r} is not declared", start, child)
            if len(set(parents)) != len(parents):
                raise self.error(f"a parent is listed twice: {list(parents)}", start, child)
        for var in states:
            if var not in blocks:
                raise self.error("has no probability block", self.declared_at[var], var)
        parents = {v: blocks[v][0] for v in states}
        cycle = _find_cycle(parents)
        if cycle is not None:
            raise self.error("cycle in the parent structure: " + " -> ".join(cycle),
                             blocks[cycle[0]][1], cycle[0])
        cpts, renormalised = {}, []
        for v in states:
            table, rescaled = self.table(v, parents[v], blocks[v][2], blocks[v][3])
            cpts[v] = table
            if rescaled:
                renormalised.append(v)
        return BayesNetSpec(name, dict(states), parents, cpts, tuple(renormalised))

    def table(self, var: str, parents: tuple[str, ...], body: int,
              end: int) -> tuple[np.ndarray, bool]:
        """The CPT of ``var`` from the text between its braces, with axes [*parents, var]."""
        states = self.states
        card = len(states[var])
        cards = [len(states[p]) for p in parents]
        n_rows = int(np.prod(cards, dtype=np.int64))
        strides = np.cumprod([1] + cards[::-1])[:-1][::-1].tolist()
        index = [{s: i for i, s in enumerate(states[p])} for p in parents]
        flat = np.full((n_rows, card), np.nan)
        where = np.full(n_rows, -1, dtype=np.int64)  # text offset of each row, for errors
        rows, row_values, row_at = [], [], []
        default = table = None

        entries = _split_entries(self.text[body:end])
        last = entries[-1]
        if last.strip():
            raise self.error("expected ';' at the end of the last entry",
                             end - len(last.lstrip()), var)
        offset = body
        for entry in entries[:-1]:
            at, offset = offset, offset + len(entry) + 1
            s = entry.strip()
            if not s:
                continue
            at += len(entry) - len(entry.lstrip())
            if s[0] == "(":
                try:
                    names, numbers = _row_header(s)
                except ValueError as e:
                    raise self.error(str(e), at, var) from None
                if len(names) != len(parents):
                    raise self.error(f"row ({', '.join(names)}) names {len(names)} states for "
                                     f"{len(parents)} parents {list(parents)}", at, var)
                r = 0
                for p, idx, stride, state in zip(parents, index, strides, names):
                    i = idx.get(state)
                    if i is None:
                        raise self.error(f"row ({', '.join(names)}): {state!r} is not a state "
                                         f"of parent {p!r} {list(states[p])}", at, var)
                    r += i * stride
                rows.append(r)
                row_values.append(self.numbers(numbers, card, at, var,
                                               f"row ({', '.join(names)})"))
                row_at.append(at)
                continue
            m = _KEYWORD.match(s)
            keyword = m.group(1) if m else None
            if keyword == "table":
                if table is not None:
                    raise self.error("a second 'table'", at, var)
                values = self.numbers(m.group(2), n_rows * card, at, var, "table")
                # BIF lists a table with the variable's own state varying slowest.
                table = np.asarray(values).reshape(card, n_rows).T
                table_at = at
            elif keyword == "default":
                default = self.numbers(m.group(2), card, at, var, "default")
                default_at = at
            elif keyword == "property":
                pass
            else:
                raise self.error(f"expected a row '(...)', 'table', 'default' or 'property', "
                                 f"found {s[:30]!r}", at, var)

        if table is not None:
            if rows or default is not None:
                raise self.error("mixes 'table' with rows or 'default'", table_at, var)
            flat[:] = table
            where[:] = table_at
        if rows:
            rows_arr = np.asarray(rows, dtype=np.int64)
            if len(np.unique(rows_arr)) != len(rows_arr):
                seen = set()
                for r, at in zip(rows, row_at):
                    if r in seen:
                        raise self.error(f"row {self.config(parents, r, strides)} is given "
                                         f"twice", at, var)
                    seen.add(r)
            flat[rows_arr] = np.asarray(row_values, dtype=np.float64)
            where[rows_arr] = row_at
        if default is not None:
            missing = where < 0
            flat[missing] = default
            where[missing] = default_at
        if (where < 0).any():
            r = int(np.argmax(where < 0))
            raise self.error(f"no row for parents {self.config(parents, r, strides)} and no "
                             f"'default'", body, var)

        problem = _row_problem(flat, states, parents, check_sums=False)
        if problem is not None:
            r, reason = problem
            raise self.error(reason, int(where[r]), var)
        sums = flat.sum(axis=1)
        off = np.abs(sums - 1.0) > ROW_TOLERANCE
        if off.any():
            flat[off] /= sums[off, None]
        flat = flat.reshape(*cards, card)
        return flat, bool(off.any())

    def numbers(self, text: str, count: int, at: int, var: str, what: str) -> list[float]:
        parts = text.replace(",", " ").split()
        if len(parts) != count:
            raise self.error(f"{what} has {len(parts)} numbers, expected {count}", at, var)
        try:
            return [float(p) for p in parts]
        except ValueError:
            bad = next(p for p in parts if not _is_float(p))
            raise self.error(f"{what}: {bad!r} is not a number", at, var) from None

    def config(self, parents: tuple[str, ...], r: int, strides: list[int]) -> str:
        names = []
        for p, stride in zip(parents, strides):
            names.append(self.states[p][(r // stride) % len(self.states[p])])
        return "(" + ", ".join(names) + ")"


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _row_problem(flat: np.ndarray, states: dict, parents: tuple[str, ...],
                 check_sums: bool = True) -> tuple[int, str] | None:
    """The first row that cannot be a distribution, as (row number, reason), else None.
    The reader passes ``check_sums=False``: it rescales rows that are merely off by rounding."""
    bad = ~np.isfinite(flat).all(axis=1) | (flat < 0).any(axis=1)
    sums = flat.sum(axis=1)
    zero = ~bad & (sums <= 0)
    off = ~bad & ~zero & (np.abs(sums - 1.0) > ROW_TOLERANCE) & check_sums
    for mask, reason in ((bad, "has a negative or non-finite entry: {values}"),
                         (zero, "sums to 0 and cannot be normalised"),
                         (off, "sums to {total:.6g}, not 1")):
        if mask.any():
            r = int(np.argmax(mask))
            cards = [len(states[p]) for p in parents]
            config = np.unravel_index(r, cards) if cards else ()
            label = ", ".join(states[p][i] for p, i in zip(parents, config))
            return r, f"row ({label}) " + reason.format(values=flat[r].tolist(),
                                                         total=float(sums[r]))
    return None


def _find_cycle(parents: dict[str, tuple[str, ...]]) -> list[str] | None:
    """The variables of one directed cycle, first repeated at the end, or None."""
    graph = nx.DiGraph()
    graph.add_nodes_from(parents)
    graph.add_edges_from((p, v) for v, ps in parents.items() for p in ps)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [u for u, _ in edges] + [edges[0][0]]


# --------------------------------------------------------------------------------- writing

_PLAIN = re.compile(r'[^\s{}()\[\];,|"]+')


def _quote(name: str, what: str) -> str:
    if not name or '"' in name:  # BIF has no escape for a quote inside a quoted name
        raise ValueError(f"{what} {name!r} cannot be written in BIF: it is empty or has '\"'")
    if _PLAIN.fullmatch(name) and "//" not in name and "/*" not in name:
        return name
    return f'"{name}"'


def _rows(spec: BayesNetSpec, v: str) -> Iterator[str]:
    parents = spec.parents[v]
    table = spec.cpts[v]
    if not parents:
        yield "  table " + ", ".join(map(repr, table.tolist())) + ";"
        return
    labels = [[_quote(s, f"state of {p!r}") for s in spec.states[p]] for p in parents]
    for config, row in zip(np.ndindex(*table.shape[:-1]),
                           table.reshape(-1, table.shape[-1]).tolist()):
        head = ", ".join(labels[k][i] for k, i in enumerate(config))
        # repr is the shortest text that reads back as the same float64.
        yield f"  ({head}) " + ", ".join(map(repr, row)) + ";"


def format_bif(spec: BayesNetSpec) -> str:
    """The BIF text of a spec; :func:`parse_bif` reads it back to an equal spec.

    >>> spec = parse_bif("variable A { type discrete [ 2 ] { a0, >=1 }; }\\n"
    ...                  "probability ( A ) { table 0.25, 0.75; }")
    >>> print(format_bif(spec))
    network unknown {
    }
    variable A {
      type discrete [ 2 ] { a0, >=1 };
    }
    probability ( A ) {
      table 0.25, 0.75;
    }
    <BLANKLINE>
    >>> parse_bif(format_bif(spec)) == spec
    True
    """
    out = [f"network {_quote(spec.name, 'network name')} {{", "}"]
    for v, states in spec.states.items():
        names = ", ".join(_quote(s, f"state of {v!r}") for s in states)
        out += [f"variable {_quote(v, 'variable')} {{",
                f"  type discrete [ {len(states)} ] {{ {names} }};",
                "}"]
    for v in spec.states:
        parents = spec.parents[v]
        bar = " | " + ", ".join(_quote(p, "variable") for p in parents) if parents else ""
        out.append(f"probability ( {_quote(v, 'variable')}{bar} ) {{")
        out.extend(_rows(spec, v))
        out.append("}")
    return "\n".join(out) + "\n"


def write_bif(spec: BayesNetSpec, path: str | os.PathLike[str]) -> None:
    """Write a spec as a BIF file, gzip-compressed when the name ends in ``.gz``.

    >>> import os, tempfile
    >>> spec = parse_bif("variable A { type discrete [ 2 ] { a, b }; }\\n"
    ...                  "probability ( A ) { table 0.5, 0.5; }")
    >>> path = os.path.join(tempfile.mkdtemp(), "a.bif.gz")
    >>> write_bif(spec, path)
    >>> read_bif(path) == spec
    True
    """
    text = format_bif(spec).encode("utf-8")
    if os.fspath(path).endswith(".gz"):
        text = gzip.compress(text)
    with open(path, "wb") as f:
        f.write(text)
