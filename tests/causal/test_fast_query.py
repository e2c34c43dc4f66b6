"""The short way of a repeated query (causal._fast): one state per observed or intervened
variable gives the answer of the general path (forced here by ``max_memory``), exactly on
Fraction models, and everything it does not cover goes the general way, errors included."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from causal import CausalModel
from causal import _fast
from causal.errors import InvalidValue, UnknownVariable
from markov import InvalidOption, NotStochastic, ZeroProbabilityEvidence
from markov.contraction.cache import PLANS

GENERAL = {"max_memory": 2**40}  # any max_memory takes the general path


def chain(exact: bool = False) -> CausalModel:
    f = (lambda x: Fraction(str(x))) if exact else float
    tables = {"A": [f(0.3), f(0.7)],
              "B": [[f(0.9), f(0.1)], [f(0.2), f(0.8)]],
              "C": [[f(0.6), f(0.4)], [f(0.5), f(0.5)]],
              "D": [[f(1.0), f(0.0)], [f(0.25), f(0.75)]]}
    return CausalModel({"A": [], "B": ["A"], "C": ["B"], "D": ["C"]}, tables,
                       states={v: ["no", "yes"] for v in "ABCD"})


@st.composite
def networks(draw):
    """A random network of up to six binary or ternary variables, up to two parents each."""
    n = draw(st.integers(2, 6))
    names = [f"V{i}" for i in range(n)]
    sizes = [draw(st.integers(2, 3)) for _ in names]
    parents, tables = {}, {}
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    for i, v in enumerate(names):
        ps = sorted(set(draw(st.lists(st.sampled_from(names[:i]), max_size=2)))) if i else []
        parents[v] = ps
        shape = tuple(sizes[names.index(p)] for p in ps) + (sizes[i],)
        tables[v] = rng.dirichlet(np.ones(sizes[i]), size=shape[:-1])
    states = {v: [f"s{k}" for k in range(sizes[i])] for i, v in enumerate(names)}
    return CausalModel(parents, tables, states=states)


@given(networks(), st.data(), st.sampled_from([_fast.TABLE_ROWS, 0]))
def test_the_short_way_equals_the_general_path(model, data, rows):
    """Tabulated (from the second call of a pattern) or not (every call runs the runner)."""
    kept, _fast.TABLE_ROWS = _fast.TABLE_ROWS, rows
    try:
        _compare_on_random_values(model, data)
    finally:
        _fast.TABLE_ROWS = kept


def _compare_on_random_values(model, data):
    names = list(model.variables)
    target = data.draw(st.sampled_from(names))
    others = [v for v in names if v != target]
    observed = data.draw(st.lists(st.sampled_from(others), unique=True, max_size=2))
    rest = [v for v in others if v not in observed]
    intervened = data.draw(st.lists(st.sampled_from(rest), unique=True, max_size=1)) \
        if rest else []
    for _ in range(4):
        evidence = {v: data.draw(st.sampled_from(model.states[v])) for v in observed}
        do = {v: data.draw(st.sampled_from(model.states[v])) for v in intervened}
        try:
            general = model.query(target, do=do, evidence=evidence, **GENERAL)
        except ZeroProbabilityEvidence:
            with pytest.raises(ZeroProbabilityEvidence):
                model.query(target, do=do, evidence=evidence)
            continue
        fast = model.query(target, do=do, evidence=evidence)
        assert np.allclose(fast.array, general.array, rtol=1e-12, atol=1e-15)
        assert fast.labels == general.labels and fast.cod == general.cod
        assert fast.name == general.name


def test_exact_models_take_the_short_way_exactly():
    m = chain(exact=True)
    for value in ("no", "yes"):
        fast = m.query("A", evidence={"C": value})
        assert fast.array.tolist() == m.query("A", evidence={"C": value}, **GENERAL).array.tolist()
        assert all(isinstance(x, Fraction) for x in fast.array.tolist())
    assert m.query("D", do={"B": "yes"}).array.tolist() == \
        m.query("D", do={"B": "yes"}, **GENERAL).array.tolist()


def test_the_short_way_is_taken_and_folds_once():
    PLANS.clear()
    m = chain()
    for i in range(6):
        m.query("A", evidence={"D": ("no", "yes")[i % 2]})
    assert len(PLANS.entries("fast")) == 1
    # one runner, folded once: the first call contracts once (nothing compiled), then the
    # table (a call per value of D)
    assert [(r.runs, r.calls) for r in PLANS.entries("runner")] == [(1, 2)]


def test_what_it_does_not_cover_goes_the_general_way():
    m = chain()
    with pytest.raises(InvalidValue, match="'D' has no outcome 'maybe'"):
        m.query("A", evidence={"D": "maybe"})
    with pytest.raises(InvalidValue, match="'D' has no outcome 1"):
        m.query("A", evidence={"D": 1})          # an int names no state of named states
    with pytest.raises(InvalidValue):
        m.query("A", evidence={"D": True})
    with pytest.raises(UnknownVariable, match="'Z'"):
        m.query("A", evidence={"Z": "no"})
    batch = m.query("A", evidence={"D": ["no", "yes"]})
    assert batch.batch_shape == (2,)
    soft = m.query("A", evidence={"D": [0.5, 0.5]})
    assert np.allclose(soft.array, m.query("A").array)


def test_zero_probability_evidence_follows_the_policy():
    m = CausalModel({"A": [], "B": ["A"]}, {"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.5, 0.5]]},
                    states={"A": ["no", "yes"], "B": ["no", "yes"]})
    with pytest.raises(ZeroProbabilityEvidence):
        m.query("A", evidence={"B": "yes"})
    assert m.query("A", evidence={"B": "yes"}, on_zero="uniform").array.tolist() == [0.5, 0.5]


def test_unnamed_states_take_integers():
    m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]})
    assert np.allclose(m.query("A", evidence={"B": 1}).array,
                       m.query("A", evidence={"B": "1"}, **GENERAL).array)
    assert np.allclose(m.query("B", do={"A": np.int64(0)}).array, [0.9, 0.1])


def test_an_answer_is_the_callers_to_change():
    m = chain()
    first = m.query("B", do={"A": "yes"})
    first.array[...] = 0.0
    assert np.allclose(m.query("B", do={"A": "yes"}).array, [0.2, 0.8])


def test_batches_of_names_take_the_short_way_too(monkeypatch):
    m = chain()
    rows = np.array(["no", "yes", "yes", "no", "yes"], dtype=object)
    for kwargs in ({"evidence": {"D": rows}}, {"evidence": {"D": list(rows), "B": "yes"}},
                   {"do": {"B": rows}}, {"do": {"B": rows}, "evidence": {"D": rows}},
                   {"evidence": {"A": rows}}):
        fast = m.query("C", **kwargs)
        general = m.query("C", **kwargs, **GENERAL)
        assert fast.batch_shape == general.batch_shape == (5,)
        assert np.allclose(fast.array, general.array, rtol=1e-12, atol=1e-15)
    PLANS.clear()
    monkeypatch.setattr(_fast, "TABLE_ROWS", 0)  # untabulated: a runner per batch length
    m.query("A", evidence={"D": rows})
    m.query("A", evidence={"D": rows[:3]})
    assert [len(p.runners) for p in PLANS.entries("fast")] == [2]


def test_batches_it_does_not_read_go_the_general_way():
    m = chain()
    with pytest.raises(InvalidValue, match="True"):
        m.query("A", evidence={"D": np.array(["no", True], dtype=object)})
    with pytest.raises(InvalidValue, match="'maybe'"):
        m.query("A", evidence={"D": ["no", "maybe"]})
    two = m.query("A", evidence={"D": ["no", "yes"], "C": [["no"], ["yes"]]}, on_zero="uniform")
    assert two.batch_shape == (2, 2)   # batches that broadcast: the general path


def test_booleans_never_pass_for_integer_names():
    m = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]},
                    states={"A": ["1", "2"], "B": ["0", "1"]})
    for values in (np.array([True, 1], dtype=object), np.array([0, False], dtype=object)):
        with pytest.raises(InvalidValue):
            m.query("A", evidence={"B": values})
    assert np.allclose(m.query("B", do={"A": np.array([1, "2"], dtype=object)}).array,
                       [[0.9, 0.1], [0.2, 0.8]])


def test_runners_kept_per_pattern_are_bounded(monkeypatch):
    monkeypatch.setattr(_fast, "TABLE_ROWS", 0)
    m = chain()
    PLANS.clear()
    for n in range(1, 20):
        m.query("A", evidence={"D": ["no"] * n})
    (prepared,) = PLANS.entries("fast")
    assert len(prepared.runners) <= 8


@pytest.mark.parametrize("kwargs", [{"evidence": {"A": "yes"}},
                                    {"evidence": {"A": "yes", "D": "no"}},
                                    {"do": {"A": "no"}},
                                    {"do": {"B": "no"}, "evidence": {"B": "no"}}])
def test_targets_observed_or_intervened_on_agree_with_the_general_path(kwargs):
    m = chain()
    fast = m.query(["A", "C"], **kwargs)
    assert np.allclose(fast.array, m.query(["A", "C"], **kwargs, **GENERAL).array,
                       rtol=1e-12, atol=1e-15)


def zero_model(exact: bool = False) -> CausalModel:
    f = (lambda x: Fraction(str(x))) if exact else float
    return CausalModel({"A": [], "B": ["A"]},
                       {"A": [f(1.0), f(0.0)], "B": [[f(1.0), f(0.0)], [f(0.5), f(0.5)]]},
                       states={"A": ["no", "yes"], "B": ["no", "yes"]})


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("on_zero", ["uniform", "nan", "prior"])
def test_zero_mass_in_a_table_follows_the_policy(on_zero, exact):
    PLANS.clear()
    m = zero_model(exact)
    rows = ["yes", "no", "yes"]
    if exact and on_zero == "nan":  # NaN is no exact number: not beside Fractions
        for _ in range(3):
            assert np.isnan(m.query("A", evidence={"B": "yes"}, on_zero=on_zero).array.astype(
                float)).all()
            with pytest.raises(NotStochastic, match="nan"):
                m.query("A", evidence={"B": rows}, on_zero=on_zero)
        return
    for _ in range(3):  # the second call tabulates, the third reads the table
        one = m.query("A", evidence={"B": "yes"}, on_zero=on_zero)
        many = m.query("A", evidence={"B": rows}, on_zero=on_zero)
    (prepared, *_) = PLANS.entries("fast")
    assert prepared.table[0] and prepared.table[0].any_deferred  # B=yes: the general path
    general = m.query("A", evidence={"B": rows}, on_zero=on_zero, **GENERAL).array
    assert np.array_equal(one.array, general[0], equal_nan=not exact)
    assert np.array_equal(many.array, general, equal_nan=not exact)
    if on_zero == "prior":  # the answer without the evidence
        assert one.array.tolist() == m.query("A").array.tolist() == [1, 0]
    if on_zero == "uniform":
        assert one.array.tolist() == [0.5, 0.5]
        assert not exact or isinstance(one.array[0], Fraction)
    with pytest.raises(ZeroProbabilityEvidence, match="B='yes'"):
        m.query("A", evidence={"B": "yes"})
    with pytest.raises(ZeroProbabilityEvidence):
        m.query("A", evidence={"B": rows})


def test_a_bad_policy_is_refused_on_every_path():
    m = chain()
    for _ in range(3):
        with pytest.raises(InvalidOption, match="'zero'"):
            m.query("A", evidence={"D": "no"}, on_zero="zero")


def test_a_table_of_answers_far_below_the_floating_range():
    # six children copy their parent but for a flip of probability 1e-60, all observed:
    # three against three has probability ~1e-180, below what the runner's underflow
    # check lets through: those combinations are the general path's (it rescales)
    parents = {f"X{i}": ["X0"] if i else [] for i in range(7)}
    tiny = 1e-60
    tables = {v: [[1 - tiny, tiny], [tiny, 1 - tiny]] if ps else [0.5, 0.5]
              for v, ps in parents.items()}
    m = CausalModel(parents, tables, states={v: ["a", "b"] for v in parents})
    PLANS.clear()
    for values in (["a"] * 6, ["a", "b"] * 3, ["b", "a"] * 3):
        evidence = dict(zip(list(parents)[1:], values))
        for _ in range(2):
            fast = m.query("X0", evidence=evidence)
        general = m.query("X0", evidence=evidence, **GENERAL)
        assert np.allclose(fast.array, general.array, rtol=1e-12, atol=0)
    (prepared,) = PLANS.entries("fast")
    table = prepared.table[0]  # three against three: left to the general path
    assert table and table.deferred.sum() == 20 and not table.deferred[0]
    assert np.allclose(fast.array, [0.5, 0.5], rtol=1e-12)


@pytest.mark.parametrize("setting", ["TABLE_ROWS", "TABLE_ENTRIES", "TABLE_WORK"])
def test_patterns_beyond_a_bound_are_not_tabulated(setting, monkeypatch):
    monkeypatch.setattr(_fast, setting, 1)  # too many rows, numbers or runner work
    PLANS.clear()
    m = chain()
    answers = [m.query("A", evidence={"D": v}).array for v in ("no", "yes", "no", "yes")]
    (prepared,) = PLANS.entries("fast")
    assert prepared.table == [None]
    # every call after the first (a one-off contraction, nothing compiled) runs the runner
    assert [r.calls for r in PLANS.entries("runner")] == [3]
    assert np.allclose(answers[1], m.query("A", evidence={"D": "yes"}, **GENERAL).array)


def test_a_pattern_asked_in_batches_only_is_tabulated_too():
    PLANS.clear()
    m = chain()
    rows = np.array(["no", "yes", "yes"], dtype=object)
    answers = [m.query("A", evidence={"D": rows}).array for _ in range(3)]
    (prepared,) = PLANS.entries("fast")
    assert prepared.table[0] and answers[2].shape == (3, 2)
    assert np.allclose(answers[2], m.query("A", evidence={"D": rows}, **GENERAL).array)


@pytest.mark.parametrize("rows", [0, 3])  # untabulated, then tabulated from the 2nd call
def test_pandas_categoricals_are_read_through_their_codes(monkeypatch, rows):
    """A Categorical, a Series or an Index of category dtype, with categories in any order
    or some unused (and naming no state), gives the answer of the same names."""
    pd = pytest.importorskip("pandas")
    monkeypatch.setattr(_fast, "TABLE_ROWS", _fast.TABLE_ROWS if rows else 0)
    m = chain()
    names = np.array(["no", "yes", "yes", "no", "yes"], dtype=object)
    expected = m.query("A", evidence={"D": names}, **GENERAL).array
    doing = m.query("C", do={"B": names}, **GENERAL).array
    for value in (pd.Categorical(names), pd.Series(names, dtype="category"),
                  pd.CategoricalIndex(names), pd.Categorical(names, ["yes", "maybe", "no"])):
        for _ in range(rows or 1):
            assert np.allclose(m.query("A", evidence={"D": value}).array, expected)
            assert np.allclose(m.query("C", do={"B": value}).array, doing)
    # a variable whose states are unnamed takes integer categories
    u = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]})
    codes = pd.Categorical([1, 0, 1])
    for _ in range(3):
        assert np.allclose(u.query("B", do={"A": codes}).array, [[0.2, 0.8], [0.9, 0.1], [0.2, 0.8]])


def categorical_errors(m: CausalModel) -> None:
    """A categorical evidence value on ``D`` with a missing row, or a category that names no
    state, gets the general path's typed error."""
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidValue, match="'D': its evidence value in row 1 is missing"):
        m.query("A", evidence={"D": pd.Categorical(["no", None, "yes"])})
    with pytest.raises(InvalidValue, match="no outcome 'maybe'"):
        m.query("A", evidence={"D": pd.Series(["no", "maybe"], dtype="category")})
    with pytest.raises(InvalidValue, match="no outcome True"):
        m.query("A", evidence={"D": pd.Categorical([True, False])})


def test_a_categorical_that_names_no_state_gets_a_typed_error():
    pd = pytest.importorskip("pandas")
    m = chain()
    for _ in range(3):  # the short way hands them to the general path, which says why
        categorical_errors(m)
    b = CausalModel({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]]},
                    states={"A": ["0", "1"], "B": ["0", "1"]})
    with pytest.raises(InvalidValue, match="no outcome True"):
        b.query("A", evidence={"B": pd.Categorical([True, True])})
    with pytest.raises(InvalidValue, match="row 1 is missing"):  # pandas' NA, not NaN
        b.query("A", evidence={"B": pd.Series([1, None], dtype="Int64").astype("category")})


def test_the_memo_of_categories_is_bounded_and_keyed_by_the_categories_themselves():
    pd = pytest.importorskip("pandas")
    from causal import _values as values
    PLANS.clear()
    m = chain()
    names = ["no", "yes", "no"]
    expected = m.query("A", evidence={"D": names}, **GENERAL).array
    for k in range(2 * values.MEMO + 1):  # a fresh categories object each time, in turn
        order = ["no", "yes"] if k % 2 else ["yes", "no"]
        value = pd.Categorical(names, categories=order + [f"other{k}"])
        assert np.allclose(m.query("A", evidence={"D": value}).array, expected)
    (prepared,) = PLANS.entries("fast")
    assert 0 < len(prepared.lookups["D"][2]) <= values.MEMO


def test_the_short_way_knows_every_zero_mass_policy():
    # it keeps its own list (importing normalize's would load it on every cold start)
    from markov.inference.normalize import POLICIES
    assert set(_fast._POLICIES) == set(POLICIES)
