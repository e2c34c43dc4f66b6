"""Pandas categorical batches of a tabulated pattern (causal._fast): the table's answers by
category, taken at the codes, are the answers of the same names, and whatever that does not
cover (missing rows, categories that name no state or a combination the general path
answers) goes the longer way, errors included."""

from __future__ import annotations

import numpy as np
import pytest
from test_fast_query import GENERAL, categorical_errors, chain  # the same small chain

from causal import CausalModel, _values
from causal.errors import InvalidValue
from markov import ZeroProbabilityEvidence
from markov.contraction.cache import PLANS

pd = pytest.importorskip("pandas")

NAMES = np.array(["no", "yes", "yes", "no", "yes"], dtype=object)


def tabulated(m: CausalModel, target: str, **kwargs):
    """The pattern's Prepared after two calls of one value each (the second tabulates)."""
    PLANS.clear()
    for _ in range(2):
        m.query(target, **kwargs)
    (prepared,) = PLANS.entries("fast")
    assert prepared.table[0]
    return prepared


@pytest.mark.parametrize("exact", [False, True])
def test_categories_in_any_order_give_the_answers_of_their_names(exact):
    m = chain(exact)
    for target, kind, v in (("A", "evidence", "D"), ("C", "do", "B")):
        general = m.query(target, **{kind: {v: NAMES}}, **GENERAL).array
        prepared = tabulated(m, target, **{kind: {v: "no"}})
        names = m.query(target, **{kind: {v: NAMES}}).array  # by the table, row by row
        assert np.allclose(names.astype(float), general.astype(float), rtol=1e-12, atol=0)
        assert not exact or names.tolist() == general.tolist()
        for value in (pd.Categorical(NAMES), pd.Categorical(NAMES, ["yes", "no"]),
                      pd.Series(NAMES, dtype="category"),
                      pd.CategoricalIndex(NAMES, ["yes", "no"])):
            answer = m.query(target, **{kind: {v: value}})
            assert answer.batch_shape == (5,) and answer.array.tolist() == names.tolist()
        # the categorical ones took the table's answers by category, kept per categories
        kept = [rows for _, rows in prepared.categories.values()]
        assert len(kept) == 4 and all(rows.shape == (2, 2) for rows in kept)


def test_unused_categories_that_name_no_state_change_nothing():
    m = chain()
    prepared = tabulated(m, "A", evidence={"D": "no"})
    expected = m.query("A", evidence={"D": NAMES}).array
    value = pd.Categorical(NAMES, ["maybe", "yes", "no", True])
    for _ in range(2):
        assert m.query("A", evidence={"D": value}).array.tolist() == expected.tolist()
    # no answers by category for these: the codes go through the state indices
    assert [rows for _, rows in prepared.categories.values()] == [None]


def test_rows_that_name_no_state_or_are_missing_get_typed_errors():
    m = chain()
    tabulated(m, "A", evidence={"D": "no"})
    m.query("A", evidence={"D": pd.Categorical(NAMES)})  # answers by category are kept
    for _ in range(2):
        categorical_errors(m)
    # the same categories object, now with a missing row
    value = pd.Categorical(NAMES)
    assert m.query("A", evidence={"D": value}).batch_shape == (5,)
    missing = pd.Categorical.from_codes([0, -1], dtype=value.dtype)
    assert missing.categories is value.categories
    with pytest.raises(InvalidValue, match="row 1 is missing"):
        m.query("A", evidence={"D": missing})


def test_categories_that_change_between_calls_are_never_answered_stale():
    m = chain()
    prepared = tabulated(m, "A", evidence={"D": "no"})
    by_name = {name: m.query("A", evidence={"D": name}).array for name in ("no", "yes")}
    codes = [0, 1, 1, 0]
    for k in range(2 * _values.MEMO + 1):  # fresh categories objects, in either order
        order = ["no", "yes"] if k % 2 else ["yes", "no"]
        value = pd.Categorical.from_codes(codes, order)
        answer = m.query("A", evidence={"D": value}).array
        assert answer.tolist() == [by_name[order[c]].tolist() for c in codes]
        # the same categories object with other codes reads the new codes
        other = pd.Categorical.from_codes([1, 1, 0], dtype=value.dtype)
        assert m.query("A", evidence={"D": other}).array.tolist() == \
            [by_name[order[c]].tolist() for c in (1, 1, 0)]
    assert 0 < len(prepared.categories) <= _values.MEMO


@pytest.mark.parametrize("on_zero", ["uniform", "prior"])
def test_a_category_of_probability_zero_follows_the_policy(on_zero):
    m = CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.5, 0.5]]},
                    states={"A": ["no", "yes"], "B": ["no", "yes"]})
    tabulated(m, "A", evidence={"B": "no"}, on_zero=on_zero)
    for rows in (["no", "no"], ["no", "yes", "no"]):  # B=yes has probability zero
        value = pd.Categorical(rows, ["no", "yes"])
        general = m.query("A", evidence={"B": rows}, on_zero=on_zero, **GENERAL).array
        for _ in range(2):
            assert np.array_equal(m.query("A", evidence={"B": value}, on_zero=on_zero).array,
                                  general)
    with pytest.raises(ZeroProbabilityEvidence):
        m.query("A", evidence={"B": pd.Categorical(["no", "yes"])})


def test_an_answer_by_category_is_the_callers_to_change():
    m = chain()
    tabulated(m, "A", evidence={"D": "no"})
    value = pd.Categorical(NAMES)
    first = m.query("A", evidence={"D": value})
    expected = first.array.copy()
    first.array[...] = 0.0
    assert m.query("A", evidence={"D": value}).array.tolist() == expected.tolist()
