"""State labels survive every operation that keeps a wire; kernels as named tables."""

from fractions import Fraction as Fr

import numpy as np
import pytest

from markov import (
    GaussianKernel,
    Kernel,
    UnknownAtom,
    bayes_invert,
    conditional,
    disintegrate,
    jeffrey_update,
    marginal,
    pearl_update,
    posterior,
)

XL, YL = ("a", "b"), ("u", "v")


def joint():
    return Kernel.state([[Fr(1, 8), Fr(3, 8)], [Fr(1, 4), Fr(1, 4)]], cod=("X", "Y"),
                        labels={"X": XL, "Y": YL})


def channel():
    return Kernel([[0.9, 0.1], [0.2, 0.8]], dom="X", cod="Y", labels={"X": XL, "Y": YL})


def prior():
    return Kernel.state([0.25, 0.75], cod="X", labels={"X": XL})


def test_labels_survive_composition_tensor_and_marginal():
    assert (prior() >> channel()).labels == {"Y": YL}
    assert (prior() @ channel()).labels == {"X": XL, "Y": YL}
    assert marginal(joint(), "Y").labels == {"Y": YL}
    assert joint().marginal(["Y", "X"]).labels == {"Y": YL, "X": XL}


def test_labels_survive_conditionals_inversion_and_updates():
    assert conditional(joint(), "X").labels == {"X": XL, "Y": YL}
    m, c = disintegrate(joint(), "Y")
    assert m.labels == {"Y": YL} and c.labels == {"X": XL, "Y": YL}
    assert bayes_invert(channel(), prior()).labels == {"X": XL, "Y": YL}
    assert posterior(joint(), "X", {"Y": "u"}).labels == {"X": XL}
    assert pearl_update(prior(), {"Y": [0.5, 1.0]}, channel()).labels == {"X": XL}
    assert jeffrey_update(prior(), [0.5, 0.5], channel()).labels == {"X": XL}


def test_labels_of_the_wrong_size_are_not_carried():
    p = Kernel.state([0.2, 0.3, 0.5], cod="X")
    assert (p @ Kernel.state([0.5, 0.5], cod="Z", labels={"Z": ("p", "q")})).labels == \
        {"Z": ("p", "q")}


def test_to_pandas_of_a_state_is_a_series_by_name():
    s = prior().to_pandas()
    assert list(s.index) == ["a", "b"] and s["b"] == 0.75


def test_to_pandas_puts_batch_axes_first_then_domain_values():
    k = Kernel(np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.5, 0.5], [1.0, 0.0]]]), dom="X",
               cod="Y", labels={"X": XL, "Y": YL})
    df = k.to_pandas()
    assert df.index.names == ["batch_0", "X"]
    assert list(df.columns) == ["u", "v"]
    assert df.loc[(1, "b"), "u"] == 1.0


def test_to_pandas_of_a_joint_has_a_column_multiindex_and_exact_values():
    s = joint().to_pandas()
    assert s[("b", "v")] == Fr(1, 4)


def test_lookup_by_names():
    assert prior()["a"].item() == 0.25
    assert channel()[{"X": "b", "Y": "v"}].item() == 0.8
    row = channel()[{"X": "b"}]
    assert isinstance(row, Kernel) and row.dom.names == () and row.labels == {"Y": YL}
    assert joint()[{"X": "b", "Y": "u"}] == Fr(1, 4)


def test_lookup_by_index_only_without_labels():
    assert Kernel.state([0.25, 0.75], cod="X")[1].item() == 0.75
    assert Kernel.state([0.25, 0.75], cod="X")["1"].item() == 0.75
    with pytest.raises(UnknownAtom, match=r"outcomes are \('a', 'b'\)"):
        prior()[1]


def test_lookup_errors_name_the_atom():
    with pytest.raises(UnknownAtom, match="no outcome 'c'"):
        prior()["c"]
    with pytest.raises(UnknownAtom, match="Z is not an atom"):
        channel()[{"Z": "a"}]
    with pytest.raises(UnknownAtom, match="pass a dict"):
        joint()["a"]


def test_repr_shows_the_numbers_of_small_kernels_only():
    text = repr(prior())
    assert "X=a" in text and "0.25" in text
    big = Kernel.state(np.full(100, 0.01), cod="X")
    assert "\n" not in repr(big)


def test_html_table_names_the_states():
    page = channel()._repr_html_()
    assert "<table>" in page and "Y=u" in page and "X=b" in page


def test_gaussian_kernel_tables_by_variable():
    g = GaussianKernel([[2.0]], [1.0], [[0.5]], dom="X", cod="Y")
    df = g.to_pandas()
    assert df.loc["Y", "mean"] == 1.0 and df.loc["Y", "cov Y"] == 0.5
    assert df.loc["Y", "coef X"] == 2.0
    assert "cov Y" in repr(g) and "<pre>" in g._repr_html_()
    vec = GaussianKernel.state([0.0, 1.0], np.eye(2), cod="Z", dims={"Z": 2})
    assert list(vec.to_pandas().index) == ["Z[0]", "Z[1]"]


def test_torch_kernels_make_tables():
    torch = pytest.importorskip("torch")
    k = Kernel.state(torch.tensor([0.25, 0.75], dtype=torch.float64), cod="X",
                     labels={"X": XL})
    assert k.to_pandas()["b"] == 0.75 and "0.75" in repr(k)


def test_kernels_are_not_iterable():
    with pytest.raises(TypeError):
        list(prior())
