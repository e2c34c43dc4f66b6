"""Conditionals, disintegration, Bayesian inversion and almost-sure equality of Gaussian
kernels (Fritz 2020, sections 11-13, in the linear-Gaussian Markov category).

Conditionals use Schur complements with pseudo-inverses, so singular covariances are allowed;
off the support of the conditioning variables a conditional is not unique (the
pseudo-inverse picks one version) and results are compared :func:`almost_surely_equal`.
These are the Gaussian implementations of the generic functions of
:mod:`markov.inference.generic` (``markov.disintegrate`` and friends).

>>> from markov.gaussian.kernel import GaussianKernel
>>> xy = GaussianKernel.state([0.0, 1.0], [[2.0, 1.0], [1.0, 1.0]], cod=("X", "Y"))
>>> p, c = disintegrate(xy, "X")
>>> recompose(p, c).allclose(xy)
True
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from diagrams import Ty, TypeMismatch
from markov.arrays import gaussian as G
from markov.gaussian.kernel import CONDITION_TOL, GaussianKernel, _check_dims

Atoms = Iterable[int | str] | Ty | str


def conditional(kernel: GaussianKernel, given: Atoms, *,
                tol: float = CONDITION_TOL) -> GaussianKernel:
    """Fritz's conditional: for ``f: A -> X @ Y`` (``X`` = the atoms ``given``, ``Y`` the
    others in order) the kernel ``X @ A -> Y`` such that ``f`` is recovered from its
    marginal on ``X`` and the conditional. Off the support of ``X`` the pseudo-inverse picks
    one version; versions agree almost surely.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> xy = GaussianKernel.state([0.0, 1.0], [[2.0, 1.0], [1.0, 1.0]], cod=("X", "Y"))
    >>> c = conditional(xy, "X")
    >>> c.dom, c.cod, c.matrix.tolist(), c.mean.tolist(), c.covariance.tolist()
    (Ty('X'), Ty('Y'), [[0.5]], [1.0], [[0.5]])
    """
    given_p = kernel.positions(given)
    rest_p = [p for p in range(len(kernel.cod)) if p not in given_p]
    g_rows = kernel.coordinates(given_p)
    r_rows = kernel.coordinates(rest_p)
    cov = kernel.covariance
    c_gg = G.take(G.take(cov, g_rows, -2), g_rows, -1)
    c_rg = G.take(G.take(cov, r_rows, -2), g_rows, -1)
    c_rr = G.take(G.take(cov, r_rows, -2), r_rows, -1)
    pinv, _ = G.psd_pinv(c_gg, tol)
    gain = c_rg @ pinv
    f_g, f_r = G.take(kernel.matrix, g_rows, -2), G.take(kernel.matrix, r_rows, -2)
    m_g, m_r = G.take(kernel.mean, g_rows, -1), G.take(kernel.mean, r_rows, -1)
    lin = f_r - gain @ f_g
    batch = tuple(np.broadcast_shapes(tuple(gain.shape[:-2]), tuple(lin.shape[:-2])))
    matrix = G.cat([G.broadcast_to(gain, batch + tuple(gain.shape[-2:])),
                    G.broadcast_to(lin, batch + tuple(lin.shape[-2:]))], -1)
    mean = m_r - G.matvec(gain, m_g)
    covariance = G.symmetrize(c_rr - gain @ G.transpose(c_rg))
    given_ty = Ty(*(kernel.cod.names[p] for p in given_p))
    return kernel._replace(matrix, mean, covariance, dom=given_ty @ kernel.dom,
                           cod=Ty(*(kernel.cod.names[p] for p in rest_p)),
                           dom_dims=[kernel.cod_dims[p] for p in given_p]
                           + list(kernel.dom_dims),
                           cod_dims=[kernel.cod_dims[p] for p in rest_p])


def disintegrate(joint: GaussianKernel, given: Atoms, *,
                 tol: float = CONDITION_TOL) -> tuple[GaussianKernel, GaussianKernel]:
    """The marginal on ``given`` and the conditional of the rest, so that the joint is
    ``marginal >> copy >> (identity @ conditional)`` up to the order of the outputs.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> xy = GaussianKernel.state([0.0, 1.0], [[2.0, 1.0], [1.0, 1.0]], cod=("X", "Y"))
    >>> p, c = disintegrate(xy, "X")
    >>> X = p.dims
    >>> (p >> GaussianKernel.copy("X", X) >> (GaussianKernel.identity("X", X) @ c)).allclose(xy)
    True
    """
    return joint.marginal(joint.positions(given)), conditional(joint, given, tol=tol)


def recompose(marginal: GaussianKernel, conditional: GaussianKernel) -> GaussianKernel:
    """The kernel ``A -> X @ Y`` built from ``marginal: A -> X`` and ``conditional:
    X @ A -> Y`` by copying ``A`` and ``X``: the inverse of :func:`disintegrate`.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> p = GaussianKernel.state([1.0], [[2.0]], cod="X")
    >>> f = GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
    >>> recompose(p, f).covariance.tolist()
    [[2.0, 2.0], [2.0, 3.0]]
    """
    a, x = marginal.dom, marginal.cod
    if conditional.dom != x @ a:
        raise TypeMismatch(f"cannot recompose: the conditional's domain is "
                           f"{conditional.dom!r} but the marginal {a!r} -> {x!r} asks for "
                           f"{x @ a!r}")
    _check_dims(x @ a, marginal.cod_dims + marginal.dom_dims, conditional.dom_dims,
                "the marginal", "the conditional")
    like = marginal if marginal.template is not None else conditional
    dims = {**dict(zip(a.names, marginal.dom_dims)), **dict(zip(x.names, marginal.cod_dims))}

    def ident(ty: Ty) -> GaussianKernel:
        return GaussianKernel.identity(ty, dims, like)

    # A -> A @ A -> X @ A -> X @ X @ A -> X @ Y
    return (GaussianKernel.copy(a, dims, 2, like) >> (marginal @ ident(a))
            >> (GaussianKernel.copy(x, dims, 2, like) @ ident(a))
            >> (ident(x) @ conditional))


def bayes_invert(kernel: GaussianKernel, prior: GaussianKernel, *,
                 tol: float = CONDITION_TOL) -> GaussianKernel:
    """The Bayesian inverse ``cod -> dom`` of ``kernel`` at the state ``prior`` on its
    domain: the conditional of ``prior >> copy >> (identity @ kernel)`` given the output.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> prior = GaussianKernel.state([0.0], [[1.0]], cod="X")
    >>> noisy = GaussianKernel([[1.0]], [0.0], [[1.0]], dom="X", cod="Y")
    >>> post = bayes_invert(noisy, prior)
    >>> post.dom, post.cod, post.matrix.tolist(), post.covariance.tolist()
    (Ty('Y'), Ty('X'), [[0.5]], [[0.5]])
    """
    if not isinstance(prior, GaussianKernel) or not prior.is_state \
            or prior.cod != kernel.dom:
        shown = f"{prior.dom} -> {prior.cod}" if isinstance(prior, GaussianKernel) \
            else type(prior).__name__
        raise TypeMismatch(f"bayes_invert needs a prior state on {kernel.dom}, got {shown}")
    _check_dims(kernel.dom, prior.cod_dims, kernel.dom_dims, "the prior", "the kernel")
    joint = _graph(kernel, prior)
    n = len(kernel.dom)
    return conditional(joint, list(range(n, n + len(kernel.cod))), tol=tol)


def _graph(kernel: GaussianKernel, state: GaussianKernel) -> GaussianKernel:
    """``state >> copy >> (identity @ kernel)``: the joint of input and output."""
    dims = dict(zip(kernel.dom.names, kernel.dom_dims))
    like = state if state.template is not None else kernel
    ident = GaussianKernel.identity(kernel.dom, dims, like)
    return state >> GaussianKernel.copy(kernel.dom, dims, 2, like) >> (ident @ kernel)


def almost_surely_equal(f: GaussianKernel, g: GaussianKernel,
                        state: GaussianKernel | None = None, *, rtol: float = 1e-6,
                        atol: float = 1e-8) -> bool:
    """Whether ``f`` and ``g`` are equal ``state``-almost surely (Fritz): the joints
    ``state >> copy >> (identity @ f)`` and the same with ``g`` are equal (within the
    tolerances). For Gaussians this is: equal noise covariances, equal means on the support
    of ``state``. Without a state, plain (close) equality. A state on more variables than
    the domain is replaced by its marginal on the domain's names.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> point = GaussianKernel.state([1.0], None, cod="X")
    >>> f = GaussianKernel.deterministic([[2.0]], [0.0], dom="X", cod="Y")
    >>> g = GaussianKernel.deterministic([[0.0]], [2.0], dom="X", cod="Y")
    >>> almost_surely_equal(f, g, point), almost_surely_equal(f, g)
    (True, False)
    """
    if not isinstance(g, GaussianKernel) or f.dom != g.dom or f.cod != g.cod:
        shown = f"{g.dom} -> {g.cod}" if isinstance(g, GaussianKernel) else type(g).__name__
        raise TypeMismatch(f"cannot compare kernels of types {f.dom} -> {f.cod} and {shown}")
    if state is None:
        return f.allclose(g, rtol=rtol, atol=atol)
    state = _state_on(state, f.dom)
    return _graph(f, state).allclose(_graph(g, state), rtol=rtol, atol=atol)


def is_deterministic(kernel: GaussianKernel, state: GaussianKernel | None = None,
                     atol: float | None = None) -> bool:
    """Whether ``kernel`` is a deterministic affine map (zero noise covariance, within
    ``atol``, default ``1e-12``), in every batch element. The noise of a linear-Gaussian
    kernel does not depend on its input, so being deterministic almost surely with respect
    to a ``state`` (checked to be a state on the domain) is the same as being deterministic.

    >>> from markov.gaussian.kernel import GaussianKernel
    >>> is_deterministic(GaussianKernel.deterministic([[2.0]], dom="X", cod="Y"))
    True
    >>> is_deterministic(GaussianKernel([[2.0]], [0.0], [[0.5]], dom="X", cod="Y"))
    False
    """
    if state is not None:
        _state_on(state, kernel.dom)
    return kernel.is_deterministic(1e-12 if atol is None else atol)


def _state_on(state: GaussianKernel, dom: Ty) -> GaussianKernel:
    """``state`` as a state on ``dom``: itself, or its marginal on ``dom``'s names."""
    if not isinstance(state, GaussianKernel) or not state.is_state:
        shown = f"{state.dom} -> {state.cod}" if isinstance(state, GaussianKernel) \
            else type(state).__name__
        raise TypeMismatch(f"almost-sure equality needs a state on {dom}, got {shown}")
    if state.cod == dom:
        return state
    if len(set(dom.names)) != len(dom) or not set(dom.names) <= set(state.cod.names):
        raise TypeMismatch(f"the state is on {state.cod}, not on the domain {dom}")
    return state.marginal(dom.names)


__all__ = ["almost_surely_equal", "bayes_invert", "conditional", "disintegrate",
           "is_deterministic", "recompose"]
