"""The array layer: what numpy, exact (``Fraction``/sympy object arrays) and torch arrays
have in common, and where they differ. The rest of :mod:`markov`, and :mod:`causal`, call
these modules and never ask which kind of array they hold.

- :mod:`markov.arrays.backend`: detection, conversion, validation and elementary operations;
- :mod:`markov.arrays.ops`: array operations shared by inference (sums, products, closeness),
  one per kind of array, with those of :mod:`markov.arrays.construct` (building arrays);
- :mod:`markov.arrays.steps`: the operations of contraction plans, one table per backend;
- :mod:`markov.arrays.binding`: the backend a contraction runs in, and its arrays brought there;
- :mod:`markov.arrays.tensor` and :mod:`markov.arrays.draws`: what :mod:`causal` needs
  (gathers, masks, host copies, exact tables; categorical draws);
- :mod:`markov.arrays.placement`: what the dask runners need (arrays moved to a device and
  back, output buffers, partial sums on a common log-scale);
- :mod:`markov.arrays.gaussian` and :mod:`markov.arrays.hybrid`: the linear algebra of the
  Gaussian and conditional-Gaussian semantics.
"""
