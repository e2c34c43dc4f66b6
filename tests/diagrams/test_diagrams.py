"""Syntax: hypergraph structure, equality up to the axioms, functors, tracing, errors."""

import pytest
from hypothesis import given

from diagrams import (
    Box,
    Diagram,
    DiagramError,
    Functor,
    TracingError,
    Ty,
    TypeMismatch,
    copy,
    discard,
    identity,
    permutation,
    swap,
    trace,
)
from markov.testing import diagrams

X, Y, Z = Ty("X"), Ty("Y"), Ty("Z")
p, f, g = Box("p", Ty(), X), Box("f", X, Y), Box("g", Y, Z)


def test_copy_is_one_wire_with_many_uses_not_a_box():
    d = copy(X, 5)
    assert d.boxes == () and d.uses == (5,)
    assert discard(X).uses == (0,)


def test_types_compose_and_index():
    assert (X @ Y) @ Z == X @ (Y @ Z) == Ty("X", "Y", "Z")
    assert list(X @ Y) == [X, Y] and Ty() @ X == X and str(Ty()) == "I"
    with pytest.raises(TypeError):
        Ty("")


def test_equality_is_up_to_isomorphism_respecting_the_boundary():
    left = (f @ f) >> (g @ identity(Y))
    right = (f >> g) @ f
    assert left == right and not left.is_identical(right)
    assert hash(left) == hash(right)
    assert (f @ f) >> swap(Y, Y) != (f @ f)  # the boundary order is part of the diagram
    # a swap of two distinct inputs is not the identity (a swap after a copy is):
    assert swap(X, X) != identity(X @ X)


def test_dead_boxes_are_removed_before_comparison():
    assert p >> f >> discard(Y) == identity(Ty())
    assert p >> copy(X) >> (identity(X) @ (f >> discard(Y))) == p
    assert (p >> f) != p >> f >> g


def test_copy_naturality_is_not_an_axiom():
    assert f >> copy(Y) != copy(X) >> (f @ f)


def test_functor_substitutes_boxes_in_the_hypergraph():
    q = Box("q", Ty(), X)
    F = Functor(ar={p: q})
    assert F(p >> copy(X) >> (f @ f)) == q >> copy(X) >> (f @ f)
    G = Functor(ob={X: X @ X}, ar={p: q @ q, f: Box("f2", X @ X, Y)})
    assert G(p >> f).cod == Y and G(X) == X @ X
    with pytest.raises(TypeMismatch, match="image of box p"):
        Functor(ar={p: Box("bad", Ty(), Y)})(p)


@given(diagrams(max_boxes=4))
def test_identity_functor_is_identity(d):
    assert Functor()(d) == d


@given(diagrams(max_boxes=4))
def test_composition_with_identities_is_identity(d):
    assert identity(d.dom) >> d >> identity(d.cod) == d


def test_trace_builds_copies_and_discards():
    @trace(X)
    def model(x):
        y = f(x)
        f(x)  # an unused result is discarded
        return y, x, x

    assert model == copy(X) >> (f @ X) >> (Y @ copy(X))
    assert model.dom == X and model.cod == Y @ X @ X


def test_trace_errors_name_the_box():
    with pytest.raises(TypeMismatch, match="box g"):
        @trace(X)
        def bad(x):
            return g(x)
    with pytest.raises(TracingError, match="outside a traced function"):
        p()
    with pytest.raises(TracingError, match="2 parameters"):
        trace(X)(lambda a, b: a)


def test_malformed_hypergraphs_are_rejected():
    with pytest.raises(DiagramError, match="no earlier source"):
        Diagram(["X", "Y"], [f], [[0]], [[1]], [], [1])
    with pytest.raises(DiagramError, match="listed twice"):
        Diagram(["X"], [], [], [], [0, 0], [0])
    with pytest.raises(TypeMismatch, match="box f"):
        Diagram(["Y", "Y"], [f], [[0]], [[1]], [0], [1])
    with pytest.raises(DiagramError, match="not a permutation"):
        permutation(X @ Y, [0, 0])


def test_diagrams_are_immutable_and_hashable():
    d = p >> f
    with pytest.raises(AttributeError):
        d.boxes = ()
    assert {d: 1}[p >> f] == 1
