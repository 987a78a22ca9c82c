"""App "Lovende praksis": a team rates its service on the 11 elements, without code.

For each element the team picks a rating on the course's scale (0–3, said plainly to be the
course's, not SFI's), writes a short justification and the evidence behind it, and sees a radar
chart of the 11 elements in their four groups, the mean per group, and the weakest elements with
what the handbook suggests looking at next. A second assessment (the current one kept as
"before", or another team's file) is drawn on the same charts and compared element by element.

Nothing is stored on the server: the assessment lives in the kernel's memory, uploads are read
from memory and not logged, and downloads (JSON to open again, chart PNG/SVG, Markdown and Excel
summaries) are built in memory and sent over the widget channel (:mod:`.download`).

The domain model, summaries and exports are in :mod:`vidensbasering.promising_practice`; the
charts in :mod:`vidensbasering.promising_practice_charts`, imported when the app is built (not
when this module is imported); the Excel export (openpyxl) only when someone downloads. The
radar is drawn in the kernel as SVG (see :meth:`LovendePraksisApp._show`); each redraw fills
data into a chart structure built once. The form uses plain ipywidgets (see ``_build``).
Every text comes from the ``lovende_praksis`` section of the UI catalog.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from vidensbasering.apps.download import Download, DownloadButton
from vidensbasering.i18n import t
from vidensbasering.promising_practice import (
    ELEMENTS,
    SCALE,
    Assessment,
    AssessmentFileError,
    Group,
    Rating,
    compare,
    danish_errors,
    format_number,
    format_signed,
    group_summary,
    next_steps_text,
    scale_label,
    to_excel,
    to_markdown,
    weakest,
)

#: Download formats: key -> (file suffix, media type).
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("json", "application/json"),
    "png": ("png", "image/png"),
    "svg": ("svg", "image/svg+xml"),
    "md": ("md", "text/markdown"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
_LABEL_WIDTH = "13em"
_FULL = {"width": "98%"}


def _k(key: str, **values: Any) -> str:
    return t(f"lovende_praksis.{key}", **values)


# -- non-UI logic ---------------------------------------------------------------------------------


#: The rating list's value for "not rated" (ipywidgets reads a ``None`` value as no choice).
NOT_RATED = -1


def rating_options() -> list[tuple[str, int]]:
    """``(label, value)`` of the rating list: "not rated" (:data:`NOT_RATED`) first, then the
    course's scale."""
    return [(_k("app_choose_rating"), NOT_RATED), *[(scale_label(v), v) for v in SCALE]]


def parse_date(text: str) -> dt.date | None:
    """Read a date typed the Danish way (``3.2.2026``, ``03-02-2026``) or as ISO
    (``2026-02-03``); ``None`` for an empty field.

    Raises:
        ValueError: with a Danish message when the text is not a date.
    """
    text = text.strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        match = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", text)
        if match:
            day, month, year = map(int, match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise ValueError(_k("app_date_invalid", text=text))


def format_date(date: dt.date | None) -> str:
    """A date the Danish way, ``3.2.2026``; empty for ``None``."""
    return "" if date is None else f"{date.day}.{date.month}.{date.year}"


def file_stem(assessment: Assessment) -> str:
    """A safe file name stem, e.g. ``"lovende-praksis-bostoetten-i-nordby"``."""
    name = assessment.service or assessment.team
    name = name.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name).strip("-")[:60].strip("-")
    return "lovende-praksis" + (f"-{slug}" if slug else "")


def status_html(text: str, error: bool = False) -> str:
    """A feedback line; errors are announced at once (``role="alert"``)."""
    role, css = ("alert", "vb-status vb-status-error") if error else ("status", "vb-status")
    return f'<p role="{role}" class="{css}">{html.escape(text)}</p>'


def summary_html(assessment: Assessment) -> str:
    """The per-group summary as an HTML table, means with a decimal comma."""
    head = "".join(
        f"<th scope='col'>{html.escape(_k(k))}</th>"
        for k in ("app_col_group", "app_col_elements", "app_col_rated", "app_col_mean")
    )
    rows = "".join(
        f"<tr data-group='{html.escape(r.group)}'><th scope='row'>{html.escape(r.group)}</th>"
        f"<td>{r.elements}</td><td>{r.n_rated}</td>"
        f"<td class='vb-mean'>{format_number(r.mean)}</td></tr>"
        for r in group_summary(assessment).itertuples(index=False)
    )
    caption = html.escape(_k("app_summary_caption"))
    return (
        f"<table class='vb-table vb-summary'><caption>{caption}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def weakest_html(assessment: Assessment) -> str:
    """The weakest elements with next steps, as an HTML list."""
    weak = weakest(assessment)
    if not weak:
        return f"<p class='vb-hint'>{html.escape(_k('no_weakest'))}</p>"
    items = "".join(
        f"<li data-element='{w.element.number}'><strong>{w.element.number}. "
        f"{html.escape(w.element.name)}</strong> ({html.escape(scale_label(w.rating))}): "
        f"{html.escape(next_steps_text(w))}</li>"
        for w in weak
    )
    return f"<ul class='vb-weakest'>{items}</ul>"


def compare_html(current: Assessment, other: Assessment | None) -> str:
    """The two assessments side by side with the difference per element, as an HTML table."""
    if other is None:
        return f"<p class='vb-hint'>{html.escape(_k('app_no_comparison'))}</p>"
    cols = (
        f"<th scope='col'>nr.</th><th scope='col'>element</th>"
        f"<th scope='col'>{html.escape(current.label())}</th>"
        f"<th scope='col'>{html.escape(other.label())}</th>"
        f"<th scope='col'>{html.escape(_k('app_compare_col_difference'))}</th>"
    )
    rows = "".join(
        f"<tr data-element='{r.element}'><td>{r.element}</td><td>{html.escape(r.name)}</td>"
        f"<td>{format_number(r.second, 0)}</td><td>{format_number(r.first, 0)}</td>"
        f"<td>{format_signed(r.difference)}</td></tr>"
        # compare(other, current): first = other, second = current, difference = current - other
        for r in compare(other, current).itertuples(index=False)
    )
    return (
        f"<table class='vb-table vb-compare'><thead><tr>{cols}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


_CSS = """
<style>
.vb-lp h2 { font-size: 1.25em; margin: 1.2em 0 0.4em; }
.vb-lp h3 { font-size: 1.1em; margin: 1em 0 0.2em; }
.vb-lp h4 { font-size: 1em; margin: 0.8em 0 0.1em; }
.vb-lp p { max-width: 70em; margin: 0.2em 0; }
.vb-lp .vb-element { border-left: 3px solid #d0d0d0; padding: 0.1em 0 0.4em 0.7em;
  margin: 0.3em 0; }
.vb-lp .vb-status { margin: 0.3em 0; color: #1a1a1a; }
.vb-lp .vb-status-error { color: #a33b00; font-weight: bold; }
.vb-lp .vb-hint { color: #4d4d4d; font-size: 0.92em; }
.vb-lp .vb-note { background: #f4f4f4; border-left: 4px solid #0072B2; padding: 0.4em 0.7em; }
.vb-lp table.vb-table { border-collapse: collapse; margin: 0.4em 0; }
.vb-lp table.vb-table th, .vb-lp table.vb-table td { border: 1px solid #ccc; padding: 0.2em 0.6em;
  text-align: left; }
.vb-lp table.vb-table td:nth-child(n+3), .vb-lp .vb-summary td { text-align: right; }
.vb-lp table.vb-table caption { text-align: left; color: #4d4d4d; font-size: 0.92em; }
.vb-lp .vb-chart svg { max-width: 100%; height: auto; }
.vb-lp figure.vb-figure { margin: 0.4em 0; }
.vb-lp :focus-visible { outline: 3px solid #0072B2; outline-offset: 1px; }
</style>
"""


def _html(tag: str, key: str, css: str = "", **values: Any) -> widgets.HTML:
    cls = f' class="{css}"' if css else ""
    return widgets.HTML(f"<{tag}{cls}>{html.escape(_k(key, **values))}</{tag}>")


_STYLE = {"description_width": _LABEL_WIDTH}


def _text(label: str, placeholder: str = "") -> widgets.Text:
    """A labelled text field that sends its text when it loses focus or on Enter."""
    return widgets.Text(
        description=label,
        placeholder=placeholder,
        continuous_update=False,
        style=_STYLE,
        layout=_FULL,
    )


class LovendePraksisApp:
    """The app's widgets around one :class:`Assessment` (and an optional comparison) in memory.

    Attributes:
        assessment: the assessment as last read from the form.
        comparison: the second assessment shown beside it, or ``None``.
        widget: the whole app, ready to ``display``.
    """

    def __init__(self, assessment: Assessment | None = None) -> None:
        from vidensbasering import promising_practice_charts as pc

        self._pc = pc
        self.assessment = assessment if assessment is not None else Assessment()
        self.comparison: Assessment | None = None
        self._quiet_depth = 0
        self._shown: dict[str, Any] = {}
        self._build()
        self._fill_form()
        self.redraw()

    # -- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.service = _text(_k("field_service") + ":", _k("app_service_placeholder"))
        self.team = _text(_k("field_team") + ":", _k("app_team_placeholder"))
        self.date = _text(_k("field_date") + ":", _k("app_date_placeholder"))
        self.frame_status = widgets.HTML()
        for box in (self.service, self.team, self.date):
            box.observe(lambda _change: self._on_frame(), names="value")

        # The form's 36 controls are plain ipywidgets, not fields.py's anywidgets: with one
        # anywidget each, the browser set up so many widget modules at page load that, on a
        # loaded machine, anywidget gave up after its 2 s limit ("Failed to initialize model")
        # and the fields sent nothing. Plain text fields send their text when they lose focus
        # or on Enter, which happens before a click elsewhere is sent.
        self.ratings: dict[int, widgets.Dropdown] = {}
        self.justifications: dict[int, widgets.Text] = {}
        self.evidence: dict[int, widgets.Text] = {}
        element_boxes: list[widgets.Widget] = []
        for group in Group:
            element_boxes.append(widgets.HTML(f"<h3>{html.escape(group.label)}</h3>"))
            for e in (e for e in ELEMENTS if e.group is group):
                n = e.number
                rating = widgets.Dropdown(
                    description=_k("app_rating_label", number=n),
                    options=rating_options(),
                    value=NOT_RATED,
                    style=_STYLE,
                    layout={"width": "30em"},
                )
                rating.observe(lambda _change, n=n: self.set_rating(n), names="value")
                why = _text(
                    _k("app_justification_label", number=n), _k("app_justification_placeholder")
                )
                basis = _text(_k("app_evidence_label", number=n), _k("app_evidence_placeholder"))
                why.observe(lambda _change: self.read_texts(), names="value")
                basis.observe(lambda _change: self.read_texts(), names="value")
                self.ratings[n], self.justifications[n], self.evidence[n] = rating, why, basis
                box = widgets.VBox(
                    [
                        widgets.HTML(
                            f"<h4>{n}. {html.escape(e.name)}</h4>"
                            f"<p class='vb-hint'>{html.escape(e.meaning)}</p>"
                        ),
                        rating,
                        why,
                        basis,
                    ]
                )
                box.add_class("vb-element")
                element_boxes.append(box)

        self.radar_output = widgets.HTML()
        self.radar_output.add_class("vb-chart")
        self.radar_output.add_class("vb-radar")
        self.summary_view = widgets.HTML()
        self.weakest_view = widgets.HTML()
        self.compare_view = widgets.HTML()

        self.keep_button = widgets.Button(description=_k("app_keep_as_comparison"))
        self.keep_button.layout.width = "auto"
        self.keep_button.on_click(lambda _: self.keep_as_comparison())
        self.clear_button = widgets.Button(description=_k("app_clear_comparison"))
        self.clear_button.layout.width = "auto"
        self.clear_button.on_click(lambda _: self.set_comparison(None))
        self.compare_upload = self._upload("app_open_comparison", self._on_compare_upload)
        self.compare_status = widgets.HTML()

        self.upload = self._upload("app_open", self._on_upload)
        self.file_status = widgets.HTML()
        self.downloads = {
            fmt: DownloadButton(
                _k(f"app_download_{fmt}"),
                make_file=lambda fmt=fmt: self.export(fmt),
                on_error=self._download_failed,
                busy_label=_k("app_download_busy"),
            )
            for fmt in FORMATS
        }

        self.widget = widgets.VBox(
            [
                widgets.HTML(_CSS),
                _html("h1", "title"),
                _html("p", "intro"),
                _html("p", "scale_note", "vb-note"),
                _html("h2", "app_files"),
                _html("p", "app_nothing_stored", "vb-hint"),
                widgets.HBox([self.upload]),
                widgets.HBox(list(self.downloads.values()), layout={"flex_flow": "row wrap"}),
                self.file_status,
                _html("h2", "app_frame"),
                self.service,
                self.team,
                self.date,
                self.frame_status,
                _html("h2", "app_elements"),
                *element_boxes,
                _html("h2", "app_result"),
                self.radar_output,
                _html("h3", "app_summary"),
                self.summary_view,
                _html("h3", "app_weakest"),
                self.weakest_view,
                _html("h2", "app_compare"),
                _html("p", "app_compare_intro", "vb-hint"),
                widgets.HBox(
                    [self.keep_button, self.compare_upload, self.clear_button],
                    layout={"flex_flow": "row wrap"},
                ),
                self.compare_status,
                self.compare_view,
            ]
        )
        self.widget.add_class("vb-lp")

    @staticmethod
    def _upload(key: str, handler: Callable[[dict[str, Any]], None]) -> widgets.FileUpload:
        upload = widgets.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description=_k(key),
            layout={"width": "auto"},
        )
        upload.observe(handler, names="value")
        return upload

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    # -- state <-> form ----------------------------------------------------------------------------

    def _fill_form(self) -> None:
        a = self.assessment
        with self._quiet():
            self.service.value = a.service
            self.team.value = a.team
            self.date.value = format_date(a.date)
            for r in a.ratings:
                self.ratings[r.element].value = NOT_RATED if r.rating is None else r.rating
                self.justifications[r.element].value = r.justification
                self.evidence[r.element].value = r.evidence

    def read_form(self) -> bool:
        """Take the frame and every text from the form into :attr:`assessment`.

        Returns:
            False when something could not be taken (the message is shown; the rest is kept).
        """
        ok = self.read_frame(redraw=False)
        return self.read_texts(redraw=False) and ok

    def _on_frame(self) -> None:
        if not self._quiet_depth:
            self.read_frame()

    def read_frame(self, redraw: bool = True) -> bool:
        """Take service, team and date from the form; show a Danish message if one is refused."""
        try:
            date = parse_date(self.date.value)
            frame = {"service": self.service.value, "team": self.team.value, "date": date}
            self.assessment = Assessment.model_validate(self.assessment.model_dump() | frame)
        except (ValueError, ValidationError) as error:
            self.frame_status.value = status_html(self._message(error), error=True)
            return False
        self.frame_status.value = ""
        if redraw:
            self.redraw()
        return True

    def read_texts(self, redraw: bool = False) -> bool:
        """Take every justification and evidence text from the form."""
        if self._quiet_depth:
            return True
        try:
            ratings = [
                Rating(
                    element=r.element,
                    rating=r.rating,
                    justification=self.justifications[r.element].value,
                    evidence=self.evidence[r.element].value,
                )
                for r in self.assessment.ratings
            ]
        except ValidationError as error:
            self.file_status.value = status_html(self._message(error), error=True)
            return False
        self.assessment = self.assessment.model_copy(update={"ratings": ratings})
        if redraw:
            self.redraw()
        return True

    def set_rating(self, number: int) -> None:
        """The rating list of element ``number`` changed: store it and redraw."""
        if self._quiet_depth:
            return
        value = self.ratings[number].value
        value = None if value == NOT_RATED else value
        ratings = [
            r.model_copy(update={"rating": value}) if r.element == number else r
            for r in self.assessment.ratings
        ]
        self.assessment = self.assessment.model_copy(update={"ratings": ratings})
        self.redraw()

    @staticmethod
    def _message(error: Exception) -> str:
        if isinstance(error, ValidationError):
            return " ".join(danish_errors(error))
        if isinstance(error, AssessmentFileError):
            return " ".join(error.messages)
        return str(error)

    # -- showing ---------------------------------------------------------------------------------

    def shown(self) -> list[Assessment]:
        """The assessments on the charts: the current one, then the comparison if any."""
        return [self.assessment] + ([self.comparison] if self.comparison is not None else [])

    def redraw(self) -> None:
        """Update the charts, the group summary, the weakest elements and the comparison."""
        pc = self._pc
        shown = self.shown()
        self._show("radar", self.radar_output, pc.radar_spec(shown))
        self.summary_view.value = summary_html(self.assessment)
        self.weakest_view.value = weakest_html(self.assessment)
        self.compare_view.value = compare_html(self.assessment, self.comparison)

    def _show(self, name: str, output: widgets.HTML, spec: dict[str, Any]) -> None:
        """Draw ``spec`` as SVG in the kernel (vl-convert) and show it, if it changed.

        Not Altair's JupyterChart: its 1,5 MB JavaScript bundle made anywidget give up on
        every widget of the page after its 2 s limit when the browser's machine was busy, and
        the charts and buttons stopped answering. An SVG needs no JavaScript and carries the
        points' accessible texts; the figure is named by the chart's description.
        """
        if self._shown.get(name) == spec:
            return
        # The figure is the image, named by the chart's description; the drawing inside is hidden
        # from screen readers, so an empty layer is not read out as an unnamed graphic.
        svg = self._pc.to_svg(spec).replace("<svg ", '<svg aria-hidden="true" ', 1)
        label = html.escape(spec.get("description", ""), quote=True)
        output.value = f'<figure role="img" aria-label="{label}" class="vb-figure">{svg}</figure>'
        self._shown[name] = spec

    # -- files -----------------------------------------------------------------------------------

    def replace(self, assessment: Assessment) -> None:
        """Show ``assessment`` instead of the current one."""
        self.assessment = assessment
        self._fill_form()
        self.frame_status.value = ""
        self.redraw()

    def keep_as_comparison(self) -> None:
        """Use the current assessment (as on screen) as the comparison, e.g. "before"."""
        self.read_form()
        self.set_comparison(self.assessment.model_copy(deep=True))
        self.compare_status.value = status_html(_k("app_comparison_kept"))

    def set_comparison(self, other: Assessment | None) -> None:
        """Show ``other`` beside the current assessment (``None`` removes it)."""
        self.comparison = other
        if other is None:
            self.compare_status.value = ""
        self.redraw()

    def _read_upload(
        self, upload: widgets.FileUpload, change: dict[str, Any]
    ) -> tuple[str, bytes] | None:
        files = change["new"]
        if not files:
            return None
        # Read from memory, then drop the bytes from the widget: nothing is written or logged.
        with self._quiet():
            upload.value = ()
        return files[0]["name"], bytes(files[0]["content"])

    def _read(self, name: str, data: bytes, status: widgets.HTML) -> Assessment | None:
        """Read a JSON file; on failure show why in ``status`` and return ``None``."""
        try:
            return Assessment.from_json(data)
        except AssessmentFileError as error:
            lines = [_k("app_open_failed", name=name), *error.messages]
            status.value = "".join(
                status_html(line, error=True) if i == 0 else f"<p>{html.escape(line)}</p>"
                for i, line in enumerate(lines)
            )
            return None

    def _on_upload(self, change: dict[str, Any]) -> None:
        got = self._read_upload(self.upload, change)
        if got is not None:
            self.open_file(*got)

    def _on_compare_upload(self, change: dict[str, Any]) -> None:
        got = self._read_upload(self.compare_upload, change)
        if got is not None:
            self.open_comparison(*got)

    def open_file(self, name: str, data: bytes) -> bool:
        """Show the assessment in ``data`` instead of the current one; on failure keep the work
        and say why. Returns whether the file was read."""
        assessment = self._read(name, data, self.file_status)
        if assessment is None:
            return False
        self.replace(assessment)
        self.file_status.value = status_html(_k("app_opened", name=name))
        return True

    def open_comparison(self, name: str, data: bytes) -> bool:
        """Show the assessment in ``data`` as the comparison. Returns whether it was read."""
        other = self._read(name, data, self.compare_status)
        if other is None:
            return False
        self.set_comparison(other)
        self.compare_status.value = status_html(_k("app_comparison_opened", name=name))
        return True

    def export(self, fmt: str) -> Download:
        """Build one download from the form as it is on screen (``fmt`` a key of FORMATS)."""
        self.read_form()
        self.redraw()
        suffix, mime = FORMATS[fmt]
        a = self.assessment
        if fmt == "json":
            data = a.to_json().encode("utf-8")
        elif fmt == "png":
            data = self._pc.to_png(self._pc.radar_spec(self.shown()))
        elif fmt == "svg":
            data = self._pc.to_svg(self._pc.radar_spec(self.shown())).encode("utf-8")
        elif fmt == "md":
            data = to_markdown(a, self.comparison).encode("utf-8")
        else:
            data = to_excel(a, self.comparison)
        return Download(filename=f"{file_stem(a)}.{suffix}", mime=mime, data=data)

    def _download_failed(self, error: Exception) -> None:
        self.file_status.value = status_html(
            _k("app_download_failed", error=self._message(error)), error=True
        )


def app() -> widgets.Widget:
    """Build the app and return its top widget, as shown by the app notebook."""
    return LovendePraksisApp().widget
