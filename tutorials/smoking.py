"""
Smoking, tar and cancer: from a diagram to P(Cancer | do(Smoking))
==================================================================

Does smoking cause cancer? In Pearl's classic example a latent genotype ``U`` makes people
both more likely to smoke and more likely to get cancer, so the observed association between
smoking and cancer overstates the effect. Smoking acts on cancer only through tar deposits.
We build the model as a string diagram, compute the interventional distribution
``P(Cancer | do(Smoking))`` by **surgery** on the diagram (knowing ``U``), and then recover
the same numbers by **identification** from the observational distribution alone — the
front-door formula — first exactly, then from samples.

Every number below is computed with exact fractions and checked by an ``assert``.
"""

# %%
# The model as a string diagram
# -----------------------------
#
# One mechanism box per variable; its inputs are the variable's parents. Written as a Python
# function, a variable used twice is copied and one not returned is discarded: ``U`` feeds
# ``Smoking`` and ``Cancer`` and is not an output, because it is latent.

from fractions import Fraction as Fr

from diagrams import Box, Ty, trace
from markov import interpret

U, S, T, C = Ty("U"), Ty("Smoking"), Ty("Tar"), Ty("Cancer")
u, smoking, tar, cancer = (Box("U", Ty(), U), Box("Smoking", U, S), Box("Tar", S, T),
                           Box("Cancer", T @ U, C))


@trace()
def diagram():
    u_ = u()
    s_ = smoking(u_)
    t_ = tar(s_)
    return s_, t_, cancer(t_, u_)


figure = diagram.draw(styles={"U": {"linestyle": "--"}})

# %%
# Conditional probability tables give each box its meaning. Outcomes are ``(no, yes)`` on
# every wire, and a table has axes ``[*parents, variable]``.

CPTS = {
    u: [Fr(1, 2), Fr(1, 2)],
    smoking: [[Fr(4, 5), Fr(1, 5)], [Fr(3, 10), Fr(7, 10)]],
    tar: [[Fr(19, 20), Fr(1, 20)], [Fr(1, 10), Fr(9, 10)]],
    cancer: [[[Fr(9, 10), Fr(1, 10)], [Fr(7, 10), Fr(3, 10)]],
             [[Fr(3, 5), Fr(2, 5)], [Fr(3, 10), Fr(7, 10)]]],
}
joint = interpret(diagram, CPTS)       # one tensor contraction, exact
print(joint)
assert joint.cod == S @ T @ C
assert sum(joint.array.ravel()) == 1
assert joint.array[1, 1, 1] == Fr(513, 2000)   # P(smoker, tar, cancer)

# %%
# The same model as a :class:`causal.CausalModel`
# -----------------------------------------------
#
# A causal model keeps the tables by variable name and builds the same diagram. It answers
# queries by surgery, pruning and one contraction.

from causal import CausalModel

model = CausalModel(
    {"U": [], "Smoking": ["U"], "Tar": ["Smoking"], "Cancer": ["Tar", "U"]},
    {box.name: table for box, table in CPTS.items()},
    states={v: ["no", "yes"] for v in ("U", "Smoking", "Tar", "Cancer")},
    latent=["U"])
assert model.diagram == diagram
assert model.observational().array.tolist() == joint.array.tolist()

# %%
# Seeing: the association
# -----------------------
#
# Conditioning on smoking, ``P(Cancer | Smoking)``, mixes the effect of smoking with the
# information that a smoker more likely has ``U = 1``. Both values of the evidence are
# computed in one contraction, with a leading batch axis.

seeing = model.query("Cancer", evidence={"Smoking": ["no", "yes"]})
print(seeing.array)
assert seeing.array.tolist() == [[Fr(228, 275), Fr(47, 275)], [Fr(91, 225), Fr(134, 225)]]

# %%
# Doing: surgery
# --------------
#
# ``do(Smoking = s)`` replaces the mechanism of ``Smoking`` by a state and discards its input
# ``U``: the arrow from the genotype to smoking is cut. The drawing marks the intervention.

figure = model.draw(diagram=True, do=["Smoking"])

doing = model.query("Cancer", do={"Smoking": ["no", "yes"]})
print(doing.array)
assert doing.array.tolist() == [[Fr(313, 400), Fr(87, 400)], [Fr(97, 200), Fr(103, 200)]]

effect = doing.array[1, 1] - doing.array[0, 1]          # the average causal effect
association = seeing.array[1, 1] - seeing.array[0, 1]
assert effect == Fr(119, 400) and association == Fr(1051, 2475)
print(f"causal effect {float(effect):.4f} < association {float(association):.4f}")

# %%
# Identification: the same numbers without ``U``
# ----------------------------------------------
#
# In practice ``U`` is not observed: all we have is the joint of ``Smoking``, ``Tar`` and
# ``Cancer``. :func:`causal.identify.identify` decides from the graph alone whether
# ``P(Cancer | do(Smoking))`` is determined by that joint and returns the formula — here the
# front-door adjustment.

from causal.identify import identify

estimand = identify(model.graph, "Smoking", "Cancer")
print(estimand)
assert estimand.formula == "Σ_{Tar} P(Tar|Smoking) Σ_{Smoking'} P(Cancer|Smoking',Tar) P(Smoking')"

# %%
# The estimand is itself a string diagram over kernels of the observational joint
# (conditionals, marginals; copies and discards do the summing):

figure = estimand.diagram.draw()

# %%
# Evaluated on the observational joint — where ``U`` does not appear — it gives exactly
# the numbers surgery gave with ``U`` known.

observational = model.observational()
assert "U" not in observational.cod.names
identified = estimand.evaluate(observational)
print(identified.array)
assert identified.array.tolist() == doing.array.tolist()
assert interpret(estimand.diagram, estimand.kernels(observational)).array.tolist() == \
    doing.array.tolist()

# %%
# The same, by comb disintegration
# --------------------------------
#
# Jacobs, Kissinger & Zanasi compute the effect diagrammatically: the observational joint
# splits into the marginal of ``Smoking`` and a comb with two teeth, ``P(Tar | Smoking)``
# and ``P(Cancer | Tar, Smoking)``, the second remembering the *observed* smoking. Plugging
# the intervened smoking into the first tooth gives the interventional distribution — the
# diagram above, again. :func:`causal.comb_disintegrate` checks the paper's conditions on
# the graph.

from causal import comb_disintegrate

comb = comb_disintegrate(observational, "Smoking", "Tar", "Cancer", graph=model.graph)
assert comb.plug().array.tolist() == doing.array.tolist()
figure = comb.diagram().draw()

# %%
# From data
# ---------
#
# With samples instead of the exact joint, the same estimand is evaluated on the empirical
# distribution. We draw 200,000 rows from the observational joint and check that the
# estimate lands within 0.01 of the truth.

import numpy as np
import pandas as pd

rng = np.random.default_rng(2024)
probabilities = np.asarray(observational.array, dtype=float).ravel()
rows = rng.choice(probabilities.size, size=200_000, p=probabilities)
s, t, c = np.unravel_index(rows, observational.event_shape)
names = np.array(["no", "yes"])
data = pd.DataFrame({"Smoking": names[s], "Tar": names[t], "Cancer": names[c]})

estimate = estimand.evaluate_data(data)
print(estimate.array.round(4))
assert np.abs(estimate.array - np.asarray(doing.array, dtype=float)).max() < 0.01
