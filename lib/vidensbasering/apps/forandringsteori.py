"""App "Opstil en forandringsteori": build a theory of change in a browser, without code.

A workshop participant starts from an empty theory of change or one of the course's examples,
fills in the frame (title, problem statement, target group, context), adds, edits and deletes
elements (kind, text, indicators on outputs and outcomes) and links (from, to, assumption) with
forms, and sees the diagram and the validation findings follow every change. The work is
downloaded as JSON (to continue later: uploading the file restores it), PNG, SVG or Markdown.

Nothing is stored on the server: the theory of change lives in the kernel's memory, uploads are
read from memory and not logged, and downloads are built in memory and sent to the browser
(:mod:`vidensbasering.apps.download`).

The model, validation, diagram and exports come from :mod:`vidensbasering.theory_of_change`, and
what the forms do to the model (edits, labels for choices, messages, files) from
:mod:`vidensbasering.theory_of_change.editing`: each action makes one call there. This module
holds only the widgets, their layout and their wiring. Redrawing is kept cheap: the chart widget
is created once and only its Vega-Lite spec is replaced; the spec comes from
:func:`~vidensbasering.theory_of_change.diagram_spec` (the chart's structure is built once, each
edit fills in data, size and title), and it is sent only when something the diagram shows has
changed. Form fields come from :mod:`.fields` (see there why not plain ipywidgets). Every text
shown comes from the ``forandringsteori`` section of the UI catalog.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import altair as alt
import ipywidgets as widgets
from IPython.display import display
from pydantic import ValidationError

from vidensbasering import charts
from vidensbasering.apps.download import DownloadButton
from vidensbasering.apps.fields import SelectField, TextField
from vidensbasering.i18n import t
from vidensbasering.theory_of_change import (
    CHAIN,
    Finding,
    Indicator,
    Severity,
    TheoryOfChange,
    TheoryOfChangeFileError,
    diagram_spec,
    editing,
    load_example,
    validate,
)
from vidensbasering.theory_of_change.editing import (  # re-exported: the names this module had
    FORMATS,
    FRAME_FIELDS,
    INDICATOR_FIELDS,
    LABEL_CHARS,
    LONG_FRAME_FIELDS,
    NEW_ELEMENT,
    NEW_ITEM,
    add_element,
    diagram_key,
    element_label,
    element_name,
    element_options,
    example_titles,
    export,
    file_stem,
    indicator_options,
    link_options,
    message_of,
    read_upload,
    remove_indicator,
    save_indicator,
    save_link,
    short,
    start_options,
    takes_indicators,
    update_element,
)

__all__ = [
    "FORMATS",
    "FRAME_FIELDS",
    "INDICATOR_FIELDS",
    "LABEL_CHARS",
    "LONG_FRAME_FIELDS",
    "NEW_ELEMENT",
    "NEW_ITEM",
    "ForandringsteoriApp",
    "add_element",
    "app",
    "diagram_key",
    "element_label",
    "element_name",
    "element_options",
    "example_titles",
    "export",
    "file_stem",
    "findings_html",
    "indicator_options",
    "link_options",
    "message_of",
    "read_upload",
    "remove_indicator",
    "save_indicator",
    "save_link",
    "short",
    "start_options",
    "status_html",
    "takes_indicators",
    "update_element",
]

#: vega-embed options: SVG (crisp; readable by screen readers and tests), no action menu (its
#: links lead to the public Vega editor).
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


# -- what the forms show -------------------------------------------------------------------------


def _count(n: int, key: str) -> str:
    return t(f"forandringsteori.app_n_{key}_{'one' if n == 1 else 'other'}", n=n)


def findings_html(findings: Sequence[Finding]) -> str:
    """The findings as HTML: a summary sentence and a list (errors first), text escaped.

    Each item carries ``data-rule`` (the rule's key) and the class ``vb-error`` or
    ``vb-warning``.
    """
    if not findings:
        return f'<p class="vb-findings-summary vb-ok">{t("forandringsteori.app_findings_none")}</p>'
    n_errors = sum(f.severity is Severity.ERROR for f in findings)
    n_warnings = len(findings) - n_errors
    if n_errors:
        summary = t(
            "forandringsteori.app_findings_summary",
            errors=_count(n_errors, "errors"),
            warnings=_count(n_warnings, "warnings"),
        )
    else:
        summary = t(
            "forandringsteori.app_findings_summary_warnings",
            warnings=_count(n_warnings, "warnings"),
        )
    items = "".join(
        f'<li class="vb-{f.severity.value}" data-rule="{f.rule}">'
        f"<strong>{f.severity.label}:</strong> {html.escape(f.message)}</li>"
        for f in findings
    )
    return f'<p class="vb-findings-summary">{summary}</p><ul class="vb-findings">{items}</ul>'


def status_html(text: str, error: bool = False) -> str:
    """A form's feedback line; errors are announced at once (``role="alert"``)."""
    if not text:
        return ""
    role, css = ("alert", "vb-status vb-status-error") if error else ("status", "vb-status")
    return f'<p role="{role}" class="{css}">{html.escape(text)}</p>'


# -- widgets ---------------------------------------------------------------------------------------

_CSS = """
<style>
.vb-toc h2 { font-size: 1.25em; margin: 1.2em 0 0.4em; }
.vb-toc h3 { font-size: 1.05em; margin: 0.9em 0 0.3em; }
.vb-toc p { max-width: 70em; }
.vb-toc .vb-form { border: 1px solid #d0d0d0; border-radius: 4px; padding: 0.4em 0.8em 0.8em;
  margin: 0 0.4em 0.4em 0; }
.vb-toc .vb-status { margin: 0.3em 0; color: #1a1a1a; }
.vb-toc .vb-status-error { color: #a33b00; font-weight: bold; }
.vb-toc ul.vb-findings { margin: 0.3em 0; padding-left: 1.3em; }
.vb-toc ul.vb-findings li { margin: 0.25em 0; }
.vb-toc li.vb-error strong { color: #a33b00; }
.vb-toc li.vb-warning strong { color: #6b5200; }
.vb-toc .vb-ok { color: #006b4f; font-weight: bold; }
.vb-toc .vb-diagram svg { max-width: 100%; height: auto; }
.vb-toc .vb-hint { color: #4d4d4d; font-size: 0.92em; }
</style>
"""

_DESCRIPTION_STYLE = {"description_width": "9em"}
_FULL = {"width": "98%"}


def _heading(level: int, key: str, **values: Any) -> widgets.HTML:
    return widgets.HTML(
        f"<h{level}>{html.escape(t(f'forandringsteori.{key}', **values))}</h{level}>"
    )


def _paragraph(key: str, css: str = "") -> widgets.HTML:
    return widgets.HTML(f'<p class="{css}">{html.escape(t(f"forandringsteori.{key}"))}</p>')


def _text(key: str, long: bool = False, **kwargs: Any) -> widgets.Widget:
    cls = widgets.Textarea if long else widgets.Text
    return cls(
        description=t(f"forandringsteori.{key}"),
        style=_DESCRIPTION_STYLE,
        layout=_FULL if not long else {"width": "98%", "height": "4.5em"},
        **kwargs,
    )


def _field(key: str, placeholder: str = "", suffix: str = "") -> TextField:
    """A one-line field for a form: Enter submits the text on screen (see :mod:`.textfield`)."""
    return TextField(
        description=t(f"forandringsteori.{key}") + suffix,
        placeholder=placeholder,
        description_width=_DESCRIPTION_STYLE["description_width"],
        layout=_FULL,
    )


def _dropdown(key: str, options: list[tuple[str, Any]]) -> SelectField:
    """A drop-down list for a form (see :mod:`.fields` for why not ``ipywidgets.Dropdown``)."""
    return SelectField(
        description=t(f"forandringsteori.{key}"),
        options=options,
        description_width=_DESCRIPTION_STYLE["description_width"],
        layout=_FULL,
    )


def _button(key: str, style: str = "") -> widgets.Button:
    return widgets.Button(description=t(f"forandringsteori.{key}"), button_style=style)


class ForandringsteoriApp:
    """The app's widgets around one :class:`TheoryOfChange` held in memory.

    Attributes:
        toc: the theory of change being built.
        findings: its validation findings, as last shown.
        widget: the whole app, ready to ``display``.
    """

    def __init__(self, toc: TheoryOfChange | None = None) -> None:
        charts.use_offline_renderer()
        # One chart widget whose spec is replaced on each change; its JavaScript comes from
        # vl-convert, not from a CDN.
        alt.JupyterChart.enable_offline()
        self.toc = toc if toc is not None else TheoryOfChange()
        self.findings: list[Finding] = []
        self._quiet_depth = 0
        self._diagram_key: str | None = None
        self._view: alt.JupyterChart | None = None
        self._build_widgets()
        self.refresh()

    # -- construction ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        # Start, open and download.
        self.start_choice = _dropdown("app_start_label", start_options())
        self.start_choice.layout = {"width": "34em"}
        self.start_button = _button("app_start_button")
        self.start_button.tooltip = t("forandringsteori.app_start_tooltip")
        self.confirm_yes = _button("app_confirm_yes", "warning")
        self.confirm_no = _button("app_confirm_no")
        self.confirm_box = widgets.VBox(
            [
                _paragraph("app_confirm_replace"),
                widgets.HBox([self.confirm_yes, self.confirm_no]),
            ],
            layout={"display": "none"},
        )
        self.upload = widgets.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description=t("forandringsteori.app_upload_label"),
            tooltip=t("forandringsteori.app_upload_tooltip"),
            layout={"width": "auto"},
        )
        self.downloads = {
            fmt: DownloadButton(
                t(f"forandringsteori.app_download_{fmt}"),
                make_file=lambda fmt=fmt: export(self.toc, fmt, self.findings),
                on_error=self._download_failed,
                busy_label=t("forandringsteori.app_download_busy"),
            )
            for fmt in FORMATS
        }
        self.file_status = widgets.HTML()

        # The frame.
        self.frame = {
            field: _text(
                f"app_frame_{field}", long=field in LONG_FRAME_FIELDS, continuous_update=False
            )
            for field in FRAME_FIELDS
        }

        # Elements and their indicators.
        self.element_choice = _dropdown("app_element_choice", [])
        self.element_kind = _dropdown(
            "app_element_kind", [(k.label.capitalize(), k.value) for k in CHAIN]
        )
        self.element_text = _field(
            "app_element_text", placeholder=t("forandringsteori.app_element_text_placeholder")
        )
        self.element_save = _button("app_element_add", "primary")
        self.element_delete = _button("app_element_delete", "danger")
        self.element_status = widgets.HTML()
        self.indicator_heading = widgets.HTML()
        self.indicator_choice = _dropdown("app_indicator_choice", [])
        self.indicator_fields = {
            field: _field(f"col_{field}", suffix=":") for field in INDICATOR_FIELDS
        }
        self.indicator_save = _button("app_indicator_add", "primary")
        self.indicator_delete = _button("app_indicator_delete", "danger")
        self.indicator_status = widgets.HTML()
        self.indicator_form = widgets.VBox(
            [
                self.indicator_heading,
                self.indicator_choice,
                *self.indicator_fields.values(),
                widgets.HBox([self.indicator_save, self.indicator_delete]),
                self.indicator_status,
            ]
        )
        self.indicator_hint = _paragraph("app_indicators_hint", "vb-hint")

        # Links.
        self.link_choice = _dropdown("app_link_choice", [])
        self.link_source = _dropdown("app_link_source", [])
        self.link_target = _dropdown("app_link_target", [])
        self.link_assumption = _field(
            "app_link_assumption",
            placeholder=t("forandringsteori.app_link_assumption_placeholder"),
        )
        self.link_save = _button("app_link_add", "primary")
        self.link_delete = _button("app_link_delete", "danger")
        self.link_status = widgets.HTML()

        # Findings and diagram.
        self.findings_view = widgets.HTML()
        self.chart_output = widgets.Output()
        self.chart_output.add_class("vb-diagram")

        element_form = widgets.VBox(
            [
                _heading(2, "app_section_elements"),
                self.element_choice,
                self.element_kind,
                self.element_text,
                widgets.HBox([self.element_save, self.element_delete]),
                self.element_status,
                self.indicator_form,
                self.indicator_hint,
            ],
            layout={"flex": "1 1 0", "min_width": "20em"},
        )
        element_form.add_class("vb-form")
        link_form = widgets.VBox(
            [
                _heading(2, "app_section_links"),
                self.link_choice,
                self.link_source,
                self.link_target,
                self.link_assumption,
                widgets.HBox([self.link_save, self.link_delete]),
                self.link_status,
            ],
            layout={"flex": "1 1 0", "min_width": "20em"},
        )
        link_form.add_class("vb-form")

        self.widget = widgets.VBox(
            [
                widgets.HTML(_CSS),
                _heading(1, "title"),
                _paragraph("app_intro"),
                _heading(2, "app_section_start"),
                _paragraph("app_privacy", "vb-hint"),
                widgets.HBox([self.start_choice, self.start_button]),
                self.confirm_box,
                widgets.HBox([self.upload]),
                widgets.HBox(
                    [
                        widgets.Label(t("forandringsteori.app_download_label")),
                        *self.downloads.values(),
                    ],
                    layout={"flex_flow": "row wrap", "align_items": "center"},
                ),
                self.file_status,
                _heading(2, "app_section_frame"),
                *self.frame.values(),
                _paragraph("app_frame_hint", "vb-hint"),
                widgets.HBox([element_form, link_form], layout={"flex_flow": "row wrap"}),
                _heading(2, "app_section_findings"),
                self.findings_view,
                _heading(2, "app_section_diagram"),
                _paragraph("app_diagram_hint", "vb-hint"),
                self.chart_output,
            ]
        )
        self.widget.add_class("vb-toc")

        # Events.
        self.start_button.on_click(lambda _: self._ask_start())
        self.confirm_yes.on_click(lambda _: self._start())
        self.confirm_no.on_click(lambda _: self._hide_confirm())
        self.upload.observe(self._on_upload, names="value")
        for field, box in self.frame.items():
            box.observe(lambda change, field=field: self._on_frame(field, change), names="value")
        self.element_choice.on_change(self._on_element_choice)
        self.element_save.on_click(lambda _: self.submit_element())
        self.element_text.on_submit(self.submit_element)
        self.element_delete.on_click(lambda _: self.delete_element())
        self.indicator_choice.on_change(self._on_indicator_choice)
        self.indicator_save.on_click(lambda _: self.submit_indicator())
        for box in self.indicator_fields.values():
            box.on_submit(self.submit_indicator)
        self.indicator_delete.on_click(lambda _: self.delete_indicator())
        self.link_choice.on_change(self._on_link_choice)
        self.link_save.on_click(lambda _: self.submit_link())
        self.link_assumption.on_submit(self.submit_link)
        self.link_delete.on_click(lambda _: self.delete_link())

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Changes made by the app itself inside this block do not trigger the form handlers."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    @property
    def _is_quiet(self) -> bool:
        return self._quiet_depth > 0

    # -- showing the state -------------------------------------------------------------------

    def refresh(self, choose_element: str | None = None, choose_link: int | None = None) -> None:
        """Bring every view up to date with :attr:`toc`: choices, findings and diagram.

        Args:
            choose_element: id of the element to select in the element form afterwards
                (default: keep the current choice if it still exists, else "new element").
            choose_link: position of the link to select in the link form (same default).
        """
        with self._quiet():
            for field, box in self.frame.items():
                box.value = getattr(self.toc, field)
            options = [(t("forandringsteori.app_element_new"), NEW_ELEMENT)]
            options += element_options(self.toc)
            current = self.element_choice.value if choose_element is None else choose_element
            _set_options(self.element_choice, options, current)
            ends = element_options(self.toc)
            _set_options(self.link_source, ends, self.link_source.value)
            _set_options(self.link_target, ends, self.link_target.value)
            links = [(t("forandringsteori.app_link_new"), NEW_ITEM), *link_options(self.toc)]
            current_link = self.link_choice.value if choose_link is None else choose_link
            _set_options(self.link_choice, links, current_link)
        self._fill_element_form()
        self._fill_link_form()
        self.redraw()

    def redraw(self) -> None:
        """Validate, show the findings, and redraw the diagram if what it shows has changed."""
        self.findings = validate(self.toc)
        self.findings_view.value = findings_html(self.findings)
        key = diagram_key(self.toc, self.findings)
        if key == self._diagram_key:
            return
        # The chart's structure is built once; only its data, size and title are filled in.
        spec = diagram_spec(self.toc, self.findings)
        if self._view is None:
            self._view = alt.JupyterChart(None, embed_options=EMBED_OPTIONS)
            self._view.spec = spec
            with self.chart_output:
                display(self._view)
        else:
            self._view.spec = spec
        self._diagram_key = key

    def _fill_element_form(self) -> None:
        element_id = self.element_choice.value
        editing = element_id != NEW_ELEMENT
        with self._quiet():
            if editing:
                element = self.toc.element(element_id)
                self.element_kind.value = element.kind.value
                self.element_text.value = element.text
            self.element_save.description = t(
                "forandringsteori.app_element_save"
                if editing
                else "forandringsteori.app_element_add"
            )
            self.element_delete.disabled = not editing
        self._show_indicator_form()

    def _show_indicator_form(self) -> None:
        element_id = self.element_choice.value
        element = None if element_id == NEW_ELEMENT else self.toc.element(element_id)
        show = element is not None and takes_indicators(element.kind)
        self.indicator_form.layout.display = None if show else "none"
        self.indicator_hint.layout.display = "none" if show else None
        if not show:
            return
        heading = t("forandringsteori.app_section_indicators", text=element_name(element))
        self.indicator_heading.value = f"<h3>{html.escape(heading)}</h3>"
        with self._quiet():
            options = [(t("forandringsteori.app_indicator_new"), NEW_ITEM)]
            options += indicator_options(element)
            _set_options(self.indicator_choice, options, self.indicator_choice.value)
        self._fill_indicator_form()

    def _fill_indicator_form(self) -> None:
        element_id = self.element_choice.value
        position = self.indicator_choice.value
        editing = position != NEW_ITEM and element_id != NEW_ELEMENT
        with self._quiet():
            if editing:
                indicator = self.toc.element(element_id).indicators[position]
                for field, box in self.indicator_fields.items():
                    box.value = getattr(indicator, field)
            else:
                for box in self.indicator_fields.values():
                    box.value = ""
            self.indicator_save.description = t(
                "forandringsteori.app_indicator_save"
                if editing
                else "forandringsteori.app_indicator_add"
            )
            self.indicator_delete.disabled = not editing

    def _fill_link_form(self) -> None:
        position = self.link_choice.value
        editing = position != NEW_ITEM
        with self._quiet():
            if editing:
                link = self.toc.links[position]
                self.link_source.value = link.source
                self.link_target.value = link.target
                self.link_assumption.value = link.assumption
            self.link_save.description = t(
                "forandringsteori.app_link_save" if editing else "forandringsteori.app_link_add"
            )
            self.link_delete.disabled = not editing
            few = len(self.toc.elements) < 2
            self.link_save.disabled = few
        self.link_status.value = (
            status_html(t("forandringsteori.app_links_need_elements")) if few else ""
        )

    # -- start, open, download -----------------------------------------------------------------

    def _ask_start(self) -> None:
        if self.toc == TheoryOfChange():
            self._start()
        else:
            self.confirm_box.layout.display = None

    def _hide_confirm(self) -> None:
        self.confirm_box.layout.display = "none"

    def _start(self) -> None:
        self._hide_confirm()
        name = self.start_choice.value
        if name:
            self.replace(load_example(name))
            text = t("forandringsteori.app_started_example", title=example_titles()[name])
        else:
            self.replace(TheoryOfChange())
            text = t("forandringsteori.app_started_empty")
        self.file_status.value = status_html(text)

    def replace(self, toc: TheoryOfChange) -> None:
        """Show ``toc`` instead of the current theory of change (forms reset to "new")."""
        self.toc = toc
        self.refresh(choose_element=NEW_ELEMENT, choose_link=NEW_ITEM)

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        # Read from memory, then drop the bytes from the widget; nothing is written or logged.
        with self._quiet():
            self.upload.value = ()
        if len(files) != 1:
            self.file_status.value = status_html(t("forandringsteori.app_upload_too_many"), True)
            return
        self.open_file(files[0]["name"], bytes(files[0]["content"]))

    def open_file(self, name: str, data: bytes) -> bool:
        """Replace the work with the theory of change in ``data``; on failure keep it and say why.

        Returns:
            True if the file was read, False if it was not (the message is shown).
        """
        try:
            toc = read_upload(data)
        except TheoryOfChangeFileError as error:
            lines = [t("forandringsteori.app_upload_failed", name=name), *error.messages]
            self.file_status.value = "".join(
                status_html(line, error=True) if i == 0 else f"<p>{html.escape(line)}</p>"
                for i, line in enumerate(lines)
            )
            return False
        self.replace(toc)
        self.file_status.value = status_html(t("forandringsteori.app_upload_ok", name=name))
        return True

    def _download_failed(self, error: Exception) -> None:
        detail = message_of(error)
        self.file_status.value = status_html(
            t("forandringsteori.app_download_failed", detail=detail), error=True
        )

    # -- the frame -----------------------------------------------------------------------------

    def _on_frame(self, field: str, change: dict[str, Any]) -> None:
        if self._is_quiet:
            return
        try:
            setattr(self.toc, field, change["new"])
        except ValidationError as error:
            self.file_status.value = status_html(message_of(error), error=True)
            return
        self.redraw()

    # -- elements ------------------------------------------------------------------------------

    def _on_element_choice(self) -> None:
        if self._is_quiet:
            return
        self.element_status.value = ""
        self.indicator_status.value = ""
        with self._quiet():
            # Another element: its indicator form starts at "new indicator".
            self.indicator_choice.options = [(t("forandringsteori.app_indicator_new"), NEW_ITEM)]
        if self.element_choice.value == NEW_ELEMENT:
            with self._quiet():
                self.element_text.value = ""
        self._fill_element_form()

    def submit_element(self) -> None:
        """Add the element in the form, or save the changes to the chosen one."""
        element_id = self.element_choice.value
        try:
            if element_id == NEW_ELEMENT:
                element = add_element(self.toc, self.element_kind.value, self.element_text.value)
                key = "app_element_added"
            else:
                element = update_element(
                    self.toc, element_id, self.element_kind.value, self.element_text.value
                )
                key = "app_element_saved"
        except ValueError as error:
            self.element_status.value = status_html(message_of(error), error=True)
            return
        if key == "app_element_added":
            with self._quiet():
                self.element_text.value = ""
            self.refresh()
        else:
            self.refresh(choose_element=element.id)
        self.element_status.value = status_html(
            t(f"forandringsteori.{key}", text=element_name(element))
        )

    def delete_element(self) -> None:
        """Delete the chosen element and every link to or from it."""
        element_id = self.element_choice.value
        if element_id == NEW_ELEMENT:
            self.element_status.value = status_html(
                t("forandringsteori.app_err_nothing_chosen"), error=True
            )
            return
        element = editing.delete_element(self.toc, element_id)
        with self._quiet():
            self.element_text.value = ""
        self.refresh(choose_element=NEW_ELEMENT, choose_link=NEW_ITEM)
        self.element_status.value = status_html(
            t("forandringsteori.app_element_deleted", text=element_name(element))
        )

    # -- indicators ----------------------------------------------------------------------------

    def _on_indicator_choice(self) -> None:
        if self._is_quiet:
            return
        self.indicator_status.value = ""
        self._fill_indicator_form()

    def submit_indicator(self) -> None:
        """Add the indicator in the form to the chosen element, or save the chosen indicator."""
        element_id = self.element_choice.value
        if element_id == NEW_ELEMENT:
            return
        position = self.indicator_choice.value
        values = {field: box.value.strip() for field, box in self.indicator_fields.items()}
        try:
            indicator = save_indicator(self.toc, element_id, position, Indicator(**values))
        except ValueError as error:
            self.indicator_status.value = status_html(message_of(error), error=True)
            return
        if position == NEW_ITEM:
            position = len(self.toc.element(element_id).indicators) - 1
            key = "app_indicator_added"
        else:
            key = "app_indicator_saved"
        with self._quiet():
            self.indicator_choice.options = [
                (t("forandringsteori.app_indicator_new"), NEW_ITEM),
                *indicator_options(self.toc.element(element_id)),
            ]
            self.indicator_choice.value = position
        self.refresh()
        self.indicator_status.value = status_html(
            t(f"forandringsteori.{key}", what=short(indicator.what))
        )

    def delete_indicator(self) -> None:
        """Delete the chosen indicator from the chosen element."""
        element_id, position = self.element_choice.value, self.indicator_choice.value
        if element_id == NEW_ELEMENT or position == NEW_ITEM:
            self.indicator_status.value = status_html(
                t("forandringsteori.app_err_nothing_chosen"), error=True
            )
            return
        removed = remove_indicator(self.toc, element_id, position)
        with self._quiet():
            self.indicator_choice.value = NEW_ITEM
        self.refresh()
        self.indicator_status.value = status_html(
            t("forandringsteori.app_indicator_deleted", what=short(removed.what))
        )

    # -- links ---------------------------------------------------------------------------------

    def _on_link_choice(self) -> None:
        if self._is_quiet:
            return
        if self.link_choice.value == NEW_ITEM:
            with self._quiet():
                self.link_assumption.value = ""
        self._fill_link_form()

    def submit_link(self) -> None:
        """Add the link in the form, or save the changes to the chosen one."""
        position = self.link_choice.value
        try:
            link = save_link(
                self.toc,
                position,
                self.link_source.value,
                self.link_target.value,
                self.link_assumption.value,
            )
        except ValueError as error:
            self.link_status.value = status_html(message_of(error), error=True)
            return
        if position == NEW_ITEM:
            with self._quiet():
                self.link_assumption.value = ""
            self.refresh(choose_link=NEW_ITEM)
            key = "app_link_added"
        else:
            self.refresh(choose_link=position)
            key = "app_link_saved"
        self.link_status.value = status_html(
            t(
                f"forandringsteori.{key}",
                source=element_name(self.toc.element(link.source)),
                target=element_name(self.toc.element(link.target)),
            )
        )

    def delete_link(self) -> None:
        """Delete the chosen link."""
        position = self.link_choice.value
        if position == NEW_ITEM:
            self.link_status.value = status_html(
                t("forandringsteori.app_err_nothing_chosen"), error=True
            )
            return
        link = editing.delete_link(self.toc, position)
        with self._quiet():
            self.link_assumption.value = ""
        self.refresh(choose_link=NEW_ITEM)
        self.link_status.value = status_html(
            t(
                "forandringsteori.app_link_deleted",
                source=element_name(self.toc.element(link.source)),
                target=element_name(self.toc.element(link.target)),
            )
        )


def _set_options(dropdown: SelectField, options: list[tuple[str, Any]], value: Any) -> None:
    """Give a drop-down new options (only if they differ) and choose ``value`` if it is one."""
    if dropdown.options != tuple(options):
        dropdown.options = options
    if value in [v for _, v in options] and dropdown.value != value:
        dropdown.value = value


def app() -> widgets.Widget:
    """Build the app and return its top widget, as shown by the app notebook."""
    return ForandringsteoriApp().widget
