"""App "Følg systematisk op": a follow-up dashboard for a social service's outcome data.

A workshop participant uses the invented example data (a housing-support service, WEMWBS and
GAS, :func:`vidensbasering.examples.load_followup_example`) or uploads the service's own file
(CSV or ``.xlsx``). When the file's columns have other names than the standard ones, the
participant says which column is which with one dropdown per field. The file is read from the
upload's bytes in memory by :mod:`vidensbasering.io` and is never written to disk or logged; every
problem the validator finds is listed in Danish, with row and column.

The participant then picks an instrument, a group and (for the trajectories) a person, and sees
five Altair charts from :mod:`vidensbasering.followup_charts`: each citizen's trajectory, the
Jacobson plot (first against latest score with the reliable change band and the cut-off), the
distribution of change categories, GAS T-scores by occasion and the group trend by occasion. A
table with one row per citizen downloads as CSV that Danish Excel opens (UTF-8 with BOM, ``;``,
decimal comma), and the charts as PNG and SVG, all as ``data:`` links made in memory.

Reliable change and clinical significance follow Jacobson & Truax (1991), *J Consult Clin
Psychol* 59(1), 12-19: S_diff from the SD of every citizen's first score and the scale's
reliability, cut-off criterion **a** (two baseline SDs from the baseline mean in the better
direction) because a service's own data carry no functional norms. GAS T-scores follow Kiresuk &
Sherman (1968), *Community Mental Health Journal* 4(6), 443-453 (ρ = 0.30). The default WEMWBS
reliability 0.89 is Cronbach's α from Tennant et al. (2007), *Health Qual Life Outcomes* 5:63.

The non-widget logic (:func:`analyse`, :func:`summary_table`, :func:`excel_csv`,
:func:`mapping_from_choices`, ...) is separate from :class:`OpfoelgningApp` and tested on its own.
Every text shown comes from the ``opfoelgning`` section of the UI catalog.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd
from babel.numbers import format_decimal, format_percent
from IPython.display import display

from vidensbasering import charts, followup
from vidensbasering import followup_charts as fc
from vidensbasering import io as user_io
from vidensbasering.examples import load_followup_example
from vidensbasering.followup import GAS_INSTRUMENT
from vidensbasering.i18n import t
from vidensbasering.io import FileProblemsError, Problem
from vidensbasering.measures import CHANGE_CATEGORIES, ChangeCriteria, Direction

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
    "data_uri",
    "excel_csv",
    "key_figures",
    "mapping_from_choices",
    "problems_html",
    "scale_defaults",
    "summary_table",
]

#: Locale of numbers in texts (charts get theirs from :mod:`vidensbasering.charts`).
TEXT_LOCALE = "da_DK"
#: Fields the participant can map, in the order of the dropdowns.
MAPPED_FIELDS = ("person_id", "occasion", "date", "instrument", "score", "goal", "weight", "group")
#: The five charts, in the order shown.
CHART_NAMES = ("trajectories", "jacobson", "categories", "gas", "trend")
DIRECTIONS: tuple[Direction, ...] = ("higher_is_better", "higher_is_worse")
#: Starting value of the reliability for a scale the app does not know (the participant edits it).
UNKNOWN_RELIABILITY = 0.80
#: vega-embed options: SVG (readable by screen readers and tests), no action menu (its links lead
#: to the public Vega editor).
EMBED_OPTIONS = {"renderer": "svg", "actions": False}
ALL = "__all__"
NONE = "__none__"


@dataclass(frozen=True)
class ScaleDefaults:
    """Reliability and direction the app starts from for one instrument.

    Attributes:
        reliability: in (0, 1), e.g. Cronbach's α.
        direction: ``"higher_is_better"`` or ``"higher_is_worse"``.
        note_key: catalog key of the sentence saying where ``reliability`` comes from.
    """

    reliability: float
    direction: Direction
    note_key: str


#: Published reliabilities the app knows: WEMWBS α = 0.89 (Tennant et al. 2007).
KNOWN_SCALES: dict[str, ScaleDefaults] = {
    "WEMWBS": ScaleDefaults(0.89, "higher_is_better", "opfoelgning.app_reliability_WEMWBS"),
}


def scale_defaults(instrument: str) -> ScaleDefaults:
    """Return the starting reliability and direction for ``instrument``.

    WEMWBS has its published α; SDQ problem scales and total difficulties count difficulties
    (higher is worse) while SDQ prosocial counts strengths (Goodman 1997); any other scale starts
    at reliability :data:`UNKNOWN_RELIABILITY` with higher = better, for the participant to edit.
    """
    if instrument in KNOWN_SCALES:
        return KNOWN_SCALES[instrument]
    upper = instrument.upper()
    worse = upper.startswith("SDQ") and "PROSOCIAL" not in upper
    direction: Direction = "higher_is_worse" if worse else "higher_is_better"
    return ScaleDefaults(UNKNOWN_RELIABILITY, direction, "opfoelgning.app_reliability_unknown")


def da_number(value: float, decimals: int = 1) -> str:
    """Danish number text with ``decimals`` decimals, e.g. ``1234.5`` -> ``"1.234,5"``."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=TEXT_LOCALE).replace("-", "\u2212")


def da_percent(share: float) -> str:
    """Danish percentage with one decimal, e.g. ``0.2542`` -> ``"25,4 %"`` (NaN -> ``"–"``)."""
    if not np.isfinite(share):
        return "–"
    return format_percent(share, format="#,##0.0 %", locale=TEXT_LOCALE).replace("\xa0", " ")


# --------------------------------------------------------------------------------------------
# Column mapping and messages
# --------------------------------------------------------------------------------------------


def mapping_from_choices(choices: Mapping[str, str | None]) -> dict[str, str]:
    """Turn the participant's dropdown choices into :func:`vidensbasering.io.apply_mapping` input.

    Args:
        choices: standard field (:data:`MAPPED_FIELDS`) → the user's column, or ``None`` when the
            file has no column for that field.

    Returns:
        User column → standard field, for the fields that have a column.

    Raises:
        FileProblemsError: one column chosen for two or more fields (one problem per extra use,
            naming the fields in Danish).
    """
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for field, column in choices.items():
        if column is None:
            continue
        if column in mapping:
            first = t(f"opfoelgning.field_{mapping[column]}")
            second = t(f"opfoelgning.field_{field}")
            message = t("opfoelgning.app_mapping_same_column", first=first, second=second)
            problems.append(Problem(None, column, message))
        else:
            mapping[column] = field
    if problems:
        raise FileProblemsError(problems)
    return mapping


def mapped_table(raw: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Rename the user's columns to the standard fields, ready for ``io.validate``.

    A column that is named like a standard field but was not chosen for it (the participant set
    that field to "(ingen)" or picked another column) gets a suffix, so that the validator does not
    read it as that field; every column stays in the table (and is checked for CPR numbers).

    Args:
        raw: :func:`vidensbasering.io.read_table` output (text cells).
        mapping: user column → standard field (:func:`mapping_from_choices`).

    Raises:
        FileProblemsError: as :func:`vidensbasering.io.apply_mapping`.
    """
    idle = {
        c: f"{c} ({t('opfoelgning.app_mapping_none')})"
        for c in raw.columns
        if c in user_io.FIELDS and c not in mapping
    }
    renamed = raw.rename(columns=idle)
    renamed.attrs = {}
    changes = {c: f for c, f in mapping.items() if c != f}
    out = user_io.apply_mapping(renamed, changes)
    # Messages name the user's own columns, also for those whose name was a field already.
    out.attrs["source_columns"] = {
        **out.attrs.get("source_columns", {}),
        **{f: c for c, f in mapping.items()},
    }
    return out


def header_problems(raw: pd.DataFrame) -> list[Problem]:
    """Problems for column headers that look like CPR numbers (the header is row 1).

    The validator checks cells; a header is shown in the mapping dropdowns, so it is checked
    here. The message does not repeat the header.
    """
    hits = user_io.find_cpr_like(pd.Series([str(c) for c in raw.columns], dtype=object))
    return [
        Problem(1, None, t("opfoelgning.cpr"), code=user_io.CPR_CODE)
        for _ in range(int(hits.sum()))
    ]


def group_problems(table: pd.DataFrame) -> list[Problem]:
    """Problems for citizens listed in more than one group (the charts need one group each).

    Args:
        table: :func:`vidensbasering.io.validate` output (index = the file's row numbers); its
            ``attrs["source_columns"]`` may name the user's group column.

    Returns:
        One problem per row whose group differs from the group on the citizen's first row,
        naming that first row; ``[]`` when there is no ``group`` column.
    """
    if "group" not in table.columns:
        return []
    groups = table["group"].astype(str)
    first = groups.groupby(table["person_id"]).transform("first")
    first_row = (
        pd.Series(table.index, index=table.index).groupby(table["person_id"]).transform("first")
    )
    column = table.attrs.get("source_columns", {}).get("group", "group")
    return [
        Problem(
            int(row),
            column,
            t(
                "opfoelgning.app_group_changes",
                group=groups[row],
                first=first[row],
                row=int(first_row[row]),
            ),
        )
        for row in table.index[groups != first]
    ]


def problems_html(error: FileProblemsError, limit: int = 200, note: str = "") -> str:
    """Render the validator's problems as an HTML heading and list (escaped; first ``limit``).

    Args:
        error: the problems to show (their Danish texts, with row and column).
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


# --------------------------------------------------------------------------------------------
# Analysis (no widgets)
# --------------------------------------------------------------------------------------------


def measured_instruments(df: pd.DataFrame) -> list[str]:
    """Instruments with scores (every instrument but GAS goal levels), sorted."""
    names = pd.unique(df["instrument"].dropna())
    return sorted(str(n) for n in names if n != GAS_INSTRUMENT)


def groups_of(df: pd.DataFrame) -> list[str]:
    """The distinct non-empty values of ``group`` (sorted), or ``[]`` without that column."""
    if "group" not in df.columns:
        return []
    values = df["group"].dropna().astype(str)
    return sorted(v for v in pd.unique(values) if v)


@dataclass
class Analysis:
    """Everything the charts and the table of one selection are made from.

    Attributes:
        instrument: the instrument drawn (``None`` when the data hold GAS only).
        group: the chosen group, or ``None`` for all groups.
        rows: the tidy rows of the selection (all instruments, GAS included).
        criteria: the change criteria (``None`` when they cannot be computed).
        classified: :func:`vidensbasering.followup.classify_changes` output for ``instrument``.
        counts: :func:`vidensbasering.followup.category_counts` of ``classified``.
        gas: :func:`vidensbasering.followup.gas_over_time` output (empty without GAS rows).
        trend: :func:`vidensbasering.followup.summary_by_occasion` for ``instrument``.
        by_group: whether charts compare the groups (all groups chosen and at least two).
    """

    instrument: str | None
    group: str | None
    rows: pd.DataFrame
    criteria: ChangeCriteria | None
    classified: pd.DataFrame | None
    counts: pd.DataFrame | None
    gas: pd.DataFrame
    trend: pd.DataFrame | None
    by_group: bool


def analyse(
    df: pd.DataFrame,
    instrument: str | None,
    group: str | None,
    reliability: float,
    direction: Direction,
) -> Analysis:
    """Compute the follow-up tables for one selection.

    Args:
        df: tidy follow-up table (:mod:`vidensbasering.followup`; e.g. from
            :func:`vidensbasering.io.load_user_file` or the example).
        instrument: the scale to analyse (not GAS), or ``None`` when there is none.
        group: a value of ``df["group"]``, or ``None`` for every group.
        reliability: the scale's reliability in (0, 1) (e.g. Cronbach's α).
        direction: ``"higher_is_better"`` or ``"higher_is_worse"``.

    Returns:
        :class:`Analysis`. The criteria use the first scores of every citizen measured with
        ``instrument`` (all groups), so a citizen's category does not change with the group shown;
        ``criteria`` is ``None`` when fewer than two citizens have a first score or the
        reliability is outside (0, 1), and then no citizen gets a category.
    """
    has_group = "group" in df.columns
    rows = df if group is None or not has_group else df[df["group"].astype(str) == group]
    by_group = group is None and len(groups_of(df)) > 1
    keys = ["group"] if has_group else []
    gas_rows = rows[rows["instrument"] == GAS_INSTRUMENT]
    gas = followup.gas_over_time(gas_rows, by=keys) if len(gas_rows) else pd.DataFrame()
    if instrument is None:
        return Analysis(None, group, rows, None, None, None, gas, None, by_group)
    scored = rows[rows["instrument"] == instrument]
    criteria: ChangeCriteria | None
    try:
        criteria = followup.criteria_from_baseline(df, instrument, reliability, direction=direction)
    except ValueError:
        criteria = None
    changes = followup.change_first_to_latest(scored, by=keys)
    classified = followup.classify_changes(changes, {instrument: criteria} if criteria else {})
    counts = followup.category_counts(classified)
    trend_keys = ["instrument", *(["group"] if by_group else []), "occasion"]
    trend = followup.summary_by_occasion(scored, by=trend_keys)
    return Analysis(instrument, group, rows, criteria, classified, counts, gas, trend, by_group)


def build_charts(
    analysis: Analysis, person: str | None = None, names: tuple[str, ...] = CHART_NAMES
) -> dict[str, alt.TopLevelMixin | str]:
    """Make the charts of one selection, or a Danish sentence where a chart cannot be drawn.

    Args:
        analysis: :func:`analyse` output.
        person: draw only this citizen's trajectory; ``None`` draws a sample of all citizens.
        names: which of :data:`CHART_NAMES` to make (an interaction redraws only what it changes).

    Returns:
        Mapping from each of ``names`` (in that order) to a styled Altair chart or a message.

    Raises:
        ValueError: from :mod:`vidensbasering.followup_charts` (e.g. an instrument not in the
            data); the app then shows a general message.
    """
    a = analysis
    wanted = set(names)
    out: dict[str, alt.TopLevelMixin | str] = {}
    if a.instrument is None or a.classified is None:
        for name in ("trajectories", "jacobson", "categories", "trend"):
            out[name] = t("opfoelgning.app_no_instrument")
    else:
        if "trajectories" in wanted:
            out["trajectories"] = fc.trajectories(
                a.rows,
                a.instrument,
                persons=[person] if person is not None else None,
                colour_by="group" if a.by_group else None,
            )
        if a.criteria is None:
            out["jacobson"] = out["categories"] = t("opfoelgning.app_no_criteria")
        else:
            if "jacobson" in wanted:
                out["jacobson"] = fc.jacobson_plot(a.classified, a.criteria, a.instrument)
            if "categories" in wanted:
                out["categories"] = fc.change_categories(a.counts, a.instrument)
        if "trend" in wanted:
            out["trend"] = fc.group_trend(a.trend, a.instrument, by="group" if a.by_group else None)
    if "gas" in wanted:
        gas = a.gas.dropna(subset=["gas_t"]) if "gas_t" in a.gas.columns else a.gas
        if gas.empty:
            out["gas"] = t("opfoelgning.app_no_gas")
        else:
            out["gas"] = fc.gas_tscores(gas, by="group" if a.by_group else None)
    return {name: out[name] for name in names}


def key_figures(analysis: Analysis) -> str:
    """One Danish paragraph with the counts behind the charts (persons, categories).

    "Reliable improvement" counts both improved and recovered citizens; shares are of the
    citizens measured at least twice (as in the category chart). Empty when there is no
    instrument or no criteria.
    """
    a = analysis
    if a.instrument is None or a.classified is None or a.criteria is None:
        return ""
    c = a.classified
    again = int((c["n_occasions"] > 1).sum())
    n = c["category"].value_counts()
    improved = int(n.get("improved", 0) + n.get("recovered", 0))
    deteriorated = int(n.get("deteriorated", 0))
    share = (lambda k: k / again) if again else (lambda k: float("nan"))
    return t(
        "opfoelgning.app_key_figures",
        persons=da_number(len(c), 0),
        instrument=a.instrument,
        again=da_number(again, 0),
        improved=da_number(improved, 0),
        improved_share=da_percent(share(improved)),
        recovered=da_number(int(n.get("recovered", 0)), 0),
        deteriorated=da_number(deteriorated, 0),
        deteriorated_share=da_percent(share(deteriorated)),
    )


def criteria_text(criteria: ChangeCriteria, reliability: float, z: float = 1.96) -> str:
    """The Danish sentence explaining the reliable change threshold and the cut-off."""
    return t(
        "opfoelgning.app_criteria",
        threshold=da_number(z * criteria.s_diff, 1),
        s_diff=da_number(criteria.s_diff, 2),
        reliability=da_number(reliability, 2),
        cutoff=da_number(criteria.cutoff, 1) if criteria.cutoff is not None else "–",
    )


def summary_table(analysis: Analysis) -> pd.DataFrame:
    """One row per citizen of the selection, with Danish column names, for the CSV download.

    Columns (those that apply): Borger, Gruppe, Instrument, Antal målinger, Første/Seneste
    måletidspunkt, Første/Seneste dato (``datetime64``), Første/Seneste score, Ændring (latest −
    first, scale points), RC (the reliable change index), Kategori (Danish category label; "Kun én
    måling" for citizens measured once) and GAS T-score (seneste) (the T-score at the citizen's
    latest GAS occasion). Scores and RC are rounded to 2 decimals, T-scores to 1.
    Without an instrument: one row per citizen with GAS only.
    """
    a = analysis
    if a.classified is not None:
        table = a.classified.copy()
        labels = {c: t(f"opfoelgning.category_{c}") for c in CHANGE_CATEGORIES}
        category = table["category"].astype(object).map(labels)
        table["category"] = category.where(category.notna(), t("opfoelgning.category_missing"))
    else:
        table = pd.DataFrame({"person_id": sorted(pd.unique(a.rows["person_id"]))})
    if "gas_t" in a.gas.columns and not a.gas.empty:
        latest = a.gas.dropna(subset=["gas_t"]).sort_values("occasion").groupby("person_id").tail(1)
        table = table.merge(
            latest[["person_id", "gas_t"]].assign(gas_t=lambda d: d["gas_t"].round(1)),
            on="person_id",
            how="left",
        )
    for column in ("first_score", "latest_score", "change", "rc"):
        if column in table.columns:
            table[column] = table[column].round(2)
    names = {
        "person_id": "person",
        "group": "group",
        "instrument": "instrument",
        "n_occasions": "n",
        "first_occasion": "first_occasion",
        "latest_occasion": "latest_occasion",
        "first_date": "first_date",
        "latest_date": "latest_date",
        "first_score": "first_score",
        "latest_score": "latest_score",
        "change": "change",
        "rc": "rc",
        "category": "category",
        "gas_t": "gas",
    }
    keep = [c for c in names if c in table.columns]
    table = table[keep].sort_values("person_id", kind="stable").reset_index(drop=True)
    return table.rename(columns={c: t(f"opfoelgning.app_col_{names[c]}") for c in keep})


def excel_csv(table: pd.DataFrame) -> bytes:
    """Encode a table as CSV that Danish Excel opens by double-click.

    UTF-8 with a byte-order mark (so æ/ø/å survive), ``;`` between fields, decimal comma,
    dates ``dd-mm-yyyy``, CRLF line ends; empty cells for missing values. Reads back with
    ``pd.read_csv(..., sep=";", decimal=",", encoding="utf-8-sig")``.
    """
    text = table.to_csv(
        sep=";", decimal=",", index=False, date_format="%d-%m-%Y", lineterminator="\r\n"
    )
    return text.encode("utf-8-sig")


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


def file_stem(analysis: Analysis) -> str:
    """A file name stem for downloads, e.g. ``"opfoelgning-WEMWBS-alle"`` (ASCII, no spaces)."""
    parts = ["opfoelgning", analysis.instrument or GAS_INSTRUMENT, analysis.group or "alle"]
    text = "-".join(parts)
    text = text.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe"}))
    text = text.replace("Å", "Aa")
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in text)


@cache
def example_data() -> pd.DataFrame:
    """The example table, loaded once per kernel (shared: treat as read-only)."""
    return load_followup_example()


# --------------------------------------------------------------------------------------------
# Widgets
# --------------------------------------------------------------------------------------------


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
        self._raw: pd.DataFrame | None = None
        self._analysis: Analysis | None = None
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
        self.reliability = _labelled(
            widgets.BoundedFloatText(
                value=UNKNOWN_RELIABILITY,
                min=0.01,
                max=0.99,
                step=0.01,
                description=t("opfoelgning.app_reliability"),
                layout={"width": "260px"},
            )
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
        for control in (self.reliability, self.direction):
            control.observe(self._on_criteria, names="value")
        self.images_button.on_click(lambda _b: self.make_images())
        self.use_example()

    # -- data ---------------------------------------------------------------------------------

    def use_example(self) -> None:
        """Show the example data (and hide the column mapping)."""
        self._raw = None
        self.mapping_box.layout.display = "none"
        self.messages.value = ""
        self.set_data(example_data(), "opfoelgning.app_source_example")

    def load_file(self, content: bytes, filename: str) -> None:
        """Read an uploaded file, suggest the column mapping, and use the file if it validates.

        The bytes stay in memory; what is kept is the table of text cells, for re-mapping.
        """
        self.messages.value = f"<p>{t('opfoelgning.app_reading')}</p>"
        try:
            raw = user_io.read_table(content, filename)
            problems = header_problems(raw)
            if problems:
                raise FileProblemsError(problems)
        except FileProblemsError as error:
            self._raw = None
            self.mapping_box.layout.display = "none"
            self.messages.value = problems_html(error, note=t("opfoelgning.app_file_not_used"))
            return
        self._raw = raw
        suggested = {
            field: column for column, field in user_io.suggest_mapping(raw.columns).items()
        }
        none = (t("opfoelgning.app_mapping_none"), NONE)
        columns = [(str(c), str(c)) for c in raw.columns]
        for field, dropdown in self.mapping.items():
            dropdown.options = [none, *columns]
            dropdown.value = suggested.get(field, NONE)
        self.mapping_box.layout.display = ""
        self.use_mapping()

    def use_mapping(self) -> None:
        """Validate the uploaded table with the chosen columns; use it or list every problem."""
        if self._raw is None:
            return
        choices = {
            f: (None if d.value in (None, NONE) else d.value) for f, d in self.mapping.items()
        }
        try:
            mapped = mapped_table(self._raw, mapping_from_choices(choices))
            table = user_io.validate(mapped)
            table.attrs["source_columns"] = mapped.attrs.get("source_columns", {})
            problems = group_problems(table)
            if problems:
                raise FileProblemsError(problems)
        except FileProblemsError as error:
            self.messages.value = problems_html(error, note=t("opfoelgning.app_file_not_used"))
            if error.has_cpr:
                # A file with CPR numbers is not kept, not even in memory: it must be replaced.
                self._raw = None
                self.mapping_box.layout.display = "none"
            return
        said = [t("opfoelgning.app_file_used"), *self._raw.attrs.get("notes", [])]
        self.messages.value = "".join(f"<p>{html.escape(text)}</p>" for text in said)
        self.set_data(table, "opfoelgning.app_source_file")

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
        persons = table["person_id"].nunique()
        self.source.value = (
            f"<p>{t(source_key, persons=da_number(persons, 0), rows=da_number(len(table), 0))}</p>"
        )
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
        rows = self.data[self.data["instrument"] == self.instrument.value]
        if group is not None and "group" in rows.columns:
            rows = rows[rows["group"].astype(str) == group]
        ids = sorted(str(p) for p in pd.unique(rows["person_id"]))
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
        group = None if self.group.value in (None, ALL) else self.group.value
        person = None if self.person.value in (None, ALL) else self.person.value
        try:
            analysis = analyse(
                self.data,
                self.instrument.value,
                group,
                float(self.reliability.value),
                self.direction.value,
            )
            fresh = build_charts(analysis, person, names)
        except ValueError:
            # Not expected for validated data; the participant gets a sentence, not a traceback.
            for name in CHART_NAMES:
                self._show(name, t("opfoelgning.app_chart_failed"))
            self.key_text.value = self.csv_link.value = ""
            self._analysis = None
            return
        self._analysis = analysis
        self._charts.update(fresh)
        for name, chart in fresh.items():
            self._show(name, chart)
        texts = [key_figures(analysis)]
        if analysis.criteria is not None:
            texts.append(criteria_text(analysis.criteria, float(self.reliability.value)))
        self.key_text.value = "".join(f"<p>{html.escape(x)}</p>" for x in texts if x)
        table = summary_table(analysis)
        self.csv_link.value = (
            "<p>"
            + download_link(
                excel_csv(table),
                "text/csv",
                f"{file_stem(analysis)}.csv",
                t("opfoelgning.app_download_csv"),
            )
            + "</p>"
        )
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
        stem = file_stem(self._analysis)
        links = []
        for name in CHART_NAMES:
            chart = self._charts.get(name)
            if chart is None or isinstance(chart, str):
                continue
            label = t(f"opfoelgning.app_chart_{name}")
            png = download_link(charts.to_png(chart), "image/png", f"{stem}-{name}.png", "PNG")
            svg_bytes = charts.to_svg(chart).encode("utf-8")
            svg = download_link(svg_bytes, "image/svg+xml", f"{stem}-{name}.svg", "SVG")
            links.append(f"<li>{html.escape(label)}: {png} · {svg}</li>")
        self.images.value = (
            f'<p>{t("opfoelgning.app_images_ready")}</p><ul class="vb-images">{"".join(links)}</ul>'
        )


def app() -> widgets.Widget:
    """Build the app and return its top widget, as shown by the app notebook."""
    return OpfoelgningApp().widget
