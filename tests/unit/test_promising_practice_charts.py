import math

import pytest

from vidensbasering import promising_practice as pp
from vidensbasering import promising_practice_charts as pc


def _pair() -> tuple[pp.Assessment, pp.Assessment]:
    before = pp.assess({1: 2, 2: 0, 3: 3, 10: 0}, team="Før")
    return before, pp.rate(before, 10, 2).model_copy(update={"team": "Efter"})


def test_spokes_run_group_by_group():
    assert pc.SPOKES == (1, 2, 3, 4, 7, 8, 9, 5, 6, 10, 11)
    assert pc.angle(1) == 0.0
    # Element 10 is the 10th spoke: 9 steps of 360/11 degrees clockwise from the top.
    x, y = pc.point(10, 2)
    a = 2 * math.pi * 9 / 11
    assert (x, y) == pytest.approx((2 * math.sin(a), 2 * math.cos(a)))


def test_radar_points_by_hand():
    before, after = _pair()
    rows = pc.radar_rows([before, after])
    # 11 elements + the first spoke repeated to close the outline, per assessment.
    assert len(rows) == 2 * 12
    one = [r for r in rows if r["assessment"] == "Før" and r["element"] == 1]
    assert [(r["step"], r["x"], r["y"]) for r in one] == [(0, 0.0, 2.0), (11, 0.0, 2.0)]
    unrated = next(r for r in rows if r["assessment"] == "Før" and r["element"] == 4)
    assert unrated["x"] is None and unrated["rating_label"] == "ikke vurderet"
    ten = next(r for r in rows if r["assessment"] == "Efter" and r["element"] == 10)
    assert (ten["x"], ten["y"]) == pytest.approx(pc.point(10, 2))


def test_fast_spec_equals_the_altair_chart_and_names_the_chart():
    pair = _pair()
    spec = pc.radar_spec(pair)
    assert spec == pc.radar(pair).to_dict()
    assert spec["description"].startswith("Radardiagram over de 11 elementer")
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    colour = spec["layer"][-1]["encoding"]["color"]["scale"]
    assert colour == {"domain": ["Før", "Efter"], "range": ["#E69F00", "#56B4E9"]}
    assert pc.radar_spec(pair[:1])["layer"][-1]["encoding"]["color"]["scale"]["domain"] == ["Før"]


def test_group_bars_data_by_hand():
    before, after = _pair()
    rows = pc.group_rows([before, after])
    assert pc.group_bars([before, after]).to_dict()["data"]["values"] == rows
    assert pc.group_bars_spec([before, after]) == pc.group_bars([before, after]).to_dict()
    assert pc.group_bars_spec([after]) == pc.group_bars([after]).to_dict()
    means = {(r["assessment"], r["group"]): r["mean"] for r in rows}
    # Før: vidensgrundlag (2 + 0) / 2 = 1; koncept 3; udbredelse none; tilpasning 0. Efter: 2.
    assert means[("Før", "Vidensgrundlag")] == 1.0
    assert means[("Før", "Koncept")] == 3.0
    assert means[("Før", "Udbredelse")] is None
    assert means[("Før", "Tilpasning")] == 0.0
    assert means[("Efter", "Tilpasning")] == 2.0


def test_png_and_svg_export_with_danish_numbers():
    pair = _pair()
    png = pc.to_png(pc.radar_spec(pair), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = pc.to_svg(pc.group_bars(pair))
    assert svg.startswith("<svg") and ">1,0<" in svg and "Gennemsnit pr. gruppe" in svg
    assert "aria-label" in pc.to_svg(pc.radar_spec(pair))
