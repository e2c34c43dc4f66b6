"""
Bayesian lenses: composing inversions
=====================================

Bayesian inversion turns a channel ``f: X -> Y`` and a prior on ``X`` into an update
``Y -> X``: what to believe about ``X`` after seeing ``Y``. A **Bayesian lens** (Smithe,
*Bayesian updates compose optically*, 2020) packages a forward channel with a backward map
from priors to updates, and lenses compose by pushing the prior forward. The **chain rule**
of inversion says that inverting a composite channel is composing the inverses — so an
update through a long pipeline can be assembled from the updates of its stages.

This tutorial checks that rule exactly, applies the Bayes functor box by box to a diagram,
shows where compositional inversion stops being exact, and inverts a thousand priors in
one call.
"""

# %%
# A two-stage pipeline
# --------------------
#
# The weather (sunny, cloudy, rainy) drives a rain sensor (dry, wet), whose reading is
# relayed by an unreliable report (dry, wet).

from fractions import Fraction as Fr

from markov import Kernel, bayes_invert, bayes_lens

prior = Kernel.state([Fr(7, 10), Fr(2, 10), Fr(1, 10)], cod="Weather")
sensor = Kernel([[Fr(9, 10), Fr(1, 10)],          # sunny
                 [Fr(1, 2), Fr(1, 2)],            # cloudy
                 [Fr(1, 10), Fr(9, 10)]],         # rainy
                dom="Weather", cod="Sensor")
report = Kernel([[Fr(4, 5), Fr(1, 5)],            # the sensor says dry
                 [Fr(1, 10), Fr(9, 10)]],         # the sensor says wet
                dom="Sensor", cod="Report")

# %%
# Each stage has its lens: the forward channel, and ``prior |-> inverse at that prior``.
# Composing the lenses pushes the prior through the sensor, inverts the report at the
# sensor's predicted state, inverts the sensor at the prior, and composes the two updates.

pipeline = bayes_lens(sensor) >> bayes_lens(report)
update = pipeline.update(prior)                   # Report -> Weather
print(update, update.array, sep="\n")
assert (update.dom, update.cod) == (report.cod, prior.cod)
assert update.array.tolist() == [[Fr(511, 618), Fr(15, 103), Fr(17, 618)],
                                 [Fr(189, 382), Fr(55, 191), Fr(83, 382)]]

# %%
# The chain rule: it is exactly the inverse of the composite channel.

assert update.array.tolist() == bayes_invert(sensor >> report, prior).array.tolist()

# %%
# A row of the update is the posterior after one report. Seeing "wet" makes rain
# 83/382 ≈ 0.22 likely, up from 0.1; Pearl's rule (conditioning the prior on the
# likelihood of the observation through the pipeline) agrees.

from markov import pearl_update

wet = pearl_update(prior, {"Report": 1}, sensor >> report)
assert wet.array.tolist() == update.array.tolist()[1]
assert wet.array[2] == Fr(83, 382)

# %%
# Zero mass: where composition holds only almost surely
# -----------------------------------------------------
#
# If the prior rules out rain, a sensor that only rain makes wet never reads "wet", and the
# inverse is not unique on that reading: each operation that divides fills zero-mass rows by
# an explicit policy, here ``on_zero="uniform"``. Composed lenses and the direct inverse
# fill that row differently — but it is a reading that never happens. The chain rule holds
# *almost surely*, on every observation that can happen, which is what
# :func:`markov.almost_surely_equal` compares.

from markov import almost_surely_equal

no_rain = Kernel.state([Fr(1, 2), Fr(1, 2), Fr(0)], cod="Weather")
only_rain = Kernel([[Fr(1), Fr(0)], [Fr(1), Fr(0)], [Fr(0), Fr(1)]],
                   dom="Weather", cod="Sensor")
faithful = Kernel([[Fr(1), Fr(0)], [Fr(0), Fr(1)]], dom="Sensor", cod="Report")
composed = (bayes_lens(only_rain, on_zero="uniform")
            >> bayes_lens(faithful, on_zero="uniform")).update(no_rain)
exact = bayes_invert(only_rain >> faithful, no_rain, on_zero="uniform")
assert composed.array.tolist()[0] == exact.array.tolist()[0] == [Fr(1, 2), Fr(1, 2), Fr(0)]
assert composed.array.tolist()[1] == [Fr(5, 12), Fr(5, 12), Fr(1, 6)]    # never observed
assert exact.array.tolist()[1] == [Fr(1, 3), Fr(1, 3), Fr(1, 3)]          # never observed
assert almost_surely_equal(composed, exact, no_rain >> only_rain >> faithful)

# %%
# The Bayes functor on a diagram
# ------------------------------
#
# :func:`markov.diagram_lens` sends each box of a diagram to the lens of its kernel, and
# copies, discards and swaps to theirs, and composes: the update of the whole diagram,
# computed stage by stage.

from diagrams import Box, Ty

W, S, R = Ty("Weather"), Ty("Sensor"), Ty("Report")
relay = Box("relay", R, Ty("Heard"))
heard = Kernel([[Fr(3, 4), Fr(1, 4)], [Fr(1, 4), Fr(3, 4)]], dom="Report", cod="Heard")
chain = Box("sensor", W, S) >> Box("report", S, R) >> relay
figure = chain.draw()

from markov import diagram_lens

kernels = {Box("sensor", W, S): sensor, Box("report", S, R): report, relay: heard}
by_boxes = diagram_lens(chain, kernels).update(prior)
assert by_boxes.array.tolist() == bayes_invert(sensor >> report >> heard, prior).array.tolist()
by_boxes.array

# %%
# Where compositional inversion is not exact
# ------------------------------------------
#
# Two sensors reading the *same* weather: the weather is copied, and each copy goes through
# its own channel. The lens of a tensor ``f @ g`` only sees the marginals of the state it is
# given, so at the correlated state produced by the copy it inverts each sensor
# separately — and loses the fact that both read one weather. The exact inverse of the whole
# diagram knows better.

from diagrams import copy

second = Kernel([[Fr(3, 5), Fr(2, 5)], [Fr(1, 2), Fr(1, 2)], [Fr(1, 5), Fr(4, 5)]],
                dom="Weather", cod="Sensor2")
S2 = Ty("Sensor2")
two = copy(W) >> (Box("sensor", W, S) @ Box("second", W, S2))
figure = two.draw()

mapping = {Box("sensor", W, S): sensor, Box("second", W, S2): second}
from markov import interpret

compositional = diagram_lens(two, mapping).update(prior)
exact = bayes_invert(interpret(two, mapping), prior)
assert not almost_surely_equal(compositional, exact, prior >> interpret(two, mapping))

# %%
# For a *product* prior — independent inputs, no copy — inversion is monoidal and the
# lens of the tensor is exact: this pair of facts is in the law catalogue as "inversion is
# monoidal for product priors" and its negative control.

other = Kernel.state([Fr(1, 3), Fr(1, 3), Fr(1, 3)], cod="Weather2")
second2 = Kernel(second.array, dom="Weather2", cod="Sensor2")
product = bayes_lens(sensor) @ bayes_lens(second2)
assert almost_surely_equal(product.update(prior @ other),
                           bayes_invert(sensor @ second2, prior @ other),
                           (prior @ other) >> (sensor @ second2))

# %%
# A thousand priors at once
# -------------------------
#
# Kernels carry leading batch axes, ``[*batch, *dom, *cod]``. A batch of 1,024 priors is
# inverted in one call, without a Python loop over the batch.

import numpy as np

priors = Kernel.state(np.random.default_rng(0).dirichlet(np.ones(3), size=1024),
                      cod="Weather")
floats = Kernel(np.asarray(sensor.array, dtype=float), dom="Weather", cod="Sensor")
updates = bayes_invert(floats, priors)
assert updates.batch_shape == (1024,) and updates.array.shape == (1024, 2, 3)
one = bayes_invert(floats, Kernel.state(priors.array[17], cod="Weather"))
assert np.allclose(updates.array[17], one.array, atol=1e-12)
