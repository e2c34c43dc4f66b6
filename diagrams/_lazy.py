"""Private: what keeps importing the library fast: modules loaded on first use, and frozen
records written out by hand (:class:`Frozen`) rather than as dataclasses."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``: the one already imported, else a stand-in that imports it on
    the first attribute read (networkx alone takes longer to import than the whole
    library). Even the search for it waits until then: a cold start that never uses it
    pays nothing.

    >>> nx = lazy_module("networkx")
    >>> nx.DiGraph([("a", "b")]).number_of_edges()
    1
    """
    module = sys.modules.get(name)
    return _Deferred(name) if module is None else module


class _Deferred(ModuleType):
    """A module not imported yet (:func:`lazy_module`): each attribute is read from the
    real module, which the first read imports (a missing one raises ImportError then)."""

    def __getattr__(self, attr: str) -> object:
        return getattr(importlib.import_module(self.__name__), attr)


class _Package(ModuleType):
    """A package whose public names load on first use (:func:`lazy_names`).

    After a submodule is imported, the import system binds it onto its package under its own
    name. Where a public name is the namesake of the submodule defining it (``causal.identify``
    the function, in ``causal/identify.py``), the public object is bound instead, as an eager
    ``from causal.identify import identify`` in the package would have left it.
    """

    def __setattr__(self, name: str, value: object) -> None:
        where = self.__dict__.get("_lazy_names", {}).get(name)
        if isinstance(value, ModuleType) and where == value.__name__ == f"{self.__name__}.{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_names(package: str, names: Mapping[str, str]) -> tuple[Callable, Callable]:
    """The module ``__getattr__`` and ``__dir__`` (PEP 562) of ``package``, whose public name
    ``n`` is defined in the module ``names[n]`` and loaded on first access; any other name
    that is a submodule of ``package`` is imported on access, as ``import package.name``
    would.

    >>> import markov
    >>> "GaussianKernel" in dir(markov), markov.GaussianKernel.__name__
    (True, 'GaussianKernel')
    """
    module = sys.modules[package]
    module._lazy_names = dict(names)
    module.__class__ = _Package

    def __getattr__(name: str) -> object:
        where = names.get(name)
        if where is None:
            if name.startswith("__") or importlib.util.find_spec(f"{package}.{name}") is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            __import__(f"{package}.{name}")
            return sys.modules[f"{package}.{name}"]
        # __import__ rather than importlib.import_module: -X importtime then shows the module
        __import__(where)
        value = getattr(sys.modules[where], name)
        setattr(module, name, value)  # later look-ups find it without this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(names))

    return __getattr__, __dir__


#: logging's levels, by their documented values (so that naming one imports nothing).
DEBUG, INFO = 10, 20


def log(logger: str, level: int, message: str, *args: object) -> None:
    """Log ``message % args`` to ``logger`` at ``level``, provided :mod:`logging` is loaded.
    Until something imports logging no handler or level can have been set, and the library
    logs below WARNING only, so skipping the record loses nothing; importing logging would
    cost a cold start more than some queries take.

    >>> import logging
    >>> log("markov.contraction", DEBUG, "compiled a plan for %d boxes", 3)
    """
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.getLogger(logger).log(level, message, *args)


class Frozen:
    """The frozen half of a record written out by hand, where a frozen dataclass would cost
    every cold start about a millisecond to build: its fields are set once, by ``__init__``
    (through ``object.__setattr__`` or ``__dict__``), and assigning or deleting one after
    raises as a frozen dataclass does.

    >>> from diagrams import Box, Ty
    >>> Box("f", Ty("X"), Ty("Y")).name = "g"
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'name'
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")


def record(name: str, fields: tuple[str, ...], defaults: tuple = ()) -> type:
    """A named tuple class, built without :func:`collections.namedtuple`, which compiles
    code for each class (~150 µs of every cold start a class): construction by position,
    fields by name, ``_fields``, ``_replace``, ``_asdict``, a named tuple's repr, and a
    tuple's equality, hashing and pickling; ``defaults`` are the last fields' values when
    they are left out. Subclass it to add methods (with ``__slots__ = ()``).

    >>> Point = record("Point", ("x", "y"))
    >>> p = Point(1, 2)
    >>> p.y, p, p._replace(x=3), tuple(p)
    (2, Point(x=1, y=2), Point(x=3, y=2), (1, 2))
    >>> record("Span", ("start", "stop", "step"), defaults=(1,))(0, 4)
    Span(start=0, stop=4, step=1)
    """
    from operator import itemgetter  # loaded with collections already

    n, least = len(fields), len(fields) - len(defaults)

    def __new__(cls, *values):
        if len(values) != n:
            if not least <= len(values) < n:
                raise TypeError(f"{name} takes {n} fields {fields}, not {len(values)}")
            values += defaults[len(values) - least:]
        return tuple.__new__(cls, values)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{f}={v!r}' for f, v in zip(fields, self))})"

    def _replace(self, **changes):
        unknown = set(changes).difference(fields)
        if unknown:
            raise ValueError(f"{name} has no fields {sorted(unknown)}")
        return type(self)(*(changes.get(f, v) for f, v in zip(fields, self)))

    def _asdict(self):
        return dict(zip(fields, self))

    def __getnewargs__(self):
        return tuple(self)

    namespace = {"__slots__": (), "_fields": fields, "__new__": __new__, "__repr__": __repr__,
                 "_replace": _replace, "_asdict": _asdict, "__getnewargs__": __getnewargs__}
    namespace.update((f, property(itemgetter(i), doc=f"Field {i}.")) for i, f in enumerate(fields))
    return type(name, (tuple,), namespace)
