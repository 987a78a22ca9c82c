"""App "Følg systematisk op": a follow-up dashboard for a social service's outcome data.

A workshop participant uses the invented example data (a housing-support service, WEMWBS and
GAS) or uploads the service's own file (CSV or ``.xlsx``). When the file's columns have other
names than the standard ones, the participant says which column is which with one dropdown per
field; every problem is listed in Danish, with row and column. The participant then picks an
instrument, a group, a person and the scale's reliability and direction, and sees five charts,
the key figures and a table that downloads as CSV for Danish Excel; the charts download as PNG
and SVG.

This module holds only the widgets, their layout and their wiring: each user action makes one
call to :mod:`vidensbasering.followup_report`, where the pipeline (reading, column mapping,
problems, analysis, charts, key figures, table, exports) lives with its sources and tests.
Numbers are typed in a :class:`~vidensbasering.apps.fields.DecimalField` (Danish decimal comma;
a value outside the range is refused, never clipped). Downloads are ``data:`` links made in
memory. Every text shown comes from the ``opfoelgning`` section of the UI catalog.
"""

from __future__ import annotations

import base64
import html

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from vidensbasering import charts
from vidensbasering import followup_report as report
from vidensbasering.apps.fields import DecimalField
from vidensbasering.followup_report import (  # re-exported: the names this module had
    CHART_NAMES,
    DIRECTIONS,
    MAPPED_FIELDS,
    UNKNOWN_RELIABILITY,
    Analysis,
    Choices,
    Problems,
    ScaleDefaults,
    Upload,
    analyse,
    build_charts,
    criteria_text,
    example_data,
    excel_csv,
    file_stem,
    group_problems,
    groups_of,
    header_problems,
    key_figures,
    mapped_table,
    mapping_from_choices,
    measured_instruments,
    scale_defaults,
    summary_table,
)
from vidensbasering.i18n import t
from vidensbasering.io import FileProblemsError
from vidensbasering.numbers import format_number

__all__ = [
    "CHART_NAMES",
    "DIRECTIONS",
    "MAPPED_FIELDS",
    "Analysis",
    "OpfoelgningApp",
    "ScaleDefaults",
    "analyse",
    "app",
    "build_charts",
    "criteria_text",
    "data_uri",
    "download_link",
    "example_data",
    "excel_csv",
    "file_stem",
    "group_problems",
    "groups_of",
    "header_problems",
    "key_figures",
    "mapped_table",
    "mapping_from_choices",
    "measured_instruments",
    "problems_html",
    "scale_defaults",
    "summary_table",
]

#: vega-embed options: SVG (readable by screen readers and tests), no action menu (its links lead
#: to the public Vega editor).
EMBED_OPTIONS = {"renderer": "svg", "actions": False}
ALL = "__all__"
NONE = "__none__"


def problems_html(error: Problems | FileProblemsError, limit: int = 200, note: str = "") -> str:
    """Render problems as an HTML heading and list (escaped; first ``limit``).

    Args:
        error: the problems to show (their Danish heading and texts, with row and column).
        limit: at most this many items; a last line says how many more there are.
        note: optional Danish sentence added after the list.

    Returns:
        HTML with a ``role="alert"`` container, so that screen readers announce it.
    """
    shown = error.problems[:limit]
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in shown)
    more = ""
    if len(error.problems) > len(shown):
        more = (
            f"<p>{html.escape(t('opfoelgning.problems_more', n=len(error.problems) - limit))}</p>"
        )
    heading = html.escape(error.heading())
    tail = f"<p>{html.escape(note)}</p>" if note else ""
    return (
        f'<div class="vb-problems" role="alert"><p><strong>{heading}</strong></p>'
        f"<ul>{items}</ul>{more}{tail}</div>"
    )


def data_uri(content: bytes, mime: str) -> str:
    """Return a base64 ``data:`` URI for ``content`` (downloads without a file on the server)."""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def download_link(content: bytes, mime: str, filename: str, text: str) -> str:
    """An HTML ``<a download>`` link carrying ``content`` in its address (escaped text)."""
    return (
        # Voila's page styles links like body text; Okabe-Ito blue, underlined, stands out
        # (contrast 5.1:1 on white).
        f'<a class="vb-download" style="color: #0072B2; text-decoration: underline;" '
        f'download="{html.escape(filename)}" '
        f'href="{data_uri(content, mime)}">{html.escape(text)}</a>'
    )


def _labelled(widget: widgets.Widget) -> widgets.Widget:
    widget.style = {"description_width": "initial"}
    return widget


class OpfoelgningApp:
    """The dashboard's widgets.

    Attributes:
        example_button: loads the example data.
        upload: ``FileUpload`` for one CSV or ``.xlsx`` file (bytes kept in memory only).
        mapping: one dropdown per field in :data:`MAPPED_FIELDS` (the user's column or none).
        apply_mapping: validates the file with the chosen columns.
        messages: HTML with the validator's problems (or a confirmation).
        instrument, group, person, reliability, direction: the participant's choices.
        outputs: one ``Output`` per chart name (:data:`CHART_NAMES`).
        notes: one HTML per chart name, for a sentence when the chart cannot be drawn.
        csv_link: HTML with the CSV download link.
        images_button, images: make the PNG/SVG links on request (a few seconds).
        widget: the whole app, ready to ``display``.
    """

    def __init__(self) -> None:
        charts.use_offline_renderer()
        alt.JupyterChart.enable_offline()
        self.data: pd.DataFrame = example_data()
        self._upload: Upload | None = None
        self._analysis: Analysis | None = None
        self._stem = ""
        self._charts: dict[str, alt.TopLevelMixin | str] = {}
        self._views: dict[str, alt.JupyterChart] = {}
        self._updating = False

        self.example_button = widgets.Button(
            description=t("opfoelgning.app_use_example"), icon="table", layout={"width": "auto"}
        )
        self.upload = widgets.FileUpload(
            accept=".csv,.txt,.xlsx",
            multiple=False,
            description=t("opfoelgning.app_upload"),
            layout={"width": "auto"},
        )
        self.source = widgets.HTML()
        self.messages = widgets.HTML()
        self.mapping = {
            field: _labelled(
                widgets.Dropdown(
                    description=t(
                        "opfoelgning.app_mapping_label", field=t(f"opfoelgning.field_{field}")
                    ),
                    layout={"width": "360px"},
                )
            )
            for field in MAPPED_FIELDS
        }
        self.apply_mapping = widgets.Button(
            description=t("opfoelgning.app_mapping_apply"), button_style="primary"
        )
        self.mapping_box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{t('opfoelgning.app_mapping_heading')}</h3>"),
                widgets.HTML(f"<p>{t('opfoelgning.app_mapping_help')}</p>"),
                *self.mapping.values(),
                self.apply_mapping,
            ],
            layout={"display": "none"},
        )

        self.instrument = _labelled(widgets.Dropdown(description=t("opfoelgning.app_instrument")))
        self.group = _labelled(widgets.Dropdown(description=t("opfoelgning.app_group")))
        self.person = _labelled(
            widgets.Dropdown(description=t("opfoelgning.app_person"), layout={"width": "420px"})
        )
        self.reliability = DecimalField(
            t("opfoelgning.app_reliability"),
            UNKNOWN_RELIABILITY,
            **report.RELIABILITY_RANGE,
            layout={"width": "320px"},
        )
        self.direction = _labelled(
            widgets.Dropdown(
                options=[(t(f"opfoelgning.app_direction_{d}"), d) for d in DIRECTIONS],
                description=t("opfoelgning.app_direction"),
            )
        )
        self.scale_note = widgets.HTML()
        self.key_text = widgets.HTML()
        self.outputs = {name: widgets.Output() for name in CHART_NAMES}
        self.notes = {name: widgets.HTML() for name in CHART_NAMES}
        self.csv_link = widgets.HTML()
        self.images_button = widgets.Button(
            description=t("opfoelgning.app_make_images"), icon="image", layout={"width": "auto"}
        )
        self.images = widgets.HTML()

        chart_boxes = [
            widgets.VBox([self.notes[n], self.outputs[n]], _dom_classes=[f"vb-chart-{n}"])
            for n in CHART_NAMES
        ]
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<h1>{t('opfoelgning.title')}</h1>"),
                widgets.HTML(f"<p>{t('opfoelgning.app_intro')}</p>"),
                widgets.HTML(f"<h2>{t('opfoelgning.app_data_heading')}</h2>"),
                widgets.HTML(f"<p>{t('opfoelgning.app_upload_help')}</p>"),
                widgets.HBox([self.example_button, self.upload]),
                self.source,
                self.messages,
                self.mapping_box,
                widgets.HTML(f"<h2>{t('opfoelgning.app_choices_heading')}</h2>"),
                widgets.HBox([self.instrument, self.group]),
                self.person,
                widgets.HBox([self.reliability, self.direction]),
                self.scale_note,
                widgets.HTML(f"<h2>{t('opfoelgning.app_figures_heading')}</h2>"),
                self.key_text,
                *chart_boxes,
                widgets.HTML(f"<h2>{t('opfoelgning.app_downloads_heading')}</h2>"),
                self.csv_link,
                widgets.HTML(f"<p>{t('opfoelgning.app_images_help')}</p>"),
                self.images_button,
                self.images,
                widgets.HTML(f"<p><small>{t('opfoelgning.app_sources')}</small></p>"),
            ]
        )

        self.example_button.on_click(lambda _b: self.use_example())
        self.upload.observe(self._on_upload, names="value")
        self.apply_mapping.on_click(lambda _b: self.use_mapping())
        self.instrument.observe(self._on_instrument, names="value")
        self.group.observe(self._on_group, names="value")
        self.person.observe(self._on_person, names="value")
        self.reliability.on_change(lambda: self._on_criteria({}))
        self.direction.observe(self._on_criteria, names="value")
        self.images_button.on_click(lambda _b: self.make_images())
        self.use_example()

    # -- data ---------------------------------------------------------------------------------

    def use_example(self) -> None:
        """Show the example data (and hide the column mapping)."""
        self._upload = None
        self.mapping_box.layout.display = "none"
        self.messages.value = ""
        self.set_data(example_data(), "opfoelgning.app_source_example")

    def load_file(self, content: bytes, filename: str) -> None:
        """Read an uploaded file, suggest the column mapping, and use the file if it validates.

        The bytes stay in memory; what is kept is the table of text cells, for re-mapping.
        """
        self.messages.value = f"<p>{t('opfoelgning.app_reading')}</p>"
        upload = report.load_upload(content, filename)
        if isinstance(upload, Problems):
            self._show_problems(upload)
            return
        self._upload = upload
        none = (t("opfoelgning.app_mapping_none"), NONE)
        columns = [(c, c) for c in upload.columns]
        for field, dropdown in self.mapping.items():
            dropdown.options = [none, *columns]
            dropdown.value = upload.suggested.get(field) or NONE
        self.mapping_box.layout.display = ""
        self.use_mapping()

    def use_mapping(self) -> None:
        """Validate the uploaded table with the chosen columns; use it or list every problem."""
        if self._upload is None:
            return
        choices = {
            f: (None if d.value in (None, NONE) else d.value) for f, d in self.mapping.items()
        }
        table = report.use_columns(self._upload, choices)
        if isinstance(table, Problems):
            self._show_problems(table)
            return
        said = [t("opfoelgning.app_file_used"), *self._upload.notes]
        self.messages.value = "".join(f"<p>{html.escape(text)}</p>" for text in said)
        self.set_data(table, "opfoelgning.app_source_file")

    def _show_problems(self, problems: Problems) -> None:
        self.messages.value = problems_html(problems, note=t("opfoelgning.app_file_not_used"))
        if not problems.keep_file:
            # An unreadable file, or one with CPR numbers, is not kept, not even in memory.
            self._upload = None
            self.mapping_box.layout.display = "none"

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        content, name = bytes(item["content"]), str(item["name"])
        # Drop the widget's own copy of the file; the app keeps only the parsed table.
        self.upload.value = ()
        self.load_file(content, name)

    def set_data(self, table: pd.DataFrame, source_key: str) -> None:
        """Use ``table`` (tidy, validated) and reset the choices to fit it."""
        self.data = table
        persons, rows = format_number(table["person_id"].nunique(), 0), format_number(len(table), 0)
        self.source.value = f"<p>{t(source_key, persons=persons, rows=rows)}</p>"
        instruments = measured_instruments(table)
        groups = groups_of(table)
        self._updating = True
        try:
            self.instrument.options = instruments
            self.instrument.value = instruments[0] if instruments else None
            self.instrument.disabled = not instruments
            self.group.options = [(t("opfoelgning.app_group_all"), ALL), *((g, g) for g in groups)]
            self.group.value = ALL
            self.group.disabled = not groups
            self._reset_scale()
            self._reset_persons()
        finally:
            self._updating = False
        self.update()

    # -- choices --------------------------------------------------------------------------------

    def _reset_scale(self) -> None:
        instrument = self.instrument.value
        defaults = scale_defaults(instrument) if instrument else None
        if defaults is None:
            self.scale_note.value = ""
            return
        self.reliability.value = defaults.reliability
        self.direction.value = defaults.direction
        self.scale_note.value = f"<p><small>{t(defaults.note_key)}</small></p>"

    def _reset_persons(self) -> None:
        group = None if self.group.value in (None, ALL) else self.group.value
        ids = report.persons_of(self.data, self.instrument.value, group)
        self.person.options = [(t("opfoelgning.app_person_sample"), ALL), *((p, p) for p in ids)]
        self.person.value = ALL

    def _on_instrument(self, _change: dict) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            self._reset_scale()
            self._reset_persons()
        finally:
            self._updating = False
        self.update()

    def _on_group(self, _change: dict) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            self._reset_persons()
        finally:
            self._updating = False
        self.update()

    def _on_person(self, _change: dict) -> None:
        if not self._updating:
            self.update(("trajectories",))

    def _on_criteria(self, _change: dict) -> None:
        if not self._updating:
            self.update(("jacobson", "categories"))

    # -- drawing --------------------------------------------------------------------------------

    def update(self, names: tuple[str, ...] = CHART_NAMES) -> None:
        """Recompute the selection; redraw the charts in ``names``, key figures and CSV link.

        The tables are cheap to recompute (tens of milliseconds on the example); sending a chart
        to the browser is not, so an interaction redraws only the charts it changes.
        """
        choices = Choices(
            instrument=self.instrument.value,
            group=None if self.group.value in (None, ALL) else self.group.value,
            person=None if self.person.value in (None, ALL) else self.person.value,
            reliability=self.reliability.value,
            direction=self.direction.value,
        )
        try:
            result = report.report(self.data, choices, names)
        except ValueError:
            # Not expected for validated data; the participant gets a sentence, not a traceback.
            for name in CHART_NAMES:
                self._show(name, t("opfoelgning.app_chart_failed"))
            self.key_text.value = self.csv_link.value = ""
            self._analysis = None
            return
        self._analysis = result.analysis
        self._stem = result.stem
        self._charts.update(result.charts)
        for name, chart in result.charts.items():
            self._show(name, chart)
        self.key_text.value = "".join(f"<p>{html.escape(x)}</p>" for x in result.texts)
        csv = result.csv
        label = t("opfoelgning.app_download_csv")
        self.csv_link.value = f"<p>{download_link(csv.data, csv.mime, csv.filename, label)}</p>"
        if self.images.value:
            self.images.value = f"<p>{t('opfoelgning.app_images_stale')}</p>"

    def _show(self, name: str, chart: alt.TopLevelMixin | str) -> None:
        output, note = self.outputs[name], self.notes[name]
        if isinstance(chart, str):
            note.value = f"<p><em>{html.escape(chart)}</em></p>"
            output.layout.display = "none"
            return
        note.value = ""
        output.layout.display = ""
        view = self._views.get(name)
        if view is None:
            view = alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)
            self._views[name] = view
            with output:
                display(view)
        else:
            view.chart = chart

    def make_images(self) -> None:
        """Render every chart shown to PNG and SVG (vl-convert, in memory) as download links."""
        if self._analysis is None:
            return
        shown = {name: self._charts[name] for name in CHART_NAMES if name in self._charts}
        links = []
        for name, png, svg in report.chart_images(shown, self._stem):
            label = html.escape(t(f"opfoelgning.app_chart_{name}"))
            png_link = download_link(png.data, png.mime, png.filename, "PNG")
            svg_link = download_link(svg.data, svg.mime, svg.filename, "SVG")
            links.append(f"<li>{label}: {png_link} · {svg_link}</li>")
        self.images.value = (
            f'<p>{t("opfoelgning.app_images_ready")}</p><ul class="vb-images">{"".join(links)}</ul>'
        )


def app() -> widgets.Widget:
    """Build the app and return its top widget, as shown by the app notebook."""
    return OpfoelgningApp().widget
