"""The Gaussian semantics on torch: dtype and device follow the arrays, batches lead, numpy
and torch agree, gradients flow, and ``import markov`` does not import torch."""

import subprocess
import sys

import numpy as np
import pytest

from diagrams import Box, Ty, copy, identity
from markov import GaussianCondition, GaussianKernel, interpret_gaussian
from markov.gaussian.condition import (
    bayes_invert,
    condition_equal,
    conditional,
    disintegrate,
    observe,
)

torch = pytest.importorskip("torch")

X, Y = Ty("X"), Ty("Y")
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def test_import_markov_and_use_numpy_gaussians_without_importing_torch():
    code = ("import sys, numpy as np; from markov import GaussianKernel;"
            "from markov.gaussian.condition import condition_equal;"
            "p = GaussianKernel.state(np.zeros(2), np.eye(2), cod=('X', 'Y'));"
            "condition_equal(p, 'X', 'Y');"
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dtype_and_device_follow_the_arrays(device, dtype):
    t = {"dtype": dtype, "device": device}
    p = GaussianKernel.state(torch.zeros(2, **t), torch.eye(2, **t), cod=("X", "Y"))
    f = GaussianKernel(torch.ones(1, 1, **t), torch.zeros(1, **t), torch.eye(1, **t),
                       dom="X", cod="Z")
    results = [p @ p, p.marginal("X") >> f, condition_equal(p, "X", "Y"),
               observe(p, {"X": 1.0}), conditional(p, "X"),
               bayes_invert(f, p.marginal("X"))]
    for k in results:
        for array in (k.matrix, k.mean, k.covariance):
            assert array.dtype == dtype and array.device.type == device
    assert np.allclose(results[2].covariance.cpu().numpy(), 0.5, atol=1e-6)


def test_numpy_and_torch_kernels_mix_into_torch():
    p = GaussianKernel.state(torch.zeros(1, dtype=torch.float64), torch.eye(1,
                             dtype=torch.float64), cod="X")
    f = GaussianKernel([[2.0]], [1.0], [[1.0]], dom="X", cod="Y")
    q = p >> f
    assert q.backend == "torch" and q.covariance.item() == 5.0
    assert f.to(p).backend == "torch" and f.to(p).to(None).backend == "numpy"


def test_torch_and_numpy_give_the_same_batched_joint():
    rng = np.random.default_rng(0)
    means = rng.normal(size=(8, 2))
    factors = rng.normal(size=(8, 2, 1))
    covs = factors @ np.swapaxes(factors, -1, -2)  # singular
    p_np = GaussianKernel.state(means, covs, cod=("X", "Y"))
    p_t = GaussianKernel.state(torch.as_tensor(means), torch.as_tensor(covs), cod=("X", "Y"))
    for a, b in [(observe(p_np, {"X": means[:, 0]}), observe(p_t, {"X": torch.as_tensor(
            means[:, 0])})), (disintegrate(p_np, "Y")[1], disintegrate(p_t, "Y")[1])]:
        assert a.allclose(b.to(None))


def test_interpret_gaussian_on_torch_with_a_batched_condition():
    p, f, obs = Box("p", Ty(), X), Box("f", X, Y), Box("obs", Y, Ty())
    d = p >> copy(X) >> (identity(X) @ (f >> obs))
    ys = torch.linspace(-1, 1, 5, dtype=torch.float64)
    K = interpret_gaussian(d, {
        p: GaussianKernel.state(torch.zeros(1, dtype=torch.float64),
                                torch.eye(1, dtype=torch.float64), cod=X),
        f: GaussianKernel([[1.0]], [0.0], [[1.0]], dom=X, cod=Y),
        obs: GaussianCondition.observe(ys, Y, dims={"Y": 1})})
    assert K.backend == "torch" and K.batch_shape == (5,)
    assert torch.allclose(K.mean[:, 0], ys / 2)


def test_gradients_flow_through_exact_conditioning():
    mean = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
    p = GaussianKernel.state(mean, torch.eye(2, dtype=torch.float64), cod=("X", "Y"))
    post = condition_equal(p, "X", "Y")
    post.mean[0].backward()
    assert torch.allclose(mean.grad, torch.tensor([0.5, 0.5], dtype=torch.float64))


def test_the_like_argument_picks_torch_for_a_wiring_diagram():
    like = torch.zeros(1, dtype=torch.float32)
    K = interpret_gaussian(copy(X), {}, dims={"X": 2}, like=like)
    assert K.backend == "torch" and K.matrix.dtype == torch.float32
    assert GaussianKernel.identity(X, {"X": 1}, like=like).backend == "torch"
    assert GaussianCondition.equal(X, like=like).matrix.dtype == torch.float32


def test_torch_evidence_moves_a_numpy_kernel_to_torch():
    p = GaussianKernel.state([0.0, 0.0], np.eye(2), cod=("X", "Y"))
    post = observe(p, {"X": torch.tensor([1.0, 2.0], dtype=torch.float64)})
    assert post.backend == "torch" and post.batch_shape == (2,)
    from markov.gaussian.condition import condition

    assert condition(p, torch.tensor([[1.0, -1.0]]), 0.0).backend == "torch"
