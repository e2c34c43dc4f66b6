"""
Property-testing your own semantics with ``markov.testing``
===========================================================

A semantics of string diagrams is a functor: it must send equal diagrams to equal
morphisms, and the structure of a Markov category — associativity, the laws of copy and
discard, naturality of discard — must hold in its image. :mod:`markov.testing` states these
laws once, as data, and ships the hypothesis strategies that draw random kernels and random
well-typed diagrams. The library runs the catalogue against its own backends; here we point
it at a semantics of our own, find that it passes, and then watch it catch a bug.
"""

# %%
# The catalogue
# -------------
#
# A :class:`~markov.testing.Law` has a name, a strategy for its arguments, two sides, the
# kind of equality, and whether it must hold (``expect=False`` marks a negative control:
# copying is natural only for deterministic kernels). The :doc:`laws page <../laws>` draws
# every diagram law.

from markov.testing import CORE_LAWS, LAWS, LAWS_BY_NAME, check_law

for law in LAWS:
    print(f"{law.on:8} {law.equality:13} {'law' if law.expect else 'negative control'}: "
          f"{law.name}")
assert set(CORE_LAWS) <= set(LAWS)
assert "copy is natural for noisy kernels (negative control)" in {
    law.name for law in LAWS if not law.expect}

# %%
# The sides of a diagram law are functions of boxes, so they can be drawn — here the
# naturality of swap, with boxes named as in the law.

from diagrams import Box, Ty

swap_law = LAWS_BY_NAME["swap is natural"]
f_box, g_box = Box("f", Ty("X"), Ty("Y")), Box("g", Ty("Z"), Ty("X"))
left, right = swap_law.lhs(f_box, g_box), swap_law.rhs(f_box, g_box)
assert left == right                  # a law of the syntax: equal up to the axioms
figures = [left.draw(), right.draw()]

# %%
# :func:`~markov.testing.check_law` runs one law on one of the library's backends with
# hypothesis: it returns quietly, or raises with a minimal counterexample. A negative control
# passes when hypothesis *finds* an example where it fails.

check_law(LAWS_BY_NAME["discard is natural (Markov)"], "exact", max_examples=20)
check_law(LAWS_BY_NAME["copy is natural for noisy kernels (negative control)"], "numpy",
          max_examples=20)

# %%
# A semantics of our own: possibility
# -----------------------------------
#
# Forget the probabilities and keep only what is *possible*: a kernel ``X -> Y`` becomes the
# relation "``y`` can follow ``x``", a boolean matrix. Relations compose by boolean matrix
# product and tensor by the Kronecker product. Total relations form a Markov category, and
# taking supports should be a functor from kernels to relations. We write the target as a
# :class:`diagrams.Category` — identities, swaps, copies and discards — and let
# :class:`diagrams.Functor` fold diagrams into it.

from dataclasses import dataclass
from functools import reduce

import numpy as np

from diagrams import Category, Functor


@dataclass(frozen=True, eq=False)
class Relation:
    """A relation between two finite sets, as a boolean matrix ``[dom, cod]``."""

    matrix: np.ndarray
    dom: Ty
    cod: Ty

    def __rshift__(self, other):
        product = self.matrix.astype(np.int64) @ other.matrix.astype(np.int64)
        return Relation(product > 0, self.dom, other.cod)

    def __matmul__(self, other):
        return Relation(np.kron(self.matrix, other.matrix).astype(bool),
                        self.dom @ other.dom, self.cod @ other.cod)


def relations(sizes, swap_bug=False):
    """The category of relations on atomic types of the given sizes."""

    def n(ty):
        return int(np.prod([sizes[a] for a in ty.names], dtype=int))

    def identity(ty):
        return Relation(np.eye(n(ty), dtype=bool), ty, ty)

    def swap(a, b):
        na, nb = n(a), n(b)
        matrix = np.zeros((na * nb, nb * na), dtype=bool)
        for i in range(na):
            for k in range(nb):
                matrix[i * nb + k, (i * nb + k) if swap_bug else (k * na + i)] = True
        return Relation(matrix, a @ b, b @ a)

    def copy(ty, k):                      # x |-> (x, ..., x); k = 0 is discard
        size = n(ty)
        matrix = np.zeros((size, size ** k), dtype=bool)
        for i in range(size):
            matrix[i, sum(i * size ** j for j in range(k))] = True
        return Relation(matrix, ty, reduce(lambda x, y: x @ y, [ty] * k, Ty()))

    def discard(ty):
        return Relation(np.ones((n(ty), 1), dtype=bool), ty, Ty())

    return Category(Ty(), identity, swap, copy, discard)


def support(kernel):
    """The relation of a kernel: where its matrix ``[dom, cod]`` is positive."""
    rows = int(np.prod([kernel.sizes[a] for a in kernel.dom.names], dtype=int))
    return Relation(np.asarray(kernel.array, dtype=float).reshape(rows, -1) > 0,
                    kernel.dom, kernel.cod)


# %%
# Running the catalogue's diagram laws in the new semantics
# ---------------------------------------------------------
#
# A diagram law's sides are functions of boxes. For each example hypothesis draws (random
# kernels of the law's types), we name boxes after the arguments, send each box to the
# support of its kernel, fold both sides into relations, and compare.

from hypothesis import HealthCheck, find, given, settings
from hypothesis.errors import NoSuchExample

SETTINGS = settings(max_examples=15, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


def holds_in_relations(law, example, swap_bug=False):
    boxes = {name: Box(name, k.dom, k.cod) for name, k in example.items()}
    sizes = {t: s for k in example.values() for t, s in k.sizes.items()}
    F = Functor(ar={boxes[name]: support(k) for name, k in example.items()},
                cod=relations(sizes, swap_bug))
    return np.array_equal(F(law.lhs(**boxes)).matrix, F(law.rhs(**boxes)).matrix)


def check_in_relations(law, swap_bug=False, options=SETTINGS):
    strategy = law.data("numpy")
    if law.expect:
        @options
        @given(strategy)
        def every_example(example):
            assert holds_in_relations(law, example, swap_bug), law.name

        every_example()
    else:                                 # a negative control must fail somewhere
        try:
            find(strategy, lambda example: not holds_in_relations(law, example, swap_bug),
                 settings=options)
        except NoSuchExample:
            raise AssertionError(f"negative control {law.name!r} never failed") from None


diagram_laws = [law for law in LAWS if law.on == "diagrams" and "numpy" in law.backends]
for law in diagram_laws:
    check_in_relations(law)
print(f"all {len(diagram_laws)} diagram laws hold in relations, "
      "and the negative control fails as it must")

# %%
# Taking supports is a functor
# ----------------------------
#
# The catalogue's strategies also draw random well-typed diagrams and random kernels (with
# zeros, so that supports are not full) for their boxes. The support of the one-contraction
# semantics must equal the fold of our functor over the supports of the boxes.

from hypothesis import strategies as st

from markov import interpret
from markov.testing import diagrams, interpretations, sizes


@st.composite
def interpreted_diagrams(draw):
    size = draw(sizes(("X", "Y"), max_size=3))
    d = draw(diagrams(("X", "Y"), max_boxes=4))
    mapping = draw(interpretations(d, size, "numpy", zeros=True)) if d.boxes else {}
    return d, mapping, size


@SETTINGS
@given(interpreted_diagrams())
def support_is_a_functor(case):
    d, mapping, size = case
    kernel = interpret(d, mapping, sizes=size)
    folded = Functor(ar={box: support(k) for box, k in mapping.items()},
                     cod=relations(size))(d)
    assert np.array_equal(support(kernel).matrix, folded.matrix)


support_is_a_functor()

# %%
# Catching a bug
# --------------
#
# Now break the semantics: a swap that forgets to permute. The naturality of swap catches
# it. (Hypothesis would also shrink the failing example to a minimal one; we skip that
# phase here to keep the page quick to build.)

from hypothesis import Phase

try:
    check_in_relations(LAWS_BY_NAME["swap is natural"], swap_bug=True,
                       options=settings(SETTINGS, phases=[Phase.generate]))
except AssertionError as error:
    print("caught:", error)
else:
    raise AssertionError("the buggy swap went unnoticed")
