import altair as alt
import pandas as pd

from vidensbasering import charts


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
