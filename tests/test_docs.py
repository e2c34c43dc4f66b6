"""The documentation site builds with no warning, and every tutorial in it executes with its
asserted numbers (``make docs`` runs the same build)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("sphinx", "myst_parser", "sphinx_gallery", "furo", "pgmpy", "pandas", "torch")


def _missing() -> list[str]:
    from importlib.util import find_spec

    return [name for name in NEEDED if find_spec(name) is None]


@pytest.mark.docs
@pytest.mark.skipif(bool(_missing()), reason="the docs extra is not installed (missing: "
                    f"{', '.join(_missing())}); install it with pip install -e '.[docs,torch]'")
def test_docs_build_without_warnings_and_tutorials_execute(tmp_path):
    # Build a copy of docs/, so that the pages generated into the source folder (laws,
    # tutorials) never collide with a `make docs` running at the same time.
    source = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", source,
                    ignore=shutil.ignore_patterns("_build", "_generated", "tutorials"))
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": path,
           "MARKOV_DOCS_ROOT": str(ROOT)}
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               "-d", str(tmp_path / "doctrees"), str(source), str(tmp_path / "html")]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, (
        f"the docs build failed (exit {result.returncode}):\n{result.stdout[-4000:]}\n"
        f"{result.stderr[-8000:]}")
    html = tmp_path / "html"
    for page in ("index", "getting-started", "laws", "benchmarks", "api/markov",
                 "tutorials/smoking", "tutorials/csv_to_do"):
        assert (html / f"{page}.html").exists(), f"{page}.html was not built"
    assert list((html / "_images").glob("*.png")), "no drawing was generated"
