"""Each package has the distribution's version and says which extra a missing import needs."""

import builtins
import importlib
import sys
import tomllib
from pathlib import Path

import pytest

import causal
import diagrams
import markov


def test_the_three_packages_have_the_distribution_version():
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert diagrams.__version__ == markov.__version__ == causal.__version__ == \
        project["project"]["version"]


def test_missing_hypothesis_names_the_testing_extra(monkeypatch):
    real = builtins.__import__

    def no_hypothesis(name, *args, **kwargs):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ImportError("No module named 'hypothesis'")
        return real(name, *args, **kwargs)

    for name in [m for m in sys.modules if m.startswith("markov.testing")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", no_hypothesis)
    with pytest.raises(ImportError, match=r"pip install 'markov-categories\[testing\]'"):
        importlib.import_module("markov.testing")


def test_missing_matplotlib_names_the_draw_extra(monkeypatch):
    from diagrams.drawing import require_matplotlib

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"markov-categories\[draw\]"):
        require_matplotlib("drawing")
