"""Conditioning on evidence: Pearl's and Jeffrey's updates, point and soft evidence, and the
typed error for evidence of probability zero."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from diagrams import Ty, TypeMismatch
from markov import (
    Kernel,
    ShapeMismatch,
    UnknownAtom,
    ZeroProbabilityEvidence,
    bayes_invert,
    condition,
    disintegrate,
    evidence_probability,
    jeffrey_update,
    pearl_update,
    posterior,
)

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
PRIOR = Kernel.state([Fr(1, 4), Fr(3, 4)], cod=X)
TEST = Kernel([[Fr(9, 10), Fr(1, 10)], [Fr(1, 5), Fr(4, 5)]], dom=X, cod=Y)
# A joint on (X, Y, Z) with Z = 2 impossible.
JOINT = Kernel.state(np.array([[[Fr(1, 8), Fr(1, 8), 0], [Fr(1, 16), Fr(3, 16), 0]],
                               [[Fr(1, 4), 0, 0], [Fr(1, 8), Fr(1, 8), 0]]], dtype=object),
                     cod=X @ Y @ Z)


def test_pearl_point_evidence_is_bayes_rule():
    post = pearl_update(PRIOR, {"Y": 0}, TEST)
    assert post.cod == X
    assert post.array.tolist() == [Fr(3, 5), Fr(2, 5)]
    assert post.array.tolist() == bayes_invert(TEST, PRIOR).array.tolist()[0]


def test_pearl_soft_evidence_weighs_by_the_likelihood():
    post = pearl_update(PRIOR, {"Y": [Fr(1, 2), Fr(1)]}, TEST)
    # x0: 1/4 (9/20 + 1/10) = 11/80, x1: 3/4 (1/10 + 4/5) = 54/80
    assert post.array.tolist() == [Fr(11, 65), Fr(54, 65)]
    assert evidence_probability(PRIOR, {"Y": [Fr(1, 2), Fr(1)]}, TEST).item() == Fr(65, 80)


def test_pearl_with_a_whole_likelihood_array_equals_the_dict_form():
    whole = pearl_update(PRIOR, [Fr(1, 2), Fr(1)], TEST)
    assert whole.array.tolist() == pearl_update(PRIOR, {"Y": [Fr(1, 2), Fr(1)]},
                                                TEST).array.tolist()


def test_jeffrey_moves_the_prior_towards_the_target():
    post = jeffrey_update(PRIOR, [Fr(1, 2), Fr(1, 2)], TEST)
    assert post.array.tolist() == [Fr(8, 25), Fr(17, 25)]
    # Jeffrey's update need not reproduce the target as its prediction.
    assert (post >> TEST).array.tolist() != [Fr(1, 2), Fr(1, 2)]


def test_pearl_and_jeffrey_differ_on_soft_evidence_but_agree_on_points():
    soft_pearl = pearl_update(PRIOR, {"Y": [Fr(1, 2), Fr(1, 2)]}, TEST)
    soft_jeffrey = jeffrey_update(PRIOR, [Fr(1, 2), Fr(1, 2)], TEST)
    assert soft_pearl.array.tolist() == PRIOR.array.tolist()     # a constant likelihood
    assert soft_jeffrey.array.tolist() != PRIOR.array.tolist()
    for y in range(2):
        point = [Fr(int(i == y)) for i in range(2)]
        assert (pearl_update(PRIOR, {"Y": y}, TEST).array.tolist()
                == jeffrey_update(PRIOR, point, TEST).array.tolist())


def test_condition_a_joint_on_point_evidence():
    post = condition(JOINT, {"Y": 1})
    assert post.cod == X @ Y @ Z
    assert post.marginal("Y").array.tolist() == [0, 1]
    assert posterior(JOINT, "X", {"Y": 1}).array.tolist() == [Fr(1, 2), Fr(1, 2)]
    assert posterior(JOINT, ["X", "Z"], {"Y": 1, "Z": 1}).array.tolist() == [
        [0, Fr(3, 5), 0], [0, Fr(2, 5), 0]]


def test_condition_with_labels():
    labelled = Kernel.state(JOINT.array, cod=X @ Y @ Z,
                            labels={"Y": ["no", "yes"], "Z": ["a", "b", "c"]})
    assert (condition(labelled, {"Y": "yes"}).array.tolist()
            == condition(JOINT, {"Y": 1}).array.tolist())
    with pytest.raises(ValueError, match="'maybe' is not a value of Y"):
        condition(labelled, {"Y": "maybe"})
    with pytest.raises(ValueError, match="X has no labels|not a value of X"):
        condition(labelled, {"X": "yes"})


def test_zero_probability_point_evidence_raises_naming_the_variables():
    with pytest.raises(ZeroProbabilityEvidence,
                       match=r"evidence Z=2 has probability zero \(variables Z\)"):
        condition(JOINT, {"Z": 2})
    with pytest.raises(ZeroProbabilityEvidence, match=r"X=1, Y=0, Z=1.*variables X, Y, Z"):
        posterior(JOINT, "X", {"X": 1, "Y": 0, "Z": 1})
    assert posterior(JOINT, "X", {"X": 1, "Y": 0}).array.tolist() == [0, 1]


def test_zero_probability_soft_evidence_raises_too():
    with pytest.raises(ZeroProbabilityEvidence, match="Z~likelihood"):
        condition(JOINT, {"Z": [0, 0, 1]})


def test_zero_probability_evidence_policies():
    uniform = condition(JOINT, {"Z": 2}, on_zero="uniform")
    assert uniform.array.tolist() == np.full((2, 2, 3), Fr(1, 12)).tolist()
    assert condition(JOINT, {"Z": 2}, on_zero="prior").array.tolist() == JOINT.array.tolist()
    assert np.isnan(condition(JOINT, {"Z": 2}, on_zero="nan").array.astype(float)).all()
    with pytest.raises(ValueError, match="on_zero must be one of"):
        condition(JOINT, {"Z": 0}, on_zero="skip")


def test_zero_probability_evidence_is_a_zero_mass_error():
    from markov import ZeroMass

    assert issubclass(ZeroProbabilityEvidence, ZeroMass)


def test_jeffrey_target_on_an_impossible_value_raises():
    with pytest.raises(ZeroProbabilityEvidence, match="target on Z puts mass on the value"):
        jeffrey_update(JOINT, {"Z": [Fr(1, 2), Fr(1, 4), Fr(1, 4)]})
    ok = jeffrey_update(JOINT, {"Z": [Fr(1, 2), Fr(1, 2), 0]})
    assert ok.marginal("Z").array.tolist() == [Fr(1, 2), Fr(1, 2), 0]
    forced = jeffrey_update(JOINT, {"Z": [0, 0, 1]}, on_zero="prior")
    assert forced.marginal("Z").array.tolist() == JOINT.marginal("Z").array.tolist()


def test_jeffrey_without_a_channel_keeps_the_conditionals():
    target = Kernel.state([Fr(1, 3), Fr(2, 3)], cod=Y)
    post = jeffrey_update(JOINT, target)
    assert post.cod == JOINT.cod
    assert post.marginal("Y").array.tolist() == [Fr(1, 3), Fr(2, 3)]
    assert (posterior(post, "X", {"Y": 0}).array.tolist()
            == posterior(JOINT, "X", {"Y": 0}).array.tolist())


def test_unknown_variables_raise_unknown_atom():
    with pytest.raises(UnknownAtom, match="W is not in the codomain"):
        condition(JOINT, {"W": 0})
    with pytest.raises(UnknownAtom, match="W is not in the codomain"):
        jeffrey_update(JOINT, {"W": [1.0]})
    with pytest.raises(UnknownAtom, match="W is not in the codomain"):
        posterior(JOINT, "W", {"X": 0})


def test_bad_evidence_is_rejected():
    with pytest.raises(ValueError, match="Y has 2 values; the evidence Y=5 is out of range"):
        condition(JOINT, {"Y": 5})
    with pytest.raises(ShapeMismatch, match="likelihood of Y has shape"):
        condition(JOINT, {"Y": [1, 1, 1]})
    with pytest.raises(ValueError, match="finite and non-negative"):
        condition(JOINT, {"Y": [1, -1]})
    with pytest.raises(ValueError, match="finite and non-negative"):
        condition(Kernel.state([0.5, 0.5], cod=X), {"X": [1.0, float("nan")]})
    with pytest.raises(TypeMismatch, match="prior must be a state"):
        pearl_update(TEST, {"Y": 0})
    with pytest.raises(TypeMismatch, match="channel's domain"):
        pearl_update(Kernel.state([0.5, 0.5], cod=Z), {"Y": 0}, TEST)
    with pytest.raises(TypeError, match="Jeffrey's target"):
        jeffrey_update(JOINT, [0.5, 0.5])


def test_batched_soft_evidence_on_torch_in_one_call():
    torch = pytest.importorskip("torch")
    prior = Kernel.state(torch.tensor([0.25, 0.75], dtype=torch.float64), cod=X)
    test = Kernel(torch.tensor([[0.9, 0.1], [0.2, 0.8]], dtype=torch.float64), dom=X, cod=Y)
    likelihoods = torch.rand(1024, 2, dtype=torch.float64) + 0.01
    post = pearl_update(prior, {"Y": likelihoods}, test)
    assert post.batch_shape == (1024,) and torch.is_tensor(post.array)
    weights = prior.array * (test.array @ likelihoods.T).T
    assert torch.allclose(post.array, weights / weights.sum(-1, keepdim=True))
    zero = likelihoods.clone()
    zero[17] = 0.0
    with pytest.raises(ZeroProbabilityEvidence, match=r"in batch element \(17,\)"):
        pearl_update(prior, {"Y": zero}, test)


def test_empty_evidence_returns_the_prior():
    assert condition(JOINT, {}) is JOINT


def test_the_demo_bayesian_update_is_exact():
    import runpy
    from pathlib import Path

    demo = runpy.run_path(str(Path(__file__).resolve().parents[3] / "examples"
                              / "smoking.py"), run_name="smoking_demo")
    joint = demo["interpret"](demo["model"], demo["CPTS"])
    update = posterior(joint, "Smoking", {"Cancer": 1})
    assert update.array.tolist() == [Fr(47, 181), Fr(134, 181)]
    # the same update as the Bayesian inverse of the channel Smoking -> Cancer
    prior, channel = disintegrate(joint.marginal(["Smoking", "Cancer"]), "Smoking")
    assert bayes_invert(channel, prior).array.tolist()[1] == update.array.tolist()


def test_exact_priors_take_integer_evidence_exactly_and_refuse_floats():
    post = condition(JOINT, {"Z": [0, 1, 1]})
    assert post.backend == "exact"
    assert post.marginal("Z").array.tolist() == [0, 1, 0]
    with pytest.raises(TypeError, match="likelihood of Y has float entries but the prior is "
                                        "exact; give Fractions"):
        condition(JOINT, {"Y": [0.3, 0.7]})
    with pytest.raises(TypeError, match="Jeffrey's target on Z has float entries"):
        jeffrey_update(JOINT, {"Z": [0.5, 0.5, 0.0]})
    forced = jeffrey_update(JOINT, {"Z": [0, 0, 1]}, on_zero="uniform")
    assert forced.backend == "exact"
