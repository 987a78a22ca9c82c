"""Shared Altair set-up: Danish number and date formats, one colour-blind-safe palette, export.

Every chart in the course goes through :func:`style` so that numbers read ``1.234,5`` and months
``januar, februar`` (da-DK locale data shipped by vl-convert), and colours come from the
Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays distinguishable for
the common forms of colour blindness.

Rendering: in notebooks and Voila apps call :func:`use_offline_renderer` once. The ``jupyter``
renderer with ``offline=True`` takes its JavaScript from vl-convert instead of a CDN; the default
``html`` renderer and the ``mimetype`` renderer are blank offline or with Altair 6.

vl-convert is imported only when it has work to do (bundling the JavaScript, reading the locale
for the first time, PNG/SVG export): what it gives every kernel (the offline bundle and the da-DK
locale) is kept in the user's cache folder, keyed by the installed versions, so an app kernel
that draws charts but exports none never loads it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import altair as alt
import platformdirs

from vidensbasering.i18n import t

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


def _vl_convert() -> ModuleType:
    """Import vl-convert on first use (a kernel that exports nothing never loads it)."""
    import vl_convert

    return vl_convert


def _cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("vidensbasering", appauthor=False))


def _versions_digest(*parts: str) -> str:
    """A short hash of Altair's and vl-convert's versions and ``parts`` (cache file names)."""
    key = "|".join((alt.__version__, metadata.version("vl-convert-python"), *parts))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@cache
def danish_locale() -> alt.Locale:
    """Return the da-DK number and time format locale as an Altair ``Locale``.

    The locale data are vl-convert's (d3-format and d3-time-format's da-DK). They are read from
    vl-convert once per installed version and then from the user's cache folder.
    """
    path = _cache_dir() / f"locale-{LOCALE}-{_versions_digest()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        number, time = data["number"], data["time"]
    except (OSError, ValueError, KeyError, TypeError):
        vlc = _vl_convert()
        number, time = vlc.get_format_locale(LOCALE), vlc.get_time_format_locale(LOCALE)
        _write_atomically(path, json.dumps({"number": number, "time": time}))
    return alt.Locale(number=number, time=time)


def accessible_name(title: object) -> str:
    """The text of a chart title, as a screen reader should announce the chart.

    Args:
        title: an Altair/Vega-Lite title: a string, a list of lines, a ``TitleParams`` or its
            dict (``{"text": ..., "subtitle": ...}``), or ``Undefined``/``None``.

    Returns:
        The title's lines (and subtitle) joined by " – "; the catalog's generic "Diagram" when
        the chart has no title.
    """
    if isinstance(title, alt.TitleParams):
        title = title.to_dict()
    parts = [title.get("text"), title.get("subtitle")] if isinstance(title, dict) else [title]
    lines: list[str] = []
    for part in parts:
        if isinstance(part, str):
            lines.append(part)
        elif isinstance(part, list | tuple):
            lines.extend(str(line) for line in part)
    text = " – ".join(line.strip() for line in lines if line and line.strip())
    return text or t("common.chart")


def style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the course's locale, palette and font to a top-level chart and return it.

    A chart without a ``description`` gets its title as one: Vega makes the description the
    drawing's accessible name (``aria-label``), which is otherwise "Vega visualization".

    Args:
        chart: any top-level Altair chart (Chart, LayerChart, ConcatChart, ...).

    Returns:
        The same chart configured; works for every renderer and for PNG/SVG export.
    """
    if chart.description is alt.Undefined:
        chart = chart.properties(description=accessible_name(chart.title))
    return chart.configure(locale=danish_locale(), font=FONT).configure_range(
        category=list(PALETTE)
    )


def use_offline_renderer() -> None:
    """Enable Altair's ``jupyter`` renderer in offline mode (needs ``anywidget``; no CDN).

    Offline mode makes Altair bundle its widget's JavaScript with vl-convert, which costs about
    2 s in every new kernel, so every Voila page open. The bundle depends only on the installed
    Altair and vl-convert, so it is built once and kept in the user's cache folder
    (:func:`offline_bundle_path`); later kernels read it from there.
    """
    _load_offline_bundle()
    alt.renderers.enable("jupyter", offline=True)


def offline_bundle_path() -> Path:
    """Return the cache file of the offline JupyterChart bundle for the installed versions.

    The name carries a hash of Altair's version, vl-convert's version and the widget's
    JavaScript source, so an upgrade of either package never reads a stale bundle.
    """
    from altair.jupyter.jupyter_chart import load_js_src

    return _cache_dir() / f"altair-jupyterchart-offline-{_versions_digest(load_js_src())}.js"


def _load_offline_bundle() -> None:
    # JupyterChart keeps its module source in anywidget's ``_esm`` attribute and skips the
    # bundling when ``_is_offline`` is already set (altair/jupyter/jupyter_chart.py).
    chart_class = alt.JupyterChart
    if chart_class._is_offline:
        return
    path = offline_bundle_path()
    try:
        bundle = path.read_text(encoding="utf-8")
    except OSError:
        chart_class.enable_offline()
        bundle = chart_class._esm
        _write_atomically(path, bundle)
    chart_class._esm = lazy_module(bundle)
    chart_class._is_offline = True


def lazy_module(bundle: str) -> str:
    """Wrap the chart widget's JavaScript module so that the browser loads it on first draw.

    anywidget gives a widget's module 2 seconds to load (``[anywidget] Failed to initialize
    model.``); Altair's offline module is about 0.9 MB of JavaScript, which a browser on a busy
    machine (or a room of participants on one) does not always parse and run in time, and the
    chart then never appears. The wrapper is a small module that holds the bundle as a string
    and imports it only inside ``render``, where there is no time limit. The imported module is
    kept on ``globalThis`` under the bundle's hash, so a page with five charts loads it once.

    Args:
        bundle: the ES module source of Altair's ``JupyterChart`` (default export ``{render}``).

    Returns:
        The source of an ES module whose default export's ``render`` calls the bundle's.
    """
    key = "vidensbasering-altair-" + hashlib.sha256(bundle.encode("utf-8")).hexdigest()[:16]
    return (
        f"const KEY = {json.dumps(key)};\n"
        f"const SOURCE = {json.dumps(bundle)};\n"
        "function load() {\n"
        "  const cache = (globalThis.__vidensbasering_modules ??= {});\n"
        "  if (!cache[KEY]) {\n"
        '    const url = URL.createObjectURL(new Blob([SOURCE], { type: "text/javascript" }));\n'
        "    cache[KEY] = import(/* webpackIgnore: true */ url);\n"
        "    cache[KEY].then(() => URL.revokeObjectURL(url), () => delete cache[KEY]);\n"
        "  }\n"
        "  return cache[KEY];\n"
        "}\n"
        "async function render(context) {\n"
        "  const module = await load();\n"
        "  return module.default.render(context);\n"
        "}\n"
        "export default { render };\n"
    )


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file; skip a cache that cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        pass


def cached_json(name: str, key: Sequence[str], compute: Callable[[], Any]) -> Any:
    """A JSON value computed once per ``key`` and then read from the user's cache folder.

    For values an app's first view needs that cost a heavy import to compute (the same on
    every kernel of an installation). ``key`` must name everything the value depends on
    (versions, a hash of the code and data); a cache that cannot be read or written is ignored.

    Args:
        name: the cache file's name stem (letters, digits, ``-``).
        key: strings the value depends on.
        compute: returns the value (JSON-serialisable) when it is not cached.
    """
    digest = hashlib.sha256("|".join(key).encode("utf-8")).hexdigest()[:16]
    path = _cache_dir() / f"{name}-{digest}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        value = compute()
        _write_atomically(path, json.dumps(value))
        return value


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG document with da-DK formats (vl-convert, no browser)."""
    return _vl_convert().vegalite_to_svg(
        chart.to_dict(), format_locale=LOCALE, time_format_locale=LOCALE
    )


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes with da-DK formats; ``scale`` multiplies the pixel size."""
    return _vl_convert().vegalite_to_png(
        chart.to_dict(), scale=scale, format_locale=LOCALE, time_format_locale=LOCALE
    )
