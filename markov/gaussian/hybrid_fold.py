"""The fold behind :func:`~markov.gaussian.hybrid_interpret.interpret_hybrid`: the running
joint CG kernel over a diagram's live wires, one box at a time (see that module's docstring
for what each step does).

>>> lowest_rank(np.array([0.0, -1.0]), np.array([1.0, 0.0]), [0], [], 0).tolist()
[-inf, -1.0]
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from diagrams import Diagram, Ty
from markov.arrays import gaussian as G
from markov.arrays import hybrid as H
from markov.errors import NotConditionalGaussian, ShapeMismatch, ZeroProbabilityEvidence
from markov.gaussian.condition import GaussianCondition, condition_affine
from markov.gaussian.density import log_density
from markov.gaussian.hybrid import HybridKernel, _raw
from markov.gaussian.interpret import _rows
from markov.gaussian.kernel import GaussianKernel


def _letters(n: int) -> str:
    if n > len(string.ascii_letters):
        raise ShapeMismatch(f"a step of the hybrid interpretation needs {n} discrete axes; "
                            f"at most {len(string.ascii_letters)} are supported")
    return string.ascii_letters[:n]


def _align(x: Any, nb: int, local: Sequence[Any], target: Sequence[Any], trailing: int) -> Any:
    """``x`` with axes ``[*batch(nb), *local, *trailing]`` rearranged to ``[*batch,
    *target, *trailing]``: an axis of size 1 counts as absent (broadcast), repeated local
    keys take diagonals, target keys absent from ``local`` get size 1."""
    present, keys = [], []
    shape = list(x.shape)
    squeeze = []
    for i, key in enumerate(local):
        if shape[nb + i] == 1:
            squeeze.append(nb + i)
        else:
            keys.append(key)
    if squeeze:
        x = H.reshape(x, [s for i, s in enumerate(shape) if i not in squeeze])
    unique = list(dict.fromkeys(keys))
    letters = dict(zip(unique, _letters(len(unique) + trailing)))
    tail = _letters(len(unique) + trailing)[len(unique):]
    present = [k for k in target if k in letters]
    src = "".join(letters[k] for k in keys) + tail
    dst = "".join(letters[k] for k in present) + tail
    if src != dst:
        x = H.einsum(f"...{src}->...{dst}", x)
    sizes = dict(zip(present, x.shape[x.ndim - trailing - len(present):x.ndim - trailing]))
    lead = list(x.shape[:x.ndim - trailing - len(present)])
    return H.reshape(x, lead + [sizes.get(k, 1) for k in target]
                     + list(x.shape[x.ndim - trailing:]))


class Fold:
    """The running joint of one interpretation (see the module docstring)."""

    def __init__(self, d: Diagram, values: dict, kind: dict, template: Any):
        self.d, self.values, self.kind, self.t = d, values, kind, template
        shapes = [v.batch_shape if isinstance(v, HybridKernel) else
                  tuple(np.broadcast_shapes(tuple(v.matrix.shape[:-2]),
                                            tuple(v.value.shape[:-1]))) for v in values.values()]
        try:
            self.batch = tuple(np.broadcast_shapes(*shapes)) if shapes else ()
        except ValueError:
            raise ShapeMismatch(f"batch shapes do not broadcast: {shapes}") from None
        self.nb = len(self.batch)
        self.disc = [kind[ty][0] == "discrete" for ty in d.wires]
        self.dim = [0 if self.disc[w] else kind[ty][1] for w, ty in enumerate(d.wires)]

    # ---- the fold ---------------------------------------------------------------------

    def run(self, live: list[int]) -> HybridKernel:
        d, t, _nb = self.d, self.t, self.nb
        self.last_use = {w: -1 for w in range(len(d.wires))}
        for j in live:
            for w in d.box_inputs[j]:
                self.last_use[w] = j
        self.final = set(d.outputs)
        self.inputs = [w for w in d.inputs if self.disc[w]]
        self.axes = list(self.inputs)
        self.size = {w: self.kind[d.wires[w]][1] for w in self.inputs}
        self.weights = H.ones(self.batch + tuple(self.size[w] for w in self.axes), t)
        self.order = [w for w in d.inputs if not self.disc[w]]
        n_in = sum(self.dim[w] for w in self.order)
        pad = self.batch + (1,) * len(self.axes)
        self.matrix = G.broadcast_to(G.eye(n_in, t), pad + (n_in, n_in))
        self.mean = G.zeros(pad + (n_in,), t)
        self.cov = G.zeros(pad + (n_in, n_in), t)
        self.deps = {w: set() for w in self.order}
        self.drop(-1)
        for j in live:
            if isinstance(self.values[j], GaussianCondition):
                self.condition(j)
            else:
                self.apply(j)
            self.drop(j)
        return self.result()

    def apply(self, j: int) -> None:
        d, nb = self.d, self.nb
        k: HybridKernel = self.values[j]
        ins, outs = d.box_inputs[j], d.box_outputs[j]
        din = [w for w in ins if self.disc[w]]
        cin = [w for w in ins if not self.disc[w]]
        dout = [w for w in outs if self.disc[w]]
        cout = [w for w in outs if not self.disc[w]]
        hidden = [("component", j)] if k.n_components > 1 else []
        new = dout + hidden
        for w in dout:
            self.size[w] = self.kind[d.wires[w]][1]
        if hidden:
            self.size[hidden[0]] = k.n_components
        target = self.axes + new
        local = din + dout + [("component", j)]
        nl = k.n_discrete + 1
        w = self._pad(k.weights, 0, nl)
        self.weights = self.weights[(...,) + (None,) * len(new)] * \
            _align(w, nb, local, target, 0)
        grow = (None,) * len(new)
        self.matrix = self.matrix[(Ellipsis,) + grow + (slice(None),) * 2]
        self.mean = self.mean[(Ellipsis,) + grow + (slice(None),)]
        self.cov = self.cov[(Ellipsis,) + grow + (slice(None),) * 2]
        self.axes = target
        if not cout:
            return
        g = k.gaussian
        a = _align(self._pad(g.matrix, 2, nl), nb, local, target, 2)
        b = _align(self._pad(g.mean, 1, nl), nb, local, target, 1)
        s = _align(self._pad(g.covariance, 2, nl), nb, local, target, 2)
        rows = _rows(self.order, self.dim, cin)
        rows_cov = G.take(self.cov, rows, -2)
        new_matrix = a @ G.take(self.matrix, rows, -2)
        new_mean = G.matvec(a, G.take(self.mean, rows, -1)) + b
        cross = a @ rows_cov
        new_cov = G.symmetrize(a @ G.take(rows_cov, rows, -1) @ G.transpose(a) + s)
        shape = tuple(np.broadcast_shapes(tuple(self.cov.shape[:-2]), tuple(new_cov.shape[:-2]),
                                          tuple(cross.shape[:-2]), tuple(a.shape[:-2]),
                                          tuple(new_mean.shape[:-1]),
                                          tuple(self.mean.shape[:-1])))
        n, m, p = self.cov.shape[-1], new_cov.shape[-1], self.matrix.shape[-1]

        def full(x, tail):
            return G.broadcast_to(x, shape + tail)

        self.matrix = G.cat([full(self.matrix, (n, p)), full(new_matrix, (m, p))], -2)
        self.mean = G.cat([full(self.mean, (n,)), full(new_mean, (m,))], -1)
        cross = full(cross, (m, n))
        self.cov = G.cat([G.cat([full(self.cov, (n, n)), G.transpose(cross)], -1),
                          G.cat([cross, full(new_cov, (m, m))], -1)], -2)
        varies = {key for i, key in enumerate(target)
                  if max(a.shape[nb + i], b.shape[nb + i], s.shape[nb + i]) > 1}
        dep = set().union(varies, *(self.deps[w] for w in cin))
        for w in cout:
            self.deps[w] = set(dep)
        self.order = self.order + cout

    def condition(self, j: int) -> None:
        d, nb, t = self.d, self.nb, self.t
        value: GaussianCondition = self.values[j]
        box = d.boxes[j]
        rows = _rows(self.order, self.dim, d.box_inputs[j])
        n = sum(self.dim[w] for w in self.order)
        grow = (None,) * len(self.axes)
        eq = self._pad(G.as_float(value.matrix, t), 2)[(Ellipsis,) + grow + (slice(None),) * 2]
        c = self._pad(G.as_float(value.value, t), 1)[(Ellipsis,) + grow + (slice(None),)]
        full = eq @ G.take(G.eye(n, t), rows, 0)
        label = f"box {box.name} ({box.dom})"
        if self.matrix.shape[-1] and float(G.amax(full @ self.matrix)) > 0:
            raise NotConditionalGaussian(
                f"the condition {label} depends on the diagram's continuous inputs: its "
                "density would make the weights depend on continuous inputs, which is not "
                "conditional Gaussian; condition a diagram without continuous inputs")
        mean_q = G.matvec(full, self.mean)
        cov_q = full @ self.cov @ G.transpose(full)
        logd, rank = log_density(mean_q, cov_q, c, value.tol)
        rows_axes = [nb + i for i, key in enumerate(self.axes) if key not in self.inputs]
        logd = lowest_rank(logd, rank, rows_axes, self.axes, nb)
        ok = H.isfinite(logd)
        c_used = G.where(ok[..., None], c + 0 * mean_q, mean_q)
        self.matrix, self.mean, self.cov = condition_affine(
            self.matrix, self.mean, self.cov, full, c_used, tol=value.tol, label=label)
        shape = tuple(self.cov.shape[:-2])
        self.mean = G.broadcast_to(self.mean, shape + self.mean.shape[-1:])
        self.matrix = G.broadcast_to(self.matrix, shape + self.matrix.shape[-2:])
        top = H.maximum(G.where(ok, logd, H.full_like(logd, -1e300)), rows_axes, keepdims=True)
        scale = G.where(ok, H.exp(logd - top), H.full_like(logd, 0.0))
        self.weights = self.weights * scale
        mass = H.total(self.weights, rows_axes)
        if bool(H.as_numpy_bool(mass <= 0).any()):
            raise ZeroProbabilityEvidence(
                f"the condition {label} has density zero in every configuration "
                "(it cannot hold); there is no posterior")
        varies = {key for i, key in enumerate(self.axes) if shape[nb + i] > 1}
        dep = set().union(varies, *(self.deps[w] for w in self.order))
        for w in self.order:
            self.deps[w] = set(dep)

    def drop(self, step: int) -> None:
        _d, nb = self.d, self.nb
        keep = [w for w in self.order if w in self.final or self.last_use[w] > step]
        if len(keep) != len(self.order):
            rows = _rows(self.order, self.dim, keep)
            self.matrix = G.take(self.matrix, rows, -2)
            self.mean = G.take(self.mean, rows, -1)
            self.cov = G.take(G.take(self.cov, rows, -2), rows, -1)
            self.order = keep
            self.deps = {w: self.deps[w] for w in keep}
        needed = set().union(*self.deps.values()) if self.deps else set()
        for i in reversed(range(len(self.axes))):
            key = self.axes[i]
            alive = isinstance(key, int) and (key in self.final or key in self.inputs
                                              or self.last_use[key] > step)
            if alive or key in needed:
                continue
            axis = nb + i
            self.weights = H.total(self.weights, (axis,))
            self.matrix = H.index(self.matrix, axis, 0)[(slice(None),) * axis + (0,)]
            self.mean = H.index(self.mean, axis, 0)[(slice(None),) * axis + (0,)]
            self.cov = H.index(self.cov, axis, 0)[(slice(None),) * axis + (0,)]
            del self.axes[i]

    def result(self) -> HybridKernel:
        d, nb, t = self.d, self.nb, self.t
        outs = [w for w in d.outputs if self.disc[w]]
        hidden = [k for k in self.axes if k not in self.inputs and k not in outs]
        letters = dict(zip(self.axes, _letters(len(self.axes) + len(outs))))
        spare = iter(_letters(len(self.axes) + len(outs))[len(self.axes):])
        operands, subs, out_letters, seen = [self.weights], ["..." + "".join(
            letters[k] for k in self.axes)], [], set(self.inputs)
        for w in outs:
            if w in seen:
                new = next(spare)
                operands.append(G.eye(self.size[w], t))
                subs.append(letters[w] + new)
                out_letters.append(new)
            else:
                out_letters.append(letters[w])
                seen.add(w)
        dst = "".join(letters[k] for k in self.inputs) + "".join(out_letters) + \
            "".join(letters[k] for k in hidden)
        weights = H.einsum(",".join(subs) + "->..." + dst, *operands)
        n_k = int(np.prod([self.size[k] for k in hidden])) if hidden else 1
        lead = list(weights.shape[:weights.ndim - len(hidden)])
        weights = H.reshape(weights, lead + [n_k])
        firsts = list(self.inputs) + [w if i == outs.index(w) and w not in self.inputs
                                      else None for i, w in enumerate(outs)]
        full_hidden = [self.size[k] for k in hidden]

        def arrange(x, trailing):
            x = _align(x, nb, self.axes, firsts + hidden, trailing)
            tail = list(x.shape[x.ndim - trailing:])
            head = list(x.shape[:nb + len(firsts)])
            x = G.broadcast_to(x, head + full_hidden + tail)
            return H.reshape(x, head + [n_k if hidden else 1] + tail)

        rows = _rows(self.order, self.dim, [w for w in d.outputs if not self.disc[w]])
        matrix = arrange(G.take(self.matrix, rows, -2), 2)
        mean = arrange(G.take(self.mean, rows, -1), 1)
        cov = arrange(G.take(G.take(self.cov, rows, -2), rows, -1), 2)
        if n_k > 1:  # components of weight zero everywhere (e.g. after do) are dropped
            used = H.as_numpy_bool(H.total(weights, range(weights.ndim - 1)) > 0)
            if not used.all() and used.any():
                keep = [int(i) for i in np.flatnonzero(used)]
                weights = G.take(weights, keep, -1)
                matrix, mean, cov = (G.take(x, keep, -1 - tail) if x.shape[-1 - tail] > 1
                                     else x for x, tail in ((matrix, 2), (mean, 1), (cov, 2)))
        row_axes = list(range(nb + len(self.inputs), weights.ndim))
        weights = weights / H.total(weights, row_axes, keepdims=True)
        cont = {ty: self.kind[ty][1] for ty in d.wires if self.kind[ty][0] == "continuous"}
        c_dom = Ty(*(ty for ty in d.dom.names if ty in cont))
        c_cod = Ty(*(ty for ty in d.cod.names if ty in cont))
        g = GaussianKernel(matrix, mean, cov, c_dom, c_cod,
                           dims={ty: cont[ty] for ty in (c_dom @ c_cod).names}, validate=False)
        return _raw(weights, g, d.dom, d.cod)

    def _pad(self, x: Any, trailing: int, local: int = 0) -> Any:
        """``x`` (``[*batch, *local axes, *trailing]``) with its batch axes left-padded with
        size-1 axes to the diagram's batch."""
        extra = self.nb + local + trailing - x.ndim
        return x[(None,) * extra] if extra > 0 else x


def lowest_rank(logd: Any, rank: Any, row_axes: list[int], axes: list, nb: int) -> Any:
    """Keep, per row, only the configurations whose support holds the observation and has
    the lowest dimension (a density on a lower-dimensional support is infinite relative to
    one on a higher-dimensional support)."""
    ok = H.isfinite(logd)
    big = rank * 0 + 1e9
    low = H.minimum(G.where(ok, rank, big), row_axes, keepdims=True)
    return G.where(ok & (rank <= low), logd, H.full_like(logd, -np.inf))


__all__ = ["Fold", "lowest_rank"]
