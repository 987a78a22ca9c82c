"""The widgets and chart behind the app "Stil krav til videnskvalitet" (no browser, no kernel)."""

from __future__ import annotations

import pytest
from causaldata import cps_mixtape, nsw_mixtape

from vidensbasering import charts
from vidensbasering.apps import videnskvalitet as app
from vidensbasering.effects import Estimate

MINUS = "\u2212"


def _estimate(value: float, low: float, high: float, n_control: int = 260) -> Estimate:
    return Estimate(
        estimate=value,
        se=(high - low) / 3.92,
        ci_low=low,
        ci_high=high,
        n_treated=185,
        n_control=n_control,
        method="difference",
        confidence=0.95,
    )


BENCH = _estimate(1794.34, 474.01, 3114.67)
CPS = _estimate(-8497.52, -9648.33, -7346.70, n_control=15_992)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1794.34, "1.794 USD"),
        (-8497.52, f"{MINUS}8.498 USD"),
        (15_992, "15.992 USD"),
        (-10_291.86, f"{MINUS}10.292 USD"),
        (0.4, "0 USD"),
        (-0.4, "0 USD"),  # rounds to zero: no lone minus sign
    ],
)
def test_format_usd_is_danish(amount: float, text: str) -> None:
    assert app.format_usd(amount) == text


def test_axis_domain_holds_every_interval_and_zero() -> None:
    # Intervals [-9648.33, -7346.70] and [474.01, 3114.67]: span 12763.00, 8 % margin 1021.04.
    low, high = app.axis_domain([CPS, BENCH])
    assert low == pytest.approx(-9648.33 - 1021.04)
    assert high == pytest.approx(3114.67 + 1021.04)
    # Only positive intervals: zero is still on the axis (span 3114.67, margin 249.17).
    assert app.axis_domain([BENCH]) == pytest.approx((-249.17, 3363.85), abs=0.01)
    with pytest.raises(ValueError, match="at least one"):
        app.axis_domain([])


def test_effect_chart_draws_interval_point_and_benchmark() -> None:
    chart = app.effect_chart(CPS, "CPS: forskel i gennemsnit", BENCH, domain=(-11000.0, 5000.0))
    spec = chart.to_dict()
    assert spec["title"]["subtitle"] == "CPS: forskel i gennemsnit"
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "rule", "text", "rule", "point"]
    domains = {
        str(layer["encoding"]["x"]["scale"]["domain"])
        for layer in spec["layer"]
        if "scale" in layer["encoding"]["x"]
    }
    assert domains == {str([-11000.0, 5000.0])}
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    svg = charts.to_svg(chart)
    # The caption and the axis in da-DK: "1.794 USD", ticks like "−10.000" and "4.000".
    assert "Forsøgets resultat: 1.794 USD" in svg
    assert "4.000" in svg


def test_summary_gives_estimate_interval_sizes_and_gap() -> None:
    text = app.summary(CPS, BENCH)
    assert f"{MINUS}8.498 USD" in text
    assert f"{MINUS}9.648 USD til {MINUS}7.347 USD" in text
    assert "185 deltagere og 15.992 i sammenligningsgruppen" in text
    # -8497.52 - 1794.34 = -10291.86
    assert f"forskellen er {MINUS}10.292 USD" in text


def test_app_redraws_in_place_and_computes_each_estimate_once() -> None:
    nsw = nsw_mixtape.load_pandas().data
    cps = cps_mixtape.load_pandas().data
    treated = nsw.loc[nsw["treat"] == 1, "re78"].mean()
    experimental = treated - nsw.loc[nsw["treat"] == 0, "re78"].mean()  # ≈ +1,794 (FACTS §7)
    observational = treated - cps["re78"].mean()  # ≈ -8,498

    app.cached_estimate.cache_clear()
    widget = app.VidenskvalitetApp()
    assert f"Estimeret effekt: {app.format_usd(experimental)}" in widget.text.value
    view = widget._view
    assert view is not None
    first_spec = view.spec

    widget.group.value = "cps"
    assert widget._view is view  # the same chart widget, new spec
    assert view.spec != first_spec
    assert view.spec["title"]["subtitle"] == "CPS: forskel i gennemsnit"
    assert f"Estimeret effekt: {app.format_usd(observational)}" in widget.text.value

    widget.method.value = "regression"
    widget.group.value = "experiment"
    assert view.spec["title"]["subtitle"] == "Kontrolgruppe: regressionsjusteret"
    # The fixed axis needs all four estimates once; toggling only reads the cache.
    assert app.cached_estimate.cache_info().misses == 4
