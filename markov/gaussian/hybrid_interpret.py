"""Interpretation of mixed diagrams into hybrid (conditional-Gaussian) kernels.

Boxes may be mapped to a :class:`~markov.Kernel` (or a raw array), a
:class:`~markov.gaussian.GaussianKernel`, a :class:`~markov.gaussian.hybrid.HybridKernel`, or,
for a box ``dom -> Ty()`` on continuous wires, a
:class:`~markov.gaussian.condition.GaussianCondition` (an observation or equation).

The boxes are folded in topological order keeping one joint CG kernel over the live wires:
a table with one axis per live discrete wire (the contraction over the discrete indices: a
copy is a shared axis, a discard a summed one), and a joint Gaussian over the live
continuous wires (an affine function of the diagram's continuous inputs plus noise) batched
over those discrete axes it depends on (the others have size 1). A discrete wire leaves
after its last use: it is summed out when no live continuous wire depends on it, and
otherwise kept as a **mixture component** axis (a discrete variable that is marginalised
gives a mixture, kept as such). A condition box multiplies the table by the density of the
conditioned combination in each configuration (the density on the support of its
covariance: where supports have different dimensions, only the configurations with the
lowest-dimensional support that holds the observation keep weight, which is the limit of
densities on a common space) and conditions each Gaussian exactly. The result is normalised.

>>> from diagrams import Ty, Box, copy, identity
>>> from markov.kernel import Kernel
>>> from markov.gaussian.kernel import GaussianKernel
>>> C, X = Ty("C"), Ty("X")
>>> c, x = Box("c", Ty(), C), Box("x", C, X)
>>> k = interpret_hybrid(c >> copy(C) >> (identity(C) @ x),
...     {c: Kernel.state([0.5, 0.5], cod=C),
...      x: HybridKernel.indexed(GaussianKernel.state([[-1.0], [1.0]], [[1.0]], cod=X), by=C)})
>>> k.cod, k.weights.tolist(), k.gaussian.mean[..., 0].tolist()
(Ty('C', 'X'), [[0.5], [0.5]], [[-1.0], [1.0]])
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from diagrams import Box, Category, Diagram, Ty
from diagrams import diagram as _wires
from markov.arrays import gaussian as G
from markov.contraction.interpret import HybridValue
from markov.contraction.interpret import interpret as _interpret_finite
from markov.errors import (
    MissingBox,
    NotConditionalGaussian,
    ShapeMismatch,
)
from markov.gaussian.condition import GaussianCondition
from markov.gaussian.hybrid import HybridKernel
from markov.gaussian.hybrid_fold import Fold
from markov.gaussian.interpret import _live_boxes
from markov.gaussian.kernel import GaussianKernel
from markov.kernel import Kernel


def interpret_hybrid(diagram: Diagram | Box, mapping: Mapping, *,
                     sizes: Mapping[str, int] | None = None,
                     dims: Mapping[str, int] | None = None, like: Any = None) -> HybridKernel:
    """The hybrid kernel a mixed diagram denotes (see the module docstring).

    ``mapping`` is keyed by boxes or box names; ``sizes`` (discrete) and ``dims``
    (continuous) give the types no box determines. Batch shapes broadcast; torch tensors keep
    dtype and device. A type that is continuous in one box and discrete in another (a finite
    kernel fed a continuous wire) raises :class:`~markov.errors.NotConditionalGaussian`.

    >>> from diagrams import Ty, Box
    >>> from markov.kernel import Kernel
    >>> X, C = Ty("X"), Ty("C")
    >>> x, f = Box("x", Ty(), X), Box("f", X, C)
    >>> interpret_hybrid(x >> f, {x: GaussianKernel.state([0.0], [[1.0]], cod=X),
    ...                           f: Kernel([[0.5, 0.5]], dom="X", cod="C")})
    Traceback (most recent call last):
    ...
    markov.errors.NotConditionalGaussian: type X is continuous (box x) but box f maps it to the discrete C: a kernel from a continuous to a discrete variable is not conditional Gaussian (CG kernels are not closed under it); observe X instead: its density weights the discrete variables
    """
    d = diagram.to_diagram() if isinstance(diagram, Box) else diagram
    live = _live_boxes(d)
    values = {j: _lookup(mapping, d.boxes[j]) for j in live}
    kind = _kinds(d, values, sizes, dims)
    template = G.template_of([_template(v) for v in values.values()]
                             + [like.template if isinstance(like, (HybridKernel,
                                                                   GaussianKernel)) else like])
    if template is not None:
        values = {j: v.to(template) if isinstance(v, HybridKernel) else v
                  for j, v in values.items()}
    return Fold(d, values, kind, template).run(live)


@functools.wraps(_interpret_finite)
def interpret(diagram: Diagram | Box, mapping: Mapping, **options: Any) -> Any:
    """``markov.interpret``: one contraction into a :class:`~markov.Kernel`
    (:func:`markov.contraction.interpret.interpret`), or, when a box is mapped to a
    Gaussian kernel, a hybrid kernel or a Gaussian condition, :func:`interpret_hybrid`
    (``sizes`` and ``like`` are passed on); the result is then a :class:`HybridKernel`.

    >>> from diagrams import Ty, Box
    >>> from markov.kernel import Kernel
    >>> c, x = Box("c", Ty(), Ty("C")), Box("x", Ty(), Ty("X"))
    >>> interpret(c @ x, {c: Kernel.state([0.5, 0.5], cod="C"),
    ...                   x: GaussianKernel.state([0.0], [[1.0]], cod="X")}).cod
    Ty('C', 'X')
    """
    try:
        return _interpret_finite(diagram, mapping, **options)
    except HybridValue:
        return interpret_hybrid(diagram, mapping, sizes=options.get("sizes"),
                                like=options.get("like"))


def _template(value: Any) -> Any:
    if isinstance(value, HybridKernel):
        return value.template
    return G.template_of([value.matrix, value.value])


def _lookup(mapping: Mapping, box: Box) -> HybridKernel | GaussianCondition:
    if box in mapping:
        value = mapping[box]
    elif box.name in mapping:
        value = mapping[box.name]
    else:
        raise MissingBox(f"box {box.name}: {box.dom} -> {box.cod} has no kernel in the mapping")
    if isinstance(value, GaussianCondition):
        if len(box.cod) or len(value.dom) != len(box.dom):
            raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} is mapped to a "
                                f"condition on {value.dom}; conditions are effects "
                                f"{len(value.dom)} wires -> I")
        return value
    if not isinstance(value, (Kernel, GaussianKernel, HybridKernel)):
        value = Kernel(value, box.dom, box.cod, name=box.name)
    value = HybridKernel.embed(value)
    if len(value.dom) != len(box.dom) or len(value.cod) != len(box.cod):
        raise ShapeMismatch(f"box {box.name}: {box.dom} -> {box.cod} is mapped to a kernel "
                            f"{value.dom} -> {value.cod}")
    return value


def _kinds(d: Diagram, values: Mapping[int, Any], sizes, dims) -> dict[str, tuple[str, int]]:
    """Each type name: ``("discrete", size)`` or ``("continuous", dimension)``."""
    kind: dict[str, tuple[str, int]] = {}
    where: dict[str, str] = {}
    for k, v in (sizes or {}).items():
        kind[k], where[k] = ("discrete", int(v)), "the sizes argument"
    for k, v in (dims or {}).items():
        kind.setdefault(k, ("continuous", int(v)))
        where.setdefault(k, "the dims argument")
    for j, value in values.items():
        box = d.boxes[j]
        if isinstance(value, GaussianCondition):
            atoms = list(zip(box.dom.names, (("continuous", n) for n in value.dom_dims)))
        else:
            local = value.sizes
            types = list(zip(value.dom.names, box.dom.names)) + \
                list(zip(value.cod.names, box.cod.names))
            atoms = [(ty, ("discrete", local[own]) if own in local
                      else ("continuous", value.dims[own])) for own, ty in types]
        for ty, k in atoms:
            old = kind.setdefault(ty, k)
            if old[0] != k[0]:
                _refuse(ty, old, where[ty], box, value)
            if old[1] != k[1]:
                raise ShapeMismatch(f"type {ty} has {'size' if k[0] == 'discrete' else 'dimension'} "
                                    f"{old[1]} in {where[ty]} but {k[1]} in box {box.name}")
            where.setdefault(ty, f"box {box.name}")
    for ty in d.wires:
        if ty not in kind:
            raise ShapeMismatch(f"the size or dimension of type {ty} is not fixed by any box; "
                                f"pass sizes={{{ty!r}: n}} or dims={{{ty!r}: d}}")
    return kind


def _refuse(ty: str, old: tuple, where: str, box: Box, value: Any) -> None:
    if old[0] == "continuous" and ty in box.dom.names and len(box.cod):
        raise NotConditionalGaussian(
            f"type {ty} is continuous ({where}) but box {box.name} maps it to the discrete "
            f"{', '.join(box.cod.names)}: a kernel from a continuous to a discrete variable is "
            "not conditional Gaussian (CG kernels are not closed under it); observe "
            f"{ty} instead: its density weights the discrete variables")
    raise ShapeMismatch(f"type {ty} is {old[0]} in {where} but box {box.name} treats it as "
                        f"{'discrete' if old[0] == 'continuous' else 'continuous'}")


def hybrid_category(sizes: Mapping[str, int], dims: Mapping[str, int],
                    like: Any = None) -> Category:
    """The category of hybrid kernels over discrete atoms of the given ``sizes`` and
    continuous atoms of the given ``dims``, as a target for :class:`diagrams.Functor` (a
    functor folds the diagram box by box; :func:`interpret_hybrid` is the direct route).

    >>> from diagrams import Ty, Box, copy, Functor
    >>> from markov.kernel import Kernel
    >>> C = Ty("C")
    >>> p = Box("p", Ty(), C)
    >>> F = Functor(ar={p: Kernel.state([0.5, 0.5], cod=C)},
    ...             cod=hybrid_category({"C": 2}, {}))
    >>> F(p >> copy(C)).weights[..., 0].tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    def wiring(d: Diagram) -> HybridKernel:
        return interpret_hybrid(d, {}, sizes=sizes, dims=dims, like=like)

    return Category(
        unit=Ty(),
        identity=lambda ty: wiring(_wires.identity(ty)),
        swap=lambda a, b: wiring(_wires.swap(a, b)),
        copy=lambda ty, n: wiring(_wires.copy(ty, n)),
        discard=lambda ty: wiring(_wires.discard(ty)),
    )


__all__ = ["hybrid_category", "interpret", "interpret_hybrid"]
