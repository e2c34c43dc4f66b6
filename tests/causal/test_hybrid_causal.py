"""Acceptance and behaviour of hybrid causal models: a discrete treatment T, a continuous
outcome Y and a discrete confounder Z; do-queries agree with the adjustment formula by hand."""

import math

import numpy as np
import pytest

from causal import HybridModel
from causal.admg import ADMG
from causal.errors import CausalError, InvalidCPT, InvalidValue, UnknownVariable
from causal.identify import identify
from markov import GaussianKernel, HybridKernel, Kernel, collapse

P_Z = [0.3, 0.7]
P_T_Z = [[0.8, 0.2], [0.4, 0.6]]                 # [z, t]
MU = [[0.0, 1.0], [2.0, 4.0]]                    # [t, z]
VAR = [[1.0, 0.5], [2.0, 1.5]]                   # [t, z]


def _model():
    mu = np.array(MU)[..., None]
    cov = np.array(VAR)[..., None, None]
    return HybridModel({
        "Z": Kernel.state(P_Z, cod="Z"),
        "T": Kernel(P_T_Z, dom="Z", cod="T"),
        "Y": HybridKernel.indexed(GaussianKernel.state(mu, cov, cod="Y"), by=("T", "Z")),
    })


def _adjustment(t):
    """sum_z P(z) N(mu[t, z], var[t, z]): its mean, variance and density at 1.5."""
    mean = sum(P_Z[z] * MU[t][z] for z in range(2))
    second = sum(P_Z[z] * (VAR[t][z] + MU[t][z] ** 2) for z in range(2))
    dens = sum(P_Z[z] * math.exp(-(1.5 - MU[t][z]) ** 2 / (2 * VAR[t][z]))
               / math.sqrt(2 * math.pi * VAR[t][z]) for z in range(2))
    return mean, second - mean ** 2, dens


def _mixture_moments(k):
    w = np.asarray(k.weights)
    m = np.asarray(k.gaussian.mean)[..., 0]
    v = np.asarray(k.gaussian.covariance)[..., 0, 0]
    mean = (w * m).sum(-1)
    return mean, (w * (v + m ** 2)).sum(-1) - mean ** 2


def test_hybrid_do_query_agrees_with_the_adjustment_formula_by_hand():
    m = _model()
    for t in (0, 1):
        post = m.query("Y", do={"T": t})
        assert post.cod.names == ("Y",) and post.n_components == 2    # a mixture over Z
        mean, var, dens = _adjustment(t)
        got_mean, got_var = _mixture_moments(post)
        assert abs(got_mean - mean) < 1e-12 and abs(got_var - var) < 1e-12
        from markov.gaussian.hybrid_inference import log_prob
        assert abs(math.exp(float(log_prob(post, {"Y": 1.5}))) - dens) < 1e-12
        merged = collapse(post)
        assert merged.n_components == 1
        assert abs(float(merged.gaussian.mean[0, 0]) - mean) < 1e-12
        assert abs(float(merged.gaussian.covariance[0, 0, 0]) - var) < 1e-12


def test_the_do_query_differs_from_conditioning_on_the_treatment():
    m = _model()
    seen, _ = _mixture_moments(m.query("Y", evidence={"T": 1}))
    done, _ = _mixture_moments(m.query("Y", do={"T": 1}))
    p_z_t1 = np.array([P_Z[z] * P_T_Z[z][1] for z in range(2)])
    p_z_t1 /= p_z_t1.sum()
    assert abs(seen - sum(p_z_t1[z] * MU[1][z] for z in range(2))) < 1e-12
    assert abs(done - _adjustment(1)[0]) < 1e-12 and abs(seen - done) > 0.1


def test_identify_evaluate_on_the_hybrid_joint_is_the_adjustment_formula():
    m = _model()
    estimand = identify(ADMG([("Z", "T"), ("T", "Y"), ("Z", "Y")]), "T", "Y")
    k = estimand.evaluate(m.observational())
    assert k.dom.names == ("T",) and k.cod.names == ("Y",)
    for t in (0, 1):
        mean, var, _ = _adjustment(t)
        w = np.asarray(k.weights)[t]
        mu = np.asarray(k.gaussian.mean)[t, ..., 0]
        v = np.asarray(k.gaussian.covariance)[t, ..., 0, 0]
        got = (w * mu).sum()
        assert abs(got - mean) < 1e-12
        assert abs((w * (v + mu ** 2)).sum() - got ** 2 - var) < 1e-12


def test_continuous_treatment_do_and_discrete_posterior_given_continuous_evidence():
    m = HybridModel({
        "C": Kernel.state([0.5, 0.5], cod="C"),
        "X": HybridKernel.indexed(GaussianKernel.state([[-1.0], [1.0]], [[1.0]], cod="X"),
                                  by="C"),
        "Y": ({"X": 2.0}, 0.5, 1.0),
    })
    assert m.sizes == {"C": 2} and m.dims == {"X": 1, "Y": 1}
    y = m.query("Y", do={"X": [0.0, 3.0]})            # a batch of two interventions
    assert y.batch_shape == (2,)
    assert np.allclose(np.asarray(y.gaussian.mean)[..., 0].ravel(), [0.5, 6.5])
    post = m.query("C", evidence={"X": 0.5})
    n = [math.exp(-(0.5 - mu) ** 2 / 2) for mu in (-1.0, 1.0)]
    assert np.allclose(np.asarray(post.weights)[..., 0], [n[0] / sum(n), n[1] / sum(n)],
                       atol=1e-12, rtol=0)
    # do(X) cuts C -> X: evidence on Y no longer informs C
    cut = m.query("C", do={"X": 0.0}, evidence={"Y": 4.0})
    assert np.allclose(np.asarray(cut.weights)[..., 0], [0.5, 0.5])


def test_marginals_give_each_variable():
    out = _model().marginals(do={"T": 0})
    assert set(out) == {"Z", "T", "Y"}
    assert np.allclose(np.asarray(out["T"].weights)[..., 0], [1.0, 0.0])
    assert out["Y"].n_components == 2


def test_errors_name_the_variable():
    with pytest.raises(InvalidCPT, match="'C' is discrete but its parent 'X' is continuous"):
        HybridModel({"X": GaussianKernel.state([0.0], [[1.0]], cod="X"),
                     "C": Kernel([[0.5, 0.5]], dom="X", cod="C")})
    with pytest.raises(UnknownVariable, match="'Q'"):
        _model().query("Q")
    with pytest.raises(InvalidValue, match="'T' has 2 outcomes"):
        _model().do(T=2)
    with pytest.raises(InvalidValue, match="'Y': a soft intervention"):
        _model().do(Y=GaussianKernel.state([0.0, 0.0], cod="Y"))
    with pytest.raises(InvalidValue, match="'T': a soft intervention"):
        _model().do(T=Kernel.state([0.5, 0.5], cod="Z"))
    with pytest.raises(InvalidCPT, match="'Z'"):
        HybridModel({"Z": object()})
    with pytest.raises(InvalidCPT, match="codomain"):
        HybridModel({"Z": Kernel.state([0.5, 0.5], cod="W")})
    with pytest.raises(CausalError, match="hybrid state"):
        identify(ADMG([("T", "Y")]), "T", "Y").evaluate(
            HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "T", "Y")))


def test_an_estimand_that_is_not_conditional_gaussian_is_refused():
    # Y (continuous) -> X (discrete) is not CG: P(x | y) cannot be a factor.
    joint = HybridKernel.state([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
                               discrete="X", continuous="Y")
    estimand = identify(ADMG([("Y", "X")]), "Y", "X")
    with pytest.raises(CausalError, match="not conditional Gaussian"):
        estimand.evaluate(joint)


def test_evaluate_with_a_treatment_value_fixes_the_treatment():
    m = _model()
    estimand = identify(ADMG([("Z", "T"), ("T", "Y"), ("Z", "Y")]), "T", "Y")
    for t in (0, 1):
        k = estimand.evaluate(m.observational(), treatment_value=t)
        assert k.dom.names == () and abs(_mixture_moments(k)[0] - _adjustment(t)[0]) < 1e-12
    with pytest.raises(InvalidValue, match="'T' has 2 outcomes"):
        estimand.evaluate(m.observational(), treatment_value=5)
    with pytest.raises(UnknownVariable, match="treatment_value names"):
        estimand.evaluate(m.observational(), treatment_value={"Q": 1})
    # a continuous treatment: Y = 2 X + 0.5 + noise, confounded by nothing
    lg = HybridModel({"X": ({}, 0.0, 1.0), "Y": ({"X": 2.0}, 0.5, 1.0)})
    e = identify(ADMG([("X", "Y")]), "X", "Y")
    fixed = e.evaluate(lg.observational(), treatment_value=3.0)
    assert abs(float(fixed.gaussian.mean[..., 0].sum()) - 6.5) < 1e-12
