"""
Hybrid models: discrete and continuous variables together
=========================================================

Finite kernels (stochastic matrices) and linear-Gaussian kernels are two semantics of the
same string diagrams. Put both in one diagram and the result is a **conditional Gaussian**
(CG) distribution (Lauritzen 1992): a table of weights over the discrete configurations and
a Gaussian for each. Discrete variables may be parents of continuous ones (a batch of
linear-Gaussian kernels indexed by the parents); a continuous variable informs a discrete one
only as evidence, through its density.
"""

# %%
# A Gaussian naive Bayes classifier
# ---------------------------------
#
# A binary class ``C`` and two continuous features, each normal with a mean and a variance
# that depend on the class. :meth:`~markov.HybridKernel.indexed` turns a batch of Gaussian
# states (one per class, on the last batch axis) into the kernel ``C -> F``.

import math

import numpy as np

from diagrams import Box, Ty, trace
from markov import GaussianKernel, HybridKernel, Kernel, interpret

C, F1, F2 = Ty("C"), Ty("F1"), Ty("F2")
prior, feature1, feature2 = Box("prior", Ty(), C), Box("f1", C, F1), Box("f2", C, F2)


@trace()
def naive_bayes():
    c = prior()
    return c, feature1(c), feature2(c)


kernels = {
    "prior": Kernel.state([0.4, 0.6], cod="C"),
    "f1": HybridKernel.indexed(GaussianKernel.state([[0.0], [2.0]], [[[1.0]], [[1.0]]],
                                                    cod="F1"), by="C"),
    "f2": HybridKernel.indexed(GaussianKernel.state([[1.0], [1.0]], [[[0.5]], [[2.0]]],
                                                    cod="F2"), by="C"),
}
joint = interpret(naive_bayes, kernels)     # a Kernel and Gaussian kernels in one call
joint

# %%
# Observing the features weights each class by the features' density there (Bayes' rule
# with normal densities). Evidence may be a batch: here three observations at once.

from markov import observe

x1, x2 = np.array([0.1, 1.9, 1.0]), np.array([1.0, 3.0, 1.0])
posterior = observe(joint, {"F1": x1, "F2": x2}).marginal("C")
p_class1 = posterior.weights[:, 1, 0]
print(p_class1.round(4))


def normal(x, mean, var):
    return math.exp(-(x - mean) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)


for a, b, got in zip(x1, x2, p_class1):
    w0 = 0.4 * normal(a, 0.0, 1.0) * normal(b, 1.0, 0.5)
    w1 = 0.6 * normal(a, 2.0, 1.0) * normal(b, 1.0, 2.0)
    assert abs(got - w1 / (w0 + w1)) < 1e-12

# %%
# Marginalising a discrete variable gives a mixture
# -------------------------------------------------
#
# The marginal of ``F1`` is a two-component mixture, and it stays one: nothing collapses it
# silently. :func:`markov.collapse` is the separate, named moment-matching approximation.

from markov import collapse

mixture = joint.marginal("F1")
assert mixture.n_components == 2
single = collapse(mixture)
mean, var = float(single.gaussian.mean[0, 0]), float(single.gaussian.covariance[0, 0, 0])
print(f"moment-matched F1: mean {mean:.3f}, variance {var:.3f}")
assert abs(mean - 1.2) < 1e-12 and abs(var - (1 + 0.4 * 0.6 * 4)) < 1e-12

# %%
# The hybrid log-likelihood of data sums each point's mixture density.

from markov.gaussian.hybrid_inference import log_prob

data = {"F1": np.array([0.0, 2.0]), "F2": np.array([1.0, 1.0])}
print(log_prob(joint, data).round(4))

# %%
# Causal questions on a hybrid model
# ----------------------------------
#
# A discrete confounder ``Z``, a discrete treatment ``T`` and a continuous outcome ``Y``.
# :class:`causal.HybridModel` takes one mechanism per variable; ``do`` is surgery on either
# kind of variable.

from causal import HybridModel

mu = np.array([[[0.0], [1.0]], [[2.0], [4.0]]])          # mean of Y, indexed [T, Z]
model = HybridModel({
    "Z": Kernel.state([0.3, 0.7], cod="Z"),
    "T": Kernel([[0.8, 0.2], [0.4, 0.6]], dom="Z", cod="T"),
    "Y": HybridKernel.indexed(GaussianKernel.state(mu, [[1.0]], cod="Y"), by=("T", "Z")),
})


def mixture_mean(k):
    return float((k.weights * k.gaussian.mean[..., 0]).sum())


effect = mixture_mean(model.query("Y", do={"T": 1})) - mixture_mean(model.query("Y", do={"T": 0}))
seen = mixture_mean(model.query("Y", evidence={"T": 1})) - \
    mixture_mean(model.query("Y", evidence={"T": 0}))
print(f"E[Y | do(T=1)] - E[Y | do(T=0)] = {effect:.3f}; the naive contrast is {seen:.3f}")
# The adjustment formula by hand: sum_z P(z) (mu[1, z] - mu[0, z]).
assert abs(effect - (0.3 * 2.0 + 0.7 * 3.0)) < 1e-12

# %%
# The same number comes from the observational joint alone: identification finds the
# back-door adjustment, and the estimand is evaluated on the hybrid joint.

from causal.admg import ADMG
from causal.identify import identify

estimand = identify(ADMG([("Z", "T"), ("T", "Y"), ("Z", "Y")]), "T", "Y")
print(estimand)
k = estimand.evaluate(model.observational())
means = (k.weights * k.gaussian.mean[..., 0]).sum(-1)
assert abs((means[1] - means[0]) - effect) < 1e-12

# %%
# What CG cannot express is refused, with the reason: a discrete variable with a continuous
# parent (its conditional given a continuous variable is not conditional Gaussian).

from causal.errors import InvalidCPT

try:
    HybridModel({"X": GaussianKernel.state([0.0], [[1.0]], cod="X"),
                 "C": Kernel([[0.5, 0.5]], dom="X", cod="C")})
except InvalidCPT as error:
    print(error)
