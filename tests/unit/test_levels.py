"""Follow-up data at each level, the three-service example and the national figures."""

import math

import pandas as pd
import pytest

from vidensbasering import levels, levels_charts, national
from vidensbasering.examples import load_followup_example, load_levels_example


@pytest.fixture
def two_services() -> pd.DataFrame:
    # Baseline 40, 44, 48, 44, 44 (mean 44, SD 2√2); r = 0.75 gives S_diff = 2.0, so a change is
    # reliable beyond 3.92 points (as in test_followup's team_meeting fixture).
    rows = [
        # municipality, service, team, person, occasion, score
        ("K1", "S1", "T1", "A", 1, 40),
        ("K1", "S1", "T1", "A", 2, 46),  # +6 reliable improvement (RC 3)
        ("K1", "S1", "T2", "B", 1, 44),
        ("K1", "S1", "T2", "B", 2, 40),  # -4 reliable deterioration (RC -2)
        ("K1", "S2", "T1", "C", 1, 48),
        ("K1", "S2", "T1", "C", 2, 50),  # +2 no reliable change (RC 1)
        ("K2", "S3", "T1", "D", 1, 44),  # dropped out
        ("K2", "S3", "T1", "E", 1, 44),
        ("K2", "S3", "T1", "E", 2, 45),  # +1 no reliable change
    ]
    cols = ["municipality", "service", "group", "person_id", "occasion", "score"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["instrument"] = "WEMWBS"
    return frame


def _view(df, level, occasion=2):
    return levels.aggregate_by_level(
        df,
        level,
        instrument="WEMWBS",
        reliability=0.75,
        direction="højere er bedre",
        occasion=occasion,
    )


def test_person_view_by_hand(two_services):
    people = _view(two_services, "borger").set_index("person_id")
    assert people.loc["A", "category"] == "Pålidelig bedring"  # 46 is below criterion a, 49.66
    assert people.loc["B", "category"] == "Pålidelig forværring"
    assert people.loc["C", "category"] == "Ingen pålidelig ændring"
    assert pd.isna(people.loc["D", "category"])
    assert math.isnan(people.loc["D", "score_at_occasion"])
    assert people.loc["A", "rc"] == pytest.approx(3.0)
    assert people.loc["B", "change"] == -4


def test_each_level_counts_by_hand(two_services):
    team = _view(two_services, "team")
    assert team[["municipality", "service", "group"]].values.tolist() == [
        ["K1", "S1", "T1"],
        ["K1", "S1", "T2"],
        ["K1", "S2", "T1"],
        ["K2", "S3", "T1"],
    ]
    service = _view(two_services, "tilbud").set_index("service")
    # S1: A and B followed; one reliably better, one reliably worse; mean change (6 - 4) / 2 = 1.
    assert service.loc["S1", ["n_started", "n_followed"]].tolist() == [2, 2]
    assert service.loc["S1", "mean_change"] == pytest.approx(1.0)
    assert service.loc["S1", ["share_improved", "share_deteriorated"]].tolist() == [0.5, 0.5]
    # S3: D dropped out, E followed: 1 of 2 dropped out; E's mean first score 44 among the followed.
    assert service.loc["S3", "share_dropped_out"] == pytest.approx(0.5)
    assert service.loc["S3", "mean_first"] == pytest.approx(44.0)
    municipality = _view(two_services, "kommune").set_index("municipality")
    # K1: A, B, C all followed; changes +6, -4, +2 -> mean 4/3; improved 1/3, deteriorated 1/3.
    assert municipality.loc["K1", "mean_change"] == pytest.approx(4 / 3)
    assert municipality.loc["K1", "share_improved"] == pytest.approx(1 / 3)
    assert municipality.loc["K1", "share_dropped_out"] == 0
    assert municipality["n_started"].tolist() == [3, 2]


def test_levels_explain_mistakes_in_danish(two_services):
    with pytest.raises(ValueError, match="Vælg et af: borger, team, tilbud, kommune"):
        _view(two_services, "region")
    with pytest.raises(ValueError, match="mangler kolonnen"):
        _view(two_services.drop(columns="service"), "team")
    with pytest.raises(ValueError, match="Reliabiliteten 89 kan ikke bruges"):
        levels.aggregate_by_level(
            two_services,
            "borger",
            instrument="WEMWBS",
            reliability=89,
            direction="højere er bedre",
            occasion=2,
        )


def test_levels_example_keeps_the_followup_example_and_adds_two_services():
    data = load_levels_example()
    aadalen = data[data["service"] == "Bostøtte Ådalen"].reset_index(drop=True)
    original = load_followup_example()
    pd.testing.assert_frame_equal(aadalen[original.columns], original, check_dtype=False)
    assert data.groupby("municipality")["service"].nunique().to_dict() == {
        "Bakkeby Kommune": 1,
        "Ådal Kommune": 2,
    }
    assert data["person_id"].nunique() == 360
    view = levels.aggregate_by_level(
        data,
        "tilbud",
        instrument="WEMWBS",
        reliability=0.89,
        direction="højere er bedre",
        occasion=4,
    ).set_index("service")
    # Lesson 04 and test_followup: 98 of Ådalen's 120 were measured at 12 months.
    assert view.loc["Bostøtte Ådalen", ["n_started", "n_followed"]].tolist() == [120, 98]


def test_national_figures_as_published():
    figures = national.national_figures()
    placed = figures[figures["measure"] == "Anbragte børn og unge (0-22 år) pr. 31. december"]
    assert dict(zip(placed["year"], placed["count"], strict=True))[2023] == 13_900
    assert dict(zip(placed["year"], placed["count"], strict=True))[2011] == 14_978
    assert len(figures) == 9 + 5 + 4 + 2
    assert figures["source"].str.contains("cid=40734").all()
    chart = levels_charts.national_trend(figures, "Underretninger").to_dict()
    assert chart["description"] == "Underretninger, hele landet"
    with pytest.raises(ValueError, match="findes ikke"):
        levels_charts.national_trend(figures, "Anbragte")


def test_new_domain_modules_import_no_chart_widget_or_notebook_machinery():
    import subprocess
    import sys

    code = (
        "import sys, vidensbasering.levels, vidensbasering.national, vidensbasering.evidence; "
        "bad = [m for m in ('ipywidgets', 'nbgrader', 'IPython', 'voila', 'altair') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
