"""The follow-up dashboard's pipeline: from an uploaded file to charts, key figures and a table.

What the app "Følg systematisk op" (:mod:`vidensbasering.apps.opfoelgning`) does, without widgets,
so that the same steps run from a notebook or a script and are tested on their own:

1. :func:`load_upload` reads the uploaded bytes (CSV or ``.xlsx``, in memory, never written to
   disk or logged) and suggests which column is which field, or returns :class:`Problems`.
2. :func:`use_columns` applies the participant's column choices and validates the table
   (:mod:`vidensbasering.io`), or returns :class:`Problems` that say whether choosing other
   columns is enough (``columns_only``) and whether the file must be replaced (CPR numbers).
3. :func:`report` computes one selection (:class:`Choices`: instrument, group, person,
   reliability, direction): the analysis, the charts asked for, the key figures in Danish and
   the summary table as CSV that Danish Excel opens.
4. :func:`chart_images` renders the charts to PNG and SVG (vl-convert, loaded only then).

Reliable change and clinical significance follow Jacobson & Truax (1991), *J Consult Clin
Psychol* 59(1), 12-19: S_diff from the SD of every citizen's first score and the scale's
reliability, cut-off criterion **a** (two baseline SDs from the baseline mean in the better
direction) because a service's own data carry no functional norms. GAS T-scores follow Kiresuk &
Sherman (1968), *Community Mental Health Journal* 4(6), 443-453 (ρ = 0.30). The default WEMWBS
reliability 0.89 is Cronbachs α from Tennant et al. (2007), *Health Qual Life Outcomes* 5:63.
Every text comes from the ``opfoelgning`` section of the UI catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import altair as alt
import pandas as pd

from vidensbasering import charts, followup
from vidensbasering import followup_charts as fc
from vidensbasering import io as user_io
from vidensbasering.examples import load_followup_example
from vidensbasering.files import Download
from vidensbasering.followup import GAS_INSTRUMENT
from vidensbasering.i18n import t
from vidensbasering.io import FileProblemsError, Problem
from vidensbasering.measures import CHANGE_CATEGORIES, ChangeCriteria, Direction
from vidensbasering.numbers import format_number, format_share

__all__ = [
    "CHART_NAMES",
    "DIRECTIONS",
    "MAPPED_FIELDS",
    "RELIABILITY_RANGE",
    "Analysis",
    "Choices",
    "Problems",
    "Report",
    "ScaleDefaults",
    "Upload",
    "analyse",
    "build_charts",
    "chart_images",
    "criteria_text",
    "example_data",
    "excel_csv",
    "file_stem",
    "group_problems",
    "groups_of",
    "header_problems",
    "key_figures",
    "load_upload",
    "mapped_table",
    "mapping_from_choices",
    "measured_instruments",
    "persons_of",
    "report",
    "scale_defaults",
    "summary_table",
    "use_columns",
]

#: Fields the participant can map, in the order of the dropdowns.
MAPPED_FIELDS = ("person_id", "occasion", "date", "instrument", "score", "goal", "weight", "group")
#: The five charts, in the order shown.
CHART_NAMES = ("trajectories", "jacobson", "categories", "gas", "trend")
DIRECTIONS: tuple[Direction, ...] = ("higher_is_better", "higher_is_worse")
#: Starting value of the reliability for a scale the app does not know (the participant edits it).
UNKNOWN_RELIABILITY = 0.80
#: Allowed reliability: strictly between 0 and 1 (S_diff = s₁·√2·√(1 − r) needs r < 1 to be
#: positive, and a reliability of 0 or less means the scale measures nothing).
RELIABILITY_RANGE = {
    "minimum": 0.0,
    "maximum": 1.0,
    "include_minimum": False,
    "include_maximum": False,
}


# --------------------------------------------------------------------------------------------
# Scales
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleDefaults:
    """Reliability and direction the app starts from for one instrument.

    Attributes:
        reliability: in (0, 1), e.g. Cronbachs α.
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


# --------------------------------------------------------------------------------------------
# Reading an upload and choosing its columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file that was read, waiting for the participant's column choices.

    Attributes:
        raw: :func:`vidensbasering.io.read_table` output (text cells, in memory only).
        columns: the file's column names, in the file's order.
        suggested: standard field (:data:`MAPPED_FIELDS`) → the suggested column, or ``None``.
    """

    raw: pd.DataFrame = field(repr=False)
    columns: tuple[str, ...]
    suggested: dict[str, str | None]

    @property
    def notes(self) -> list[str]:
        """Danish sentences about title rows skipped above the header (``io.read_table``)."""
        return list(self.raw.attrs.get("notes", []))


@dataclass(frozen=True)
class Problems:
    """Why a file cannot be used (yet), with the Danish texts to show.

    Attributes:
        problems: every problem found, with row and column where they apply.
        columns_only: True when choosing other columns fixes every problem (nothing in the file
            has to change); the heading then says so.
        keep_file: False when the file must be replaced (it holds CPR-like values, which are not
            kept, not even in memory).
    """

    problems: tuple[Problem, ...]
    columns_only: bool = False
    keep_file: bool = True

    def heading(self) -> str:
        """The Danish sentence above the list of problems."""
        if self.columns_only:
            return t(
                "opfoelgning.problems_heading_columns", button=t("opfoelgning.app_mapping_apply")
            )
        return FileProblemsError(self.problems).heading()


def load_upload(data: bytes, name: str) -> Upload | Problems:
    """Read an uploaded file and suggest its column mapping.

    Args:
        data: the file's bytes (read in memory; never written to disk or logged).
        name: the upload's file name (recognises ``.xlsx``).

    Returns:
        :class:`Upload` with the suggested mapping, or :class:`Problems` when the file cannot be
        read or a column header looks like a CPR number (then ``keep_file`` is False).
    """
    try:
        raw = user_io.read_table(data, name)
    except FileProblemsError as error:
        return Problems(tuple(error.problems), keep_file=False)
    problems = header_problems(raw)
    if problems:
        return Problems(tuple(problems), keep_file=False)
    suggested: dict[str, str | None] = dict.fromkeys(MAPPED_FIELDS)
    suggested.update({f: c for c, f in user_io.suggest_mapping(raw.columns).items()})
    return Upload(raw, tuple(str(c) for c in raw.columns), suggested)


def use_columns(upload: Upload, choices: Mapping[str, str | None]) -> pd.DataFrame | Problems:
    """Validate the uploaded table with the participant's column choices.

    Args:
        upload: :func:`load_upload` output.
        choices: standard field → the user's column, or ``None`` for "(ingen)".

    Returns:
        The tidy typed table of :func:`vidensbasering.io.validate` (``attrs["source_columns"]``
        names the user's columns), or :class:`Problems`: ``columns_only`` when every problem is
        about which column is which (none names a row), ``keep_file`` False when a cell looks
        like a CPR number.
    """
    try:
        mapped = mapped_table(upload.raw, mapping_from_choices(choices))
        table = user_io.validate(mapped)
        table.attrs["source_columns"] = mapped.attrs.get("source_columns", {})
        problems = group_problems(table)
        if problems:
            raise FileProblemsError(problems)
    except FileProblemsError as error:
        found = tuple(error.problems)
        cpr = error.has_cpr
        # At this step only the mapping checks name no row: a missing field, a column chosen
        # twice. Those are fixed in the dropdowns, not in the file.
        columns_only = all(p.row is None for p in found)
        return Problems(found, columns_only=columns_only and not cpr, keep_file=not cpr)
    return table


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
    for name, column in choices.items():
        if column is None:
            continue
        if column in mapping:
            first = t(f"opfoelgning.field_{mapping[column]}")
            second = t(f"opfoelgning.field_{name}")
            message = t("opfoelgning.app_mapping_same_column", first=first, second=second)
            problems.append(Problem(None, column, message))
        else:
            mapping[column] = name
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


@cache
def example_data() -> pd.DataFrame:
    """The example table, loaded once per process (shared: treat as read-only)."""
    return load_followup_example()


# --------------------------------------------------------------------------------------------
# What a table holds
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


def persons_of(df: pd.DataFrame, instrument: str | None, group: str | None) -> list[str]:
    """The citizens measured with ``instrument`` (in ``group``, if given), sorted as text."""
    rows = df[df["instrument"] == instrument]
    if group is not None and "group" in rows.columns:
        rows = rows[rows["group"].astype(str) == group]
    return sorted(str(p) for p in pd.unique(rows["person_id"]))


# --------------------------------------------------------------------------------------------
# One selection: analysis, charts, texts, table
# --------------------------------------------------------------------------------------------


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
        persons=format_number(len(c), 0),
        instrument=a.instrument,
        again=format_number(again, 0),
        improved=format_number(improved, 0),
        improved_share=format_share(share(improved)),
        recovered=format_number(int(n.get("recovered", 0)), 0),
        deteriorated=format_number(deteriorated, 0),
        deteriorated_share=format_share(share(deteriorated)),
    )


def criteria_text(criteria: ChangeCriteria, reliability: float, z: float = 1.96) -> str:
    """The Danish sentence explaining the reliable change threshold and the cut-off."""
    return t(
        "opfoelgning.app_criteria",
        threshold=format_number(z * criteria.s_diff, 1),
        s_diff=format_number(criteria.s_diff, 2),
        reliability=format_number(reliability, 2),
        cutoff=format_number(criteria.cutoff, 1) if criteria.cutoff is not None else "–",
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


def file_stem(analysis: Analysis) -> str:
    """A file name stem for downloads, e.g. ``"opfoelgning-WEMWBS-alle"`` (ASCII, no spaces)."""
    parts = ["opfoelgning", analysis.instrument or GAS_INSTRUMENT, analysis.group or "alle"]
    text = "-".join(parts)
    text = text.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe"}))
    text = text.replace("Å", "Aa")
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in text)


@dataclass(frozen=True)
class Choices:
    """What the participant has chosen to see.

    Attributes:
        instrument: the scale to analyse (not GAS), or ``None`` when the data hold none.
        group: a value of the table's ``group``, or ``None`` for every group.
        person: draw only this citizen's trajectory; ``None`` draws a sample of all citizens.
        reliability: the scale's reliability, in (0, 1) (:data:`RELIABILITY_RANGE`).
        direction: ``"higher_is_better"`` or ``"higher_is_worse"``.
    """

    instrument: str | None
    group: str | None = None
    person: str | None = None
    reliability: float = UNKNOWN_RELIABILITY
    direction: Direction = "higher_is_better"


@dataclass
class Report:
    """One selection, ready to show.

    Attributes:
        analysis: the tables behind it (:class:`Analysis`).
        charts: chart name (of those asked for, in :data:`CHART_NAMES` order) → a styled Altair
            chart, or a Danish sentence where the chart cannot be drawn.
        texts: the Danish paragraphs above the charts (key figures, then the criteria).
        summary: :func:`summary_table` (one row per citizen, Danish column names).
        csv: the summary as CSV for Danish Excel (:func:`excel_csv`), named after the selection.
        stem: the file name stem of the selection's downloads (:func:`file_stem`).
    """

    analysis: Analysis
    charts: dict[str, alt.TopLevelMixin | str]
    texts: list[str]
    summary: pd.DataFrame
    csv: Download
    stem: str


def report(table: pd.DataFrame, choices: Choices, names: tuple[str, ...] = CHART_NAMES) -> Report:
    """Compute one selection: analysis, the charts in ``names``, key figures and the table.

    Args:
        table: tidy follow-up table (:func:`use_columns` or :func:`example_data`).
        choices: the participant's :class:`Choices`.
        names: which of :data:`CHART_NAMES` to draw (an interaction redraws only what it
            changes; the tables are cheap, sending a chart to the browser is not).

    Returns:
        :class:`Report`.

    Raises:
        ValueError: from the analysis or the charts (not expected for validated data).
    """
    analysis = analyse(
        table, choices.instrument, choices.group, choices.reliability, choices.direction
    )
    drawn = build_charts(analysis, choices.person, names)
    texts = [key_figures(analysis)]
    if analysis.criteria is not None:
        texts.append(criteria_text(analysis.criteria, choices.reliability))
    summary = summary_table(analysis)
    stem = file_stem(analysis)
    csv = Download(f"{stem}.csv", "text/csv", excel_csv(summary))
    return Report(analysis, drawn, [x for x in texts if x], summary, csv, stem)


def chart_images(
    charts_by_name: Mapping[str, alt.TopLevelMixin | str], stem: str
) -> list[tuple[str, Download, Download]]:
    """Render each chart to PNG (twice its pixel size) and SVG, in memory, with da-DK formats.

    Args:
        charts_by_name: chart name → chart (:attr:`Report.charts`); messages are skipped.
        stem: file name stem, e.g. ``"opfoelgning-WEMWBS-alle"``.

    Returns:
        ``(name, png, svg)`` per chart, files named ``<stem>-<name>.png``/``.svg``. vl-convert is
        loaded by the first call (:func:`vidensbasering.charts.to_png`).
    """
    images = []
    for name, chart in charts_by_name.items():
        if isinstance(chart, str):
            continue
        png = Download(f"{stem}-{name}.png", "image/png", charts.to_png(chart))
        svg_text = charts.to_svg(chart).encode("utf-8")
        svg = Download(f"{stem}-{name}.svg", "image/svg+xml", svg_text)
        images.append((name, png, svg))
    return images
