"""Laws of exact conditioning on equations (Stein & Staton 2021), which only the Gaussian
semantics has: a condition ``M x = c`` taken in steps equals the joint one, rescaling an
equation or combining equations invertibly changes nothing, a condition box in a diagram
conditions the joint; and a negative control (conditioning ``X = Y`` changes the variance of
``X``). The laws that hold in every semantics (observations, commuting conditions, Bayes)
are stated once in :mod:`markov.testing.inference_laws`.

>>> from markov.testing import check_law
>>> check_law(CONDITIONING_LAWS[0], "gaussian", max_examples=5)
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from diagrams import Box, Ty, copy
from markov.gaussian.condition import GaussianCondition, condition, condition_equal
from markov.gaussian.interpret import interpret_gaussian
from markov.testing.gaussian_strategies import (
    _integers,
    gaussian_dims,
    gaussian_kernels,
    gaussian_states_with_point,
)
from markov.testing.laws import Law

GAUSSIAN = ("gaussian",)
X, Y = Ty("X"), Ty("Y")


def _equations(backend: str):
    """A state ``p`` on ``X @ Y``, two systems of equations ``m1 x = c1``, ``m2 x = c2`` that
    hold at a point of its support, a scale and an invertible mixing matrix."""

    @st.composite
    def draw(draw_):
        dims = draw_(gaussian_dims())
        batch = draw_(st.sampled_from([(), (2,)]))
        p, at = draw_(gaussian_states_with_point(X @ Y, dims, batch_shape=batch))
        n = dims["X"] + dims["Y"]
        m1 = _integers(draw_, (draw_(st.integers(1, n)), n))
        m2 = _integers(draw_, (draw_(st.integers(1, n)), n))
        k = m1.shape[0]
        mix = np.eye(k) + np.triu(_integers(draw_, (k, k)), 1)   # unit triangular
        return {"p": p, "m1": m1, "c1": at @ m1.T, "m2": m2, "c2": at @ m2.T,
                "scale": draw_(st.sampled_from([-3.0, 0.5, 2.0])), "mix": mix}

    return draw()


def _independent_pair(backend: str):
    @st.composite
    def draw(draw_):
        dims = draw_(gaussian_dims(("X",)))
        dims["Y"] = dims["X"]
        return {"p": draw_(gaussian_kernels(Ty(), X, dims, noise="full")),
                "q": draw_(gaussian_kernels(Ty(), Y, dims, noise="full"))}

    return draw()


def _with_condition_box(p, m1, c1, **_):
    box_p, eq = Box("p", Ty(), X @ Y), Box("eq", X @ Y, Ty())
    diagram = box_p >> copy(X @ Y) >> (eq @ X @ Y)
    return interpret_gaussian(diagram, {box_p: p, eq: GaussianCondition.equation(
        m1, c1, X @ Y, dims=p.dims)})


CONDITIONING_LAWS: list[Law] = [
    Law("sequential equations equal the joint equation", _equations,
        lambda p, m1, c1, m2, c2, **_: condition(condition(p, m1, c1), m2, c2),
        lambda p, m1, c1, m2, c2, **_: condition(p, np.concatenate([m1, m2]),
                                                        np.concatenate([c1, c2], -1)),
        backends=GAUSSIAN),
    Law("rescaling an equation changes nothing", _equations,
        lambda p, m1, c1, scale, **_: condition(p, scale * m1, scale * c1),
        lambda p, m1, c1, **_: condition(p, m1, c1), backends=GAUSSIAN),
    Law("an invertible combination of the equations changes nothing", _equations,
        lambda p, m1, c1, mix, **_: condition(p, mix @ m1, c1 @ mix.T),
        lambda p, m1, c1, **_: condition(p, m1, c1), backends=GAUSSIAN),
    Law("a condition box in a diagram conditions the joint", _equations,
        _with_condition_box,
        lambda p, m1, c1, **_: condition(p, m1, c1), backends=GAUSSIAN),
    Law("conditioning X = Y keeps the variance of X (negative control)", _independent_pair,
        lambda p, q: condition_equal(p @ q, "X", "Y").marginal("X"), lambda p, q: p,
        expect=False, backends=GAUSSIAN,
        doc="conditioning on an equation between independent noisy variables shrinks X"),
]
