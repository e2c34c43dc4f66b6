"""Long work shows itself: a progress bar over the steps of a query, a sample or a fit.

With ``progress=True`` a tqdm bar (when tqdm is installed: the ``progress`` extra) advances
through the named steps of the work, e.g. ``compile``, ``bind``, ``contract``, ``normalise``
for a query; without tqdm the steps go to the ``causal`` logger at DEBUG level. Plans for large
networks log their cost through :mod:`logging` (logger ``markov.contraction``) when compiled.
"""

from __future__ import annotations

from typing import Any

from diagrams._lazy import DEBUG, log


class Steps:
    """Named steps of one piece of work, shown as a progress bar when asked.

    >>> steps = Steps(False, ("compile", "contract"), "query")
    >>> steps.advance("compile"); steps.advance("contract"); steps.close()
    """

    def __init__(self, show: bool, names: tuple[str, ...], what: str):
        self._what = what
        self._bar: Any = None
        if show:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                log("causal", DEBUG, "%s: tqdm is not installed (pip install "
                    "'markov-categories[progress]'); steps go to the log", what)
            else:
                self._bar = tqdm(total=len(names), desc=what, leave=False)

    def advance(self, name: str) -> None:
        """One step done."""
        if self._bar is not None:
            self._bar.set_postfix_str(name, refresh=False)
            self._bar.update(1)
        else:
            log("causal", DEBUG, "%s: %s done", self._what, name)

    def close(self) -> None:
        """The work is over (the bar is removed)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
