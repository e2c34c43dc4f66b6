"""Laws of the hybrid (conditional-Gaussian) semantics, as data, with hypothesis strategies
for small random hybrid kernels.

The core laws of Markov categories and the functoriality laws of
:mod:`markov.testing.laws` name the ``"hybrid"`` backend too: they are drawn on random
hybrid kernels whose atoms are each discrete or continuous (:func:`hybrid_kinds`,
:func:`hybrid_kernels`, through :mod:`markov.testing.draw`). ``HYBRID_ONLY_LAWS`` holds the
laws proper to the hybrid semantics, with ``backends=("hybrid",)``:

- the agreement of ``interpret_hybrid`` with the finite and the Gaussian semantics on their
  kernels (the embeddings are functors);
- inference: disintegration along discrete atoms recomposes, Bayes' law for discrete and for
  continuous priors, observing a continuous output is Bayes' rule with its density, and a
  negative control (moment-matched :func:`~markov.collapse` changes a two-component mixture).

Mixtures are compared as mixtures (:func:`hybrid_equal`): per row, the components of
positive weight, equal components merged, in a canonical order.

>>> from markov.testing import LAWS_BY_NAME, check_law
>>> check_law(LAWS_BY_NAME["copy is commutative"], "hybrid", max_examples=3)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from hypothesis import strategies as st

from diagrams import Box, Diagram, Ty, as_ty
from markov.arrays import gaussian as G
from markov.gaussian.hybrid import HybridKernel
from markov.gaussian.hybrid_inference import (
    bayes_invert,
    collapse,
    disintegrate,
    graph,
    observe,
    recompose,
)
from markov.gaussian.hybrid_interpret import interpret_hybrid
from markov.kernel import Kernel  # noqa: F401  (the examples use it)
from markov.testing.gaussian_strategies import (  # noqa: F401  (first_example: examples)
    _integers,
    first_example,
    gaussian_kernels,
)
from markov.testing.laws import Law
from markov.testing.strategies import diagrams

HYBRID = ("hybrid",)
Kinds = dict  # atom -> ("discrete", size) | ("continuous", dimension)


# ---- strategies ---------------------------------------------------------------------------

def hybrid_kinds(names: Sequence[str] = ("X", "Y", "Z"), max_size: int = 2
                 ) -> st.SearchStrategy[Kinds]:
    """Each atom discrete (1 to ``max_size + 1`` outcomes) or continuous (dimension 1 to
    ``max_size``).

    >>> first_example(hybrid_kinds(["X"]))["X"][0] in ("discrete", "continuous")
    True
    """
    kind = st.one_of(st.tuples(st.just("discrete"), st.integers(1, max_size + 1)),
                     st.tuples(st.just("continuous"), st.integers(1, max_size)))
    return st.fixed_dictionaries({n: kind for n in names})


@st.composite
def hybrid_kernels(draw, dom: Ty | str | Sequence[str], cod: Ty | str | Sequence[str],
                   kinds: Mapping[str, tuple[str, int]], *, noise: str = "any",
                   batch_shape: tuple[int, ...] = ()) -> HybridKernel:
    """Random CG kernels ``dom -> cod``: small-integer weights over the discrete outputs
    (one-hot rows for ``noise="none"``, positive ones for ``"full"``) and, for each discrete
    configuration, a random Gaussian kernel (see
    :func:`~markov.testing.gaussian_laws.gaussian_kernels`) from the continuous inputs to the
    continuous outputs.

    >>> k = first_example(hybrid_kernels("X", "Y", {"X": ("discrete", 2),
    ...                                             "Y": ("continuous", 1)}))
    >>> k.sizes, k.dims, k.n_components
    ({'X': 2}, {'Y': 1}, 1)
    """
    dom, cod = as_ty(dom), as_ty(cod)
    batch = tuple(batch_shape)
    ddom = [kinds[a][1] for a in dom.names if kinds[a][0] == "discrete"]
    dcod = [kinds[a][1] for a in cod.names if kinds[a][0] == "discrete"]
    rows, n_out = int(np.prod(batch + tuple(ddom))), int(np.prod(dcod))
    if noise == "none":
        picks = draw(st.lists(st.integers(0, n_out - 1), min_size=rows, max_size=rows))
        weights = np.eye(n_out)[picks]
    else:
        low = 1 if noise == "full" else 0
        weights = _integers(draw, (rows, n_out), low, 3)
        weights[:, 0] += weights.sum(1) == 0            # no row of mass zero
        weights = weights / weights.sum(1, keepdims=True)
    weights = weights.reshape(batch + tuple(ddom) + tuple(dcod) + (1,))
    cdom = Ty(*(a for a in dom.names if kinds[a][0] == "continuous"))
    ccod = Ty(*(a for a in cod.names if kinds[a][0] == "continuous"))
    dims = {a: k[1] for a, k in kinds.items() if k[0] == "continuous"}
    g = draw(gaussian_kernels(cdom, ccod, dims, noise=noise,
                              batch_shape=batch + tuple(ddom) + tuple(dcod) + (1,)))
    return HybridKernel(weights, g, dom, cod, validate=False)


def hybrid_equal(a: HybridKernel, b: HybridKernel, rtol: float = 1e-6,
                 atol: float = 1e-7) -> bool:
    """Whether two hybrid kernels are equal as mixtures: same types and, in every row
    (batch entry and discrete configuration), the same components of positive weight once
    equal components are merged (their order and splitting do not matter).

    >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
    ...                        discrete="C", continuous="X")
    >>> hybrid_equal(p.marginal("X"), p.marginal("X")), hybrid_equal(p, p.marginal(["C", "X"]))
    (True, True)
    """
    if not isinstance(a, HybridKernel) or not isinstance(b, HybridKernel) or \
            a.dom != b.dom or a.cod != b.cod or a.dims != b.dims or a.sizes != b.sizes:
        return False
    try:
        rows = np.broadcast_shapes(*(tuple(k.weights.shape[:-1]) for k in (a, b)),
                                   *(k.gaussian.batch_shape[:-1] for k in (a, b)))
        left, right = _rows(a, rows), _rows(b, rows)
        for key, x in left.items():
            y = right[key]
            if len(x) != len(y):
                return False
            for (wx, px), (wy, py) in zip(x, y):
                if not np.isclose(wx, wy, rtol=rtol, atol=atol) or \
                        not np.allclose(px, py, rtol=rtol, atol=atol):
                    return False
    except ValueError:
        return False
    return True


def _rows(k: HybridKernel, rows: tuple) -> dict:
    """Per row: the list of (weight, parameters) of its components, merged and sorted."""
    w = G.to_numpy(k.weights)
    g = k.gaussian
    shape = tuple(rows) + (max(w.shape[-1], (g.batch_shape or (1,))[-1]),)
    w = np.broadcast_to(w, shape)
    params = [np.broadcast_to(G.to_numpy(x), shape + tuple(x.shape[len(x.shape) - t:]))
              .reshape(shape + (-1,)) for x, t in ((g.matrix, 2), (g.mean, 1),
                                                    (g.covariance, 2))]
    p = np.concatenate(params, -1)
    out = {}
    for index in np.ndindex(*shape[:-1]):
        merged: dict = {}
        for c in range(shape[-1]):
            if w[index + (c,)] > 1e-9:
                key = tuple(np.round(p[index + (c,)], 6))
                weight, vec = merged.get(key, (0.0, p[index + (c,)]))
                merged[key] = (weight + w[index + (c,)], vec)
        out[index] = [merged[key] for key in sorted(merged)]
    return out


def hybrid_graph(state: HybridKernel, kernel: HybridKernel) -> HybridKernel:
    """``state >> copy >> (id @ kernel)``.

    >>> p = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
    >>> hybrid_graph(p, HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D"))).cod
    Ty('C', 'D')
    """
    return graph(state, kernel)


def hybrid_interpret(d: Diagram, mapping: Mapping, kinds: Mapping[str, tuple]) -> HybridKernel:
    """:func:`~markov.interpret_hybrid` with the kinds of the atoms (as ``hybrid_sizes``
    returns them).

    >>> p = Box("p", Ty(), Ty("C"))
    >>> hybrid_interpret(p, {p: Kernel.state([0.5, 0.5], cod="C")}, {"C": ("discrete", 2)}).cod
    Ty('C')
    """
    return interpret_hybrid(d, mapping,
                            sizes={a: n for a, (k, n) in kinds.items() if k == "discrete"},
                            dims={a: n for a, (k, n) in kinds.items() if k == "continuous"})


def hybrid_sizes(k: HybridKernel) -> dict[str, tuple[str, int]]:
    """The kind and size of each atom of a hybrid kernel.

    >>> hybrid_sizes(HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")))
    {'C': ('discrete', 2)}
    """
    out = {a: ("discrete", n) for a, n in k.sizes.items()}
    out.update((a, ("continuous", n)) for a, n in k.dims.items())
    return out


# ---- laws of the hybrid semantics -----------------------------------------------------------

X, Y = Ty("X"), Ty("Y")


def _data(build):
    def data(backend: str):
        @st.composite
        def draw(draw_):
            return build(draw_, draw_(hybrid_kinds()))

        return draw()

    return data


def _one_kind(kind: str):
    def build(draw, kinds):
        d = draw(diagrams(max_boxes=3))
        sizes = draw(st.fixed_dictionaries({"X": st.integers(1, 3), "Y": st.integers(1, 3)}))
        if kind == "discrete":
            from markov.testing.strategies import kernels

            mapping = {box: draw(kernels(box.dom, box.cod, sizes)) for box in set(d.boxes)}
        else:
            mapping = {box: draw(gaussian_kernels(box.dom, box.cod, sizes))
                       for box in set(d.boxes)}
        return {"d": d, "mapping": mapping, "sizes": sizes}

    return _data(build)


def _embedded_other(d, mapping, sizes, kind):
    if kind == "discrete":
        from markov.contraction.interpret import interpret

        return HybridKernel.embed(interpret(d, mapping, sizes=sizes))
    from markov.gaussian.interpret import interpret_gaussian

    return HybridKernel.embed(interpret_gaussian(d, mapping, dims=sizes))


def _kinds_for(kind: str, sizes: Mapping[str, int]) -> Kinds:
    return {a: (kind, n) for a, n in sizes.items()}


def _disc_then_any(draw, kinds):
    kinds = {**kinds, "X": ("discrete", draw(st.integers(1, 3)))}
    return {"p": draw(hybrid_kernels(Ty(), X @ Y, kinds))}


def _prior_and_kernel(draw, kinds):
    kind = draw(st.sampled_from(["discrete", "continuous"]))
    kinds = {**kinds, "X": (kind, kinds["X"][1]), "Y": (kind, kinds["Y"][1])}
    batch = draw(st.sampled_from([(), (2,)]))
    return {"p": draw(hybrid_kernels(Ty(), X, kinds, batch_shape=batch)),
            "f": draw(hybrid_kernels(X, Y, kinds))}


def _bayes_rhs(p, f):
    inverse = bayes_invert(f, p)
    b_p, b_inv = Box("pf", Ty(), f.cod), Box("inv", f.cod, p.cod)
    from diagrams import copy, identity

    d = b_p >> copy(f.cod) >> (b_inv @ identity(f.cod))
    return interpret_hybrid(d, {b_p: p >> f, b_inv: inverse})


def _class_and_feature(draw, kinds):
    n = draw(st.integers(2, 3))
    kinds = {"X": ("discrete", n), "Y": ("continuous", draw(st.integers(1, 2)))}
    p = draw(hybrid_kernels(Ty(), X, kinds, noise="full"))
    f = draw(hybrid_kernels(X, Y, kinds, noise="full"))
    y = _integers(draw, (kinds["Y"][1],))
    return {"p": p, "f": f, "y": y}


def _bayes_rule_by_density(p, f, y):
    from markov.gaussian.density import log_density

    g = f.gaussian
    logd = log_density(G.to_numpy(g.mean)[..., 0, :], G.to_numpy(g.covariance)[..., 0, :, :],
                       y)[0]
    w = G.to_numpy(p.weights)[..., 0] * np.exp(logd - logd.max())
    return HybridKernel(w[:, None] / w.sum(), None, Ty(), X)


def _two_components(draw, kinds):
    kinds = {"X": ("discrete", 2), "Y": ("continuous", 1)}
    p = draw(hybrid_kernels(Ty(), X @ Y, kinds, noise="full"))
    return {"p": p}


HYBRID_ONLY_LAWS: list[Law] = [
    Law("the finite semantics embeds into the hybrid one", _one_kind("discrete"),
        lambda d, mapping, sizes: hybrid_interpret(d, mapping, _kinds_for("discrete", sizes)),
        lambda d, mapping, sizes: _embedded_other(d, mapping, sizes, "discrete"),
        backends=HYBRID),
    Law("the Gaussian semantics embeds into the hybrid one", _one_kind("continuous"),
        lambda d, mapping, sizes: hybrid_interpret(d, mapping,
                                                   _kinds_for("continuous", sizes)),
        lambda d, mapping, sizes: _embedded_other(d, mapping, sizes, "continuous"),
        backends=HYBRID),
    Law("hybrid disintegration along a discrete atom recomposes", _data(_disc_then_any),
        lambda p: recompose(*disintegrate(p, "X")), lambda p: p, backends=HYBRID),
    Law("hybrid Bayes law: prior and kernel = evidence and inverse", _data(_prior_and_kernel),
        lambda p, f: graph(p, f), _bayes_rhs, backends=HYBRID),
    Law("observing a continuous output is Bayes' rule with its density",
        _data(_class_and_feature),
        lambda p, f, y: observe(graph(p, f), {"Y": y}).marginal("X"),
        _bayes_rule_by_density, backends=HYBRID),
    Law("collapse changes a two-component mixture (negative control)", _data(_two_components),
        lambda p: collapse(p.marginal("Y")), lambda p: p.marginal("Y"), expect=False,
        backends=HYBRID, doc="moment matching is an approximation, never the mixture"),
]


__all__ = [
    "HYBRID_ONLY_LAWS",
    "hybrid_equal",
    "hybrid_graph",
    "hybrid_interpret",
    "hybrid_kernels",
    "hybrid_kinds",
    "hybrid_sizes",
]
