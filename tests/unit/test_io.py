import datetime as dt
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from vidensbasering import io as vio
from vidensbasering.i18n import t

DANISH = (
    "Borger;Dato;Redskab;Værdi;Bemærkning\r\n"
    "B001;03-02-2025;WEMWBS;41;første møde\r\n"
    "B001;04.05.2025;wemwbs;45;\r\n"
    "B002;2025-02-10;WEMWBS;38;boede på herberg\r\n"
    "B002;10/05/2025;WEMWBS;44,0;\r\n"
)


def _expected_danish(frame: pd.DataFrame) -> None:
    assert frame["person_id"].tolist() == ["B001", "B001", "B002", "B002"]
    assert frame["score"].tolist() == [41.0, 45.0, 38.0, 44.0]  # "44,0": a whole number
    assert frame["instrument"].tolist() == ["WEMWBS"] * 4  # canonical spelling
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-03",
        "2025-05-04",
        "2025-02-10",
        "2025-05-10",
    ]
    assert frame["occasion"].tolist() == [1, 2, 1, 2]  # derived from the dates
    assert frame.index.tolist() == [2, 3, 4, 5]  # Excel row numbers


def test_danish_semicolon_decimal_comma_windows_1252():
    data = DANISH.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really a cp1252 file: æ and ø are single bytes
    _expected_danish(vio.load_user_file(data, "eksport.csv"))


def test_utf8_with_bom_and_utf8_without():
    _expected_danish(vio.load_user_file(DANISH.encode("utf-8-sig")))
    _expected_danish(vio.load_user_file(DANISH.encode("utf-8")))


def test_comma_separated_with_decimal_point_and_quotes():
    text = (
        "person_id,occasion,instrument,score,note\n"
        'B001,1,Egen skala,41.5,"hej, med komma"\n'
        "B001,2,Egen skala,45,\n"
    )
    frame = vio.load_user_file(text.encode("utf-8"))
    assert frame["score"].tolist() == [41.5, 45.0]  # an instrument the course does not know
    assert frame["occasion"].tolist() == [1, 2]
    assert "note" not in frame.columns


def test_xlsx_built_with_openpyxl():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Borger-ID", "Måling", "Dato", "Instrument", "Score", "Team"])
    sheet.append(["B001", 1, dt.datetime(2025, 2, 3), "WEMWBS", 41, "Nord"])
    sheet.append(["B001", 2, dt.date(2025, 5, 4), "WEMWBS", 45.0, "Nord"])  # float cell
    sheet.append([None, None, None, None, None, None])  # an empty row: skipped, holds no data
    sheet.append(["B002", 1, "10-02-2025", "GAS", -1, "Syd"])
    buffer = io.BytesIO()
    book.save(buffer)
    frame = vio.load_user_file(buffer.getvalue(), "opfølgning.xlsx")
    assert frame["person_id"].tolist() == ["B001", "B001", "B002"]
    assert frame["occasion"].tolist() == [1, 2, 1]
    assert frame["score"].tolist() == [41.0, 45.0, -1.0]
    assert frame["group"].tolist() == ["Nord", "Nord", "Syd"]
    assert frame["date"].dt.strftime("%d-%m-%Y").tolist() == [
        "03-02-2025",
        "04-05-2025",
        "10-02-2025",
    ]
    assert frame.index.tolist() == [2, 3, 5]  # row numbers as in Excel


def test_broken_file_lists_every_problem_with_row_and_column():
    text = (
        "person;måling;instrument;score\n"  # row 1
        "B001;1;WEMWBS;40\n"  # row 2: fine
        "B001;2;WEMWBS;tolv\n"  # row 3: not a number
        ";1;WEMWBS;40\n"  # row 4: person missing
        "B002;0;WEMWBS;40\n"  # row 5: occasion 0
        "B002;2;WEMWBS;71\n"  # row 6: above WEMWBS' 70
        "B003;1;GAS;3\n"  # row 7: not a GAS level
        "B001;1;WEMWBS;41\n"  # row 8: duplicate of row 2
        "B004;en;WEMWBS;\n"  # row 9: occasion not a number and score empty
    )
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(text.encode("utf-8"))
    got = {(p.row, p.column, p.message) for p in caught.value.problems}
    assert got == {
        (3, "score", t("opfoelgning.not_a_number", value="tolv")),
        (4, "person", t("opfoelgning.empty")),
        (5, "måling", t("opfoelgning.not_an_occasion", value="0")),
        (
            6,
            "score",
            t("opfoelgning.out_of_range", value="71", instrument="WEMWBS", low=14, high=70),
        ),
        (7, "score", t("opfoelgning.gas_level", value="3")),
        (8, None, t("opfoelgning.duplicate", other=2)),
        (9, "måling", t("opfoelgning.not_an_occasion", value="en")),
        (9, "score", t("opfoelgning.empty")),
    }
    text_out = str(caught.value)
    assert "række 3, kolonne 'score': 'tolv' er ikke et tal." in text_out
    assert text_out.startswith(t("opfoelgning.problems_heading", n=8))


def test_summary_can_be_limited_for_display():
    rows = "".join(f"B{i};1;WEMWBS;x{i}\n" for i in range(30))
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(("person_id;occasion;instrument;score\n" + rows).encode())
    short = caught.value.summary(limit=5)
    assert len(caught.value.problems) == 30
    assert short.count("\n- ") == 5
    assert t("opfoelgning.problems_more", n=25) in short


def test_rows_with_wrong_number_of_fields_are_reported_not_dropped():
    text = "person_id;occasion;instrument;score\nB1;1;WEMWBS;40\nB1;2;WEMWBS;41;x\nB2;1\n"
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.read_table(text.encode())
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (3, t("opfoelgning.row_fields", found=5, expected=4)),
        (4, t("opfoelgning.row_fields", found=2, expected=4)),
    ]


@pytest.mark.parametrize(
    "cpr",
    [
        "010190-1234",
        "0101901234",
        "290200 1234",
        "311299-4321",
        "010190\u20131234",  # en dash, as word processors write it
        "010190\u20141234",  # em dash
        "010190 - 1234",  # spaced hyphen
        "010190/1234",
        "01.01.90-1234",  # dots in the date
    ],
)
def test_cpr_like_values_are_refused_once_without_echoing_them(cpr):
    text = f"person_id;occasion;instrument;score;note\nB001;1;WEMWBS;40;\n{cpr};1;WEMWBS;41;\n"
    text += f"B003;1;WEMWBS;42;ring til {cpr}\n"
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(text.encode("utf-8"))
    problems = caught.value.problems
    # One problem for the whole file, naming both cells (rows 3 and 4) but neither value.
    assert len(problems) == 1 and caught.value.has_cpr
    assert problems[0].code == vio.CPR_CODE
    where = "; ".join(
        t("opfoelgning.cpr_location", row=r, column=c)
        for r, c in ((3, "'person_id'"), (4, "'note'"))
    )
    assert problems[0].message == t("opfoelgning.cpr_cells", n=2, where=where)
    digits = re.sub(r"\D", "", cpr)
    rendered = str(caught.value) + repr(caught.value) + "".join(map(repr, problems))
    assert digits not in re.sub(r"\D", "", rendered)
    assert cpr[:6] not in rendered and cpr[-4:] not in rendered
    assert "pseudonym" in problems[0].message


def test_twenty_cpr_cells_are_reported_in_one_sentence():
    rows = "".join(f"B{i:03};1;WEMWBS;40;ring {i + 1:02}0190-1234\n" for i in range(20))
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(f"person_id;occasion;instrument;score;note\n{rows}".encode())
    problems = caught.value.problems
    assert len(problems) == 1
    text = caught.value.summary()
    assert text.count("pseudonymer") == 1  # the refusal and its advice are said once
    # The first ten cells are located (rows 2-11), then the count of the rest.
    assert t("opfoelgning.cpr_location", row=11, column="'note'") in text
    assert t("opfoelgning.cpr_location", row=12, column="'note'") not in text
    assert t("opfoelgning.cpr_more", n=10) in text
    assert "0190-1234" not in text


@pytest.mark.parametrize(
    "value",
    [
        "1.234.567",  # an amount with thousands points
        "12.345.678,90",
        "1.234.567.890",
        "01.01.1990",  # dates
        "1990-01-01",
        "01-01-1990 1234",
        "31/12/2024",
        "2024-01-15 10:30",
        "12 34 56 78",  # phone numbers
        "+45 12 34 56 78",
        "+4512345678",
        "1234 5678",
        "150000",
        "44,5",
    ],
)
def test_amounts_dates_and_phone_numbers_are_not_cpr_numbers(value):
    assert not vio.find_cpr_like(pd.Series([value])).any()


def test_cpr_check_needs_a_valid_date():
    cells = pd.Series(["3213901234", "0113901234", "300290-1234", "1234567890", "1204561234"])
    # day 32, month 13, 30 February and month 34 are no dates; 120456 is 12 April (a hit).
    assert vio.find_cpr_like(cells).tolist() == [False, False, False, False, True]
    assert not vio.find_cpr_like(pd.Series(["B0011234", "12045612345", "2025-02-03"])).any()
    # Excel drops the leading zero of a number cell: 0101901234 -> 101901234
    assert vio.find_cpr_like(pd.Series(["101901234"])).tolist() == [True]


def test_column_mapping_by_hand_and_its_errors():
    text = "Klient;Runde;Skema;Point\nK1;1;WEMWBS;40\n"
    raw = vio.read_table(text.encode())
    # "Skema" is not a recognised name: the participant maps it by hand.
    assert vio.suggest_mapping(raw.columns) == {
        "Klient": "person_id",
        "Runde": "occasion",
        "Point": "score",
    }
    mapping = {"Klient": "person_id", "Runde": "occasion", "Skema": "instrument", "Point": "score"}
    frame = vio.validate(vio.apply_mapping(raw, mapping))
    assert frame[["person_id", "occasion", "instrument", "score"]].iloc[0].tolist() == [
        "K1",
        1,
        "WEMWBS",
        40.0,
    ]
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.apply_mapping(raw, {"Klient": "person_id", "Runde": "person_id", "Nej": "score"})
    messages = [str(p) for p in caught.value.problems]
    assert any("'Runde'" in s and "'Klient'" in s for s in messages)
    assert any("'Nej'" in s for s in messages)


def test_missing_fields_are_named_in_danish():
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(b"navn;tal\nB1;4\n")
    messages = {p.message for p in caught.value.problems}
    assert t("opfoelgning.missing_time") in messages
    assert t("opfoelgning.missing_field", field="instrument") in messages
    assert t("opfoelgning.missing_field", field="score") in messages


def test_unreadable_files_get_a_clear_message():
    cases = {
        b"": "opfoelgning.file_empty",
        # Headers and no rows: refused, so an app keeps the data it already shows.
        b"person_id;occasion;instrument;score\r\n": "opfoelgning.file_header_only",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest": "opfoelgning.file_xls",
        b"PK\x03\x04not really a zip": "opfoelgning.file_xlsx",
    }
    for data, key in cases.items():
        with pytest.raises(vio.FileProblemsError) as caught:
            vio.read_table(data)
        assert caught.value.problems[0].message == t(key)
        # One problem: "Ret dette problem", not "Ret disse 1 problemer".
        assert caught.value.summary().startswith(t("opfoelgning.problems_heading_one"))


def test_gas_weights_blank_means_one_and_bad_weight_is_reported():
    text = (
        "person_id;occasion;instrument;goal;weight;score\n"
        "B1;2;GAS;M1;;1\n"
        "B1;2;GAS;M2;2,5;0\n"
        "B1;2;GAS;M3;-1;0\n"
        "B1;2;WEMWBS;;;40\n"
    )
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(text.encode())
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "weight")]
    ok = vio.load_user_file(text.replace("-1;0", "1;0").encode())
    np.testing.assert_array_equal(ok["weight"].to_numpy()[:3], [1.0, 2.5, 1.0])


def test_signed_numbers_and_typographic_minus():
    text = "person_id;occasion;instrument;goal;score\nB1;2;GAS;M1;+1\nB1;2;GAS;M2;\u22122\n"
    frame = vio.load_user_file(text.encode("utf-8"))
    assert frame["score"].tolist() == [1.0, -2.0]


def test_validate_accepts_a_frame_built_in_code():
    frame = pd.DataFrame(
        {
            "person_id": ["A", "A"],
            "occasion": ["1", "1"],
            "instrument": ["X", "X"],
            "score": ["1", "2"],
        }
    )
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.validate(frame)  # a plain RangeIndex: the duplicate still names the other row
    assert caught.value.problems == [vio.Problem(1, None, t("opfoelgning.duplicate", other=0))]


def test_tab_separated_utf16_as_saved_by_excel_unicode_text():
    text = "person_id\toccasion\tinstrument\tscore\r\nB1\t1\tWEMWBS\t40\r\n"
    frame = vio.load_user_file(text.encode("utf-16"))  # BOM + UTF-16-LE
    assert frame["score"].tolist() == [40.0]


@pytest.mark.parametrize(
    ("instrument", "score", "key"),
    [
        ("WEMWBS", "41,5", "opfoelgning.not_whole"),
        ("SDQ_TOTAL", "12.5", "opfoelgning.not_whole"),
        ("SDQ_TOTAL", "1.234", "opfoelgning.thousands_point"),  # 1234 with a thousands point
        ("WEMWBS", "44.000", "opfoelgning.thousands_point"),  # would silently read as 44
    ],
)
def test_a_whole_number_scale_refuses_decimals_and_thousands_points(instrument, score, key):
    text = f"person_id;occasion;instrument;score\nB1;1;{instrument};20\nB1;2;{instrument};{score}\n"
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.load_user_file(text.encode())
    low, high = (14, 70) if instrument == "WEMWBS" else (0, 40)
    message = t(key, value=score, instrument=instrument, low=low, high=high)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [(3, "score", message)]


def test_a_whole_number_written_with_a_decimal_comma_is_accepted():
    text = "person_id;occasion;instrument;score\nB1;1;WEMWBS;40,0\nB1;2;Egen skala;6,5\n"
    assert vio.load_user_file(text.encode())["score"].tolist() == [40.0, 6.5]


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REPORT_ROWS = [
    ["Rapport: Trivselsmålinger, Bostøtten"],  # row 1: title
    ["Udtrukket 01-12-2026", None, None, "Afdeling Nord"],  # row 2: date and department
    [],  # row 3: empty
    ["Borger", "Måling", "Instrument", "Score"],  # row 4: the header
    ["B001", 1, "WEMWBS", 40],
    ["B001", 2, "WEMWBS", 45],
    ["B002", 1, "WEMWBS", 38],
]


def test_title_rows_above_the_header_are_skipped_and_said():
    raw = vio.read_table(_workbook(REPORT_ROWS), "rapport.xlsx")
    assert raw.columns.tolist() == ["Borger", "Måling", "Instrument", "Score"]
    assert raw.index.tolist() == [5, 6, 7]  # Excel's row numbers are kept
    assert raw.attrs["header_row"] == 4
    assert raw.attrs["notes"] == [t("opfoelgning.title_rows_skipped", first=1, last=3, header=4)]
    table = vio.load_user_file(_workbook(REPORT_ROWS), "rapport.xlsx")
    assert table["score"].tolist() == [40.0, 45.0, 38.0]


def test_the_same_report_as_csv_and_the_header_row_chosen_by_hand():
    text = "Rapport: Trivsel;;;\r\nBorger;Måling;Instrument;Score\r\nB1;1;WEMWBS;40\r\n"
    raw = vio.read_table(text.encode("cp1252"))
    assert raw.attrs["notes"] == [t("opfoelgning.title_row_skipped", first=1, last=1, header=2)]
    assert raw.columns.tolist() == ["Borger", "Måling", "Instrument", "Score"]
    by_hand = vio.read_table(_workbook(REPORT_ROWS), "rapport.xlsx", header_row=4)
    assert by_hand.columns.tolist() == ["Borger", "Måling", "Instrument", "Score"]
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.read_table(_workbook(REPORT_ROWS), "rapport.xlsx", header_row=3)  # the empty row
    assert caught.value.problems[0].message == t("opfoelgning.header_row_missing", row=3)


def test_a_plain_file_has_no_notes_and_a_long_row_is_still_reported():
    raw = vio.read_table(b"person_id;occasion;instrument;score\nB1;1;WEMWBS;40\n")
    assert raw.attrs["notes"] == [] and raw.attrs["header_row"] == 1
    # A data row wider than the header is not taken for the header (most rows are 4 wide).
    text = "person_id;occasion;instrument;score\nB1;1;WEMWBS;40;x\nB1;2;WEMWBS;41\nB2;1;WEMWBS;39\n"
    with pytest.raises(vio.FileProblemsError) as caught:
        vio.read_table(text.encode())
    assert [p.row for p in caught.value.problems] == [2]
