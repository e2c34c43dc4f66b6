"""Private: drawing categorical states row by row, in numpy (``default_rng``) or, when some
table is a tensor, in torch (a ``torch.Generator`` on that tensor's device)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from markov.arrays import backend as B


@dataclass(frozen=True)
class Sampler:
    """How to draw in one kind of array: ``like`` is the tensor that picked torch (or None),
    ``draw(rows, n)`` one state index per row of ``rows`` (each a distribution)."""

    like: Any
    draw: Callable[[Any, int], Any]

    def table(self, array: Any) -> Any:
        """``array`` as float64 in the sampler's kind."""
        if self.like is not None:
            import torch

            array = B.convert(array, "torch", self.like) if not B.is_torch(array) else array
            return array.to(torch.float64)
        return np.asarray(array, dtype=np.float64)

    def repeat(self, table: Any, n: int) -> Any:
        """A parentless table's single row, ``n`` times."""
        if self.like is not None:
            return table.expand(n, -1)
        return np.broadcast_to(table, (n, table.shape[-1]))


def sampler(arrays: Sequence[Any], seed: int | None) -> Sampler:
    """A :class:`Sampler` for the tables ``arrays`` (torch when one of them is a tensor).

    >>> s = sampler([np.array([0.0, 1.0])], 0)
    >>> s.draw(s.repeat(s.table(np.array([0.0, 1.0])), 3), 3).tolist()
    [1, 1, 1]
    """
    like = next((a for a in arrays if B.is_torch(a)), None)
    return Sampler(like, _torch_draw(like, seed) if like is not None else _numpy_draw(seed))


def concat(parts: list) -> Any:
    """The parts (all numpy or all tensors) joined along their first axis.

    >>> concat([np.array([0]), np.array([1])]).tolist()
    [0, 1]
    """
    if len(parts) == 1:
        return parts[0]
    if B.is_torch(parts[0]):
        import torch

        return torch.cat(parts)
    return np.concatenate(parts)


def _numpy_draw(seed: int | None):
    rng = np.random.default_rng(seed)

    def draw(rows: np.ndarray, n: int) -> np.ndarray:
        cdf = np.cumsum(rows, axis=-1)
        u = rng.random(n) * cdf[..., -1]  # rows sum to 1 only up to rounding
        return np.minimum((u[:, None] >= cdf).sum(axis=-1), rows.shape[-1] - 1)

    return draw


def _torch_draw(like: Any, seed: int | None):
    import torch

    generator = torch.Generator(device=like.device)
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(int(seed))

    def draw(rows: Any, n: int) -> Any:
        cdf = torch.cumsum(rows, dim=-1)
        u = torch.rand(n, generator=generator, device=like.device, dtype=torch.float64)
        u = u * cdf[..., -1]
        return torch.clamp((u[:, None] >= cdf).sum(dim=-1), max=rows.shape[-1] - 1)

    return draw
