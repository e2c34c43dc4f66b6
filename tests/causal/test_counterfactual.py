"""Counterfactuals by twin diagrams: agreement with a twin network computed by hand on a model
with explicit noise, the stated noise assumption for implicit noise (checked against models
that make that noise explicit), and the consistency laws."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from causal import CausalModel
from causal.counterfactual import counterfactual, twin_diagram
from causal.errors import CausalError, InvalidValue, UnknownVariable
from markov import ZeroProbabilityEvidence, interpret

F = Fraction

# ---- a structural causal model with explicit noise, and its twin network by hand ----------

NOISE = {"U": [F(2, 5), F(3, 5)],                       # a confounder of S and C
         "NS": [F(1, 4), F(3, 4)],                      # S's own noise
         "NC": [F(1, 10), F(2, 10), F(3, 10), F(4, 10)]}  # C's response type


def f_s(u: int, ns: int) -> int:
    return u if ns == 1 else 1 - u


def f_c(s: int, u: int, nc: int) -> int:
    # response types: never, always, helped by S, hurt by S; a confounded U flips "never"
    return [u, 1, s, 1 - s][nc]


def one_hot_table(shape, f) -> np.ndarray:
    table = np.zeros(shape, dtype=object) + F(0)
    for idx in itertools.product(*(range(n) for n in shape[:-1])):
        table[idx + (f(*idx),)] = F(1)
    return table


def explicit_model() -> CausalModel:
    return CausalModel(
        {"U": [], "NS": [], "NC": [], "S": ["U", "NS"], "C": ["S", "U", "NC"]},
        {**{v: np.array(p, dtype=object) for v, p in NOISE.items()},
         "S": one_hot_table((2, 2, 2), f_s), "C": one_hot_table((2, 2, 4, 2), f_c)},
        latent=["U", "NS", "NC"])


def twin_by_hand(s_do: int, s_seen: int, c_seen: int) -> list[Fraction]:
    """``P(C_{S=s_do} | S=s_seen, C=c_seen)``: enumerate the exogenous values, run the factual
    and the counterfactual world on the same values, keep those agreeing with the evidence."""
    mass = [F(0), F(0)]
    for u, ns, nc in itertools.product(range(2), range(2), range(4)):
        w = NOISE["U"][u] * NOISE["NS"][ns] * NOISE["NC"][nc]
        s = f_s(u, ns)
        c = f_c(s, u, nc)
        if (s, c) == (s_seen, c_seen):
            mass[f_c(s_do, u, nc)] += w
    total = sum(mass)
    return [m / total for m in mass]


def test_counterfactual_on_explicit_noise_agrees_with_the_twin_network_by_hand():
    model = explicit_model()
    got = counterfactual(model, "C", do={"S": 0}, evidence={"S": 1, "C": 1})
    want = twin_by_hand(0, 1, 1)
    assert got.array.tolist() == want                      # exact
    assert got.array[1] == want[1] == F(31, 64)            # P(C_{S=0} = 1 | S = 1, C = 1)
    for s_do, s_seen, c_seen in itertools.product(range(2), repeat=3):
        assert model.counterfactual("C", {"S": s_do}, {"S": s_seen, "C": c_seen}
                                    ).array.tolist() == twin_by_hand(s_do, s_seen, c_seen)


def test_twin_diagram_duplicates_deterministic_mechanisms_and_shares_the_noise():
    model = explicit_model()
    d, mapping = twin_diagram(model, {"S": 0}, factual=["S", "C"], counterfactual=["C"])
    names = [b.name for b in d.boxes]
    assert sorted(names) == ["C", "C", "NC", "NS", "S", "U", "do(S)"]
    noise = {d.box_outputs[i][0] for i, b in enumerate(d.boxes) if b.name in ("U", "NC")}
    assert all(d.uses[w] >= 2 for w in noise)     # both worlds read the shared noise (copies)
    assert interpret(d, mapping).cod.names == ("S", "C", "C")


def test_batched_and_data_frame_evidence():
    model = explicit_model()
    batch = counterfactual(model, "C", {"S": 0}, {"S": [1, 1, 0], "C": [1, 0, 1]})
    assert batch.batch_shape == (3,)
    for row, (s, c) in zip(batch.array.tolist(), [(1, 1), (1, 0), (0, 1)]):
        assert row == twin_by_hand(0, s, c)
    df = pd.DataFrame({"S": [1, 0], "C": [1, 1]})
    assert counterfactual(model, "C", {"S": 0}, df).array.tolist() == \
        [twin_by_hand(0, 1, 1), twin_by_hand(0, 0, 1)]


# ---- the assumption for implicit noise, checked against explicit response noise ------------

IMPLICIT_PARENTS = {"S": [], "M": ["S"], "C": ["S", "M"]}


def implicit_model(seed: int = 0) -> CausalModel:
    rng = random.Random(seed)
    cards = {"S": 2, "M": 3, "C": 2}
    cpts = {}
    for v, ps in IMPLICIT_PARENTS.items():
        shape = tuple(cards[p] for p in ps) + (cards[v],)
        raw = np.array([F(rng.randint(1, 5)) for _ in range(int(np.prod(shape)))],
                       dtype=object).reshape(shape)
        cpts[v] = raw / raw.sum(axis=-1, keepdims=True)
    return CausalModel(IMPLICIT_PARENTS, cpts)


def with_explicit_noise(model: CausalModel, coupling: str) -> CausalModel:
    """Each non-root mechanism V made deterministic in its parents and a latent noise R_V:
    response functions with independent responses, or intervals of one uniform variable."""
    parents, cpts, latent = {}, {}, []
    for v in model.variables:
        table, ps = model.cpts[v], model.parents[v]
        if not ps:
            parents[v], cpts[v] = [], table
            continue
        configs = list(itertools.product(*(range(n) for n in table.shape[:-1])))
        nv = table.shape[-1]
        if coupling == "independent":   # R_V = a function configs -> values
            responses = list(itertools.product(range(nv), repeat=len(configs)))
            prior = [np.prod([table[cfg + (r[i],)] for i, cfg in enumerate(configs)])
                     for r in responses]

            def pick(r, cfg, responses=responses, configs=configs):
                return responses[r][configs.index(cfg)]
        else:                           # R_V = one of the intervals cut by every row's CDF
            cuts = sorted({F(0), F(1)} | {sum(table[cfg][:k], F(0)) for cfg in configs
                                         for k in range(nv)})
            prior = [b - a for a, b in zip(cuts, cuts[1:])]
            starts = cuts[:-1]

            def pick(r, cfg, table=table, starts=starts, nv=nv):
                cdf = np.cumsum(table[cfg])
                return next(k for k in range(nv) if starts[r] < cdf[k])
        noise = f"R_{v}"
        parents[noise], cpts[noise] = [], np.array(prior, dtype=object)
        latent.append(noise)
        parents[v] = list(ps) + [noise]
        shape = table.shape[:-1] + (len(prior), nv)
        cpts[v] = one_hot_table(shape, lambda *idx, pick=pick: pick(idx[-1], idx[:-1]))
    return CausalModel(parents, cpts, latent=latent)


QUERIES = [("C", {"S": 0}, {"S": 1, "C": 1}), ("C", {"M": 2}, {"C": 0}),
           (["M", "C"], {"S": 1}, {"S": 0, "C": 1}), ("C", {"S": 0}, {"M": 1})]


@pytest.mark.parametrize("coupling", ["independent", "monotone"])
def test_implicit_noise_is_the_stated_canonical_response_noise(coupling):
    for seed in range(3):
        implicit = implicit_model(seed)
        explicit = with_explicit_noise(implicit, coupling)
        for targets, do, evidence in QUERIES:
            got = counterfactual(implicit, targets, do, evidence, coupling=coupling)
            want = counterfactual(explicit, targets, do, evidence)
            assert got.array.tolist() == want.array.tolist(), (seed, targets, do, evidence)


def test_the_two_couplings_differ_where_the_answer_depends_on_the_noise():
    m = implicit_model(1)
    a = counterfactual(m, "C", {"S": 0}, {"S": 1, "C": 1})
    b = counterfactual(m, "C", {"S": 0}, {"S": 1, "C": 1}, coupling="monotone")
    assert a.array.tolist() != b.array.tolist()


# ---- laws ----------------------------------------------------------------------------------

@st.composite
def small_models(draw):
    n = draw(st.integers(2, 4))
    names = [f"V{i}" for i in range(n)]
    parents = {v: [p for p in names[:i] if draw(st.booleans())] for i, v in enumerate(names)}
    rng = random.Random(draw(st.integers(0, 2**16)))
    cpts = {}
    for v, ps in parents.items():
        shape = tuple(2 for _ in ps) + (2,)
        if draw(st.booleans()):      # deterministic
            raw = np.zeros(shape, dtype=object) + F(0)
            for idx in itertools.product(*(range(2) for _ in ps)):
                raw[idx + (rng.randint(0, 1),)] = F(1)
        else:
            raw = np.array([F(rng.randint(1, 4)) for _ in range(2 ** len(shape))],
                           dtype=object).reshape(shape)
            raw = raw / raw.sum(axis=-1, keepdims=True)
        cpts[v] = raw
    x = draw(st.sampled_from(names[:-1]))
    return CausalModel(parents, cpts), x, names[-1], draw(st.sampled_from(["independent",
                                                                           "monotone"]))


def _evidence_with_mass(model, y):
    p = model.query(y).array
    return int(np.argmax([float(v) for v in p]))


@settings(max_examples=25, deadline=None)
@given(small_models())
@example((implicit_model(0), "S", "C", "independent"))
def test_counterfactual_laws(case):
    model, x, y, coupling = case
    # no evidence: the counterfactual is the intervention
    assert counterfactual(model, y, {x: 0}, coupling=coupling).array.tolist() == \
        model.query(y, do={x: 0}).array.tolist()
    c = _evidence_with_mass(model, y)
    # no intervention: the counterfactual is the posterior
    assert counterfactual(model, x, {}, {y: c}, coupling=coupling).array.tolist() == \
        model.query(x, evidence={y: c}).array.tolist()
    # consistency: intervening on what was observed changes nothing
    joint = model.query([x, y]).array
    for xv in range(2):
        if joint[xv, c] != 0:
            assert counterfactual(model, y, {x: xv}, {x: xv, y: c}, coupling=coupling
                                  ).array.tolist() == [F(i == c) for i in range(2)]
    # the merged twin network is the full one
    full = twin_diagram(model, {x: 1}, factual=list(model.variables),
                        counterfactual=list(model.variables), coupling=coupling, merged=False)
    merged = twin_diagram(model, {x: 1}, factual=list(model.variables),
                          counterfactual=list(model.variables), coupling=coupling)
    assert (interpret(*full).array == interpret(*merged).array).all()


def test_float_models_agree_with_exact_ones():
    exact = explicit_model()
    floats = CausalModel(exact.parents, {v: t.astype(float) for v, t in exact.cpts.items()},
                         latent=exact.latent)
    got = counterfactual(floats, "C", {"S": 0}, {"S": 1, "C": 1})
    assert np.allclose(got.array, [float(v) for v in twin_by_hand(0, 1, 1)])
    assert got.labels == {"C": ("0", "1")} and got.name == "P(C_do(S) | S, C)"


def test_errors_are_typed_and_name_the_variable():
    model = explicit_model()
    with pytest.raises(UnknownVariable, match="counterfactual names 'Q'"):
        counterfactual(model, "Q", {"S": 0})
    with pytest.raises(UnknownVariable, match="do names 'Q'"):
        counterfactual(model, "C", {"Q": 0})
    with pytest.raises(UnknownVariable, match="factual names 'Q'"):
        counterfactual(model, "C", {"S": 0}, {"Q": 1})
    with pytest.raises(ValueError, match="coupling must be one of"):
        counterfactual(model, "C", {"S": 0}, coupling="gumbel")
    with pytest.raises(CausalError, match="name a variable twice"):
        counterfactual(model, ["C", "C"], {"S": 0})
    with pytest.raises(InvalidValue, match="variable 'S' has no outcome 'maybe'"):
        counterfactual(model, "C", {"S": 0}, {"S": "maybe"})
    with pytest.raises(InvalidValue):
        counterfactual(model, "C", {"S": 5})
    impossible = {"U": 0, "NS": 1, "S": 1}     # S = U when NS = 1
    with pytest.raises(ZeroProbabilityEvidence, match="U=0, NS=1, S=1"):
        counterfactual(model, "C", {"S": 0}, impossible)
    uniform = counterfactual(model, "C", {"S": 0}, impossible, on_zero="uniform")
    assert uniform.array.tolist() == [F(1, 2), F(1, 2)]
