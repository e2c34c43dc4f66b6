"""Acceptance: a Gaussian naive Bayes classifier written as a diagram (a binary class, three
continuous features with per-class means and variances); its posterior equals the Bayes rule
with normal densities computed by hand."""

import math

import numpy as np
import pytest

from diagrams import Box, Ty, copy
from markov import GaussianCondition, GaussianKernel, HybridKernel, Kernel, interpret
from markov.gaussian.hybrid_inference import log_prob, observe, posterior

C = Ty("C")
FEATURES = [Ty("F1"), Ty("F2"), Ty("F3")]
PRIOR = [0.35, 0.65]
MEANS = [[1.0, -2.0, 0.5], [2.5, 0.0, -1.0]]          # [class, feature]
VARIANCES = [[1.0, 4.0, 0.25], [2.0, 1.0, 0.5]]
DATA = np.array([[1.2, -1.0, 0.3], [3.0, 0.5, -1.2], [2.0, -1.0, 0.0], [0.0, 0.0, 0.0],
                 [2.2, -0.3, -0.4]])


def _normal(x, mean, var):
    return math.exp(-(x - mean) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)


def _by_hand(row):
    joint = [PRIOR[c] * math.prod(_normal(row[i], MEANS[c][i], VARIANCES[c][i])
                                  for i in range(3)) for c in range(2)]
    return [j / sum(joint) for j in joint]


def _model():
    c = Box("class", Ty(), C)
    features = [Box(f"f{i + 1}", C, F) for i, F in enumerate(FEATURES)]
    diagram = c >> copy(C, 4) >> (C @ features[0] @ features[1] @ features[2])
    mapping = {c: Kernel.state(PRIOR, cod=C)}
    for i, (box, F) in enumerate(zip(features, FEATURES)):
        means = [[MEANS[k][i]] for k in range(2)]
        covs = [[[VARIANCES[k][i]]] for k in range(2)]
        mapping[box] = HybridKernel.indexed(GaussianKernel.state(means, covs, cod=F), by=C)
    return diagram, mapping


def test_naive_bayes_posterior_is_bayes_rule_with_normal_densities():
    diagram, mapping = _model()
    joint = interpret(diagram, mapping)          # a Kernel and Gaussian kernels in one call
    assert isinstance(joint, HybridKernel) and joint.cod == C @ FEATURES[0] @ FEATURES[1] @ FEATURES[2]
    evidence = {f"F{i + 1}": DATA[:, i] for i in range(3)}      # batched over five rows
    post = posterior(joint, "C", evidence)
    got = np.asarray(post.weights)[..., 0]
    expected = np.array([_by_hand(row) for row in DATA])
    assert got.shape == (5, 2)
    assert np.max(np.abs(got - expected)) < 1e-12


def test_naive_bayes_with_observations_as_condition_boxes_in_the_diagram():
    diagram, mapping = _model()
    boxes = [Box(f"obs{i + 1}", F, Ty()) for i, F in enumerate(FEATURES)]
    d = diagram >> (C @ boxes[0] @ boxes[1] @ boxes[2])
    for i, box in enumerate(boxes):
        mapping[box] = GaussianCondition.observe(DATA[:, i], FEATURES[i], dims={f"F{i + 1}": 1})
    post = interpret(d, mapping)
    assert post.cod == C
    expected = np.array([_by_hand(row) for row in DATA])
    assert np.max(np.abs(np.asarray(post.weights)[..., 0] - expected)) < 1e-12


def test_naive_bayes_log_likelihood_of_data_is_the_mixture_density():
    diagram, mapping = _model()
    joint = interpret(diagram, mapping)
    data = {f"F{i + 1}": DATA[:, i] for i in range(3)}
    got = log_prob(joint, data)
    expected = [math.log(sum(PRIOR[c] * math.prod(_normal(row[i], MEANS[c][i], VARIANCES[c][i])
                                                  for i in range(3)) for c in range(2)))
                for row in DATA]
    assert np.max(np.abs(np.asarray(got) - expected)) < 1e-12
    labelled = log_prob(joint, {**data, "C": np.array([0, 1, 1, 0, 1])})
    by_hand = [math.log(PRIOR[c] * math.prod(_normal(row[i], MEANS[c][i], VARIANCES[c][i])
                                            for i in range(3)))
               for row, c in zip(DATA, [0, 1, 1, 0, 1])]
    assert np.max(np.abs(np.asarray(labelled) - by_hand)) < 1e-12


def test_naive_bayes_on_torch_matches_numpy():
    torch = pytest.importorskip("torch")
    diagram, mapping = _model()
    mapping = {k: (v if isinstance(v, Kernel) else v.to(torch.zeros((), dtype=torch.float64)))
               for k, v in mapping.items()}
    joint = interpret(diagram, mapping)
    assert joint.backend == "torch"
    evidence = {f"F{i + 1}": torch.as_tensor(DATA[:, i]) for i in range(3)}
    post = observe(joint, evidence).marginal("C")
    expected = np.array([_by_hand(row) for row in DATA])
    assert np.max(np.abs(post.weights[..., 0].numpy() - expected)) < 1e-12
