"""Form fields whose changes reach the kernel in the order the person made them.

Why not ``ipywidgets.Text`` and ``Dropdown``: ipywidgets throttles each widget's state updates to
the kernel (while one update awaits the kernel, later ones are held back and merged), but sends
custom messages, such as the text field's "submit" on Enter and a button's "click", at once. A
choice made or a word typed just before Enter or a click can therefore reach the kernel after it,
and the form would be saved with a shortened text or for the wrong item. These fields send every
change, and Enter, as custom messages, which the kernel receives in the order they were sent; the
Enter message also carries the text on screen.

Each field is a native ``<input>`` or ``<select>`` with a ``<label for>``, laid out with
ipywidgets' classes so it lines up with the app's other controls. Built on anywidget.

:class:`DecimalField` is the field for every number a person types in an app: it reads and shows
numbers the Danish way (:mod:`vidensbasering.numbers`), and a number it cannot read, or one
outside the allowed range, is refused with a Danish message under the field; the last valid
number stays in use (nothing is clipped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import traitlets

from vidensbasering.numbers import NumberInputError, check_range, format_number, parse_number

_COMMON_JS = r"""
let counter = 0;
function row(model, kind, control) {
  counter += 1;
  const id = `vb-field-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const box = document.createElement("div");
  box.className = `widget-inline-hbox jupyter-widgets vb-field widget-${kind}`;
  const label = document.createElement("label");
  label.className = "widget-label";
  label.htmlFor = id;
  control.id = id;
  const show = () => {
    label.textContent = model.get("description");
    label.style.width = model.get("description_width");
    control.disabled = model.get("disabled");
  };
  for (const name of ["description", "description_width", "disabled"]) {
    model.on(`change:${name}`, show);
  }
  // Keep keys away from JupyterLab's shortcuts when the app runs inside JupyterLab.
  control.addEventListener("keydown", (event) => event.stopPropagation());
  show();
  box.append(label, control);
  return box;
}
"""

_TEXT_ESM = (
    _COMMON_JS
    + r"""
function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "text";
  input.className = "widget-input";
  input.value = model.get("initial");
  const showPlaceholder = () => { input.placeholder = model.get("placeholder"); };
  model.on("change:placeholder", showPlaceholder);
  showPlaceholder();
  input.addEventListener("input", () => model.send({ event: "input", value: input.value }));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      model.send({ event: "submit", value: input.value });
    }
  });
  const onMessage = (msg) => { if (msg.event === "set") input.value = msg.value; };
  model.on("msg:custom", onMessage);
  el.appendChild(row(model, "text", input));
  return () => model.off("msg:custom", onMessage);
}
export default { render };
"""
)

_SELECT_ESM = (
    _COMMON_JS
    + r"""
function render({ model, el }) {
  const select = document.createElement("select");
  const fill = (index) => {
    select.replaceChildren(...model.get("labels").map((text, i) => new Option(text, String(i))));
    select.selectedIndex = index;
  };
  fill(model.get("initial_index"));
  model.on("change:labels", () => fill(model.get("initial_index")));
  select.addEventListener("change", () => {
    model.send({ event: "change", index: select.selectedIndex });
  });
  const onMessage = (msg) => { if (msg.event === "set") select.selectedIndex = msg.index; };
  model.on("msg:custom", onMessage);
  el.appendChild(row(model, "dropdown", select));
  return () => model.off("msg:custom", onMessage);
}
export default { render };
"""
)

_DECIMAL_ESM = (
    _COMMON_JS
    + r"""
function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.className = "widget-input";
  input.value = model.get("initial");
  const message = document.createElement("p");
  message.className = "vb-field-error";
  message.id = `vb-field-error-${Math.random().toString(36).slice(2, 10)}`;
  const showError = (text) => {
    message.textContent = text;
    message.hidden = !text;
    // Announced when it appears; the field points at it while it holds an error.
    message.setAttribute("role", text ? "alert" : "status");
    input.setAttribute("aria-invalid", text ? "true" : "false");
    if (text) input.setAttribute("aria-describedby", message.id);
    else input.removeAttribute("aria-describedby");
  };
  input.addEventListener("input", () => model.send({ event: "input", value: input.value }));
  // Enter, or leaving the field after a change, hands the number to the kernel.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      model.send({ event: "submit", value: input.value });
    }
  });
  input.addEventListener("change", () => model.send({ event: "change", value: input.value }));
  // Live changes come as custom messages, in order with the text the kernel sets.
  const onMessage = (msg) => {
    if (msg.event === "set") input.value = msg.value;
    if (msg.event === "error") showError(msg.text);
  };
  model.on("msg:custom", onMessage);
  el.appendChild(row(model, "text", input));
  el.appendChild(message);
  showError(model.get("error"));
  return () => model.off("msg:custom", onMessage);
}
export default { render };
"""
)

_CSS = """
.vb-field { width: 100%; }
.vb-field-error { color: #a33b00; font-weight: bold; margin: 0.2em 0 0.4em; }
.vb-field .widget-label { flex: none; }
.vb-field .widget-input, .vb-field select { flex: 1 1 auto; min-width: 0; }
"""


class _Field(anywidget.AnyWidget):
    _css = _CSS
    description = traitlets.Unicode("").tag(sync=True)
    description_width = traitlets.Unicode("auto").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._handle_message)

    def _handle_message(self, _widget: object, content: dict[str, Any], _buffers: list) -> None:
        self.receive(content)

    def receive(self, content: dict[str, Any]) -> None:
        """Handle one message from the browser (see the subclasses)."""
        raise NotImplementedError


class TextField(_Field):
    """A labelled one-line text input; :attr:`value` is always the text last typed or set.

    Args:
        description: the label, e.g. ``"Tekst:"``.
        placeholder: grey example text shown while the field is empty.
        description_width: CSS width of the label column, e.g. ``"9em"``.
    """

    _esm = _TEXT_ESM
    placeholder = traitlets.Unicode("").tag(sync=True)
    #: The text a newly drawn view starts with (set with :attr:`value`).
    initial = traitlets.Unicode("").tag(sync=True)

    def __init__(self, description: str = "", placeholder: str = "", **kwargs: Any) -> None:
        super().__init__(description=description, placeholder=placeholder, **kwargs)
        self._value = self.initial
        self._on_submit: list[Callable[[], None]] = []

    @property
    def value(self) -> str:
        """The text in the field."""
        return self._value

    @value.setter
    def value(self, text: str) -> None:
        # Setting the text it already holds sends nothing, so it cannot overwrite letters that
        # are typed but not yet received.
        if text == self._value:
            return
        self._value = text
        self.initial = text
        self.send({"event": "set", "value": text})

    def on_submit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (no arguments) on Enter, after :attr:`value` took the text shown."""
        self._on_submit.append(callback)

    def receive(self, content: dict[str, Any]) -> None:
        """``{"event": "input" | "submit", "value": text}``: the text changed / Enter."""
        event, text = content.get("event"), content.get("value")
        if event not in ("input", "submit") or not isinstance(text, str):
            return
        self._value = text
        if event == "submit":
            for callback in self._on_submit:
                callback()


class SelectField(_Field):
    """A labelled drop-down list of ``(label, value)`` options, like ``ipywidgets.Dropdown``.

    Args:
        description: the label, e.g. ``"Type:"``.
        options: ``(label, value)`` pairs; values must be distinct.
        description_width: CSS width of the label column.
    """

    _esm = _SELECT_ESM
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: The option a newly drawn view (or a new list of options) starts with.
    initial_index = traitlets.Int(-1).tag(sync=True)

    def __init__(
        self, description: str = "", options: Sequence[tuple[str, Any]] = (), **kwargs: Any
    ) -> None:
        super().__init__(description=description, **kwargs)
        self._options: tuple[tuple[str, Any], ...] = ()
        self._index = -1
        self._on_change: list[Callable[[], None]] = []
        self.options = options

    @property
    def options(self) -> tuple[tuple[str, Any], ...]:
        """The ``(label, value)`` pairs. Setting them keeps the chosen value if it is still
        there, else chooses the first option (none if the list is empty)."""
        return self._options

    @options.setter
    def options(self, options: Sequence[tuple[str, Any]]) -> None:
        options = tuple((str(label), value) for label, value in options)
        values = [value for _, value in options]
        if len(set(map(repr, values))) != len(values):
            raise ValueError("option values must be distinct")
        current = self.value
        self._options = options
        index = values.index(current) if current in values else (0 if options else -1)
        self._index = index
        with self.hold_sync():
            self.initial_index = index
            self.labels = [label for label, _ in options]
        self.send({"event": "set", "index": index})

    @property
    def value(self) -> Any:
        """The chosen option's value (``None`` when there are no options)."""
        return self._options[self._index][1] if self._index >= 0 else None

    @value.setter
    def value(self, value: Any) -> None:
        values = [v for _, v in self._options]
        if value not in values:
            raise ValueError(f"{value!r} is not one of the options")
        self._index = values.index(value)
        self.initial_index = self._index
        self.send({"event": "set", "index": self._index})

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (no arguments) when the person chooses another option."""
        self._on_change.append(callback)

    def receive(self, content: dict[str, Any]) -> None:
        """``{"event": "change", "index": i}``: the person chose option ``i``."""
        index = content.get("index")
        if content.get("event") != "change" or not isinstance(index, int):
            return
        if not 0 <= index < len(self._options) or index == self._index:
            return
        self._index = index
        self.initial_index = index
        for callback in self._on_change:
            callback()


class DecimalField(_Field):
    """A labelled field for one number, typed and shown the Danish way (``0,85``).

    The person's text is read with :func:`vidensbasering.numbers.parse_number` when they press
    Enter or leave the field. A valid number becomes :attr:`value` and the ``on_change``
    callbacks run; text that is not a Danish number, or a number outside the range, is refused:
    :attr:`error` holds the Danish message (shown under the field and announced to screen
    readers) and :attr:`value` keeps the last valid number. Nothing is rounded or clipped.

    Args:
        description: the label, e.g. ``"Skalaens reliabilitet (0–1):"``.
        value: the starting number (must be in range).
        minimum, maximum: the allowed range (``None``: unbounded on that side).
        include_minimum, include_maximum: whether the bounds themselves are allowed.
        decimals: decimals shown when the app sets :attr:`value` (what the person typed is left
            as typed).
        description_width: CSS width of the label column.

    Raises:
        ValueError: ``value`` is outside the range.
    """

    _esm = _DECIMAL_ESM
    #: The text a newly drawn view starts with.
    initial = traitlets.Unicode("").tag(sync=True)
    #: The Danish message for the text last entered, or ``""`` when it was a valid number.
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        description: str = "",
        value: float = 0.0,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        include_minimum: bool = True,
        include_maximum: bool = True,
        decimals: int = 2,
        **kwargs: Any,
    ) -> None:
        super().__init__(description=description, **kwargs)
        self._range = {
            "minimum": minimum,
            "maximum": maximum,
            "include_minimum": include_minimum,
            "include_maximum": include_maximum,
            "decimals": decimals,
        }
        self.decimals = decimals
        self._on_change: list[Callable[[], None]] = []
        self._text = ""
        self._value = float("nan")
        self.value = value

    @property
    def value(self) -> float:
        """The last valid number entered or set."""
        return self._value

    @value.setter
    def value(self, number: float) -> None:
        check_range(float(number), **self._range)  # the app's own number must be in range too
        text = format_number(number, self.decimals)
        self._value = float(number)
        self._show_error("")
        if text != self._text:
            self._text = text
            self.initial = text
            self.send({"event": "set", "value": text})

    @property
    def text(self) -> str:
        """The text in the field, as typed."""
        return self._text

    def parse(self, text: str) -> float:
        """Read ``text`` with this field's range.

        Raises:
            NumberInputError: with the Danish message (:func:`vidensbasering.numbers.parse_number`).
        """
        return parse_number(text, **self._range)

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (no arguments) when the person enters a new valid number."""
        self._on_change.append(callback)

    def enter(self, text: str) -> None:
        """Take ``text`` as entered by the person (Enter or leaving the field)."""
        self._text = text
        try:
            number = self.parse(text)
        except NumberInputError as error:
            self._show_error(str(error))
            return
        self._show_error("")
        if number == self._value:
            return
        self._value = number
        for callback in self._on_change:
            callback()

    def _show_error(self, text: str) -> None:
        """Show ``text`` under the field (``""`` hides it), in views drawn now and later."""
        if text == self.error:
            return
        self.error = text  # for views drawn later
        self.send({"event": "error", "text": text})

    def receive(self, content: dict[str, Any]) -> None:
        """``{"event": "input" | "submit" | "change", "value": text}`` from the browser."""
        event, text = content.get("event"), content.get("value")
        if not isinstance(text, str):
            return
        if event == "input":
            self._text = text
        elif event in ("submit", "change"):
            self.enter(text)
