"""Acceptance: the Kalman filter written as a diagram (examples/kalman.py) matches the
textbook filter on a random 20-step instance, batched over 256 instances in one call."""

import importlib.util
import pathlib

import numpy as np
import pytest

from markov import ConditionError

_PATH = pathlib.Path(__file__).resolve().parents[3] / "examples" / "kalman.py"
_spec = importlib.util.spec_from_file_location("kalman_example", _PATH)
kalman = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kalman)


@pytest.fixture(scope="module")
def instance():
    return kalman.random_instance(batch=256, steps=20, seed=7)


def test_the_diagram_filter_matches_the_textbook_filter_at_every_step(instance):
    means, covs = kalman.filter_by_diagram(*instance)
    ref_means, ref_covs = kalman.textbook_filter(*instance)
    assert means.shape == (256, 20, 3) and covs.shape == (256, 20, 3, 3)
    np.testing.assert_allclose(means, ref_means, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(covs, ref_covs, rtol=1e-7, atol=1e-8)


def test_the_whole_20_step_chain_is_one_call_over_256_instances(instance):
    mean, cov = kalman.filter_by_diagram(*instance, steps_at_once=True)
    ref_means, ref_covs = kalman.textbook_filter(*instance)
    assert mean.shape == (256, 1, 3)
    np.testing.assert_allclose(mean[:, 0], ref_means[:, -1], rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(cov[:, 0], ref_covs[:, -1], rtol=1e-7, atol=1e-8)


def test_the_chain_diagram_has_a_condition_box_per_step():
    d = kalman.kalman_diagram(4)
    assert [b.name for b in d.boxes].count("f") == 4
    assert sum(1 for b in d.boxes if b.name.startswith("y")) == 4


def test_noise_free_observations_of_a_constant_state_that_disagree_raise():
    mu0, P0, F, Q, H, R, ys = kalman.random_instance(batch=2, steps=2, n=1, m=1)
    F, Q, H, R = np.ones_like(F), np.zeros_like(Q), np.ones_like(H), np.zeros_like(R)
    ys = np.array([[[0.0], [1.0]], [[0.5], [0.5]]])
    with pytest.raises(ConditionError, match="batch \\(0,\\)"):
        kalman.filter_by_diagram(mu0, P0, F, Q, H, R, ys, steps_at_once=True)


def test_the_example_runs(capsys):
    kalman.main()
    assert "largest difference" in capsys.readouterr().out


def test_the_filter_runs_on_torch_too(instance):
    torch = pytest.importorskip("torch")
    arrays = [torch.as_tensor(a) for a in instance]
    means, covs = kalman.filter_by_diagram(*arrays)
    ref_means, ref_covs = kalman.textbook_filter(*instance)
    assert isinstance(means, torch.Tensor) and means.dtype == torch.float64
    np.testing.assert_allclose(means.numpy(), ref_means, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(covs.numpy(), ref_covs, rtol=1e-7, atol=1e-8)


