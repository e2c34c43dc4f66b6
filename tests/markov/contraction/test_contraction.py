"""The contraction compiler: pairwise steps along a cached path, layouts, slicing, memory."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import opt_einsum as oe
import pytest

from diagrams import Box, Diagram, Ty, copy, identity, swap
from markov import ContractionTooLarge, Kernel, interpret, plan
from markov.contraction import pairwise
from markov.contraction.paths import choose_slices, elimination_path, find_path, path_cost
from markov.contraction.plan import compile_plan

contraction = sys.modules["markov.contraction.compile"]  # where plans are compiled
paths = sys.modules["markov.contraction.paths"]
X, Y, Z, W = Ty("X"), Ty("Y"), Ty("Z"), Ty("W")


def random_kernel(rng, *shape):
    a = rng.random(shape) + 0.05
    return a / a.sum(-1, keepdims=True)


def random_network(rng, n_vars=9, max_parents=3, sizes=(2, 3, 4)):
    """A random Bayesian network as (diagram, mapping, einsum reference equation)."""
    names = [f"V{i}" for i in range(n_vars)]
    size = {v: int(rng.choice(sizes)) for v in names}
    boxes, ins, outs, mapping = [], [], [], {}
    for i, v in enumerate(names):
        k = int(rng.integers(0, min(i, max_parents) + 1))
        parents = sorted(rng.choice(i, size=k, replace=False).tolist()) if k else []
        box = Box(v, Ty(*(names[p] for p in parents)), Ty(v))
        boxes.append(box)
        ins.append(parents)
        outs.append((i,))
        mapping[box] = random_kernel(rng, *(size[names[p]] for p in parents), size[v])
    return names, size, boxes, ins, outs, mapping


def einsum_reference(boxes, ins, outs, mapping, out_wires):
    terms = ["".join(oe.get_symbol(w) for w in (*i, *o)) for i, o in zip(ins, outs)]
    eq = ",".join(terms) + "->" + "".join(oe.get_symbol(w) for w in out_wires)
    return oe.contract(eq, *(mapping[b] for b in boxes))


@pytest.mark.parametrize("seed", range(6))
def test_interpret_equals_einsum_on_random_networks(seed):
    rng = np.random.default_rng(seed)
    names, _, boxes, ins, outs, mapping = random_network(rng)
    out_wires = sorted(rng.choice(len(names), size=3, replace=False).tolist())
    d = Diagram(names, boxes, ins, outs, (), out_wires)
    expected = einsum_reference(boxes, ins, outs, mapping, out_wires)
    np.testing.assert_allclose(interpret(d, mapping).array, expected, rtol=1e-12)


def test_the_plan_is_cached_and_a_second_call_searches_no_path(monkeypatch):
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    d = p >> copy(X) >> (identity(X) @ f)
    mapping = {p: [0.3, 0.7], f: [[0.9, 0.1], [0.2, 0.8]]}
    first = plan(d, mapping)

    def no_search(*args, **kwargs):
        raise AssertionError("the path was searched again")

    monkeypatch.setattr(contraction, "find_path", no_search)
    monkeypatch.setattr(paths, "find_path", no_search)
    assert plan(d, mapping) is first
    again = interpret(d, {p: [0.5, 0.5], f: [[1.0, 0.0], [0.0, 1.0]]})
    assert again.array.tolist() == [[0.5, 0.0], [0.0, 0.5]]


def test_the_same_model_in_two_layouts_has_the_same_plan_cost_and_result():
    # X -> Y, X -> Z, (Y, Z) -> W: drawn with the copies in two orders and with swaps.
    p, f, g = Box("p", Ty(), X), Box("f", X, Y), Box("g", X, Z)
    h = Box("h", Y @ Z, W)
    one = p >> copy(X) >> (f @ g) >> h
    two = p >> copy(X) >> swap(X, X) >> (g @ f) >> swap(Z, Y) >> h
    rng = np.random.default_rng(0)
    mapping = {p: random_kernel(rng, 3), f: random_kernel(rng, 3, 4),
               g: random_kernel(rng, 3, 5), h: random_kernel(rng, 4, 5, 2)}
    assert not one.is_identical(two)
    assert one == two
    assert plan(one, mapping).flops == plan(two, mapping).flops
    np.testing.assert_allclose(interpret(one, mapping).array, interpret(two, mapping).array)


def test_a_long_chain_in_two_layouts_costs_the_same():
    n = 40
    p = Box("p", Ty(), X)
    f = Box("f", X, X)
    chain = p
    for _ in range(n):
        chain = chain >> f
    # The same chain built right-nested: p >> (f >> (f >> ...)).
    tail = f.to_diagram()
    for _ in range(n - 1):
        tail = f >> tail
    nested = p >> tail
    rng = np.random.default_rng(1)
    mapping = {p: random_kernel(rng, 6), f: random_kernel(rng, 6, 6)}
    assert plan(chain, mapping).flops == plan(nested, mapping).flops
    np.testing.assert_allclose(interpret(chain, mapping).array, interpret(nested, mapping).array)


def test_a_box_fed_the_same_wire_twice_reads_the_diagonal():
    f = Box("f", X @ X, Y)
    p = Box("p", Ty(), X)
    table = np.array([[[0.1, 0.9], [0.5, 0.5]], [[0.3, 0.7], [0.6, 0.4]]])
    K = interpret(p >> copy(X) >> f, {p: [0.25, 0.75], f: table})
    np.testing.assert_allclose(K.array, 0.25 * table[0, 0] + 0.75 * table[1, 1])


def test_batch_axes_broadcast_without_a_python_loop():
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    rng = np.random.default_rng(2)
    priors = random_kernel(rng, 5, 1, 3)            # batch (5, 1)
    channels = random_kernel(rng, 4, 3, 2)          # batch (4,)
    K = interpret(p >> f, {p: priors, f: channels})
    assert K.batch_shape == (5, 4)
    expected = np.einsum("iax,jxy->ijy", priors, channels)
    np.testing.assert_allclose(K.array, expected)


@pytest.mark.parametrize("heuristic", paths.HEURISTICS)
def test_elimination_paths_contract_to_the_einsum(heuristic):
    rng = np.random.default_rng(3)
    names, size, boxes, ins, outs, mapping = random_network(rng, n_vars=16)
    terms = ["".join(oe.get_symbol(w) for w in (*i, *o)) for i, o in zip(ins, outs)]
    out = oe.get_symbol(5) + oe.get_symbol(11)
    sizes = {oe.get_symbol(i): size[v] for i, v in enumerate(names)}
    path = elimination_path(terms, out, sizes, heuristic)
    program = pairwise.compile_program(terms, out, sizes, path)
    result, _ = pairwise.execute(program, [mapping[b] for b in boxes], "numpy")
    expected = oe.contract(",".join(terms) + "->" + out, *(mapping[b] for b in boxes))
    np.testing.assert_allclose(result, expected, rtol=1e-12)
    assert path_cost(terms, out, sizes, path) > 0


def test_find_path_prefers_elimination_where_greedy_is_poor():
    # A grid of binary variables: greedy pairing is far from the treewidth order.
    terms, sizes = [], {}
    n = 7
    label = {(i, j): oe.get_symbol(i * n + j) for i in range(n) for j in range(n)}
    for (i, j), c in label.items():
        sizes[c] = 4
        if i + 1 < n:
            terms.append(c + label[i + 1, j])
        if j + 1 < n:
            terms.append(c + label[i, j + 1])
    path, method = find_path(terms, label[0, 0], sizes)
    greedy, _ = oe.contract_path(",".join(terms) + "->" + label[0, 0],
                                 *[(4, 4)] * len(terms), shapes=True, optimize="greedy")
    assert path_cost(terms, label[0, 0], sizes, path) <= \
        path_cost(terms, label[0, 0], sizes, greedy)
    assert method


# ---- memory: estimates, slicing, errors -----------------------------------------------------

def chain_with_wide_middle():
    """p(A) f(B | A) g(C | A, B) h(D | C): the A-B-C intermediate is the largest."""
    A, Bt, C, D = Ty("A"), Ty("B"), Ty("C"), Ty("D")
    p, f = Box("p", Ty(), A), Box("f", A, Bt)
    g, h = Box("g", A @ Bt, C), Box("h", C, D)
    d = Diagram(["A", "B", "C", "D"], [p, f, g, h], [(), (0,), (0, 1), (2,)],
                [(0,), (1,), (2,), (3,)], (), (0, 3))
    rng = np.random.default_rng(4)
    mapping = {p: random_kernel(rng, 30), f: random_kernel(rng, 30, 30),
               g: random_kernel(rng, 30, 30, 30), h: random_kernel(rng, 30, 7)}
    return d, mapping


def test_the_plan_knows_its_largest_intermediate_before_running():
    d, mapping = chain_with_wide_middle()
    P = plan(d, mapping)
    assert P.largest_intermediate >= 30 ** 3
    assert P.memory == P.largest_intermediate * 8
    assert P.flops > 0 and P.n_slices == 1


@pytest.mark.parametrize("rescale", ["auto", True])
def test_slicing_gives_the_unsliced_result(rescale):
    d, mapping = chain_with_wide_middle()
    full = interpret(d, mapping).array
    budget = 30 * 30 * 8        # far below the 30**3 tensor g itself
    P = plan(d, mapping, max_memory=budget)
    assert P.n_slices > 1 and P.sliced
    assert P.slice_largest * 8 <= budget
    sliced = interpret(d, mapping, max_memory=budget, rescale=rescale).array
    np.testing.assert_allclose(sliced, full, rtol=1e-12)


@pytest.mark.parametrize("rescale", ["auto", True])
def test_slicing_batch_labels_writes_each_piece_in_place(rescale):
    p, f = Box("p", Ty(), X), Box("f", X, Y)
    rng = np.random.default_rng(5)
    mapping = {p: random_kernel(rng, 2), f: random_kernel(rng, 20, 2, 20)}  # f: batch of 20
    d = p >> f
    full = interpret(d, mapping).array
    P = compile_plan(d.structure, ((2,), (2, 20)), ((), (20,)), (2, 20), max_memory=400 * 8)
    batch_label = P.equation.split("->")[1][0]
    assert batch_label in P.sliced                       # a batch (output) label is sliced
    sliced = interpret(d, mapping, max_memory=400 * 8, rescale=rescale).array
    np.testing.assert_allclose(sliced, full, rtol=1e-12)


def test_sliced_contractions_keep_exact_arithmetic():
    from fractions import Fraction as Fr

    p, f = Box("p", Ty(), X), Box("f", X, Y)
    prior = np.array([Fr(1, 6)] * 6, dtype=object)
    channel = np.array([[Fr(i + 1, 7) if j == 0 else Fr(6 - i, 7) for j in range(2)]
                        for i in range(6)], dtype=object)
    P = plan(p >> f, {p: prior, f: channel}, max_memory=16)
    assert P.n_slices == 6
    assert interpret(p >> f, {p: prior, f: channel}, max_memory=16).array.tolist() == \
        [Fr(1, 2), Fr(1, 2)]


def test_contraction_too_large_reports_the_estimate():
    d, mapping = chain_with_wide_middle()
    # Not even the answer (30 x 7) fits: refused from its size, before any path search.
    with pytest.raises(ContractionTooLarge, match=r"answer alone has 210 elements .*1.64 KiB"
                                                  r".*over the limit of 16 bytes"):
        plan(d, {**mapping}, max_memory=16)


def test_choose_slices_gives_up_when_the_answer_alone_is_too_large():
    assert choose_slices(["ab"], "ab", {"a": 10, "b": 10}, 50) is None
    assert choose_slices(["ab", "b"], "a", {"a": 10, "b": 10}, 10) == ("b",)


def test_progress_reporting_is_opt_in(capsys):
    d, mapping = chain_with_wide_middle()
    interpret(d, mapping, max_memory=30 * 30 * 8, progress=True)
    assert "slices" in capsys.readouterr().err


def test_rescale_modes_are_checked():
    p = Box("p", Ty(), X)
    with pytest.raises(ValueError, match="rescale"):
        interpret(p, {p: [0.5, 0.5]}, rescale="sometimes")


def test_paths_for_every_small_subset_agree():
    # Every pairwise order of a 4-operand network gives the same numbers.
    rng = np.random.default_rng(6)
    terms, out = ["ab", "bc", "cd", "da"], "ac"
    sizes = dict(zip("abcd", (2, 3, 4, 5)))
    arrays = [rng.random(tuple(sizes[c] for c in t)) for t in terms]
    expected = np.einsum(",".join(terms) + "->" + out, *arrays)
    for first in itertools.combinations(range(4), 2):
        path = [first, (0, 1), (0, 1)]
        program = pairwise.compile_program(terms, out, sizes, path)
        result, _ = pairwise.execute(program, arrays, "numpy")
        np.testing.assert_allclose(result, expected)


def test_kernels_skip_validation_but_raw_arrays_are_checked():
    p = Box("p", Ty(), X)
    bad = np.array([0.5, 0.6])
    with pytest.raises(Exception, match="sums to 1.1"):
        interpret(p, {p: bad})
    assert interpret(p, {p: Kernel(bad, cod=X, validate=False)}).array.tolist() == [0.5, 0.6]


def test_cotengra_paths_contract_to_the_einsum(monkeypatch):
    pytest.importorskip("cotengra")
    monkeypatch.setattr(paths, "TRIALS", 4)
    monkeypatch.setattr(paths, "SECONDS", 0.5)
    rng = np.random.default_rng(7)
    names, size, boxes, ins, outs, mapping = random_network(rng, n_vars=20)
    terms = ["".join(oe.get_symbol(w) for w in (*i, *o)) for i, o in zip(ins, outs)]
    out = oe.get_symbol(19)
    sizes = {oe.get_symbol(i): size[v] for i, v in enumerate(names)}
    path, cost = paths._cotengra_path(terms, out, sizes)
    program = pairwise.compile_program(terms, out, sizes, path)
    result, _ = pairwise.execute(program, [mapping[b] for b in boxes], "numpy")
    np.testing.assert_allclose(result, oe.contract(",".join(terms) + "->" + out,
                                                   *(mapping[b] for b in boxes)), rtol=1e-12)
    assert cost == path_cost(terms, out, sizes, path)
