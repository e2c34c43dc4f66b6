"""Gaussian kernels: the linear-Gaussian Markov category (Fritz 2020, section 6).

A :class:`GaussianKernel` ``dom -> cod`` is the map ``x |-> A x + b + N(0, Sigma)`` between
real vector spaces. Every atomic type name stands for a space ``R^d`` whose dimension ``d`` is
read off the arrays, as finite sizes are for :class:`~markov.Kernel`. The domain vector is the
concatenation of the domain atoms' coordinates, in order, and likewise for the codomain.

Array convention, batch axes leading and broadcasting as in torch:

- ``matrix`` ``A``: ``[*batch, n_cod, n_dom]``;
- ``mean`` ``b``: ``[*batch, n_cod]`` (the mean of the output at input 0);
- ``covariance`` ``Sigma``: ``[*batch, n_cod, n_cod]``, symmetric positive semidefinite and
  possibly singular (a zero covariance is a deterministic affine map).

numpy float64 and torch tensors (any floating dtype and device, imported lazily) are
supported; the backend follows the arrays given.

Copy is ``x |-> (x, x)`` and discard is the map to ``R^0``; composition is
``(A2 A1, A2 b1 + b2, A2 Sigma1 A2^T + Sigma2)``. Inference (conditionals, Bayesian inversion,
exact conditioning) lives in :mod:`markov.gaussian.condition`, interpretation of diagrams in
:mod:`markov.gaussian.interpret`.

>>> p = GaussianKernel.state([1.0], [[4.0]], cod="X")
>>> f = GaussianKernel([[0.5]], [0.0], [[1.0]], dom="X", cod="Y")
>>> q = p >> f
>>> q.mean.tolist(), q.covariance.tolist()
([0.5], [[2.0]])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from diagrams import Box, Ty, as_ty
from markov.arrays import gaussian as G
from markov.errors import UnknownAtom
from markov.gaussian.constructors import GaussianConstructors
from markov.gaussian.dims import (  # _check_dims, _coordinates: historical import site
    _check_dims,  # noqa: F401
    _check_values,
    _coordinates,
    _positions,
    read_arrays,
)

#: Default relative tolerance of the covariance check (symmetry and positive semidefiniteness),
#: relative to the largest entry of the covariance.
COVARIANCE_ATOL = 1e-8

#: Default relative tolerance of the support test of exact conditioning and of the
#: pseudo-inverses of conditionals (see :mod:`markov.gaussian.condition` for its meaning).
CONDITION_TOL = 1e-9


class GaussianKernel(GaussianConstructors):
    """A (batch of) linear-Gaussian kernels ``x |-> matrix @ x + mean + N(0, covariance)``.

    ``dims`` gives the dimension of atoms the arrays do not determine (a type with several
    atoms of unknown dimension); otherwise dimensions are read off the arrays. ``matrix`` may
    be ``None`` for a state (empty domain) and ``covariance`` ``None`` for a deterministic map.

    >>> f = GaussianKernel([[1.0, 2.0]], [0.5], [[1.0]], dom=("X", "Z"), cod="Y", name="f")
    >>> f.dom, f.cod, f.dims, f.batch_shape
    (Ty('X', 'Z'), Ty('Y'), {'X': 1, 'Z': 1, 'Y': 1}, ())
    >>> GaussianKernel([[1.0, 2.0]], [0.5], [[1.0]], dom="X", cod="Y", dims={"X": 1}, name="f")
    Traceback (most recent call last):
    ...
    markov.errors.ShapeMismatch: Gaussian kernel f: the domain X has 2 coordinates but its atoms' dimensions are {'X': 1}
    """

    __slots__ = ("cod", "cod_dims", "covariance", "dom", "dom_dims", "matrix", "mean", "name")

    def __init__(self, matrix: Any, mean: Any = None, covariance: Any = None,
                 dom: Ty | str | Sequence[str] = (), cod: Ty | str | Sequence[str] = (), *,
                 dims: Mapping[str, int] | None = None, name: str | None = None,
                 validate: bool = True, atol: float | None = None):
        dom, cod = as_ty(dom), as_ty(cod)
        label = name or f"{dom} -> {cod}"
        (matrix, mean, covariance), dom_dims, cod_dims = read_arrays(
            matrix, mean, covariance, dom=dom, cod=cod, dims=dims, label=label)
        for attr, value in (("matrix", matrix), ("mean", mean), ("covariance", covariance),
                            ("dom", dom), ("cod", cod), ("dom_dims", dom_dims),
                            ("cod_dims", cod_dims), ("name", name)):
            object.__setattr__(self, attr, value)
        if validate:
            _check_values(self, label, COVARIANCE_ATOL if atol is None else atol)

    def __setattr__(self, key, value):
        raise AttributeError("Gaussian kernels are immutable")

    # ---- shapes ------------------------------------------------------------------------

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The broadcast leading batch shape of the three arrays.

        >>> GaussianKernel.state(np.zeros((5, 2)), np.eye(2), cod="X").batch_shape
        (5,)
        """
        return tuple(np.broadcast_shapes(tuple(self.matrix.shape[:-2]),
                                         tuple(self.mean.shape[:-1]),
                                         tuple(self.covariance.shape[:-2])))

    @property
    def dims(self) -> dict[str, int]:
        """The dimension of each atomic type of the domain and codomain.

        >>> GaussianKernel.state([0.0, 0.0], cod="X").dims
        {'X': 2}
        """
        out = dict(zip(self.dom.names, self.dom_dims))
        out.update(zip(self.cod.names, self.cod_dims))
        return out

    @property
    def n_dom(self) -> int:
        """The dimension of the domain space (sum of the domain atoms' dimensions).

        >>> GaussianKernel.identity(("X", "Y"), {"X": 2, "Y": 1}).n_dom
        3
        """
        return int(sum(self.dom_dims))

    @property
    def n_cod(self) -> int:
        """The dimension of the codomain space.

        >>> GaussianKernel.copy("X", {"X": 2}, 3).n_cod
        6
        """
        return int(sum(self.cod_dims))

    @property
    def is_state(self) -> bool:
        """Whether the domain is empty (a distribution rather than a kernel).

        >>> GaussianKernel.identity("X", {"X": 1}).is_state
        False
        """
        return len(self.dom) == 0

    @property
    def backend(self) -> str:
        """``"numpy"`` or ``"torch"``.

        >>> GaussianKernel.state([0.0], cod="X").backend
        'numpy'
        """
        return G.backend_of(self.matrix)

    @property
    def template(self) -> Any:
        """A tensor whose dtype and device new arrays follow (``None`` for numpy).

        >>> GaussianKernel.state([0.0], cod="X").template is None
        True
        """
        return G.template_of([self.matrix])

    def __repr__(self) -> str:
        name = f"{self.name}: " if self.name else ""
        batch = f", batch_shape={self.batch_shape}" if self.batch_shape else ""
        dims = ", ".join(f"{k}={v}" for k, v in self.dims.items())
        head = f"<GaussianKernel {name}{self.dom} -> {self.cod} ({dims}){batch}, " \
               f"{self.backend}>"
        from markov.tables import gaussian_text

        table = gaussian_text(self)
        return f"{head}\n{table}" if table else head

    def to_pandas(self) -> Any:
        """Mean, covariance and matrix by variable as a DataFrame; see
        :func:`markov.tables.gaussian_to_pandas`.

        >>> GaussianKernel.state([1.0], [[2.0]], cod="X").to_pandas().loc["X", "cov X"]
        np.float64(2.0)
        """
        from markov.tables import gaussian_to_pandas

        return gaussian_to_pandas(self)

    def _repr_html_(self) -> str:
        from html import escape

        return f"<pre>{escape(repr(self))}</pre>"

    def box(self, name: str | None = None) -> Box:
        """A box of this kernel's type, to use it in a diagram.

        >>> GaussianKernel.state([0.0], cod="X", name="p").box()
        Box('p', Ty(), Ty('X'))
        """
        return Box(name or self.name or "k", self.dom, self.cod)

    def is_deterministic(self, atol: float = 1e-12) -> bool:
        """Whether the covariance vanishes (within ``atol`` of its entries), in every batch.

        >>> GaussianKernel.state([0.0], [[1.0]], cod="X").is_deterministic()
        False
        """
        return bool(float(G.amax(self.covariance)) <= atol)

    def broadcast(self, batch_shape: Sequence[int]) -> GaussianKernel:
        """The same kernel with its arrays broadcast to ``batch_shape``.

        >>> GaussianKernel.state([0.0], cod="X").broadcast((3,)).mean.shape
        (3, 1)
        """
        batch = tuple(batch_shape)
        return self._replace(G.broadcast_to(self.matrix, batch + self.matrix.shape[-2:]),
                             G.broadcast_to(self.mean, batch + self.mean.shape[-1:]),
                             G.broadcast_to(self.covariance,
                                            batch + self.covariance.shape[-2:]))

    def _replace(self, matrix: Any, mean: Any, covariance: Any, *, dom: Ty | None = None,
                 cod: Ty | None = None, dom_dims: Sequence[int] | None = None,
                 cod_dims: Sequence[int] | None = None) -> GaussianKernel:
        """A kernel with new arrays and (optionally) types, without any check."""
        new = object.__new__(GaussianKernel)
        for attr, value in (("matrix", matrix), ("mean", mean), ("covariance", covariance),
                            ("dom", self.dom if dom is None else dom),
                            ("cod", self.cod if cod is None else cod),
                            ("dom_dims", self.dom_dims if dom_dims is None
                             else tuple(dom_dims)),
                            ("cod_dims", self.cod_dims if cod_dims is None
                             else tuple(cod_dims)),
                            ("name", None)):
            object.__setattr__(new, attr, value)
        return new

    # ---- categorical structure -------------------------------------------------------

    def then(self, other: GaussianKernel) -> GaussianKernel:
        """Composition ``self >> other``: ``(A2 A1, A2 b1 + b2, A2 S1 A2^T + S2)``.

        >>> f = GaussianKernel([[2.0]], [1.0], [[1.0]], dom="X", cod="X")
        >>> g = f >> f
        >>> g.matrix.tolist(), g.mean.tolist(), g.covariance.tolist()
        ([[4.0]], [3.0], [[5.0]])
        """
        from markov.gaussian.category import compose

        return compose(self, other)

    def tensor(self, other: GaussianKernel) -> GaussianKernel:
        """Parallel composition ``self @ other``: block-diagonal matrix and covariance.

        >>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
        >>> (p @ p).covariance.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        from markov.gaussian.category import tensor

        return tensor(self, other)

    def __rshift__(self, other: GaussianKernel) -> GaussianKernel:
        if not isinstance(other, GaussianKernel):
            return NotImplemented
        return self.then(other)

    def __matmul__(self, other: GaussianKernel) -> GaussianKernel:
        if not isinstance(other, GaussianKernel):
            return NotImplemented
        return self.tensor(other)

    # ---- selecting outputs ----------------------------------------------------------

    def positions(self, atoms: Iterable[int | str] | Ty | str) -> list[int]:
        """Positions in the codomain of atoms given by name or position.

        >>> GaussianKernel.state([0.0, 0.0], cod=("X", "Y")).positions("Y")
        [1]
        """
        return _positions(self.cod, atoms)

    def coordinates(self, positions: Sequence[int]) -> list[int]:
        """The coordinates (rows of ``matrix``) of the codomain atoms at ``positions``.

        >>> GaussianKernel.state([0.0, 0.0, 0.0], cod=("X", "Y"), dims={"X": 2}).coordinates([1])
        [2]
        """
        return _coordinates(self.cod_dims, positions)

    def select(self, positions: Sequence[int]) -> GaussianKernel:
        """The kernel whose ``i``-th output is output ``positions[i]`` of this one (repeats
        copy, omissions discard).

        >>> p = GaussianKernel.state([1.0, 2.0], cod=("X", "Y"))
        >>> p.select([1, 0, 1]).mean.tolist()
        [2.0, 1.0, 2.0]
        """
        positions = [int(p) for p in positions]
        for p in positions:
            if not 0 <= p < len(self.cod):
                raise UnknownAtom(f"position {p} is not in the codomain {self.cod}")
        rows = self.coordinates(positions)
        covariance = G.take(G.take(self.covariance, rows, -2), rows, -1)
        return self._replace(G.take(self.matrix, rows, -2), G.take(self.mean, rows, -1),
                             covariance, cod=Ty(*(self.cod.names[p] for p in positions)),
                             cod_dims=[self.cod_dims[p] for p in positions])

    def marginal(self, keep: Iterable[int | str] | Ty | str) -> GaussianKernel:
        """Keep the codomain atoms ``keep`` (names or positions, in the order given) and
        discard the others.

        >>> p = GaussianKernel.state([1.0, 2.0], [[1.0, 0.5], [0.5, 2.0]], cod=("X", "Y"))
        >>> p.marginal("Y").covariance.tolist()
        [[2.0]]
        """
        return self.select(self.positions(keep))

    def allclose(self, other: GaussianKernel, rtol: float = 1e-6,
                 atol: float = 1e-8) -> bool:
        """Whether two kernels of the same type have close arrays (broadcasting batches).

        >>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
        >>> p.allclose(GaussianKernel.state([0.0], [[1.0 + 1e-12]], cod="X"))
        True
        """
        if self.dom != other.dom or self.cod != other.cod \
                or self.dom_dims != other.dom_dims or self.cod_dims != other.cod_dims:
            return False
        return all(np.allclose(G.to_numpy(x), G.to_numpy(y), rtol=rtol, atol=atol)
                   for x, y in ((self.matrix, other.matrix), (self.mean, other.mean),
                                (self.covariance, other.covariance)))

    def sample(self, shape: Sequence[int] = (), seed: int | None = None,
               inputs: Any = None) -> Any:
        """Draw samples of the output (at ``inputs``, zero by default), with shape
        ``[*shape, *batch_shape, n_cod]``; singular covariances sample on their support.

        >>> GaussianKernel.state([1.0, 1.0], cod="X").sample((3,), seed=0).tolist()
        [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
        """
        from markov.gaussian.sampling import sample

        return sample(self, shape, seed, inputs)

    def to(self, like: Any) -> GaussianKernel:
        """The same kernel in the backend (and dtype, device) of a torch tensor ``like``;
        ``None`` converts to numpy float64.

        >>> GaussianKernel.state([1.0], cod="X").to(None).backend
        'numpy'
        """
        if isinstance(like, GaussianKernel):
            like = like.template
        return self._replace(*(G.as_float(x, like) if like is not None else G.to_numpy(x)
                               for x in (self.matrix, self.mean, self.covariance)))

    def log_prob(self, value: Any, inputs: Any = None, tol: float | None = None) -> Any:
        """The log density of ``value`` (``[*sample, *batch, n_cod]``) at ``inputs``, with
        respect to Lebesgue measure on the support of the covariance (``-inf`` off it); see
        :mod:`markov.gaussian.density`.

        >>> round(float(GaussianKernel.state([0.0], [[1.0]], cod="X").log_prob([1.0])), 6)
        -1.418939
        """
        from markov.gaussian.density import DENSITY_TOL, log_prob

        return log_prob(self, value, inputs, DENSITY_TOL if tol is None else tol)

    def density(self, value: Any, inputs: Any = None, tol: float | None = None) -> Any:
        """``exp(log_prob(value, inputs))``; see :mod:`markov.gaussian.density`.

        >>> round(float(GaussianKernel.state([0.0], [[1.0]], cod="X").density([0.0])), 6)
        0.398942
        """
        from markov.gaussian.density import DENSITY_TOL, density

        return density(self, value, inputs, DENSITY_TOL if tol is None else tol)


# ---- helpers --------------------------------------------------------------------------

def _describe(kernel: GaussianKernel) -> str:
    return kernel.name or f"the Gaussian kernel {kernel.dom} -> {kernel.cod}"


# Re-exported from its own module (its historical home is here).
from markov.gaussian.category import gaussian_category  # noqa: F401

