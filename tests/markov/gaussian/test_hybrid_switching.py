"""Acceptance: a switching linear-Gaussian model over 10 steps, batched over 128 instances;
its posteriors equal brute-force enumeration of the regime sequences, each combined with
Gaussian conditioning (a Kalman filter per sequence)."""

import itertools

import numpy as np
import pytest

from diagrams import Box, Ty, trace
from markov import GaussianCondition, GaussianKernel, HybridKernel, Kernel, interpret
from markov.gaussian.hybrid_inference import observe

T, N = 10, 128
S, X, Y = Ty("S"), Ty("X"), Ty("Y")
PI = np.array([0.6, 0.4])
TRANS = np.array([[0.9, 0.1], [0.2, 0.8]])
A, B, Q = np.array([0.9, 0.5]), np.array([0.0, 1.0]), np.array([0.1, 1.0])   # per regime
X0_MEAN, X0_VAR = np.array([0.0, 1.0]), np.array([1.0, 2.0])
R = 0.5


def _data():
    rng = np.random.default_rng(7)
    return rng.normal(0.5, 1.5, size=(N, T))


def _model(ys):
    s0, trans = Box("s0", Ty(), S), Box("trans", S, S)
    x0, dyn, emit = Box("x0", S, X), Box("dyn", S @ X, X), Box("emit", X, Y)
    obs = [Box(f"obs{t}", Y, Ty()) for t in range(T)]

    @trace()
    def model():
        s = s0()
        x = x0(s)
        regimes = [s]
        obs[0](emit(x))
        for t in range(1, T):
            s = trans(s)
            x = dyn(s, x)
            regimes.append(s)
            obs[t](emit(x))
        return (*regimes, x)

    mapping = {
        s0: Kernel.state(PI, cod=S),
        trans: Kernel(TRANS, dom=S, cod=S),
        x0: HybridKernel.indexed(GaussianKernel.state(X0_MEAN[:, None], X0_VAR[:, None, None],
                                                      cod=X), by=S),
        dyn: HybridKernel.indexed(GaussianKernel(A[:, None, None], B[:, None], Q[:, None, None],
                                                 dom=X, cod=X), by=S),
        emit: GaussianKernel([[1.0]], [0.0], [[R]], dom=X, cod=Y),
    }
    for t, box in enumerate(obs):
        mapping[box] = GaussianCondition.observe(ys[:, t], Y, dims={"Y": 1})
    return model, mapping


def _brute_force(ys):
    """Every regime sequence: its prior, the Kalman-filter likelihood of the observations
    and the filtered mean of the last state; then Bayes' rule over the sequences."""
    seqs = np.array(list(itertools.product([0, 1], repeat=T)))            # [1024, T]
    log_prior = np.log(PI[seqs[:, 0]]) + np.log(TRANS[seqs[:, :-1], seqs[:, 1:]]).sum(1)
    m = np.broadcast_to(X0_MEAN[seqs[:, 0]][:, None], (len(seqs), len(ys))).copy()
    p = np.broadcast_to(X0_VAR[seqs[:, 0]][:, None], (len(seqs), len(ys))).copy()
    log_lik = np.zeros((len(seqs), len(ys)))
    for t in range(T):
        if t:
            s = seqs[:, t][:, None]
            m, p = A[s] * m + B[s], A[s] ** 2 * p + Q[s]
        var = p + R
        log_lik += -0.5 * (ys[:, t] - m) ** 2 / var - 0.5 * np.log(2 * np.pi * var)
        gain = p / var
        m, p = m + gain * (ys[:, t] - m), (1 - gain) * p
    log_post = log_prior[:, None] + log_lik
    post = np.exp(log_post - log_post.max(0))
    post /= post.sum(0)                                                     # [1024, N]
    marginals = np.einsum("qn,qt->nt", post, seqs)                         # P(s_t = 1 | y)
    return seqs, post, marginals, (post * m).sum(0), m, p


def test_switching_lgm_posteriors_equal_enumeration_of_regime_sequences():
    ys = _data()
    model, mapping = _model(ys)
    joint = interpret(model, mapping)
    assert joint.cod == Ty(*(["S"] * T + ["X"])) and joint.batch_shape == (N,)
    _seqs, post, marginals, mean_x, _, _ = _brute_force(ys)
    w = np.asarray(joint.weights)                                           # [N, 2 x T, K]
    assert w.shape == (N,) + (2,) * T + (1,)
    flat = w.reshape(N, -1)                                   # regime sequences in order
    assert np.max(np.abs(flat - post.T)) < 1e-10
    for t in range(T):
        got = joint.marginal([t]).weights[:, 1, 0]
        assert np.max(np.abs(got - marginals[:, t])) < 1e-10
    means = np.asarray(joint.gaussian.mean).reshape(N, -1)
    assert np.max(np.abs((flat * means).sum(1) - mean_x)) < 1e-9


def test_continuous_posterior_given_regimes_is_the_kalman_filter_of_that_sequence():
    ys = _data()
    model, mapping = _model(ys)
    joint = interpret(model, mapping)
    seqs, _, _, _, m, p = _brute_force(ys)
    q = 357
    given = observe(joint, {t: int(seqs[q, t]) for t in range(T)}).marginal([T])
    assert given.cod == X
    # The mixture over the other sequences has weight zero: only sequence q is left.
    assert given.n_components == 1 and np.allclose(np.asarray(given.weights), 1.0)
    mean = np.asarray(given.gaussian.mean)[:, 0, 0]
    var = np.asarray(given.gaussian.covariance)[:, 0, 0, 0]
    assert np.max(np.abs(mean - m[q])) < 1e-10 and np.max(np.abs(var - p[q])) < 1e-10


def test_marginalising_the_regimes_keeps_a_mixture():
    ys = _data()[:4]
    model, mapping = _model(ys)
    joint = interpret(model, mapping)
    last = joint.marginal([T])
    assert last.cod == X and last.n_components == 2 ** T
    assert np.allclose(np.asarray(last.weights).sum(-1), 1.0)


def test_switching_lgm_on_torch_matches_numpy():
    torch = pytest.importorskip("torch")
    ys = _data()[:8]
    model, mapping = _model(torch.as_tensor(ys))
    joint = interpret(model, mapping)
    assert joint.backend == "torch"
    _, post, _, _, _, _ = _brute_force(ys)
    assert np.max(np.abs(joint.weights.reshape(8, -1).numpy() - post.T)) < 1e-10
