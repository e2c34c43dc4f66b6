"""Every public name of the three packages has a docstring, and every public function and
class one with a runnable example (doctests run them)."""

import inspect

import pytest

import causal
import diagrams
import markov
import markov.testing

PUBLIC = [(module, name) for module in (diagrams, markov, causal, markov.testing)
          for name in module.__all__]


@pytest.mark.parametrize("module,name", PUBLIC,
                         ids=[f"{m.__name__}.{n}" for m, n in PUBLIC])
def test_public_name_is_documented_with_an_example(module, name):
    obj = getattr(module, name)
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{module.__name__}.{name} has no docstring"
    if isinstance(obj, type) and issubclass(obj, Exception):
        return
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert ">>>" in doc, f"{module.__name__}.{name} has no runnable example"
