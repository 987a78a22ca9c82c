"""The follow-up pipeline behind "Følg systematisk op": upload, mapping, analysis, table, CSV.

The small table below is worked by hand. WEMWBS first scores 40, 44, 36, 48: mean 42, SD
s₁ = √((4 + 4 + 36 + 36)/3) = √(80/3) ≈ 5.164. With α = 0.89, S_diff = √2·s₁·√0.11 ≈ 2.422 and
reliable change needs |change| > 1.96·S_diff ≈ 4.75 points; cut-off a = 42 + 2·s₁ ≈ 52.33.
A 40 → 56 is reliably better and crosses 52.33 (recovered), B 44 → 50 reliably better but below it
(improved), C 36 → 38 unchanged, D 48 → 40 reliably worse (deteriorated). GAS (Kiresuk & Sherman
1968, ρ = 0.3): E's three goals at +1 give 50 + 30/√4.8 ≈ 63.69; A's +1, 0, −1 give 50.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from vidensbasering import followup_report as fr
from vidensbasering import io as user_io
from vidensbasering.i18n import t
from vidensbasering.io import FileProblemsError

S1 = math.sqrt(80 / 3)
S_DIFF = math.sqrt(2) * S1 * math.sqrt(1 - 0.89)
CUTOFF = 42 + 2 * S1


@pytest.fixture
def table() -> pd.DataFrame:
    rows = [
        # person, group, occasion, instrument, score, goal
        ("A", "Nord", 1, "WEMWBS", 40, None),
        ("A", "Nord", 2, "WEMWBS", 56, None),
        ("B", "Nord", 1, "WEMWBS", 44, None),
        ("B", "Nord", 2, "WEMWBS", 50, None),
        ("C", "Syd", 1, "WEMWBS", 36, None),
        ("C", "Syd", 2, "WEMWBS", 38, None),
        ("D", "Syd", 1, "WEMWBS", 48, None),
        ("D", "Syd", 2, "WEMWBS", 40, None),
        ("A", "Nord", 2, "GAS", 1, "M1"),
        ("A", "Nord", 2, "GAS", 0, "M2"),
        ("A", "Nord", 2, "GAS", -1, "M3"),
        ("E", "Syd", 2, "GAS", 1, "M1"),
        ("E", "Syd", 2, "GAS", 1, "M2"),
        ("E", "Syd", 2, "GAS", 1, "M3"),
    ]
    cols = ["person_id", "group", "occasion", "instrument", "score", "goal"]
    df = pd.DataFrame(rows, columns=cols)
    df["score"] = df["score"].astype(float)
    return df


def test_analysis_classifies_by_hand_values(table):
    result = fr.analyse(table, "WEMWBS", None, 0.89, "higher_is_better")
    assert result.criteria.s_diff == pytest.approx(S_DIFF)
    assert result.criteria.cutoff == pytest.approx(CUTOFF)
    categories = result.classified.set_index("person_id")["category"].astype(str).to_dict()
    assert categories == {
        "A": "recovered",
        "B": "improved",
        "C": "unchanged",
        "D": "deteriorated",
    }
    assert result.by_group
    gas = result.gas.set_index("person_id")["gas_t"]
    assert gas["A"] == pytest.approx(50.0)
    assert gas["E"] == pytest.approx(50 + 30 / math.sqrt(4.8))


def test_one_group_keeps_the_criteria_of_all_citizens(table):
    result = fr.analyse(table, "WEMWBS", "Syd", 0.89, "higher_is_better")
    assert sorted(result.classified["person_id"]) == ["C", "D"]
    assert result.criteria.s_diff == pytest.approx(S_DIFF)  # not from C and D alone
    assert not result.by_group
    assert list(result.gas["person_id"]) == ["E"]


def test_direction_flips_improvement(table):
    # Read as a scale where lower is better, A's +16 is a reliable deterioration.
    result = fr.analyse(table, "WEMWBS", None, 0.89, "higher_is_worse")
    categories = result.classified.set_index("person_id")["category"].astype(str)
    assert categories["A"] == "deteriorated" and categories["D"] == "improved"


def test_key_figures_text(table):
    text = fr.key_figures(fr.analyse(table, "WEMWBS", None, 0.89, "higher_is_better"))
    assert text.startswith("4 borgere er målt med WEMWBS, og 4 af dem er målt mindst to gange.")
    assert "Pålidelig bedring: 2 borgere (50,0 %), heraf 1 med klinisk betydende bedring." in text
    assert text.endswith("Pålidelig forværring: 1 borgere (25,0 %).")


def test_criteria_text_is_danish(table):
    criteria = fr.analyse(table, "WEMWBS", None, 0.89, "higher_is_better").criteria
    text = fr.criteria_text(criteria, 0.89)
    assert "mindst 4,7 point (S_diff = 2,42 point" in text  # 1.96 · 2.422 = 4.748
    assert "reliabiliteten 0,89" in text and "er 52,3 point" in text


def test_too_few_baselines_give_no_criteria_and_a_message(table):
    one = table[table["person_id"].isin(["A", "E"])]
    result = fr.analyse(one, "WEMWBS", None, 0.89, "higher_is_better")
    assert result.criteria is None
    assert result.classified["category"].isna().all()
    built = fr.build_charts(result)
    assert built["jacobson"] == built["categories"] == t("opfoelgning.app_no_criteria")
    assert not isinstance(built["trajectories"], str)
    assert fr.key_figures(result) == ""


def test_charts_say_so_when_there_is_no_gas_or_no_scale(table):
    built = fr.build_charts(fr.analyse(table[table["instrument"] == "WEMWBS"], "WEMWBS", None,
                                         0.89, "higher_is_better"))  # fmt: skip
    assert built["gas"] == t("opfoelgning.app_no_gas")
    assert list(built) == list(fr.CHART_NAMES)
    gas_only = table[table["instrument"] == "GAS"]
    assert fr.measured_instruments(gas_only) == []
    built = fr.build_charts(fr.analyse(gas_only, None, None, 0.8, "higher_is_better"))
    assert built["trend"] == t("opfoelgning.app_no_instrument")
    assert not isinstance(built["gas"], str)


def test_build_charts_makes_only_the_charts_asked_for(table):
    result = fr.analyse(table, "WEMWBS", None, 0.89, "higher_is_better")
    built = fr.build_charts(result, person="B", names=("trajectories",))
    assert list(built) == ["trajectories"]
    data = [pd.DataFrame(d) for d in built["trajectories"].to_dict()["datasets"].values()]
    persons = {p for d in data if "person_id" in d.columns for p in d["person_id"]}
    assert persons == {"B"}


def test_scale_defaults():
    wemwbs = fr.scale_defaults("WEMWBS")
    assert (wemwbs.reliability, wemwbs.direction) == (0.89, "higher_is_better")
    assert fr.scale_defaults("SDQ_TOTAL").direction == "higher_is_worse"
    assert fr.scale_defaults("SDQ_EMOTIONAL").direction == "higher_is_worse"
    assert fr.scale_defaults("SDQ_PROSOCIAL").direction == "higher_is_better"
    own = fr.scale_defaults("Egen skala")
    assert own.reliability == fr.UNKNOWN_RELIABILITY
    assert own.note_key == "opfoelgning.app_reliability_unknown"


# ---------------------------------------------------------------------------------------------
# Summary table and downloads
# ---------------------------------------------------------------------------------------------


def test_summary_csv_opens_in_danish_excel_and_reads_back(table):
    table = table.assign(
        date=pd.Timestamp("2025-03-04") + pd.to_timedelta(table["occasion"] * 90, "D")
    )
    summary = fr.summary_table(fr.analyse(table, "WEMWBS", None, 0.89, "higher_is_better"))
    content = fr.excel_csv(summary)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    header, first = text.split("\r\n")[:2]
    assert header.split(";")[:3] == ["Borger", "Gruppe", "Instrument"]
    # A: 40 → 56, RC = 16 / 2.422 = 6.61; first date 4 March + 90 days = 2 June 2025.
    assert first.startswith("A;Nord;WEMWBS;2;1;2;02-06-2025;31-08-2025;40,0;56,0;16,0;6,61;")
    assert first.endswith(";Klinisk betydende bedring;50,0")
    back = pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back["Borger"]) == ["A", "B", "C", "D"]
    assert back["Ændring"].tolist() == [16.0, 6.0, 2.0, -8.0]
    assert back["RC (indeks for pålidelig ændring)"].iloc[3] == pytest.approx(
        -8 / S_DIFF, abs=0.005
    )
    assert back["GAS T-score (seneste)"].isna().tolist() == [False, True, True, True]


def test_summary_without_a_scale_lists_gas_citizens(table):
    gas_only = table[table["instrument"] == "GAS"]
    summary = fr.summary_table(fr.analyse(gas_only, None, None, 0.8, "higher_is_better"))
    assert summary.to_dict("list") == {"Borger": ["A", "E"], "GAS T-score (seneste)": [50.0, 63.7]}


# ---------------------------------------------------------------------------------------------
# Column mapping and messages
# ---------------------------------------------------------------------------------------------


def test_mapping_from_choices_and_a_column_chosen_twice():
    choices = {"person_id": "Kode", "date": "Dato", "instrument": None, "score": "Point"}
    assert fr.mapping_from_choices(choices) == {"Kode": "person_id", "Dato": "date",
                                                 "Point": "score"}  # fmt: skip
    with pytest.raises(FileProblemsError) as caught:
        fr.mapping_from_choices({"person_id": "Kode", "instrument": "Kode", "score": "Kode"})
    assert [str(p) for p in caught.value.problems] == [
        f"kolonne 'Kode': kolonnen er valgt til både person og {other}. Vælg én kolonne pr. felt."
        for other in ("instrument", "score")
    ]


def test_a_standard_column_not_chosen_is_not_used():
    raw = user_io.read_table(
        b"Kode;date;Dato;instrument;score\r\nP1;31-02-2025;01-02-2025;WEMWBS;40\r\n"
    )
    # The participant picked "Dato" for the date; the invalid "date" column must not be read.
    mapping = fr.mapping_from_choices(
        {"person_id": "Kode", "date": "Dato", "instrument": "instrument", "score": "score"}
    )
    tidy = user_io.validate(fr.mapped_table(raw, mapping))
    assert tidy["date"].tolist() == [pd.Timestamp("2025-02-01")]
    # Messages name the participant's own column.
    raw = user_io.read_table(b"Kode;Dato;Skema;Point\r\nP1;01-02-2025;WEMWBS;tolv\r\n")
    mapping = {"Kode": "person_id", "Dato": "date", "Skema": "instrument", "Point": "score"}
    with pytest.raises(FileProblemsError) as caught:
        user_io.validate(fr.mapped_table(raw, mapping))
    assert [str(p) for p in caught.value.problems] == [
        "række 2, kolonne 'Point': 'tolv' er ikke et tal."
    ]


def test_a_header_like_a_cpr_number_is_refused_without_echo():
    raw = user_io.read_table(b"person;010190-1234;score\r\nP1;a;2\r\n")
    problems = fr.header_problems(raw)
    assert len(problems) == 1 and problems[0].row == 1
    assert "010190" not in str(problems[0]) and "CPR" in str(problems[0])
    assert fr.header_problems(user_io.read_table(b"person;score\r\nP1;2\r\n")) == []


def test_file_stem_is_ascii(table):
    result = fr.analyse(table.replace({"Syd": "Søndre Å"}), "WEMWBS", "Søndre Å", 0.89,
                        "higher_is_better")  # fmt: skip
    assert fr.file_stem(result) == "opfoelgning-WEMWBS-Soendre_Aa"


# ---------------------------------------------------------------------------------------------
# The pipeline's steps: upload, column choice, one selection, images
# ---------------------------------------------------------------------------------------------

NEEDS_MAPPING = (
    "Kode;Måledato;Skema;Point\r\n"
    "P1;03-02-2025;WEMWBS;40\r\nP1;05-05-2025;WEMWBS;47\r\nP2;04-02-2025;WEMWBS;38\r\n"
).encode()


def test_an_upload_whose_columns_only_need_choosing_says_so():
    upload = fr.load_upload(NEEDS_MAPPING, "trivsel.csv")
    assert isinstance(upload, fr.Upload)
    assert upload.columns == ("Kode", "Måledato", "Skema", "Point")
    assert upload.suggested["date"] == "Måledato" and upload.suggested["score"] == "Point"
    assert upload.suggested["person_id"] is None
    problems = fr.use_columns(upload, upload.suggested)
    assert isinstance(problems, fr.Problems)
    assert problems.columns_only and problems.keep_file
    # Person and instrument have no column yet: two items, both fixed in the dropdowns.
    assert len(problems.problems) == 2
    heading = problems.heading()
    assert "Ret disse" not in heading and "indlæs den igen" not in heading
    assert "vælg kolonnerne i listerne lige nedenfor" in heading
    assert "»Brug disse kolonner«" in heading
    choices = {**upload.suggested, "person_id": "Kode", "instrument": "Skema"}
    table = fr.use_columns(upload, choices)
    assert isinstance(table, pd.DataFrame)
    assert table["score"].tolist() == [40.0, 47.0, 38.0]


def test_problems_in_the_file_itself_ask_for_a_new_file():
    upload = fr.load_upload(
        b"Borger;Dato;Instrument;Score\r\nB1;03-02-2025;WEMWBS;tolv\r\n", "x.csv"
    )
    problems = fr.use_columns(upload, upload.suggested)
    assert not problems.columns_only and problems.keep_file
    assert problems.heading() == t("opfoelgning.problems_heading_one")


def test_a_cpr_number_in_a_cell_means_the_file_is_not_kept():
    upload = fr.load_upload(b"Borger;Dato;Instrument\r\n150372-4821;03-02-2025;WEMWBS\r\n", "x.csv")
    problems = fr.use_columns(upload, upload.suggested)  # score missing too
    assert not problems.keep_file and not problems.columns_only
    assert all("4821" not in str(p) for p in problems.problems)


def test_an_unreadable_file_or_a_cpr_header_is_not_kept():
    assert fr.load_upload(b"", "tom.csv").keep_file is False
    header = fr.load_upload(b"person;010190-1234;score\r\nP1;a;2\r\n", "x.csv")
    assert isinstance(header, fr.Problems) and not header.keep_file


def test_report_of_one_selection_with_a_typed_reliability(table):
    # α = 0.85: s₁²·(1 − α) = (80/3)·0.15 = 4, so S_diff = √2·2 = 2.828 and the reliable change
    # threshold is 1.96·2.828 = 5.54 points: B's +6 still counts, C's +2 does not.
    result = fr.report(table, fr.Choices("WEMWBS", None, None, 0.85, "higher_is_better"))
    assert result.analysis.criteria.s_diff == pytest.approx(2 * math.sqrt(2))
    assert "mindst 5,5 point (S_diff = 2,83 point" in result.texts[1]
    assert "reliabiliteten 0,85" in result.texts[1]
    assert list(result.charts) == list(fr.CHART_NAMES)
    assert result.csv.filename == "opfoelgning-WEMWBS-alle.csv" and result.csv.mime == "text/csv"
    assert result.csv.data == fr.excel_csv(result.summary)
    only = fr.report(table, fr.Choices("WEMWBS", "Syd", "C"), names=("trajectories",))
    assert list(only.charts) == ["trajectories"] and only.stem == "opfoelgning-WEMWBS-Syd"


def test_persons_of_a_group(table):
    assert fr.persons_of(table, "WEMWBS", None) == ["A", "B", "C", "D"]
    assert fr.persons_of(table, "WEMWBS", "Syd") == ["C", "D"]
    assert fr.persons_of(table, "GAS", "Syd") == ["E"]


def test_chart_images_are_png_and_svg_named_after_the_selection(table):
    result = fr.report(table, fr.Choices("WEMWBS"), names=("categories", "gas"))
    shown = {**result.charts, "note": "Ingen figur"}
    images = fr.chart_images(shown, result.stem)
    assert [name for name, _, _ in images] == ["categories", "gas"]
    _, png, svg = images[0]
    assert png.filename == "opfoelgning-WEMWBS-alle-categories.png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.mime == "image/svg+xml" and svg.data.lstrip().startswith(b"<svg")
