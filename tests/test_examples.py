"""The README's code and the demos run as written."""

import doctest
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_blocks_run():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        if block.lstrip().startswith(">>>"):  # a session: its printed results are checked
            test = doctest.DocTestParser().get_doctest(block, namespace, "README", "README.md", 0)
            report: list[str] = []
            runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
            assert runner.run(test, out=report.append).failed == 0, "".join(report)
        else:
            exec(compile(block, "README.md", "exec"), namespace)


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "examples").glob("*.py")))
def test_example_runs(script, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(ROOT / "examples" / script), run_name="__main__")


def test_import_markov_does_not_import_torch_or_sympy():
    code = ("import sys, markov, diagrams, causal; "
            "print('torch' in sys.modules, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    assert out == ["False", "False"]
