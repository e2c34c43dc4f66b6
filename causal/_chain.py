"""Private: an estimand's product of conditionals as a diagram, each factor a box fed by the
factors (or inputs) that produce its conditioning variables; shared by the semantics whose
estimands are evaluated by interpreting that diagram (Gaussian, hybrid)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from causal.errors import CausalError
from diagrams import Box, Diagram


def chain_diagram(factors: Sequence[Any], inputs: Sequence[str], outputs: Sequence[str]
                  ) -> tuple[Diagram, dict[Box, Any]]:
    """The diagram composing ``factors`` (kernels with named ``dom`` and ``cod``) from the
    wires ``inputs`` to the wires ``outputs``, and the mapping of its boxes to the factors.

    >>> from markov import Kernel
    >>> a = Kernel.state([0.5, 0.5], cod="A")
    >>> b = Kernel([[1.0, 0.0], [0.0, 1.0]], dom="A", cod="B")
    >>> d, mapping = chain_diagram([b, a], [], ["B"])
    >>> [box.name for box in d.boxes], d.cod
    (['factor1', 'factor0'], Ty('B'))
    """
    wires: list[str] = list(inputs)
    source = {a: i for i, a in enumerate(inputs)}
    boxes, box_in, box_out, mapping = [], [], [], {}
    pending = list(range(len(factors)))
    while pending:
        ready = [j for j in pending if all(a in source for a in factors[j].dom.names)]
        if not ready:
            missing = sorted({a.split("#")[0] for j in pending for a in factors[j].dom.names
                              if a not in source})
            raise CausalError(f"the estimand is not a chain of conditionals on the joint: "
                              f"{missing} are conditioned on but never produced")
        for j in ready:
            f = factors[j]
            for a in f.cod.names:
                if a in source:
                    raise CausalError(f"the estimand produces {a.split('#')[0]!r} twice; it "
                                      "is not a chain of conditionals")
            box = Box(f"factor{j}", f.dom, f.cod)
            box_in.append(tuple(source[a] for a in f.dom.names))
            box_out.append(tuple(range(len(wires), len(wires) + len(f.cod))))
            for a in f.cod.names:
                source[a] = len(wires)
                wires.append(a)
            boxes.append(box)
            mapping[box] = f
            pending.remove(j)
    for a in outputs:
        if a not in source:
            raise CausalError(f"the estimand does not produce {a!r}")
    return Diagram(wires, boxes, box_in, box_out, range(len(inputs)),
                   [source[a] for a in outputs]), mapping
