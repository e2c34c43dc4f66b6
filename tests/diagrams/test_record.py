"""diagrams._lazy.record: named tuples built without collections.namedtuple's compile, with
what the library's records use of a namedtuple, and the same errors for misuse."""

from __future__ import annotations

import copy
import pickle
from collections import namedtuple

import pytest

from diagrams._lazy import record

Point = record("Point", ("x", "y", "z"), defaults=(0,))


class Labelled(record("Labelled", ("name", "value"))):
    __slots__ = ()

    def shout(self) -> str:
        return self.name.upper()


def test_a_record_behaves_as_the_namedtuple_of_its_fields():
    Reference = namedtuple("Point", ("x", "y", "z"), defaults=(0,))
    p, q = Point(1, 2), Reference(1, 2)
    assert p == q and hash(p) == hash(q) and tuple(p) == (1, 2, 0)
    assert repr(p) == repr(q) == "Point(x=1, y=2, z=0)"
    assert p._replace(z=5) == q._replace(z=5) and type(p._replace(z=5)) is Point
    assert p._asdict() == q._asdict() and Point._fields == Reference._fields
    assert (p.x, p.y, p.z) == (1, 2, 0) and p[1] == 2
    x, y, z = p
    assert (x, y, z) == (1, 2, 0)


def test_a_subclass_keeps_its_methods_through_pickling_and_copies():
    a = Labelled("f", [1, 2])
    for b in (pickle.loads(pickle.dumps(a)), copy.deepcopy(a), copy.copy(a)):
        assert type(b) is Labelled and b == a and b.shout() == "F"
    with pytest.raises(AttributeError):
        a.other = 1  # no __dict__: fields only


def test_fields_cannot_be_assigned():
    with pytest.raises(AttributeError):
        Point(1, 2).x = 3


def test_a_wrong_number_of_fields_is_a_type_error_naming_the_record():
    with pytest.raises(TypeError, match=r"Point takes 3 fields \('x', 'y', 'z'\), not 1"):
        Point(1)
    with pytest.raises(TypeError, match="not 4"):
        Point(1, 2, 3, 4)


def test_replacing_an_unknown_field_is_a_value_error():
    with pytest.raises(ValueError, match=r"Point has no fields \['w'\]"):
        Point(1, 2)._replace(w=1)
