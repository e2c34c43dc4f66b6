"""All marginals from one forward and one backward sweep (markov.all_marginals): each wire's
posterior equals the brute-force one (the full joint times the evidence, summed), exactly on
Fractions, on torch as on numpy, batched, and safe from underflow; bad input is a typed error."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from diagrams import Box, Diagram, Ty, copy, identity
from markov import (
    ContractionTooLarge,
    ShapeMismatch,
    UnknownAtom,
    ZeroProbabilityEvidence,
    all_marginals,
    interpret,
    wire_keys,
)

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
p, f, g = Box("p", Ty(), X), Box("f", X, Y), Box("g", X @ X, Z)
# p >> copy >> (f @ f): two wires of type Y; then g reads X twice (a repeated label).
FORK = p >> copy(X, 3) >> (f @ f @ identity(X))
DIAGONAL = p >> copy(X, 2) >> g

P = [Fr(1, 3), Fr(2, 3)]
F = [[Fr(1, 2), Fr(1, 4), Fr(1, 4)], [Fr(1, 10), Fr(3, 5), Fr(3, 10)]]
G = [[[Fr(1, 2), Fr(1, 2)], [Fr(1, 5), Fr(4, 5)]], [[Fr(1, 4), Fr(3, 4)], [Fr(0), Fr(1)]]]
EXACT = {p: np.array(P, dtype=object), f: np.array(F, dtype=object),
         g: np.array(G, dtype=object)}
FLOAT = {box: a.astype(float) for box, a in EXACT.items()}


def brute_force(diagram: Diagram, mapping, evidence):
    """Each wire's posterior from the full joint over all wires (the reference)."""
    every = Diagram(diagram.wires, diagram.boxes, diagram.box_inputs, diagram.box_outputs,
                    (), range(len(diagram.wires)))
    joint = interpret(every, mapping, prune=False).array
    keys = wire_keys(diagram)
    for key, likelihood in evidence.items():
        axis = keys.index(key)
        shape = [1] * joint.ndim
        shape[axis] = len(likelihood)
        joint = joint * np.asarray(likelihood, dtype=joint.dtype).reshape(shape)
    out = {}
    for axis, key in enumerate(keys):
        m = joint.sum(axis=tuple(a for a in range(joint.ndim) if a != axis))
        out[key] = m / m.sum()
    return out


@pytest.mark.parametrize("diagram", [FORK, DIAGONAL], ids=["fork", "diagonal"])
@pytest.mark.parametrize("evidence", [{}, {"Y#1": [0, 1, 1]}, {"Y": [1, 0, 0], "X": [1, 3]}])
def test_every_wire_posterior_is_exactly_the_brute_force_one(diagram, evidence):
    evidence = {k: v for k, v in evidence.items() if k in wire_keys(diagram)}
    got = all_marginals(diagram, EXACT, evidence)
    want = brute_force(diagram, EXACT, evidence)
    assert list(got) == list(wire_keys(diagram))
    for key in want:
        assert got[key].array.tolist() == want[key].tolist()
        assert got[key].cod == Ty(diagram.wires[wire_keys(diagram).index(key)])


def test_floats_agree_with_the_exact_answer():
    got = all_marginals(FORK, FLOAT, {"Y#1": [0.0, 1.0, 1.0]})
    want = all_marginals(FORK, EXACT, {"Y#1": [0, 1, 1]})
    for key in want:
        assert np.allclose(got[key].array, want[key].array.astype(float), atol=1e-15)


def test_a_batch_of_evidence_rows_gives_a_batch_of_posteriors():
    rows = np.eye(3)[[0, 2, 1, 1]]
    got = all_marginals(FORK, FLOAT, {"Y": rows})
    assert got["X"].batch_shape == (4,)
    for i, row in enumerate(rows):
        one = all_marginals(FORK, FLOAT, {"Y": row})
        for key in one:
            assert np.allclose(got[key].array[i], one[key].array, atol=1e-15)


def test_batched_boxes_broadcast_with_batched_evidence():
    priors = np.array([[0.5, 0.5], [0.9, 0.1]])[:, None, :]        # batch (2, 1)
    rows = np.eye(3)[[0, 2, 1]]                                     # batch (3,)
    got = all_marginals(FORK, {**FLOAT, p: priors}, {"Y": rows})
    assert got["X"].batch_shape == (2, 3)
    for i in range(2):
        for j in range(3):
            one = all_marginals(FORK, {**FLOAT, p: priors[i, 0]}, {"Y": rows[j]})
            assert np.allclose(got["Y#1"].array[i, j], one["Y#1"].array, atol=1e-15)


def test_torch_backward_pass_equals_numpys():
    torch = pytest.importorskip("torch")
    # requires_grad keeps the contraction on torch (small float ones run on numpy views).
    tensors = {box: torch.tensor(a, dtype=torch.float64, requires_grad=True)
               for box, a in FLOAT.items()}
    rows = np.eye(3)[[0, 2, 1]]
    for diagram in (FORK, DIAGONAL):
        evidence = {"X": torch.tensor([[1.0, 0.5], [0.2, 1.0], [1.0, 1.0]],
                                      dtype=torch.float64)}
        got = all_marginals(diagram, tensors, evidence)
        want = all_marginals(diagram, FLOAT, {"X": evidence["X"].numpy()})
        for key in want:
            assert isinstance(got[key].array, torch.Tensor)
            assert np.allclose(got[key].array.detach().numpy(), want[key].array, atol=1e-14)
    views = all_marginals(FORK, {b: torch.tensor(a) for b, a in FLOAT.items()}, {"Y": rows})
    plain = all_marginals(FORK, FLOAT, {"Y": rows})
    assert np.allclose(views["X"].array.numpy(), plain["X"].array, atol=1e-15)


def test_evidence_far_below_the_float_range_is_rescaled():
    n = 300  # a chain X0 -> X1 -> ... with 300 likelihoods of 1e-5: P(evidence) ~ 1e-1500
    boxes = [Box("x0", Ty(), Ty("S"))] + [Box("step", Ty("S"), Ty("S"))] * (n - 1)
    chain = Diagram(["S"] * n, boxes, [()] + [(i,) for i in range(n - 1)],
                    [(i,) for i in range(n)], (), ())
    mapping = {"x0": [0.3, 0.7], "step": [[0.9, 0.1], [0.2, 0.8]]}
    keys = wire_keys(chain)
    tiny = all_marginals(chain, mapping, {k: [1e-5, 3e-5] for k in keys})
    plain = all_marginals(chain, mapping, {k: [1.0, 3.0] for k in keys})
    for k in keys:
        assert np.all(np.isfinite(tiny[k].array))
        assert np.allclose(tiny[k].array, plain[k].array, atol=1e-12)
    with pytest.raises(ZeroProbabilityEvidence):  # without rescaling it underflows to 0
        all_marginals(chain, mapping, {k: [1e-5, 3e-5] for k in keys}, rescale=False)


def test_zero_probability_evidence_raises_or_follows_the_policy():
    mapping = {**FLOAT, f: np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])}
    with pytest.raises(ZeroProbabilityEvidence, match="observations of Y"):
        all_marginals(FORK, mapping, {"Y": [0.0, 1.0, 0.0]})
    got = all_marginals(FORK, mapping, {"Y": [0.0, 1.0, 0.0]}, on_zero="uniform")
    assert got["X"].array.tolist() == [0.5, 0.5]


def test_bad_input_is_a_typed_error_naming_the_wire():
    with pytest.raises(UnknownAtom, match="'W'"):
        all_marginals(FORK, FLOAT, {"W": [1.0, 0.0]})
    with pytest.raises(ShapeMismatch, match="without inputs"):
        all_marginals(f, FLOAT)
    with pytest.raises(ContractionTooLarge):
        all_marginals(FORK, FLOAT, max_memory=8)
