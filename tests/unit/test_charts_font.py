import altair as alt
import pandas as pd

from vidensbasering import charts


def test_png_export_draws_text():
    # Same chart twice; only the title colour differs. If the font list were invalid CSS
    # (e.g. an unquoted "Source Sans 3"), no text would be drawn and the PNGs would be equal.
    chart = charts.style(
        alt.Chart(pd.DataFrame({"a": ["x"], "b": [1]}), title="Indtjening 1978")
        .mark_bar()
        .encode(x="a:N", y="b:Q")
    )
    black = charts.to_png(chart.configure_title(color="#000000"), scale=1)
    white = charts.to_png(chart.configure_title(color="#ffffff"), scale=1)
    assert black != white
