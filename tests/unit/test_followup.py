import math

import numpy as np
import pandas as pd
import pytest

from vidensbasering import followup as f
from vidensbasering import io as vio
from vidensbasering.examples import load_followup_example, make_followup_data
from vidensbasering.measures import ChangeCriteria, cronbach_alpha


@pytest.fixture
def small() -> pd.DataFrame:
    rows = [
        # person, group, occasion, instrument, score, goal, weight
        ("A", "Nord", 1, "WEMWBS", 40, None, None),
        ("A", "Nord", 2, "WEMWBS", 44, None, None),
        ("A", "Nord", 3, "WEMWBS", 52, None, None),
        ("B", "Nord", 1, "WEMWBS", 44, None, None),
        ("B", "Nord", 3, "WEMWBS", 36, None, None),  # skipped occasion 2
        ("C", "Syd", 1, "WEMWBS", 48, None, None),  # measured once: kept, no change
        ("A", "Nord", 2, "GAS", 1, "M1", 1),
        ("A", "Nord", 2, "GAS", 1, "M2", 1),
        ("A", "Nord", 2, "GAS", 1, "M3", 1),
        ("A", "Nord", 3, "GAS", 1, "M1", 1),
        ("A", "Nord", 3, "GAS", 0, "M2", 1),
        ("A", "Nord", 3, "GAS", -1, "M3", 1),
    ]
    cols = ["person_id", "group", "occasion", "instrument", "score", "goal", "weight"]
    return pd.DataFrame(rows, columns=cols)


def test_change_first_to_latest_keeps_persons_measured_once(small):
    ch = f.change_first_to_latest(small, by=["group"]).set_index("person_id")
    assert ch.loc["A", ["first_score", "latest_score", "change", "n_occasions"]].tolist() == [
        40,
        52,
        12,
        3,
    ]
    assert ch.loc["B", "change"] == -8
    assert (ch.loc["B", "first_occasion"], ch.loc["B", "latest_occasion"]) == (1, 3)
    assert ch.loc["C", "n_occasions"] == 1
    assert np.isnan(ch.loc["C", "change"])
    assert set(ch["instrument"]) == {"WEMWBS"}  # GAS goal rows are not scores to subtract


def test_change_rejects_two_scores_at_one_occasion(small):
    doubled = pd.concat([small, small.iloc[[0]]])
    with pytest.raises(ValueError, match="same occasion"):
        f.change_first_to_latest(doubled)


def test_classify_changes_and_category_counts(small):
    # S_diff 4 -> reliable beyond 1.96*4 = 7.84 points; cut-off 50 (higher is better).
    crit = {"WEMWBS": ChangeCriteria(s_diff=4.0, cutoff=50, direction="higher_is_better")}
    cl = f.classify_changes(f.change_first_to_latest(small), crit).set_index("person_id")
    assert cl.loc["A", "rc"] == pytest.approx(3.0)  # 12/4
    assert cl.loc["A", "category"] == "recovered"  # 40 -> 52 crosses 50
    assert cl.loc["B", "category"] == "deteriorated"  # -8/4 = -2 < -1.96
    assert pd.isna(cl.loc["C", "category"])
    counts = f.category_counts(cl.reset_index())
    assert counts["n"].sum() == 3  # C counted under <NA>, not dropped
    assert counts.loc[counts["category"].isna(), "n"].item() == 1
    counts = counts.dropna(subset=["category"]).set_index("category")
    assert counts.loc["recovered", "n"] == 1
    assert counts.loc["deteriorated", "n"] == 1
    assert counts.loc["improved", "n"] == 0
    assert counts.loc["recovered", "share"] == pytest.approx(0.5)  # of the 2 with a category


def test_criteria_from_baseline_uses_baseline_sd_and_criterion_a(small):
    # Baseline scores 40, 44, 48: mean 44, SD 4. S_diff = sqrt(2)*4*sqrt(1-0.91) = 1.6971;
    # criterion a = 44 + 2*4 = 52.
    crit = f.criteria_from_baseline(small, "WEMWBS", 0.91, direction="higher_is_better")
    assert crit.s_diff == pytest.approx(math.sqrt(2) * 4 * 0.3)
    assert crit.cutoff == pytest.approx(52.0)


def test_gas_over_time_by_hand(small):
    g = f.gas_over_time(small).set_index(["person_id", "occasion"])
    assert g.loc[("A", 2), "gas_t"] == pytest.approx(63.69, abs=0.005)  # (+1, +1, +1)
    assert g.loc[("A", 3), "gas_t"] == pytest.approx(50.0)  # (+1, 0, -1)
    assert g.loc[("A", 2), "n_goals"] == 3


def test_summary_by_occasion_by_hand(small):
    s = f.summary_by_occasion(small).set_index(["instrument", "occasion"])
    row = s.loc[("WEMWBS", 1)]
    # 40, 44, 48: mean 44, sd 4, se 4/sqrt(3); t(0.975, 2) = 4.302653
    assert row["n"] == 3
    assert row["mean"] == pytest.approx(44.0)
    assert row["sd"] == pytest.approx(4.0)
    assert row["ci_low"] == pytest.approx(44 - 4.302653 * 4 / math.sqrt(3), abs=1e-5)
    assert row["ci_high"] == pytest.approx(44 + 4.302653 * 4 / math.sqrt(3), abs=1e-5)
    one = s.loc[("WEMWBS", 2)]  # a single score: no SD, no interval
    assert one["n"] == 1
    assert np.isnan(one["sd"])
    assert np.isnan(one["ci_low"])
    assert "GAS" not in s.index.get_level_values("instrument")
    with pytest.raises(ValueError, match="confidence"):
        f.summary_by_occasion(small, confidence=1.0)


def test_summary_by_occasion_without_instrument_key_never_mixes_instruments(small):
    # Grouping by occasion only: GAS goal levels (-1..+1 here) are not scores and must not be
    # averaged with the WEMWBS totals. Occasion 2 has A's WEMWBS 44 and three GAS levels +1; the
    # mean was (44 + 1 + 1 + 1)/4 = 11.75 before this was fixed.
    s = f.summary_by_occasion(small, by=["occasion"]).set_index("occasion")
    assert s.loc[2, "n"] == 1
    assert s.loc[2, "mean"] == pytest.approx(44.0)
    # Two score instruments without "instrument" in ``by`` cannot be summarised together.
    two = pd.concat([small, small.assign(instrument="SDQ_TOTAL")])
    with pytest.raises(ValueError, match="several instruments"):
        f.summary_by_occasion(two, by=["occasion"])


def test_with_occasion_ranks_dates_per_person():
    df = pd.DataFrame(
        {
            "person_id": ["A", "A", "A", "B"],
            "date": pd.to_datetime(["2025-03-01", "2025-01-01", "2025-03-01", "2025-06-01"]),
            "instrument": ["WEMWBS", "WEMWBS", "GAS", "WEMWBS"],
        }
    )
    assert f.with_occasion(df)["occasion"].tolist() == [2, 1, 2, 1]


# --- the shipped example ---------------------------------------------------------------------


def test_shipped_example_equals_the_seeded_generator():
    shipped = make_followup_data.OUTPUT.read_text(encoding="utf-8")
    assert shipped == make_followup_data.to_csv_text(make_followup_data.generate())


def test_example_is_plausible_against_published_wemwbs_figures():
    frame = make_followup_data.generate(return_items=True)
    # Tennant et al. (2007): alpha 0.89 (students) and 0.91 (population)
    assert 0.88 <= cronbach_alpha(frame.attrs["baseline_items"]) <= 0.92
    wem = frame[frame["instrument"] == "WEMWBS"]
    assert wem["score"].between(14, 70).all()
    assert wem["person_id"].nunique() == 120
    assert set(wem["occasion"]) == {1, 2, 3, 4}
    gas = frame[frame["instrument"] == "GAS"]
    assert gas["score"].between(-2, 2).all()
    assert set(gas["occasion"]) == {2, 3, 4}


def test_example_loads_typed_and_passes_the_upload_validator():
    example = load_followup_example()
    assert len(example) == 1460
    assert example["date"].dtype.kind == "M"
    checked = vio.load_user_file(make_followup_data.OUTPUT.read_bytes(), "opfoelgning.csv")
    assert len(checked) == len(example)
    np.testing.assert_array_equal(checked["score"].to_numpy(), example["score"].to_numpy())


def test_example_follow_up_pipeline_runs_end_to_end():
    example = load_followup_example()
    crit = f.criteria_from_baseline(example, "WEMWBS", 0.89, direction="higher_is_better")
    cl = f.classify_changes(f.change_first_to_latest(example, by=["group"]), {"WEMWBS": crit})
    assert len(cl) == 120  # every citizen, also those who left early
    assert cl["category"].notna().sum() == (cl["n_occasions"] > 1).sum()
    gas = f.gas_over_time(example)
    assert gas["gas_t"].between(20, 80).all()


def test_persons_without_a_group_are_kept_not_dropped(small):
    small.loc[small["person_id"] == "C", "group"] = None
    ch = f.change_first_to_latest(small, by=["group"])
    assert sorted(ch["person_id"]) == ["A", "B", "C"]
    s = f.summary_by_occasion(small, by=["instrument", "group", "occasion"])
    assert s["n"].sum() == (small["instrument"] == "WEMWBS").sum()


def test_change_reports_first_and_latest_dates_when_given(small):
    small["date"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(small["occasion"] * 90, unit="D")
    ch = f.change_first_to_latest(small).set_index("person_id")
    assert ch.loc["B", "first_date"] == pd.Timestamp("2025-04-01")
    assert ch.loc["B", "latest_date"] == pd.Timestamp("2025-09-28")


def test_group_must_be_constant_per_person(small):
    small.loc[1, "group"] = "Syd"  # person A moves team between occasions
    with pytest.raises(ValueError, match="constant per person"):
        f.change_first_to_latest(small, by=["group"])
    assert len(f.change_first_to_latest(small)) == 3  # without the group key it is fine


def test_domain_modules_import_no_widget_or_notebook_machinery():
    import subprocess
    import sys

    code = (
        "import sys, vidensbasering.measures, vidensbasering.followup, vidensbasering.io, "
        "vidensbasering.examples; "
        "bad = [m for m in ('ipywidgets', 'nbgrader', 'IPython', 'voila', 'altair') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.fixture
def team_meeting() -> pd.DataFrame:
    # Baseline 40, 44, 48, 44, 44: mean 44, SD √(32/4) = 2√2. With r = 0.75:
    # S_diff = √2 · 2√2 · √0.25 = 2.0, so reliable change is beyond 1.96 · 2 = 3.92 points.
    rows = [
        ("A", "Nord", 1, 40),
        ("A", "Nord", 2, 42),
        ("A", "Nord", 3, 46),  # +6: RC +3
        ("B", "Nord", 1, 44),
        ("B", "Nord", 3, 40),  # -4: RC -2
        ("C", "Syd", 1, 48),
        ("C", "Syd", 3, 50),  # +2: RC +1
        ("C", "Syd", 4, 60),  # after occasion 3: ignored when the team looks at occasion 3
        ("D", "Syd", 1, 44),
        ("D", "Syd", 2, 38),  # -6: RC -3, then gone
        ("E", "Syd", 1, 44),  # measured once
    ]
    frame = pd.DataFrame(rows, columns=["person_id", "group", "occasion", "score"])
    frame["instrument"] = "WEMWBS"
    return frame


def _reasons(table: pd.DataFrame) -> dict[str, list[str]]:
    return {
        str(reason): sorted(part["person_id"])
        for reason, part in table.groupby("reason", observed=True)
    }


def test_cases_to_discuss_by_hand(team_meeting):
    out = f.cases_to_discuss(
        team_meeting, "WEMWBS", reliability=0.75, direction="højere er bedre", occasion=3
    )
    assert _reasons(out) == {
        "Pålidelig forværring": ["B", "D"],
        "Ingen pålidelig ændring ved opfølgningen": ["C"],
        "Faldet fra før opfølgningen": ["D", "E"],
    }
    c = out.set_index("person_id").loc["C"]
    assert (c["first_score"], c["latest_score"], c["latest_occasion"]) == (48, 50, 3)
    assert c["rc"] == pytest.approx(1.0)
    assert list(out.columns) == [
        "person_id",
        "reason",
        "first_score",
        "latest_score",
        "latest_occasion",
        "rc",
    ]
    assert list(out["reason"].cat.categories) == [
        "Pålidelig forværring",
        "Ingen pålidelig ændring ved opfølgningen",
        "Faldet fra før opfølgningen",
    ]
    assert out["reason"].is_monotonic_increasing


def test_cases_to_discuss_depends_on_direction_and_occasion(team_meeting):
    worse = f.cases_to_discuss(
        team_meeting, "WEMWBS", reliability=0.75, direction="higher_is_worse", occasion=3
    )
    # Higher is worse: A's +6 is the reliable deterioration; B's and D's falls are improvements.
    assert _reasons(worse)["Pålidelig forværring"] == ["A"]
    year = f.cases_to_discuss(
        team_meeting,
        "WEMWBS",
        reliability=0.75,
        direction="Højere score er bedre",
        occasion=4,
        by=["group"],
    )
    # At occasion 4 only C is measured (+12: RC 6, reliable improvement); everyone else is gone.
    assert _reasons(year) == {
        "Pålidelig forværring": ["B", "D"],
        "Faldet fra før opfølgningen": ["A", "B", "D", "E"],
    }
    assert list(year["group"][year["person_id"] == "E"]) == ["Syd"]


def test_cases_to_discuss_explains_mistakes_in_danish(team_meeting):
    kwargs = {"reliability": 0.75, "occasion": 3}
    with pytest.raises(ValueError, match="højere er bedre"):
        f.cases_to_discuss(team_meeting, "WEMWBS", direction="op", **kwargs)
    with pytest.raises(ValueError, match=r"findes ikke.*WEMWBS"):
        f.cases_to_discuss(team_meeting, "SDQ", direction="højere er bedre", **kwargs)
    for reliability in (89, 1.0, "0,89"):  # in percent, perfect, a Danish decimal comma
        with pytest.raises(ValueError, match=r"fra 0 til under 1 \(fx reliability=0.89"):
            f.cases_to_discuss(
                team_meeting,
                "WEMWBS",
                reliability=reliability,
                direction="højere er bedre",
                occasion=3,
            )
    for occasion in (1, 5):
        with pytest.raises(ValueError, match="Vælg et af: 2, 3, 4"):
            f.cases_to_discuss(
                team_meeting,
                "WEMWBS",
                reliability=0.75,
                direction="højere er bedre",
                occasion=occasion,
            )


def test_cases_to_discuss_in_the_example_counts_persons_not_rows():
    df = load_followup_example()
    out = f.cases_to_discuss(
        df, "WEMWBS", reliability=0.89, direction="højere er bedre", occasion=4
    )
    counts = out["reason"].value_counts(sort=False).tolist()
    # 120 started, 98 measured at 12 months: 22 dropped out (lesson 04, section 8).
    assert counts[2] == 22
    assert out.groupby("reason", observed=True)["person_id"].nunique().tolist() == counts
