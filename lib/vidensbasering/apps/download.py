"""A download button for Voila apps that writes nothing to the server's disk.

Clicking the button asks the kernel for the file; the kernel builds the bytes in memory (only then,
so costly formats such as PNG cost nothing until someone wants them) and sends them back over the
widget's comm as a binary buffer. The browser wraps them in a ``Blob``, points a temporary
``<a download>`` at its object URL and clicks it, so the browser's own download starts. No file
is written on the server and no URL on the server serves it.

The button is a native ``<button>`` (reachable with Tab, pressed with Enter or Space) with the
classes of an ipywidgets button, so it looks like the app's other buttons. Built on anywidget,
which Altair's offline chart widget already needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from vidensbasering.files import Download

__all__ = ["Download", "DownloadButton"]


_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-widgets jupyter-button widget-button vb-download-button";
  let waiting = false;
  const show = () => {
    button.textContent = waiting ? model.get("busy_label") : model.get("label");
    button.title = model.get("tooltip");
    button.disabled = waiting || model.get("disabled");
    button.setAttribute("aria-busy", waiting ? "true" : "false");
  };
  button.addEventListener("click", () => {
    if (waiting) return;
    waiting = true;
    show();
    model.send({ event: "request" });
  });
  const onMessage = (msg, buffers) => {
    if (!waiting) return;  // another view of this model asked
    waiting = false;
    show();
    if (msg.event !== "file") return;
    const blob = new Blob(buffers, { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  };
  model.on("msg:custom", onMessage);
  model.on("change:label", show);
  model.on("change:busy_label", show);
  model.on("change:tooltip", show);
  model.on("change:disabled", show);
  show();
  el.appendChild(button);
  return () => model.off("msg:custom", onMessage);
}
export default { render };
"""

_CSS = """
.vb-download-button { width: auto; padding: 0 0.9em; }
"""


class DownloadButton(anywidget.AnyWidget):
    """A button that downloads a file built on demand by ``make_file``.

    Args:
        label: the button's text.
        make_file: called on each click with no arguments; returns the :class:`Download`. An
            exception it raises is passed to ``on_error`` (the button becomes usable again).
        on_error: called with the exception when ``make_file`` fails; by default re-raised.
        busy_label: the button's text while the file is being made.
        tooltip: the button's title (shown on hover, read by screen readers).
    """

    _esm = _ESM
    _css = _CSS
    label = traitlets.Unicode("").tag(sync=True)
    busy_label = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        label: str,
        make_file: Callable[[], Download],
        on_error: Callable[[Exception], None] | None = None,
        busy_label: str = "…",
        tooltip: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(label=label, busy_label=busy_label, tooltip=tooltip, **kwargs)
        self._make_file = make_file
        self._on_error = on_error
        self.on_msg(self._handle_message)

    def _handle_message(self, _widget: object, content: dict[str, Any], _buffers: list) -> None:
        if content.get("event") != "request":
            return
        self.deliver()

    def deliver(self) -> Download | None:
        """Build the file and send it to the browser; return it (``None`` if building failed)."""
        try:
            download = self._make_file()
        except Exception as error:  # handed to the app, which explains it
            self.send({"event": "failed"})
            if self._on_error is None:
                raise
            self._on_error(error)
            return None
        self.send(
            {"event": "file", "filename": download.filename, "mime": download.mime},
            buffers=[download.data],
        )
        return download
