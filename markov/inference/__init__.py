"""Inference in the Markov category: marginals, disintegration, Bayesian inversion,
evidence, almost-sure equality and lenses, with one zero-mass policy for every division
(:mod:`markov.inference.normalize`)."""
