"""The widgets of "Følg systematisk op", driven without a browser.

The pipeline they call (upload, mapping, analysis, table, CSV) is tested with hand-computed
values in test_followup_report.py; here the widgets must show what it returns.
"""

from __future__ import annotations

import base64
import datetime as dt
import io

import pandas as pd
import pytest

from vidensbasering import io as user_io
from vidensbasering.apps import opfoelgning as app
from vidensbasering.i18n import t
from vidensbasering.io import FileProblemsError


def test_data_uri():
    uri = app.data_uri(b"\x89PNG...", "image/png")
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == b"\x89PNG..."


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
    # Only the columns need choosing: the message points at the dropdowns, not at the file.
    assert "vælg kolonnerne i listerne lige nedenfor" in dashboard.messages.value
    assert "Ret disse" not in dashboard.messages.value
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
    assert dashboard._upload is None and dashboard.mapping_box.layout.display == "none"
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


def test_reliability_is_typed_the_danish_way_and_refused_out_of_range(dashboard):
    # Hand table: WEMWBS first scores 40, 44, 36, 48, so s₁² = 80/3. With α = 0.85,
    # S_diff = √2·√(80/3 · 0.15) = √2·2 = 2.83 and the threshold 1.96·2.83 = 5.5 points.
    content = (
        "Borger;Måling;Instrument;Score\r\n"
        "A;1;WEMWBS;40\r\nA;2;WEMWBS;56\r\nB;1;WEMWBS;44\r\nB;2;WEMWBS;50\r\n"
        "C;1;WEMWBS;36\r\nC;2;WEMWBS;38\r\nD;1;WEMWBS;48\r\nD;2;WEMWBS;40\r\n"
    )
    dashboard.load_file(content.encode(), "haand.csv")
    assert dashboard.reliability.text == "0,89"  # WEMWBS's published α, shown Danish
    dashboard.reliability.receive({"event": "submit", "value": "0,85"})
    assert dashboard.reliability.value == 0.85
    assert "mindst 5,5 point (S_diff = 2,83 point" in dashboard.key_text.value
    # "85" is not clipped to 0,99: it is refused, and the threshold stays at 5,5 points.
    dashboard.reliability.receive({"event": "submit", "value": "85"})
    assert dashboard.reliability.error.startswith("Tallet skal være større end 0 og mindre end 1")
    assert dashboard.reliability.value == 0.85
    assert "mindst 5,5 point (S_diff = 2,83 point" in dashboard.key_text.value
    dashboard.use_example()
