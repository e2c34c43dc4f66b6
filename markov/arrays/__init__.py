"""The array layer: what numpy, exact (``Fraction``/sympy object arrays) and torch arrays
have in common, and where they differ. The rest of :mod:`markov` calls these modules and
never asks which kind of array it holds.

- :mod:`markov.arrays.backend`: detection, conversion, validation and elementary operations;
- :mod:`markov.arrays.ops`: array operations shared by inference (sums, products, closeness),
  one per kind of array, with those of :mod:`markov.arrays.construct` (building arrays);
- :mod:`markov.arrays.gaussian`: the linear algebra of the Gaussian semantics.
"""
