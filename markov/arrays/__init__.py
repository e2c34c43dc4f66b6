"""The array layer: what numpy, exact (``Fraction``/sympy object arrays) and torch arrays
have in common, and where they differ. The rest of :mod:`markov` calls these modules and
never asks which kind of array it holds.

- :mod:`markov.arrays.backend`: detection, conversion, validation and elementary operations;
- :mod:`markov.arrays.ops`: array operations shared by inference (sums, products, closeness);
- :mod:`markov.arrays.gaussian`: the linear algebra of the Gaussian semantics.
"""
