"""The logic behind the app "Opstil en forandringsteori", driven without a browser.

Browser messages are fed to the fields as the front end sends them (``receive``), so the forms'
behaviour is tested here; the browser test covers drawing, downloads and uploads in Chromium.
"""

from __future__ import annotations

import json

import pytest

from vidensbasering.apps import forandringsteori as app
from vidensbasering.apps.download import Download, DownloadButton
from vidensbasering.apps.fields import SelectField, TextField
from vidensbasering.i18n import t
from vidensbasering.theory_of_change import Indicator, TheoryOfChange, load_example, validate


def small() -> TheoryOfChange:
    toc = TheoryOfChange(title="Lektiehjælp")
    toc.add_element("activity", "Lektiehjælp")
    toc.add_element("short_term_outcome", "Flere lektier laves")
    toc.add_link("activity-1", "short_term_outcome-1", "Hjælp sænker tærsklen")
    return toc


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Lektiehjælp i klubben", "forandringsteori-lektiehjaelp-i-klubben"),
        ("Bostøtte på Ærø – 2027!", "forandringsteori-bostoette-paa-aeroe-2027"),
        ("Café Ñandú", "forandringsteori-cafe-nandu"),
        ("", "forandringsteori"),
        ("???", "forandringsteori"),
    ],
)
def test_file_stem_spells_out_danish_letters(title: str, stem: str) -> None:
    assert app.file_stem(title) == stem


def test_file_stem_is_at_most_60_characters() -> None:
    assert len(app.file_stem("ord " * 40)) <= 60


def test_json_export_loads_back_equal_and_other_formats_carry_the_work() -> None:
    toc = load_example("familieindsats")
    saved = app.export(toc, "json")
    assert saved.mime == "application/json"
    assert saved.filename == app.file_stem(toc.title) + ".json"
    assert TheoryOfChange.from_json(saved.data) == toc
    markdown = app.export(toc, "md").data.decode("utf-8")
    assert markdown.startswith("# ") and "## Fund ved valideringen" in markdown
    assert app.export(toc, "svg").data.startswith(b"<svg")
    assert app.export(toc, "png").data[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="unknown format"):
        app.export(toc, "docx")


def test_update_element_keeps_id_links_and_indicators_and_changes_nothing_on_bad_input() -> None:
    toc = small()
    indicator = Indicator(what="Afleverede lektier")
    app.save_indicator(toc, "short_term_outcome-1", app.NEW_ITEM, indicator)
    app.update_element(toc, "short_term_outcome-1", "long_term_outcome", "Bedre karakterer")
    element = toc.element("short_term_outcome-1")
    assert (element.kind.value, element.text, element.indicators) == (
        "long_term_outcome",
        "Bedre karakterer",
        [indicator],
    )
    assert len(toc.links) == 1
    before = toc.model_copy(deep=True)
    with pytest.raises(ValueError, match="Skriv en tekst"):
        app.update_element(toc, "activity-1", "output", "   ")
    with pytest.raises(ValueError):
        app.update_element(toc, "activity-1", "no-such-kind", "Ny tekst")
    assert toc == before


def test_save_link_refuses_self_links_and_duplicates_and_keeps_numbers() -> None:
    toc = small()
    toc.add_element("long_term_outcome", "Flere består")
    with pytest.raises(ValueError, match="to forskellige elementer"):
        app.save_link(toc, app.NEW_ITEM, "activity-1", "activity-1", "")
    with pytest.raises(ValueError, match="både"):
        app.save_link(toc, app.NEW_ITEM, None, "activity-1", "")
    with pytest.raises(ValueError, match="allerede en pil fra »Lektiehjælp«"):
        app.save_link(toc, app.NEW_ITEM, "activity-1", "short_term_outcome-1", "igen")
    app.save_link(toc, app.NEW_ITEM, "short_term_outcome-1", "long_term_outcome-1", " ")
    assert toc.links[1].assumption == ""
    # Editing arrow 1 to point elsewhere keeps it as number 1.
    app.save_link(toc, 0, "activity-1", "long_term_outcome-1", "Direkte virkning")
    assert [(x.source, x.target) for x in toc.links] == [
        ("activity-1", "long_term_outcome-1"),
        ("short_term_outcome-1", "long_term_outcome-1"),
    ]
    # Editing arrow 2 into a copy of arrow 1 is refused and changes nothing.
    with pytest.raises(ValueError, match="allerede"):
        app.save_link(toc, 1, "activity-1", "long_term_outcome-1", "")
    assert toc.links[1].source == "short_term_outcome-1"


def test_indicators_are_added_replaced_and_removed_by_position() -> None:
    toc = small()
    first, second = Indicator(what="A"), Indicator(what="B")
    app.save_indicator(toc, "short_term_outcome-1", app.NEW_ITEM, first)
    app.save_indicator(toc, "short_term_outcome-1", app.NEW_ITEM, second)
    app.save_indicator(toc, "short_term_outcome-1", 0, Indicator(what="A2"))
    assert [i.what for i in toc.element("short_term_outcome-1").indicators] == ["A2", "B"]
    assert app.remove_indicator(toc, "short_term_outcome-1", 0).what == "A2"
    assert [i.what for i in toc.element("short_term_outcome-1").indicators] == ["B"]
    with pytest.raises(ValueError, match="hvad indikatoren måler"):
        app.save_indicator(toc, "short_term_outcome-1", app.NEW_ITEM, Indicator(how="Skema"))


def test_findings_html_counts_in_danish_and_escapes_user_text() -> None:
    toc = TheoryOfChange(title="T", problem_statement="P", target_group="M", context="K")
    toc.add_element("activity", "<script>alert(1)</script>")
    html = app.findings_html(validate(toc))
    # One error (the activity leads to no outcome), no warning.
    assert "Tjekket fandt 1 fejl og 0 advarsler." in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert app.findings_html([]).count("Ingen fund") == 1


def test_diagram_key_changes_only_with_what_the_diagram_shows() -> None:
    toc = small()
    key = app.diagram_key(toc, validate(toc))
    toc.context = "Ny kontekst"
    assert app.diagram_key(toc, validate(toc)) == key
    toc.title = "Ny titel"
    assert app.diagram_key(toc, validate(toc)) != key


def test_options_list_elements_in_chain_order_and_links_numbered() -> None:
    toc = small()
    toc.add_element("resource", "Frivillige")
    assert [value for _, value in app.element_options(toc)] == [
        "resource-1",
        "activity-1",
        "short_term_outcome-1",
    ]
    assert app.link_options(toc) == [("1. Lektiehjælp → Flere lektier laves", 0)]
    assert app.start_options()[0] == (t("forandringsteori.app_start_empty"), "")
    assert {value for _, value in app.start_options()[1:]} == {"boligstoette", "familieindsats"}


def _choose(field: SelectField, value: object) -> None:
    """Choose an option as the browser reports it: by its position in the list."""
    index = [v for _, v in field.options].index(value)
    field.receive({"event": "change", "index": index})


def test_the_forms_build_a_theory_of_change_from_browser_messages() -> None:
    ui = app.ForandringsteoriApp()
    _choose(ui.element_kind, "activity")
    ui.element_text.receive({"event": "submit", "value": "Lektiehjælp"})
    _choose(ui.element_kind, "short_term_outcome")
    ui.element_text.receive({"event": "input", "value": "Flere lektier"})
    ui.element_save.click()
    assert [(e.kind.value, e.text) for e in ui.toc.elements] == [
        ("activity", "Lektiehjælp"),
        ("short_term_outcome", "Flere lektier"),
    ]
    assert ui.element_text.value == ""
    assert "missing_indicator" in {f.rule for f in ui.findings}

    _choose(ui.link_source, "activity-1")
    _choose(ui.link_target, "short_term_outcome-1")
    ui.link_assumption.receive({"event": "submit", "value": "Hjælp virker"})
    assert ui.toc.links[0].assumption == "Hjælp virker"

    _choose(ui.element_choice, "short_term_outcome-1")
    assert ui.indicator_form.layout.display is None  # shown for an outcome
    assert ui.element_text.value == "Flere lektier"
    ui.indicator_fields["what"].receive({"event": "submit", "value": "Afleverede lektier"})
    assert ui.toc.element("short_term_outcome-1").indicators == [
        Indicator(what="Afleverede lektier")
    ]
    assert "missing_indicator" not in {f.rule for f in ui.findings}

    # Deleting the activity removes its arrow too.
    _choose(ui.element_choice, "activity-1")
    ui.element_delete.click()
    assert [e.id for e in ui.toc.elements] == ["short_term_outcome-1"]
    assert ui.toc.links == []


def test_a_broken_or_foreign_file_keeps_the_work_and_says_why() -> None:
    ui = app.ForandringsteoriApp(small())
    before = ui.toc.model_copy(deep=True)
    assert not ui.open_file("ødelagt.json", b'{"title": "x", "elements": [')
    assert ui.toc == before
    assert "Filen »ødelagt.json« kunne ikke åbnes" in ui.file_status.value
    assert "ikke gyldig JSON" in ui.file_status.value
    notebook = json.dumps({"cells": [], "nbformat": 4}).encode()
    assert not ui.open_file("noter.ipynb", notebook)
    assert "ligner ikke en forandringsteori" in ui.file_status.value
    assert ui.toc == before
    example = load_example("boligstoette")
    assert ui.open_file("gemt.json", example.to_json().encode())
    assert ui.toc == example
    assert ui.frame["title"].value == example.title


def test_text_field_uses_the_text_that_came_with_enter() -> None:
    field = TextField(description="Tekst:")
    seen: list[str] = []
    field.on_submit(lambda: seen.append(field.value))
    field.receive({"event": "input", "value": "Lektie"})
    field.receive({"event": "submit", "value": "Lektiehjælp"})
    field.receive({"event": "submit", "value": 7})  # not text: ignored
    assert seen == ["Lektiehjælp"]


def test_select_field_keeps_its_value_when_the_options_change() -> None:
    field = SelectField(description="Type:", options=[("A", "a"), ("B", "b")])
    assert field.value == "a"
    field.value = "b"
    field.options = [("Nyt", ""), ("B", "b")]
    assert field.value == "b"
    field.options = [("C", "c")]
    assert field.value == "c"
    with pytest.raises(ValueError):
        field.value = "zz"
    with pytest.raises(ValueError, match="distinct"):
        field.options = [("A", 1), ("B", 1)]


def test_download_button_sends_the_file_as_a_binary_buffer() -> None:
    sent: list[tuple[dict, list | None]] = []
    button = DownloadButton("Hent", make_file=lambda: Download("a.json", "application/json", b"{}"))
    button.send = lambda content, buffers=None: sent.append((content, buffers))
    button._handle_message(button, {"event": "request"}, [])
    assert sent == [({"event": "file", "filename": "a.json", "mime": "application/json"}, [b"{}"])]
    errors: list[Exception] = []

    def fail() -> Download:
        raise RuntimeError("vl-convert mangler")

    failing = DownloadButton("Hent", make_file=fail, on_error=errors.append)
    failing.send = lambda content, buffers=None: sent.append((content, buffers))
    assert failing.deliver() is None
    assert sent[-1] == ({"event": "failed"}, None)
    assert str(errors[0]) == "vl-convert mangler"
