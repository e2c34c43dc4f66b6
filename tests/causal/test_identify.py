"""Identification: textbook estimands, hedges for the non-identifiable effects, and exact
agreement with do-surgery on random semi-Markovian models (latent variables explicit)."""

from __future__ import annotations

import random
import time
from fractions import Fraction

import networkx as nx
import numpy as np
import opt_einsum
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from causal.admg import ADMG
from causal.errors import CausalError, NotIdentifiable, UnknownVariable
from causal.identify import Estimand, Prob, Product, Quotient, Sum, identify

# ---- brute force: explicit models, surgery, an independent hedge checker -------------------


def random_cpts(dag: nx.DiGraph, cards: dict, seed: int) -> dict:
    """Strictly positive rational CPTs: ``v -> (parents, array[*parents, v])``."""
    rng = random.Random(seed)
    cpts = {}
    for v in nx.topological_sort(dag):
        parents = tuple(sorted(dag.predecessors(v)))
        shape = tuple(cards[p] for p in parents) + (cards[v],)
        raw = np.array([Fraction(rng.randint(1, 4)) for _ in range(int(np.prod(shape)))],
                       dtype=object).reshape(shape)
        cpts[v] = (parents, raw / raw.sum(axis=-1, keepdims=True))
    return cpts


def _contract(pairs: list, out: list):
    ids = {}
    operands = []
    for array, labels in pairs:
        operands += [array, [ids.setdefault(v, len(ids)) for v in labels]]
    return opt_einsum.contract(*operands, [ids[v] for v in out])


def observational(cpts: dict, observed: list) -> np.ndarray:
    """The joint of the observed variables, latents summed out."""
    return _contract([(t, list(pa) + [v]) for v, (pa, t) in cpts.items()], observed)


def surgery(cpts: dict, cards: dict, x, y, z=()) -> np.ndarray:
    """``P(y | do(x), z)`` with axes ``[*x, *z, *y]``: each treatment's CPT is replaced by a
    point mass at the value on a new ``do`` axis, then everything else is summed out."""
    pairs = []
    for v, (pa, t) in cpts.items():
        if v in x:
            pairs.append((np.eye(cards[v], dtype=int).astype(object), [("do", v), v]))
        else:
            pairs.append((t, list(pa) + [v]))
    joint = _contract(pairs, [("do", v) for v in x] + list(z) + list(y))
    axes = tuple(range(len(x) + len(z), joint.ndim))
    return joint / joint.sum(axis=axes, keepdims=True)


def assert_valid_hedge(g: ADMG, hedge, treatment, outcome) -> None:
    """The definition of Shpitser & Pearl (2006), checked from scratch with networkx."""
    f, f1, r = set(hedge.forest), set(hedge.subforest), set(hedge.roots)
    x, y = set(hedge.treatment), set(hedge.outcome)
    assert x >= set(treatment) and y >= set(outcome)
    assert r and r <= f1 and f1 < f <= set(g.nodes), "F' < F, both containing R"
    assert f & x and not f1 & x, "F meets the treatment, F' avoids it"
    for s in (f, f1):
        bi = nx.Graph([tuple(e) for e in g.bidirected if e <= s])
        bi.add_nodes_from(s)
        assert nx.is_connected(bi), f"{sorted(s)} is not one district"
        sub = g.directed.subgraph(s)
        reach = set(r).union(*(nx.ancestors(sub, v) for v in r))
        assert reach == s, f"not every node of {sorted(s)} has a directed path to R={r}"
    cut = nx.DiGraph(g.directed)
    cut.remove_edges_from([(a, b) for a, b in g.directed.edges if b in x])
    ancestors_of_y = set(y).union(*(nx.ancestors(cut, v) for v in y))
    assert r <= ancestors_of_y, "the roots are ancestors of the outcome in G_{bar X}"
    assert hedge.is_valid(g)


def assert_hygienic(est: Estimand) -> None:
    """No sum binds a name that is visible where it binds (no shadowing, no capture)."""
    top = est.expression.free | set(est.treatment) | set(est.given) | set(est.outcome)

    def walk(e, visible):
        if isinstance(e, Sum):
            assert not set(e.over) & visible, f"{e.over} shadows {visible}"
            assert len(set(e.over)) == len(e.over)
            walk(e.term, visible | set(e.over))
        elif isinstance(e, Product):
            for t in e.terms:
                walk(t, visible)
        elif isinstance(e, Quotient):
            walk(e.num, visible), walk(e.den, visible)

    walk(est.expression, frozenset(top))
    assert est.expression.free <= set(est.treatment) | set(est.given) | set(est.outcome)


def check_against_surgery(g: ADMG, x, y, z=(), seed: int = 0, cards=None) -> Estimand:
    dag, _ = g.to_latent_dag()
    cards = cards or {v: 2 + (i % 2) for i, v in enumerate(dag)}
    cpts = random_cpts(dag, cards, seed)
    observed = list(g.nodes)
    est = identify(g, x, y, z)
    got = est.evaluate_array(observational(cpts, observed), observed)
    want = surgery(cpts, cards, list(est.treatment), list(est.outcome), list(est.given))
    assert got.shape == want.shape and (got == want).all(), str(est)
    assert_hygienic(est)
    return est


# ---- textbook graphs -----------------------------------------------------------------------

BACK_DOOR = ADMG([("Z", "X"), ("X", "Y"), ("Z", "Y")])
FRONT_DOOR = ADMG([("S", "T"), ("T", "C")], [("S", "C")])
NAPKIN = ADMG([("W", "R"), ("R", "X"), ("X", "Y")], [("W", "X"), ("W", "Y")])


def test_back_door_gives_the_adjustment_formula():
    est = check_against_surgery(BACK_DOOR, "X", "Y")
    assert est.formula == "Σ_{Z} P(Y|Z,X) P(Z)"
    assert est.latex() == r"\sum_{Z} P(Y \mid Z, X) P(Z)"
    assert str(est) == "P(Y|do(X)) = Σ_{Z} P(Y|Z,X) P(Z)"


def test_front_door_gives_the_front_door_formula_with_a_primed_copy_of_the_treatment():
    est = check_against_surgery(FRONT_DOOR, "S", "C")
    assert est.formula == "Σ_{T} P(T|S) Σ_{S'} P(C|S',T) P(S')"
    assert est.latex() == r"\sum_{T} P(T \mid S) \sum_{S'} P(C \mid S', T) P(S')"
    inner = est.expression.term.terms[1]
    assert inner == Sum(("S'",), Product((Prob("C", ("S'", "T")), Prob("S'"))), ("S",))


def test_summed_copies_avoid_every_visible_name_even_primed_variable_names():
    g = ADMG([("S", "T"), ("T", "C"), ("S'", "S")], [("S", "C")])
    est = check_against_surgery(g, "S", "C", seed=3)
    assert "S''" in est.formula


def test_napkin_is_identified_by_a_quotient_averaged_over_the_free_instrument():
    # the textbook ratio holds for every value r of R; the estimand averages it with P(R)
    est = check_against_surgery(NAPKIN, "X", "Y", seed=1)
    assert est.formula == "Σ_{R} P(R) ([Σ_{W} P(X,Y|W,R) P(W)] / [Σ_{W} P(X|W,R) P(W)])"
    assert est.latex() == (r"\sum_{R} P(R) \frac{\sum_{W} P(X, Y \mid W, R) P(W)}"
                           r"{\sum_{W} P(X \mid W, R) P(W)}")


# Identifiable configurations in the style of Pearl, Causality (2009), Fig. 3.8 (a)-(g):
# no confounding, back-door, front-door, confounded mediator, front-door with a covariate,
# sequential back-door through a mediator, and a multi-step mixed case.
PEARL_3_8 = {
    "a": (ADMG([("X", "Y")]), "P(Y|X)"),
    "b": (ADMG([("Z", "X"), ("Z", "Y"), ("X", "Y")], [("Z", "X")]), "Σ_{Z} P(Y|Z,X) P(Z)"),
    "c": (ADMG([("X", "Z"), ("Z", "Y")], [("X", "Y")]), "Σ_{Z} P(Z|X) Σ_{X'} P(Y|X',Z) P(X')"),
    "d": (ADMG([("X", "Z"), ("Z", "Y"), ("X", "Y")], [("Z", "Y")]), "P(Y|X)"),
    "e": (ADMG([("W", "X"), ("W", "Y"), ("X", "Z"), ("Z", "Y")], [("X", "Y")]),
          "Σ_{W,Z} P(Z|X) P(W) Σ_{X'} P(Y|W,X',Z) P(X'|W)"),
    "f": (ADMG([("X", "Z1"), ("Z1", "Y"), ("Z2", "Z1"), ("Z2", "Y")],
               [("X", "Z2"), ("Z1", "Y")]), "Σ_{Z2} P(Y|X,Z2) P(Z2)"),
    "g": (ADMG([("Z1", "X"), ("X", "Z2"), ("Z2", "Y"), ("Z3", "Z2"), ("Z3", "Y"),
                ("Z1", "Z3")], [("X", "Y"), ("Z1", "Y"), ("X", "Z3")]),
          "Σ_{Z1,Z3,Z2} P(Z2|X,Z3) P(Z1,Z3) Σ_{X'} P(Y|Z1,X',Z3,Z2) P(X'|Z1,Z3)"),
}


@pytest.mark.parametrize("name", sorted(PEARL_3_8))
def test_pearl_identifiable_graphs_agree_with_surgery_exactly(name):
    g, formula = PEARL_3_8[name]
    for seed in range(3):
        est = check_against_surgery(g, "X", "Y", seed=seed)
    if formula is not None:
        assert est.formula == formula


def test_conditional_effects_by_idc_agree_with_surgery():
    g = ADMG([("W", "X"), ("X", "Z"), ("Z", "Y"), ("W", "Z")], [("X", "Y")])
    check_against_surgery(g, "X", "Y", "Z")
    assert identify(ADMG([("X", "Z"), ("Z", "Y")], [("X", "Z")]), "X", "Y", "Z").formula \
        == "P(Y|Z)"
    est = check_against_surgery(FRONT_DOOR, "S", "C", "T", seed=2)
    assert est.formula == "Σ_{S'} P(C|S',T) P(S')"


def test_joint_treatments_and_outcomes():
    g = ADMG([("X1", "Z"), ("Z", "Y1"), ("X2", "Y2"), ("Z", "Y2")], [("X1", "Y1"), ("Z", "X2")])
    check_against_surgery(g, ("X1", "X2"), ("Y1", "Y2"))


# ---- not identifiable ----------------------------------------------------------------------

NOT_IDENTIFIABLE = {
    "bow arc": ADMG([("X", "Y")], [("X", "Y")]),
    "instrumental variable": ADMG([("Z", "X"), ("X", "Y")], [("X", "Y")]),
    "bow through a mediator": ADMG([("X", "Z"), ("Z", "Y")], [("X", "Z")]),
    "confounded mediator": ADMG([("X", "Z"), ("Z", "Y")], [("X", "Z"), ("Z", "Y")]),
    "confounded back door": ADMG([("Z", "X"), ("Z", "Y"), ("X", "Y")],
                                 [("X", "Z"), ("Z", "Y")]),
}


@pytest.mark.parametrize("name", sorted(NOT_IDENTIFIABLE))
def test_non_identifiable_effects_raise_with_a_valid_hedge(name):
    g = NOT_IDENTIFIABLE[name]
    with pytest.raises(NotIdentifiable) as info:
        identify(g, "X", "Y")
    err = info.value
    assert isinstance(err, CausalError) and err.treatment == ("X",) and err.outcome == ("Y",)
    assert "P(Y | do(X)) is not identifiable" in str(err)
    assert_valid_hedge(g, err.hedge, ["X"], ["Y"])


def test_bow_arc_hedge_is_the_whole_graph_over_the_outcome():
    with pytest.raises(NotIdentifiable) as info:
        identify(NOT_IDENTIFIABLE["bow arc"], "X", "Y")
    h = info.value.hedge
    assert (h.forest, h.subforest, h.roots) == ({"X", "Y"}, {"Y"}, {"Y"})


def test_non_identifiable_conditional_effect_names_the_query_and_its_hedge():
    g = ADMG([("X", "Y"), ("Z", "X")], [("X", "Y")])
    with pytest.raises(NotIdentifiable) as info:
        identify(g, "X", "Y", given="Z")
    assert info.value.given == ("Z",)
    assert_valid_hedge(g, info.value.hedge, ["X"], ["Y"])
    # in the napkin, conditioning on R opens R <- W <-> Y: P(R, Y | do(X)) has a hedge
    with pytest.raises(NotIdentifiable, match=r"a hedge for P\(R,Y \| do\(X\)\)") as info:
        identify(NAPKIN, "X", "Y", given="R")
    assert info.value.hedge.outcome == ("R", "Y")
    assert_valid_hedge(NAPKIN, info.value.hedge, ["X"], ["Y"])


# ---- the property: identify == surgery, or a valid hedge -----------------------------------

@st.composite
def semi_markovian_queries(draw):
    n_obs, n_lat = draw(st.integers(2, 5)), draw(st.integers(0, 2))
    observed = draw(st.permutations([f"V{i}" for i in range(n_obs)]))
    latent = [f"U{i}" for i in range(n_lat)]
    # latents are mostly roots (confounders), sometimes anywhere in the order
    names = latent + observed if draw(st.booleans()) else draw(st.permutations(latent + observed))
    dag = nx.DiGraph()
    dag.add_nodes_from(names)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if draw(st.booleans()):
                dag.add_edge(a, b)
    cards = {v: draw(st.sampled_from([2, 3])) for v in names}
    x = draw(st.lists(st.sampled_from(observed), min_size=1, max_size=min(2, n_obs - 1),
                      unique=True))
    rest = [v for v in observed if v not in x]
    y = draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True))
    rest = [v for v in rest if v not in y]
    z = draw(st.lists(st.sampled_from(rest), max_size=1, unique=True)) if rest else []
    return dag, cards, observed, x, y, z, draw(st.integers(0, 2**32))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(semi_markovian_queries())
def test_identify_equals_surgery_exactly_or_returns_a_valid_hedge(case):
    dag, cards, observed, x, y, z, seed = case
    latent = [v for v in dag if v not in observed]
    g = ADMG.from_latent_dag(dag, latent)
    note(f"{g}, query P({y} | do({x}), {z})")
    try:
        est = identify(g, x, y, z)
    except NotIdentifiable as err:
        assert_valid_hedge(g, err.hedge, x, y)
        return
    note(str(est))
    assert_hygienic(est)
    cpts = random_cpts(dag, cards, seed)
    got = est.evaluate_array(observational(cpts, observed), observed)
    want = surgery(cpts, cards, x, y, z)
    assert got.shape == want.shape and (got == want).all()


# ---- the graph: latent projection and operations -------------------------------------------

def test_latent_projection_follows_latent_chains():
    dag = nx.DiGraph([("A", "L1"), ("L1", "B"), ("L2", "L3"), ("L3", "C"), ("L2", "D"),
                      ("L2", "A")])
    g = ADMG.from_latent_dag(dag, ["L1", "L2", "L3"])
    assert set(g.directed.edges) == {("A", "B")}
    assert g.bidirected == {frozenset(p) for p in [("C", "D"), ("A", "C"), ("A", "D")]}


def test_to_latent_dag_and_back_is_the_identity():
    g = ADMG([("X", "Z"), ("Z", "Y")], [("X", "Y"), ("X", "Z")], nodes=["W"])
    assert ADMG.from_latent_dag(*g.to_latent_dag()) == g


def test_identify_takes_a_dag_with_latent_nodes_marked():
    dag = nx.DiGraph([("U", "S"), ("U", "C"), ("S", "T"), ("T", "C")])
    dag.nodes["U"]["latent"] = True
    assert identify(dag, "S", "C").formula == "Σ_{T} P(T|S) Σ_{S'} P(C|S',T) P(S')"


def test_bad_queries_raise_typed_errors():
    with pytest.raises(UnknownVariable, match="'Q'") as info:
        identify(BACK_DOOR, "Q", "Y")
    assert isinstance(info.value, KeyError)
    with pytest.raises(ValueError, match="both the treatment and the outcome"):
        identify(BACK_DOOR, "X", ["X", "Y"])
    with pytest.raises(CausalError, match="cycle"):
        ADMG([("A", "B"), ("B", "C"), ("C", "A")])


# ---- evaluation ----------------------------------------------------------------------------

def test_zero_mass_rows_are_uniform_and_never_nan():
    # P(X=1, Z=0) = 0: P(Y | Z=0, X=1) is undefined and taken to be uniform
    joint = np.zeros((2, 2, 2), dtype=object)  # axes Z, X, Y
    joint[0, 0] = [Fraction(1, 4), Fraction(1, 4)]
    joint[1, 0] = [Fraction(1, 8), Fraction(1, 8)]
    joint[1, 1] = [Fraction(1, 8), Fraction(1, 8)]
    got = identify(BACK_DOOR, "X", "Y").evaluate_array(joint + Fraction(0), ["Z", "X", "Y"])
    assert (got.sum(axis=-1) == 1).all()
    assert got[1].tolist() == [Fraction(1, 2), Fraction(1, 2)]
    floats = identify(BACK_DOOR, "X", "Y").evaluate_array(joint.astype(float), ["Z", "X", "Y"])
    assert not np.isnan(floats).any() and np.allclose(floats, got.astype(float))


def test_float_evaluation_agrees_with_exact_and_axes_follow_the_query():
    cpts = random_cpts(FRONT_DOOR.to_latent_dag()[0], {"S": 2, "T": 3, "C": 2,
                                                      "U[S,C]": 2}, seed=5)
    exact = observational(cpts, ["C", "S", "T"])
    est = identify(FRONT_DOOR, "S", "C")
    a = est.evaluate_array(exact, ["C", "S", "T"])
    b = est.evaluate_array(exact.astype(float), ["C", "S", "T"])
    assert a.shape == (2, 2) and np.allclose(a.astype(float), b)
    with pytest.raises(UnknownVariable):
        est.evaluate_array(exact, ["C", "S", "Q"])
    with pytest.raises(ValueError, match="sums to"):
        est.evaluate_array(exact * 2, ["C", "S", "T"])
    with pytest.raises(ValueError, match="negative"):
        est.evaluate_array(-exact.astype(float), ["C", "S", "T"])


def test_torch_tensors_evaluate_like_numpy_arrays():
    torch = pytest.importorskip("torch")
    cpts = random_cpts(NAPKIN.to_latent_dag()[0], dict.fromkeys(
        ["W", "R", "X", "Y", *NAPKIN.to_latent_dag()[1]], 2), seed=7)
    exact = observational(cpts, ["W", "R", "X", "Y"])
    est = identify(NAPKIN, "X", "Y")
    got = est.evaluate_array(torch.tensor(exact.astype(float)), ["W", "R", "X", "Y"])
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64
    assert np.allclose(got.numpy(), est.evaluate_array(exact, ["W", "R", "X", "Y"])
                       .astype(float))


def test_evaluate_takes_a_batched_kernel_and_returns_a_kernel():
    markov = pytest.importorskip("markov")
    cpts = [random_cpts(NAPKIN.to_latent_dag()[0], {v: 2 for v in "WRXY"} |
                        {u: 2 for u in NAPKIN.to_latent_dag()[1]}, seed=s) for s in range(2)]
    arrays = [observational(c, ["Y", "W", "R", "X"]) for c in cpts]
    joint = markov.Kernel(np.stack(arrays).astype(float), cod=("Y", "W", "R", "X"))
    est = identify(NAPKIN, "X", "Y")
    k = est.evaluate(joint)
    assert k.dom.names == ("X",) and k.cod.names == ("Y",) and k.batch_shape == (2,)
    for i, arr in enumerate(arrays):
        assert np.allclose(k.array[i], est.evaluate_array(arr, ["Y", "W", "R", "X"])
                           .astype(float))


# ---- speed ---------------------------------------------------------------------------------

def test_identification_on_a_300_node_sparse_graph_is_fast():
    rng = random.Random(0)
    n = 300
    names = [f"V{i}" for i in range(n)]
    directed = [(names[j], names[i]) for i in range(1, n)
                for j in rng.sample(range(max(0, i - 20), i), min(2, i))]
    bidirected = {tuple(sorted(rng.sample(names, 2))) for _ in range(60)}
    g = ADMG(directed, bidirected)
    outcomes = 0
    start = time.perf_counter()
    for k in range(5):
        x, y = names[150 + k], names[-1 - k]
        try:
            identify(g, x, y)
            outcomes += 1
        except NotIdentifiable as err:
            assert_valid_hedge(g, err.hedge, [x], [y])
    elapsed = (time.perf_counter() - start) / 5
    print(f"\nidentify on {n} nodes, {len(directed)} directed and {len(bidirected)} "
          f"bidirected edges: {elapsed * 1e3:.1f} ms per query ({outcomes}/5 identifiable)")


def test_smoking_model_with_latent_genotype_is_identified_by_the_front_door():
    causal = pytest.importorskip("causal")
    F = Fraction
    model = causal.CausalModel(
        {"U": [], "S": ["U"], "T": ["S"], "C": ["T", "U"]},
        {"U": np.array([F(1, 2), F(1, 2)], dtype=object),
         "S": np.array([[F(4, 5), F(1, 5)], [F(1, 5), F(4, 5)]], dtype=object),
         "T": np.array([[F(19, 20), F(1, 20)], [F(1, 20), F(19, 20)]], dtype=object),
         "C": np.array([[[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]],
                        [[F(7, 10), F(3, 10)], [F(1, 10), F(9, 10)]]], dtype=object)},
        latent=["U"])
    est = identify(model, "S", "C")
    assert est.formula == "Σ_{T} P(T|S) Σ_{S'} P(C|S',T) P(S')"
    got = est.evaluate(model.observational())
    want = model.query("C", do={"S": [0, 1]})
    assert got.dom.names == ("S",) and (got.array == want.array).all()
