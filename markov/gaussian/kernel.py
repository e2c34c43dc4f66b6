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

from diagrams import Box, Category, Ty, TypeMismatch, as_ty
from markov.arrays import gaussian as G
from markov.errors import NotCovariance, ShapeMismatch, UnknownAtom

#: Default relative tolerance of the covariance check (symmetry and positive semidefiniteness),
#: relative to the largest entry of the covariance.
COVARIANCE_ATOL = 1e-8

#: Default relative tolerance of the support test of exact conditioning and of the
#: pseudo-inverses of conditionals (see :mod:`markov.gaussian.condition` for its meaning).
CONDITION_TOL = 1e-9


class GaussianKernel:
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
        template = G.template_of([matrix, mean, covariance])
        arrays = [None if a is None else G.as_float(a, template)
                  for a in (matrix, mean, covariance)]
        matrix, mean, covariance = arrays
        n_cod = _infer_n_cod(matrix, mean, covariance, label)
        if matrix is None:
            if len(dom):
                raise ShapeMismatch(f"Gaussian kernel {label}: a kernel with domain {dom} "
                                    "needs a matrix")
            matrix = G.zeros((n_cod, 0), template)
        if mean is None:
            mean = G.zeros((n_cod,), template)
        if covariance is None:
            covariance = G.zeros((n_cod, n_cod), template)
        _check_shapes(matrix, mean, covariance, label)
        dom_dims, cod_dims = _infer_dims(dom, cod, matrix.shape[-1], n_cod, dims, label)
        for attr, value in (("matrix", matrix), ("mean", mean), ("covariance", covariance),
                            ("dom", dom), ("cod", cod), ("dom_dims", dom_dims),
                            ("cod_dims", cod_dims), ("name", name)):
            object.__setattr__(self, attr, value)
        if validate:
            _check_values(self, label, COVARIANCE_ATOL if atol is None else atol)

    def __setattr__(self, key, value):
        raise AttributeError("Gaussian kernels are immutable")

    # ---- constructors ------------------------------------------------------------------

    @staticmethod
    def state(mean: Any, covariance: Any = None, *, cod: Ty | str | Sequence[str],
              dims: Mapping[str, int] | None = None, name: str | None = None,
              validate: bool = True) -> GaussianKernel:
        """The Gaussian distribution ``N(mean, covariance)`` on ``cod`` (a kernel with empty
        domain); ``covariance=None`` is the point mass at ``mean``.

        >>> p = GaussianKernel.state([0.0, 1.0], [[1.0, 0.0], [0.0, 2.0]], cod=("X", "Y"))
        >>> p.dims, p.is_state
        ({'X': 1, 'Y': 1}, True)
        """
        return GaussianKernel(None, mean, covariance, Ty(), cod, dims=dims, name=name,
                              validate=validate)

    @staticmethod
    def deterministic(matrix: Any, mean: Any = None, *, dom: Ty | str | Sequence[str],
                      cod: Ty | str | Sequence[str], dims: Mapping[str, int] | None = None,
                      name: str | None = None) -> GaussianKernel:
        """The deterministic affine map ``x |-> matrix @ x + mean`` (zero covariance).

        >>> f = GaussianKernel.deterministic([[2.0]], [1.0], dom="X", cod="Y")
        >>> f.is_deterministic()
        True
        """
        return GaussianKernel(matrix, mean, None, dom, cod, dims=dims, name=name)

    @staticmethod
    def identity(ty: Ty | str | Sequence[str], dims: Mapping[str, int],
                 like: Any = None) -> GaussianKernel:
        """The identity on ``ty`` (dimensions from ``dims``; torch when ``like`` is a tensor
        or a torch-backed kernel).

        >>> GaussianKernel.identity("X", {"X": 2}).matrix.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return _wiring(as_ty(ty), list(range(len(as_ty(ty)))), dims, like)

    @staticmethod
    def copy(ty: Ty | str | Sequence[str], dims: Mapping[str, int], n: int = 2,
             like: Any = None) -> GaussianKernel:
        """The ``n``-fold copy ``ty -> ty @ ... @ ty``, ``x |-> (x, ..., x)``.

        >>> GaussianKernel.copy("X", {"X": 1}, 3).matrix.tolist()
        [[1.0], [1.0], [1.0]]
        """
        ty = as_ty(ty)
        if n < 0:
            raise ValueError(f"copy takes n >= 0, got {n}")
        return _wiring(ty, list(range(len(ty))) * n, dims, like)

    @staticmethod
    def discard(ty: Ty | str | Sequence[str], dims: Mapping[str, int],
                like: Any = None) -> GaussianKernel:
        """The discard ``ty -> Ty()``, the unique map to ``R^0``.

        >>> GaussianKernel.discard("X", {"X": 2}).matrix.shape
        (0, 2)
        """
        return _wiring(as_ty(ty), [], dims, like)

    @staticmethod
    def swap(a: Ty | str | Sequence[str], b: Ty | str | Sequence[str],
             dims: Mapping[str, int], like: Any = None) -> GaussianKernel:
        """The symmetry ``a @ b -> b @ a``.

        >>> GaussianKernel.swap("X", "Y", {"X": 1, "Y": 1}).matrix.tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        a, b = as_ty(a), as_ty(b)
        k, n = len(a), len(a) + len(b)
        return _wiring(a @ b, [*range(k, n), *range(k)], dims, like)

    @staticmethod
    def permutation(ty: Ty | str | Sequence[str], order: Sequence[int],
                    dims: Mapping[str, int], like: Any = None) -> GaussianKernel:
        """The wiring whose ``i``-th output atom is input atom ``order[i]`` (repeats copy,
        omissions discard).

        >>> GaussianKernel.permutation(("X", "Y"), [1, 1], {"X": 1, "Y": 1}).cod
        Ty('Y', 'Y')
        """
        return _wiring(as_ty(ty), list(order), dims, like)

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
        return "torch" if G.is_torch(self.matrix) else "numpy"

    @property
    def template(self) -> Any:
        """A tensor whose dtype and device new arrays follow (``None`` for numpy).

        >>> GaussianKernel.state([0.0], cod="X").template is None
        True
        """
        return self.matrix if G.is_torch(self.matrix) else None

    def __repr__(self) -> str:
        name = f"{self.name}: " if self.name else ""
        batch = f", batch_shape={self.batch_shape}" if self.batch_shape else ""
        dims = ", ".join(f"{k}={v}" for k, v in self.dims.items())
        return f"<GaussianKernel {name}{self.dom} -> {self.cod} ({dims}){batch}, " \
               f"{self.backend}>"

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

    def _replace(self, matrix: Any, mean: Any, covariance: Any, dom: Ty | None = None,
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
        if not isinstance(other, GaussianKernel):
            raise TypeError(f"cannot compose a Gaussian kernel with {type(other).__name__}")
        if self.cod != other.dom:
            raise TypeMismatch(f"cannot compose: the codomain of {_describe(self)} is "
                               f"{self.cod!r} but the domain of {_describe(other)} is "
                               f"{other.dom!r}")
        _check_dims(self.cod, self.cod_dims, other.dom_dims, _describe(self),
                    _describe(other))
        a, b = _same_backend(self, other)
        matrix = b.matrix @ a.matrix
        mean = G.matvec(b.matrix, a.mean) + b.mean
        covariance = b.matrix @ a.covariance @ G.transpose(b.matrix) + b.covariance
        return a._replace(matrix, mean, G.symmetrize(covariance), a.dom, b.cod, a.dom_dims,
                          b.cod_dims)

    def tensor(self, other: GaussianKernel) -> GaussianKernel:
        """Parallel composition ``self @ other``: block-diagonal matrix and covariance.

        >>> p = GaussianKernel.state([0.0], [[1.0]], cod="X")
        >>> (p @ p).covariance.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        if not isinstance(other, GaussianKernel):
            raise TypeError(f"cannot tensor a Gaussian kernel with {type(other).__name__}")
        a, b = _same_backend(self, other)
        batch = tuple(np.broadcast_shapes(a.batch_shape, b.batch_shape))
        a, b = a.broadcast(batch), b.broadcast(batch)
        t = a.template
        matrix = _block_diag(a.matrix, b.matrix, batch, t)
        covariance = _block_diag(a.covariance, b.covariance, batch, t)
        mean = G.cat([a.mean, b.mean], -1)
        return a._replace(matrix, mean, covariance, a.dom @ b.dom, a.cod @ b.cod,
                          a.dom_dims + b.dom_dims, a.cod_dims + b.cod_dims)

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
        shape = tuple(shape)
        lam, vecs = G.eigh(G.symmetrize(self.covariance))
        root = vecs * (lam * (lam > 0)) ** 0.5
        batch = self.batch_shape
        noise = np.random.default_rng(seed).standard_normal(shape + batch + (self.n_cod,))
        noise = G.as_float(noise, self.template)
        mean = self.mean if inputs is None else \
            self.mean + G.matvec(self.matrix, G.as_float(inputs, self.template))
        return mean + G.matvec(root, noise)

    def to(self, like: Any) -> GaussianKernel:
        """The same kernel in the backend (and dtype, device) of a torch tensor ``like``;
        ``None`` converts to numpy float64.

        >>> GaussianKernel.state([1.0], cod="X").to(None).backend
        'numpy'
        """
        if like is None:
            convert = G.to_numpy
        else:
            template = like.template if isinstance(like, GaussianKernel) else like
            if template is None:
                convert = G.to_numpy
            else:
                def convert(x):
                    return G.as_float(x, template)
        return self._replace(convert(self.matrix), convert(self.mean),
                             convert(self.covariance))


# ---- helpers --------------------------------------------------------------------------

def _describe(kernel: GaussianKernel) -> str:
    return kernel.name or f"the Gaussian kernel {kernel.dom} -> {kernel.cod}"


def _positions(ty: Ty, atoms: Iterable[int | str] | Ty | str) -> list[int]:
    if isinstance(atoms, (str, Ty)):
        atoms = as_ty(atoms).names
    names = list(ty.names)
    out = []
    for a in atoms:
        if isinstance(a, str):
            if a not in names:
                raise UnknownAtom(f"{a} is not in the codomain {ty}")
            out.append(names.index(a))
        else:
            if not -len(names) <= int(a) < len(names):
                raise UnknownAtom(f"position {a} is not in the codomain {ty}")
            out.append(int(a) % len(names))
    return out


def _coordinates(dims: Sequence[int], positions: Sequence[int]) -> list[int]:
    offsets = np.concatenate([[0], np.cumsum(dims)]).astype(int)
    return [i for p in positions for i in range(offsets[p], offsets[p + 1])]


def _infer_n_cod(matrix, mean, covariance, label) -> int:
    for array, axis in ((matrix, -2), (mean, -1), (covariance, -1)):
        if array is not None:
            if array.ndim < (2 if axis == -2 or array is covariance else 1):
                raise ShapeMismatch(f"Gaussian kernel {label}: an array of shape "
                                    f"{tuple(array.shape)} has too few axes")
            return int(array.shape[axis])
    raise ShapeMismatch(f"Gaussian kernel {label}: give at least a matrix, a mean or a "
                        "covariance")


def _check_shapes(matrix, mean, covariance, label) -> None:
    if matrix.ndim < 2 or mean.ndim < 1 or covariance.ndim < 2:
        raise ShapeMismatch(f"Gaussian kernel {label}: the matrix needs axes [*batch, n_cod, "
                            "n_dom], the mean [*batch, n_cod] and the covariance [*batch, "
                            f"n_cod, n_cod]; got shapes {tuple(matrix.shape)}, "
                            f"{tuple(mean.shape)}, {tuple(covariance.shape)}")
    n = matrix.shape[-2]
    if mean.shape[-1] != n or covariance.shape[-2:] != (n, n):
        raise ShapeMismatch(f"Gaussian kernel {label}: the matrix has {n} rows but the mean "
                            f"has shape {tuple(mean.shape)} and the covariance "
                            f"{tuple(covariance.shape)}")
    try:
        np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(mean.shape[:-1]),
                            tuple(covariance.shape[:-2]))
    except ValueError:
        raise ShapeMismatch(f"Gaussian kernel {label}: the batch shapes "
                            f"{tuple(matrix.shape[:-2])}, {tuple(mean.shape[:-1])}, "
                            f"{tuple(covariance.shape[:-2])} do not broadcast") from None


def _infer_dims(dom: Ty, cod: Ty, n_dom: int, n_cod: int, dims: Mapping[str, int] | None,
                label: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per-atom dimensions: given ones from ``dims``; then, on each side, a single unknown
    atom name gets the remaining coordinates, and unknown atoms as many as the remaining
    coordinates get dimension 1 (an inferred dimension is at least 1; a type of dimension 0
    must be given in ``dims``), until nothing changes."""
    known = {k: int(v) for k, v in (dims or {}).items()}
    sides = ((dom, n_dom, "domain"), (cod, n_cod, "codomain"))
    progress = True
    while progress:
        progress = False
        for ty, n, _ in sides:
            unknown = [a for a in ty.names if a not in known]
            if not unknown:
                continue
            rest = n - sum(known[a] for a in ty.names if a in known)
            if rest == len(unknown):
                known.update((a, 1) for a in unknown)
                progress = True
            elif len(set(unknown)) == 1:
                if rest <= 0 or rest % len(unknown):
                    raise ShapeMismatch(f"Gaussian kernel {label}: {n} coordinates cannot be "
                                        f"shared among the atoms of {ty} (known dimensions "
                                        f"{known}; a dimension 0 must be given in dims)")
                known[unknown[0]] = rest // len(unknown)
                progress = True
    for ty, n, side in sides:
        missing = sorted({a for a in ty.names if a not in known})
        if missing:
            raise ShapeMismatch(f"Gaussian kernel {label}: the dimensions of {missing} in the "
                                f"{side} {ty} are not determined by the arrays; pass "
                                f"dims={{{missing[0]!r}: d, ...}}")
        if sum(known[a] for a in ty.names) != n:
            shown = {a: known[a] for a in dict.fromkeys(ty.names)}
            raise ShapeMismatch(f"Gaussian kernel {label}: the {side} {ty} has {n} "
                                f"coordinates but its atoms' dimensions are {shown}")
    return tuple(known[a] for a in dom.names), tuple(known[a] for a in cod.names)


def _check_values(kernel: GaussianKernel, label: str, atol: float) -> None:
    for what, array in (("matrix", kernel.matrix), ("mean", kernel.mean),
                        ("covariance", kernel.covariance)):
        values = G.to_numpy(array)
        if not np.isfinite(values).all():
            index = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
            raise NotCovariance(f"Gaussian kernel {label}: the {what} has the non-finite "
                                f"entry {values[index]} at {index}")
    cov = G.to_numpy(kernel.covariance)
    if cov.shape[-1] == 0:
        return
    scale = np.max(np.abs(cov), axis=(-2, -1), keepdims=True)
    asym = np.abs(cov - np.swapaxes(cov, -1, -2))
    if (asym > atol * scale).any():
        index = tuple(int(i) for i in np.argwhere(asym > atol * scale)[0])
        raise NotCovariance(f"Gaussian kernel {label}: the covariance is not symmetric at "
                            f"{index} (tolerance {atol:g} relative to its largest entry)")
    low = np.linalg.eigvalsh((cov + np.swapaxes(cov, -1, -2)) / 2)[..., 0]
    bad = low < -atol * scale[..., 0, 0]
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()
        where = f" in batch {index}" if index else ""
        raise NotCovariance(f"Gaussian kernel {label}: the covariance has the negative "
                            f"eigenvalue {float(low[index]):.6g}{where} (tolerance {atol:g} "
                            "relative to its largest entry)")


def _check_dims(ty: Ty, left: Sequence[int], right: Sequence[int], a: str, b: str) -> None:
    for atom, m, n in zip(ty.names, left, right):
        if m != n:
            raise ShapeMismatch(f"type {atom} has dimension {m} in {a} but {n} in {b}")


def _same_backend(a: GaussianKernel, b: GaussianKernel) -> tuple[GaussianKernel,
                                                                   GaussianKernel]:
    template = a.template if a.template is not None else b.template
    if template is None:
        return a, b
    return a.to(template), b.to(template)


def _block_diag(x: Any, y: Any, batch: tuple, template: Any) -> Any:
    top = G.cat([x, G.zeros(batch + (x.shape[-2], y.shape[-1]), template)], -1)
    bottom = G.cat([G.zeros(batch + (y.shape[-2], x.shape[-1]), template), y], -1)
    return G.cat([top, bottom], -2)


def _template_of_like(like: Any) -> Any:
    if isinstance(like, GaussianKernel):
        return like.template
    return like if G.is_torch(like) else None


def _wiring(ty: Ty, order: list[int], dims: Mapping[str, int], like: Any) -> GaussianKernel:
    """The deterministic kernel whose ``i``-th output atom is input atom ``order[i]``."""
    for atom in ty.names:
        if atom not in dims:
            raise ShapeMismatch(f"the dimension of type {atom} is not given; pass "
                                f"dims={{{atom!r}: d}}")
    template = _template_of_like(like)
    dom_dims = [int(dims[a]) for a in ty.names]
    for p in order:
        if not 0 <= p < len(ty):
            raise UnknownAtom(f"position {p} is not an atom of {ty}")
    rows = _coordinates(dom_dims, order)
    n = sum(dom_dims)
    matrix = G.take(G.eye(n, template), rows, 0)
    cod = Ty(*(ty.names[p] for p in order))
    return GaussianKernel(matrix, G.zeros((len(rows),), template),
                          G.zeros((len(rows), len(rows)), template), ty, cod,
                          dims=dict(dims), validate=False)


def gaussian_category(dims: Mapping[str, int], like: Any = None) -> Category:
    """The category of Gaussian kernels over atoms of the given dimensions, as a target for
    :class:`diagrams.Functor` (a functor folds the diagram; :func:`interpret_gaussian` is the
    direct route).

    >>> from diagrams import Ty, Box, copy, Functor
    >>> X = Ty("X")
    >>> p = Box("p", Ty(), X)
    >>> F = Functor(ar={p: GaussianKernel.state([0.0], [[1.0]], cod=X)},
    ...             cod=gaussian_category({"X": 1}))
    >>> F(p >> copy(X)).covariance.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return Category(
        unit=Ty(),
        identity=lambda ty: GaussianKernel.identity(ty, dims, like),
        swap=lambda a, b: GaussianKernel.swap(a, b, dims, like),
        copy=lambda ty, n: GaussianKernel.copy(ty, dims, n, like),
        discard=lambda ty: GaussianKernel.discard(ty, dims, like),
    )


def _log_prob(self: GaussianKernel, value: Any, inputs: Any = None, tol: float | None = None
              ) -> Any:
    """The log density of ``value`` (``[*sample, *batch, n_cod]``) at ``inputs``, with respect
    to Lebesgue measure on the support of the covariance (``-inf`` off it); see
    :mod:`markov.gaussian.density`.

    >>> round(float(GaussianKernel.state([0.0], [[1.0]], cod="X").log_prob([1.0])), 6)
    -1.418939
    """
    from markov.gaussian.density import DENSITY_TOL, log_prob

    return log_prob(self, value, inputs, DENSITY_TOL if tol is None else tol)


def _density(self: GaussianKernel, value: Any, inputs: Any = None, tol: float | None = None
             ) -> Any:
    """``exp(log_prob(value, inputs))``; see :mod:`markov.gaussian.density`.

    >>> round(float(GaussianKernel.state([0.0], [[1.0]], cod="X").density([0.0])), 6)
    0.398942
    """
    from markov.gaussian.density import DENSITY_TOL, density

    return density(self, value, inputs, DENSITY_TOL if tol is None else tol)


# Densities are defined in markov.gaussian.density; these are the methods' entry points.
GaussianKernel.log_prob = _log_prob
GaussianKernel.density = _density
