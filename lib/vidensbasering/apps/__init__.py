"""The widgets behind each Voila app; a notebook in ``notebooks/apps/`` only wires one up.

Importing this package does two things for every app kernel:

- It skips one optional import that costs more than everything else it loads: Altair validates
  chart specs with ``jsonschema``, whose format checkers import ``rfc3987-syntax`` when it is
  installed (it is, for ``jupyter-events`` on the server side), and that package builds an Earley
  parser for its IRI grammar at import, 2.5 s of CPU in every new kernel measured here. It
  provides only the ``iri`` and ``iri-reference`` formats, which no Vega-Lite schema uses, so
  marking it absent before ``jsonschema`` is first imported changes no validation Altair does
  (the checkers are simply not registered). :func:`skip_unused_iri_checker` is a no-op when
  ``jsonschema`` has already been imported.
- It registers one ipywidgets construction hook: a widget created without a tooltip gets an
  empty one. ipywidgets' front end writes a missing tooltip into the page as the text "null"
  (the ``title`` of labels, buttons and the upload button), which a screen reader reads out and
  a mouse shows.
"""

from __future__ import annotations

import sys

import ipywidgets


def skip_unused_iri_checker() -> bool:
    """Keep ``jsonschema`` from importing ``rfc3987_syntax`` in this process, if still possible.

    Returns:
        True if the import is now skipped, False if it was too late (``jsonschema``'s format
        module or ``rfc3987_syntax`` is already loaded) and nothing was changed.
    """
    if "jsonschema._format" in sys.modules or "rfc3987_syntax" in sys.modules:
        return False
    # ``None`` in sys.modules makes ``import rfc3987_syntax`` raise ImportError, which
    # jsonschema handles by leaving the two IRI formats out.
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    return True


def _empty_tooltip(widget: ipywidgets.Widget) -> None:
    if isinstance(widget, ipywidgets.DOMWidget) and widget.tooltip is None:
        widget.tooltip = ""


skip_unused_iri_checker()
ipywidgets.Widget.on_widget_constructed(_empty_tooltip)
