"""Long chains do not underflow; large networks (munin, link) are answered."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest

from diagrams import Box, Diagram, Ty
from markov import interpret, interpret_scaled, plan
from markov.inference.normalize import normalize

H, U = Ty("H"), Ty("observed")


def hidden_markov_chain(steps: int, rng, n_hidden=3, n_symbols=4):
    """p(H0) f(H_t | H_t-1), and evidence on each H_t chained onto one size-1 output:
    observe_t : H @ U -> U carries the likelihood of the t-th observation."""
    prior = rng.random(n_hidden) + 0.1
    prior /= prior.sum()
    transition = rng.random((n_hidden, n_hidden)) + 0.1
    transition /= transition.sum(1, keepdims=True)
    emission = rng.random((n_hidden, n_symbols)) + 0.1
    emission /= emission.sum(1, keepdims=True)
    observations = rng.integers(0, n_symbols, steps)
    p, f = Box("p", Ty(), H), Box("f", H, H)
    wires = ["H"] * (steps + 1) + ["observed"] * steps
    boxes, ins, outs, mapping = [p], [()], [(0,)], {p: prior, f: transition}
    for t in range(1, steps + 1):
        boxes.append(f)
        ins.append((t - 1,))
        outs.append((t,))
    unit = steps + 1
    for t in range(1, steps + 1):
        likelihood = emission[:, observations[t - 1]]
        if t == 1:
            box = Box("observe1", H, U)
            ins.append((1,))
            mapping[box] = likelihood[:, None]
        else:
            box = Box(f"observe{t}", H @ U, U)
            ins.append((t, unit + t - 2))
            mapping[box] = likelihood[:, None, None]
        boxes.append(box)
        outs.append((unit + t - 1,))
    d = Diagram(wires, boxes, ins, outs, (), (steps, unit + steps - 1))
    return d, mapping, (prior, transition, emission, observations)


def filtered(prior, transition, emission, observations):
    """The forward algorithm, normalised at every step: P(H_T | o_1..o_T)."""
    belief = prior
    for o in observations:
        belief = (belief @ transition) * emission[:, o]
        belief = belief / belief.sum()
    return belief


def test_a_2000_step_chain_of_small_likelihoods_gives_the_right_posterior():
    rng = np.random.default_rng(0)
    d, mapping, model = hidden_markov_chain(2000, rng)
    expected = filtered(*model)
    # The evidence has probability about 4**-2000 ~ 1e-1204: far below float64.
    plain = interpret(d, mapping, validate=False, rescale=False).array
    assert not plain.any()
    mantissa, log_scale = interpret_scaled(d, mapping, validate=False)
    posterior = normalize(mantissa[:, 0], 1, on_zero="raise")
    np.testing.assert_allclose(posterior, expected, rtol=1e-9)
    assert -2000 * np.log(4) * 1.5 < float(log_scale) < -2000 * np.log(4) * 0.5


def test_the_automatic_rescue_keeps_representable_answers_exact():
    # Intermediates reach 1e-400 (factors 1e-200, then 1e+200): the plain contraction
    # loses them, the automatic rescue does not.
    X = Ty("X")
    p = Box("p", Ty(), X)
    small1, small2 = Box("s1", X, U), Box("s2", X @ U, U)
    big1, big2 = Box("b1", X @ U, U), Box("b2", X @ U, U)
    d = Diagram(["X", "observed", "observed", "observed", "observed"],
                [p, small1, small2, big1, big2], [(), (0,), (0, 1), (0, 2), (0, 3)],
                [(0,), (1,), (2,), (3,), (4,)], (), (0, 4))
    mapping = {p: np.array([0.25, 0.75]), small1: np.full((2, 1), 1e-200),
               small2: np.full((2, 1, 1), 1e-200), big1: np.full((2, 1, 1), 1e200),
               big2: np.full((2, 1, 1), 1e200)}
    result = interpret(d, mapping, validate=False).array
    np.testing.assert_allclose(result[:, 0], [0.25, 0.75], rtol=1e-12)
    always = interpret(d, mapping, validate=False, rescale=True).array
    np.testing.assert_allclose(always[:, 0], [0.25, 0.75], rtol=1e-12)


def test_rescaling_keeps_one_scale_per_batch_element():
    rng = np.random.default_rng(1)
    d, mapping, (prior, transition, emission, obs) = hidden_markov_chain(300, rng)
    # A batch of two priors: one ordinary, one concentrated on a state.
    p = d.boxes[0]
    priors = np.stack([prior, np.array([1.0, 0.0, 0.0])])
    mantissa, log_scale = interpret_scaled(d, {**mapping, p: priors}, validate=False)
    assert log_scale.shape == (2,)
    for b in range(2):
        expected = filtered(priors[b], transition, emission, obs)
        np.testing.assert_allclose(mantissa[b, :, 0] / mantissa[b, :, 0].sum(), expected,
                                   rtol=1e-9)


def test_float32_torch_chains_do_not_underflow():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    d, mapping, model = hidden_markov_chain(200, rng)          # ~1e-120: below float32
    expected = filtered(*model)
    tensors = {box: torch.as_tensor(a, dtype=torch.float32) for box, a in mapping.items()}
    mantissa, log_scale = interpret_scaled(d, tensors, validate=False)
    assert mantissa.dtype == torch.float32 and isinstance(log_scale, torch.Tensor)
    posterior = (mantissa[:, 0] / mantissa[:, 0].sum()).numpy()
    np.testing.assert_allclose(posterior, expected, rtol=1e-3)


# ---- pgmpy's largest bundled networks ---------------------------------------------------------

def _bundled(name: str) -> str:
    pgmpy = pytest.importorskip("pgmpy")
    path = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models",
                        f"{name}.bif.gz")
    if not os.path.exists(path):
        pytest.skip(f"pgmpy does not bundle {name}")
    return path


def _named(spec, evidence: dict[str, int]) -> dict[str, str]:
    """Evidence by state name (the values causal models read)."""
    return {v: spec.states[v][i] for v, i in evidence.items()}


def _evidence(spec, n_leaves: int, seed: int) -> dict[str, int]:
    """Point evidence on leaves, drawn by ancestral sampling (so it has positive mass)."""
    from bench.networks import leaves, sample

    draw = sample(spec, np.random.default_rng(seed), 1)
    return {v: int(draw[v][0]) for v in leaves(spec)[:n_leaves]}


@pytest.mark.parametrize("name", ["munin", "link"])
def test_queries_on_munin_and_link_are_answered(name):
    from bench.networks import Query, topological
    from causal import CausalModel
    from causal.bif import read_bif

    path = _bundled(name)
    spec = read_bif(path)
    model = CausalModel.from_bif(path)
    order = topological(spec)
    target = order[len(order) // 2]
    evidence = _evidence(spec, 12, seed=3)
    answer = model.query(target, evidence=_named(spec, evidence)).array
    assert np.isfinite(answer).all() and abs(answer.sum() - 1) < 1e-9
    # The same query built directly as a diagram (a different layout and plan).
    q = Query(spec, (target,), evidence=evidence)
    direct = q.answer(interpret(q.diagram, q.mapping, validate=False).array)
    np.testing.assert_allclose(answer, direct, atol=1e-9)
    # A marginal of the last variable, and a do-query on a root's child.
    marginal = model.query(order[-1]).array
    assert abs(marginal.sum() - 1) < 1e-9
    cause = next(v for v in order if spec.parents[v])
    effect = model.query(order[-1], do={cause: spec.states[cause][0]}).array
    assert abs(effect.sum() - 1) < 1e-9


def test_munin_agrees_with_pyagrum(tmp_path):
    gum = pytest.importorskip("pyagrum")
    from bench.networks import topological
    from causal import CausalModel
    from causal.bif import read_bif

    path = _bundled("munin")
    plain = tmp_path / "munin.bif"
    with open(path, "rb") as f:
        plain.write_bytes(gzip.decompress(f.read()))
    bn = gum.loadBN(str(plain))
    spec = read_bif(path)
    evidence = _evidence(spec, 12, seed=4)
    target = topological(spec)[len(spec.states) // 3]
    inference = gum.LazyPropagation(bn)
    inference.setEvidence(evidence)
    inference.makeInference()
    expected = inference.posterior(target).toarray()
    answer = CausalModel.from_bif(path).query(target, evidence=_named(spec, evidence)).array
    np.testing.assert_allclose(answer, expected, atol=1e-9)


def test_a_munin_query_sliced_to_a_small_budget_gives_the_same_answer():
    from bench.networks import Query, topological
    from causal.bif import read_bif

    spec = read_bif(_bundled("munin"))
    order = topological(spec)
    q = Query(spec, (order[-1],), evidence=_evidence(spec, 6, seed=5))
    full = interpret(q.diagram, q.mapping, validate=False).array
    P = plan(q.diagram, q.mapping)
    budget = max(P.largest_intermediate // 8, 64) * 8
    sliced = plan(q.diagram, q.mapping, max_memory=budget)
    assert sliced.n_slices > 1
    again = interpret(q.diagram, q.mapping, validate=False, max_memory=budget).array
    np.testing.assert_allclose(again, full, rtol=1e-9, atol=1e-300)
