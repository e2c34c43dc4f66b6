"""Sphinx configuration. Build with ``make docs`` (warnings are errors)."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# The repository; tests/test_docs.py builds a copy of docs/ elsewhere and says where it is.
ROOT = Path(os.environ.get("MARKOV_DOCS_ROOT", DOCS.parent)).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
warnings.filterwarnings("ignore", message=".*NonInteractiveExampleWarning.*")

project = "markov-categories"
author = "the markov-categories authors"
copyright = "the markov-categories authors"
release = version = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "docs_ext",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "performance.md", "tutorials/*.ipynb",
                    "tutorials/*.py", "tutorials/*.md5", "tutorials/*.zip",
                    "tutorials/*.json", "**/.ipynb_checkpoints"]
templates_path: list[str] = []

# MyST: $...$ maths, ::: fences, heading anchors for links to sections.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# docs/performance.md is written by the bench scripts: do not fail on its heading levels.
suppress_warnings = ["myst.header"]

# API reference from the docstrings: the names of each package's __all__, listed by the
# public-api directive of _ext/docs_ext.py.
autodoc_default_options = {"member-order": "bysource", "show-inheritance": True}
autodoc_typehints = "description"
autodoc_typehints_format = "short"
add_module_names = False

# Tutorials: literate Python scripts in ../tutorials, executed at every build; a failing
# assert (a wrong number) fails the build.
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "tutorials")],
    "gallery_dirs": ["tutorials"],
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"(__init__|conftest)\.py$",
    "abort_on_example_error": True,
    "run_stale_examples": True,          # re-run every tutorial: the library may have changed
    "only_warn_on_example_error": False,
    "image_scrapers": ("matplotlib", "docs_ext.figure_scraper"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "show_signature": False,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": ("__repr__",),
    "min_reported_time": 1_000,
    "write_computation_times": False,
}

html_theme = "furo"
html_title = "markov-categories"
html_static_path: list[str] = []
html_show_sourcelink = False
