"""The BIF reader's pass over a file: a tokenizer for the short variable blocks and headers;
probability blocks are kept as text spans and handed to :mod:`causal._bif_tables` once every
variable is known, so blocks may come in any order."""

from __future__ import annotations

import math
import re
import warnings

from causal._bif_bulk import all_tables_at_once
from causal._bif_lexer import name_items, plain_file, plain_header, plain_variable, space_end, token
from causal._bif_tables import Axes, checked_table, read_entries
from causal.errors import BIFParseError, RenormalisedRows, TableTooLarge
from diagrams._lazy import record


def strip_comments(text: str) -> str:
    if "//" not in text and "/*" not in text:
        return text
    # Quoted strings are kept whole; a comment becomes its newlines, so line numbers hold.
    # (Compiled here, through re's own cache: most files have no comment.)
    comment = re.compile(r'("[^"]*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
    return comment.sub(lambda m: m.group(1) or "\n" * m.group(0).count("\n"), text)


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




class Parser:
    """One pass over the top level; probability blocks are kept as text spans and read once
    every variable is known, so blocks may come in any order."""

    def __init__(self, text: str, source: str, renormalise: bool, max_cells: int) -> None:
        self.text = text
        self.source = source
        self.renormalise = renormalise
        self.max_cells = max_cells
        self.pos = 0
        self.states: dict[str, tuple[str, ...]] = {}
        self.declared_at: dict[str, int] = {}

    # -- tokens ---------------------------------------------------------------------------
    def line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def error(self, reason: str, pos: int | None = None, variable: str | None = None):
        line = self.line_of(self.pos if pos is None else pos)
        return BIFParseError(reason, source=self.source, line=line, variable=variable)

    def next(self, variable: str | None = None) -> tuple[str, str, int]:
        """The next token as (kind, value, start): kind is 'name', a punctuation or 'eof'."""
        found = token(self.text, self.pos)
        if found is None:
            end = space_end(self.text, self.pos)
            if end == len(self.text):
                self.pos = end
                return "eof", "", end
            raise self.error("unterminated quoted name", end, variable)
        kind, value, start, self.pos = found
        return (value if kind == "punct" else "name"), value, start

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
            return name_items(tokens)
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
    def parse(self) -> Parsed:
        plain = self.plain_blocks()
        if plain is not None:
            return self.build(*plain)
        name = None
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

    def plain_blocks(self) -> tuple[str, dict] | None:
        """The network's name and its probability blocks (as :meth:`parse` keeps them),
        every variable declared, where the file is plain (:func:`plain_file`) and declares
        nothing twice; None, with nothing declared, for any other file."""
        found = plain_file(self.text)
        if found is None:
            return None
        name, items = found
        blocks: dict[str, tuple[tuple[str, ...], int, int, int]] = {}
        for kind, start, *item in items:
            if kind == "variable":
                states = _states(*item[1:])
                if states is None or item[0] in self.states:
                    break
                self.declared_at[item[0]] = start
                self.states[item[0]] = states
                continue
            child, listed, body, end = item
            parents = _parents(listed)
            if parents is None or child in blocks:
                break
            blocks[child] = (parents, start, body, end)
        else:
            return "unknown" if name is None else name, blocks
        self.states, self.declared_at = {}, {}
        return None

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

    def plain_variable(self, block_start: int) -> bool:
        """Read ``variable X { type discrete [ n ] { a, b }; }`` with str methods, the form
        of nearly every published file; False, with nothing consumed, for any other form or
        any problem, which :meth:`variable_block` then reads token by token."""
        found = plain_variable(self.text, self.pos)
        if found is None:
            return False
        var, count, listed, end = found
        states = _states(count, listed)
        if states is None or var in self.states:
            return False
        self.declared_at[var] = block_start
        self.states[var] = states
        self.pos = end
        return True

    def variable_block(self, block_start: int) -> None:
        if self.plain_variable(block_start):
            return
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
        plain = plain_header(self.text, start)
        if plain is not None:  # ( X | A, B ) { with plain names: most headers
            child, listed, end = plain
            parents = _parents(listed)
            if parents is not None:
                return self.probability_body(child, parents, end)
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
                child = name_items(tokens[:bar])
                parents = name_items(tokens[bar:])
                if len(child) != 1:
                    raise ValueError(f"expected one variable before '|', found {child}")
                names = child + parents
            else:  # the old form ( X A B ), still written by some tools
                names = name_items(tokens)
        except ValueError as e:
            raise self.error(f"{e} in a probability header", start) from None
        if not names:
            raise self.error("a probability header names no variable", start)
        child, parents = names[0], tuple(names[1:])
        self.expect("{", child, "to open the probability block")
        return self.probability_body(child, parents, self.pos)

    def probability_body(self, child: str, parents: tuple[str, ...], body: int
                         ) -> tuple[str, tuple[str, ...], int, int]:
        # The rows are cut later with str methods, not tokens: that is most of a file.
        end = _block_end(self.text, body)
        if end < 0:
            raise self.error("file ends inside the probability block", len(self.text), child)
        self.pos = end + 1
        return child, parents, body, end

    # -- the network ----------------------------------------------------------------------
    def build(self, name: str, blocks: dict) -> Parsed:
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
        self.check_size({v: block[0] for v, block in blocks.items()}, blocks)
        for var in states:
            if var not in blocks:
                raise self.error("has no probability block", self.declared_at[var], var)
        parents = {v: blocks[v][0] for v in states}
        cycle = find_cycle(parents)
        if cycle is not None:
            raise self.error("cycle in the parent structure: " + " -> ".join(cycle),
                             blocks[cycle[0]][1], cycle[0])
        cpts = None if self.renormalise else all_tables_at_once(
            {v: (Axes(v, parents[v], states), self.text[b[2]:b[3]], b[2])
             for v, b in blocks.items()}, self.error)
        if cpts is not None:
            return Parsed(name, dict(states), parents, {v: cpts[v] for v in states}, ())
        cpts, worst = {}, {}
        for v in states:
            _, start, body, end = blocks[v]
            axes = Axes(v, parents[v], states)
            found = read_entries(axes, self.text[body:end], body, self.error)
            try:
                cpts[v], off = checked_table(axes, found, body, self.error, self.renormalise)
            except BIFParseError:
                if not found.plain:
                    raise
                # Read again entry by entry: the error then names the row's own line.
                found = read_entries(axes, self.text[body:end], body, self.error, plain=False)
                cpts[v], off = checked_table(axes, found, body, self.error, self.renormalise)
            if off:
                worst[v] = off
        if worst:
            warnings.warn(RenormalisedRows(
                f"{self.source}: rows of {len(worst)} variables did not sum to 1 and were "
                f"rescaled (renormalise=True): "
                + ", ".join(f"{v!r} (off by up to {d:.3g})" for v, d in worst.items())),
                stacklevel=4)
        return Parsed(name, dict(states), parents, cpts, tuple(worst))

    def check_size(self, parents: dict[str, tuple[str, ...]], blocks: dict) -> None:
        """Refuse a network whose tables would hold more than ``max_cells`` numbers before
        any is allocated (Python integers: no overflow, whatever the cardinalities)."""
        cells = {v: math.prod(len(self.states[u]) for u in (*ps, v))
                 for v, ps in parents.items()}
        total = sum(cells.values())
        if total > self.max_cells:
            big = max(cells, key=cells.__getitem__)
            raise TableTooLarge(
                f"the tables would hold {total:,} numbers, more than max_cells="
                f"{self.max_cells:,}; the largest, with {len(parents[big])} parents, has "
                f"{cells[big]:,} (raise max_cells to read it anyway)",
                source=self.source, line=self.line_of(blocks[big][1]), variable=big,
                cells=total)


def _states(count: str, listed: str) -> tuple[str, ...] | None:
    """The states a plain variable block lists (:func:`~causal._bif_lexer.plain_variable`),
    or None where they are not ``count`` distinct names: the tokens then say what is wrong."""
    if "," in listed:
        states = tuple(" ".join(x.split()) for x in listed.split(","))
    else:
        states = tuple(listed.split())
    if not states or not all(states) or int(count) != len(states) \
            or len(set(states)) != len(states):
        return None
    return states


def _parents(listed: str | None) -> tuple[str, ...] | None:
    """The parents a plain probability header lists (:func:`~causal._bif_lexer.plain_header`),
    or None where one is empty or more than a word: the tokens then read them."""
    parents = tuple(p.strip() for p in listed.split(",")) if listed else ()
    if all(len(p.split()) == 1 for p in parents):
        return parents
    return None


def find_cycle(parents: dict[str, tuple[str, ...]]) -> list[str] | None:
    """The variables of one directed cycle, first repeated at the end, or None (Kahn's
    algorithm: linear, and only a cyclic graph pays for the walk that names the cycle)."""
    waiting = {v: len(ps) for v, ps in parents.items()}
    children: dict[str, list[str]] = {v: [] for v in parents}
    for v, ps in parents.items():
        for p in ps:
            children[p].append(v)
    ready = [v for v, n in waiting.items() if n == 0]
    while ready:
        for c in children[ready.pop()]:
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
    left = {v for v, n in waiting.items() if n > 0}
    if not left:
        return None
    # Every variable left has a parent left: walk up parents until one repeats.
    path, seen, v = [], {}, next(v for v in parents if v in left)
    while v not in seen:
        seen[v] = len(path)
        path.append(v)
        v = next(p for p in parents[v] if p in left)
    cycle = path[seen[v]:][::-1]  # parent -> child order
    return cycle + [cycle[0]]


# A record (diagrams._lazy.record): a named tuple without namedtuple's per-class compile.
class Parsed(record("Parsed", ("name", "states", "parents", "cpts", "renormalised"))):
    """What a file says: the arguments of a ``BayesNetSpec`` (its name; each variable's
    states and parents, as tuples of names; its table; the variables whose rows were
    renormalised)."""

    __slots__ = ()
