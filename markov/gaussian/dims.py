"""Shapes and dimensions of Gaussian kernels: reading the arrays given to
:class:`~markov.gaussian.kernel.GaussianKernel`, inferring each atom's dimension, and the
checks that name the kernel at fault (shapes, dimensions, symmetric positive semidefinite
covariances).

>>> arrays, dom_dims, cod_dims = read_arrays([[1.0, 2.0]], [0.5], None, dom=Ty("X", "Z"),
...                                          cod=Ty("Y"), dims=None, label="f")
>>> dom_dims, cod_dims, arrays[2].tolist()
((1, 1), (1,), [[0.0]])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from diagrams import Ty, as_ty
from markov.arrays import gaussian as G
from markov.errors import NotCovariance, ShapeMismatch, UnknownAtom


def read_arrays(matrix: Any, mean: Any, covariance: Any, *, dom: Ty, cod: Ty,
                dims: Mapping[str, int] | None, label: str) -> tuple[tuple, tuple, tuple]:
    """The three arrays as floats of one backend (missing ones filled: no domain, zero
    mean, zero covariance), checked against each other, and the atoms' dimensions:
    ``((matrix, mean, covariance), dom_dims, cod_dims)``. Raises
    :class:`~markov.errors.ShapeMismatch` naming ``label``.

    >>> read_arrays(None, None, None, dom=Ty(), cod=Ty("X"), dims=None, label="p")
    Traceback (most recent call last):
    ...
    markov.errors.ShapeMismatch: Gaussian kernel p: give at least a matrix, a mean or a covariance
    """
    template = G.template_of([matrix, mean, covariance])
    matrix, mean, covariance = (None if a is None else G.as_float(a, template)
                                for a in (matrix, mean, covariance))
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
    dom_dims, cod_dims = _infer_dims(dom, cod, matrix.shape[-1], n_cod, dims, label=label)
    return (matrix, mean, covariance), dom_dims, cod_dims


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


def _infer_dims(dom: Ty, cod: Ty, n_dom: int, n_cod: int, dims: Mapping[str, int] | None, *,
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


def _check_values(kernel: Any, label: str, atol: float) -> None:
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
