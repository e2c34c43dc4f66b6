"""Discrete Bayesian networks in the BIF interchange format, read and written as plain data.

A :class:`BayesNetSpec` holds what a BIF file says and nothing more: states, parents and one
conditional probability table per variable. ``cpts[v]`` has axes ``[*parents[v], v]``, so it
is row-stochastic over its last axis: the ``[*dom, *cod]`` convention of ``markov.Kernel``.

The reader needs no pgmpy. Variable blocks are small and go through a tokenizer; probability
blocks are most of a file (megabytes for mildew or diabetes) and are cut with ``str`` methods,
so the 1,000-node munin networks parse in a fraction of a second.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from causal._bif_parser import Parser, find_cycle, strip_comments
from causal._bif_tables import NUMBER, ROW_TOLERANCE, Axes, row_problem
from causal.errors import BIFParseError, CyclicModel, InvalidCPT, InvalidValue, UnknownVariable

if TYPE_CHECKING:
    from causal.model import CausalModel

__all__ = ["MAX_CELLS", "NUMBER", "ROW_TOLERANCE", "BayesNetSpec", "format_bif", "from_bif",
           "parse_bif", "read_bif", "write_bif"]

#: The reader's default memory ceiling: the numbers all tables of a file may hold together
#: (80 MB of float64). The largest bundled network, mildew, holds 547,158.
MAX_CELLS = 10_000_000


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
    causal.errors.InvalidCPT: variable 'C': row () sums to 1.1, not 1 (tolerance 1e-06)
    """

    name: str
    states: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]
    cpts: dict[str, np.ndarray]
    renormalised: tuple[str, ...] = ()

    # A frozen record written out: building a dataclass costs every cold start ~1 ms.
    def __init__(self, name: str, states: dict[str, tuple[str, ...]],
                 parents: dict[str, tuple[str, ...]], cpts: dict[str, np.ndarray],
                 renormalised: tuple[str, ...] = ()) -> None:
        states = {str(v): tuple(map(str, s)) for v, s in states.items()}
        if set(parents) != set(states) or set(cpts) != set(states):
            raise InvalidCPT(
                "states, parents and cpts must have the same variables; "
                f"differences: {sorted(set(states) ^ set(parents) ^ set(cpts))}"
            )
        given = cpts
        parents = {v: tuple(map(str, parents[v])) for v in states}
        for v in states:  # before the axes, which read every parent's states
            for p in parents[v]:
                if p not in states:
                    raise UnknownVariable(f"variable {v!r}: parent {p!r} is not a variable")
        cpts = {v: _checked_cpt(Axes(v, parents[v], states), given[v]) for v in states}
        cycle = find_cycle(parents)
        if cycle is not None:
            raise CyclicModel(f"variable {cycle[0]!r}: cycle in the parent structure: "
                              + " -> ".join(cycle))
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "parents", parents)
        object.__setattr__(self, "cpts", cpts)
        object.__setattr__(self, "renormalised", tuple(renormalised))

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

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


def _checked_cpt(axes: Axes, cpt: object) -> np.ndarray:
    """A read-only float64 copy of ``cpt`` (the spec owns its arrays), checked row by row."""
    v = axes.var
    try:
        table = np.array(cpt, dtype=np.float64)
    except (TypeError, ValueError) as e:  # ragged lists, strings, complex numbers
        raise InvalidCPT(f"variable {v!r}: its table is not an array of real numbers "
                         f"({e})") from None
    shape = (*axes.cards, axes.card)
    if table.shape != shape:
        raise InvalidCPT(f"variable {v!r}: table has shape {table.shape}, expected {shape} "
                         f"for axes {[*axes.parents, v]}")
    problem = row_problem(table.reshape(-1, shape[-1]), axes)
    if problem is not None:
        raise InvalidCPT(f"variable {v!r}: {problem[1]}")
    table.flags.writeable = False
    return table


# --------------------------------------------------------------------------------- reading

def read_bif(path: str | os.PathLike[str], *, renormalise: bool = False,
             max_cells: int = MAX_CELLS) -> BayesNetSpec:
    """Read a BIF file, plain or gzip-compressed (recognised by its magic bytes); the
    options are those of :func:`parse_bif`. A damaged or truncated ``.gz`` is a
    :class:`~causal.errors.BIFParseError`.

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
        try:
            raw = _gunzip(raw)
        except (EOFError, zlib.error) as e:
            raise BIFParseError(f"the gzip stream is damaged or cut short ({e})",
                                source=os.fspath(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # older tools wrote latin-1 state names
        text = raw.decode("latin-1")
    return parse_bif(text, source=os.fspath(path), renormalise=renormalise,
                     max_cells=max_cells)


def from_bif(path: str | os.PathLike[str], latent: Iterable[str] = (), *,
             renormalise: bool = False, max_cells: int | None = None) -> CausalModel:
    """Read a causal model from a BIF file, plain or gzip-compressed; the variables keep the
    file's order and outcome names (``Asy/Patch`` and the like included). Rows must sum to 1
    within ``causal.bif.ROW_TOLERANCE`` unless ``renormalise=True``; ``max_cells`` (default
    ``causal.bif.MAX_CELLS``) bounds the numbers the tables may hold (see
    :func:`causal.bif.parse_bif`).

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "wet.bif")
    >>> with open(path, "w") as f:
    ...     _ = f.write("network wet { }\\n"
    ...                 "variable Rain { type discrete [ 2 ] { yes, no }; }\\n"
    ...                 "variable Wet { type discrete [ 2 ] { yes, no }; }\\n"
    ...                 "probability ( Rain ) { table 0.2, 0.8; }\\n"
    ...                 "probability ( Wet | Rain ) { (yes) 0.9, 0.1; (no) 0.1, 0.9; }\\n")
    >>> m = from_bif(path, latent=["Rain"])
    >>> m, m.query("Wet").array.round(2).tolist()
    (<CausalModel 'wet': 2 variables (1 latent), 1 edges>, [0.26, 0.74])
    """
    # here: the model imports nothing of the reader
    from causal._construct import from_checked
    from causal.model import CausalModel

    spec = read_bif(path, renormalise=renormalise,
                    max_cells=MAX_CELLS if max_cells is None else max_cells)
    # The reader has checked what the constructor would check again (but the latents).
    return from_checked(CausalModel, spec.parents, spec.cpts, spec.states, latent=latent,
                        name=spec.name)


def _gunzip(raw: bytes) -> bytes:
    """What ``gzip.decompress`` gives (every member in turn, checksums checked, zero padding
    after the last ignored), by zlib alone: the gzip module is a cold start's import less."""
    out = []
    while raw.strip(b"\0"):
        stream = zlib.decompressobj(wbits=31)
        out.append(stream.decompress(raw))
        if not stream.eof:
            raise EOFError("the stream ends before its end-of-stream marker")
        raw = stream.unused_data
    return b"".join(out)


def parse_bif(text: str, source: str = "<string>", *, renormalise: bool = False,
              max_cells: int = MAX_CELLS) -> BayesNetSpec:
    """Parse the text of a BIF file; ``source`` only labels error messages.

    Rows are written ``(parent states) p1, p2, ...;``, or the whole table at once with
    ``table`` (the variable's own state varying slowest), with ``default`` for rows not listed.
    Numbers are decimal or scientific literals (:data:`NUMBER`; not ``nan``, ``inf`` or
    ``0_1``). A row whose sum is more than :data:`ROW_TOLERANCE` from 1 is an error naming
    its line, variable and parent states; with ``renormalise=True`` such rows are rescaled
    instead, with a :class:`~causal.errors.RenormalisedRows` warning, and listed in the
    spec's ``renormalised``. A file whose tables would hold more than ``max_cells`` numbers
    is refused from its headers, before any table is allocated
    (:class:`~causal.errors.TableTooLarge`).

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
    >>> parse_bif("variable A { type discrete [ 2 ] { a, b }; }\\n"
    ...           "probability ( A ) { table 0.2, 0.9; }")
    Traceback (most recent call last):
    ...
    causal.errors.BIFParseError: <string>:2: variable 'A': row () sums to 1.1, not 1 (tolerance 1e-06); pass renormalise=True to rescale such rows
    """
    parsed = Parser(strip_comments(str(text)), source, renormalise, max_cells).parse()
    for table in parsed.cpts.values():
        table.flags.writeable = False
    # The parser has checked every table; a second pass through the constructor would only
    # copy and check them again.
    spec = object.__new__(BayesNetSpec)
    for name, value in parsed._asdict().items():
        object.__setattr__(spec, name, value)
    return spec


# --------------------------------------------------------------------------------- writing

_PLAIN = r'[^\s{}()\[\];,|"]+'  # a name written unquoted (matched through re's cache)


def _quote(name: str, what: str) -> str:
    if not name or '"' in name:  # BIF has no escape for a quote inside a quoted name
        raise InvalidValue(f"{what} {name!r} cannot be written in BIF: it is empty or has '\"'")
    if re.fullmatch(_PLAIN, name) and "//" not in name and "/*" not in name:
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
        import gzip

        text = gzip.compress(text)
    with open(path, "wb") as f:
        f.write(text)
