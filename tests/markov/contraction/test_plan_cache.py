"""One bounded cache owns everything compiled (markov.contraction.cache.PLANS): nothing is
written onto diagrams, the bound holds, and answers stay right when entries are evicted."""

import numpy as np

from diagrams import Box, Ty, copy
from markov import interpret, plan
from markov.contraction.cache import PLANS, PlanCache

X = Ty("X")
p, f = Box("p", Ty(), X), Box("f", X, X)
MAPPING = {p: [0.25, 0.75], f: [[0.9, 0.1], [0.2, 0.8]]}


def test_interpreting_writes_nothing_onto_the_diagram():
    d = p >> copy(X) >> (f @ f)
    interpret(d, MAPPING)
    interpret(d, MAPPING)
    assert not [k for k in vars(d) if "markov" in k or "plan" in k]


def test_the_bound_holds_and_evicted_entries_are_rebuilt_right():
    saved = PLANS.max_entries
    try:
        PLANS.max_entries = 3
        chains = [p >> f] + [p >> f >> f] * 1 + [p >> (f >> f) >> f, p >> copy(X) >> (f @ f)]
        first = [interpret(d, MAPPING).array for d in chains]
        assert len(PLANS) <= 3
        again = [interpret(d, MAPPING).array for d in chains]
        for a, b in zip(first, again):
            assert np.allclose(a, b, rtol=0, atol=1e-15)
    finally:
        PLANS.max_entries = saved


def test_an_entry_about_an_object_is_not_seen_by_another():
    cache = PlanCache()

    class Owner:
        pass

    a, b = Owner(), Owner()
    assert cache.about(a, "k", lambda: "a") == "a"
    assert cache.about(b, "k", lambda: "b") == "b"
    assert cache.about(a, "k", lambda: "?") == "a"


def test_a_plan_reports_its_search_time():
    assert plan(p >> f >> f, MAPPING).search_seconds >= 0.0
