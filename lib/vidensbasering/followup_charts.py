"""Altair charts for follow-up: trajectories, Jacobson plot, change categories, GAS, group trend.

Each function takes one of the tables made by :mod:`vidensbasering.followup` and returns a
finished chart passed through :func:`vidensbasering.charts.style` (da-DK number and date formats,
Okabe–Ito palette), so it renders the same in a lesson notebook, in a Voila app and through
:func:`vidensbasering.charts.to_svg` / :func:`~vidensbasering.charts.to_png`. Texts come from the
``opfoelgning`` section of the UI catalog.

The data are reduced in pandas before they reach the chart, so a browser never receives more than
a few thousand rows, whatever the size of the input:

* :func:`trajectories` draws at most ``max_persons`` persons (plus the mean of all persons);
* :func:`jacobson_plot` counts persons with the same (before, after, category) point and, when
  that still leaves more than ``max_points`` points, snaps the scores to a coarser grid;
* :func:`change_categories`, :func:`gas_tscores` and :func:`group_trend` draw per-category or
  per-occasion summaries only.

Sources of what is drawn: reliable change band and cut-off lines from Jacobson & Truax (1991),
*J Consult Clin Psychol* 59(1), 12-19; GAS T-scores from Kiresuk & Sherman (1968), *Community Mental
Health Journal* 4(6), 443-453 (computed in :mod:`vidensbasering.measures`).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from vidensbasering import charts
from vidensbasering.followup import GAS_INSTRUMENT
from vidensbasering.i18n import t
from vidensbasering.measures import CHANGE_CATEGORIES, INSTRUMENT_RANGES, ChangeCriteria

__all__ = [
    "CATEGORY_COLOURS",
    "FEW_PERSONS",
    "change_categories",
    "gas_tscores",
    "group_trend",
    "jacobson_plot",
    "trajectories",
]

#: Colour of each Jacobson-Truax category (Okabe–Ito green and sky blue for the two kinds of
#: improvement, grey for no reliable change, vermillion for deterioration), and of "measured once".
CATEGORY_COLOURS: dict[str, str] = {
    "recovered": charts.PALETTE[2],
    "improved": charts.PALETTE[1],
    "unchanged": "#9a9a9a",
    "deteriorated": charts.PALETTE[5],
    "missing": "#d4d4d4",
}
_MEAN_COLOUR = "#1a1a1a"
_BAND_COLOUR = "#bdbdbd"
_DATE_FORMAT = "%d-%m-%Y"
_WIDTH, _HEIGHT = 460, 300
#: Up to this many persons, :func:`trajectories` draws strong lines named at their last point.
FEW_PERSONS = 8


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {missing}; it has {list(df.columns)}")


def _da_number(value: float, decimals: int = 0) -> str:
    """Python-side Danish number text (for titles, which Vega does not format): 1.234,5."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _one_instrument(df: pd.DataFrame, instrument: str | None, what: str) -> pd.DataFrame:
    """Rows of ``instrument``; ``None`` is allowed when the frame holds one instrument only."""
    if "instrument" not in df.columns:
        return df
    names = pd.unique(df["instrument"].dropna())
    if instrument is None:
        if len(names) > 1:
            raise ValueError(
                f"{what}: the table holds several instruments {sorted(names)}; "
                "say which one with instrument=..."
            )
        return df
    rows = df[df["instrument"] == instrument]
    if rows.empty:
        raise ValueError(f"{what}: no rows for instrument {instrument!r}; found {sorted(names)}")
    return rows


def _group_colour(by: str | None) -> alt.Color | alt.ColorValue:
    """One colour per group when ``by`` names a group column, else the palette's blue."""
    if by:
        return alt.Color(f"{by}:N", title=t("opfoelgning.chart_group"))
    return alt.value(charts.PALETTE[4])


def _occasion_axis(first: int, last: int) -> alt.Axis:
    return alt.Axis(values=list(range(first, last + 1)), format="d", grid=False)


def _occasion_scale(first: int, last: int) -> alt.Scale:
    return alt.Scale(domain=[first - 0.4, last + 0.4], nice=False, zero=False)


def _group_offsets(groups: Sequence[object], spread: float = 0.24) -> dict[object, float]:
    """Small horizontal offsets (in occasions) so that groups side by side do not overlap."""
    k = len(groups)
    if k <= 1:
        return dict.fromkeys(groups, 0.0)
    steps = np.linspace(-spread / 2, spread / 2, k)
    return {g: float(s) for g, s in zip(groups, steps, strict=True)}


# --------------------------------------------------------------------------------------------
# Trajectories
# --------------------------------------------------------------------------------------------


def trajectories(
    df: pd.DataFrame,
    instrument: str,
    *,
    max_persons: int = 40,
    persons: Sequence[str] | None = None,
    colour_by: str | None = "group",
) -> alt.TopLevelMixin:
    """Each person's scores over the occasions, with the mean of all persons on top.

    Args:
        df: tidy follow-up table (:mod:`vidensbasering.followup`): columns ``person_id``,
            ``occasion`` (int ≥ 1), ``instrument``, ``score`` (scale units); optional ``date``
            (datetime64, shown in the tooltip) and the ``colour_by`` column. Any number of rows.
        instrument: the instrument to draw, e.g. ``"WEMWBS"``; GAS goal levels are not scores
            (use :func:`gas_tscores`).
        max_persons: at most this many persons get a line (≥ 1). When there are more, an evenly
            spaced selection over the sorted person ids is drawn (deterministic), and the subtitle
            says how many of how many are shown. The mean line always uses every person.
        persons: draw exactly these persons instead (ids that are not in the data are ignored);
            ``max_persons`` still caps how many.
        colour_by: column whose values colour the lines (e.g. ``"group"``); ``None`` or a missing
            column gives one colour.

    Returns:
        A styled layer chart: a line and points per person (x = occasion, y = score), a thick
        line of the mean score per occasion (persons measured at that occasion). Up to
        :data:`FEW_PERSONS` persons are drawn strongly and named at their last point; more are
        drawn faintly. At most ``max_persons × (occasions + 1) + occasions`` data rows.

    Raises:
        ValueError: missing columns, no rows for ``instrument``, ``instrument`` is ``"GAS"``,
            ``max_persons`` < 1.
    """
    _require(df, ["person_id", "occasion", "instrument", "score"], "trajectories")
    if max_persons < 1:
        raise ValueError(f"max_persons must be at least 1, got {max_persons!r}")
    if instrument == GAS_INSTRUMENT:
        raise ValueError(
            "GAS rows are goal levels, not scores: draw gas_tscores(gas_over_time(df))"
        )
    rows = _one_instrument(df, instrument, "trajectories")
    ids = np.sort(pd.unique(rows["person_id"]))
    if persons is not None:
        wanted = set(persons)
        ids = np.array([p for p in ids if p in wanted], dtype=object)
    total = len(pd.unique(rows["person_id"]))
    if len(ids) > max_persons:
        ids = ids[np.unique(np.linspace(0, len(ids) - 1, max_persons).round().astype(int))]
    colour = colour_by if colour_by is not None and colour_by in rows.columns else None
    keep = ["person_id", "occasion", "score", *(["date"] if "date" in rows.columns else [])]
    if colour:
        keep.append(colour)
    shown = rows.loc[rows["person_id"].isin(ids), keep].sort_values(["person_id", "occasion"])
    means = (
        rows.groupby("occasion", sort=True)["score"]
        .agg(["mean", "count"])
        .reset_index()
        .rename(columns={"count": "n"})
    )
    occ = (int(rows["occasion"].min()), int(rows["occasion"].max()))
    x = alt.X(
        "occasion:Q",
        title=t("opfoelgning.chart_occasion"),
        axis=_occasion_axis(*occ),
        scale=_occasion_scale(*occ),
    )
    low, high = INSTRUMENT_RANGES.get(instrument, (None, None))
    y_scale = (
        alt.Scale(domain=[low, high], zero=False) if low is not None else alt.Scale(zero=False)
    )
    y = alt.Y("score:Q", title=f"{t('opfoelgning.chart_score')} ({instrument})", scale=y_scale)
    tooltip = [
        alt.Tooltip("person_id:N", title=t("opfoelgning.chart_person")),
        alt.Tooltip("occasion:Q", title=t("opfoelgning.chart_occasion"), format="d"),
        alt.Tooltip("score:Q", title=t("opfoelgning.chart_score"), format=",.1~f"),
    ]
    if "date" in shown.columns:
        tooltip.append(
            alt.Tooltip("date:T", title=t("opfoelgning.chart_date"), format=_DATE_FORMAT)
        )
    if colour:
        colour_enc: alt.Color | alt.ColorValue = alt.Color(
            f"{colour}:N", title=t("opfoelgning.chart_group")
        )
        tooltip.append(alt.Tooltip(f"{colour}:N", title=t("opfoelgning.chart_group")))
    else:
        colour_enc = alt.value(charts.PALETTE[4])
    base = alt.Chart(shown).encode(x=x, y=y, detail="person_id:N", color=colour_enc)
    # A handful of persons (individual follow-up) are drawn strongly and named at their last point;
    # many persons are drawn faintly so that the mean stands out.
    few = len(ids) <= FEW_PERSONS
    lines = base.mark_line(strokeWidth=2 if few else 1.2, opacity=0.9 if few else 0.45)
    points = base.mark_point(size=40 if few else 18, filled=True, opacity=0.9 if few else 0.6)
    points = points.encode(tooltip=tooltip)
    layers = [lines, points]
    if few:
        last = shown.groupby("person_id", sort=False).tail(1)
        layers.append(
            alt.Chart(last)
            .mark_text(align="left", dx=7, fontSize=11)
            .encode(x=x, y=y, text="person_id:N", color=colour_enc)
        )
    mean_base = alt.Chart(means).encode(x=x, y=alt.Y("mean:Q", scale=y_scale))
    mean_tooltip = [
        alt.Tooltip("occasion:Q", title=t("opfoelgning.chart_occasion"), format="d"),
        alt.Tooltip("mean:Q", title=t("opfoelgning.chart_mean"), format=",.1f"),
        alt.Tooltip("n:Q", title=t("opfoelgning.chart_n"), format=",d"),
    ]
    mean_line = mean_base.mark_line(color=_MEAN_COLOUR, strokeWidth=3.5)
    mean_points = mean_base.mark_point(color=_MEAN_COLOUR, filled=True, size=70, opacity=1).encode(
        tooltip=mean_tooltip
    )
    if len(ids) < total:
        subtitle = t(
            "opfoelgning.chart_trajectories_subset",
            shown=_da_number(len(ids)),
            total=_da_number(total),
        )
    else:
        subtitle = t("opfoelgning.chart_trajectories_all", n=_da_number(total))
    chart = alt.layer(*layers, mean_line, mean_points).properties(
        width=_WIDTH,
        height=_HEIGHT,
        title=alt.TitleParams(
            t("opfoelgning.chart_trajectories_title", instrument=instrument), subtitle=subtitle
        ),
    )
    return charts.style(chart)


# --------------------------------------------------------------------------------------------
# Jacobson plot
# --------------------------------------------------------------------------------------------


def _category_labels() -> dict[str, str]:
    return {c: t(f"opfoelgning.category_{c}") for c in (*CHANGE_CATEGORIES, "missing")}


def jacobson_plot(
    classified: pd.DataFrame,
    criteria: ChangeCriteria,
    instrument: str | None = None,
    *,
    z: float = 1.96,
    domain: tuple[float, float] | None = None,
    max_points: int = 2500,
) -> alt.TopLevelMixin:
    """Before-versus-after scatter with the reliable change band and the cut-off lines.

    Draws, for each person measured at least twice, the first score (x) against the latest score
    (y), coloured by Jacobson-Truax category; the diagonal of no change; the band
    ``|after − before| ≤ z·S_diff`` where change is not reliable; and the cut-off as a vertical
    and a horizontal line (Jacobson & Truax 1991). Persons measured once have no point; the
    subtitle says how many they are.

    Args:
        classified: output of :func:`vidensbasering.followup.classify_changes`: columns
            ``first_score``, ``latest_score`` (scale units), ``n_occasions`` (int), ``category``
            and, when several instruments are present, ``instrument``.
        criteria: the :class:`~vidensbasering.measures.ChangeCriteria` used to classify
            (``s_diff`` gives the band, ``cutoff`` the lines, ``direction`` the subtitle).
        instrument: which instrument to draw; may be ``None`` when only one is present.
        z: critical value of the band (1.96 as in the classification).
        domain: (low, high) of both axes in scale units; default the instrument's range from
            :data:`~vidensbasering.measures.INSTRUMENT_RANGES`, else the data's range.
        max_points: most distinct points sent to the chart (≥ 100). Persons with the same point
            and category are drawn as one circle whose size shows how many they are; if more than
            ``max_points`` points remain, scores are rounded to a grid of step ``(high − low)/50``,
            made 1.5 times coarser until at most ``max_points`` points remain.

    Returns:
        A styled layer chart, square, with at most ``max_points`` points (plus a few rows for the
        band, diagonal and cut-off).

    Raises:
        ValueError: missing columns, unknown instrument, ``z`` not positive, ``max_points`` < 100.
    """
    _require(classified, ["first_score", "latest_score", "n_occasions", "category"], "jacobson")
    if not (np.isfinite(z) and z > 0):
        raise ValueError(f"z must be positive and finite, got {z!r}")
    if max_points < 100:
        raise ValueError(f"max_points must be at least 100, got {max_points!r}")
    rows = _one_instrument(classified, instrument, "jacobson_plot")
    name = instrument or (str(rows["instrument"].iloc[0]) if "instrument" in rows.columns else "")
    measured_again = rows["n_occasions"].to_numpy() > 1
    pairs = rows.loc[measured_again, ["first_score", "latest_score", "category"]]
    not_shown = int((~measured_again).sum())
    if domain is None:
        if name in INSTRUMENT_RANGES:
            domain = INSTRUMENT_RANGES[name]
        else:
            values = pairs[["first_score", "latest_score"]].to_numpy(dtype=float)
            lo, hi = (float(np.nanmin(values)), float(np.nanmax(values))) if values.size else (0, 1)
            pad = 0.05 * (hi - lo or 1.0)
            domain = (lo - pad, hi + pad)
    low, high = float(domain[0]), float(domain[1])
    points = _count_points(pairs, max_points, (high - low) / 50.0)
    labels = _category_labels()
    points["label"] = points["category"].map(labels)
    n_max = int(points["n"].max()) if len(points) else 1
    size_values = sorted({1, max(1, round(n_max / 2)), n_max})
    order = [labels[c] for c in CHANGE_CATEGORIES]
    scale = alt.Scale(domain=[low, high], nice=False, zero=False)
    x = alt.X("first_score:Q", title=t("opfoelgning.chart_first"), scale=scale)
    y = alt.Y("latest_score:Q", title=t("opfoelgning.chart_latest"), scale=scale)
    half = z * criteria.s_diff
    band = pd.DataFrame({"x": [low, high], "y_low": [low - half, high - half]})
    band["y_high"] = band["x"] + half
    band_layer = (
        alt.Chart(band)
        .mark_area(color=_BAND_COLOUR, opacity=0.35, clip=True)
        .encode(
            x=alt.X("x:Q", scale=scale, title=t("opfoelgning.chart_first")),
            y=alt.Y("y_low:Q", scale=scale, title=t("opfoelgning.chart_latest")),
            y2="y_high:Q",
        )
    )
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [low, high], "y": [low, high]}))
        .mark_line(color="#6b6b6b", strokeDash=[4, 3], strokeWidth=1)
        .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale))
    )
    layers: list[alt.Chart] = [band_layer, diagonal]
    if criteria.cutoff is not None and low <= criteria.cutoff <= high:
        cut = pd.DataFrame({"cutoff": [criteria.cutoff], "label": [t("opfoelgning.chart_cutoff")]})
        rule_style = {"color": "#4d4d4d", "strokeWidth": 1.2}
        layers += [
            alt.Chart(cut).mark_rule(**rule_style).encode(x=alt.X("cutoff:Q", scale=scale)),
            alt.Chart(cut).mark_rule(**rule_style).encode(y=alt.Y("cutoff:Q", scale=scale)),
            alt.Chart(cut)
            .mark_text(align="left", dx=4, dy=-6, fontSize=11, color="#4d4d4d")
            .transform_calculate(text="datum.label + ' ' + format(datum.cutoff, ',.1f')")
            .encode(x=alt.X("cutoff:Q", scale=scale), y=alt.value(10), text="text:N"),
        ]
    tooltip = [
        alt.Tooltip("first_score:Q", title=t("opfoelgning.chart_first"), format=",.1~f"),
        alt.Tooltip("latest_score:Q", title=t("opfoelgning.chart_latest"), format=",.1~f"),
        alt.Tooltip("label:N", title=t("opfoelgning.chart_category")),
        alt.Tooltip("n:Q", title=t("opfoelgning.chart_n"), format=",d"),
    ]
    layers.append(
        alt.Chart(points)
        .mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "label:N",
                title=t("opfoelgning.chart_category"),
                scale=alt.Scale(
                    domain=order, range=[CATEGORY_COLOURS[c] for c in CHANGE_CATEGORIES]
                ),
                sort=order,
            ),
            size=alt.Size(
                "n:Q",
                title=t("opfoelgning.chart_n"),
                # Circle area proportional to the number of persons, 36 px² per person, capped.
                scale=alt.Scale(domain=[0, n_max], range=[0, min(36 * n_max, 900)], clamp=True),
                legend=alt.Legend(values=size_values, format=",d") if n_max > 1 else None,
            ),
            tooltip=tooltip,
        )
    )
    direction = t(f"opfoelgning.chart_{criteria.direction}")
    subtitle = [
        t("opfoelgning.chart_jacobson_subtitle", threshold=_da_number(half, 1)),
        direction,
    ]
    if not_shown:
        subtitle.append(t("opfoelgning.chart_jacobson_not_shown", n=_da_number(not_shown)))
    chart = alt.layer(*layers).properties(
        width=_HEIGHT + 60,
        height=_HEIGHT + 60,
        title=alt.TitleParams(
            t("opfoelgning.chart_jacobson_title", instrument=name), subtitle=subtitle
        ),
    )
    return charts.style(chart)


def _count_points(pairs: pd.DataFrame, max_points: int, step: float) -> pd.DataFrame:
    """Count persons per (first, latest, category); coarsen to ``step`` when too many points."""
    data = pairs.dropna(subset=["first_score", "latest_score"]).copy()
    data["category"] = data["category"].astype(object)

    def count(frame: pd.DataFrame) -> pd.DataFrame:
        return (
            frame.groupby(["first_score", "latest_score", "category"], sort=True, dropna=False)
            .size()
            .rename("n")
            .reset_index()
        )

    counted = count(data)
    raw = {c: data[c].to_numpy(dtype=float) for c in ("first_score", "latest_score")}
    while len(counted) > max_points and step > 0:
        for column, values in raw.items():
            data[column] = np.round(values / step) * step
        counted = count(data)
        step *= 1.5  # coarser until few enough points remain
    counted["category"] = counted["category"].where(counted["category"].notna(), "missing")
    return counted


# --------------------------------------------------------------------------------------------
# Change categories
# --------------------------------------------------------------------------------------------


def change_categories(
    counts: pd.DataFrame, instrument: str | None = None, *, by: str | None = None
) -> alt.TopLevelMixin:
    """Horizontal bars: how many persons fall in each Jacobson-Truax category.

    Bars are in the fixed order recovered, improved, unchanged, deteriorated, then "measured
    once" (persons without a category are shown, not dropped). Each bar is labelled with the
    count and, for the four categories, the share of the persons measured at least twice.

    Args:
        counts: output of :func:`vidensbasering.followup.category_counts`: columns ``category``
            (the four categories or missing), ``n`` (int), and ``instrument`` and ``by`` when
            present. Counts of other groupings (e.g. teams when ``by`` is None) are added up and
            the shares computed again from ``n``.
        instrument: which instrument to draw; may be ``None`` when only one is present.
        by: a grouping column of ``counts`` (e.g. ``"group"``): one panel per group.

    Returns:
        A styled chart (faceted by ``by`` when given) with one row per category and group.

    Raises:
        ValueError: missing columns or unknown instrument.
    """
    _require(counts, ["category", "n", *([by] if by else [])], "change_categories")
    rows = _one_instrument(counts, instrument, "change_categories").copy()
    name = instrument or (str(rows["instrument"].iloc[0]) if "instrument" in rows.columns else "")
    keys = [by] if by else []
    rows["category"] = rows["category"].astype(object).where(rows["category"].notna(), "missing")
    # Sum over any grouping the chart does not show (e.g. teams when ``by`` is None), then take
    # each category's share of the persons with a category, as category_counts does.
    rows = rows.groupby([*keys, "category"], sort=False, as_index=False)["n"].sum()
    known = rows["category"] != "missing"
    counted = rows["n"].where(known, 0)
    if keys:
        totals = counted.groupby([rows[k] for k in keys]).transform("sum")
    else:
        totals = pd.Series(counted.sum(), index=rows.index)
    rows["share"] = (rows["n"] / totals.replace(0, np.nan)).where(known)
    # Drop the "measured once" row only where nobody is in it: it is then not information.
    rows = rows[(rows["category"] != "missing") | (rows["n"] > 0)]
    labels = _category_labels()
    rows["label"] = rows["category"].map(labels)
    order = [labels[c] for c in (*CHANGE_CATEGORIES, "missing")]
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    colour = alt.Color(
        "label:N",
        legend=None,
        scale=alt.Scale(
            domain=order, range=[CATEGORY_COLOURS[c] for c in (*CHANGE_CATEGORIES, "missing")]
        ),
    )
    tooltip = [
        alt.Tooltip("label:N", title=t("opfoelgning.chart_category")),
        alt.Tooltip("n:Q", title=t("opfoelgning.chart_n"), format=",d"),
        alt.Tooltip("share:Q", title=t("opfoelgning.chart_share"), format=".1%"),
    ]
    if by:
        tooltip.insert(0, alt.Tooltip(f"{by}:N", title=t("opfoelgning.chart_group")))
    base = alt.Chart().encode(
        y=y, x=alt.X("n:Q", title=t("opfoelgning.chart_n"), axis=alt.Axis(format=",d"))
    )
    bars = base.mark_bar().encode(color=colour, tooltip=tooltip)
    text = (
        base.mark_text(align="left", dx=4, fontSize=11, color="#1a1a1a")
        .transform_calculate(
            text="isValid(datum.share) && isFinite(datum.share)"
            " ? format(datum.n, ',d') + ' (' + format(datum.share, '.1%') + ')'"
            " : format(datum.n, ',d')"
        )
        .encode(text="text:N")
    )
    layer = alt.layer(bars, text, data=rows).properties(width=_WIDTH - 140, height=alt.Step(26))
    title = alt.TitleParams(
        t("opfoelgning.chart_categories_title", instrument=name),
        subtitle=t("opfoelgning.chart_categories_subtitle"),
    )
    if by:
        chart = layer.facet(row=alt.Row(f"{by}:N", title=None)).properties(title=title)
    else:
        chart = layer.properties(title=title)
    return charts.style(chart)


# --------------------------------------------------------------------------------------------
# GAS T-scores
# --------------------------------------------------------------------------------------------


def gas_tscores(gas: pd.DataFrame, *, by: str | None = None) -> alt.TopLevelMixin:
    """Distribution of GAS T-scores at each occasion, as box plots computed in pandas.

    Per occasion (and group): a box from the first to the third quartile, a tick at the median, a
    thin line from the lowest to the highest T-score, and a dashed reference line at T = 50, the
    score when every goal is met exactly as expected (Kiresuk & Sherman 1968).

    Args:
        gas: output of :func:`vidensbasering.followup.gas_over_time`: columns ``occasion`` (int),
            ``gas_t`` (T-score, float; NaN rows are ignored) and ``by`` when given. Any size.
        by: grouping column (e.g. ``"group"``): boxes side by side, one colour per group.

    Returns:
        A styled layer chart with one data row per occasion × group (n, quartiles, min, max, mean).

    Raises:
        ValueError: missing columns, or no T-score at all.
    """
    _require(gas, ["occasion", "gas_t", *([by] if by else [])], "gas_tscores")
    data = gas.dropna(subset=["gas_t"])
    if data.empty:
        raise ValueError("gas_tscores: there is no GAS T-score to draw")
    keys = [*([by] if by else []), "occasion"]
    grouped = data.groupby(keys, sort=True)["gas_t"]
    summary = grouped.agg(n="count", low="min", high="max", mean="mean").join(
        grouped.quantile([0.25, 0.5, 0.75]).unstack().set_axis(["q1", "median", "q3"], axis=1)
    )
    summary = summary.reset_index()
    groups = list(pd.unique(summary[by])) if by else []
    offsets = _group_offsets(groups, spread=0.36) if by else {}
    summary["x"] = summary["occasion"] + (summary[by].map(offsets) if by else 0.0)
    occ = (int(summary["occasion"].min()), int(summary["occasion"].max()))
    x = alt.X(
        "x:Q",
        title=t("opfoelgning.chart_occasion"),
        axis=_occasion_axis(*occ),
        scale=_occasion_scale(*occ),
    )
    y_scale = alt.Scale(zero=False)
    box_size = 34 if not by else max(10, 34 // len(groups))
    colour = _group_colour(by)
    tooltip = [
        alt.Tooltip("occasion:Q", title=t("opfoelgning.chart_occasion"), format="d"),
        alt.Tooltip("n:Q", title=t("opfoelgning.chart_n"), format=",d"),
        alt.Tooltip("median:Q", title=t("opfoelgning.chart_median"), format=",.1f"),
        alt.Tooltip("q1:Q", title=f"{t('opfoelgning.chart_quartiles')} ↓", format=",.1f"),
        alt.Tooltip("q3:Q", title=f"{t('opfoelgning.chart_quartiles')} ↑", format=",.1f"),
        alt.Tooltip("mean:Q", title=t("opfoelgning.chart_mean"), format=",.1f"),
        alt.Tooltip("low:Q", title=f"{t('opfoelgning.chart_range')} ↓", format=",.1f"),
        alt.Tooltip("high:Q", title=f"{t('opfoelgning.chart_range')} ↑", format=",.1f"),
    ]
    if by:
        tooltip.insert(0, alt.Tooltip(f"{by}:N", title=t("opfoelgning.chart_group")))
    base = alt.Chart(summary).encode(x=x)
    whisker = base.mark_rule(strokeWidth=1.2).encode(
        y=alt.Y("low:Q", title=t("opfoelgning.chart_gas_t"), scale=y_scale),
        y2="high:Q",
        color=colour,
    )
    box = base.mark_bar(size=box_size, opacity=0.75).encode(
        y=alt.Y("q1:Q", scale=y_scale), y2="q3:Q", color=colour, tooltip=tooltip
    )
    median = base.mark_tick(
        color="white", orient="horizontal", size=box_size, thickness=2.5
    ).encode(y=alt.Y("median:Q", scale=y_scale), tooltip=tooltip)
    reference = pd.DataFrame({"y": [50.0], "label": [t("opfoelgning.chart_gas_expected")]})
    ref_rule = (
        alt.Chart(reference)
        .mark_rule(color="#4d4d4d", strokeDash=[5, 3])
        .encode(y=alt.Y("y:Q", scale=y_scale))
    )
    ref_text = (
        alt.Chart(reference)
        .mark_text(align="left", dy=-6, fontSize=11, color="#4d4d4d")
        .encode(y=alt.Y("y:Q", scale=y_scale), x=alt.value(4), text="label:N")
    )
    chart = alt.layer(ref_rule, whisker, box, median, ref_text).properties(
        width=_WIDTH,
        height=_HEIGHT,
        title=alt.TitleParams(
            t("opfoelgning.chart_gas_title"),
            subtitle=t("opfoelgning.chart_gas_subtitle").split("\n"),
        ),
    )
    return charts.style(chart)


# --------------------------------------------------------------------------------------------
# Group trend
# --------------------------------------------------------------------------------------------


def group_trend(
    summary: pd.DataFrame,
    instrument: str | None = None,
    *,
    by: str | None = None,
    value_title: str | None = None,
    confidence: float = 0.95,
) -> alt.TopLevelMixin:
    """Group mean by occasion with its confidence interval, and the number measured below it.

    The upper panel draws the mean at each occasion (line, points and the mean as a label) with a
    vertical line for its confidence interval; the lower panel draws ``n`` per occasion as bars,
    so that attrition is in sight when reading the trend.

    Args:
        summary: output of :func:`vidensbasering.followup.summary_by_occasion`: columns
            ``occasion`` (int), ``n`` (int), ``mean``, ``ci_low``, ``ci_high`` (scale units; CI
            NaN when n < 2, then no line is drawn), and ``instrument`` / ``by`` when present.
            For GAS use ``summary_by_occasion(gas_over_time(df), value="gas_t", by=["occasion"])``.
        instrument: which instrument to draw; may be ``None`` when only one (or none) is present.
        by: grouping column (e.g. ``"group"``): one colour per group, drawn side by side.
        value_title: y-axis title; default "Score (<instrument>)".
        confidence: the coverage the CI in ``summary`` was computed with, for the subtitle only
            (the default 0.95 matches ``summary_by_occasion``).

    Returns:
        A styled vertical concatenation with one data row per occasion × group.

    Raises:
        ValueError: missing columns or unknown instrument.
    """
    _require(
        summary,
        ["occasion", "n", "mean", "ci_low", "ci_high", *([by] if by else [])],
        "group_trend",
    )
    rows = _one_instrument(summary, instrument, "group_trend").copy()
    name = instrument or (str(rows["instrument"].iloc[0]) if "instrument" in rows.columns else "")
    groups = list(pd.unique(rows[by])) if by else []
    offsets = _group_offsets(groups) if by else {}
    rows["x"] = rows["occasion"] + (rows[by].map(offsets) if by else 0.0)
    # Labels of a group left of the occasion go to the left of its points, the others right; a
    # single line gets its labels on the left, clear of the segment rising to the next point.
    rows["left"] = (rows["x"] < rows["occasion"]) if by else True
    occ = (int(rows["occasion"].min()), int(rows["occasion"].max()))
    x_scale = _occasion_scale(*occ)
    x = alt.X(
        "x:Q", title=t("opfoelgning.chart_occasion"), axis=_occasion_axis(*occ), scale=x_scale
    )
    y_title = value_title or (
        f"{t('opfoelgning.chart_score')} ({name})" if name else t("opfoelgning.chart_score")
    )
    y_scale = alt.Scale(zero=False)
    colour = _group_colour(by)
    tooltip = [
        alt.Tooltip("occasion:Q", title=t("opfoelgning.chart_occasion"), format="d"),
        alt.Tooltip("mean:Q", title=t("opfoelgning.chart_mean"), format=",.1f"),
        alt.Tooltip("ci_low:Q", title=f"{t('opfoelgning.chart_ci')} ↓", format=",.1f"),
        alt.Tooltip("ci_high:Q", title=f"{t('opfoelgning.chart_ci')} ↑", format=",.1f"),
        alt.Tooltip("n:Q", title=t("opfoelgning.chart_n"), format=",d"),
    ]
    if by:
        tooltip.insert(0, alt.Tooltip(f"{by}:N", title=t("opfoelgning.chart_group")))
    base = alt.Chart(rows).encode(x=x, color=colour)
    ci = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("ci_low:Q", title=y_title, scale=y_scale), y2="ci_high:Q", tooltip=tooltip
    )
    line = base.mark_line(strokeWidth=2).encode(y=alt.Y("mean:Q", scale=y_scale))
    points = base.mark_point(filled=True, size=60, opacity=1).encode(
        y=alt.Y("mean:Q", scale=y_scale), tooltip=tooltip
    )
    label_layers = [
        base.transform_filter(alt.datum.left == side)
        .mark_text(align="right" if side else "left", dx=-7 if side else 7, fontSize=11)
        .encode(y=alt.Y("mean:Q", scale=y_scale), text=alt.Text("mean:Q", format=",.1f"))
        for side in (False, True)
    ]
    top = alt.layer(ci, line, points, *label_layers).properties(width=_WIDTH, height=_HEIGHT - 60)
    bar_size = 22 if not by else max(6, 22 // len(groups))
    counts = (
        base.mark_bar(size=bar_size)
        .encode(
            y=alt.Y("n:Q", title=t("opfoelgning.chart_n"), axis=alt.Axis(format=",d", tickCount=3)),
            tooltip=tooltip,
        )
        .properties(width=_WIDTH, height=70)
    )
    subtitle = t("opfoelgning.chart_trend_subtitle", confidence=_da_number(confidence * 100, 0))
    chart = (
        alt.vconcat(top, counts, spacing=8)
        .resolve_scale(x="shared")
        .properties(
            title=alt.TitleParams(
                t("opfoelgning.chart_trend_title", what=name or y_title), subtitle=subtitle
            )
        )
    )
    return charts.style(chart)
