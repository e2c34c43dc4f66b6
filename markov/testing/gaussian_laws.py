"""Laws of the Gaussian semantics, as data, with hypothesis strategies for random (possibly
singular, possibly batched) Gaussian kernels.

``GAUSSIAN_LAWS`` holds, with ``backends=("gaussian",)``:

- every diagram law of :data:`markov.testing.laws.CORE_LAWS` (symmetric monoidal and comonoid
  laws, naturality of discard, copy-naturality for deterministic kernels and its negative
  control), its two sides interpreted by :func:`~markov.interpret_gaussian` on random
  Gaussian kernels of the same types;
- functoriality of ``interpret_gaussian`` on random diagrams, and agreement with the fold of
  :func:`~markov.gaussian.gaussian_category`;
- inference: disintegration recomposes (for states and Fritz's conditionals of kernels), the
  Bayes law, the chain rule of Bayesian inversion almost surely;
- exact conditioning: sequential conditions equal the joint condition, conditions commute,
  rescaling an equation (or multiplying it by an invertible matrix) changes nothing, observing
  equals inverting, a condition box in a diagram equals conditioning the joint; and a negative
  control (conditioning ``X = Y`` changes the variance of ``X``).

Random numbers are small integers, so that a singular covariance is singular exactly and the
comparisons (``allclose``) need no tuning.

>>> from markov.testing import check_law
>>> check_law(GAUSSIAN_LAWS_BY_NAME["conditions commute"], "gaussian", max_examples=5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from hypothesis import Phase, find, settings
from hypothesis import strategies as st

from diagrams import Box, Diagram, Functor, Ty, as_ty, copy
from markov.gaussian.kernel import GaussianKernel, gaussian_category
from markov.gaussian.condition import (
    GaussianCondition,
    bayes_invert,
    condition,
    conditional,
    disintegrate,
    observe,
)
from markov.gaussian.interpret import interpret_gaussian
from markov.testing.laws import CORE_LAWS, Law
from markov.testing.strategies import diagrams

GAUSSIAN = ("gaussian",)


# ---- strategies ---------------------------------------------------------------------------

def first_example(strategy: st.SearchStrategy) -> Any:
    """One value of a strategy, quickly and without shrinking (for examples and set-up; tests
    should use ``@given``).

    >>> first_example(st.just(3))
    3
    """
    return find(strategy, lambda value: True,
                settings=settings(database=None, deadline=None, phases=[Phase.generate]))


def gaussian_dims(names: Sequence[str] = ("X", "Y", "Z"), max_dim: int = 2
                  ) -> st.SearchStrategy[dict[str, int]]:
    """A dimension between 1 and ``max_dim`` for each atomic type name.

    >>> first_example(gaussian_dims(["X"]))
    {'X': 1}
    """
    return st.fixed_dictionaries({n: st.integers(1, max_dim) for n in names})


def _integers(draw, shape: tuple, low: int = -2, high: int = 2) -> np.ndarray:
    size = int(np.prod(shape)) if shape else 1
    values = draw(st.lists(st.integers(low, high), min_size=size, max_size=size))
    return np.asarray(values, dtype=np.float64).reshape(shape)


@st.composite
def _kernel_parts(draw, dom: Ty, cod: Ty, dims: Mapping[str, int], noise: str,
                  batch_shape: tuple) -> tuple[GaussianKernel, np.ndarray]:
    n_dom = sum(dims[a] for a in dom.names)
    n_cod = sum(dims[a] for a in cod.names)
    matrix = _integers(draw, batch_shape + (n_cod, n_dom))
    mean = _integers(draw, batch_shape + (n_cod,))
    if noise == "none":
        factor = np.zeros(batch_shape + (n_cod, 1))
    else:
        rank = draw(st.integers(0, n_cod)) if noise == "any" else n_cod
        factor = _integers(draw, batch_shape + (n_cod, rank), -1, 1)
        if noise == "full":
            factor = factor + 2 * np.eye(n_cod)
    covariance = factor @ np.swapaxes(factor, -1, -2)
    kernel = GaussianKernel(matrix, mean, covariance, dom, cod, dims=dict(dims),
                            validate=False)
    return kernel, factor


def gaussian_kernels(dom: Ty | str | Sequence[str], cod: Ty | str | Sequence[str],
                     dims: Mapping[str, int], *, noise: str = "any",
                     batch_shape: tuple[int, ...] = ()) -> st.SearchStrategy[GaussianKernel]:
    """Random Gaussian kernels ``dom -> cod`` with small integer matrix and mean and a
    covariance ``L L^T``: ``noise="any"`` draws ``L`` of random rank (singular covariances,
    deterministic kernels included), ``"none"`` gives deterministic kernels, ``"full"`` a
    non-singular covariance.

    >>> k = first_example(gaussian_kernels("X", "Y", {"X": 1, "Y": 2}, noise="none"))
    >>> k.matrix.shape, k.is_deterministic()
    ((2, 1), True)
    """
    return _kernel_parts(as_ty(dom), as_ty(cod), dict(dims), noise,
                         tuple(batch_shape)).map(lambda parts: parts[0])


@st.composite
def gaussian_states_with_point(draw, cod: Ty | str | Sequence[str], dims: Mapping[str, int],
                               noise: str = "any", batch_shape: tuple[int, ...] = ()
                               ) -> tuple[GaussianKernel, np.ndarray]:
    """A random Gaussian state and a point of its support (``mean + L z``), e.g. to draw
    conditions that can hold.

    >>> p, x = first_example(gaussian_states_with_point("X", {"X": 2}))
    >>> x.shape
    (2,)
    """
    state, factor = draw(_kernel_parts(Ty(), as_ty(cod), dict(dims), noise,
                                       tuple(batch_shape)))
    z = _integers(draw, tuple(batch_shape) + (factor.shape[-1],))
    return state, state.mean + (factor @ z[..., None])[..., 0]


@st.composite
def gaussian_interpretations(draw, diagram: Diagram, dims: Mapping[str, int],
                             noise: str = "any") -> dict[Box, GaussianKernel]:
    """A random Gaussian kernel for every box of ``diagram``.

    >>> m = first_example(gaussian_interpretations(Box("f", Ty("X"), Ty("Y")).to_diagram(),
    ...                                            {"X": 1, "Y": 1}))
    >>> list(m.values())[0].cod
    Ty('Y')
    """
    return {box: draw(gaussian_kernels(box.dom, box.cod, dims, noise=noise))
            for box in set(diagram.boxes)}


def gaussian_graph(state: GaussianKernel, kernel: GaussianKernel) -> GaussianKernel:
    """``state >> copy >> (id @ kernel)``: the graph of a Gaussian kernel over a state.

    >>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
    >>> gaussian_graph(p, GaussianKernel.identity("X", {"X": 1})).cod
    Ty('X', 'X')
    """
    dims = state.dims
    return state >> GaussianKernel.copy(state.cod, dims) >> (
        GaussianKernel.identity(state.cod, dims) @ kernel)


_graph = gaussian_graph


# ---- the core laws, on Gaussian kernels ------------------------------------------------------

def _core_on_gaussians(law: Law) -> Law:
    """The core diagram law with Gaussian kernels of the same box types: the types are read
    off the simplest example of the law's own data; deterministic laws get deterministic
    kernels, negative controls non-singular noise."""
    if "deterministic" in law.name and law.expect:
        noise = "none"
    else:
        noise = "any" if law.expect else "full"
    spec: dict[str, tuple[Ty, Ty]] = {}

    def data(backend: str):
        if not spec:
            example = first_example(law.data("numpy"))
            spec.update({n: (k.dom, k.cod) for n, k in example.items()})

        @st.composite
        def draw(draw_):
            names = sorted({a for dom, cod in spec.values() for a in (dom @ cod).names})
            dims = draw_(gaussian_dims(names))
            return {n: draw_(gaussian_kernels(dom, cod, dims, noise=noise))
                    for n, (dom, cod) in spec.items()}

        return draw()

    return Law(f"{law.name} (Gaussian)", data, law.lhs, law.rhs, equality=law.equality,
               state=law.state, condition=law.condition, expect=law.expect,
               backends=GAUSSIAN, on="diagrams", syntactic=law.syntactic, doc=law.doc)


# ---- laws of the Gaussian semantics -----------------------------------------------------------

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")


def _data(build):
    """``data`` from a composite drawing function ``build(draw, dims)``."""

    def data(backend: str):
        @st.composite
        def draw(draw_):
            return build(draw_, draw_(gaussian_dims()))

        return draw()

    return data


def _random_pair(composable: bool):
    def build(draw, dims):
        d1 = draw(diagrams(max_boxes=3))
        d2 = draw(diagrams(max_boxes=3, dom=d1.cod if composable else None))
        d2 = Diagram(d2.wires, [Box("g" + b.name, b.dom, b.cod) for b in d2.boxes],
                     d2.box_inputs, d2.box_outputs, d2.inputs, d2.outputs)
        mapping = {**draw(gaussian_interpretations(d1, dims)),
                   **draw(gaussian_interpretations(d2, dims))}
        return {"d1": d1, "d2": d2, "mapping": mapping, "dims": dims}

    return _data(build)


def _interp(d, mapping, dims):
    return interpret_gaussian(d, mapping, dims=dims)


def _fold(d, mapping, dims):
    return Functor(ar=mapping, cod=gaussian_category(dims))(d)


_BATCH = st.sampled_from([(), (2,)])


def _joint_and_equations(draw, dims):
    batch = draw(_BATCH)
    p, point = draw(gaussian_states_with_point(X @ Y, dims, batch_shape=batch))
    n = dims["X"] + dims["Y"]
    m1 = _integers(draw, (draw(st.integers(1, n)), n))
    m2 = _integers(draw, (draw(st.integers(1, n)), n))
    scale = draw(st.sampled_from([-3.0, 0.5, 2.0]))
    k = m1.shape[0]
    mix = np.eye(k) + np.triu(_integers(draw, (k, k)), 1)  # invertible (unit triangular)
    return {"p": p, "m1": m1, "c1": point @ m1.T, "m2": m2, "c2": point @ m2.T,
            "scale": scale, "mix": mix}


def _prior_and_kernel(draw, dims):
    batch = draw(_BATCH)
    return {"p": draw(gaussian_kernels(Ty(), X, dims, batch_shape=batch)),
            "f": draw(gaussian_kernels(X, Y, dims)),
            "g": draw(gaussian_kernels(Y, Z, dims, batch_shape=batch))}


def _kernel_to_pair(draw, dims):
    return {"f": draw(gaussian_kernels(Z, X @ Y, dims))}


def _observed(draw, dims):
    p, p_factor = draw(_kernel_parts(Ty(), X, dims, "any", ()))
    f, f_factor = draw(_kernel_parts(X, Y, dims, "any", ()))
    x = p.mean + p_factor @ _integers(draw, (p_factor.shape[-1],))
    y = f.matrix @ x + f.mean + f_factor @ _integers(draw, (f_factor.shape[-1],))
    return {"p": p, "f": f, "y": y}  # y lies on the support of p >> f


def _recompose_state(p):
    marginal, cond = disintegrate(p, "X")
    dims = p.dims
    return marginal >> GaussianKernel.copy(X, dims) >> (GaussianKernel.identity(X, dims)
                                                        @ cond)


def _recompose_kernel(f):
    dims = f.dims
    fx = f.marginal("X")
    cond = conditional(f, "X")  # X @ Z -> Y
    # z |-> (x, z) with x ~ fx(z), then (x, x, z) |-> (x, y)
    step1 = GaussianKernel.copy(Z, dims) >> (fx @ GaussianKernel.identity(Z, dims))
    step2 = (GaussianKernel.copy(X, dims) @ GaussianKernel.identity(Z, dims)) >> (
        GaussianKernel.identity(X, dims) @ cond)
    return step1 >> step2


def _bayes_lhs(p, f, g):
    return _graph(p, f)


def _bayes_rhs(p, f, g):
    dims = {**p.dims, **f.dims}
    inverse = bayes_invert(f, p)
    return (p >> f >> GaussianKernel.copy(Y, dims)
            >> (inverse @ GaussianKernel.identity(Y, dims)))


def _with_condition_box(p, m1, c1, m2, c2, scale, mix):
    box_p, eq = Box("p", Ty(), X @ Y), Box("eq", X @ Y, Ty())
    diagram = box_p >> copy(X @ Y) >> (eq @ X @ Y)
    return interpret_gaussian(diagram, {box_p: p, eq: GaussianCondition.equation(
        m1, c1, X @ Y, dims=p.dims)})


def _equal_xy(draw, dims):
    dims = {**dims, "Y": dims["X"]}
    return {"p": draw(gaussian_kernels(Ty(), X, dims, noise="full")),
            "q": draw(gaussian_kernels(Ty(), Y, dims, noise="full"))}


def _condition_equal_marginal(p, q):
    from markov.gaussian.condition import condition_equal

    return condition_equal(p @ q, "X", "Y").marginal("X")


GAUSSIAN_ONLY_LAWS: list[Law] = [
    Law("interpret_gaussian preserves composition", _random_pair(True),
        lambda d1, d2, mapping, dims: _interp(d1 >> d2, mapping, dims),
        lambda d1, d2, mapping, dims: _interp(d1, mapping, dims) >> _interp(d2, mapping,
                                                                             dims),
        backends=GAUSSIAN),
    Law("interpret_gaussian preserves tensor", _random_pair(False),
        lambda d1, d2, mapping, dims: _interp(d1 @ d2, mapping, dims),
        lambda d1, d2, mapping, dims: _interp(d1, mapping, dims) @ _interp(d2, mapping, dims),
        backends=GAUSSIAN),
    Law("interpret_gaussian equals the functor's fold", _random_pair(False),
        lambda d1, d2, mapping, dims: _interp(d1, mapping, dims),
        lambda d1, d2, mapping, dims: _fold(d1, mapping, dims), backends=GAUSSIAN),
    Law("disintegration recomposes", _data(lambda draw, dims: {
            "p": draw(gaussian_kernels(Ty(), X @ Y, dims))}),
        lambda p: _recompose_state(p), lambda p: p, backends=GAUSSIAN,
        doc="marginal >> copy >> (id @ conditional) == joint, singular joints included"),
    Law("Fritz's conditional of a kernel recomposes", _data(_kernel_to_pair),
        lambda f: _recompose_kernel(f), lambda f: f, backends=GAUSSIAN),
    Law("Bayes law: prior and kernel = evidence and inverse", _data(_prior_and_kernel),
        _bayes_lhs, _bayes_rhs, backends=GAUSSIAN),
    Law("inverse of a composite is the composite of inverses, almost surely",
        _data(_prior_and_kernel),
        lambda p, f, g: bayes_invert(f >> g, p),
        lambda p, f, g: bayes_invert(g, p >> f) >> bayes_invert(f, p),
        equality="almost_surely", state=lambda p, f, g: p >> f >> g, backends=GAUSSIAN),
    Law("sequential conditions equal the joint condition", _data(_joint_and_equations),
        lambda p, m1, c1, m2, c2, scale, mix: condition(condition(p, m1, c1), m2, c2),
        lambda p, m1, c1, m2, c2, scale, mix: condition(p, np.concatenate([m1, m2]),
                                                        np.concatenate([c1, c2], -1)),
        backends=GAUSSIAN),
    Law("conditions commute", _data(_joint_and_equations),
        lambda p, m1, c1, m2, c2, scale, mix: condition(condition(p, m1, c1), m2, c2),
        lambda p, m1, c1, m2, c2, scale, mix: condition(condition(p, m2, c2), m1, c1),
        backends=GAUSSIAN),
    Law("rescaling an equation changes nothing", _data(_joint_and_equations),
        lambda p, m1, c1, m2, c2, scale, mix: condition(p, scale * m1, scale * c1),
        lambda p, m1, c1, m2, c2, scale, mix: condition(p, m1, c1), backends=GAUSSIAN),
    Law("an invertible combination of the equations changes nothing",
        _data(_joint_and_equations),
        lambda p, m1, c1, m2, c2, scale, mix: condition(p, mix @ m1, c1 @ mix.T),
        lambda p, m1, c1, m2, c2, scale, mix: condition(p, m1, c1), backends=GAUSSIAN),
    Law("a condition box in a diagram conditions the joint", _data(_joint_and_equations),
        _with_condition_box,
        lambda p, m1, c1, m2, c2, scale, mix: condition(p, m1, c1), backends=GAUSSIAN),
    Law("observing the output equals the Bayesian inverse at the observation",
        _data(_observed),
        lambda p, f, y: observe(_graph(p, f), {1: y}).marginal([0]),
        lambda p, f, y: GaussianKernel.state(y, None, cod=Y, dims=f.dims) >> bayes_invert(
            f, p), backends=GAUSSIAN),
    Law("conditioning X = Y keeps the variance of X (negative control)", _data(_equal_xy),
        _condition_equal_marginal, lambda p, q: p, expect=False, backends=GAUSSIAN,
        doc="conditioning on an equation between independent noisy variables shrinks X"),
]

GAUSSIAN_LAWS: list[Law] = [_core_on_gaussians(law) for law in CORE_LAWS
                            if law.on == "diagrams"] + GAUSSIAN_ONLY_LAWS
GAUSSIAN_LAWS_BY_NAME = {law.name: law for law in GAUSSIAN_LAWS}

__all__ = [
    "GAUSSIAN_LAWS",
    "GAUSSIAN_LAWS_BY_NAME",
    "GAUSSIAN_ONLY_LAWS",
    "first_example",
    "gaussian_dims",
    "gaussian_graph",
    "gaussian_interpretations",
    "gaussian_kernels",
    "gaussian_states_with_point",
]
