"""Diagram -> plan -> numbers: one cached tensor contraction per diagram.

- :mod:`markov.contraction.paths`: contraction paths (opt_einsum, elimination orders,
  cotengra) and slicing;
- :mod:`markov.contraction.pairwise`: the pairwise program (matmul steps) and its execution;
- :mod:`markov.contraction.plan`: compiled plans, their cache and their costs;
- :mod:`markov.contraction.interpret`: binding a diagram's boxes to arrays and running a plan;
- :mod:`markov.contraction.once`: a first answer contracted without compiling a plan;
- :mod:`markov.contraction.backward`: the reverse walk of a program (every operand's joint);
- :mod:`markov.contraction.folding`: steps on constant inputs computed once and kept;
- :mod:`markov.contraction.cache`: the one bounded cache of everything compiled.

Names load their modules on first use: a first answer that needs no plan (its network is
small) loads none of the compiler. ``interpret`` and ``plan`` here are the submodules; the
functions of those names are :func:`markov.interpret` and :func:`markov.plan`.

>>> from markov.contraction import Plan, interpret_scaled
>>> Plan.__name__, interpret_scaled.__name__
('Plan', 'interpret_scaled')
"""

from diagrams._lazy import lazy_names as _lazy_names

__all__ = ["Plan", "Scaled", "interpret_scaled"]

__getattr__, __dir__ = _lazy_names(__name__, {"Plan": "markov.contraction.plan",
                                              "Scaled": "markov.contraction.interpret",
                                              "interpret_scaled": "markov.contraction.interpret"})
