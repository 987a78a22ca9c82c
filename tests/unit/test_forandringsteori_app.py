"""The widgets of the app "Opstil en forandringsteori", driven without a browser.

What each action does to the model is tested in test_theory_of_change_editing.py.

Browser messages are fed to the fields as the front end sends them (``receive``), so the forms'
behaviour is tested here; the browser test covers drawing, downloads and uploads in Chromium.
"""

from __future__ import annotations

import json

import pytest

from vidensbasering.apps import forandringsteori as app
from vidensbasering.apps.download import Download, DownloadButton
from vidensbasering.apps.fields import SelectField, TextField
from vidensbasering.theory_of_change import Indicator, TheoryOfChange, load_example, validate


def small() -> TheoryOfChange:
    toc = TheoryOfChange(title="Lektiehjælp")
    toc.add_element("activity", "Lektiehjælp")
    toc.add_element("short_term_outcome", "Flere lektier laves")
    toc.add_link("activity-1", "short_term_outcome-1", "Hjælp sænker tærsklen")
    return toc


def test_findings_html_counts_in_danish_and_escapes_user_text() -> None:
    toc = TheoryOfChange(title="T", problem_statement="P", target_group="M", context="K")
    toc.add_element("activity", "<script>alert(1)</script>")
    html = app.findings_html(validate(toc))
    # One error (the activity leads to no outcome), no warning.
    assert "Tjekket fandt 1 fejl og 0 advarsler." in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert app.findings_html([]).count("Ingen fund") == 1


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
