"""One-off contractions: a small closed diagram contracted by numpy's einsum, with no plan.

A compiled plan (:mod:`markov.contraction.compile`: a canonical path search, constants
first, the pairwise program; then folding, :mod:`markov.contraction.runner`) pays for itself
when a query comes back with other values: every later call runs a few prepared steps. For
the first answer of a query on a small network, compiling is most of the work: a millisecond
or more, where the contraction itself takes microseconds. :func:`contract_once` does the
contraction without compiling anything:

- where the wires span at most :data:`ONE_EINSUM` joint states, by one einsum over every box
  at once (numpy sums the products of the joint states in C);
- else along the min-weight elimination order (:func:`~markov.contraction.elimination.
  eliminate`, the first and cheapest order the compiled search tries), one two-operand einsum
  a step, where that order costs at most :data:`ONE_OFF` multiply-adds.

A caller compiles the plan when the same query is asked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from markov.arrays.steps import NumpyOps
from markov.contraction.elimination import eliminate, label_uses, linear_to_ssa

#: Joint states (the product of every wire's size) up to which one einsum over every box is
#: the cheapest contraction: about a hundred microseconds at this size.
ONE_EINSUM = 2**12
#: Multiply-adds of the min-weight order up to which a one-off contraction runs it step by
#: step (a few milliseconds at most); above, the compiled plan's better path (and matrix
#: products) is worth its search even for one call. An order stops as soon as it passes
#: this, so a network too large for it loses little to the try (a few percent of its first
#: answer on diabetes and mildew).
ONE_OFF = 2**20
#: The labels one einsum call may use (numpy's 52 letters).
_LABELS = 52


def contract_once(diagram: Any, arrays: Sequence) -> np.ndarray | None:
    """The contraction of the closed ``diagram`` (no inputs) with ``arrays[j]``, a float
    numpy array over box ``j``'s input then output wires, as an array over the diagram's
    outputs; or None where this way does not apply (other arrays, batch axes, an output
    twice, a contraction too large or too wide, or an answer so small that it needs rescaling
    against underflow): the caller then compiles a plan.

    >>> import numpy as np
    >>> from diagrams import Box, Ty
    >>> rain, wet = Box("rain", Ty(), Ty("R")), Box("wet", Ty("R"), Ty("W"))
    >>> d = rain >> wet
    >>> contract_once(d, [np.array([0.2, 0.8]), np.array([[0.9, 0.1], [0.2, 0.8]])]).round(2)
    array([0.34, 0.66])
    """
    wires, outputs = diagram.wires, diagram.outputs
    if diagram.inputs or len(arrays) != len(diagram.boxes) or not arrays \
            or len(set(outputs)) != len(outputs):
        return None
    sizes: dict[int, int] = {}
    terms = []
    for array, ins, outs in zip(arrays, diagram.box_inputs, diagram.box_outputs):
        term = ins + outs
        if type(array) is not np.ndarray or array.dtype.kind != "f" or array.ndim != len(term):
            return None
        for w, n in zip(term, array.shape):
            sizes[w] = n
        terms.append(term)
    joint = 1
    for n in sizes.values():
        joint *= n
    try:  # sizes that disagree along a wire: numpy says so; the compiled path names it
        if joint <= ONE_EINSUM and len(wires) <= _LABELS:
            result = np.einsum(*_operands(arrays, terms), list(outputs))
        else:
            result = _stepwise(arrays, terms, outputs, sizes)
    except ValueError:
        return None
    # an answer that lost mass to underflow (or overflowed): as the compiled runner checks
    return result if result is not None and NumpyOps.fits(result, 0) else None


def _operands(arrays: Sequence, terms: Sequence) -> list:
    """einsum's sublist form: each array followed by its wires."""
    out: list = []
    for array, term in zip(arrays, terms):
        out += (array, list(term))
    return out


def _stepwise(arrays: Sequence, terms: Sequence, outputs: tuple, sizes: dict) -> Any:
    """Along the min-weight order, a two-operand einsum a step (each summing out the wires
    no later operand or output uses); None where that order costs over :data:`ONE_OFF` or
    a step would need more than 52 labels."""
    symbols = {w: chr(0x100 + w) for w in sizes}  # one character a wire, for the search
    written = ["".join(symbols[w] for w in dict.fromkeys(t)) for t in terms]
    by_symbol = {symbols[w]: n for w, n in sizes.items()}
    path, _ = eliminate(written, "".join(symbols[w] for w in outputs), by_symbol,
                        "min-weight", max_axes=_LABELS - 1, max_cost=ONE_OFF)
    if path is None:
        return None
    values, wired = list(arrays), [list(t) for t in terms]
    uses = label_uses(terms, outputs)  # terms and outputs that use each wire
    for step in linear_to_ssa(path, len(terms)):
        group = [wired[i] for i in step]
        union = list(dict.fromkeys(w for term in group for w in term))
        if len(union) > _LABELS:
            return None
        for term in group:
            for w in set(term):
                uses[w] -= 1
        kept = [w for w in union if uses[w]]
        for w in kept:
            uses[w] += 1
        local = {w: k for k, w in enumerate(union)}
        operands: list = []
        for i in step:
            operands += (values[i], [local[w] for w in wired[i]])
        values.append(np.einsum(*operands, [local[w] for w in kept]))
        wired.append(kept)
    last = wired[-1]
    local = {w: k for k, w in enumerate(last)}
    return np.einsum(values[-1], [local[w] for w in last], [local[w] for w in outputs])

