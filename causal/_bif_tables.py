"""The tables of a BIF file: rows read from the text of a probability block (row parsing),
then put together into one checked array (table assembly).

Numbers follow a strict rule, :data:`NUMBER`: decimal or scientific literals only. Python's
``float()`` would also take ``0_1``, ``nan``, ``inf`` or ``infinity``, which in a table are typos
or holes, never probabilities.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from functools import cache, cached_property, lru_cache

import numpy as np

from causal._bif_lexer import keyword, row_header, split_entries

#: Largest distance of a row's sum from 1 that is taken as rounding: bnlearn's published
#: tables are off by up to ~3e-7; a row further off is an error unless the reader is asked to
#: renormalise.
ROW_TOLERANCE = 1e-6

#: A probability as written in a table: ``1``, ``0.25``, ``.5``, ``1e-3``, ``+2.5E+01``.
NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


@cache
def number_pattern() -> re.Pattern:
    """:data:`NUMBER`, compiled on first use: a file the bulk reader takes needs none."""
    return re.compile(NUMBER)


@cache
def _numbers_pattern() -> re.Pattern:  # numbers separated by one space each
    return re.compile(rf"(?:{NUMBER})(?: (?:{NUMBER}))*")


Error = Callable[..., Exception]  # error(reason, pos, variable) -> the exception to raise


# Plain classes rather than dataclasses: building a dataclass costs a cold start ~1 ms.
class Axes:
    """What a table of ``var`` looks like: its parents' states and its own."""

    def __init__(self, var: str, parents: tuple[str, ...], states: dict[str, tuple[str, ...]]):
        self.var, self.parents, self.states = var, parents, states
        # plain attributes: every table reads them, and a cached_property's first read
        # costs a lock (Python 3.11)
        self.card = len(states[var])
        self.cards = [len(states[p]) for p in parents]

    @cached_property
    def index(self) -> list[dict[str, int]]:
        """Each parent's states by name: their positions."""
        return [{s: i for i, s in enumerate(self.states[p])} for p in self.parents]

    def row_label(self, r: int) -> str:
        """The parent states of flat row ``r``, as written in a file: ``(yes, >=3)``."""
        config = np.unravel_index(r, self.cards) if self.parents else ()
        return "(" + ", ".join(self.states[p][i] for p, i in zip(self.parents, config)) + ")"


class Entries:
    """The rows of one probability block as read, before assembly. Numbers stay text until
    the whole block is checked against :data:`NUMBER` at once."""

    __slots__ = ("default", "numbers", "plain", "row_at", "rows", "table", "texts")

    def __init__(self) -> None:
        self.rows: list[int] = []  # flat row index of each '(...)' entry
        self.row_at: list[int] = []  # text offset of each, for errors
        self.numbers: list[str] = []  # their numbers, row after row
        self.table: tuple[list[str], int] | None = None
        self.default: tuple[list[str], int] | None = None
        self.plain = False  # read by the fast path, rows placed at the block's start
        self.texts: list[str] = []  # with bulk reading, the plain rows' numbers as written


# ------------------------------------------------------------------------------ row parsing

def _count(parts: list[str], expected: int, what: str) -> str | None:
    if len(parts) != expected:
        return f"{what} has {len(parts)} numbers, expected {expected}"
    return None


def _row_index(axes: Axes, names: list[str], index: list[dict[str, int]]) -> int | str:
    """The flat row of the parent states ``names``, or the reason they name none."""
    label = f"row ({', '.join(names)})"
    if len(names) != len(axes.parents):
        return f"{label} names {len(names)} states for {len(axes.parents)} parents " \
               f"{list(axes.parents)}"
    r = 0
    for p, idx, card, state in zip(axes.parents, index, axes.cards, names):
        i = idx.get(state)
        if i is None:
            return f"{label}: {state!r} is not a state of parent {p!r} {list(axes.states[p])}"
        r = r * card + i
    return r


def _in_order(axes: Axes, heads: list[str]) -> list[int] | None:
    """The flat rows of the row headers ``heads`` (the text before each ')') where they name
    every combination of parent states once, in order (the last parent varying fastest, or
    the first), written ``(a, b)`` up to whitespace: a comparison of two strings instead of
    a lookup per name. None (the caller then reads the names one by one) for any other
    order, and wherever a state is not a single word without ',' or parentheses."""
    states = tuple([axes.states[p] for p in axes.parents])
    n = math.prod(axes.cards)
    if len(heads) != n:
        return None
    found = " ".join(" \0 ".join(heads).split())
    # The second row says which order to try first (both where it is written otherwise).
    first_fastest = len(states) > 1 and len(states[0]) > 1 and " ".join(heads[1].split()) == \
        "(" + ", ".join([states[0][1], *(s[0] for s in states[1:])])
    if not first_fastest:
        expected = _headers(states, False)
        if expected is None:
            return None
        if expected == found:
            return list(range(n))
    if len(states) > 1 and _headers(states, True) == found:  # the first fastest
        rows, stride = [0], n
        for card in axes.cards:  # each parent outside those before it
            stride //= card
            rows = [r + i * stride for i in range(card) for r in rows]
        return rows
    return None


@lru_cache(maxsize=32)
def _headers(states: tuple[tuple[str, ...], ...], first_fastest: bool) -> str | None:
    """The row headers of parents with ``states``, every combination in order (the last
    parent varying fastest, or the first), each ``(a, b`` and joined by ``' \\0 '``; None
    where a state is not a single word without ',' or parentheses. Kept: the tables of a
    file share a few lists of parent states."""
    for names in states:
        words = " ".join(names)
        if len(words.split()) != len(names) or "," in words or "(" in words or ")" in words:
            return None
    if first_fastest:
        rows = [c[::-1] for c in itertools.product(*states[::-1])]
    else:
        rows = itertools.product(*states)
    return " \0 ".join(["(" + ", ".join(c) for c in rows])


def _plain_rows(axes: Axes, body: str, offset: int, bulk: bool = False) -> Entries | None:
    """The entries of a block made only of well-formed rows ``(a, b) p, q;`` (most of every
    published file), cut with ``str`` methods; None for anything else, which
    :func:`read_entries` then reads entry by entry and explains. Rows are placed at the
    block's start: an error found later reads the block again, entry by entry, to name its
    line. With ``bulk``, each row's numbers stay text (``texts``) and only their commas are
    counted here: :mod:`causal._bif_bulk` checks every row's words at once."""
    entries = body.split(";")
    if entries.pop().strip() or '"' in body or "\0" in body:
        return None
    found, commas, cards, card = Entries(), axes.card - 1, axes.cards, axes.card
    parts = [entry.partition(")") for entry in entries]
    texts = [text for _, _, text in parts]
    counts = [text.count(",") for text in texts]
    if counts.count(commas) != len(counts):
        return None
    if not bulk and any(len(text.replace(",", " ").split()) != card for text in texts):
        return None
    rows = _in_order(axes, [head for head, _, _ in parts])  # the common case
    if rows is not None:
        found.rows = rows
    else:
        index = axes.index
        for head, close, _ in parts:
            head = head.lstrip()
            if not close or head[:1] != "(" or "(" in head[1:]:
                return None
            head = head[1:]
            names = [x.strip() for x in head.split(",")] if "," in head else head.split()
            if len(names) != len(cards):
                return None
            r = 0
            for idx, n, state in zip(index, cards, names):
                i = idx.get(state)
                if i is None:
                    return None
                r = r * n + i
            found.rows.append(r)
    found.row_at = [offset] * len(found.rows)
    if bulk:
        found.texts = texts
    else:
        found.numbers = ",".join(texts).replace(",", " ").split()
    found.plain = True
    return found


def read_entries(axes: Axes, body: str, offset: int, error: Error, *, plain: bool = True,
                 bulk: bool = False) -> Entries:
    """Parse the text between a probability block's braces (``offset`` is where it starts
    in the file) into :class:`Entries`; numbers are counted here and checked later.
    ``plain=False`` reads entry by entry, keeping each row's position for errors; ``bulk``
    leaves the numbers of plain rows as text (:func:`_plain_rows`)."""
    var, card = axes.var, axes.card
    if axes.parents and plain:
        plain = _plain_rows(axes, body, offset, bulk)
        if plain is not None:
            return plain
    found = Entries()
    s = body.strip() if bulk and not axes.parents else ""
    if s.startswith("table") and s[5:6].isspace() and s.find(";") == len(s) - 1 \
            and s.count(",") == card - 1:
        found.table = (s[5:-1].split(","), offset + body.find("t"))  # a root's one entry
        return found
    entries = split_entries(body)
    last = entries[-1]
    if last.strip():
        raise error("expected ';' at the end of the last entry",
                    offset + len(body) - len(last.lstrip()), var)
    for entry in entries[:-1]:
        at, offset = offset, offset + len(entry) + 1
        s = entry.strip()
        if not s:
            continue
        at += len(entry) - len(entry.lstrip())
        if s[0] == "(":
            try:
                names, text = row_header(s)
            except ValueError as e:
                raise error(str(e), at, var) from None
            r = _row_index(axes, names, axes.index)
            parts = text.replace(",", " ").split()
            problem = r if isinstance(r, str) else _count(parts, card, f"row ({', '.join(names)})")
            if problem is not None:
                raise error(problem, at, var)
            found.rows.append(r)
            found.row_at.append(at)
            found.numbers += parts
            continue
        word, rest = keyword(s)
        if word in ("table", "default"):
            if word == "table" and found.table is not None:
                raise error("a second 'table'", at, var)
            parts = rest.replace(",", " ").split()
            size = card * math.prod(axes.cards) if word == "table" \
                else card
            problem = _count(parts, size, word)
            if problem is not None:
                raise error(problem, at, var)
            setattr(found, word, (parts, at))
        elif word != "property":
            raise error(f"expected a row '(...)', 'table', 'default' or 'property', "
                        f"found {s[:30]!r}", at, var)
    return found


def parse_numbers(parts: list[str]) -> np.ndarray | int:
    """``parts`` as float64 if every one is a :data:`NUMBER`, else the index of the first
    that is not."""
    if not parts or _numbers_pattern().fullmatch(" ".join(parts)):
        return np.array(parts, dtype=np.float64)
    number = number_pattern()
    return next(i for i, p in enumerate(parts) if not number.fullmatch(p))


# ---------------------------------------------------------------------------- table assembly

def _numbers_or_error(parts: list[str], what: Callable[[int], tuple[str, int]],
                      var: str, error: Error) -> np.ndarray:
    values = parse_numbers(parts)
    if isinstance(values, int):
        label, at = what(values)
        raise error(f"{label}: {parts[values]!r} is not a number (decimal or scientific "
                    f"notation, such as 0.25 or 2.5e-1)", at, var)
    return values


def assemble(axes: Axes, found: Entries, block_at: int, error: Error
             ) -> tuple[np.ndarray, np.ndarray]:
    """The flat table ``[rows, card]`` and, for each row, the text offset it came from."""
    var, card = axes.var, axes.card
    n_rows = math.prod(axes.cards)
    where = np.full(n_rows, -1, dtype=np.int64)
    if found.table is not None:
        if found.rows or found.default is not None:
            raise error("mixes 'table' with rows or 'default'", found.table[1], var)
        parts, at = found.table
        values = _numbers_or_error(parts, lambda i: ("table", at), var, error)
        where[:] = at
        # BIF lists a table with the variable's own state varying slowest.
        return np.ascontiguousarray(values.reshape(card, n_rows).T), where
    if found.default is None and found.rows == list(range(n_rows)):  # rows in order: no scatter
        values = _numbers_or_error(
            found.numbers,
            lambda i: (f"row {axes.row_label(i // card)}", found.row_at[i // card]),
            var, error)
        return values.reshape(n_rows, card), np.asarray(found.row_at, dtype=np.int64)
    flat = np.empty((n_rows, card))
    if found.rows:
        rows = np.asarray(found.rows, dtype=np.int64)
        if len(set(found.rows)) != len(rows):
            seen: set[int] = set()
            for r, at in zip(found.rows, found.row_at):
                if r in seen:
                    raise error(f"row {axes.row_label(r)} is given twice", at, var)
                seen.add(r)
        values = _numbers_or_error(
            found.numbers,
            lambda i: (f"row {axes.row_label(found.rows[i // card])}", found.row_at[i // card]),
            var, error)
        flat[rows] = values.reshape(-1, card)
        where[rows] = found.row_at
    if found.default is not None:
        parts, at = found.default
        missing = where < 0
        flat[missing] = _numbers_or_error(parts, lambda i: ("default", at), var, error)
        where[missing] = at
    if (where < 0).any():
        r = int(np.argmax(where < 0))
        raise error(f"no row for parents {axes.row_label(r)} and no 'default'", block_at, var)
    return flat, where


def row_problem(flat: np.ndarray, axes: Axes, check_sums: bool = True
                ) -> tuple[int, str] | None:
    """The first row that cannot be a distribution, as (row number, reason), else None;
    with ``check_sums=False`` only negative, non-finite and all-zero rows are problems."""
    sums = np.add.reduce(flat, axis=1)
    if flat.size and np.minimum.reduce(flat, axis=None) >= 0 \
            and np.maximum.reduce(np.abs(sums - 1.0)) <= ROW_TOLERANCE:
        return None  # the common case in a few array operations (NaN fails the comparisons)
    bad = ~np.isfinite(flat).all(axis=1) | (flat < 0).any(axis=1)
    zero = ~bad & (sums <= 0)
    off = ~bad & ~zero & (np.abs(sums - 1.0) > ROW_TOLERANCE) & check_sums
    for mask, reason in ((bad, "has a negative or non-finite entry: {values}"),
                         (zero, "sums to 0 and cannot be normalised"),
                         (off, "sums to {total:.10g}, not 1 (tolerance {tol:g})")):
        if mask.any():
            r = int(np.argmax(mask))
            return r, f"row {axes.row_label(r)} " + reason.format(
                values=flat[r].tolist(), total=float(sums[r]), tol=ROW_TOLERANCE)
    return None


def checked_table(axes: Axes, found: Entries, block_at: int, error: Error,
                  renormalise: bool = False) -> tuple[np.ndarray, float]:
    """The table with axes ``[*parents, var]`` and how far its worst row was from summing to
    1 when it was rescaled (0.0 when nothing was rescaled). A row off by more than
    :data:`ROW_TOLERANCE` is an error unless ``renormalise``."""
    flat, where = assemble(axes, found, block_at, error)
    problem = row_problem(flat, axes, check_sums=not renormalise)
    if problem is not None:
        r, reason = problem
        if not renormalise and "not 1" in reason:
            reason += "; pass renormalise=True to rescale such rows"
        raise error(reason, int(where[r]), axes.var)
    worst = 0.0
    if renormalise:
        sums = flat.sum(axis=1)
        off = np.abs(sums - 1.0) > ROW_TOLERANCE
        if off.any():
            worst = float(np.abs(sums - 1.0).max())
            flat[off] /= sums[off, None]
    return flat.reshape(*axes.cards, axes.card), worst
