"""The one cache of everything compiled, with one bound.

Compiling is what makes a first answer slow: pruning a diagram, finding a path, building the
pairwise program, its slices, its backward pass, the constants a query folds. Each is built
once and kept in :data:`PLANS`, a least-recently-used store of at most
:attr:`PlanCache.max_entries` entries; nothing is written onto diagrams or kernels, which
stay immutable values.

Entries about one object (a diagram, a model) are keyed by its identity and hold a weak
reference to it: the entry is used only while that very object is alive, so a new object
that happens to get the same ``id`` never sees another's entry.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class PlanCache:
    """A bounded least-recently-used store: ``get(key, build)`` returns the value kept under
    ``key``, building (and keeping) it on a miss; past ``max_entries`` the least recently
    used entry goes.

    >>> cache = PlanCache(max_entries=2)
    >>> cache.get("a", lambda: 1), cache.get("b", lambda: 2), cache.get("a", lambda: 0)
    (1, 2, 1)
    >>> cache.get("c", lambda: 3), "b" in cache, "a" in cache, cache.misses
    (3, False, True, 3)
    """

    def __init__(self, max_entries: int = 4096):
        self.max_entries = int(max_entries)
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value under ``key``, built by ``build()`` the first time.

        >>> PlanCache().get(("plan", 1), lambda: "built")
        'built'
        """
        entries = self._entries
        value = entries.get(key, _MISSING)
        if value is not _MISSING:
            self.hits += 1
            entries.move_to_end(key)
            return value
        self.misses += 1
        value = build()
        entries[key] = value
        while len(entries) > self.max_entries:
            entries.popitem(last=False)
        return value

    def about(self, owner: Any, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value under ``key`` for this very ``owner`` object (keyed by its identity,
        valid while it lives).

        >>> class Model: pass
        >>> m, cache = Model(), PlanCache()
        >>> cache.about(m, "plan", lambda: 1), cache.about(m, "plan", lambda: 2)
        (1, 1)
        """
        full = (id(owner), key)
        entry = self._entries.get(full)
        if entry is not None and entry[0]() is owner:
            self.hits += 1
            self._entries.move_to_end(full)
            return entry[1]
        value = build()
        self.misses += 1
        self._entries[full] = (weakref.ref(owner), value)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return value

    def entries(self, kind: str) -> list:
        """The values kept under keys ``(kind, ...)``, about live objects too (for inspection
        and tests).

        >>> cache = PlanCache()
        >>> _ = cache.get(("plan", 1), lambda: "p"); cache.entries("plan")
        ['p']
        """
        out = []
        for k, v in self._entries.items():
            if isinstance(k, tuple) and k and k[0] == kind:
                out.append(v)
            elif (isinstance(k, tuple) and len(k) == 2 and isinstance(k[1], tuple) and k[1]
                  and k[1][0] == kind and isinstance(v, tuple) and v[0]() is not None):
                out.append(v[1])  # an entry about a live object
        return out

    def clear(self) -> None:
        """Forget everything (the counters too).

        >>> cache = PlanCache()
        >>> _ = cache.get("a", lambda: 1); cache.clear(); len(cache)
        0
        """
        self._entries.clear()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __repr__(self) -> str:
        return (f"<PlanCache {len(self)}/{self.max_entries} entries, {self.hits} hits, "
                f"{self.misses} misses>")


#: The cache every compilation goes through (raise ``PLANS.max_entries`` for huge models).
PLANS = PlanCache()
