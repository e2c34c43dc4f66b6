"""The slices of a plan forced to slice, run as dask tasks on a LocalCluster, give the
unsliced answer: summed labels, sliced output (batch) labels, exact arithmetic, rescaling."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from diagrams import Box, Diagram, Ty
from markov import MarkovError, interpret, interpret_scaled, plan
from markov.contraction.distributed import run_slices
from markov.contraction.interpret import _bind

X, Y = Ty("X"), Ty("Y")


def stochastic(rng, *shape):
    a = rng.random(shape) + 0.05
    return a / a.sum(-1, keepdims=True)


def wide_middle(n=24, seed=4):
    """p(A) f(B | A) g(C | A, B) h(D | C), outputs A and D: A-B-C is the largest step."""
    A, B, C, D = Ty("A"), Ty("B"), Ty("C"), Ty("D")
    p, f, g, h = Box("p", Ty(), A), Box("f", A, B), Box("g", A @ B, C), Box("h", C, D)
    d = Diagram(["A", "B", "C", "D"], [p, f, g, h], [(), (0,), (0, 1), (2,)],
                [(0,), (1,), (2,), (3,)], (), (0, 3))
    rng = np.random.default_rng(seed)
    return d, {p: stochastic(rng, n), f: stochastic(rng, n, n), g: stochastic(rng, n, n, n),
               h: stochastic(rng, n, 5)}


BUDGET = 24 * 24 * 8       # far below the 24**3 table g


@pytest.mark.parametrize("rescale", ["auto", True, False])
def test_distributed_slices_equal_the_unsliced_answer(client, rescale):
    d, mapping = wide_middle()
    full = interpret(d, mapping).array
    assert plan(d, mapping, max_memory=BUDGET).n_slices > 1
    got = interpret(d, mapping, max_memory=BUDGET, executor=client, rescale=rescale).array
    np.testing.assert_allclose(got, full, rtol=1e-12)


@pytest.mark.parametrize("tasks,split_every", [(1, 8), (3, 2), (24, 3)])
def test_any_grouping_of_slices_and_any_tree_gives_the_same_sum(client, tasks, split_every):
    d, mapping = wide_middle(seed=5)
    full = interpret(d, mapping).array
    P, arrays, backend, template, _ = _bind(d, mapping, validate=False, max_memory=BUDGET)
    got = run_slices(P, arrays, backend, template, executor=client, tasks=tasks,
                     split_every=split_every)
    np.testing.assert_allclose(got, full, rtol=1e-12)


def test_sliced_batch_labels_are_written_in_place(client):
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    rng = np.random.default_rng(6)
    mapping = {p: stochastic(rng, 2), f: stochastic(rng, 20, 2, 20)}   # a batch of 20
    full = interpret(p >> f, mapping).array
    P = plan(p >> f, mapping, max_memory=400 * 8)
    assert P.equation.split("->")[1][0] in P.sliced                      # the batch label
    got = interpret(p >> f, mapping, max_memory=400 * 8, executor=client).array
    np.testing.assert_allclose(got, full, rtol=1e-12)


def test_exact_slices_sum_to_the_exact_answer(client):
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    prior = np.array([Fraction(1, 6)] * 6, dtype=object)
    channel = np.array([[Fraction(i + 1, 7), Fraction(6 - i, 7)] for i in range(6)],
                       dtype=object)
    got = interpret(p >> f, {p: prior, f: channel}, max_memory=16, executor=client).array
    assert got.tolist() == [Fraction(1, 2), Fraction(1, 2)]


def tiny_evidence_network(n=20, seed=7):
    """A wide-middle network whose evidence likelihoods are ~1e-200 each: the plain sum of
    its slices underflows, the rescaled one does not."""
    d, mapping = wide_middle(n, seed)
    U = Ty("observed")
    e = Box("e", Ty("D"), U)
    boxes = list(d.boxes) + [e]
    d = Diagram(list(d.wires) + ["observed"], boxes, list(d.box_inputs) + [(3,)],
                list(d.box_outputs) + [(4,)], (), (0, 4))
    rng = np.random.default_rng(seed)
    return d, {**mapping, e: 1e-200 * rng.random((5, 1)) ** 2}


def test_underflowing_slices_are_rescaled_and_combined_on_one_log_scale(client):
    d, mapping = tiny_evidence_network()
    m, log = interpret_scaled(d, mapping, validate=False, prune=False)
    m2, log2 = interpret_scaled(d, mapping, validate=False, prune=False,
                                max_memory=20 * 20 * 8, executor=client)
    np.testing.assert_allclose(m2 * np.exp(log2 - log), m, rtol=1e-12)
    auto = interpret(d, mapping, validate=False, prune=False, max_memory=20 * 20 * 8,
                     executor=client).array
    np.testing.assert_allclose(auto / auto.sum(), m / m.sum(), rtol=1e-12)


def test_torch_arrays_and_a_cpu_device_on_the_workers(client):
    torch = pytest.importorskip("torch")
    d, mapping = wide_middle(seed=8)
    full = interpret(d, mapping).array
    tensors = {box: torch.as_tensor(a) for box, a in mapping.items()}
    got = interpret(d, tensors, max_memory=BUDGET, executor=client).array
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), full, rtol=1e-12)
    P, arrays, backend, template, _ = _bind(d, mapping, validate=False, max_memory=BUDGET)
    on_device = run_slices(P, arrays, backend, template, executor="sync", device="cpu")
    np.testing.assert_allclose(on_device, full, rtol=1e-12)


def test_local_schedulers_and_unsliced_plans_need_no_cluster():
    d, mapping = wide_middle(seed=9)
    full = interpret(d, mapping).array
    np.testing.assert_allclose(interpret(d, mapping, max_memory=BUDGET, executor="threads")
                               .array, full, rtol=1e-12)
    np.testing.assert_allclose(interpret(d, mapping, executor="sync").array, full,
                               rtol=1e-12)


def test_bad_executors_and_options_raise_markov_errors():
    d, mapping = wide_middle(seed=10)
    P, arrays, backend, template, _ = _bind(d, mapping, validate=False, max_memory=BUDGET)
    with pytest.raises(MarkovError, match="executor"):
        run_slices(P, arrays, backend, template, executor=42)
    with pytest.raises(MarkovError, match="rescale"):
        run_slices(P, arrays, backend, template, executor="sync", rescale="sometimes")
    exact = [np.asarray(a).astype(object) for a in arrays]
    with pytest.raises(MarkovError, match="exact"):
        run_slices(P, exact, "exact", None, executor="sync", device="cpu")
