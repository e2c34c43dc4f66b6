"""Constants first (markov.contraction.staging) and the runner that binds only what changes
(markov.contraction.runner): the staged path computes the same contraction, does less work
per call where it is chosen, and a runner's folded steps run once (counted, not timed)."""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagrams import Box, Ty
from markov import interpret
from markov.contraction import pairwise
from markov.contraction.paths import find_path
from markov.contraction.runner import compile_runner
from markov.contraction.staging import (
    STEP_COST,
    call_cost,
    runtime_flops,
    staged_candidates,
    staged_path,
    staged_program,
    unbeatable,
)

LABELS = "abcdef"


@st.composite
def networks(draw):
    """Up to six operands over up to six labels of sizes 1-3, an output, a constant set."""
    n = draw(st.integers(2, 6))
    terms = ["".join(sorted(set(draw(st.lists(st.sampled_from(LABELS), min_size=1,
                                              max_size=3))))) for _ in range(n)]
    used = sorted(set("".join(terms)))
    out = "".join(sorted(set(draw(st.lists(st.sampled_from(used), max_size=2)))))
    sizes = {c: draw(st.integers(1, 3)) for c in used}
    constant = set(draw(st.lists(st.integers(0, n - 1), max_size=n)))
    return terms, out, sizes, constant


@given(networks(), st.integers(0, 2**16))
def test_the_staged_path_computes_the_same_contraction(network, seed):
    terms, out, sizes, constant = network
    rng = np.random.default_rng(seed)
    arrays = [rng.random(tuple(sizes[c] for c in t)) for t in terms]
    path, method = staged_path(terms, out, sizes, constant)
    program = pairwise.compile_program(terms, out, sizes, path)
    result, _ = pairwise.execute(program, arrays, "numpy")
    expected = np.einsum(",".join(terms) + "->" + out, *arrays)
    assert method == "constants-first"
    assert np.allclose(np.reshape(result, expected.shape), expected, rtol=1e-12, atol=0)


@given(networks())
def test_a_staged_program_is_chosen_only_where_it_saves_work_per_call(network):
    terms, out, sizes, constant = network
    plain_path, _ = find_path(terms, out, sizes)
    plain = pairwise.compile_program(terms, out, sizes, plain_path)
    staged = staged_program(plain, terms, terms, out, sizes, constant=constant)
    if staged is not None:
        assert call_cost(staged[1], constant) < call_cost(plain, constant)


@given(networks())
def test_a_staged_program_kept_without_the_plain_search_is_never_beaten_by_it(network):
    """Where :func:`unbeatable` keeps a constants-first program (so the plain path is not
    searched), the plain path would not have cost less per call."""
    terms, out, sizes, constant = network
    if not 0 < len(constant) < len(terms):
        return
    found = staged_candidates(terms, terms, out, sizes, constant=constant)
    kept = unbeatable(found, len(terms), constant, 64)
    if kept is None:
        return
    plain_path, _ = find_path(terms, out, sizes)
    plain = pairwise.compile_program(terms, out, sizes, plain_path)
    assert len(terms) - len(constant) == 1
    assert call_cost(kept[1], constant) <= call_cost(plain, constant)
    assert call_cost(kept[1], constant) < 2 * STEP_COST


def test_a_query_whose_constants_first_plan_cannot_be_beaten_skips_the_plain_search(
        monkeypatch):
    import sys

    from markov.contraction.cache import PLANS

    compile_module = sys.modules["markov.contraction.compile"]
    searched = []
    real = compile_module.find_path
    monkeypatch.setattr(compile_module, "find_path",
                        lambda *a, **k: searched.append(len(a[0])) or real(*a, **k))
    diagram, arrays, e = _chain()
    position = diagram.boxes.index(e)
    PLANS.clear()
    run = compile_runner(diagram, {**arrays, e: np.array([0.25, 1.0])}, changing=(position,))
    assert run.plan.method == "constants-first" and searched == []
    expected = interpret(diagram, {**arrays, e: np.array([0.25, 1.0])}, prune=False,
                         validate=False).array
    assert np.allclose(run([np.array([0.25, 1.0])]), expected, rtol=1e-14, atol=0)
    # two changing boxes: the plain path is searched, to compare
    PLANS.clear()
    compile_runner(diagram, {**arrays, e: np.array([0.25, 1.0])}, changing=(0, position))
    assert searched


def test_a_chain_with_evidence_at_one_end_folds_all_but_one_step():
    sizes = {c: 4 for c in "abcdefg"}
    terms = ["a", "ab", "bc", "cd", "de", "ef", "fg", "g"]  # the last one changes
    constant = set(range(7))
    path, program = staged_program(
        pairwise.compile_program(terms, "a", sizes, [(0, 1)] * 7), terms, terms, "a",
        sizes, constant=constant)
    changing_steps = [s for s in program.steps
                      if not all(j in constant or j >= len(terms) for j in (s.x, s.y))]
    assert runtime_flops(program, constant) == 16  # one 4 x 4 product per call
    assert len(changing_steps) == 1


def _chain():
    X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
    p, f, g, e = Box("p", Ty(), X), Box("f", X, Y), Box("g", Y, Z), Box("e", Z, Ty())
    return (p >> f >> g >> e), {p: np.array([0.5, 0.5]), f: np.array([[0.9, 0.1], [0.2, 0.8]]),
                                g: np.array([[0.7, 0.3], [0.4, 0.6]])}, e


@pytest.mark.parametrize("exact", [False, True])
def test_a_runner_equals_a_full_contraction_and_folds_once(exact):
    diagram, arrays, e = _chain()
    if exact:
        arrays = {b: np.vectorize(lambda x: Fraction(str(x)), otypes=[object])(a)
                  for b, a in arrays.items()}
    position = diagram.boxes.index(e)
    likelihoods = [np.array([1.0, 0.0]), np.array([0.25, 1.0]), np.array([0.0, 1.0])]
    run = None
    for value in likelihoods:
        if exact:
            value = np.vectorize(lambda x: Fraction(str(x)), otypes=[object])(value)
        mapping = {**arrays, e: value}
        if run is None:
            run = compile_runner(diagram, mapping, changing=(position,))
        expected = interpret(diagram, mapping, prune=False, validate=False).array
        if exact:
            assert run([value]).tolist() == expected.tolist()
        else:
            assert np.allclose(run([value]), expected, rtol=1e-14, atol=0)
    assert run.runs == 1


def test_a_runner_never_hands_out_its_cache():
    p = Box("p", Ty(), Ty("X"))
    run = compile_runner(p, {p: np.array([0.5, 0.5])}, changing=())
    first = run([])
    first[...] = 0.0
    assert run([]).tolist() == [0.5, 0.5]


@pytest.mark.parametrize("name", ["alarm", "munin"])
def test_a_repeated_query_on_a_real_network_runs_a_small_part_of_its_plan(name, monkeypatch):
    pgmpy = pytest.importorskip("pgmpy")
    from causal import CausalModel, _fast
    from markov.contraction.cache import PLANS

    monkeypatch.setattr(_fast, "TABLE_ROWS", 0)  # untabulated: every call runs the runner
    path = os.path.join(os.path.dirname(pgmpy.__file__), "utils", "example_models",
                        f"{name}.bif.gz")
    m = CausalModel.from_bif(path)
    leaf = next(v for v in reversed(m.variables) if not m.graph.out_degree(v))
    target = max(m.variables, key=lambda v: (len(m.parents[v]), v))
    PLANS.clear()
    for state in m.states[leaf]:
        m.query(target, evidence={leaf: state})
    (runner,) = PLANS.entries("runner")
    program = runner.plan.program
    per_call = runtime_flops(program, set(range(program.n_inputs)) - set(runner.changing))
    assert runner.runs == 1 and per_call * 20 <= program.flops
