"""Layered left-to-right layout of a theory of change: one column per kind, few crossings.

Method (the layered drawing of Sugiyama, Tagawa & Toda 1981, "Methods for visual understanding of
hierarchical system structures", IEEE Trans. SMC 11(2):109–125): the column of an element is fixed
by its kind (resources left, long-term outcomes right). An arrow that skips columns is split by
virtual points, one per column it passes, so every arrow joins neighbouring columns; arrows that
point backwards are reversed for the ordering and arrows inside one column are left out of it.
The order inside each column is then improved by the barycentre heuristic: sweeping left to right
and back, each element moves to the mean position of its neighbours in the column just swept.
The best order seen (fewest crossings) is kept, and the first order is the order of the model, so
the result never has more crossings than the unreduced drawing.

Crossings are counted as in the layered graph: two arrows between the same two neighbouring
columns cross when their ends are in opposite order (counted by inversions, O(E log E)).

All sizes are in pixels; ``x`` grows to the right and ``y`` downwards from the top-left corner.
"""

from __future__ import annotations

import bisect
import textwrap
from dataclasses import dataclass

from vidensbasering.i18n import t
from vidensbasering.theory_of_change.model import CHAIN, Indicator, TheoryOfChange

#: Box width, gap between columns and between boxes, inner padding (px).
BOX_WIDTH = 180.0
COLUMN_GAP = 70.0
ROW_GAP = 18.0
PADDING = 8.0
#: Height of the row of column headings (px).
HEADER_HEIGHT = 34.0
#: Font sizes (px) of box text and indicator text; line height is 1.25 × the font size.
FONT_SIZE = 12.0
INDICATOR_FONT_SIZE = 10.5
#: Mean glyph width as a share of the font size, used to wrap text to the box (measured ≈ 0.5 for
#: Danish text in Liberation Sans/Arial; 0.53 leaves a margin).
GLYPH_WIDTH = 0.53
#: Barycentre sweeps (left-to-right + right-to-left counts as one).
SWEEPS = 6


@dataclass(frozen=True)
class Box:
    """Geometry and wrapped text of one element.

    Attributes:
        id: element id. column: 0–4, the kind's place in the chain. row: order inside the column.
        x, y: top-left corner (px). width, height: size (px).
        lines: the element text wrapped to the box.
        indicator_lines: the indicators (what is measured), wrapped, one or more lines each.
    """

    id: str
    column: int
    row: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    indicator_lines: tuple[str, ...]

    @property
    def center_y(self) -> float:
        """Vertical middle of the box (px)."""
        return self.y + self.height / 2


@dataclass(frozen=True)
class Layout:
    """Result of :func:`layout`.

    Attributes:
        boxes: element id -> :class:`Box`.
        columns: five tuples of element ids, top to bottom, in chain order.
        column_x: left edge (px) of each of the five columns.
        width, height: size of the whole drawing (px), headings included.
        crossings: arrow crossings in the layered graph for this order.
    """

    boxes: dict[str, Box]
    columns: tuple[tuple[str, ...], ...]
    column_x: tuple[float, ...]
    width: float
    height: float
    crossings: int


def wrap(text: str, width_px: float, font_size: float) -> list[str]:
    """Wrap ``text`` to lines that fit ``width_px`` at ``font_size`` (estimated glyph width)."""
    chars = max(8, int(width_px / (font_size * GLYPH_WIDTH)))
    return textwrap.wrap(" ".join(text.split()), width=chars, break_on_hyphens=False) or [""]


def _proper_layers(
    toc: TheoryOfChange,
) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Layers (model order, virtual points appended) and edges between neighbouring layers."""
    column = {e.id: e.kind.rank for e in toc.elements}
    layers: list[list[str]] = [[] for _ in CHAIN]
    for element in toc.elements:
        layers[column[element.id]].append(element.id)
    edges: list[tuple[str, str]] = []
    for n, link in enumerate(toc.links):
        a, b = link.source, link.target
        if column[a] == column[b]:
            continue
        if column[a] > column[b]:
            a, b = b, a
        previous = a
        for c in range(column[a] + 1, column[b]):
            virtual = f"\0{n}:{c}"  # cannot clash with an element id
            layers[c].append(virtual)
            edges.append((previous, virtual))
            previous = virtual
        edges.append((previous, b))
    return layers, edges


def count_crossings(layers: list[list[str]], edges: list[tuple[str, str]]) -> int:
    """Crossings of ``edges`` (each joining layer i to layer i+1) for the given orders.

    Args:
        layers: node names per layer, in drawing order.
        edges: ``(left, right)`` pairs; ``left`` in some layer i, ``right`` in layer i+1.

    Returns:
        Number of pairs of edges between the same two layers whose ends are in opposite order.
    """
    position: dict[str, tuple[int, int]] = {}
    for i, layer in enumerate(layers):
        for j, node in enumerate(layer):
            position[node] = (i, j)
    by_layer: dict[int, list[tuple[int, int]]] = {}
    for a, b in edges:
        (layer, pa), (_, pb) = position[a], position[b]
        by_layer.setdefault(layer, []).append((pa, pb))
    total = 0
    for pairs in by_layer.values():
        pairs.sort()
        seen: list[int] = []
        for _, pb in pairs:
            # earlier edges start higher (or at the same node); those ending lower cross this one
            total += len(seen) - bisect.bisect_right(seen, pb)
            bisect.insort(seen, pb)
    return total


def order_columns(
    toc: TheoryOfChange, reduce_crossings: bool = True, sweeps: int = SWEEPS
) -> tuple[list[list[str]], int]:
    """Order the elements inside each column.

    Args:
        toc: the theory of change.
        reduce_crossings: if False, keep the model's order (the baseline).
        sweeps: number of barycentre sweeps (each left-to-right then right-to-left).

    Returns:
        ``(columns, crossings)``: five lists of element ids top to bottom, and the number of
        crossings of that order in the layered graph (see :func:`count_crossings`).
    """
    layers, edges = _proper_layers(toc)
    best = [list(layer) for layer in layers]
    best_crossings = count_crossings(best, edges)
    if reduce_crossings and best_crossings:
        left: dict[str, list[str]] = {}
        right: dict[str, list[str]] = {}
        for a, b in edges:
            right.setdefault(a, []).append(b)
            left.setdefault(b, []).append(a)
        current = [list(layer) for layer in layers]
        for _ in range(sweeps):
            for indices, neighbours in (
                (range(1, len(current)), left),
                (range(len(current) - 2, -1, -1), right),
            ):
                for i in indices:
                    _barycentre_sort(current[i], neighbours, current)
            crossings = count_crossings(current, edges)
            if crossings < best_crossings:
                best, best_crossings = [list(layer) for layer in current], crossings
            if best_crossings == 0:
                break
    columns = [[n for n in layer if not n.startswith("\0")] for layer in best]
    return columns, best_crossings


def _barycentre_sort(
    layer: list[str], neighbours: dict[str, list[str]], layers: list[list[str]]
) -> None:
    """Sort ``layer`` in place by the mean position of each node's neighbours in the swept layer.

    Nodes without neighbours there keep their current position as their key; ties keep order.
    """
    position = {node: j for other in layers for j, node in enumerate(other)}
    keys: dict[str, float] = {}
    for j, node in enumerate(layer):
        ns = neighbours.get(node)
        keys[node] = sum(position[n] for n in ns) / len(ns) if ns else float(j)
    layer.sort(key=keys.__getitem__)


def _indicator_lines(indicators: list[Indicator], width: float) -> list[str]:
    lines: list[str] = []
    prefix = t("forandringsteori.diagram_indicator_prefix")
    for indicator in indicators:
        lines += wrap(prefix + (indicator.what or "…"), width, INDICATOR_FONT_SIZE)
    return lines


def layout(toc: TheoryOfChange, reduce_crossings: bool = True) -> Layout:
    """Place every element: columns by kind, order by barycentres, boxes stacked and centred.

    Args:
        toc: the theory of change (any state; cycles and backward arrows are allowed).
        reduce_crossings: order columns by the barycentre heuristic (default) or keep model order.

    Returns:
        A :class:`Layout` with pixel geometry for :mod:`.diagram`.
    """
    columns, crossings = order_columns(toc, reduce_crossings)
    elements = {e.id: e for e in toc.elements}
    inner = BOX_WIDTH - 2 * PADDING
    empty = t("forandringsteori.diagram_no_text")
    column_x = tuple(PADDING + c * (BOX_WIDTH + COLUMN_GAP) for c in range(len(CHAIN)))

    sized: list[list[tuple[str, list[str], list[str], float]]] = []
    for ids in columns:
        column: list[tuple[str, list[str], list[str], float]] = []
        for element_id in ids:
            lines = wrap(elements[element_id].text or empty, inner, FONT_SIZE)
            indicators = _indicator_lines(elements[element_id].indicators, inner)
            height = 2 * PADDING + len(lines) * FONT_SIZE * 1.25
            if indicators:
                height += PADDING / 2 + len(indicators) * INDICATOR_FONT_SIZE * 1.25
            column.append((element_id, lines, indicators, height))
        sized.append(column)

    heights = [sum(h for *_, h in col) + ROW_GAP * max(len(col) - 1, 0) for col in sized]
    body = max(heights, default=0.0)
    boxes: dict[str, Box] = {}
    for c, col in enumerate(sized):
        y = HEADER_HEIGHT + (body - heights[c]) / 2
        for row, (element_id, lines, indicators, height) in enumerate(col):
            boxes[element_id] = Box(
                element_id,
                c,
                row,
                column_x[c],
                y,
                BOX_WIDTH,
                height,
                tuple(lines),
                tuple(indicators),
            )
            y += height + ROW_GAP
    return Layout(
        boxes=boxes,
        columns=tuple(tuple(ids) for ids in columns),
        column_x=column_x,
        width=column_x[-1] + BOX_WIDTH + PADDING,
        height=HEADER_HEIGHT + body + PADDING,
        crossings=crossings,
    )
