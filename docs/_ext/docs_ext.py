"""Sphinx extension of this documentation: executed examples with their drawings, the laws
page generated from the law catalogue, and the performance page.

- ``exec`` directive: runs a code block (one namespace per page, shared by its blocks),
  shows the code, its printed output and the value of a last bare expression, and every
  matplotlib figure the block created (``diagram.draw()`` returns one) as a PNG. An exception
  stops the build with the traceback: a wrong number in an ``assert`` fails the docs.
- ``figure_scraper``: the sphinx-gallery scraper that shows the figures returned by
  ``draw`` (they are not managed by pyplot, so the stock scraper does not see them).
- ``builder-inited``: writes ``_generated/laws.md`` (with a PNG of each side of each diagram
  law) from :data:`markov.testing.LAWS` (one catalogue for every semantics), and
  ``_generated/performance.md`` from ``docs/performance.md`` (written by ``make bench``).
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
import textwrap
import traceback
import weakref
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

GENERATED = "_generated"


# ---- the exec directive -------------------------------------------------------------------

def _figures(value: Any) -> list:
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, Figure)]
    return []


class ExecDirective(SphinxDirective):
    """Run the block's code and show it with its output and figures."""

    has_content = True
    option_spec = {"hide-code": directives.flag, "hide-output": directives.flag,
                   "math": directives.flag}

    def run(self) -> list[nodes.Node]:
        env = self.env
        store = env.temp_data.setdefault("exec_namespaces", {})
        namespace = store.setdefault(env.docname, {"__name__": "__docs__"})
        seen = env.temp_data.setdefault("exec_seen", weakref.WeakSet())
        code = "\n".join(self.content)
        out = io.StringIO()
        value = None
        try:
            tree = ast.parse(code)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = ast.Module(tree.body[:-1] if last else tree.body, type_ignores=[])
            with contextlib.redirect_stdout(out):
                exec(compile(body, f"<{env.docname}>", "exec"), namespace)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), f"<{env.docname}>",
                                         "eval"), namespace)
        except Exception:
            # A warning, so that -W fails the build and --keep-going lists every failure.
            message = (f"the example raised\n{textwrap.indent(code, '    ')}\n\n"
                       f"{traceback.format_exc()}")
            logger.warning(message, location=(env.docname, self.lineno), type="exec")
            return [nodes.literal_block(message, message, language="none")]
        result: list[nodes.Node] = []
        if "hide-code" not in self.options:
            block = nodes.literal_block(code, code, language="python")
            result.append(block)
        figures = [f for f in _figures(value)]
        figures += [f for v in list(namespace.values()) for f in _figures(v) if f not in figures]
        figures = [f for f in figures if f not in seen]
        text = out.getvalue()
        if "math" in self.options:  # the last expression is LaTeX: show it as maths
            if not isinstance(value, str):
                raise ExtensionError(f"{env.docname}:{self.lineno}: an exec block with "
                                     ":math: must end with an expression giving a string")
            result.append(nodes.math_block(value, value, nowrap=False, number=None,
                                           docname=env.docname))
            value = None
        if value is not None and not _figures(value):
            text += repr(value) + "\n"
        if text and "hide-output" not in self.options:
            result.append(nodes.literal_block(text, text, language="none",
                                              classes=["exec-output"]))
        for figure in figures:
            seen.add(figure)
            count = env.temp_data.setdefault("exec_count", {})
            n = count[env.docname] = count.get(env.docname, 0) + 1
            name = f"{env.docname.replace('/', '-')}-{n}.png"
            path = Path(env.srcdir) / GENERATED / "exec" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            figure.savefig(path, dpi=110)
            uri = f"/{GENERATED}/exec/{name}"
            result.append(nodes.image(uri=uri, alt="drawing", classes=["exec-figure"]))
        return result


def _purge(app, env, docname: str) -> None:
    env.temp_data.get("exec_namespaces", {}).pop(docname, None)
    env.temp_data.get("exec_count", {}).pop(docname, None)


def _done(app, doctree) -> None:
    # The namespace of a page lives while the page is read.
    env = app.env
    env.temp_data.get("exec_namespaces", {}).pop(env.docname, None)
    env.temp_data.get("exec_count", {}).pop(env.docname, None)


# ---- the API reference: every name of a package's __all__ --------------------------------

class PublicApiDirective(SphinxDirective):
    """``.. public-api:: package`` documents every name in ``package.__all__`` (classes with
    their members, functions, exceptions, data), grouped by kind, under the package's name.
    ``:extra:`` lists further dotted names (``module.name``) to document as well, skipped when
    the package already exports the same object."""

    required_arguments = 1
    option_spec = {"extra": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        import importlib

        from docutils.statemachine import StringList

        package = self.arguments[0]
        module = importlib.import_module(package)
        public = [(f"{package}.{name}", getattr(module, name)) for name in module.__all__]
        seen = {id(obj) for _, obj in public}
        for dotted in (self.options.get("extra") or "").split():
            owner, _, name = dotted.rpartition(".")
            try:
                obj = getattr(importlib.import_module(owner), name)
            except (ImportError, AttributeError):
                logger.warning(f"public-api: {dotted} does not exist (any more?)",
                               location=(self.env.docname, self.lineno))
                continue
            if id(obj) not in seen:
                public.append((dotted, obj))
                seen.add(id(obj))
        groups: dict[str, list[str]] = {"Classes": [], "Functions": [], "Exceptions": [],
                                        "Data": []}
        for dotted, obj in public:
            if isinstance(obj, type) and issubclass(obj, BaseException):
                groups["Exceptions"].append(f".. autoexception:: {dotted}")
            elif isinstance(obj, type):
                groups["Classes"].append(f".. autoclass:: {dotted}\n   :members:")
            elif callable(obj):
                groups["Functions"].append(f".. autofunction:: {dotted}")
            else:
                groups["Data"].append(_data_entry(dotted, obj))
        lines: list[str] = []
        for title, entries in groups.items():
            if entries:
                lines += [f".. rubric:: {title}", ""]
                for entry in entries:
                    lines += entry.splitlines() + [""]
        content = StringList(lines, source=f"<public-api {package}>")
        container = nodes.container()
        self.state.nested_parse(content, self.content_offset, container)
        return container.children


def _data_entry(dotted: str, obj: Any) -> str:
    """A ``py:data`` entry: the value when it is short, else its type and length (the
    docstring of a plain list or dict is the builtin's, not this library's)."""
    text = repr(obj)
    if len(text) <= 80:
        return f".. py:data:: {dotted}\n   :value: {text}"
    size = f" of {len(obj)} items" if hasattr(obj, "__len__") else ""
    laws = ""
    if hasattr(obj, "__len__") and len(obj) and all(
            type(x).__name__ == "Law" for x in (obj.values() if isinstance(obj, dict) else obj)):
        laws = " Laws of the catalogue, listed with their pictures on the :doc:`/laws` page."
    return f".. py:data:: {dotted}\n\n   A ``{type(obj).__name__}``{size}.{laws}"


# ---- sphinx-gallery: figures returned by draw() -------------------------------------------

_SCRAPED: weakref.WeakSet = weakref.WeakSet()


def figure_scraper(block, block_vars, gallery_conf, **kwargs) -> str:
    """Save every matplotlib ``Figure`` bound to a name of the tutorial and not shown yet."""
    from sphinx_gallery.scrapers import figure_rst

    figures = []
    for value in list(block_vars["example_globals"].values()):
        for figure in _figures(value):
            if figure not in _SCRAPED and figure not in figures:
                figures.append(figure)
    paths = []
    for figure, path in zip(figures, block_vars["image_path_iterator"]):
        figure.savefig(path, dpi=110)
        _SCRAPED.add(figure)
        paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])


# ---- the laws page -------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


_GROUPS = [
    ("CORE_LAWS", "Laws of Markov categories, as diagrams",
     "Each law is an equation between two string diagrams built from the boxes named in it. "
     "Both sides are interpreted with random kernels for the boxes and compared; a "
     "*syntactic* law also has its two sides compared as diagrams, up to the axioms."),
    ("SEMANTIC_LAWS", "Laws of the semantics",
     "Interpretation is a functor: one contraction of a random diagram equals the fold of "
     "the functor over its boxes, and it preserves composition and tensor."),
    ("INFERENCE_LAWS", "Laws of inference",
     "Disintegration, Bayesian inversion, conditioning on evidence, updates and Bayesian "
     "lenses, stated once with the generic functions of ``markov`` and run on every "
     "semantics they name. Finite kernels are drawn with zeros and Gaussian ones with "
     "singular covariances, so the zero-mass policies are exercised; where a conditional "
     "is unique only almost surely, the law compares the two sides almost surely."),
    ("CONDITIONING_LAWS", "Laws of exact conditioning",
     "Conditioning on equations ``M x = c`` (Stein & Staton), which only the Gaussian "
     "semantics has."),
]


def _catalogues() -> list[tuple[str, str, list]]:
    """The catalogue ``markov.testing.LAWS``, in the groups the package exports."""
    import markov.testing as testing

    out, listed = [], set()
    for attribute, title, intro in _GROUPS:
        laws = [law for law in getattr(testing, attribute, []) if law.name not in listed]
        if laws:
            out.append((title, intro, laws))
            listed |= {law.name for law in laws}
    rest = [law for law in testing.LAWS if law.name not in listed]
    if rest:
        out.append(("Other laws of the catalogue", "", rest))
    return out


def _source(function: Any) -> str:
    """The text of a law's side: the body of its lambda, or the source of a named function."""
    if getattr(function, "__name__", "") != "<lambda>":
        try:
            return textwrap.dedent(inspect.getsource(function)).strip()
        except (OSError, TypeError):
            return getattr(function, "__qualname__", repr(function))
    try:
        lines, start = inspect.getsourcelines(function)
        module = ast.parse(inspect.getsource(inspect.getmodule(function)))
        path = inspect.getsourcefile(function)
        text = Path(path).read_text()
    except (OSError, TypeError):
        return "<lambda>"
    code = function.__code__
    first = next(((line, col) for line, end, col, end_col in code.co_positions()
                  if None not in (line, end, col, end_col) and (end, end_col) > (line, col)),
                 None)
    best = None
    for n in ast.walk(module):
        if not isinstance(n, ast.Lambda) or n.lineno > code.co_firstlineno or \
                (n.end_lineno or n.lineno) < code.co_firstlineno:
            continue
        body = n.body
        if first is None or (body.lineno, body.col_offset) <= first <= (
                body.end_lineno, body.end_col_offset):
            best = n if best is None or len(ast.unparse(n)) < len(ast.unparse(best)) else best
    if best is None:
        return "<lambda>"
    segment = ast.get_source_segment(text, best.body) or ast.unparse(best.body)
    return re.sub(r"\(\s+", "(", " ".join(line.strip() for line in segment.splitlines()))


def _boxes(law: Any) -> dict | None:
    """Boxes named and typed as the law's arguments, from one drawn example."""
    from hypothesis import HealthCheck, Phase, find, settings

    from diagrams import Box

    backend = law.backends[0]
    example = find(law.data(backend), lambda _: True,
                   settings=settings(database=None, max_examples=50, derandomize=True,
                                     phases=[Phase.generate],
                                     suppress_health_check=list(HealthCheck)))
    return {n: Box(n, k.dom, k.cod) for n, k in example.items()}


def _draw_side(diagram: Any, path: Path) -> None:
    from diagrams.drawing import draw

    figure = draw(diagram)
    figure.savefig(path, dpi=110)


def _equality(law: Any) -> str:
    kind = {"equal": "equal (exactly on exact arrays, within the checker's tolerance on floats)",
            "almost_surely": "equal almost surely"}.get(law.equality, law.equality)
    if law.equality == "almost_surely" and law.state is not None:
        kind += f", with respect to the state `{_source(law.state)}`"
    return kind


def write_laws_page(srcdir: Path) -> Path:
    out = srcdir / GENERATED
    images = out / "laws"
    images.mkdir(parents=True, exist_ok=True)
    lines = []
    count = 0
    for title, intro, laws in _catalogues():
        lines += [f"## {title}", "", intro, ""]
        for law in laws:
            count += 1
            lines += [f"### {law.name}", ""]
            if law.doc:
                lines += [law.doc[0].upper() + law.doc[1:] + ("" if law.doc.endswith(".")
                                                              else "."), ""]
            role = ("**Negative control**: must fail on some example."
                    if not law.expect else "Must hold on every example.")
            facts = [role, f"Equality: {_equality(law)}.",
                     f"Backends: {', '.join(f'`{b}`' for b in law.backends)}."]
            if law.condition is not None:
                facts.append(f"Side condition: `{_source(law.condition)}`.")
            if law.syntactic is True:
                facts.append("The two sides are equal as diagrams, up to the axioms.")
            elif law.syntactic is False:
                facts.append("The two sides are different diagrams: the law is one of the "
                             "semantics, not of the syntax.")
            lines += ["- " + f for f in facts] + [""]
            if law.on == "diagrams":
                boxes = _boxes(law)
                slug = _slug(law.name)
                left, right = images / f"{slug}-lhs.png", images / f"{slug}-rhs.png"
                _draw_side(law.lhs(**boxes), left)
                _draw_side(law.rhs(**boxes), right)
                relation = "≠" if not law.expect else "="
                typed = ", ".join(f"`{n}: {b.dom} → {b.cod}`" for n, b in boxes.items())
                lines += [f"Boxes: {typed}.", "",
                          "| left side | | right side |", "|:-:|:-:|:-:|",
                          f"| `{_source(law.lhs)}` | | `{_source(law.rhs)}` |",
                          f"| ![left side of {law.name}](/{GENERATED}/laws/{left.name}) "
                          f"| {relation} | ![right side of {law.name}]"
                          f"(/{GENERATED}/laws/{right.name}) |", ""]
            else:
                for side, function in (("Left side", law.lhs), ("Right side", law.rhs)):
                    lines += [f"{side}:", "", "```python", _source(function), "```", ""]
    header = [f"The catalogue holds {count} laws, generated from the code when these pages "
              "were built.", ""]
    path = out / "laws.md"
    _write_if_changed(path, "\n".join(header + lines) + "\n")
    return path


def write_performance_page(srcdir: Path) -> Path:
    source = srcdir / "performance.md"
    if source.exists():
        text = source.read_text()
        # The copy lives one folder down: relative links and images get a "../".
        text = re.sub(r"(\]\()(?![a-z]+:|/|#)", r"\1../", text)
        if not re.match(r"\s*# ", text):
            text = "# Performance\n\n" + text
    else:
        text = ("# Performance\n\nThe benchmark results have not been generated in this "
                "checkout yet: run `make bench`, which writes `docs/performance.md`, then "
                "rebuild the docs.\n")
    path = srcdir / GENERATED / "performance.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(path, text)
    return path


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _generate(app) -> None:
    srcdir = Path(app.srcdir)
    write_performance_page(srcdir)
    write_laws_page(srcdir)


def setup(app):
    app.add_directive("exec", ExecDirective)
    app.add_directive("public-api", PublicApiDirective)
    app.connect("builder-inited", _generate)
    app.connect("env-purge-doc", _purge)
    app.connect("doctree-read", _done)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
