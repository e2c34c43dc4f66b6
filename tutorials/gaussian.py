"""
Gaussian models and exact conditioning
======================================

The same string diagrams that denote stochastic matrices can denote **linear-Gaussian**
kernels ``x |-> A x + b + N(0, Σ)`` (Fritz 2020, section 6). In this semantics we can also
condition *exactly* on equations between continuous variables — ``x = y``, or a noise-free
observation ``f(1) = 1`` — events of probability zero that a sampler could never hit
(Stein & Staton, *Compositional semantics for probabilistic programs with exact
conditioning*, 2021). No jitter is added: a variance that should be 0 is 0.
"""

# %%
# Gaussian kernels compose
# ------------------------
#
# A :class:`~markov.GaussianKernel` has a matrix ``[n_cod, n_dom]``, a mean ``[n_cod]`` and
# a covariance ``[n_cod, n_cod]``, with batch axes leading. A state has no domain.

import numpy as np

from markov import GaussianKernel

x = GaussianKernel.state([1.0], [[4.0]], cod="X")                     # X ~ N(1, 4)
f = GaussianKernel([[0.5]], [0.0], [[1.0]], dom="X", cod="Y")          # Y = X / 2 + N(0, 1)
y = x >> f
assert np.allclose(y.mean, [0.5]) and np.allclose(y.covariance, [[2.0]])
y

# %%
# A model as a diagram
# --------------------
#
# Diagrams are interpreted in the Gaussian semantics by :func:`markov.interpret_gaussian`.
# Two noisy measurements of one quantity: the quantity is copied to both sensors.

from diagrams import Box, Ty, trace
from markov import interpret_gaussian

Q, M = Ty("Quantity"), Ty("Measurement")
prior, sensor = Box("prior", Ty(), Q), Box("sensor", Q, M)


@trace()
def two_measurements():
    q = prior()
    return q, sensor(q), sensor(q)


figure = two_measurements.draw()

kernels = {"prior": GaussianKernel.state([0.0], [[1.0]], cod="Quantity"),
           "sensor": GaussianKernel([[1.0]], [0.0], [[0.25]], dom="Quantity",
                                    cod="Measurement")}
joint = interpret_gaussian(two_measurements, kernels)
print(joint.covariance)
assert np.allclose(joint.covariance, [[1, 1, 1], [1, 1.25, 1], [1, 1, 1.25]])

# %%
# Observing both measurements is exact conditioning; the posterior of the quantity has
# precision 1 + 4 + 4 = 9.

from markov.gaussian.condition import observe

posterior = observe(joint, {1: 0.9, 2: 1.1}).marginal([0])
assert np.allclose(posterior.covariance, [[1 / 9]])
assert np.allclose(posterior.mean, [(4 * 0.9 + 4 * 1.1) / 9])
posterior

# %%
# Conditioning on an equation
# ---------------------------
#
# Take ``x, y ~ N(0, 1)`` independent and condition on ``x = y``. The answer is
# ``x ~ N(0, 1/2)``, and ``y`` equals ``x`` almost surely: the covariance of ``(x, y)`` is
# all 1/2, so ``x - y`` has variance exactly 0. Rescaling the equation to ``2x = 2y``
# changes nothing.

from markov.gaussian.condition import condition, condition_equal

xy = GaussianKernel.state([0.0, 0.0], np.eye(2), cod=("X", "Y"))
equal = condition_equal(xy, "X", "Y")
assert np.allclose(equal.covariance, [[0.5, 0.5], [0.5, 0.5]])
difference = np.array([1.0, -1.0])
assert difference @ equal.covariance @ difference == 0.0          # exactly, no jitter
rescaled = condition(xy, [[2.0, -2.0]], [0.0])
assert rescaled.allclose(equal)
equal.covariance

# %%
# Three independent standard normals conditioned to be equal have variance 1/3.

xyz = GaussianKernel.state([0.0] * 3, np.eye(3), cod=("X", "Y", "Z"))
three = condition_equal(xyz, ["X", "Y"], ["Y", "Z"])
assert np.allclose(three.covariance, np.full((3, 3), 1 / 3))

# %%
# Conditions as boxes
# -------------------
#
# In a diagram, a condition is an *effect*: a box with no outputs, interpreted by a
# :class:`~markov.GaussianCondition` (Stein & Staton's ``=:=``). Here two independent
# standard normals meet in an equation box and both values are kept.

from diagrams import copy

X = Ty("X")
p, q, eq = Box("p", Ty(), X), Box("q", Ty(), X), Box("x = y", X @ X, Ty())
conditioned = (p @ q) >> copy(X @ X) >> (eq @ X @ X)
figure = conditioned.draw()

from markov import GaussianCondition

standard = GaussianKernel.state([0.0], [[1.0]], cod=X)
K = interpret_gaussian(conditioned, {"p": standard, "q": standard,
                                     "x = y": GaussianCondition.equal(X)})
assert np.allclose(K.mean, equal.mean) and np.allclose(K.covariance, equal.covariance)

# %%
# Noise-free observations, and contradictions
# -------------------------------------------
#
# A straight line ``f(t) = a + b t`` with ``a, b ~ N(0, 1)``, observed *without noise*.
# Two observations pin it down exactly; a third that is consistent is fine, and one that is
# not raises :class:`~markov.ConditionError` — an explicit, documented support test, never a
# silently wrong answer.

from markov import ConditionError

line = (GaussianKernel.state([0.0, 0.0], np.eye(2), cod=("a", "b"))
        >> GaussianKernel.deterministic([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]],
                                        dom=("a", "b"), cod=("f0", "f1", "f2")))
fitted = observe(line, {"f0": 0.0, "f1": 1.0})
assert np.allclose(fitted.mean, [0, 1, 2]) and np.allclose(fitted.covariance, 0)
assert np.allclose(observe(line, {"f0": 0.0, "f1": 1.0, "f2": 2.0}).mean, [0, 1, 2])
try:
    observe(line, {"f0": 0.0, "f1": 1.0, "f2": 1.0})
except ConditionError as error:
    print(error)
else:
    raise AssertionError("a contradictory observation must raise")

# %%
# Bayesian inversion
# ------------------
#
# Disintegration, conditionals and Bayesian inversion work as in the discrete case, by
# Schur complements with pseudo-inverses (singular covariances allowed). With
# ``x ~ N(0, 1)`` and ``y = x + N(0, 1)``, the inverse is ``x | y ~ N(y / 2, 1 / 2)``.

from markov.gaussian.condition import bayes_invert

noisy = GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
inverse = bayes_invert(noisy, standard)
assert np.allclose(inverse.matrix, [[0.5]]) and np.allclose(inverse.covariance, [[0.5]])
assert (inverse.dom, inverse.cod) == (Ty("Y"), X)

# %%
# A Kalman filter is a diagram
# ----------------------------
#
# A random walk ``x_t = x_(t-1) + N(0, 0.1)`` observed with noise, ``y_t = x_t + N(0, 0.5)``:
# the filter is the interpretation of the chain with one observation box per step. Every
# array carries a batch axis, so 256 independent tracks are filtered in one call; we check
# the result against the textbook recursion.

T, B = 10, 256
rng = np.random.default_rng(0)
ys = np.cumsum(rng.normal(0.0, np.sqrt(0.1), (B, T)), axis=1) + rng.normal(0, np.sqrt(0.5),
                                                                           (B, T))
Xs, Ys = Ty("X"), Ty("Y")
start, step, look = Box("x0", Ty(), Xs), Box("step", Xs, Xs), Box("look", Xs, Ys)
seen = [Box(f"y{t}", Ys, Ty()) for t in range(T)]


@trace()
def track():
    x = start()
    for t in range(T):
        x = step(x)
        seen[t](look(x))
    return x


mapping = {"x0": GaussianKernel.state([0.0], [[1.0]], cod=Xs),
           "step": GaussianKernel([[1.0]], [0.0], [[0.1]], dom=Xs, cod=Xs),
           "look": GaussianKernel([[1.0]], [0.0], [[0.5]], dom=Xs, cod=Ys)}
mapping.update({f"y{t}": GaussianCondition.observe(ys[:, t], Ys, dims={"Y": 1})
                for t in range(T)})
filtered = interpret_gaussian(track, mapping)
assert filtered.batch_shape == (B,)

mean, var = np.zeros(B), np.ones(B)                 # the textbook filter, for comparison
for t in range(T):
    var = var + 0.1
    gain = var / (var + 0.5)
    mean, var = mean + gain * (ys[:, t] - mean), (1 - gain) * var
assert np.allclose(filtered.mean[:, 0], mean) and np.allclose(filtered.covariance[:, 0, 0], var)
print(f"{B} tracks x {T} steps in one call; final variance {var[0]:.4f}")

# %%
# Linear-Gaussian causal models
# -----------------------------
#
# :class:`causal.gaussian.LinearGaussianModel` is a causal model with mechanisms
# ``V = Σ w_p p + b + N(0, s²)``; ``do`` is the same surgery as for discrete models. With a
# latent confounder ``U`` of ``X`` and ``Y`` and a mediator ``M``, the effect of ``X`` on
# ``Y`` is identified by the front-door formula and evaluated on the Gaussian observational
# joint: it matches surgery with ``U`` known, while the regression of ``Y`` on ``X`` does not.

from causal.gaussian import LinearGaussianModel, evaluate_gaussian
from causal.identify import identify

model = LinearGaussianModel({"U": ({}, 0.0, 1.0),
                             "X": ({"U": 1.0}, 0.0, 1.0),
                             "M": ({"X": 2.0}, 0.0, 1.0),
                             "Y": ({"M": 1.5, "U": 3.0}, 0.0, 1.0)}, latent=["U"])
by_surgery = model.query("Y", do={"X": 1.0})
assert np.allclose(by_surgery.mean, [3.0])                   # 2 * 1.5 per unit of X

estimand = identify(model.graph, "X", "Y")
print(estimand)
effect = evaluate_gaussian(estimand, model.observational())
assert np.allclose(effect.matrix, [[3.0]])
assert np.allclose(effect.covariance, by_surgery.covariance)

seeing = model.query("Y", evidence={"X": 1.0})
assert np.allclose(seeing.mean, [4.5])                        # confounded: 3 + 3 * 1/2
