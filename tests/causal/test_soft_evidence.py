"""Soft evidence in queries: Pearl's virtual evidence and Jeffrey's rule agree with
markov.pearl_update and markov.jeffrey_update."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from causal import CausalError, CausalModel, InvalidValue, UnknownVariable
from markov import jeffrey_update, pearl_update

NY = ("no", "yes")


def model(exact=True):
    h, t = (Fr(1, 2), Fr(1, 10)) if exact else (0.5, 0.1)
    one = 1 if exact else 1.0
    return CausalModel(
        {"S": [], "T": ["S"], "C": ["T", "S"]},
        {"S": [h, one - h], "T": [[one - t, t], [Fr(3, 10), Fr(7, 10)] if exact else [0.3, 0.7]],
         "C": [[[Fr(9, 10), Fr(1, 10)], [Fr(1, 2), Fr(1, 2)]],
               [[Fr(4, 5), Fr(1, 5)], [Fr(1, 5), Fr(4, 5)]]] if exact else
         [[[0.9, 0.1], [0.5, 0.5]], [[0.8, 0.2], [0.2, 0.8]]]},
        states={"S": NY, "T": NY, "C": NY})


def test_virtual_evidence_is_pearls_update_of_the_joint_exactly():
    m = model()
    L = [Fr(1, 5), Fr(4, 5)]
    expected = pearl_update(m.query(["S", "C"]), {"C": L}).marginal("S")
    got = m.query("S", likelihood={"C": L})
    assert got.array.tolist() == expected.array.tolist()
    assert got.labels == {"S": NY} and "C~pearl" in got.name


def test_a_float_vector_in_evidence_is_virtual_evidence():
    m = model(exact=False)
    np.testing.assert_allclose(m.query("S", evidence={"C": [0.2, 0.8]}).array,
                               m.query("S", likelihood={"C": [0.2, 0.8]}).array, atol=1e-15)


def test_jeffreys_rule_is_jeffrey_update_of_the_joint_exactly():
    m = model()
    tau = [Fr(1, 3), Fr(2, 3)]
    expected = jeffrey_update(m.query(["S", "C"]), {"C": tau}).marginal("S")
    got = m.query("S", likelihood={"C": tau}, soft="jeffrey")
    assert got.array.tolist() == expected.array.tolist()
    # The softly observed variable takes the new marginal itself.
    assert m.query("C", likelihood={"C": tau}, soft="jeffrey").array.tolist() == tau


def test_soft_evidence_with_hard_evidence_and_interventions():
    m = model()
    L = [Fr(1, 5), Fr(4, 5)]
    joint = m.query(["S", "C"], do={"T": "yes"}, evidence={"S": "no"})
    expected = pearl_update(joint, {"C": L}).marginal("S")
    got = m.query("S", do={"T": "yes"}, evidence={"S": "no", "C": L})
    assert got.array.tolist() == expected.array.tolist()
    assert m.query("T", do={"S": "yes"}, likelihood={"C": L}).array.tolist() == \
        pearl_update(m.query(["T", "C"], do={"S": "yes"}), {"C": L}).marginal("T").array.tolist()


def test_a_point_likelihood_is_hard_evidence_and_batches_broadcast():
    m = model(exact=False)
    hard = m.query("S", evidence={"C": "yes"}).array
    np.testing.assert_allclose(m.query("S", likelihood={"C": [0.0, 1.0]}).array, hard,
                               atol=1e-15)
    batch = m.query("S", likelihood={"C": [[0.0, 1.0], [1.0, 1.0]]})
    assert batch.batch_shape == (2,)
    np.testing.assert_allclose(batch.array[0], hard, atol=1e-15)
    np.testing.assert_allclose(batch.array[1], m.query("S").array, atol=1e-15)


def test_soft_evidence_in_torch():
    torch = pytest.importorskip("torch")
    m = model(exact=False)
    t = CausalModel(m.parents, {v: torch.tensor(np.asarray(a, dtype=float))
                                for v, a in m.cpts.items()}, states=m.states)
    got = t.query("S", likelihood={"C": torch.tensor([0.2, 0.8], dtype=torch.float64)})
    assert isinstance(got.array, torch.Tensor)
    np.testing.assert_allclose(got.array.numpy(),
                               m.query("S", likelihood={"C": [0.2, 0.8]}).array, atol=1e-12)


def test_soft_evidence_errors_are_typed_and_name_the_variable():
    m = model(exact=False)
    with pytest.raises(InvalidValue, match="variable 'C': a soft observation has one entry "
                                           r"per state \(2\)"):
        m.query("S", likelihood={"C": [0.2, 0.3, 0.5]})
    with pytest.raises(InvalidValue, match="finite and non-negative"):
        m.query("S", likelihood={"C": [-0.2, 1.0]})
    with pytest.raises(InvalidValue, match="Jeffrey's rule takes a new distribution of C"):
        m.query("S", likelihood={"C": [0.2, 0.3]}, soft="jeffrey")
    with pytest.raises(InvalidValue, match="vector of numbers"):
        m.query("S", likelihood={"C": ["no", "yes"]})
    with pytest.raises(UnknownVariable, match="likelihood names 'Q'"):
        m.query("S", likelihood={"Q": [0.2, 0.8]})
    with pytest.raises(CausalError, match="observed twice"):
        m.query("S", evidence={"C": "no"}, likelihood={"C": [0.2, 0.8]})
    with pytest.raises(CausalError, match="soft must be one of"):
        m.query("S", likelihood={"C": [0.2, 0.8]}, soft="bayes")


def test_rows_of_a_data_frame_are_hard_evidence():
    import pandas as pd

    m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]})
    rows = pd.DataFrame({"B": [0.0, 1.0]})  # two rows (float column), not a likelihood
    P = m.query("A", evidence=rows)
    assert P.batch_shape == (2,)
    np.testing.assert_allclose(P.array[1], m.query("A", evidence={"B": "1"}).array)
