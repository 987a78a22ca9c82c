"""Shared Altair set-up: Danish number and date formats, one colour-blind-safe palette, export.

Every chart in the course goes through :func:`style` so that numbers read ``1.234,5`` and months
``januar, februar`` (da-DK locale data shipped by vl-convert), and colours come from the
Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays distinguishable for
the common forms of colour blindness.

Rendering: in notebooks and Voila apps call :func:`use_offline_renderer` once. The ``jupyter``
renderer with ``offline=True`` takes its JavaScript from vl-convert instead of a CDN; the default
``html`` renderer and the ``mimetype`` renderer are blank offline or with Altair 6.
"""

from __future__ import annotations

from functools import cache

import altair as alt
import vl_convert as vlc

LOCALE = "da-DK"

#: Okabe–Ito palette (Okabe & Ito 2008), black left out; order as published.
PALETTE: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)

# Family names with spaces or digits are quoted: unquoted "Source Sans 3" is invalid CSS, and
# vl-convert's PNG renderer then drew no text at all.
FONT = '"Source Sans 3", "Helvetica Neue", Arial, sans-serif'


@cache
def danish_locale() -> alt.Locale:
    """Return the da-DK number and time format locale as an Altair ``Locale`` (from vl-convert)."""
    return alt.Locale(
        number=vlc.get_format_locale(LOCALE),
        time=vlc.get_time_format_locale(LOCALE),
    )


def style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the course's locale, palette and font to a top-level chart and return it.

    Args:
        chart: any top-level Altair chart (Chart, LayerChart, ConcatChart, ...).

    Returns:
        The same chart configured; works for every renderer and for PNG/SVG export.
    """
    return chart.configure(locale=danish_locale(), font=FONT).configure_range(
        category=list(PALETTE)
    )


def use_offline_renderer() -> None:
    """Enable Altair's ``jupyter`` renderer in offline mode (needs ``anywidget``; no CDN)."""
    alt.renderers.enable("jupyter", offline=True)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG document with da-DK formats (vl-convert, no browser)."""
    return vlc.vegalite_to_svg(chart.to_dict(), format_locale=LOCALE, time_format_locale=LOCALE)


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes with da-DK formats; ``scale`` multiplies the pixel size."""
    return vlc.vegalite_to_png(
        chart.to_dict(), scale=scale, format_locale=LOCALE, time_format_locale=LOCALE
    )
