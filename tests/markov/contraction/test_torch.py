"""The torch backend: dtype and device preserved, batch axes broadcast, the cached path
followed pairwise (never torch.einsum's own ordering), one synchronisation for validation."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from diagrams import Box, Diagram, Ty, copy, identity
from markov import Kernel, NotStochastic, interpret, interpret_scaled

torch = pytest.importorskip("torch")
contraction = sys.modules["markov.contraction.plan"]

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device"))]


def stochastic(rng, *shape):
    a = rng.random(shape) + 0.05
    return a / a.sum(-1, keepdims=True)


def network(rng):
    """p(X) f(Y | X) g(Z | X, Y) with outputs X and Z (Y discarded)."""
    p, f, g = Box("p", Ty(), X), Box("f", X, Y), Box("g", X @ Y, Z)
    d = Diagram(["X", "Y", "Z"], [p, f, g], [(), (0,), (0, 1)], [(0,), (1,), (2,)], (),
                (0, 2))
    arrays = {p: stochastic(rng, 3), f: stochastic(rng, 3, 4), g: stochastic(rng, 3, 4, 5)}
    return d, arrays


@pytest.fixture(params=[True, False], ids=["through-numpy-when-small", "torch-kernels"])
def dispatch(request, monkeypatch):
    """Run each test both ways: small CPU contractions may go through numpy views; with the
    threshold at 0 every step is a torch operation."""
    if not request.param:
        monkeypatch.setattr(contraction, "TORCH_CPU_THROUGH_NUMPY", 0)
    return request.param


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_and_device_are_preserved_and_agree_with_numpy(device, dtype, dispatch):
    rng = np.random.default_rng(0)
    d, arrays = network(rng)
    dt = getattr(torch, dtype)
    tensors = {b: torch.as_tensor(a, dtype=dt, device=device) for b, a in arrays.items()}
    K = interpret(d, tensors)
    assert K.backend == "torch" and K.array.dtype == dt and K.array.device.type == device
    expected = interpret(d, arrays).array
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(K.array.cpu().numpy(), expected, rtol=tol)


def test_half_precision_runs_on_torch_operations():
    rng = np.random.default_rng(1)
    d, arrays = network(rng)
    tensors = {b: torch.as_tensor(a, dtype=torch.bfloat16) for b, a in arrays.items()}
    K = interpret(d, tensors, validate=False)
    assert K.array.dtype == torch.bfloat16
    np.testing.assert_allclose(K.array.float().numpy(), interpret(d, arrays).array, atol=2e-2)


@pytest.mark.parametrize("device", DEVICES)
def test_batch_axes_broadcast_like_torch(device, dispatch):
    rng = np.random.default_rng(2)
    d, arrays = network(rng)
    p, f, g = d.boxes
    priors = torch.as_tensor(stochastic(rng, 7, 1, 3), device=device)      # batch (7, 1)
    channels = torch.as_tensor(stochastic(rng, 5, 3, 4), device=device)    # batch (5,)
    K = interpret(d, {p: priors, f: channels, g: torch.as_tensor(arrays[g], device=device)})
    assert K.batch_shape == (7, 5)
    for i in (0, 6):
        for j in (0, 4):
            one = interpret(d, {p: priors[i, 0].cpu().numpy(), f: channels[j].cpu().numpy(),
                                g: arrays[g]})
            np.testing.assert_allclose(K.array[i, j].cpu().numpy(), one.array, rtol=1e-12)


def test_torch_einsum_is_never_called(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("torch.einsum was called")

    monkeypatch.setattr(contraction, "TORCH_CPU_THROUGH_NUMPY", 0)
    monkeypatch.setattr(torch, "einsum", forbidden)
    rng = np.random.default_rng(3)
    d, arrays = network(rng)
    K = interpret(d, {b: torch.as_tensor(a) for b, a in arrays.items()})
    np.testing.assert_allclose(K.array.numpy(), interpret(d, arrays).array, rtol=1e-12)


def test_mixed_numpy_and_torch_arrays_compute_in_torch():
    rng = np.random.default_rng(4)
    d, arrays = network(rng)
    p = d.boxes[0]
    mixed = {**arrays, p: torch.as_tensor(arrays[p], dtype=torch.float32)}
    K = interpret(d, mixed)
    assert K.array.dtype == torch.float32


def test_gradients_flow_through_the_contraction():
    rng = np.random.default_rng(5)
    d, arrays = network(rng)
    p, f, g = d.boxes
    logits = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    tensors = {b: torch.as_tensor(a) for b, a in arrays.items()}
    tensors[p] = torch.softmax(logits, -1)
    K = interpret(d, tensors)
    K.array[:, 0].sum().backward()
    # d/dlogits of sum_x softmax(x) * P(Z=0 | x): softmax' times the conditional.
    cond = (arrays[f][:, :, None] * arrays[g]).sum(1)[:, 0]
    s = np.full(3, 1 / 3)
    expected = s * (cond - s @ cond)
    np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-10)


def test_gradients_survive_rescaling():
    rng = np.random.default_rng(6)
    d, arrays = network(rng)
    p = d.boxes[0]
    prior = torch.tensor(arrays[p], requires_grad=True)
    tensors = {b: torch.as_tensor(a) for b, a in arrays.items()}
    tensors[p] = prior
    plain = interpret(d, tensors, rescale=False).array.sum()
    (grad_plain,) = torch.autograd.grad(plain, prior)
    scaled = interpret(d, tensors, rescale=True).array.sum()
    (grad_scaled,) = torch.autograd.grad(scaled, prior)
    np.testing.assert_allclose(grad_scaled.numpy(), grad_plain.numpy(), rtol=1e-12)


def test_validation_synchronises_once_per_call(monkeypatch):
    rng = np.random.default_rng(7)
    d, arrays = network(rng)
    tensors = {b: torch.as_tensor(a) for b, a in arrays.items()}
    interpret(d, tensors)          # compile first
    calls = []
    original = torch.Tensor.__bool__

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(torch.Tensor, "__bool__", counting)
    interpret(d, tensors, rescale=True)      # rescale=True: no underflow check either
    assert len(calls) == 1                   # three raw tensors, one synchronisation


def test_bad_torch_arrays_name_the_box():
    rng = np.random.default_rng(8)
    d, arrays = network(rng)
    tensors = {b: torch.as_tensor(a) for b, a in arrays.items()}
    f = d.boxes[1]
    tensors[f] = tensors[f].clone()
    tensors[f][1, 2] = float("nan")
    with pytest.raises(NotStochastic, match=r"kernel f: entry \(1, 2\) is not finite"):
        interpret(d, tensors)


def test_kernels_on_torch_compose_and_marginalise_on_torch():
    p = Kernel.state(torch.tensor([0.25, 0.75]), cod=X)
    f = Kernel(torch.tensor([[0.9, 0.1], [0.2, 0.8]]), dom=X, cod=Y)
    joint = interpret(Box("p", Ty(), X) >> copy(X) >> (identity(X) @ Box("f", X, Y)),
                      {"p": p, "f": f})
    assert joint.array.dtype == torch.float32
    np.testing.assert_allclose((p >> f).array.numpy(), [0.375, 0.625], rtol=1e-6)
    np.testing.assert_allclose(joint.marginal(["Y"]).array.numpy(), [0.375, 0.625],
                               rtol=1e-6)


def test_scaled_interpretation_on_torch_returns_torch_log_scales():
    X_, U = Ty("X"), Ty("observed")
    p, e = Box("p", Ty(), X_), Box("e", X_, U)
    d = p >> copy(X_) >> (identity(X_) @ e)
    m, log = interpret_scaled(d, {p: torch.tensor([0.5, 0.5], dtype=torch.float64),
                                  e: torch.tensor([[1e-300], [3e-300]], dtype=torch.float64)},
                              validate=False)
    assert isinstance(m, torch.Tensor) and isinstance(log, torch.Tensor)
    np.testing.assert_allclose(m[:, 0].numpy(), [1 / 3, 1.0])


@pytest.mark.parametrize("rescale", ["auto", True])
def test_sliced_torch_contractions_equal_unsliced(rescale, dispatch):
    rng = np.random.default_rng(9)
    A, B_, C = Ty("A"), Ty("B"), Ty("C")
    p, f, g = Box("p", Ty(), A), Box("f", A, B_), Box("g", A @ B_, C)
    d = Diagram(["A", "B", "C"], [p, f, g], [(), (0,), (0, 1)], [(0,), (1,), (2,)], (),
                (2,))
    tensors = {p: torch.as_tensor(stochastic(rng, 4, 20)),          # a batch of 4 priors
               f: torch.as_tensor(stochastic(rng, 20, 20)),
               g: torch.as_tensor(stochastic(rng, 20, 20, 6))}
    full = interpret(d, tensors).array
    sliced = interpret(d, tensors, max_memory=400 * 8, rescale=rescale).array
    assert sliced.dtype == torch.float64
    np.testing.assert_allclose(sliced.numpy(), full.numpy(), rtol=1e-12)
