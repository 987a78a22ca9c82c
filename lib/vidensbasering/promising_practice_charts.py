"""Charts of a lovende praksis self-assessment: a radar of the 11 elements and a group summary.

The radar is drawn from computed coordinates with ordinary marks (``mark_line``, ``mark_rule``,
``mark_text``), not with a polar scale: Vega-Lite has no radar mark, and lines on x/y render the
same in the browser (Altair's offline widget in Voila) and in vl-convert's PNG/SVG export. The
spokes are ordered by group (vidensgrundlag, koncept, udbredelse, tilpasning), so each group is a
contiguous sector, marked by an arc and its name outside the spokes. Rating 0 sits at the centre,
3 ("i høj grad") on the outer ring; an unrated element leaves a gap in the assessment's outline.
Up to two assessments are drawn on top of each other (before/after, or two teams), told apart by
colour (Okabe–Ito, via :func:`vidensbasering.charts.style`) and by line dash.

Both charts carry a title and a ``description``, which Vega puts on the SVG as its accessible
name and description.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import altair as alt

from vidensbasering import charts
from vidensbasering.i18n import t
from vidensbasering.promising_practice import (
    ELEMENTS,
    SCALE_MAX,
    Assessment,
    Group,
    chart_rows,
    group_summary,
)

#: Spoke order: elements sorted by group, then by number.
SPOKES: tuple[int, ...] = tuple(e.number for g in Group for e in ELEMENTS if e.group is g)
#: Radius of the group arcs and of the element labels, in rating units.
ARC_RADIUS = SCALE_MAX + 0.35
LABEL_RADIUS = SCALE_MAX + 0.6
#: Half-width of the drawing in rating units (room for the labels).
EXTENT = SCALE_MAX + 2.4
SIZE = 560
DASHES = ([1, 0], [6, 4])
#: Name of the dataset with the assessments' outline points (in the spec's ``datasets``).
RATINGS = "ratings"


def angle(number: int) -> float:
    """Angle of element ``number``'s spoke in radians, clockwise from straight up."""
    return 2 * math.pi * SPOKES.index(number) / len(SPOKES)


def point(number: int, radius: float) -> tuple[float, float]:
    """x, y of a point on element ``number``'s spoke at ``radius`` (rating units)."""
    a = angle(number)
    return radius * math.sin(a), radius * math.cos(a)


def radar_rows(assessments: Sequence[Assessment]) -> list[dict]:
    """The assessments' outline points: :func:`chart_rows` plus ``x``, ``y`` (``None`` when
    unrated), ``step`` (0–11; the first spoke repeated at 11 closes the outline) and
    ``description`` (the point's accessible text, e.g. ``"1. Teori og viden: 2 – i nogen grad
    (Team Nord)"``)."""
    out = []
    for row in chart_rows(assessments):
        step = SPOKES.index(row["element"])
        steps = (step, len(SPOKES)) if step == 0 else (step,)
        for s in steps:
            x, y = (
                point(row["element"], row["rating"]) if row["rating"] is not None else (None,) * 2
            )
            text = f"{row['name']}: {row['rating_label']} ({row['assessment']})"
            out.append(row | {"x": x, "y": y, "step": s, "description": text})
    return out


def _grid() -> list[dict]:
    rows = []
    for ring in range(1, SCALE_MAX + 1):
        for s, number in enumerate((*SPOKES, SPOKES[0])):
            x, y = point(number, ring)
            rows.append({"ring": ring, "step": s, "x": x, "y": y})
    return rows


def _spokes() -> list[dict]:
    rows = []
    for e in ELEMENTS:
        x, y = point(e.number, SCALE_MAX)
        lx, ly = point(e.number, LABEL_RADIUS)
        align = "center" if abs(lx) < 0.3 else ("left" if lx > 0 else "right")
        rows.append(
            {
                "x0": 0.0,
                "y0": 0.0,
                "x": x,
                "y": y,
                "lx": lx,
                "ly": ly,
                "align": align,
                "label": f"{e.number}. {e.name}",
            }
        )
    return rows


def _group_arcs() -> tuple[list[dict], list[dict]]:
    """Points of one arc per group (just outside the spokes) and the group's name, placed above
    the label of the group's first spoke (where no other label sits)."""
    arcs, labels = [], []
    step = 2 * math.pi / len(SPOKES)
    spokes = {row["label"]: row for row in _spokes()}
    for g in Group:
        members = [e for e in ELEMENTS if e.group is g]
        positions = [SPOKES.index(e.number) for e in members]
        start, end = min(positions) * step - 0.35 * step, max(positions) * step + 0.35 * step
        for i in range(13):
            a = start + (end - start) * i / 12
            arcs.append(
                {
                    "group": g.label,
                    "i": i,
                    "x": ARC_RADIUS * math.sin(a),
                    "y": ARC_RADIUS * math.cos(a),
                }
            )
        first = spokes[f"{members[0].number}. {members[0].name}"]
        labels.append(
            {"group": g.label.upper(), "x": first["lx"], "y": first["ly"], "align": first["align"]}
        )
    return arcs, labels


def _scale() -> alt.Scale:
    return alt.Scale(domain=[-EXTENT, EXTENT], nice=False, zero=False)


def radar(assessments: Sequence[Assessment]) -> alt.LayerChart:
    """A radar chart of one or two assessments on the 11 elements, grouped in the four groups.

    Args:
        assessments: one or two :class:`Assessment` (more are drawn, but become hard to read).

    Returns:
        A styled, layered Altair chart (560 × 560 px), with title and accessible description.
    """
    x = alt.X("x:Q", scale=_scale(), axis=None)
    y = alt.Y("y:Q", scale=_scale(), axis=None)
    grid = (
        alt.Chart(alt.Data(values=_grid()))
        .mark_line(color="#BBBBBB", strokeWidth=0.8)
        .encode(x=x, y=y, detail="ring:O", order="step:Q")
    )
    ring_labels = (
        alt.Chart(alt.Data(values=[{"r": r, "x": 0.0, "y": r} for r in range(1, SCALE_MAX + 1)]))
        .mark_text(align="left", dx=3, dy=-6, fontSize=10, color="#666666")
        .encode(x=x, y=y, text="r:Q")
    )
    spokes_data = alt.Data(values=_spokes())
    spokes = (
        alt.Chart(spokes_data)
        .mark_rule(color="#BBBBBB", strokeWidth=0.8)
        .encode(
            x=alt.X("x0:Q", scale=_scale(), axis=None),
            y=alt.Y("y0:Q", scale=_scale(), axis=None),
            x2="x:Q",
            y2="y:Q",
        )
    )
    labels = [
        alt.Chart(spokes_data)
        .transform_filter(alt.datum.align == side)
        .mark_text(align=side, baseline="middle", fontSize=12, color="#222222")
        .encode(
            x=alt.X("lx:Q", scale=_scale(), axis=None),
            y=alt.Y("ly:Q", scale=_scale(), axis=None),
            text="label:N",
        )
        for side in ("left", "right", "center")
    ]
    arc_rows, group_rows = _group_arcs()
    arcs = (
        alt.Chart(alt.Data(values=arc_rows))
        .mark_line(color="#555555", strokeWidth=3)
        .encode(x=x, y=y, detail="group:N", order="i:Q")
    )
    group_labels = [
        alt.Chart(alt.Data(values=group_rows))
        .transform_filter(alt.datum.align == side)
        .mark_text(align=side, dy=-16, fontSize=11, fontWeight="bold", color="#555555")
        .encode(x=x, y=y, text="group:N")
        for side in ("left", "right", "center")
    ]
    names = list(dict.fromkeys(r["assessment"] for r in chart_rows(assessments)))
    colour = alt.Color(
        "assessment:N",
        scale=alt.Scale(domain=names, range=list(charts.PALETTE[: len(names)])),
        legend=alt.Legend(title=t("lovende_praksis.legend_assessment"), orient="bottom"),
    )
    dash = alt.StrokeDash(
        "assessment:N",
        scale=alt.Scale(domain=names, range=[DASHES[i % 2] for i in range(len(names))]),
        legend=None,
    )
    tooltip = [
        alt.Tooltip("assessment:N", title=t("lovende_praksis.tooltip_assessment")),
        alt.Tooltip("name:N", title=t("lovende_praksis.tooltip_element")),
        alt.Tooltip("group:N", title=t("lovende_praksis.tooltip_group")),
        alt.Tooltip("rating_label:N", title=t("lovende_praksis.tooltip_rating")),
    ]
    outlines = (
        alt.Chart(alt.NamedData(name=RATINGS))
        .mark_line(
            point=alt.OverlayMarkDef(size=60, filled=True),
            strokeWidth=2.5,
            invalid="break-paths-filter-domains",
        )
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=dash,
            order="step:Q",
            tooltip=tooltip,
            description="description:N",
        )
    )
    chart = alt.layer(grid, spokes, ring_labels, arcs, *group_labels, *labels, outlines).properties(
        width=SIZE,
        height=SIZE,
        title=t("lovende_praksis.chart_title"),
        description=t("lovende_praksis.chart_description"),
    )
    styled = charts.style(chart).configure_view(stroke=None)
    return styled.properties(datasets={RATINGS: radar_rows(assessments)})


@cache
def _radar_template() -> dict[str, Any]:
    return radar([Assessment(), Assessment()]).to_dict()


def radar_spec(assessments: Sequence[Assessment]) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`radar`, fast: the chart's structure is built (and validated
    by Altair) once; each call fills in the outline points and the legend's names.

    Returns:
        A new dict, equal to ``radar(assessments).to_dict()`` (a unit test checks this).
    """
    spec = copy.deepcopy(_radar_template())
    names = list(dict.fromkeys(r["assessment"] for r in chart_rows(assessments)))
    encoding = spec["layer"][-1]["encoding"]
    encoding["color"]["scale"] = {"domain": names, "range": list(charts.PALETTE[: len(names)])}
    encoding["strokeDash"]["scale"] = {
        "domain": names,
        "range": [DASHES[i % 2] for i in range(len(names))],
    }
    spec["datasets"] = {RATINGS: radar_rows(assessments)}
    return spec


def group_rows(assessments: Sequence[Assessment]) -> list[dict]:
    """Rows of the group chart: ``assessment`` (label), ``group`` (Danish), ``mean`` (0–3, or
    ``None`` when nothing in the group is rated) and ``n`` (elements rated), 4 per assessment."""
    rows = []
    for row in chart_rows(assessments)[:: len(ELEMENTS)]:
        summary = group_summary(assessments[row["order"]])
        for g in summary.itertuples(index=False):
            mean = None if math.isnan(g.mean) else float(g.mean)
            rows.append(
                {"assessment": row["assessment"], "group": g.group, "mean": mean, "n": g.n_rated}
            )
    return rows


def group_bars(assessments: Sequence[Assessment]) -> alt.Chart:
    """Mean rating per group of each assessment, side by side, with the value on each bar.

    Returns:
        A styled Altair bar chart; the y axis runs over the course's scale 0–3, the numbers
        read with a decimal comma (da-DK locale).
    """
    rows = group_rows(assessments)
    names = list(dict.fromkeys(r["assessment"] for r in rows))
    order = [g.label for g in Group]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            "group:N",
            sort=order,
            title=t("lovende_praksis.axis_group"),
            axis=alt.Axis(labelAngle=0),
        ),
        xOffset=alt.XOffset("assessment:N", sort=names),
        y=alt.Y(
            "mean:Q",
            scale=alt.Scale(domain=[0, SCALE_MAX]),
            title=t("lovende_praksis.axis_rating"),
            axis=alt.Axis(format=",.1f", tickCount=SCALE_MAX * 2),
        ),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "assessment:N",
            scale=alt.Scale(domain=names, range=list(charts.PALETTE[: len(names)])),
            legend=alt.Legend(title=t("lovende_praksis.legend_assessment"), orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("assessment:N", title=t("lovende_praksis.tooltip_assessment")),
            alt.Tooltip("group:N", title=t("lovende_praksis.tooltip_group")),
            alt.Tooltip("mean:Q", title=t("lovende_praksis.tooltip_mean"), format=",.1f"),
            alt.Tooltip("n:Q", title=t("lovende_praksis.tooltip_n")),
        ],
    )
    values = base.mark_text(dy=-7, fontSize=11).encode(text=alt.Text("mean:Q", format=",.1f"))
    chart = alt.layer(bars, values).properties(
        width=420,
        height=240,
        title=t("lovende_praksis.chart_groups_title"),
        description=t("lovende_praksis.chart_groups_description"),
    )
    return charts.style(chart)


@cache
def _bars_template() -> dict[str, Any]:
    return group_bars([Assessment(), Assessment()]).to_dict()


def group_bars_spec(assessments: Sequence[Assessment]) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`group_bars`, built from a cached structure (as
    :func:`radar_spec`); equal to ``group_bars(assessments).to_dict()``."""
    spec = copy.deepcopy(_bars_template())
    rows = group_rows(assessments)
    names = list(dict.fromkeys(r["assessment"] for r in rows))
    spec["data"] = {"values": rows}
    for layer in spec["layer"]:
        layer["encoding"]["xOffset"]["sort"] = names
    spec["layer"][0]["encoding"]["color"]["scale"] = {
        "domain": names,
        "range": list(charts.PALETTE[: len(names)]),
    }
    return spec


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = 2.0) -> bytes:
    """PNG bytes of a chart or spec (vl-convert, imported here; da-DK formats)."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return vlc.vegalite_to_png(
        spec, scale=scale, format_locale=charts.LOCALE, time_format_locale=charts.LOCALE
    )


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """SVG text of a chart or spec (vl-convert, imported here; da-DK formats)."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return vlc.vegalite_to_svg(spec, format_locale=charts.LOCALE, time_format_locale=charts.LOCALE)
