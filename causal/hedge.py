"""The certificate of non-identifiability: a hedge (Shpitser & Pearl 2006), which
:func:`causal.identify.identify` attaches to :class:`~causal.errors.NotIdentifiable`.

>>> from causal.admg import ADMG
>>> Hedge(frozenset("XY"), frozenset("Y"), frozenset("Y"), ("X",), ("Y",)).is_valid(
...     ADMG([("X", "Y")], [("X", "Y")]))
True
"""

from __future__ import annotations

from dataclasses import dataclass

from causal.admg import ADMG

__all__ = ["Hedge"]


@dataclass(frozen=True)
class Hedge:
    """A hedge for ``P(outcome | do(treatment))`` (Shpitser & Pearl 2006): node sets
    ``subforest < forest``, both c-forests with root set ``roots`` (each is one district and
    every node has a directed path inside it to ``roots``), ``forest`` meets the treatment,
    ``subforest`` avoids it, and the roots are ancestors of the outcome once the treatment's
    incoming edges are cut. Its existence proves the effect is not identifiable.

    >>> h = Hedge(frozenset("XY"), frozenset("Y"), frozenset("Y"), ("X",), ("Y",))
    >>> h.is_valid(ADMG([("X", "Y")], [("X", "Y")]))
    True
    """

    forest: frozenset[str]
    subforest: frozenset[str]
    roots: frozenset[str]
    treatment: tuple[str, ...]
    outcome: tuple[str, ...]

    def is_valid(self, graph: ADMG) -> bool:
        """Check every condition of the definition on ``graph``.

        >>> Hedge(frozenset("XY"), frozenset("Y"), frozenset("Y"), ("X",), ("Y",)).is_valid(
        ...     ADMG([("X", "Y")]))
        False
        """
        f, f1, r, x = self.forest, self.subforest, self.roots, set(self.treatment)
        if not (r and r <= f1 < f and f <= set(graph.nodes)):
            return False
        if not (f & x) or (f1 & x):
            return False
        if not r <= graph.do(x).ancestors(self.outcome):
            return False
        return all(_is_c_forest(graph, s, r) for s in (f, f1))


def _is_c_forest(graph: ADMG, nodes: frozenset[str], roots: frozenset[str]) -> bool:
    sub = graph.subgraph(nodes)
    return len(sub.districts()) == 1 and sub.ancestors(roots) == nodes
