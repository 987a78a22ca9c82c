"""Altair drawing of a theory of change: boxes by column, arrows, indicators, numbered assumptions.

The geometry comes from :func:`.layout.layout`; this module only turns it into layered Altair marks
on a pixel coordinate system (one unit = one pixel, ``y`` downwards). The chart is passed through
:func:`vidensbasering.charts.style` (da-DK locale, Okabe–Ito palette), so it renders the same in a
notebook, in Voila and through :func:`vidensbasering.charts.to_svg` / ``to_png``.

Colours: each kind has its own Okabe–Ito colour; vermillion is kept for problems (arrows that go
backwards, elements with a validation error). Arrows without an assumption are dashed. Each arrow
carries a number that refers to the list of assumptions under the chain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import altair as alt
import pandas as pd

from vidensbasering import charts
from vidensbasering.i18n import t
from vidensbasering.theory_of_change.layout import (
    BOX_WIDTH,
    COLUMN_GAP,
    FONT_SIZE,
    HEADER_HEIGHT,
    INDICATOR_FONT_SIZE,
    PADDING,
    Box,
    Layout,
    layout,
    wrap,
)
from vidensbasering.theory_of_change.model import CHAIN, ElementKind, TheoryOfChange
from vidensbasering.theory_of_change.validation import Finding, Severity

#: Colour of each kind (Okabe–Ito; yellow and vermillion left out for legibility and problems).
KIND_COLOURS: dict[ElementKind, str] = {
    ElementKind.RESOURCE: charts.PALETTE[0],
    ElementKind.ACTIVITY: charts.PALETTE[1],
    ElementKind.OUTPUT: charts.PALETTE[2],
    ElementKind.SHORT_TERM_OUTCOME: charts.PALETTE[4],
    ElementKind.LONG_TERM_OUTCOME: charts.PALETTE[6],
}
PROBLEM_COLOUR = charts.PALETTE[5]
ARROW_COLOUR = "#4d4d4d"
TEXT_COLOUR = "#1a1a1a"


def _ends(a: Box, b: Box) -> list[tuple[float, float]]:
    """Polyline of an arrow from box ``a`` to box ``b`` (forward, backward or inside a column)."""
    if a.column < b.column:
        return [(a.x + a.width, a.center_y), (b.x, b.center_y)]
    if a.column > b.column:
        return [(a.x, a.center_y), (b.x + b.width, b.center_y)]
    bend = a.x + a.width + COLUMN_GAP / 3
    return [
        (a.x + a.width, a.center_y),
        (bend, (a.center_y + b.center_y) / 2),
        (b.x + b.width, b.center_y),
    ]


def _label_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Where an arrow's number goes: in the first gap after its source (clear of other boxes)."""
    if len(points) == 3:
        return points[1]
    (x0, y0), (x1, y1) = points
    step = COLUMN_GAP / 2 if x1 > x0 else -COLUMN_GAP / 2
    share = min(1.0, abs(step / (x1 - x0))) if x1 != x0 else 0.5
    return x0 + (x1 - x0) * share, y0 + (y1 - y0) * share


def _angle(p: tuple[float, float], q: tuple[float, float]) -> float:
    """Rotation (degrees, clockwise from up) of an upward triangle pointing from p to q."""
    return math.degrees(math.atan2(q[0] - p[0], -(q[1] - p[1])))


def diagram(
    toc: TheoryOfChange,
    findings: Iterable[Finding] = (),
    show_assumptions: bool = True,
    geometry: Layout | None = None,
) -> alt.LayerChart:
    """Draw a theory of change as a styled Altair chart.

    Args:
        toc: the theory of change (any state of completion).
        findings: validation findings; elements named by an ``error`` finding get a vermillion
            outline.
        show_assumptions: list the numbered assumptions of the arrows under the chain.
        geometry: a precomputed :func:`.layout.layout` of ``toc`` (computed when omitted).

    Returns:
        A layered chart of about ``geometry.width`` × ``geometry.height`` pixels (taller when
        assumptions are listed), already passed through :func:`charts.style`.
    """
    geo = geometry or layout(toc)
    elements = {e.id: e for e in toc.elements}
    flagged = {
        element_id
        for f in findings
        if f.severity is Severity.ERROR
        for element_id in f.elements
        if element_id in geo.boxes
    }
    line_height = FONT_SIZE * 1.25

    box_rows = []
    for box in geo.boxes.values():
        element = elements[box.id]
        box_rows.append(
            {
                "id": box.id,
                "kind": element.kind.label,
                "x": box.x,
                "x2": box.x + box.width,
                "y": box.y,
                "y2": box.y + box.height,
                "tx": box.x + PADDING,
                "ty": box.y + PADDING,
                "text": "\n".join(box.lines),
                "iy": box.y + PADDING * 1.5 + len(box.lines) * line_height,
                "indicators": "\n".join(box.indicator_lines),
                "full_text": element.text,
                "flagged": box.id in flagged,
            }
        )
    boxes = pd.DataFrame(
        box_rows,
        columns=[
            "id",
            "kind",
            "x",
            "x2",
            "y",
            "y2",
            "tx",
            "ty",
            "text",
            "iy",
            "indicators",
            "full_text",
            "flagged",
        ],
    )

    point_rows, head_rows, label_rows, notes = [], [], [], []
    for n, link in enumerate(toc.links, start=1):
        a, b = geo.boxes[link.source], geo.boxes[link.target]
        points = _ends(a, b)
        backward = b.column < a.column
        has_assumption = bool(link.assumption.strip())
        for order, (x, y) in enumerate(points):
            point_rows.append(
                {
                    "link": n,
                    "order": order,
                    "x": x,
                    "y": y,
                    "backward": backward,
                    "dashed": not has_assumption,
                }
            )
        head_rows.append(
            {
                "x": points[-1][0],
                "y": points[-1][1],
                "angle": _angle(points[-2], points[-1]),
                "backward": backward,
            }
        )
        mx, my = _label_point(points)
        assumption = link.assumption.strip() or t("forandringsteori.diagram_missing_assumption")
        label_rows.append({"n": str(n), "x": mx, "y": my, "assumption": assumption})
        notes.append(
            t(
                "forandringsteori.diagram_assumption_line",
                n=n,
                source=elements[link.source].text.strip() or link.source,
                target=elements[link.target].text.strip() or link.target,
                assumption=assumption,
            )
        )
    links = pd.DataFrame(point_rows, columns=["link", "order", "x", "y", "backward", "dashed"])
    heads = pd.DataFrame(head_rows, columns=["x", "y", "angle", "backward"])
    labels = pd.DataFrame(label_rows, columns=["n", "x", "y", "assumption"])

    height = geo.height
    note_rows = []
    if show_assumptions and notes:
        y = height + PADDING
        note_rows.append(
            {"x": PADDING, "y": y, "text": t("forandringsteori.diagram_assumptions"), "bold": True}
        )
        y += FONT_SIZE * 1.6
        for note in notes:
            for line in wrap(note, geo.width - 2 * PADDING, INDICATOR_FONT_SIZE):
                note_rows.append({"x": PADDING, "y": y, "text": line, "bold": False})
                y += INDICATOR_FONT_SIZE * 1.3
        height = y + PADDING
    note_frame = pd.DataFrame(note_rows, columns=["x", "y", "text", "bold"])

    headers = pd.DataFrame(
        {
            "x": [x + BOX_WIDTH / 2 for x in geo.column_x],
            "y": [HEADER_HEIGHT / 2] * len(CHAIN),
            "title": [kind.column_title for kind in CHAIN],
        }
    )

    x_scale = alt.Scale(domain=[0, geo.width], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, height], nice=False, zero=False, reverse=True)

    def xq(field: str) -> alt.X:
        return alt.X(f"{field}:Q", scale=x_scale, axis=None)

    def yq(field: str) -> alt.Y:
        return alt.Y(f"{field}:Q", scale=y_scale, axis=None)

    kind_colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=[k.label for k in CHAIN], range=[KIND_COLOURS[k] for k in CHAIN]),
        legend=None,
    )
    problem = alt.Scale(domain=[False, True], range=[ARROW_COLOUR, PROBLEM_COLOUR])
    tooltip_box = [
        alt.Tooltip("kind:N", title=t("forandringsteori.diagram_tooltip_kind")),
        alt.Tooltip("full_text:N", title=t("forandringsteori.diagram_tooltip_text")),
    ]

    layers: list[alt.Chart] = [
        alt.Chart(headers)
        .mark_text(fontSize=13, fontWeight="bold", color=TEXT_COLOUR)
        .encode(x=xq("x"), y=yq("y"), text="title:N"),
        alt.Chart(links)
        .mark_line(strokeWidth=1.4)
        .encode(
            x=xq("x"),
            y=yq("y"),
            detail="link:N",
            order="order:Q",
            color=alt.Color("backward:N", scale=problem, legend=None),
            strokeDash=alt.StrokeDash(
                "dashed:N",
                scale=alt.Scale(domain=[False, True], range=[[1, 0], [5, 3]]),
                legend=None,
            ),
        ),
        alt.Chart(boxes)
        .mark_rect(cornerRadius=4, color="white", opacity=1)
        .encode(x=xq("x"), x2="x2:Q", y=yq("y"), y2="y2:Q"),
        alt.Chart(boxes)
        .mark_rect(cornerRadius=4, fillOpacity=0.16, strokeWidth=1.5)
        .encode(
            x=xq("x"),
            x2="x2:Q",
            y=yq("y"),
            y2="y2:Q",
            fill=kind_colour,
            stroke=kind_colour,
            tooltip=tooltip_box,
        ),
        alt.Chart(boxes)
        .transform_filter("datum.flagged")
        .mark_rect(cornerRadius=4, fillOpacity=0, stroke=PROBLEM_COLOUR, strokeWidth=3)
        .encode(x=xq("x"), x2="x2:Q", y=yq("y"), y2="y2:Q"),
        alt.Chart(boxes)
        .mark_text(
            align="left",
            baseline="top",
            lineBreak="\n",
            fontSize=FONT_SIZE,
            lineHeight=FONT_SIZE * 1.25,
            color=TEXT_COLOUR,
        )
        .encode(x=xq("tx"), y=yq("ty"), text="text:N", tooltip=tooltip_box),
        alt.Chart(boxes)
        .mark_text(
            align="left",
            baseline="top",
            lineBreak="\n",
            fontSize=INDICATOR_FONT_SIZE,
            lineHeight=INDICATOR_FONT_SIZE * 1.25,
            fontStyle="italic",
            color=TEXT_COLOUR,
        )
        .encode(x=xq("tx"), y=yq("iy"), text="indicators:N"),
        alt.Chart(heads)
        .mark_point(shape="triangle", filled=True, size=45, opacity=1)
        .encode(
            x=xq("x"),
            y=yq("y"),
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("backward:N", scale=problem, legend=None),
        ),
        alt.Chart(labels)
        .mark_circle(size=190, color="white", stroke=ARROW_COLOUR, strokeWidth=1, opacity=1)
        .encode(
            x=xq("x"),
            y=yq("y"),
            tooltip=[
                alt.Tooltip("assumption:N", title=t("forandringsteori.diagram_tooltip_assumption"))
            ],
        ),
        alt.Chart(labels)
        .mark_text(fontSize=9.5, color=TEXT_COLOUR)
        .encode(x=xq("x"), y=yq("y"), text="n:N"),
        *(
            alt.Chart(note_frame)
            .transform_filter("datum.bold" if bold else "!datum.bold")
            .mark_text(
                align="left",
                baseline="top",
                fontSize=INDICATOR_FONT_SIZE,
                fontWeight="bold" if bold else "normal",
                color=TEXT_COLOUR,
            )
            .encode(x=xq("x"), y=yq("y"), text="text:N")
            for bold in (True, False)
        ),
    ]
    chart = alt.layer(*layers).properties(
        width=geo.width,
        height=height,
        title=toc.title.strip() or t("forandringsteori.diagram_untitled"),
    )
    return charts.style(chart).configure_view(stroke=None)
