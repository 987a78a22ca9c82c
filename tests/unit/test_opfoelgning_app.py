"""The logic behind the app "Følg systematisk op" (no browser): analysis, mapping, table, CSV.

The small table below is worked by hand. WEMWBS first scores 40, 44, 36, 48: mean 42, SD
s₁ = √((4 + 4 + 36 + 36)/3) = √(80/3) ≈ 5.164. With α = 0.89, S_diff = √2·s₁·√0.11 ≈ 2.422 and
reliable change needs |change| > 1.96·S_diff ≈ 4.75 points; cut-off a = 42 + 2·s₁ ≈ 52.33.
A 40 → 56 is reliably better and crosses 52.33 (recovered), B 44 → 50 reliably better but below it
(improved), C 36 → 38 unchanged, D 48 → 40 reliably worse (deteriorated). GAS (Kiresuk & Sherman
1968, ρ = 0.3): E's three goals at +1 give 50 + 30/√4.8 ≈ 63.69; A's +1, 0, −1 give 50.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math

import pandas as pd
import pytest

from vidensbasering import io as user_io
from vidensbasering.apps import opfoelgning as app
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
    result = app.analyse(table, "WEMWBS", None, 0.89, "higher_is_better")
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
    result = app.analyse(table, "WEMWBS", "Syd", 0.89, "higher_is_better")
    assert sorted(result.classified["person_id"]) == ["C", "D"]
    assert result.criteria.s_diff == pytest.approx(S_DIFF)  # not from C and D alone
    assert not result.by_group
    assert list(result.gas["person_id"]) == ["E"]


def test_direction_flips_improvement(table):
    # Read as a scale where lower is better, A's +16 is a reliable deterioration.
    result = app.analyse(table, "WEMWBS", None, 0.89, "higher_is_worse")
    categories = result.classified.set_index("person_id")["category"].astype(str)
    assert categories["A"] == "deteriorated" and categories["D"] == "improved"


def test_key_figures_text(table):
    text = app.key_figures(app.analyse(table, "WEMWBS", None, 0.89, "higher_is_better"))
    assert text.startswith("4 borgere er målt med WEMWBS, og 4 af dem er målt mindst to gange.")
    assert "Pålidelig bedring: 2 borgere (50,0 %), heraf 1 med klinisk betydende bedring." in text
    assert text.endswith("Pålidelig forværring: 1 borgere (25,0 %).")


def test_criteria_text_is_danish(table):
    criteria = app.analyse(table, "WEMWBS", None, 0.89, "higher_is_better").criteria
    text = app.criteria_text(criteria, 0.89)
    assert "mindst 4,7 point (S_diff = 2,42 point" in text  # 1.96 · 2.422 = 4.748
    assert "reliabiliteten 0,89" in text and "er 52,3 point" in text


def test_too_few_baselines_give_no_criteria_and_a_message(table):
    one = table[table["person_id"].isin(["A", "E"])]
    result = app.analyse(one, "WEMWBS", None, 0.89, "higher_is_better")
    assert result.criteria is None
    assert result.classified["category"].isna().all()
    built = app.build_charts(result)
    assert built["jacobson"] == built["categories"] == t("opfoelgning.app_no_criteria")
    assert not isinstance(built["trajectories"], str)
    assert app.key_figures(result) == ""


def test_charts_say_so_when_there_is_no_gas_or_no_scale(table):
    built = app.build_charts(app.analyse(table[table["instrument"] == "WEMWBS"], "WEMWBS", None,
                                         0.89, "higher_is_better"))  # fmt: skip
    assert built["gas"] == t("opfoelgning.app_no_gas")
    assert list(built) == list(app.CHART_NAMES)
    gas_only = table[table["instrument"] == "GAS"]
    assert app.measured_instruments(gas_only) == []
    built = app.build_charts(app.analyse(gas_only, None, None, 0.8, "higher_is_better"))
    assert built["trend"] == t("opfoelgning.app_no_instrument")
    assert not isinstance(built["gas"], str)


def test_build_charts_makes_only_the_charts_asked_for(table):
    result = app.analyse(table, "WEMWBS", None, 0.89, "higher_is_better")
    built = app.build_charts(result, person="B", names=("trajectories",))
    assert list(built) == ["trajectories"]
    data = [pd.DataFrame(d) for d in built["trajectories"].to_dict()["datasets"].values()]
    persons = {p for d in data if "person_id" in d.columns for p in d["person_id"]}
    assert persons == {"B"}


def test_scale_defaults():
    wemwbs = app.scale_defaults("WEMWBS")
    assert (wemwbs.reliability, wemwbs.direction) == (0.89, "higher_is_better")
    assert app.scale_defaults("SDQ_TOTAL").direction == "higher_is_worse"
    assert app.scale_defaults("SDQ_EMOTIONAL").direction == "higher_is_worse"
    assert app.scale_defaults("SDQ_PROSOCIAL").direction == "higher_is_better"
    own = app.scale_defaults("Egen skala")
    assert own.reliability == app.UNKNOWN_RELIABILITY
    assert own.note_key == "opfoelgning.app_reliability_unknown"


# ---------------------------------------------------------------------------------------------
# Summary table and downloads
# ---------------------------------------------------------------------------------------------


def test_summary_csv_opens_in_danish_excel_and_reads_back(table):
    table = table.assign(
        date=pd.Timestamp("2025-03-04") + pd.to_timedelta(table["occasion"] * 90, "D")
    )
    summary = app.summary_table(app.analyse(table, "WEMWBS", None, 0.89, "higher_is_better"))
    content = app.excel_csv(summary)
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
    summary = app.summary_table(app.analyse(gas_only, None, None, 0.8, "higher_is_better"))
    assert summary.to_dict("list") == {"Borger": ["A", "E"], "GAS T-score (seneste)": [50.0, 63.7]}


def test_data_uri_and_file_stem(table):
    uri = app.data_uri(b"\x89PNG...", "image/png")
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == b"\x89PNG..."
    result = app.analyse(table.replace({"Syd": "Søndre Å"}), "WEMWBS", "Søndre Å", 0.89,
                         "higher_is_better")  # fmt: skip
    assert app.file_stem(result) == "opfoelgning-WEMWBS-Soendre_Aa"


# ---------------------------------------------------------------------------------------------
# Column mapping and messages
# ---------------------------------------------------------------------------------------------


def test_mapping_from_choices_and_a_column_chosen_twice():
    choices = {"person_id": "Kode", "date": "Dato", "instrument": None, "score": "Point"}
    assert app.mapping_from_choices(choices) == {"Kode": "person_id", "Dato": "date",
                                                 "Point": "score"}  # fmt: skip
    with pytest.raises(FileProblemsError) as caught:
        app.mapping_from_choices({"person_id": "Kode", "instrument": "Kode", "score": "Kode"})
    assert [str(p) for p in caught.value.problems] == [
        f"kolonne 'Kode': kolonnen er valgt til både person og {other}. Vælg én kolonne pr. felt."
        for other in ("instrument", "score")
    ]


def test_a_standard_column_not_chosen_is_not_used():
    raw = user_io.read_table(
        b"Kode;date;Dato;instrument;score\r\nP1;31-02-2025;01-02-2025;WEMWBS;40\r\n"
    )
    # The participant picked "Dato" for the date; the invalid "date" column must not be read.
    mapping = app.mapping_from_choices(
        {"person_id": "Kode", "date": "Dato", "instrument": "instrument", "score": "score"}
    )
    tidy = user_io.validate(app.mapped_table(raw, mapping))
    assert tidy["date"].tolist() == [pd.Timestamp("2025-02-01")]
    # Messages name the participant's own column.
    raw = user_io.read_table(b"Kode;Dato;Skema;Point\r\nP1;01-02-2025;WEMWBS;tolv\r\n")
    mapping = {"Kode": "person_id", "Dato": "date", "Skema": "instrument", "Point": "score"}
    with pytest.raises(FileProblemsError) as caught:
        user_io.validate(app.mapped_table(raw, mapping))
    assert [str(p) for p in caught.value.problems] == [
        "række 2, kolonne 'Point': 'tolv' er ikke et tal."
    ]


def test_a_header_like_a_cpr_number_is_refused_without_echo():
    raw = user_io.read_table(b"person;010190-1234;score\r\nP1;a;2\r\n")
    problems = app.header_problems(raw)
    assert len(problems) == 1 and problems[0].row == 1
    assert "010190" not in str(problems[0]) and "CPR" in str(problems[0])
    assert app.header_problems(user_io.read_table(b"person;score\r\nP1;2\r\n")) == []


def test_problems_html_lists_everything_escaped():
    error = FileProblemsError(
        [user_io.Problem(row, "score", f"'<b>{row}</b>' er ikke et tal.") for row in range(2, 6)]
    )
    text = app.problems_html(error, limit=3, note="Appen viser stadig de gamle data.")
    assert text.count("<li>") == 3
    assert "&#x27;&lt;b&gt;2&lt;/b&gt;&#x27;" in text and "<b>2" not in text
    assert "Ret disse 4 problemer" in text and "… og 1 problemer mere." in text
    assert text.endswith("<p>Appen viser stadig de gamle data.</p></div>")


# ---------------------------------------------------------------------------------------------
# The widgets, driven without a browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard() -> app.OpfoelgningApp:
    return app.OpfoelgningApp()


def test_app_starts_on_the_example_and_follows_choices(dashboard):
    dashboard.use_example()
    assert dashboard.instrument.value == "WEMWBS"
    assert dashboard.reliability.value == 0.89
    assert "120 borgere" in dashboard.source.value
    assert 'download="opfoelgning-WEMWBS-alle.csv"' in dashboard.csv_link.value
    dashboard.group.value = "Team Nord"
    assert 'download="opfoelgning-WEMWBS-Team_Nord.csv"' in dashboard.csv_link.value
    assert set(dashboard._analysis.classified["group"]) == {"Team Nord"}
    dashboard.group.value = app.ALL


def test_app_reads_a_cp1252_file_after_the_participant_maps_columns(dashboard):
    content = "Kode;Måledato;Skema;Point;Hold\r\nP1;03-02-2025;WEMWBS;40,0;Højbo\r\n" \
              "P1;05-05-2025;WEMWBS;47;Højbo\r\nP2;04-02-2025;WEMWBS;38;Højbo\r\n"  # fmt: skip
    dashboard.load_file(content.encode("cp1252"), "trivsel.csv")
    assert "der er ingen kolonne med person" in dashboard.messages.value
    assert dashboard.mapping["date"].value == "Måledato"
    assert dashboard.mapping_box.layout.display == ""
    dashboard.mapping["person_id"].value = "Kode"
    dashboard.mapping["instrument"].value = "Skema"
    dashboard.use_mapping()
    assert dashboard.messages.value == f"<p>{t('opfoelgning.app_file_used')}</p>"
    assert dashboard.data["score"].tolist() == [40.0, 47.0, 38.0]
    assert dashboard.data["occasion"].tolist() == [1, 2, 1]
    assert dashboard.group.options[1:] == (("Højbo", "Højbo"),)


def test_app_forgets_a_file_with_a_cpr_number(dashboard):
    dashboard.use_example()
    cpr = "150372-4821"
    content = (
        "Borger;Dato;Instrument;Score\r\n"
        "B01;03-02-2025;WEMWBS;40\r\n"
        f"{cpr};05-05-2025;WEMWBS;44\r\n"
    )
    dashboard.load_file(content.encode(), "cpr.csv")
    assert "ligner CPR-numre" in dashboard.messages.value
    assert cpr not in dashboard.messages.value and "4821" not in dashboard.messages.value
    assert dashboard._raw is None and dashboard.mapping_box.layout.display == "none"
    assert "eksempeldata" in dashboard.source.value  # the example is still shown


def test_app_reads_an_excel_workbook(dashboard):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Borger", "Dato", "Instrument", "Score", "Gruppe"])
    sheet.append(["X1", dt.date(2025, 2, 3), "WEMWBS", 41, "Øst"])
    sheet.append(["X1", dt.date(2025, 5, 5), "WEMWBS", 52.0, "Øst"])  # a float cell
    buffer = io.BytesIO()
    book.save(buffer)
    dashboard.load_file(buffer.getvalue(), "trivsel.xlsx")
    assert dashboard.messages.value == f"<p>{t('opfoelgning.app_file_used')}</p>"
    assert dashboard.data["score"].tolist() == [41.0, 52.0]
    assert dashboard.data["date"].tolist() == [
        pd.Timestamp("2025-02-03"),
        pd.Timestamp("2025-05-05"),
    ]
    assert dashboard._analysis.classified["change"].tolist() == [11.0]  # 52 - 41


def test_a_citizen_in_two_groups_is_reported_with_rows(dashboard):
    content = (
        "Borger;Måling;Instrument;Score;Team\r\n"
        "Y1;1;WEMWBS;40;Nord\r\n"
        "Y1;2;WEMWBS;45;Syd\r\n"
        "Y2;1;WEMWBS;50;Syd\r\n"
    )
    dashboard.use_example()
    dashboard.load_file(content.encode(), "hold.csv")
    assert "kolonne &#x27;Team&#x27;: borgeren står i gruppen &#x27;Syd&#x27; her, men i " \
           "&#x27;Nord&#x27; i række 2." in dashboard.messages.value  # fmt: skip
    assert "række 3" in dashboard.messages.value
    assert "eksempeldata" in dashboard.source.value


def test_app_reads_a_report_with_title_rows_and_says_what_it_skipped(dashboard):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Rapport: trivsel i bostøtten"])  # title rows from a case-management system
    sheet.append(["Udtrukket 01-12-2026", None, "Team Øst"])
    sheet.append(["Borger", "Dato", "Instrument", "Score", "Gruppe"])
    sheet.append(["X1", dt.date(2025, 2, 3), "WEMWBS", 41, "Øst"])
    sheet.append(["X1", dt.date(2025, 5, 5), "WEMWBS", 52, "Øst"])
    buffer = io.BytesIO()
    book.save(buffer)
    dashboard.load_file(buffer.getvalue(), "rapport.xlsx")
    skipped = t("opfoelgning.title_rows_skipped", first=1, last=2, header=3)
    assert dashboard.messages.value == f"<p>{t('opfoelgning.app_file_used')}</p><p>{skipped}</p>"
    assert dashboard.data["score"].tolist() == [41.0, 52.0]
