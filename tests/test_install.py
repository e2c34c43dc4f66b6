"""A wheel builds, holds the three packages with py.typed and the licence, and installs into
a fresh virtual environment, where the installed copy (not this checkout) is imported.

Offline, the fresh environment cannot download numpy and the rest: it sees this
environment's site-packages through a path entry placed after its own, so the packages come
from the wheel and only their dependencies from here.
"""

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    try:
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
            "-w", str(out), str(ROOT), cwd=out)
    except subprocess.CalledProcessError as exc:  # pragma: no cover - shows pip's reason
        pytest.fail(f"the wheel does not build:\n{exc.stderr}")
    [path] = out.glob("*.whl")
    return path


def test_the_wheel_holds_the_packages_their_types_and_the_licence(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("diagrams", "markov", "causal"):
        assert f"{package}/__init__.py" in names and f"{package}/py.typed" in names
    assert "markov/contraction/interpret.py" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "bench/", "tutorials/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "Requires-Dist: sympy" not in metadata.split("Provides-Extra")[0]


def test_the_wheel_installs_in_a_fresh_venv_and_imports(wheel, tmp_path):
    env = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(env))
    python = env / ("Scripts" if os.name == "nt" else "bin") / "python"
    run(str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel))
    site = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
               ).stdout.strip()
    Path(site, "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    code = ("import diagrams, markov, causal; print(markov.__file__); "
            "print(diagrams.__version__, markov.__version__, causal.__version__); "
            "import sys; print('torch' in sys.modules, 'sympy' in sys.modules)")
    out = run(str(python), "-c", code, cwd=tmp_path).stdout.split("\n")
    assert out[0].startswith(site)
    assert out[1] == "0.1.0 0.1.0 0.1.0"
    assert out[2] == "False False"
