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
from dataclasses import dataclass
from functools import cache
from typing import Any

import altair as alt

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
INDICATOR_COLOUR = "#3a3a3a"
#: Share of the kind's colour in a box's fill (the rest is white).
BOX_TINT = 0.18


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


#: Smallest distance (px) between the centres of two arrow numbers before one is moved.
LABEL_CLEARANCE = 15.0


def _label_point(
    points: list[tuple[float, float]], taken: list[tuple[float, float]]
) -> tuple[float, float]:
    """Where an arrow's number goes: in the first gap after its source (clear of other boxes).

    Tries the middle of the gap, then points nearer its ends, and takes the first one at least
    :data:`LABEL_CLEARANCE` from every number already placed (``taken``); else the middle.
    """
    if len(points) == 3:
        return points[1]
    (x0, y0), (x1, y1) = points
    candidates = []
    for part in (0.5, 0.25, 0.75, 0.12, 0.88):
        step = COLUMN_GAP * part if x1 > x0 else -COLUMN_GAP * part
        share = min(1.0, abs(step / (x1 - x0))) if x1 != x0 else part
        candidates.append((x0 + (x1 - x0) * share, y0 + (y1 - y0) * share))
    for x, y in candidates:
        if all(math.hypot(x - tx, y - ty) >= LABEL_CLEARANCE for tx, ty in taken):
            return x, y
    return candidates[0]


def _angle(p: tuple[float, float], q: tuple[float, float]) -> float:
    """Rotation (degrees, clockwise from up) of an upward triangle pointing from p to q."""
    return math.degrees(math.atan2(q[0] - p[0], -(q[1] - p[1])))


@dataclass(frozen=True)
class DiagramData:
    """What one drawing shows: the rows of each layer, the size and the title.

    Attributes:
        datasets: layer name (see :data:`LAYERS`) -> list of rows (dicts of plain values).
        width, height: size of the drawing (px).
        title: the chart title.
    """

    datasets: dict[str, list[dict[str, object]]]
    width: float
    height: float
    title: str


def diagram_data(
    toc: TheoryOfChange,
    findings: Iterable[Finding] = (),
    show_assumptions: bool = True,
    geometry: Layout | None = None,
) -> DiagramData:
    """The rows, size and title of the drawing of ``toc`` (arguments as for :func:`diagram`)."""
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

    # Colours, widths and font sizes travel as data (read with ``scale=None``), so that a few
    # layers draw everything and the chart's structure never changes (see _skeleton).
    box_rows, left_text, centre_text = [], [], []
    for box in geo.boxes.values():
        element = elements[box.id]
        colour = KIND_COLOURS[element.kind]
        box_rows.append(
            {
                "x": box.x,
                "x2": box.x + box.width,
                "y": box.y,
                "y2": box.y + box.height,
                "fill": _tint(colour, BOX_TINT),
                "stroke": PROBLEM_COLOUR if box.id in flagged else colour,
                "stroke_width": 3.0 if box.id in flagged else 1.5,
                "kind": element.kind.label,
                "full_text": element.text,
            }
        )
        left_text.append(
            _text(box.x + PADDING, box.y + PADDING, "\n".join(box.lines), FONT_SIZE, TEXT_COLOUR)
        )
        if box.indicator_lines:
            left_text.append(
                _text(
                    box.x + PADDING,
                    box.y + PADDING * 1.5 + len(box.lines) * line_height,
                    "\n".join(box.indicator_lines),
                    INDICATOR_FONT_SIZE,
                    INDICATOR_COLOUR,
                )
            )
    for x, kind in zip(geo.column_x, CHAIN, strict=True):
        centre_text.append(
            _text(x + BOX_WIDTH / 2, HEADER_HEIGHT / 2, kind.column_title, 13.0, TEXT_COLOUR)
        )

    point_rows, head_rows, label_rows, notes = [], [], [], []
    for n, link in enumerate(toc.links, start=1):
        a, b = geo.boxes[link.source], geo.boxes[link.target]
        points = _ends(a, b)
        colour = PROBLEM_COLOUR if b.column < a.column else ARROW_COLOUR
        dashed = not link.assumption.strip()
        for order, (x, y) in enumerate(points):
            point_rows.append(
                {"link": n, "order": order, "x": x, "y": y, "colour": colour, "dashed": dashed}
            )
        angle = _angle(points[-2], points[-1])
        head_rows.append({"x": points[-1][0], "y": points[-1][1], "angle": angle, "colour": colour})
        mx, my = _label_point(points, [(r["x"], r["y"]) for r in label_rows])
        assumption = link.assumption.strip() or t("forandringsteori.diagram_missing_assumption")
        label_rows.append({"x": mx, "y": my, "assumption": assumption})
        centre_text.append(_text(mx, my, str(n), 9.5, TEXT_COLOUR))
        notes.append(
            t(
                "forandringsteori.diagram_assumption_line",
                n=n,
                source=elements[link.source].text.strip() or link.source,
                target=elements[link.target].text.strip() or link.target,
                assumption=assumption,
            )
        )

    height = geo.height
    if show_assumptions and notes:
        y = height + PADDING
        title = t("forandringsteori.diagram_assumptions")
        left_text.append(_text(PADDING, y, title, FONT_SIZE, TEXT_COLOUR))
        y += FONT_SIZE * 1.6
        for note in notes:
            for line in wrap(note, geo.width - 2 * PADDING, INDICATOR_FONT_SIZE):
                left_text.append(_text(PADDING, y, line, INDICATOR_FONT_SIZE, TEXT_COLOUR))
                y += INDICATOR_FONT_SIZE * 1.3
        height = y + PADDING

    return DiagramData(
        datasets={
            "links": point_rows,
            "boxes": box_rows,
            "heads": head_rows,
            "labels": label_rows,
            "texts_left": left_text,
            "texts_centre": centre_text,
        },
        width=geo.width,
        height=height,
        title=toc.title.strip() or t("forandringsteori.diagram_untitled"),
    )


#: The chart's layers, bottom to top; each reads the named data set of the same name.
LAYERS = ("links", "boxes", "heads", "labels", "texts_left", "texts_centre")


@cache
def _skeleton_chart() -> alt.LayerChart:
    """The styled chart of the drawing without data, size or title (built once).

    Coordinates are pixels (``x`` right, ``y`` down from the top-left corner) and every position
    channel has ``scale=None``, so the spec does not depend on the drawing's size: one spec
    serves every theory of change, and only the data, size and title change.

    Screen readers read the texts (column headings, the elements' texts, the arrows' numbers and
    the listed assumptions), each as itself; boxes, lines, arrowheads and circles are decoration
    (``aria=False``). A decorative layer must not be left to Vega's default: an empty layer (a new,
    empty theory of change) would be an unnamed graphic, which axe-core rightly reports.
    """
    x = alt.X("x:Q", scale=None, axis=None)
    y = alt.Y("y:Q", scale=None, axis=None)

    def data(name: str) -> alt.Chart:
        return alt.Chart(alt.NamedData(name=name))

    layers = [
        data("links")
        .mark_line(strokeWidth=1.4, aria=False)
        .encode(
            x=x,
            y=y,
            detail="link:N",
            order="order:Q",
            stroke=alt.Stroke("colour:N", scale=None),
            strokeDash=alt.StrokeDash(
                "dashed:N",
                scale=alt.Scale(domain=[False, True], range=[[1, 0], [5, 3]]),
                legend=None,
            ),
        ),
        data("boxes")
        .mark_rect(cornerRadius=4, aria=False)
        .encode(
            x=x,
            x2="x2:Q",
            y=y,
            y2="y2:Q",
            fill=alt.Fill("fill:N", scale=None),
            stroke=alt.Stroke("stroke:N", scale=None),
            strokeWidth=alt.StrokeWidth("stroke_width:Q", scale=None),
            tooltip=[
                alt.Tooltip("kind:N", title=t("forandringsteori.diagram_tooltip_kind")),
                alt.Tooltip("full_text:N", title=t("forandringsteori.diagram_tooltip_text")),
            ],
        ),
        data("heads")
        .mark_point(shape="triangle", filled=True, size=45, opacity=1, aria=False)
        .encode(
            x=x,
            y=y,
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("colour:N", scale=None),
        ),
        data("labels")
        .mark_circle(
            size=190,
            color="white",
            stroke=ARROW_COLOUR,
            strokeWidth=1,
            opacity=1,
            aria=False,
        )
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("assumption:N", title=t("forandringsteori.diagram_tooltip_assumption"))
            ],
        ),
        data("texts_left")
        .mark_text(align="left", baseline="top", lineBreak="\n")
        .encode(
            x=x,
            y=y,
            description=alt.Description("text:N"),
            text="text:N",
            size=alt.Size("size:Q", scale=None),
            color=alt.Color("colour:N", scale=None),
        ),
        data("texts_centre")
        .mark_text(align="center", baseline="middle", fontWeight="bold")
        .encode(
            x=x,
            y=y,
            description=alt.Description("text:N"),
            text="text:N",
            size=alt.Size("size:Q", scale=None),
            color=alt.Color("colour:N", scale=None),
        ),
    ]
    return charts.style(alt.layer(*layers)).configure_view(stroke=None)


@cache
def _skeleton() -> dict[str, Any]:
    """:func:`_skeleton_chart` as a Vega-Lite spec (built once; treat as read-only)."""
    return _skeleton_chart().to_dict()


def diagram_spec(
    toc: TheoryOfChange,
    findings: Iterable[Finding] = (),
    show_assumptions: bool = True,
    geometry: Layout | None = None,
) -> dict[str, Any]:
    """The drawing as a Vega-Lite spec (a dict ready for JSON), without building Altair objects.

    Equal to ``diagram(...).to_dict()`` for the same arguments, and much cheaper: the chart's
    structure is built once, and each call only fills in the data, size and title. For apps that
    redraw on every edit.
    """
    data = diagram_data(toc, findings, show_assumptions, geometry)
    spec = dict(_skeleton())
    spec.update(
        width=data.width,
        height=data.height,
        title=data.title,
        description=t("common.toc_chart", title=data.title),
        datasets={name: data.datasets[name] for name in LAYERS},
    )
    return spec


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
        assumptions are listed), already passed through :func:`charts.style`; its data travel
        as named data sets (one per layer, see :data:`LAYERS`).
    """
    data = diagram_data(toc, findings, show_assumptions, geometry)
    chart = _skeleton_chart().properties(
        width=data.width,
        height=data.height,
        title=data.title,
        description=t("common.toc_chart", title=data.title),  # the drawing's accessible name
    )
    # Set directly: passing rows through properties() would check every row against the schema.
    chart.datasets = {name: data.datasets[name] for name in LAYERS}
    return chart


def _text(x: float, y: float, text: str, size: float, colour: str) -> dict[str, object]:
    return {"x": x, "y": y, "text": text, "size": size, "colour": colour}


def _tint(colour: str, share: float) -> str:
    """``colour`` (``#rrggbb``) mixed with white: ``share`` of the colour, the rest white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in rgb)
