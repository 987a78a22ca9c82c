"""Follow-up charts: the data each chart carries, its Danish texts, and its size on large input."""

import math

import numpy as np
import pandas as pd
import pytest

from vidensbasering import charts
from vidensbasering import followup as f
from vidensbasering import followup_charts as fc
from vidensbasering.measures import CHANGE_CATEGORIES as CATEGORIES
from vidensbasering.measures import ChangeCriteria


@pytest.fixture
def small() -> pd.DataFrame:
    rows = [
        # person, group, occasion, instrument, score, goal
        ("A", "Nord", 1, "WEMWBS", 40, None),
        ("A", "Nord", 2, "WEMWBS", 44, None),
        ("A", "Nord", 3, "WEMWBS", 52, None),
        ("B", "Nord", 1, "WEMWBS", 44, None),
        ("B", "Nord", 3, "WEMWBS", 38, None),  # skipped occasion 2
        ("C", "Syd", 1, "WEMWBS", 49, None),  # measured once
        ("A", "Nord", 2, "GAS", 1, "M1"),
        ("A", "Nord", 2, "GAS", 1, "M2"),
        ("A", "Nord", 2, "GAS", 1, "M3"),
        ("A", "Nord", 3, "GAS", 1, "M1"),
        ("A", "Nord", 3, "GAS", 0, "M2"),
        ("A", "Nord", 3, "GAS", -1, "M3"),
    ]
    cols = ["person_id", "group", "occasion", "instrument", "score", "goal"]
    return pd.DataFrame(rows, columns=cols)


def datasets(chart) -> list[pd.DataFrame]:
    """Every inline data set of a chart's Vega-Lite spec, as frames."""
    return [pd.DataFrame(rows) for rows in chart.to_dict()["datasets"].values()]


def dataset_with(chart, *columns: str) -> pd.DataFrame:
    found = [d for d in datasets(chart) if set(columns) <= set(d.columns)]
    assert len(found) == 1, [list(d.columns) for d in datasets(chart)]
    return found[0]


def total_rows(chart) -> int:
    return sum(len(d) for d in datasets(chart))


# ---------------------------------------------------------------------------------------------
# trajectories
# ---------------------------------------------------------------------------------------------


def test_trajectories_draw_each_person_and_the_mean_of_all(small):
    chart = fc.trajectories(small, "WEMWBS")
    persons, last = sorted(
        (d for d in datasets(chart) if "person_id" in d.columns), key=len, reverse=True
    )
    assert sorted(persons["person_id"].unique()) == ["A", "B", "C"]
    assert len(persons) == 6  # GAS goal rows are not scores on the WEMWBS axis
    # Three persons are few enough to be named at their last point: A 52 (occasion 3), B 38
    # (occasion 3), C 49 (measured once, at occasion 1).
    named = last.set_index("person_id")[["occasion", "score"]]
    assert named.to_dict("index") == {
        "A": {"occasion": 3, "score": 52},
        "B": {"occasion": 3, "score": 38},
        "C": {"occasion": 1, "score": 49},
    }
    means = dataset_with(chart, "mean", "n").set_index("occasion")
    # occasion 1: (40 + 44 + 49)/3 = 44.33 (n 3); 2: 44 (A only); 3: (52 + 38)/2 = 45 (n 2)
    assert means["mean"].tolist() == pytest.approx([133 / 3, 44.0, 45.0])
    assert means["n"].tolist() == [3, 1, 2]
    assert chart.to_dict()["config"]["locale"]["number"]["decimal"] == ","


def test_trajectories_pick_an_even_spread_of_persons_and_say_so(small):
    chart = fc.trajectories(small, "WEMWBS", max_persons=2)
    # Sorted ids A, B, C; two evenly spaced picks are the first and the last.
    shown = [d for d in datasets(chart) if "person_id" in d.columns]
    assert all(sorted(d.person_id.unique()) == ["A", "C"] for d in shown)
    # The mean still uses every person: occasion 1 mean over A, B and C.
    assert dataset_with(chart, "mean")["mean"].iloc[0] == pytest.approx(133 / 3)
    assert "Viser 2 af 3 borgere" in charts.to_svg(chart)


def test_trajectories_reject_unknown_instrument_and_gas_goal_levels(small):
    with pytest.raises(ValueError, match="no rows for instrument 'SDQ_TOTAL'"):
        fc.trajectories(small, "SDQ_TOTAL")
    with pytest.raises(ValueError, match="gas_tscores"):
        fc.trajectories(small, "GAS")


# ---------------------------------------------------------------------------------------------
# Jacobson plot
# ---------------------------------------------------------------------------------------------


def _rdas_classified() -> tuple[pd.DataFrame, ChangeCriteria]:
    # Revised Dyadic Adjustment Scale (higher is better): published cut-off 47.31 and reliable
    # change of 11.58 points (Anderson et al. 2014), i.e. S_diff = 11.58/1.96.
    crit = ChangeCriteria(s_diff=11.58 / 1.96, cutoff=47.31, direction="higher_is_better")
    changes = pd.DataFrame(
        {
            "instrument": "RDAS",
            "person_id": ["p1", "p2", "p3", "p4", "p5"],
            "n_occasions": [2, 2, 2, 2, 1],
            "first_score": [40.0, 40.0, 44.0, 50.0, 45.0],
            "latest_score": [52.0, 52.0, 50.0, 36.0, 45.0],
        }
    )
    return f.classify_changes(changes, {"RDAS": crit}), crit


def test_jacobson_counts_persons_per_point_and_draws_band_and_cutoff():
    classified, crit = _rdas_classified()
    chart = fc.jacobson_plot(classified, crit, "RDAS")
    points = dataset_with(chart, "first_score", "latest_score", "n")
    by_point = {(r.first_score, r.latest_score): (r.category, r.n) for r in points.itertuples()}
    # p1 and p2: +12 > 11.58 and 40 -> 52 crosses 47.31: recovered, one circle for two persons.
    # p3: +6 is not reliable; p4: -14 is reliable deterioration; p5 (measured once) has no point.
    assert by_point == {
        (40.0, 52.0): ("recovered", 2),
        (44.0, 50.0): ("unchanged", 1),
        (50.0, 36.0): ("deteriorated", 1),
    }
    band = dataset_with(chart, "y_low", "y_high")
    assert (band["y_high"] - band["x"]).tolist() == pytest.approx([11.58, 11.58])
    assert (band["x"] - band["y_low"]).tolist() == pytest.approx([11.58, 11.58])
    assert dataset_with(chart, "cutoff")["cutoff"].tolist() == [47.31]
    svg = charts.to_svg(chart)
    assert "Grænse 47,3" in svg  # Vega formats the cut-off with the da-DK locale
    assert "11,6 point" in svg and "11.6" not in svg
    assert "1 borgere med kun én måling er ikke med i figuren." in svg


# ---------------------------------------------------------------------------------------------
# change categories
# ---------------------------------------------------------------------------------------------


def test_change_categories_keep_persons_measured_once_and_label_in_danish():
    classified, _ = _rdas_classified()
    chart = fc.change_categories(f.category_counts(classified), "RDAS")
    bars = dataset_with(chart, "label", "n").set_index("category")
    assert bars["n"].to_dict() == {
        "recovered": 2,
        "improved": 0,
        "unchanged": 1,
        "deteriorated": 1,
        "missing": 1,
    }
    assert bars.loc["recovered", "label"] == "Klinisk betydende bedring"
    assert bars.loc["missing", "label"] == "Kun én måling"
    svg = charts.to_svg(chart)
    # Shares of the four persons measured twice: 2/4 and 1/4, with a decimal comma.
    assert "2 (50,0%)" in svg and "1 (25,0%)" in svg
    assert "50.0%" not in svg


def test_change_categories_by_group_draw_one_panel_per_group(small):
    crit = {"WEMWBS": ChangeCriteria(s_diff=2.0, cutoff=50, direction="higher_is_better")}
    classified = f.classify_changes(f.change_first_to_latest(small, by=["group"]), crit)
    counts = f.category_counts(classified, by=["instrument", "group"])
    chart = fc.change_categories(counts, "WEMWBS", by="group")
    bars = dataset_with(chart, "label", "group")
    # Nord: A 40 -> 52 (+6 S_diff, crosses 50) recovered; B 44 -> 38 deteriorated.
    # Syd: C measured once, so Syd shows only "Kun én måling" (empty categories have n 0).
    nord = bars[bars["group"] == "Nord"].set_index("category")["n"]
    assert nord[["recovered", "deteriorated"]].tolist() == [1, 1]
    assert "missing" not in nord.index  # nobody measured once in Nord: no empty bar for it
    syd = bars[bars["group"] == "Syd"].set_index("category")["n"]
    assert syd["missing"] == 1 and syd.drop("missing").sum() == 0
    assert "facet" in chart.to_dict()


def test_change_categories_without_by_add_the_groups_up():
    counts = pd.DataFrame(
        {
            "instrument": "WEMWBS",
            "group": ["Nord"] * 5 + ["Syd"] * 5,
            "category": [*CATEGORIES, None] * 2,
            "n": [1, 0, 1, 0, 2, 1, 0, 3, 0, 0],
        }
    )
    total = dataset_with(fc.change_categories(counts, "WEMWBS"), "label").set_index("category")
    # Both teams: recovered 1 + 1, unchanged 1 + 3 of 6 persons measured twice; 2 measured once.
    assert total["n"].to_dict() == {
        "recovered": 2,
        "improved": 0,
        "unchanged": 4,
        "deteriorated": 0,
        "missing": 2,
    }
    assert total.loc["recovered", "share"] == pytest.approx(2 / 6)
    assert total.loc["unchanged", "share"] == pytest.approx(4 / 6)
    assert pd.isna(total.loc["missing", "share"])


# ---------------------------------------------------------------------------------------------
# GAS and group trend
# ---------------------------------------------------------------------------------------------


def test_gas_tscores_summarise_each_occasion(small):
    chart = fc.gas_tscores(f.gas_over_time(small))
    summary = dataset_with(chart, "median", "q1", "q3").set_index("occasion")
    # Hand check (Kiresuk & Sherman): (+1, +1, +1) -> 50 + 30/sqrt(4.8) = 63.69; (+1, 0, -1) -> 50.
    assert summary.loc[2, "median"] == pytest.approx(50 + 30 / math.sqrt(4.8))
    assert summary.loc[3, ["low", "high", "n"]].tolist() == pytest.approx([50.0, 50.0, 1])


def test_gas_tscores_quartiles_by_group():
    gas = pd.DataFrame(
        {
            "person_id": list("abcdefgh"),
            "group": ["N"] * 4 + ["S"] * 4,
            "occasion": 2,
            "gas_t": [40.0, 50.0, 60.0, 70.0, 30.0, 30.0, 50.0, 50.0],
        }
    )
    chart = fc.gas_tscores(gas, by="group")
    summary = dataset_with(chart, "median").set_index("group")
    # N: linear quartiles of 40, 50, 60, 70 are 47.5, 55, 62.5; S: 30, 40, 50.
    assert summary.loc["N", ["q1", "median", "q3"]].tolist() == [47.5, 55.0, 62.5]
    assert summary.loc["S", ["q1", "median", "q3", "mean"]].tolist() == [30.0, 40.0, 50.0, 40.0]
    assert summary.loc["N", "x"] < 2 < summary.loc["S", "x"]  # side by side around occasion 2
    assert "50 = forventet" in charts.to_svg(chart)


def test_group_trend_labels_means_with_a_decimal_comma(small):
    chart = fc.group_trend(f.summary_by_occasion(small), "WEMWBS")
    rows = dataset_with(chart, "mean", "ci_low").set_index("occasion")
    assert rows["n"].tolist() == [3, 1, 2]  # attrition shows in the lower panel
    assert rows.loc[1, "mean"] == pytest.approx(133 / 3)
    svg = charts.to_svg(chart)
    assert "44,3" in svg and "44.3" not in svg
    assert "95 %-konfidensinterval" in svg


def test_group_trend_needs_an_instrument_when_several_are_present(small):
    two = pd.concat([small, small.assign(instrument="SDQ_TOTAL")])
    with pytest.raises(ValueError, match="several instruments"):
        fc.group_trend(f.summary_by_occasion(two))


# ---------------------------------------------------------------------------------------------
# A million input rows: the browser still gets a few thousand at most
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def million() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    persons, occasions = 250_000, 4
    base = rng.integers(20, 60, size=persons)
    score = np.clip(base[:, None] + rng.integers(-8, 12, size=(persons, occasions)), 14, 70)
    return pd.DataFrame(
        {
            "person_id": np.repeat(np.char.add("P", np.arange(persons).astype(str)), occasions),
            "group": np.repeat(rng.choice(["Nord", "Syd"], size=persons), occasions),
            "occasion": np.tile(np.arange(1, occasions + 1), persons),
            "instrument": "WEMWBS",
            "score": score.ravel().astype(float),
        }
    )


def test_large_input_is_reduced_before_it_reaches_the_chart(million):
    assert len(million) == 1_000_000
    traj = fc.trajectories(million, "WEMWBS", max_persons=40)
    assert total_rows(traj) <= 40 * 4 + 4
    few = fc.trajectories(million, "WEMWBS", max_persons=fc.FEW_PERSONS)
    assert total_rows(few) <= fc.FEW_PERSONS * (4 + 1) + 4  # lines, name labels, mean
    crit = f.criteria_from_baseline(million, "WEMWBS", 0.91, direction="higher_is_better")
    changes = f.change_first_to_latest(million, by=["group"])
    classified = f.classify_changes(changes, {"WEMWBS": crit})
    jac = fc.jacobson_plot(classified, crit, "WEMWBS", max_points=2500)
    points = dataset_with(jac, "first_score", "latest_score", "n")
    assert len(points) <= 2500
    assert points["n"].sum() == 250_000  # every person is in some circle
    assert total_rows(jac) <= 2500 + 10
    counts = f.category_counts(classified, by=["instrument", "group"])
    assert total_rows(fc.change_categories(counts, "WEMWBS", by="group")) <= 10
    trend = f.summary_by_occasion(million, by=["instrument", "group", "occasion"])
    assert total_rows(fc.group_trend(trend, "WEMWBS", by="group")) == 8
    gas = million.rename(columns={"score": "gas_t"})  # one "T-score" per person and occasion
    assert total_rows(fc.gas_tscores(gas, by="group")) == 1 + 8  # reference line + summaries


def test_jacobson_coarsens_the_grid_until_few_enough_points(million):
    crit = f.criteria_from_baseline(million, "WEMWBS", 0.91, direction="higher_is_better")
    classified = f.classify_changes(f.change_first_to_latest(million), {"WEMWBS": crit})
    exact = dataset_with(fc.jacobson_plot(classified, crit, "WEMWBS", max_points=5000), "n")
    assert len(exact) > 1000  # whole-number scores: one circle per distinct point
    coarse = dataset_with(fc.jacobson_plot(classified, crit, "WEMWBS", max_points=200), "n")
    assert len(coarse) <= 200
    assert coarse["n"].sum() == exact["n"].sum() == 250_000
