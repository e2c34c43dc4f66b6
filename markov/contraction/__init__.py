"""Diagram -> plan -> numbers: one cached tensor contraction per diagram.

- :mod:`markov.contraction.paths`: contraction paths (opt_einsum, elimination orders,
  cotengra) and slicing;
- :mod:`markov.contraction.pairwise`: the pairwise program (matmul steps) and its execution;
- :mod:`markov.contraction.plan`: compiled plans, their cache and their costs;
- :mod:`markov.contraction.interpret`: binding a diagram's boxes to arrays and running a plan;
- :mod:`markov.contraction.backward`: the reverse walk of a program (every operand's joint);
- :mod:`markov.contraction.folding`: steps on constant inputs computed once and kept;
- :mod:`markov.contraction.cache`: the one bounded cache of everything compiled.

>>> from markov.contraction import Plan, interpret
>>> Plan.__name__, interpret.__name__
('Plan', 'interpret')
"""

from markov.contraction.interpret import Scaled, interpret, interpret_scaled, plan
from markov.contraction.plan import Plan

__all__ = ["Plan", "Scaled", "interpret", "interpret_scaled", "plan"]
