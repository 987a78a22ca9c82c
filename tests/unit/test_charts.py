import json
import re
from pathlib import Path

import altair as alt
import pandas as pd

from vidensbasering import charts
from vidensbasering.i18n import t


def _bar() -> alt.Chart:
    data = pd.DataFrame({"gruppe": ["a", "b"], "beløb": [1234.5, 2000.25]})
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(x="gruppe:N", y=alt.Y("beløb:Q", axis=alt.Axis(format=",.1f")))
    )


def test_svg_export_uses_danish_separators():
    # da-DK: 2000 on the axis prints as "2.000,0" ("." groups thousands, "," marks decimals).
    svg = charts.to_svg(charts.style(_bar()))
    assert "2.000,0" in svg
    assert "2,000.0" not in svg


def test_style_sets_palette_and_locale():
    spec = charts.style(_bar()).to_dict()
    assert spec["config"]["range"]["category"] == list(charts.PALETTE)
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_png_export_is_a_png():
    assert charts.to_png(charts.style(_bar()), scale=1).startswith(b"\x89PNG\r\n\x1a\n")


def test_png_export_draws_text():
    # A fixed-size chart whose only mark is a text: with the text drawn, the PNG differs from the
    # same chart with an empty text. With an invalid font-family list (unquoted "Source Sans 3")
    # the renderer drew no text and both PNGs came out byte for byte the same blank image.
    def text_chart(word: str) -> alt.Chart:
        frame = pd.DataFrame({"t": [word]})
        return (
            alt.Chart(frame)
            .mark_text(size=20)
            .encode(text="t:N")
            .properties(width=80, height=30, autosize="none", padding=0)
        )

    with_text = charts.to_png(charts.style(text_chart("Æble")), scale=1)
    without_text = charts.to_png(charts.style(text_chart("")), scale=1)
    assert with_text != without_text


OFFLINE_PROBE = """
import altair as alt, vl_convert
from vidensbasering import charts
if {forbid_bundling}:
    def refuse(*args, **kwargs):
        raise AssertionError("bundled again although the cache holds the bundle")
    vl_convert.javascript_bundle = refuse
charts.use_offline_renderer()
print(alt.JupyterChart._is_offline, len(alt.JupyterChart._esm))
print(charts.offline_bundle_path())
"""


def _probe(tmp_path, forbid_bundling: bool) -> list[str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    code = OFFLINE_PROBE.format(forbid_bundling=forbid_bundling)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_offline_bundle_is_built_once_and_then_read_from_the_cache(tmp_path):
    # First kernel: no cache, so Altair bundles its JavaScript and the bundle is stored.
    offline, size, path = _probe(tmp_path, forbid_bundling=False)
    assert offline == "True"
    cached = tmp_path.joinpath("vidensbasering").glob("altair-jupyterchart-offline-*.js")
    assert [str(p) for p in cached] == [path]
    # The stored file is exactly what Altair's own enable_offline() builds.
    alt.JupyterChart._is_offline = False
    alt.JupyterChart.enable_offline()
    assert alt.JupyterChart._esm == Path(path).read_text(encoding="utf-8")
    # The widget gets it wrapped, to be imported on first draw (charts.lazy_module).
    assert int(size) == len(charts.lazy_module(alt.JupyterChart._esm))
    # Second kernel: bundling is made to fail, so passing means the cache was used.
    assert _probe(tmp_path, forbid_bundling=True)[:2] == ["True", size]


def test_the_lazy_module_holds_the_bundle_as_text_and_imports_it_in_render():
    bundle = 'const __default={render(){}};export{__default as default};\n"quote" \u2028'
    wrapped = charts.lazy_module(bundle)
    # The bundle is a JSON (so JavaScript) string literal, parsed as text, not as code.
    literal = re.search(r"^const SOURCE = (.*);$", wrapped, re.M).group(1)
    assert json.loads(literal) == bundle
    assert "export default { render };" in wrapped
    assert wrapped.index("await load()") > wrapped.index("async function render")
    # Same bundle, same key on globalThis (loaded once per page); another bundle, another key.
    assert wrapped == charts.lazy_module(bundle)
    key = re.search(r"^const KEY = (.*);$", wrapped, re.M).group(1)
    assert key not in charts.lazy_module(bundle + " ")


def test_every_styled_chart_has_its_title_as_accessible_name():
    # Vega names the drawing after the spec's description; without one it says "Vega visualization".
    base = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    titled = charts.style(base.properties(title=alt.TitleParams("Trivsel", subtitle="WEMWBS")))
    assert titled.to_dict()["description"] == "Trivsel – WEMWBS"
    assert charts.style(base.properties(title=["To", "linjer"])).to_dict()["description"] == (
        "To – linjer"
    )
    assert charts.style(base).to_dict()["description"] == t("common.chart")
    kept = charts.style(base.properties(title="T", description="Egen beskrivelse")).to_dict()
    assert kept["description"] == "Egen beskrivelse"


LOCALE_PROBE = """
import sys
if {forbid_vl_convert}:
    sys.modules["vl_convert"] = None  # any import of vl-convert now fails
from vidensbasering import charts
locale = charts.danish_locale().to_dict()
print(locale["number"]["decimal"], locale["number"]["thousands"], locale["time"]["months"][0])
"""


def test_danish_locale_is_read_from_vl_convert_once_then_from_the_cache(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def probe(forbid: bool) -> list[str]:
        code = LOCALE_PROBE.format(forbid_vl_convert=forbid)
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    # da-DK (d3-format, d3-time-format): decimal comma, thousands point, "januar".
    assert probe(forbid=False) == [",", ".", "januar"]
    assert len(list(tmp_path.joinpath("vidensbasering").glob("locale-da-DK-*.json"))) == 1
    # A later kernel cannot import vl-convert at all and still gets the same locale.
    assert probe(forbid=True) == [",", ".", "januar"]
