"""The app "Lovende praksis" driven through the messages its fields get from the browser."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from vidensbasering import promising_practice as pp
from vidensbasering.apps import lovende_praksis as app


def _choose(field, value: object) -> None:
    """Choose an option (the browser sets the widget's value)."""
    field.value = value


def test_importing_the_app_loads_no_image_or_excel_export() -> None:
    code = (
        "import sys, vidensbasering.apps.lovende_praksis as m; "
        "bad = [x for x in ('vl_convert', 'openpyxl', 'altair') if x in sys.modules]; "
        "m.LovendePraksisApp(); "
        "late = [x for x in ('openpyxl',) if x in sys.modules]; "
        "print(','.join(bad) + '|' + ','.join(late))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "|"


@pytest.mark.parametrize(
    ("text", "date"),
    [("3.2.2026", dt.date(2026, 2, 3)), ("03-02-2026", dt.date(2026, 2, 3)),
     ("2026-02-03", dt.date(2026, 2, 3)), ("", None)],
)  # fmt: skip
def test_dates_are_read_the_danish_way(text: str, date: dt.date | None) -> None:
    assert app.parse_date(text) == date


@pytest.mark.parametrize("text", ["31.2.2026", "februar", "2026/02/03"])
def test_a_bad_date_gets_a_danish_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"dag\.måned\.år"):
        app.parse_date(text)


def test_file_stem_spells_out_danish_letters() -> None:
    assert app.file_stem(pp.Assessment(service="Bostøtten på Ærø")) == (
        "lovende-praksis-bostoetten-paa-aeroe"
    )
    assert app.file_stem(pp.Assessment()) == "lovende-praksis"


def test_the_form_builds_an_assessment_and_the_views_follow() -> None:
    ui = app.LovendePraksisApp()
    ui.service.value = "Bostøtten"
    ui.date.value = "3.2.2026"
    assert ui.assessment.date == dt.date(2026, 2, 3)
    for number, value in {1: 2, 2: 0, 3: 3, 10: 1}.items():
        _choose(ui.ratings[number], value)
    ui.justifications[2].value = "Ingen undersøgelser endnu"
    ui.evidence[2].value = "Vidensportalen, søgt i januar"
    a = ui.assessment
    assert a.values() == {1: 2, 2: 0, 3: 3, 4: None, 5: None, 6: None, 7: None, 8: None,
                          9: None, 10: 1, 11: None}  # fmt: skip
    assert a.rating_of(2).evidence == "Vidensportalen, søgt i januar"
    # Vidensgrundlag (2 + 0) / 2 = 1,0; koncept 3,0 from one element; tilpasning 1,0.
    assert "<td class='vb-mean'>1,0</td>" in ui.summary_view.value
    assert "<td class='vb-mean'>3,0</td>" in ui.summary_view.value
    assert "data-element='2'" in ui.weakest_view.value
    radar = ui._shown["radar"]["datasets"]["ratings"]
    assert {(r["element"], r["rating"]) for r in radar} >= {(1, 2), (2, 0), (10, 1)}


def test_downloads_carry_the_work_and_json_opens_again() -> None:
    ui = app.LovendePraksisApp()
    ui.team.value = "Team Nord"
    _choose(ui.ratings[7], 2)
    ui.justifications[7].value = "Faste refleksionsmøder"
    saved = ui.export("json")
    assert saved.filename == "lovende-praksis-team-nord.json"
    again = app.LovendePraksisApp()
    assert again.open_file(saved.filename, saved.data)
    assert again.assessment == pp.Assessment.from_json(saved.data)
    assert again.ratings[7].value == 2
    assert again.ratings[6].value == app.NOT_RATED and again.assessment.rating_of(6).rating is None
    assert again.justifications[7].value == "Faste refleksionsmøder"
    assert again.team.value == "Team Nord"
    md = ui.export("md").data.decode("utf-8")
    assert "| 7 | Faglig refleksion | Koncept | 2 – i nogen grad | Faste refleksionsmøder |" in md
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(ui.export("xlsx").data))
    assert book["Grupper"]["D3"].value == 2.0


def test_a_bad_file_keeps_the_work_and_says_why() -> None:
    ui = app.LovendePraksisApp()
    _choose(ui.ratings[1], 3)
    before = ui.assessment
    assert not ui.open_file("ødelagt.json", b'{"ratings": [')
    assert "Filen »ødelagt.json« kunne ikke åbnes" in ui.file_status.value
    assert "ikke gyldig JSON" in ui.file_status.value
    bad = json.loads(before.to_json())
    bad["ratings"][0]["rating"] = 5
    assert not ui.open_file("fem.json", json.dumps(bad).encode())
    assert "vurdering nr. 1" in ui.file_status.value and "0 til 3" in ui.file_status.value
    assert ui.assessment == before


def test_comparison_shows_the_difference_per_element() -> None:
    ui = app.LovendePraksisApp()
    _choose(ui.ratings[10], 0)
    ui.keep_as_comparison()
    _choose(ui.ratings[10], 2)
    assert ui.comparison is not None and ui.comparison.rating_of(10).rating == 0
    row = ui.compare_view.value.split("data-element='10'>")[1].split("</tr>")[0]
    assert row == "<td>10</td><td>Monitorering</td><td>2</td><td>0</td><td>+2</td>"
    assert len({r["assessment"] for r in ui._shown["radar"]["datasets"]["ratings"]}) == 2
    ui.set_comparison(None)
    assert "Ingen sammenligning" in ui.compare_view.value
