"""Batched torch kernels through the whole library: marginals, disintegration, Bayesian
inversion, evidence, lenses, causal queries and identified estimands return batched torch
results (dtype and device kept) that agree with numpy row by row."""

from __future__ import annotations

import numpy as np
import pytest

from markov import Kernel, bayes_invert, bayes_lens, disintegrate, marginal, pearl_update

torch = pytest.importorskip("torch")

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device"))]
B = 16


def stochastic(rng, *shape):
    a = rng.random(shape) + 0.05
    return a / a.sum(-1, keepdims=True)


def as_torch(kernel: Kernel, device: str, dtype=torch.float64) -> Kernel:
    return Kernel(torch.as_tensor(kernel.array, dtype=dtype, device=device), dom=kernel.dom,
                  cod=kernel.cod)


def check_batched(result: Kernel, one_row, device: str, dtype=torch.float64):
    """``result`` is a torch kernel with batch (B,), each row equal to ``one_row(b)``."""
    assert result.backend == "torch" and result.batch_shape == (B,)
    assert result.array.dtype == dtype and result.array.device.type == device
    array = result.array.cpu().numpy()
    for b in (0, B // 2, B - 1):
        np.testing.assert_allclose(array[b], one_row(b).array, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_marginal_and_disintegrate_on_batched_torch_joints(device):
    rng = np.random.default_rng(0)
    joints = Kernel.state(stochastic(rng, B, 12).reshape(B, 3, 4), cod=("X", "Y"))
    assert joints.batch_shape == (B,)
    joints_t = as_torch(joints, device)
    check_batched(marginal(joints_t, ["Y"]), lambda b: marginal(
        Kernel.state(joints.array[b], cod=("X", "Y")), ["Y"]), device)
    _, conditional = disintegrate(joints_t, ["X"])
    check_batched(conditional, lambda b: disintegrate(
        Kernel.state(joints.array[b], cod=("X", "Y")), ["X"])[1], device)


@pytest.mark.parametrize("device", DEVICES)
def test_bayes_invert_a_batch_of_priors_in_one_call(device):
    rng = np.random.default_rng(1)
    priors = Kernel.state(stochastic(rng, B, 3), cod="X")
    channel = Kernel(stochastic(rng, 3, 5), dom="X", cod="Y")
    inverse = bayes_invert(as_torch(channel, device), as_torch(priors, device))
    check_batched(inverse, lambda b: bayes_invert(
        channel, Kernel.state(priors.array[b], cod="X")), device)


@pytest.mark.parametrize("device", DEVICES)
def test_pearl_update_and_lenses_on_batched_torch_priors(device):
    rng = np.random.default_rng(2)
    priors = Kernel.state(stochastic(rng, B, 3), cod="X")
    channel = Kernel(stochastic(rng, 3, 4), dom="X", cod="Y")
    posterior = pearl_update(as_torch(priors, device), {"Y": 2}, as_torch(channel, device))
    check_batched(posterior, lambda b: pearl_update(
        Kernel.state(priors.array[b], cod="X"), {"Y": 2}, channel), device)
    lens = bayes_lens(as_torch(channel, device))
    check_batched(lens.update(as_torch(priors, device)), lambda b: bayes_lens(channel).update(
        Kernel.state(priors.array[b], cod="X")), device)


def smoking_model(tables):
    from causal import CausalModel

    return CausalModel({"U": [], "S": ["U"], "T": ["S"], "C": ["T", "U"]}, tables)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_causal_queries_with_a_batch_of_interventions_and_evidence(device, dtype):
    rng = np.random.default_rng(3)
    tables = {"U": stochastic(rng, 2), "S": stochastic(rng, 2, 2), "T": stochastic(rng, 2, 3),
              "C": stochastic(rng, 3, 2, 2)}
    dt = getattr(torch, dtype)
    model = smoking_model(tables)
    model_t = smoking_model({v: torch.as_tensor(a, dtype=dt, device=device)
                             for v, a in tables.items()})
    settings = rng.integers(0, 2, B)
    observed = rng.integers(0, 3, B)
    answer = model_t.query("C", do={"S": settings}, evidence={"T": observed})
    assert answer.batch_shape == (B,) and answer.array.dtype == dt
    assert answer.array.device.type == device
    tol = 1e-5 if dtype == "float32" else 1e-10
    for b in (0, B - 1):
        one = model.query("C", do={"S": int(settings[b])}, evidence={"T": int(observed[b])})
        np.testing.assert_allclose(answer.array[b].cpu().numpy(), one.array, rtol=tol)


def test_an_identified_estimand_evaluates_a_batch_of_torch_joints():
    from causal import ADMG, identify

    rng = np.random.default_rng(4)
    estimand = identify(ADMG([("X", "Y"), ("Z", "X"), ("Z", "Y")]), "X", "Y")
    joints = stochastic(rng, B, 8).reshape(B, 2, 2, 2)      # axes Z, X, Y
    batched = estimand.evaluate(Kernel.state(torch.as_tensor(joints), cod=("Z", "X", "Y")))
    assert batched.backend == "torch" and batched.batch_shape == (B,)
    for b in (0, B - 1):
        one = estimand.evaluate(Kernel.state(joints[b], cod=("Z", "X", "Y")))
        np.testing.assert_allclose(batched.array[b].numpy(), one.array, rtol=1e-10)
