"""All marginals for a repeated evidence pattern: every wire's joint with each combination of
evidence values is computed by one sweep and kept (counted, not timed); later answers are the
plain sweep's, to 1e-12 on floats and exactly on Fractions, batched, with soft evidence and the
zero-mass policies; where keeping them does not apply (tensors, batched tables, too many
combinations, underflow) the plain sweep answers."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from diagrams import Box, Diagram, Ty, copy, identity
from markov import ShapeMismatch, ZeroProbabilityEvidence, all_marginals, wire_keys
from markov.contraction.cache import PLANS
from markov.inference import folded_marginals as fm

X, Y = Ty("X"), Ty("Y")
p, f = Box("p", Ty(), X), Box("f", X, Y)
FORK = p >> copy(X, 3) >> (f @ f @ identity(X))
EXACT = {p: np.array([Fr(1, 3), Fr(2, 3)], dtype=object),
         f: np.array([[Fr(1, 2), Fr(1, 4), Fr(1, 4)], [Fr(1, 10), Fr(3, 5), Fr(3, 10)]],
                     dtype=object)}
FLOAT = {box: a.astype(float) for box, a in EXACT.items()}
ROWS = [np.eye(3)[i] for i in (0, 1, 2, 2, 0, 1)]


def fresh(mapping):
    """New table objects (kept joints are keyed by the very objects)."""
    return {box: a.copy() for box, a in mapping.items()}


def kept(mapping):
    """The joints kept for this very mapping."""
    return [s for s in PLANS.entries("evidence joints")
            if any(v is mapping[p] for v in s.tables[1])]


def plain(diagram, mapping, evidence, **kwargs):
    """The answer of the plain sweep (rescale=True never uses the kept joints)."""
    return all_marginals(diagram, mapping, evidence, rescale=True, **kwargs)


def agree_over_rows(mapping, observed):
    """The kept joints' answer equals the plain sweep's for every row of ROWS."""
    for row in ROWS:
        got = all_marginals(FORK, mapping, {observed: row})
        want = plain(FORK, mapping, {observed: row})
        for key in want:
            assert np.abs(got[key].array - want[key].array).max() < 1e-12


def test_the_joints_are_built_once_across_many_evidence_values():
    mapping = fresh(FLOAT)
    agree_over_rows(mapping, "Y#1")
    (store,) = kept(mapping)
    assert store.runs == 1 and store.joints.shape == (3, 2 + 3 + 3)


def test_exact_answers_from_the_kept_joints_are_exact():
    mapping = fresh(EXACT)
    for row in ROWS:
        got = all_marginals(FORK, mapping, {"Y": row, "X": [1, 3]})
        want = plain(FORK, mapping, {"Y": row, "X": [1, 3]})
        for key in want:
            assert got[key].array.tolist() == want[key].array.tolist()
            assert all(isinstance(x, Fr) for x in got[key].array.flat)
    (store,) = kept(mapping)
    assert store.runs == 1 and store.joints.shape == (3 * 2, 8)


def test_batches_and_soft_evidence_use_the_kept_joints():
    mapping = fresh(FLOAT)
    all_marginals(FORK, mapping, {"Y": ROWS[0]})
    soft = np.array([[0.2, 0.5, 1.0], [1.0, 0.0, 0.0], [1e-3, 2e-3, 0.5]])
    for evidence in ({"Y": soft}, {"Y": soft[:, None, :] * np.ones((2, 1))[None]}):
        got = all_marginals(FORK, mapping, evidence)
        want = plain(FORK, mapping, evidence)
        assert got["X"].batch_shape == want["X"].batch_shape
        for key in want:
            assert np.abs(got[key].array - want[key].array).max() < 1e-12
    (store,) = kept(mapping)
    assert store.runs == 1


def test_a_new_table_object_is_a_new_binding():
    mapping = fresh(FLOAT)
    for row in ROWS[:3]:
        all_marginals(FORK, mapping, {"Y": row})
    mapping[p] = np.array([0.9, 0.1])
    for row in ROWS[:3]:
        got = all_marginals(FORK, mapping, {"Y": row})
        want = plain(FORK, {**FLOAT, p: np.array([0.9, 0.1])}, {"Y": row})
        for key in want:
            assert np.abs(got[key].array - want[key].array).max() < 1e-12


def test_zero_probability_evidence_follows_the_policy_from_the_kept_joints():
    mapping = {**fresh(FLOAT), f: np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])}
    all_marginals(FORK, mapping, {"Y": [1.0, 0.0, 0.0]})
    all_marginals(FORK, mapping, {"Y": [1.0, 0.0, 0.0]})
    assert kept(mapping)[0].joints is not None
    with pytest.raises(ZeroProbabilityEvidence, match="observations of Y"):
        all_marginals(FORK, mapping, {"Y": [0.0, 1.0, 0.0]})
    got = all_marginals(FORK, mapping, {"Y": [0.0, 1.0, 0.0]}, on_zero="uniform")
    assert got["X"].array.tolist() == [0.5, 0.5]


def test_tensors_and_batched_tables_are_swept():
    torch = pytest.importorskip("torch")
    mapping = fresh(FLOAT)
    for row in ROWS[:3]:
        all_marginals(FORK, mapping, {"Y": row})
    got = all_marginals(FORK, mapping, {"Y": torch.tensor(ROWS[1], dtype=torch.float64)})
    assert isinstance(got["X"].array, torch.Tensor)
    batched = {**FLOAT, p: np.array([[0.5, 0.5], [0.9, 0.1]])}
    for row in ROWS[:3]:
        got = all_marginals(FORK, batched, {"Y": row})
        assert got["X"].batch_shape == (2,)
    assert kept(batched)[0].joints is None
    tensors = {box: torch.tensor(a) for box, a in FLOAT.items()}
    for row in ROWS[:3]:
        got = all_marginals(FORK, tensors, {"Y": row})
        assert isinstance(got["X"].array, torch.Tensor)
    stores = [s for s in PLANS.entries("evidence joints") if s.tables[1][0] is tensors[p]]
    assert stores and stores[0].runs == 0  # refused before any sweep


def test_too_many_combinations_or_underflow_are_swept():
    n = 300  # a chain with tables scaled by 1e-5: every joint is ~1e-1500
    boxes = [Box("x0", Ty(), Ty("S"))] + [Box("step", Ty("S"), Ty("S"))] * (n - 1)
    chain = Diagram(["S"] * n, boxes, [()] + [(i,) for i in range(n - 1)],
                    [(i,) for i in range(n)], (), ())
    tiny = {"x0": np.array([0.3e-5, 0.7e-5]),
            "step": np.array([[0.9, 0.1], [0.2, 0.8]]) * 1e-5}
    last = wire_keys(chain)[-1]
    for v in ([1.0, 0.0], [0.0, 1.0], [1.0, 1.0]):
        got = all_marginals(chain, tiny, {last: v}, validate=False)
        want = plain(chain, tiny, {last: v}, validate=False)
        assert np.abs(got["S"].array - want["S"].array).max() < 1e-12
    stores = [s for s in PLANS.entries("evidence joints") if s.tables[1][0] is tiny["x0"]]
    assert stores and all(s.joints is None for s in stores)
    many = {k: [1.0, 0.5] for k in wire_keys(chain)[:7]}  # 2**7 combinations
    mapping = {"x0": [0.3, 0.7], "step": np.array([[0.9, 0.1], [0.2, 0.8]])}
    for _ in range(2):
        all_marginals(chain, mapping, many)
    stores = [s for s in PLANS.entries("evidence joints") if s.tables[1][1] is mapping["step"]]
    assert stores and stores[0].joints is None and stores[0].runs == 0
    assert fm.MAX_STATES < 2**7


def test_with_too_many_combinations_the_unchanged_evidence_is_held_fixed():
    n = 12
    boxes = [Box("x0", Ty(), Ty("S"))] + [Box("step", Ty("S"), Ty("S"))] * (n - 1)
    chain = Diagram(["S"] * n, boxes, [()] + [(i,) for i in range(n - 1)],
                    [(i,) for i in range(n)], (), ())
    mapping = {"x0": np.array([0.3, 0.7]), "step": np.array([[0.9, 0.1], [0.2, 0.8]])}
    keys = wire_keys(chain)
    base = {k: np.array([1.0, 0.5]) for k in keys[:8]}  # 2**8 combinations in all
    changing = [[1.0, 0.0], [0.0, 1.0], [0.2, 0.9], np.eye(2)[[0, 1, 1]]]
    for value in changing * 2:
        evidence = {**base, keys[3]: np.asarray(value)}
        got = all_marginals(chain, mapping, evidence)
        want = plain(chain, mapping, evidence)
        for key in want:
            assert np.abs(got[key].array - want[key].array).max() < 1e-12
    stores = [s for s in PLANS.entries("evidence joints") if s.tables[1][1] is mapping["step"]]
    built = [s for s in stores if s.joints is not None]
    assert len(built) == 1 and built[0].runs == 1 and built[0].ks == (2,)
    moved = {**base, keys[0]: np.array([0.5, 1.0]), keys[3]: np.array([1.0, 0.0])}
    got = all_marginals(chain, mapping, moved)  # two values changed: swept
    want = plain(chain, mapping, moved)
    assert np.abs(got["S"].array - want["S"].array).max() < 1e-12


def test_batches_that_do_not_broadcast_are_a_typed_error_every_time():
    mapping = fresh(FLOAT)
    for _ in range(3):
        with pytest.raises(ShapeMismatch, match="evidence"):
            all_marginals(FORK, mapping, {"Y": np.eye(3)[[0, 1, 2]], "X": np.eye(2)[[0, 1]]})


def test_a_build_whose_sweep_would_keep_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(fm, "MAX_SWEEP", 4)
    mapping = fresh(FLOAT)
    agree_over_rows(mapping, "Y")
    (store,) = kept(mapping)
    assert store.joints is None and store.runs == 0
