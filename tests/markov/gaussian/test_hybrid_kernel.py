"""Densities of Gaussian kernels, hybrid kernels, the hybrid interpretation and inference:
behaviour and every error path."""

import math

import numpy as np
import pytest

import markov
from diagrams import Box, Ty, TypeMismatch, copy, identity
from markov import (
    GaussianCondition,
    GaussianKernel,
    HybridKernel,
    Kernel,
    NotConditionalGaussian,
    collapse,
    interpret,
    interpret_hybrid,
)
from markov.errors import (
    MarkovError,
    MissingBox,
    NotStochastic,
    ShapeMismatch,
    UnknownAtom,
    UnsupportedKernel,
    ZeroMass,
    ZeroProbabilityEvidence,
)
from markov.gaussian import hybrid_inference as hi
from markov.gaussian.density import log_density, log_prob

C, X, Y = Ty("C"), Ty("X"), Ty("Y")


def _mixture():
    return HybridKernel.state([0.25, 0.75], [[-1.0], [2.0]], [[[1.0]], [[4.0]]],
                              discrete="C", continuous="X")


# ---- densities -------------------------------------------------------------------------------

def test_log_prob_of_a_full_covariance_is_the_normal_density():
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    p = GaussianKernel.state([1.0, -1.0], cov, cod=("X", "Y"))
    x = np.array([0.3, 0.2])
    r = x - np.array([1.0, -1.0])
    expected = -0.5 * r @ np.linalg.solve(cov, r) - math.log(2 * math.pi) \
        - 0.5 * math.log(np.linalg.det(cov))
    assert abs(float(p.log_prob(x)) - expected) < 1e-12
    assert abs(float(p.density(x)) - math.exp(expected)) < 1e-14


def test_a_degenerate_covariance_has_a_density_on_its_support_and_minus_inf_off_it():
    # X = Y exactly: the support is the diagonal, of dimension 1, variance 2 along it.
    p = GaussianKernel.state([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], cod=("X", "Y"))
    on = float(p.log_prob([1.0, 1.0]))
    t = math.sqrt(2.0)                      # the coordinate along the support
    assert abs(on - (-0.5 * t ** 2 / 2 - 0.5 * math.log(2 * math.pi * 2))) < 1e-12
    assert float(p.log_prob([1.0, 0.0])) == -math.inf
    _lp, rank = log_density(np.zeros(2), np.array([[1.0, 1.0], [1.0, 1.0]]), np.ones(2))
    assert int(rank) == 1


def test_log_prob_is_batched_over_samples_and_batch_and_takes_inputs():
    f = GaussianKernel(np.array([[[1.0]], [[2.0]]]), [[0.0], [0.0]], [[[1.0]], [[1.0]]],
                       dom="X", cod="Y")                                  # batch of 2
    values = np.zeros((5, 2, 1))
    assert log_prob(f, values, inputs=np.ones((2, 1))).shape == (5, 2)
    two = GaussianKernel.state([0.0, 0.0], np.eye(2), cod="Z")
    with pytest.raises(ShapeMismatch, match="dimension 2"):
        log_prob(two, np.zeros((3, 3)))


def test_log_prob_on_torch_matches_numpy():
    torch = pytest.importorskip("torch")
    p = GaussianKernel.state([1.0, 0.0], [[2.0, 0.0], [0.0, 0.0]], cod=("X", "Y"))
    pt = p.to(torch.zeros((), dtype=torch.float64))
    x = np.array([[0.5, 0.0], [0.5, 1.0]])
    got = pt.log_prob(torch.as_tensor(x)).numpy()
    assert np.allclose(got[0], p.log_prob(x[0])) and got[1] == -np.inf


# ---- hybrid kernels ---------------------------------------------------------------------------

def test_kernels_and_gaussian_kernels_embed():
    k = HybridKernel.embed(Kernel([[0.9, 0.1], [0.2, 0.8]], "C", "D"))
    assert k.sizes == {"C": 2, "D": 2} and k.dims == {} and k.n_components == 1
    g = HybridKernel.embed(GaussianKernel([[2.0]], [1.0], [[1.0]], dom="X", cod="Y"))
    assert g.dims == {"X": 1, "Y": 1} and g.continuous_dom == X
    assert HybridKernel.embed(k) is k
    from fractions import Fraction as Fr
    exact = HybridKernel.embed(Kernel.state([Fr(1, 3), Fr(2, 3)], cod="C"))
    assert exact.weights.dtype == np.float64
    with pytest.raises(UnsupportedKernel, match="list"):
        HybridKernel.embed([0.5, 0.5])


def test_composition_of_embedded_kernels_agrees_with_each_semantics():
    f = Kernel([[0.9, 0.1], [0.2, 0.8]], "C", "C")
    p = Kernel.state([0.5, 0.5], cod="C")
    got = (HybridKernel.embed(p) >> f).weights[..., 0]
    assert np.allclose(got, (p >> f).array)
    a = GaussianKernel.state([1.0], [[1.0]], cod="X")
    b = GaussianKernel([[2.0]], [0.0], [[1.0]], dom="X", cod="Y")
    h = a >> HybridKernel.embed(b)
    assert np.allclose(h.gaussian.covariance[..., 0, :, :], (a >> b).covariance)
    both = p @ HybridKernel.embed(a)
    assert both.cod == C @ X and isinstance(p @ HybridKernel.embed(a), HybridKernel)


def test_constructor_errors_name_the_kernel():
    g = GaussianKernel.state([0.0], [[1.0]], cod="X")
    with pytest.raises(ShapeMismatch, match="continuous atoms"):
        HybridKernel(np.ones(1), g, cod="Y", name="k")
    with pytest.raises(ShapeMismatch, match="need axes"):
        HybridKernel(np.ones(2), None, cod=("C", "D"), name="k")
    with pytest.raises(ShapeMismatch, match="does not broadcast"):
        HybridKernel(np.full((2, 1), 0.5), GaussianKernel.state(np.zeros((3, 1, 1)), cod="X"),
                     cod=("C", "X"), name="k")
    with pytest.raises(NotStochastic, match="kernel k"):
        HybridKernel(np.array([[0.5], [0.6]]), None, cod="C", name="k")
    with pytest.raises(ShapeMismatch, match="sizes 2 and 3"):
        HybridKernel(np.ones((2, 3, 1)) / 3, None, dom="C", cod="C", name="k",
                     validate=False)
    with pytest.raises(ShapeMismatch, match="no axes for the discrete parents"):
        HybridKernel.indexed(g, by="C")
    with pytest.raises(ShapeMismatch, match="parent C has size 3"):
        HybridKernel.indexed(GaussianKernel.state(np.zeros((2, 1)), cod="X"), by="C",
                             sizes={"C": 3})
    with pytest.raises(UnknownAtom, match="position 5"):
        _mixture().select([5])


def test_marginalising_a_discrete_parent_keeps_a_mixture_and_collapse_matches_moments():
    p = _mixture()
    m = p.marginal("X")
    assert m.n_components == 2 and m.cod == X
    c = collapse(m)
    mean = 0.25 * -1 + 0.75 * 2
    var = 0.25 * (1 + 1) + 0.75 * (4 + 4) - mean ** 2
    assert c.n_components == 1
    assert abs(float(c.gaussian.mean[0, 0]) - mean) < 1e-12
    assert abs(float(c.gaussian.covariance[0, 0, 0]) - var) < 1e-12
    assert np.allclose(collapse(p, over="C").gaussian.mean, c.gaussian.mean)
    with pytest.raises(UnknownAtom, match="X is continuous"):
        collapse(p, over="X")
    k = HybridKernel.indexed(GaussianKernel(np.array([[[1.0]], [[2.0]]]), np.zeros((2, 1)),
                                            None, dom="X", cod="Y"), by="C")
    mix = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")) @ HybridKernel.embed(
        GaussianKernel.identity("X", {"X": 1}))
    with pytest.raises(NotConditionalGaussian, match="different matrices"):
        collapse(mix >> k)


# ---- interpretation ---------------------------------------------------------------------------

def test_markov_interpret_mixes_kernels_and_gaussian_kernels():
    c, x = Box("c", Ty(), C), Box("x", C, X)
    d = c >> copy(C) >> (identity(C) @ x)
    k = interpret(d, {c: Kernel.state([0.5, 0.5], cod=C),
                      x: HybridKernel.indexed(GaussianKernel.state([[0.0], [1.0]], [[1.0]],
                                                                   cod=X), by=C)})
    assert isinstance(k, HybridKernel) and k.cod == C @ X
    # a raw array for a discrete box works too
    k2 = interpret(d, {c: [0.5, 0.5], x: HybridKernel.indexed(
        GaussianKernel.state([[0.0], [1.0]], [[1.0]], cod=X), by=C)})
    assert k2.allclose(k)
    with pytest.raises(MarkovError, match="interpret_hybrid"):
        markov.interpret_scaled(d, {c: [0.5, 0.5], x: GaussianKernel.state([0.0], cod=X)})


def test_interpretation_errors_name_the_box_or_type():
    c, x, f = Box("c", Ty(), C), Box("x", Ty(), X), Box("f", X, C)
    gx = GaussianKernel.state([0.0], [[1.0]], cod=X)
    with pytest.raises(NotConditionalGaussian, match="box f maps it to the discrete C"):
        interpret_hybrid(x >> f, {x: gx, f: Kernel([[0.5, 0.5]], dom="X", cod="C")})
    with pytest.raises(MissingBox, match="box c"):
        interpret_hybrid(c, {})
    with pytest.raises(ShapeMismatch, match="box c"):
        interpret_hybrid(c, {c: Kernel([[0.5, 0.5]], dom="D", cod="C")})
    with pytest.raises(ShapeMismatch, match="type X is continuous"):
        interpret_hybrid(x @ Box("y", Ty(), X), {x: gx, "y": Kernel.state([1.0], cod="X")})
    with pytest.raises(ShapeMismatch, match="size 2 in box c but 3"):
        interpret_hybrid(c @ Box("d", Ty(), C), {c: [0.5, 0.5], "d": [0.2, 0.3, 0.5]})
    with pytest.raises(ShapeMismatch, match="not fixed by any box"):
        interpret_hybrid(identity(C), {})
    with pytest.raises(ShapeMismatch, match="do not broadcast"):
        interpret_hybrid(c @ Box("d", Ty(), C), {c: np.full((2, 2), 0.5),
                                                 "d": np.full((3, 2), 0.5)})
    obs = Box("obs", X, Ty())
    with pytest.raises(ShapeMismatch, match="conditions are effects"):
        interpret_hybrid(Box("o2", X, Y), {"o2": GaussianCondition.observe(1.0, "X")})
    with pytest.raises(NotConditionalGaussian, match="continuous inputs"):
        interpret_hybrid((copy(X) >> (obs @ X)) @ c,
                         {obs: GaussianCondition.observe(1.0, "X"), c: [0.5, 0.5]},
                         dims={"X": 1})


def test_conditions_in_a_diagram_weight_by_density_with_the_lowest_rank_support_winning():
    # C = 0: X is a point mass at 0; C = 1: X ~ N(0, 1). Observing X = 0 exactly has
    # positive probability only under C = 0 (density on a 0-dimensional support).
    p = HybridKernel.indexed(GaussianKernel.state([[0.0], [0.0]], [[[0.0]], [[1.0]]], cod=X),
                             by=C)
    c, x, obs = Box("c", Ty(), C), Box("x", C, X), Box("obs", X, Ty())
    d = c >> copy(C) >> (identity(C) @ x) >> (identity(C) @ obs)
    k = interpret_hybrid(d, {c: [0.5, 0.5], x: p, obs: GaussianCondition.observe(0.0, "X")})
    assert np.allclose(k.weights[..., 0], [1.0, 0.0])
    k = interpret_hybrid(d, {c: [0.5, 0.5], x: p, obs: GaussianCondition.observe(1.0, "X")})
    assert np.allclose(k.weights[..., 0], [0.0, 1.0])
    point = HybridKernel.indexed(GaussianKernel.state([[0.0], [0.0]], None, cod=X), by=C)
    with pytest.raises(ZeroProbabilityEvidence, match="box obs"):
        interpret_hybrid(d, {c: [0.5, 0.5], x: point, obs: GaussianCondition.observe(1.0, "X")})


# ---- inference -------------------------------------------------------------------------------

def test_observe_and_posterior_of_discrete_and_continuous_atoms():
    p = _mixture()
    post = hi.posterior(p, "C", {"X": 0.5})
    n = [0.25 * math.exp(-1.5 ** 2 / 2) / math.sqrt(2 * math.pi),
         0.75 * math.exp(-1.5 ** 2 / 8) / math.sqrt(8 * math.pi)]
    assert np.allclose(post.weights[..., 0], [n[0] / sum(n), n[1] / sum(n)], atol=1e-14)
    given = hi.posterior(p, "X", {"C": np.array([0, 1])})           # batched discrete evidence
    assert given.batch_shape == (2,)
    assert np.allclose((given.weights * given.gaussian.mean[..., 0]).sum(-1), [-1.0, 2.0])
    assert markov.observe(p, {"C": 1}).allclose(hi.observe(p, {"C": 1}))


def test_observe_errors():
    p = _mixture()
    with pytest.raises(UnknownAtom, match="2 states"):
        hi.observe(p, {"C": 2})
    with pytest.raises(ShapeMismatch, match="must be an index"):
        hi.observe(p, {"C": 0.5})
    wide = HybridKernel.state([1.0], [[0.0, 0.0]], [np.eye(2)], discrete="C", continuous="X")
    with pytest.raises(ShapeMismatch, match="observed value of X"):
        hi.observe(wide, {"X": np.zeros(3)})
    point = HybridKernel.indexed(GaussianKernel.state([[0.0], [0.0]], None, cod=X), by=C)
    joint = hi.graph(HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")), point)
    with pytest.raises(ZeroProbabilityEvidence):
        hi.observe(joint, {"X": 1.0})
    with pytest.raises(ZeroProbabilityEvidence):
        hi.observe(hi.observe(p, {"C": 0}), {"C": 1})
    with pytest.raises(TypeMismatch, match="needs a state"):
        hi.graph(HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "C")), p)


def test_exact_conditions_on_continuous_equations():
    p = HybridKernel.state([0.5, 0.5], [[0.0, 0.0], [0.0, 4.0]], [np.eye(2), np.eye(2)],
                           discrete="C", continuous=("X", "Y"))
    eq = hi.condition_equal(p, "X", "Y")
    assert np.allclose(eq.gaussian.covariance[0, 0], [[0.5, 0.5], [0.5, 0.5]])
    same = hi.condition(p, [[1.0, -1.0]], [0.0])
    assert same.allclose(eq) and markov.condition(p, [[1.0, -1.0]], [0.0]).allclose(eq)
    with pytest.raises(ShapeMismatch, match="equation's matrix"):
        hi.condition(p, [[1.0, 1.0, 1.0]], [0.0])
    with pytest.raises(UnknownAtom, match="not a continuous atom"):
        hi.condition(p, [[1.0]], [0.0], on="C")
    q = HybridKernel.state([1.0], [[0.0, 0.0]], [np.eye(2)], discrete="C",
                           continuous=("X", "Y"), dims={"X": 1, "Y": 1})
    with pytest.raises(ShapeMismatch, match="cannot equate"):
        hi.condition_equal(q, ["X", "Y"], "X")


def test_conditional_given_continuous_is_refused_unless_it_stays_cg():
    prior = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
    f = HybridKernel.indexed(GaussianKernel.state([[-1.0], [1.0]], [[1.0]], cod=X), by=C)
    with pytest.raises(NotConditionalGaussian, match="continuous X to the discrete C"):
        markov.bayes_invert(f, prior)
    with pytest.raises(NotConditionalGaussian):
        hi.conditional(hi.graph(prior, f), "X")
    # continuous given continuous, per discrete configuration: the Gaussian conditional
    xy = HybridKernel.state([0.5, 0.5], [[0.0, 1.0], [0.0, 1.0]],
                            [[[2.0, 1.0], [1.0, 1.0]]] * 2, discrete="C",
                            continuous=("X", "Y"))
    c = hi.conditional(xy, ["C", "X"])
    assert c.dom == C @ X and c.cod == Y
    assert np.allclose(c.gaussian.matrix[..., 0, 0], 0.5)
    assert hi.recompose(*hi.disintegrate(xy, ["C", "X"])).allclose(xy)


def test_conditional_zero_mass_policies():
    j = HybridKernel.embed(Kernel.state([[0.5, 0.5], [0.0, 0.0]], cod=("C", "D")))
    assert np.allclose(hi.conditional(j, "C").weights[1, :, 0], [0.5, 0.5])
    assert np.isnan(hi.conditional(j, "C", on_zero="nan").weights[1]).all()
    with pytest.raises(ZeroMass, match="C"):
        hi.conditional(j, "C", on_zero="raise")
    with pytest.raises(ValueError, match="on_zero"):
        hi.conditional(j, "C", on_zero="zero")


def test_log_prob_errors_and_almost_sure_equality():
    p = _mixture()
    with pytest.raises(UnknownAtom, match="Q"):
        hi.log_prob(p, {"Q": 1.0})
    with pytest.raises(TypeMismatch, match="takes a state"):
        hi.log_prob(HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D")), {"D": 0})
    f = HybridKernel.embed(Kernel([[1.0, 0.0], [1.0, 0.0]], "C", "D"))
    g = HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D"))
    point = HybridKernel.embed(Kernel.state([1.0, 0.0], cod="C"))
    assert markov.almost_surely_equal(f, g, point) and not hi.almost_surely_equal(f, g)
    with pytest.raises(TypeMismatch):
        hi.almost_surely_equal(f, p)
    with pytest.raises(TypeMismatch, match="recompose"):
        hi.recompose(point, point)
    assert markov.is_deterministic(g) and not markov.is_deterministic(p)


def test_hybrid_interpretation_on_torch_matches_numpy():
    torch = pytest.importorskip("torch")
    t = torch.zeros((), dtype=torch.float64)
    c, x, obs = Box("c", Ty(), C), Box("x", C, X), Box("obs", X, Ty())
    d = c >> copy(C) >> (identity(C) @ (x >> copy(X))) >> (identity(C) @ obs @ X)
    f = HybridKernel.indexed(GaussianKernel.state([[0.0], [2.0]], [[[1.0]], [[3.0]]], cod=X),
                             by=C)
    values = {c: [0.3, 0.7], x: f, obs: GaussianCondition.observe(np.array([0.5, 1.5]), "X",
                                                                dims={"X": 1})}
    k = interpret_hybrid(d, values)
    kt = interpret_hybrid(d, {**values, x: f.to(t)})
    assert kt.backend == "torch"
    assert np.allclose(kt.weights.numpy(), k.weights)
    assert np.allclose(kt.gaussian.mean.numpy(), k.gaussian.mean)
