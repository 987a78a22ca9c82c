"""Charts of the roles lesson: the national figures for the political level.

Built with Altair through :func:`vidensbasering.charts.style` (da-DK numbers, Okabe–Ito palette).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from vidensbasering import charts
from vidensbasering.i18n import t

__all__ = ["national_trend"]


def national_trend(figures: pd.DataFrame, measure: str) -> alt.TopLevelMixin:
    """Line chart of one national measure over the years that have a figure.

    Args:
        figures: output of :func:`vidensbasering.national.national_figures`.
        measure: one of its Danish ``measure`` labels.

    Returns:
        A styled Altair chart named after the measure (title and description), years on the x
        axis, counts from zero on the y axis, a point per year with a tooltip.

    Raises:
        ValueError: in Danish, for a measure that is not in ``figures`` (the measures are listed).
    """
    known = list(dict.fromkeys(figures["measure"]))
    if measure not in known:
        raise ValueError(t("rollefordeling.error_measure", value=measure, known="; ".join(known)))
    data = figures[figures["measure"] == measure]
    title = t("rollefordeling.chart_title", measure=measure)
    base = alt.Chart(data).encode(
        # Quantitative years keep the gaps between years with a figure (2011, then 2015) honest.
        x=alt.X(
            "year:Q",
            title=t("rollefordeling.chart_year"),
            scale=alt.Scale(zero=False),
            axis=alt.Axis(format="d", tickMinStep=1),
        ),
        y=alt.Y("count:Q", title=t("rollefordeling.chart_count"), scale=alt.Scale(zero=True)),
        tooltip=[
            alt.Tooltip("year:Q", title=t("rollefordeling.chart_year"), format="d"),
            alt.Tooltip("count:Q", title=t("rollefordeling.chart_count"), format=",d"),
        ],
    )
    chart = (
        base.mark_line(color=charts.PALETTE[4])
        + base.mark_point(color=charts.PALETTE[4], filled=True)
    ).properties(
        title=alt.TitleParams(title, subtitle=t("rollefordeling.chart_subtitle")),
        description=title,
        width=460,
        height=260,
    )
    return charts.style(chart)
