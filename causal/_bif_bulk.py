"""Every table of a BIF file read at once: one text of all its numbers, checked against
:data:`causal._bif_tables.NUMBER` and converted by array operations over its bytes, then
cut into tables whose rows are checked together.

Converting a decimal ``0.8222`` costs ``float()`` (or numpy's string cast) about 0.2 µs; a
file such as mildew or diabetes holds half a million of them. Here the digits of every number
are read at once: a number of at most 15 digits is an integer ``m`` below 2**53 with ``k``
digits after its point, and ``m / 10**k`` is then exactly ``float()``'s correctly rounded
value (both operands are exact doubles and IEEE division rounds correctly: Clinger's fast
path). Longer numbers and those with a sign or an exponent go through ``float()`` one by one.
"""

from __future__ import annotations

import math

import numpy as np

from causal._bif_tables import ROW_TOLERANCE, Axes, Error, number_pattern, read_entries

_SPACE = b" \t\n\r\x0b\x0c"  # the ASCII whitespace str.split() splits on
_COMMA, _DOT = ord(","), ord(".")
_MAX_DIGITS = 15  # 10**15 < 2**53: every such integer is an exact double
_POWERS = 10.0 ** np.arange(_MAX_DIGITS + 1)  # exact doubles
_ZEROS = np.uint64(0x3030303030303030)  # eight ASCII '0'
# _KEEP[k] keeps the last k of a word's 8 bytes: its high-order bytes, little-endian.
_KEEP = np.array([~((1 << 8 * (8 - k)) - 1) & (2**64 - 1) for k in range(9)], dtype=np.uint64)
# (factor, shift, mask) of each step of _eight_digits
_STEPS = [(np.uint64(f), np.uint64(s), np.uint64(m)) for f, s, m in
          ((10, 8, 0x00FF00FF00FF00FF), (100, 16, 0x0000FFFF0000FFFF), (10000, 32, 0xFFFFFFFF))]
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[list(_SPACE + b",")] = True
_SIGNED = np.zeros(256, dtype=bool)
_SIGNED[list(b"eE+-")] = True


def packed_numbers(text: bytes) -> bytes | None:
    """``text`` (numbers separated by commas, with whitespace around them) without its
    whitespace, or None unless it holds only number characters and every comma-separated
    item is one non-empty word: then its items are the words of
    ``text.replace(",", " ").split()``, one for one."""
    squeezed = text.replace(b", ", b",")  # how published files write it
    rest = squeezed.translate(None, b"0123456789.,")
    if rest:
        if rest.translate(None, _SPACE + b"eE+-"):
            return None  # anything else is for the reader's per-table path to explain
        if rest.translate(None, b"eE+-"):  # whitespace left: none may fall inside an item
            separator = _SEPARATOR[np.frombuffer(text, dtype=np.uint8)]
            words = np.count_nonzero(separator[:-1] & ~separator[1:]) + (not separator[0])
            if words != text.count(b",") + 1:
                return None
            squeezed = text.translate(None, _SPACE)
    if not squeezed or squeezed[:1] == b"," or squeezed[-1:] == b"," or b",," in squeezed:
        return None
    return squeezed


def _eight_digits(words: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The integers that the last ``k`` (0 to 8) bytes of each little-endian word write in
    ASCII digits: three multiply-and-shift steps combine neighbouring digits, then pairs,
    then fours, within the word."""
    keep = _KEEP[k]
    v = ((words & keep) | (_ZEROS & ~keep)) - _ZEROS  # one digit a byte, 0 where dropped
    for factor, shift, mask in _STEPS:
        v = (v * factor + (v >> shift)) & mask
    return v


def _gaps(ends: np.ndarray) -> np.ndarray:
    """How many bytes lie between each comma and the one before it (or the start)."""
    gaps = ends.copy()
    gaps[1:] -= ends[:-1] + 1
    return gaps


def decimals(packed: bytes, chunk: int = 1 << 16, few: int = 1200) -> np.ndarray | None:
    """The float64 values of ``packed``, numbers separated by single commas with no
    whitespace (:func:`packed_numbers`), each equal to ``float()`` of its text; None if one is
    not a :data:`NUMBER`. Read ``chunk`` bytes at a time, so that the work arrays stay in the
    processor's cache; up to ``few`` numbers (or any number of them where a quarter have an
    exponent; ``few=0`` takes the array steps always) are read by ``float()`` one by one:
    the array steps' fixed cost is ~0.2 ms in a warm process but ~0.5 ms in the first read
    of a fresh one (numpy's first calls), where ``float()`` takes ~0.4 µs a number.

    >>> decimals(b"0.25,1,.5,3.,1e-3,0.1000000000000000055511151231257827")
    array([2.5e-01, 1.0e+00, 5.0e-01, 3.0e+00, 1.0e-03, 1.0e-01])
    >>> decimals(b"0.5,1.2.3") is None, decimals(b"0.5,.") is None, decimals(b"1e") is None
    (True, True, True)
    >>> decimals(b"0.5,0.25,0.125", chunk=4, few=0)
    array([0.5  , 0.25 , 0.125])
    """
    n = packed.count(b",") + 1
    # the array steps read numbers with an exponent one by one too: where a quarter have
    # one, float() for all is faster
    many_odd = 4 * (packed.count(b"e") + packed.count(b"E")) >= n
    if few and (n <= few or many_odd) and not packed.translate(None, b"0123456789.,eE+-"):
        # float() of these characters takes exactly the NUMBER literals: no '_', 'inf',
        # 'nan' or whitespace can be written with them
        try:
            return np.array([float(word) for word in packed.split(b",")])
        except ValueError:
            return None
    out = np.empty(n)
    start = done = 0
    while True:
        stop = packed.find(b",", start + chunk)
        stop = len(packed) if stop < 0 else stop
        values = _decimals(packed[start:stop])  # an empty item is refused there
        if values is None:
            return None
        out[done:done + len(values)] = values
        done += len(values)
        if stop == len(packed):
            return out
        start = stop + 1


def _decimals(packed: bytes) -> np.ndarray | None:
    text = np.frombuffer(packed + b",", dtype=np.uint8)
    ends = (text == _COMMA).nonzero()[0]  # one past each number
    lengths = _gaps(ends)
    digits = packed.translate(None, b".eE+-") + b","
    digit_ends = (np.frombuffer(digits, dtype=np.uint8) == _COMMA).nonzero()[0]
    n_digits = _gaps(digit_ends)
    dots = lengths - n_digits  # for plain numbers, how many points each has
    odd = None  # numbers with a sign or an exponent, read by float()
    if packed.translate(None, b"0123456789.,"):
        odd = np.zeros(len(ends), dtype=bool)
        odd[np.searchsorted(ends, _SIGNED[text].nonzero()[0])] = True
        dots[odd], n_digits[odd] = 0, 1
    if dots.max() > 1 or n_digits.min() < 1:
        return None  # '1.2.3' or '.'
    # Every 8 bytes of the digits as one integer, at every offset (a view); a number's
    # last 8 digits start 8 bytes before its comma, the 8 before them 16 bytes before.
    words = np.ndarray((len(digits) + 9,), dtype="<u8", buffer=b"0" * 16 + digits,
                       strides=(1,))
    n = np.minimum(n_digits, _MAX_DIGITS)
    low = _eight_digits(words[digit_ends + 8], np.minimum(n, 8))
    n -= 8
    high = _eight_digits(words[digit_ends], np.maximum(n, 0, out=n))
    mantissa = high.astype(np.float64) * 1e8 + low
    after = np.zeros(len(ends), dtype=np.int64)  # digits after the point
    with_dot = dots == 1
    point = (text == _DOT).nonzero()[0]
    if odd is not None:  # keep the points of plain numbers, which then line up with them
        point = point[~odd[np.searchsorted(ends, point)]]
    after[with_dot] = ends[with_dot] - point - 1
    out = mantissa / _POWERS[np.minimum(after, _MAX_DIGITS)]  # exact: Clinger's fast path
    redo = n_digits > _MAX_DIGITS
    if odd is not None:
        redo |= odd
    if redo.any():
        starts = ends - lengths
        # Of these characters float() takes exactly the NUMBER literals (no '_', 'inf',
        # 'nan' or whitespace can be written with them): the pattern is for any other.
        plain = not packed.translate(None, b"0123456789.,eE+-")
        for i in redo.nonzero()[0].tolist():
            word = packed[starts[i]:ends[i]].decode()
            if not (plain or number_pattern().fullmatch(word)):
                return None
            try:
                out[i] = float(word)
            except ValueError:
                return None
    return out


def all_tables_at_once(blocks: dict[str, tuple[Axes, str, int]], error: Error
                       ) -> dict[str, np.ndarray] | None:
    """Every table of a file whose blocks are all plain (complete rows in order, or one
    ``table``), its numbers checked and converted together and its rows checked in a few
    array operations for the whole file; None when anything is not plain or not right, and
    the reader then goes table by table and names what is wrong."""
    pieces: list[str] = []
    shapes = []
    for v, (axes, body, offset) in blocks.items():
        found = read_entries(axes, body, offset, error, bulk=True)
        n_rows = math.prod(axes.cards)
        if found.default is not None or (found.table is None) == (not found.rows) \
                or (found.rows and (len(found.rows) != n_rows or len(set(found.rows)) != n_rows)):
            return None  # rows missing or given twice: the general path explains
        if found.table is not None:
            pieces.append(",".join(found.table[0]))
        elif found.plain:
            pieces += found.texts
        else:
            pieces.append(",".join(found.numbers))
        shapes.append((v, axes, n_rows, found.rows))
    packed = packed_numbers(",".join(pieces).encode().strip())
    values = None if packed is None else decimals(packed)
    if values is None or len(values) != sum(n * a.card for _, a, n, _ in shapes):
        return None
    if len(values) <= _FEW and not _rows_sum_to_one(values.tolist(), shapes):
        return None
    tables, flats, start = {}, [], 0
    for v, axes, n_rows, rows in shapes:
        chunk = values[start:start + n_rows * axes.card]
        start += n_rows * axes.card
        if not rows:  # a 'table' lists the variable's own state slowest
            flat = chunk.reshape(axes.card, n_rows).T.copy()
        elif rows == list(range(n_rows)):
            flat = chunk.reshape(n_rows, axes.card)
        else:
            flat = np.empty((n_rows, axes.card))
            flat[rows] = chunk.reshape(n_rows, axes.card)
        flats.append(flat.ravel())
        tables[v] = flat.reshape(*axes.cards, axes.card)
    if len(values) <= _FEW:
        return tables  # checked above
    lengths = np.repeat([a.card for _, a, _, _ in shapes], [n for _, _, n, _ in shapes])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    every = np.concatenate(flats)
    sums = np.add.reduceat(every, starts)
    if not (every.min() >= 0 and np.abs(sums - 1.0).max() <= ROW_TOLERANCE):
        return None  # NaN fails the comparisons too
    return tables


#: Up to this many numbers, rows are checked by Python's sum: the array steps' fixed cost
#: (thirty microseconds warm, several times that in a fresh process's first read) is most of
#: a small file's.
_FEW = 1000


def _rows_sum_to_one(values: list[float], shapes: list) -> bool:
    """Whether every number is non-negative and every row sums to 1 (within
    :data:`ROW_TOLERANCE`), the rows of each table cut from ``values`` as
    :func:`all_tables_at_once` cuts them (a ``table`` lists the variable's own state
    slowest: row ``r`` is every ``n_rows``-th number from ``r``)."""
    if min(values) < 0:
        return False
    start = 0
    for _, axes, n_rows, rows in shapes:
        size = n_rows * axes.card
        chunk = values[start:start + size]
        start += size
        cut = [chunk[r::n_rows] for r in range(n_rows)] if not rows else \
            [chunk[i:i + axes.card] for i in range(0, size, axes.card)]
        if any(abs(sum(row) - 1.0) > ROW_TOLERANCE for row in cut):
            return False
    return True
