"""One rule for values: state names everywhere; an int is an index only for unnamed states."""

import numpy as np
import pandas as pd
import pytest

from causal import CausalModel, InvalidValue, counterfactual, empirical, fit
from causal.values import resolve


def named():
    return CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
                       states={"S": ["no", "yes"], "C": ["no", "yes"]})


def numbered():
    """States named "1" and "2", as a CSV file of integers would name them."""
    return CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
                       states={"S": ["1", "2"], "C": ["1", "2"]})


def unnamed():
    return CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]})


def test_resolve_reads_names_and_batches():
    assert resolve("S", ("no", "yes"), np.array(["yes", "no", "yes"])).tolist() == [1, 0, 1]
    assert resolve("S", ("0", "1"), [[1], [0]]).tolist() == [[1], [0]]
    assert resolve("S", ("0", "1"), np.array([1.0, 0.0])).tolist() == [1, 0]
    assert resolve("S", ("a", "1"), np.array(["a", 1], dtype=object)).tolist() == [0, 1]


@pytest.mark.parametrize("bad", [2, -1, 0.5, True, None, "maybe"])
def test_resolve_refuses_what_is_no_state_and_lists_the_states(bad):
    with pytest.raises(InvalidValue, match=r"its outcomes are \('0', '1'\)"):
        resolve("S", ("0", "1"), bad)


def test_query_evidence_reads_names_and_refuses_indices_of_named_states():
    assert named().query("S", evidence={"C": "yes"}).array.round(3).tolist() == [0.125, 0.875]
    with pytest.raises(InvalidValue, match=r"'C' has no outcome 1 \(evidence value\); its "
                                           r"outcomes are \('no', 'yes'\)"):
        named().query("S", evidence={"C": 1})


def test_query_do_reads_names_and_refuses_indices_of_named_states():
    assert named().query("C", do={"S": "yes"}).array.tolist() == [0.3, 0.7]
    with pytest.raises(InvalidValue, match=r"'S' has no outcome 0 \(do value\)"):
        named().do(S=0)


def test_integers_name_the_states_of_those_names():
    assert numbered().query("C", do={"S": 2}).array.tolist() == [0.3, 0.7]
    assert numbered().query("C", do={"S": "2"}).array.tolist() == [0.3, 0.7]
    with pytest.raises(InvalidValue, match="has no outcome 0"):
        numbered().query("C", do={"S": 0})


def test_integers_are_indices_of_unnamed_states():
    assert unnamed().query("C", do={"S": 1}).array.tolist() == [0.3, 0.7]
    assert unnamed().query("C", do={"S": "1"}).array.tolist() == [0.3, 0.7]
    with pytest.raises(InvalidValue, match="has no outcome 2"):
        unnamed().query("C", evidence={"S": 2})


def test_counterfactual_values_follow_the_rule():
    m = named()
    assert counterfactual(m, "C", {"S": "yes"}, {"C": "no"}).array.shape == (2,)
    with pytest.raises(InvalidValue, match="has no outcome 1"):
        counterfactual(m, "C", {"S": 1})


def test_fit_and_empirical_read_integers_as_names():
    data = pd.DataFrame({"S": [1, 2, 2, 2], "C": [1, 1, 2, 2]})
    fitted = fit(numbered(), data)
    assert fitted.cpts["S"].tolist() == [0.25, 0.75]
    P = empirical(data, "S", states={"S": ("1", "2")})
    assert P.array.tolist() == [0.25, 0.75] and P.labels == {"S": ("1", "2")}
    with pytest.raises(InvalidValue, match=r"'S' has no outcome 1 \(data value\)"):
        fit(named(), data)
    with pytest.raises(InvalidValue, match="has no outcome 0.5"):
        empirical(pd.DataFrame({"S": [0.5]}), "S", states={"S": ("0", "1")})
