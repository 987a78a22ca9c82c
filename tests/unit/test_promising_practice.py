import datetime as dt
import io
import json
import math

import pytest
from pydantic import ValidationError

from vidensbasering import promising_practice as pp

# An invented assessment of a housing-support service, used throughout.
# Ratings by element: 1:2 2:0 3:3 4:2 5:1 6:None 7:1 8:3 9:2 10:0 11:1
RATINGS = {1: 2, 2: 0, 3: 3, 4: 2, 5: 1, 6: None, 7: 1, 8: 3, 9: 2, 10: 0, 11: 1}


def _example() -> pp.Assessment:
    return pp.assess(
        RATINGS,
        service="Bostøtten i Nordby",
        team="Team Nord",
        date="2026-02-03",
        justifications={1: "Vi bygger på recovery | og FIT", 10: "Ingen fast måling"},
        evidence={1: "Metodebeskrivelse 2025"},
    )


def test_eleven_elements_in_four_groups_in_sfi_order():
    assert [e.number for e in pp.ELEMENTS] == list(range(1, 12))
    assert pp.element(1).name == "Teori og viden"
    assert pp.element(11).name == "Opfølgning"
    sizes = {g: sum(e.group is g for e in pp.ELEMENTS) for g in pp.Group}
    assert sizes == {
        pp.Group.KNOWLEDGE_BASE: 2,
        pp.Group.CONCEPT: 5,
        pp.Group.DISSEMINATION: 2,
        pp.Group.ADAPTATION: 2,
    }
    assert pp.element(10).group is pp.Group.ADAPTATION
    assert pp.SCALE == {0: "slet ikke", 1: "i lav grad", 2: "i nogen grad", 3: "i høj grad"}


def test_assess_fills_unrated_elements_and_keeps_texts():
    a = pp.assess({3: 2})
    assert len(a.ratings) == 11
    assert a.rating_of(3).rating == 2
    assert a.rating_of(1).rating is None
    b = _example()
    assert b.date == dt.date(2026, 2, 3)
    assert b.rating_of(1).justification == "Vi bygger på recovery | og FIT"
    assert b.label() == "Team Nord, 3.2.2026"


def test_json_round_trip_is_lossless():
    a = _example()
    text = a.to_json()
    assert "Bostøtten" in text  # Danish letters kept as they are
    assert pp.Assessment.from_json(text) == a
    assert pp.Assessment.from_json(text.encode("utf-8")) == a


def test_rate_returns_a_changed_copy():
    a = _example()
    b = pp.rate(a, 6, 2, evidence="Budget 2026")
    assert a.rating_of(6).rating is None
    assert b.rating_of(6).rating == 2 and b.rating_of(6).evidence == "Budget 2026"
    c = pp.rate(b, 1, 3)
    assert c.rating_of(1).justification == "Vi bygger på recovery | og FIT"  # kept


@pytest.mark.parametrize("bad", [-1, 4])
def test_rating_outside_the_scale_is_refused(bad):
    with pytest.raises(ValidationError):
        pp.assess({1: bad})


def test_bad_file_gets_danish_messages_naming_the_field():
    data = json.loads(_example().to_json())
    data["ratings"][2]["rating"] = 7
    data["date"] = "3. februar"
    with pytest.raises(pp.AssessmentFileError) as caught:
        pp.Assessment.from_json(json.dumps(data))
    messages = caught.value.messages
    assert any(
        'vurdering nr. 3, feltet "rating" (vurdering)' in m and "0 til 3" in m for m in messages
    )
    assert any('feltet "date" (Dato)' in m and "år-måned-dag" in m for m in messages)


def test_duplicate_element_foreign_file_and_not_json():
    data = json.loads(_example().to_json())
    data["ratings"].append({"element": 2, "rating": 1})
    with pytest.raises(pp.AssessmentFileError, match="element 2 er vurderet to gange"):
        pp.Assessment.from_json(json.dumps(data))
    with pytest.raises(pp.AssessmentFileError, match="ikke en vurdering af lovende praksis"):
        pp.Assessment.from_json('{"title": "Forandringsteori", "elements": []}')
    with pytest.raises(pp.AssessmentFileError, match="ikke gyldig JSON"):
        pp.Assessment.from_json(b"\x89PNG not json")
    with pytest.raises(pp.AssessmentFileError, match="største fil"):
        pp.Assessment.from_json(b" " * (pp.MAX_FILE_BYTES + 1))


def test_group_summary_by_hand():
    s = pp.group_summary(_example())
    assert list(s["group"]) == ["Vidensgrundlag", "Koncept", "Udbredelse", "Tilpasning"]
    assert list(s["elements"]) == [2, 5, 2, 2]
    # vidensgrundlag (2, 0) -> 1.0; koncept (3, 2, 1, 3, 2) -> 11/5 = 2.2;
    # udbredelse (1, unrated) -> 1.0 from one element; tilpasning (0, 1) -> 0.5
    assert list(s["n_rated"]) == [2, 5, 1, 2]
    assert s["mean"].tolist() == pytest.approx([1.0, 2.2, 1.0, 0.5])
    empty = pp.group_summary(pp.Assessment())
    assert empty["n_rated"].tolist() == [0, 0, 0, 0]
    assert all(math.isnan(v) for v in empty["mean"])


def test_weakest_elements_with_next_steps():
    weak = pp.weakest(_example())
    # Ratings 0: elements 2 and 10; then 1: elements 5, 7, 11 -> first is 5 (by number).
    assert [(w.element.number, w.rating) for w in weak] == [(2, 0), (10, 0), (5, 1)]
    ten = weak[1]
    assert [b[0] for b in ten.booklets] == [5]
    assert ten.booklets[0][1] == "Valg af dokumentationsredskab"
    assert "hæfte 5" in pp.next_steps_text(ten)
    assert "håndbogen" in pp.next_steps_text(weak[2])  # element 5: no booklet found
    assert pp.weakest(_example(), k=10, below=1) == weak[:2]
    assert pp.weakest(pp.Assessment()) == []


def test_compare_difference_per_element():
    before = _example()
    after = pp.rate(pp.rate(before, 10, 2), 6, 1)
    c = pp.compare(after, before)
    row10 = c.set_index("element").loc[10]
    assert (row10["first"], row10["second"], row10["difference"]) == (2.0, 0.0, -2.0)
    assert math.isnan(c.set_index("element").loc[6, "difference"])  # unrated before
    assert (c.drop(index=[5, 9])["difference"] == 0).all()  # others unchanged


def test_markdown_summary_uses_decimal_comma_and_says_the_scale_is_the_courses():
    md = pp.to_markdown(_example(), other=pp.rate(_example(), 10, 2))
    assert "| Koncept | 5 | 5 | 2,2 |" in md
    assert "| Tilpasning | 2 | 2 | 0,5 |" in md
    assert "kursets egen" in md
    assert "recovery \\| og FIT" in md  # a pipe cannot break the table
    assert "| 10 | Monitorering | 0 | 2 | +2 |" in md
    assert "- 2. Virkning (0 – slet ikke):" in md


def test_excel_summary():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(pp.to_excel(_example(), other=pp.Assessment(team="B"))))
    assert book.sheetnames == ["Vurdering", "Grupper", "Sammenligning"]
    groups = book["Grupper"]
    assert [c.value for c in groups[3]] == ["Koncept", 5, 5, 2.2]
    rows = list(book["Vurdering"].iter_rows(min_row=7, values_only=True))
    assert rows[0][:5] == (1, "Teori og viden", "Vidensgrundlag", 2, "i nogen grad")
    assert rows[5][3] is None and rows[5][4] == "ikke vurderet"


def test_format_number_is_danish():
    assert pp.format_number(2.25, 2) == "2,25"
    assert pp.format_number(12345.6) == "12.345,6"
    assert pp.format_number(math.nan) == "–"
    assert pp.format_signed(-1.0) == "−1"


def test_chart_rows_make_equal_labels_unique():
    rows = pp.chart_rows([pp.Assessment(team="A"), pp.Assessment(team="A")])
    assert len(rows) == 22
    assert {r["assessment"] for r in rows} == {"A", "A (2)"}
