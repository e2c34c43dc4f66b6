"""Hybrid kernels: conditional-Gaussian (CG) kernels between discrete and continuous variables
(Lauritzen 1992; Lauritzen & Jensen 2001).

A :class:`HybridKernel` ``dom -> cod`` has discrete atoms (finite sizes, as in
:class:`~markov.Kernel`) and continuous atoms (real vectors, as in
:class:`~markov.gaussian.GaussianKernel`) on both sides. For each configuration ``i`` of the
discrete inputs it gives a finite mixture: weights ``w[i, j, k]`` over the configurations ``j``
of the discrete outputs and the components ``k`` of the mixture, and for each ``(i, j, k)`` a
linear-Gaussian kernel from the continuous inputs to the continuous outputs.

Arrays, batch axes leading:

- ``weights``: ``[*batch, *discrete dom, *discrete cod, K]``, summing to 1 over the discrete
  codomain axes and the last axis ``K`` (the mixture components; ``K = 1`` is a plain CG
  kernel, ``K > 1`` a mixture kept as a mixture, e.g. after a discrete parent is marginalised);
- ``gaussian``: a :class:`~markov.gaussian.GaussianKernel` from the continuous domain atoms to
  the continuous codomain atoms whose batch shape broadcasts against ``weights.shape`` (its
  axes of size 1 say the Gaussian does not depend on that discrete variable).

The directions CG allows are built in: discrete -> discrete is a table, discrete -> continuous
a batch of linear-Gaussian kernels indexed by the discrete parents, and the weights never
depend on continuous inputs. Continuous -> discrete exists only as evidence (a density, see
:mod:`markov.gaussian.hybrid_inference`); anything else raises
:class:`~markov.errors.NotConditionalGaussian`. :meth:`HybridKernel.embed` embeds
:class:`~markov.Kernel` (exact arrays become float64) and
:class:`~markov.gaussian.GaussianKernel`.

>>> from markov.gaussian.kernel import GaussianKernel
>>> f = HybridKernel.indexed(GaussianKernel.state([[0.0], [5.0]], [[1.0]], cod="X"),
...                          by="C", sizes={"C": 2})
>>> prior = HybridKernel.embed(Kernel.state([0.25, 0.75], cod="C"))
>>> mix = prior >> f
>>> mix.cod, mix.n_components, mix.weights.tolist()
(Ty('X'), 2, [0.25, 0.75])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from diagrams import Box, Diagram, Ty, as_ty
from markov.arrays import backend as B
from markov.arrays import gaussian as G
from markov.errors import NotConditionalGaussian, ShapeMismatch, UnknownAtom
from markov.gaussian.hybrid_constructors import HybridConstructors
from markov.gaussian.kernel import GaussianKernel, _positions
from markov.kernel import Kernel


class HybridKernel(HybridConstructors):
    """A (batch of) conditional-Gaussian kernels: mixture weights over the discrete outputs
    and components, a linear-Gaussian kernel per configuration (see the module docstring).

    ``gaussian`` defaults to the kernel between no continuous atoms (a purely discrete
    kernel). Atoms of ``dom``/``cod`` that ``gaussian`` has are continuous, the others
    discrete, with sizes read off ``weights``.

    >>> g = GaussianKernel([[[1.0]], [[-1.0]]], [[0.0], [0.0]], [[[1.0]], [[1.0]]],
    ...                    dom="X", cod="Y")
    >>> k = HybridKernel(np.ones((2, 1)), GaussianKernel(g.matrix[:, None], g.mean[:, None],
    ...                  g.covariance[:, None], dom="X", cod="Y"), dom=("D", "X"), cod="Y")
    >>> k.discrete_dom, k.continuous_dom, k.sizes, k.dims
    (Ty('D'), Ty('X'), {'D': 2}, {'X': 1, 'Y': 1})
    >>> HybridKernel(np.array([0.5, 0.6])[:, None], cod="C", name="p")
    Traceback (most recent call last):
    ...
    markov.errors.NotStochastic: kernel p: row () sums to 1.1, not 1
    """

    __slots__ = ("cod", "dom", "gaussian", "name", "weights")

    def __init__(self, weights: Any, gaussian: GaussianKernel | None = None,
                 dom: Ty | str | Sequence[str] = (), cod: Ty | str | Sequence[str] = (), *,
                 name: str | None = None, validate: bool = True):
        dom, cod = as_ty(dom), as_ty(cod)
        label = name or f"{dom} -> {cod}"
        if gaussian is None:
            gaussian = GaussianKernel(np.zeros((0, 0)), validate=False)
        template = G.template_of([weights, gaussian.template])
        weights = G.as_float(weights, template)
        if template is not None:
            gaussian = gaussian.to(template)
        cont = set(gaussian.dims)
        for side, ty, sub in (("domain", dom, gaussian.dom), ("codomain", cod, gaussian.cod)):
            if Ty(*(a for a in ty.names if a in cont)) != sub:
                raise ShapeMismatch(f"hybrid kernel {label}: the continuous atoms of the "
                                    f"{side} {ty} must be those of the Gaussian part, {sub}, "
                                    "in the same order")
        n_disc = sum(a not in cont for a in (dom @ cod).names)
        if weights.ndim < n_disc + 1:
            raise ShapeMismatch(f"hybrid kernel {label}: weights of shape "
                                f"{tuple(weights.shape)} need axes [*batch, *discrete dom, "
                                f"*discrete cod, K] ({n_disc + 1} at least)")
        try:
            np.broadcast_shapes(tuple(weights.shape), gaussian.batch_shape)
        except ValueError:
            raise ShapeMismatch(f"hybrid kernel {label}: the Gaussian part's batch shape "
                                f"{gaussian.batch_shape} does not broadcast against the "
                                f"weights' shape {tuple(weights.shape)}") from None
        for attr, value in (("weights", weights), ("gaussian", gaussian), ("dom", dom),
                            ("cod", cod), ("name", name)):
            object.__setattr__(self, attr, value)
        sizes: dict[str, int] = {}
        for atom, size in zip(self.discrete_dom.names + self.discrete_cod.names,
                              weights.shape[weights.ndim - n_disc - 1:-1]):
            if sizes.setdefault(atom, int(size)) != size:
                raise ShapeMismatch(f"hybrid kernel {label}: type {atom} has sizes "
                                    f"{sizes[atom]} and {size} on two axes")
        if validate:
            B.check_stochastic(weights, len(self.discrete_cod) + 1, label)

    def __setattr__(self, key, value):
        raise AttributeError("hybrid kernels are immutable")

    # ---- shapes ------------------------------------------------------------------------

    @property
    def discrete_dom(self) -> Ty:
        """The discrete atoms of the domain, in order.

        >>> HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D")).discrete_dom
        Ty('C')
        """
        cont = self.gaussian.dom.names
        return Ty(*(a for a in self.dom.names if a not in cont))

    @property
    def discrete_cod(self) -> Ty:
        """The discrete atoms of the codomain, in order.

        >>> HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C")).discrete_cod
        Ty('C')
        """
        cont = self.gaussian.cod.names
        return Ty(*(a for a in self.cod.names if a not in cont))

    @property
    def continuous_dom(self) -> Ty:
        """The continuous atoms of the domain (those of the Gaussian part).

        >>> HybridKernel.embed(GaussianKernel.identity("X", {"X": 1})).continuous_dom
        Ty('X')
        """
        return self.gaussian.dom

    @property
    def continuous_cod(self) -> Ty:
        """The continuous atoms of the codomain.

        >>> HybridKernel.embed(GaussianKernel.state([0.0], cod="X")).continuous_cod
        Ty('X')
        """
        return self.gaussian.cod

    @property
    def n_components(self) -> int:
        """The number ``K`` of mixture components per discrete configuration.

        >>> HybridKernel.embed(GaussianKernel.state([0.0], cod="X")).n_components
        1
        """
        return int(self.weights.shape[-1])

    @property
    def n_discrete(self) -> int:
        """The number of discrete axes (domain and codomain) of ``weights``.

        >>> HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D")).n_discrete
        2
        """
        return len(self.discrete_dom) + len(self.discrete_cod)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The leading batch shape (weights and Gaussian part broadcast).

        >>> HybridKernel.embed(Kernel.state(np.full((4, 2), 0.5), cod="C")).batch_shape
        (4,)
        """
        shape = np.broadcast_shapes(tuple(self.weights.shape), self.gaussian.batch_shape)
        return tuple(shape[:len(shape) - self.n_discrete - 1])

    @property
    def sizes(self) -> dict[str, int]:
        """The size of each discrete atom.

        >>> HybridKernel.embed(Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D")).sizes
        {'C': 2, 'D': 2}
        """
        atoms = self.discrete_dom.names + self.discrete_cod.names
        shape = self.weights.shape
        return dict(zip(atoms, (int(s) for s in shape[len(shape) - len(atoms) - 1:-1])))

    @property
    def dims(self) -> dict[str, int]:
        """The dimension of each continuous atom.

        >>> HybridKernel.embed(GaussianKernel.state([0.0, 0.0], cod="X")).dims
        {'X': 2}
        """
        return self.gaussian.dims

    @property
    def is_state(self) -> bool:
        """Whether the domain is empty.

        >>> HybridKernel.embed(Kernel.state([1.0], cod="C")).is_state
        True
        """
        return len(self.dom) == 0

    @property
    def backend(self) -> str:
        """``"numpy"`` or ``"torch"``.

        >>> HybridKernel.embed(Kernel.state([1.0], cod="C")).backend
        'numpy'
        """
        return G.backend_of(self.weights)

    @property
    def template(self) -> Any:
        """A tensor whose dtype and device new arrays follow (``None`` for numpy).

        >>> HybridKernel.embed(Kernel.state([1.0], cod="C")).template is None
        True
        """
        return G.template_of([self.weights])

    def __repr__(self) -> str:
        name = f"{self.name}: " if self.name else ""
        batch = f", batch_shape={self.batch_shape}" if self.batch_shape else ""
        mix = f", {self.n_components} components" if self.n_components > 1 else ""
        return (f"<HybridKernel {name}{self.dom} -> {self.cod} (discrete {self.sizes}, "
                f"continuous {self.dims}){mix}{batch}, {self.backend}>")

    def box(self, name: str | None = None) -> Box:
        """A box of this kernel's type.

        >>> HybridKernel.embed(Kernel.state([1.0], cod="C"), ).box("p")
        Box('p', Ty(), Ty('C'))
        """
        return Box(name or self.name or "k", self.dom, self.cod)

    def to(self, like: Any) -> HybridKernel:
        """The same kernel in the backend of a tensor (or kernel) ``like``; ``None``: numpy.

        >>> HybridKernel.embed(Kernel.state([1.0], cod="C")).to(None).backend
        'numpy'
        """
        t = like.template if isinstance(like, (HybridKernel, GaussianKernel)) else like
        weights = G.to_numpy(self.weights) if t is None else G.as_float(self.weights, t)
        return _raw(weights, self.gaussian.to(t), self.dom, self.cod)

    # ---- structure ---------------------------------------------------------------------

    def then(self, other: Kernel | GaussianKernel | HybridKernel) -> HybridKernel:
        """Composition ``self >> other`` (each is embedded first).

        >>> p = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
        >>> (p >> Kernel([[1.0, 0.0], [0.0, 1.0]], "C", "D")).cod
        Ty('D')
        """
        other = HybridKernel.embed(other)
        a, b = Box("0", self.dom, self.cod), Box("1", other.dom, other.cod)
        return _run(a >> b, {a: self, b: other})

    def tensor(self, other: Kernel | GaussianKernel | HybridKernel) -> HybridKernel:
        """Parallel composition ``self @ other``.

        >>> p = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
        >>> (p @ GaussianKernel.state([0.0], [[1.0]], cod="X")).cod
        Ty('C', 'X')
        """
        other = HybridKernel.embed(other)
        a, b = Box("0", self.dom, self.cod), Box("1", other.dom, other.cod)
        return _run(a @ b, {a: self, b: other})

    def __rshift__(self, other: Any) -> HybridKernel:
        if not isinstance(other, (Kernel, GaussianKernel, HybridKernel)):
            return NotImplemented
        return self.then(other)

    def __rrshift__(self, other: Any) -> HybridKernel:
        if not isinstance(other, (Kernel, GaussianKernel)):
            return NotImplemented
        return HybridKernel.embed(other).then(self)

    def __matmul__(self, other: Any) -> HybridKernel:
        if not isinstance(other, (Kernel, GaussianKernel, HybridKernel)):
            return NotImplemented
        return self.tensor(other)

    def __rmatmul__(self, other: Any) -> HybridKernel:
        if not isinstance(other, (Kernel, GaussianKernel)):
            return NotImplemented
        return HybridKernel.embed(other).tensor(self)

    def positions(self, atoms: Iterable[int | str] | Ty | str) -> list[int]:
        """Positions in the codomain of atoms given by name or position.

        >>> HybridKernel.embed(Kernel.state([[0.5, 0.5], [0.0, 0.0]], cod=("C", "D"))).positions("D")
        [1]
        """
        return _positions(self.cod, atoms)

    def select(self, positions: Sequence[int]) -> HybridKernel:
        """The kernel whose ``i``-th output is output ``positions[i]`` (repeats copy,
        omissions marginalise: a discrete atom the Gaussian part depends on becomes mixture
        components, never collapsed).

        >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
        ...                        discrete="C", continuous="X")
        >>> p.select([1]).n_components, p.select([0]).weights.tolist()
        (2, [[0.5], [0.5]])
        """
        for p in positions:
            if not 0 <= int(p) < len(self.cod):
                raise UnknownAtom(f"position {p} is not in the codomain {self.cod}")
        box = self.box("0")
        wiring = Diagram(self.cod.names, (), (), (), range(len(self.cod)),
                         [int(p) for p in positions])
        return _run(box >> wiring, {box: self})

    def marginal(self, keep: Iterable[int | str] | Ty | str) -> HybridKernel:
        """Keep the codomain atoms ``keep`` (names or positions, in that order); the others
        are marginalised (a mixture stays a mixture; see :func:`collapse`).

        >>> p = HybridKernel.state([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
        ...                        discrete="C", continuous="X")
        >>> p.marginal("C").weights.tolist()
        [[0.5], [0.5]]
        """
        return self.select(self.positions(keep))

    def allclose(self, other: HybridKernel, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
        """Whether two kernels of the same type have close weights and, wherever a weight is
        positive, close Gaussian parts (component by component).

        >>> p = HybridKernel.embed(Kernel.state([0.5, 0.5], cod="C"))
        >>> p.allclose(p), p.allclose(HybridKernel.embed(Kernel.state([0.4, 0.6], cod="C")))
        (True, False)
        """
        if not isinstance(other, HybridKernel) or self.dom != other.dom \
                or self.cod != other.cod or self.dims != other.dims:
            return False
        w1, w2 = G.to_numpy(self.weights), G.to_numpy(other.weights)
        try:
            if not np.allclose(w1, w2, rtol=rtol, atol=atol):
                return False
            shape = np.broadcast_shapes(w1.shape, w2.shape)
            live = np.broadcast_to(np.maximum(w1, w2) > atol, shape)
            for name, extra in (("matrix", 2), ("mean", 1), ("covariance", 2)):
                x = G.to_numpy(getattr(self.gaussian, name))
                y = G.to_numpy(getattr(other.gaussian, name))
                tail = np.broadcast_shapes(x.shape[-extra:], y.shape[-extra:])
                x, y = (np.broadcast_to(a, shape + tail) for a in (x, y))
                if not np.allclose(x[live], y[live], rtol=rtol, atol=atol):
                    return False
        except ValueError:  # shapes that do not broadcast
            return False
        return True


def _raw(weights: Any, gaussian: GaussianKernel, dom: Ty, cod: Ty) -> HybridKernel:
    """A hybrid kernel built without checks (the caller guarantees them)."""
    new = object.__new__(HybridKernel)
    for attr, value in (("weights", weights), ("gaussian", gaussian), ("dom", dom),
                        ("cod", cod), ("name", None)):
        object.__setattr__(new, attr, value)
    return new


def _run(diagram: Diagram, mapping: dict) -> HybridKernel:
    from markov.gaussian.hybrid_interpret import interpret_hybrid

    sizes = {a: s for k in mapping.values() for a, s in k.sizes.items()}
    dims = {a: s for k in mapping.values() for a, s in k.dims.items()}
    return interpret_hybrid(diagram, mapping, sizes=sizes, dims=dims)


def refuse_continuous_to_discrete(what: str, continuous: Sequence[str],
                                  discrete: Sequence[str]) -> None:
    """Raise :class:`~markov.errors.NotConditionalGaussian` for an operation that would
    make discrete variables depend on continuous ones.

    >>> refuse_continuous_to_discrete("the conditional", ["X"], ["C"])
    Traceback (most recent call last):
    ...
    markov.errors.NotConditionalGaussian: the conditional would be a kernel from the continuous X to the discrete C, which is not conditional Gaussian (CG kernels are not closed under continuous -> discrete dependence); observe X at values instead: its density weights C
    """
    cont, disc = ", ".join(continuous), ", ".join(discrete)
    raise NotConditionalGaussian(
        f"{what} would be a kernel from the continuous {cont} to the discrete {disc}, which "
        "is not conditional Gaussian (CG kernels are not closed under continuous -> discrete "
        f"dependence); observe {cont} at values instead: its density weights {disc}")


__all__ = ["HybridKernel", "refuse_continuous_to_discrete"]
