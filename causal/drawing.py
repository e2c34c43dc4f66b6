"""Drawing causal models: the model's diagram with latent mechanisms dashed and intervened
ones marked (a thin layer over :mod:`diagrams.drawing`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from causal.surgery import do_box

#: Matplotlib patch properties of a latent variable's mechanism box.
LATENT_STYLE = {"linestyle": "--", "facecolor": "#f2f2f2"}
#: Matplotlib patch properties of an intervention box ``do(X)``.
INTERVENED_STYLE = {"facecolor": "#fbd5d5", "edgecolor": "#b22222", "linewidth": 2.0}


def styles(model: Any = None, *, latent: Iterable[str] = (), intervened: Iterable[str] = ()
           ) -> dict[str, dict[str, Any]]:
    """The box styles of :func:`draw`: latent mechanisms dashed, ``do(X)`` boxes marked.

    >>> styles(latent=["U"], intervened=["S"])["do(S)"]["edgecolor"]
    '#b22222'
    """
    latent, intervened = set(latent), set(intervened)
    if model is not None:
        latent |= set(model.latent)
        intervened |= set(model.intervened)
    out = {v: dict(LATENT_STYLE) for v in latent}
    out.update({do_box(v).name: dict(INTERVENED_STYLE) for v in intervened})
    return out


def draw(model: Any, path: Any = None, *, do: Iterable[str] | Mapping[str, Any] = (),
         extra_styles: Mapping[str, Mapping[str, Any]] | None = None, **kwargs: Any):
    """Draw a causal model's diagram (or any diagram) with matplotlib, variables by name,
    latent mechanisms dashed and intervened ones marked; write it to ``path`` if given.
    ``do`` names variables to intervene on first (by surgery, as in
    :meth:`CausalModel.do`); other keywords go to :func:`diagrams.drawing.draw`.

    >>> from causal import CausalModel
    >>> m = CausalModel({"U": [], "S": ["U"]}, {"U": [0.5, 0.5], "S": [[1, 0], [0, 1]]},
    ...                 latent=["U"])
    >>> fig = draw(m, do=["S"])
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['S', 'U', 'U', 'do(S)']
    """
    from causal.surgery import surgery
    from diagrams import Box, Diagram
    from diagrams.drawing import draw as draw_diagram

    do = list(do)
    if isinstance(model, (Diagram, Box)):
        diagram, style = model, styles(intervened=do)
    else:
        diagram, style = model.diagram, styles(model, intervened=do)
    if do:
        diagram = surgery(diagram, do)
    style.update({k: dict(v) for k, v in (extra_styles or {}).items()})
    return draw_diagram(diagram, path, styles=style, **kwargs)
