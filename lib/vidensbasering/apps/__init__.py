"""The widgets behind each Voila app; a notebook in ``notebooks/apps/`` only wires one up.

Importing this package registers one ipywidgets construction hook: a widget created without a
tooltip gets an empty one. ipywidgets' front end writes a missing tooltip into the page as the
text "null" (the ``title`` of labels, buttons and the upload button), which a screen reader
reads out and a mouse shows.
"""

from __future__ import annotations

import ipywidgets


def _empty_tooltip(widget: ipywidgets.Widget) -> None:
    if isinstance(widget, ipywidgets.DOMWidget) and widget.tooltip is None:
        widget.tooltip = ""


ipywidgets.Widget.on_widget_constructed(_empty_tooltip)
