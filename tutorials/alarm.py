"""
A real network: the ALARM monitoring system
===========================================

ALARM (Beinlich et al., 1989) is a 37-variable Bayesian network for monitoring patients in
intensive care. We load it from the BIF file bundled with pgmpy, ask it observational
queries, interventions ``do(X = x)``, batches of interventions and evidence in one call, and
check every answer against pgmpy's exact variable elimination (on the surgically altered
network for interventions).
"""

# %%
# Loading a BIF file
# ------------------
#
# :meth:`causal.CausalModel.from_bif` reads plain and gzip-compressed BIF files and keeps
# the variables' outcome names.

import warnings
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from causal import CausalModel

EXAMPLES = Path(find_spec("pgmpy").submodule_search_locations[0]) / "utils" / "example_models"
alarm = CausalModel.from_bif(EXAMPLES / "alarm.bif.gz")
print(alarm)
assert len(alarm.variables) == 37 and alarm.graph.number_of_edges() == 46
assert alarm.states["BP"] == ("LOW", "NORMAL", "HIGH")
assert alarm.parents["BP"] == ("CO", "TPR")

# %%
# The whole model is one string diagram: one box per variable, each output copied to its
# children and to the diagram's outputs.

figure = alarm.draw(diagram=True, labels=False)

# %%
# A query only needs the mechanisms upstream of what it asks about: the diagram with ``BP``
# as its only output is pruned to the 24 ancestors of ``BP`` (naturality of discard), and
# the query is one tensor contraction of that diagram.

upstream = alarm.diagram_of(["BP"]).pruned()
assert len(upstream.boxes) == 24
figure = upstream.draw(labels=False)

# %%
# Marginals, checked against pgmpy
# --------------------------------

with warnings.catch_warnings():          # pgmpy warns about its own deprecations on import
    warnings.simplefilter("ignore")
    from pgmpy.inference import VariableElimination

reference = VariableElimination(alarm.to_pgmpy())

bp = alarm.query("BP")
print(bp.labels, bp.array.round(4))
assert np.allclose(bp.array, reference.query(["BP"]).values, atol=1e-12)
assert np.allclose(bp.array, [0.3900, 0.2047, 0.4053], atol=5e-5)

# %%
# Interventions
# -------------
#
# What happens to blood pressure if we *set* the heart rate, by pacing, rather than observe
# it? ``do={"HR": [...]}`` evaluates the three interventions in one contraction, with a
# leading batch axis. The answer differs from conditioning on an observed heart rate,
# because heart rate and blood pressure share a cause: the total peripheral resistance
# ``TPR`` raises catecholamine levels, which raise the heart rate.

doing = alarm.query("BP", do={"HR": ["LOW", "NORMAL", "HIGH"]})
seeing = alarm.query("BP", evidence={"HR": ["LOW", "NORMAL", "HIGH"]})
print("do(HR):\n", doing.array.round(4), "\nHR observed:\n", seeing.array.round(4))
assert doing.batch_shape == (3,)
assert np.allclose(doing.array[2], [0.3758, 0.1629, 0.4613], atol=5e-5)
assert np.allclose(seeing.array[2], [0.4037, 0.1606, 0.4357], atol=5e-5)

for i, value in enumerate(["LOW", "NORMAL", "HIGH"]):   # surgery, checked against pgmpy
    cut = VariableElimination(alarm.do(HR=value).to_pgmpy())
    assert np.allclose(doing.array[i], cut.query(["BP"]).values, atol=1e-12)

# %%
# The intervened model is a model like any other; drawing it marks the intervention.

figure = alarm.do(HR="HIGH").diagram_of(["BP"]).pruned().draw(
    labels=False, styles={"do(HR)": {"facecolor": "#fbd5d5", "edgecolor": "#b22222"}})

# %%
# A batch of 1,000 soft interventions
# -----------------------------------
#
# A soft intervention sets a variable to a distribution. A batch of 1,000 random
# distributions for ``HR`` is one :class:`~markov.Kernel` with a leading batch axis, and the
# query is still one contraction. Intervening is linear in the distribution set: each answer
# is the mixture of the three hard interventions above.

from markov import Kernel

weights = np.random.default_rng(0).dirichlet(np.ones(3), size=1000)
soft = alarm.do(HR=Kernel.state(weights, cod="HR")).query("BP")
assert soft.batch_shape == (1000,)
assert np.allclose(soft.array, weights @ doing.array, atol=1e-12)

# %%
# Evidence, and evidence with interventions
# -----------------------------------------
#
# A posterior given observed values: the probability of hypovolemia given low blood
# pressure and low cardiac output.

posterior = alarm.query("HYPOVOLEMIA", evidence={"BP": "LOW", "CO": "LOW"})
print(posterior.labels, posterior.array.round(4))
expected = reference.query(["HYPOVOLEMIA"], evidence={"BP": "LOW", "CO": "LOW"}).values
assert np.allclose(posterior.array, expected, atol=1e-12)
assert np.allclose(posterior.array, [0.5245, 0.4755], atol=5e-5)

# %%
# A batch of evidence rows — a pandas data frame, one patient per row — is one call too.

import pandas as pd

patients = pd.DataFrame({"BP": ["LOW", "NORMAL", "HIGH", "LOW"],
                         "CO": ["LOW", "LOW", "HIGH", "HIGH"]})
batch = alarm.query("HYPOVOLEMIA", evidence=patients)
print(batch.array.round(4))
for row, (bp_value, co_value) in enumerate(zip(patients.BP, patients.CO)):
    expected = reference.query(["HYPOVOLEMIA"], evidence={"BP": bp_value, "CO": co_value})
    assert np.allclose(batch.array[row], expected.values, atol=1e-12)

# %%
# Interventions and evidence together condition the *intervened* model:
# ``P(LVFAILURE | do(HR = HIGH), BP = LOW)``.

both = alarm.query("LVFAILURE", do={"HR": "HIGH"}, evidence={"BP": "LOW"})
cut = VariableElimination(alarm.do(HR="HIGH").to_pgmpy())
assert np.allclose(both.array, cut.query(["LVFAILURE"], evidence={"BP": "LOW"}).values,
                   atol=1e-12)
assert np.allclose(both.array, [0.0899, 0.9101], atol=5e-5)
both.array

# %%
# Evidence of probability zero raises a typed error naming the evidence, never a NaN.

from markov import ZeroProbabilityEvidence

impossible = CausalModel({"A": [], "B": ["A"]},
                         {"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.0, 1.0]]})
try:
    impossible.query("A", evidence={"B": 1})
except ZeroProbabilityEvidence as error:
    print(error)
else:
    raise AssertionError("expected ZeroProbabilityEvidence")
