"""Editing a theory of change from forms (:mod:`vidensbasering.theory_of_change.editing`).

What the app "Opstil en forandringsteori" does to the model on each action, without widgets.
"""

from __future__ import annotations

import pytest

from vidensbasering.i18n import t
from vidensbasering.theory_of_change import (
    Indicator,
    TheoryOfChange,
    editing,
    load_example,
    validate,
)


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
    assert editing.file_stem(title) == stem


def test_file_stem_is_at_most_60_characters() -> None:
    assert len(editing.file_stem("ord " * 40)) <= 60


def test_json_export_loads_back_equal_and_other_formats_carry_the_work() -> None:
    toc = load_example("familieindsats")
    saved = editing.export(toc, "json")
    assert saved.mime == "application/json"
    assert saved.filename == editing.file_stem(toc.title) + ".json"
    assert TheoryOfChange.from_json(saved.data) == toc
    markdown = editing.export(toc, "md").data.decode("utf-8")
    assert markdown.startswith("# ") and "## Fund ved valideringen" in markdown
    assert editing.export(toc, "svg").data.startswith(b"<svg")
    assert editing.export(toc, "png").data[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="unknown format"):
        editing.export(toc, "docx")


def test_update_element_keeps_id_links_and_indicators_and_changes_nothing_on_bad_input() -> None:
    toc = small()
    indicator = Indicator(what="Afleverede lektier")
    editing.save_indicator(toc, "short_term_outcome-1", editing.NEW_ITEM, indicator)
    editing.update_element(toc, "short_term_outcome-1", "long_term_outcome", "Bedre karakterer")
    element = toc.element("short_term_outcome-1")
    assert (element.kind.value, element.text, element.indicators) == (
        "long_term_outcome",
        "Bedre karakterer",
        [indicator],
    )
    assert len(toc.links) == 1
    before = toc.model_copy(deep=True)
    with pytest.raises(ValueError, match="Skriv en tekst"):
        editing.update_element(toc, "activity-1", "output", "   ")
    with pytest.raises(ValueError):
        editing.update_element(toc, "activity-1", "no-such-kind", "Ny tekst")
    assert toc == before


def test_save_link_refuses_self_links_and_duplicates_and_keeps_numbers() -> None:
    toc = small()
    toc.add_element("long_term_outcome", "Flere består")
    with pytest.raises(ValueError, match="to forskellige elementer"):
        editing.save_link(toc, editing.NEW_ITEM, "activity-1", "activity-1", "")
    with pytest.raises(ValueError, match="både"):
        editing.save_link(toc, editing.NEW_ITEM, None, "activity-1", "")
    with pytest.raises(ValueError, match="allerede en pil fra »Lektiehjælp«"):
        editing.save_link(toc, editing.NEW_ITEM, "activity-1", "short_term_outcome-1", "igen")
    editing.save_link(toc, editing.NEW_ITEM, "short_term_outcome-1", "long_term_outcome-1", " ")
    assert toc.links[1].assumption == ""
    # Editing arrow 1 to point elsewhere keeps it as number 1.
    editing.save_link(toc, 0, "activity-1", "long_term_outcome-1", "Direkte virkning")
    assert [(x.source, x.target) for x in toc.links] == [
        ("activity-1", "long_term_outcome-1"),
        ("short_term_outcome-1", "long_term_outcome-1"),
    ]
    # Editing arrow 2 into a copy of arrow 1 is refused and changes nothing.
    with pytest.raises(ValueError, match="allerede"):
        editing.save_link(toc, 1, "activity-1", "long_term_outcome-1", "")
    assert toc.links[1].source == "short_term_outcome-1"


def test_indicators_are_added_replaced_and_removed_by_position() -> None:
    toc = small()
    first, second = Indicator(what="A"), Indicator(what="B")
    editing.save_indicator(toc, "short_term_outcome-1", editing.NEW_ITEM, first)
    editing.save_indicator(toc, "short_term_outcome-1", editing.NEW_ITEM, second)
    editing.save_indicator(toc, "short_term_outcome-1", 0, Indicator(what="A2"))
    assert [i.what for i in toc.element("short_term_outcome-1").indicators] == ["A2", "B"]
    assert editing.remove_indicator(toc, "short_term_outcome-1", 0).what == "A2"
    assert [i.what for i in toc.element("short_term_outcome-1").indicators] == ["B"]
    with pytest.raises(ValueError, match="hvad indikatoren måler"):
        editing.save_indicator(
            toc, "short_term_outcome-1", editing.NEW_ITEM, Indicator(how="Skema")
        )


def test_diagram_key_changes_only_with_what_the_diagram_shows() -> None:
    toc = small()
    key = editing.diagram_key(toc, validate(toc))
    toc.context = "Ny kontekst"
    assert editing.diagram_key(toc, validate(toc)) == key
    toc.title = "Ny titel"
    assert editing.diagram_key(toc, validate(toc)) != key


def test_options_list_elements_in_chain_order_and_links_numbered() -> None:
    toc = small()
    toc.add_element("resource", "Frivillige")
    assert [value for _, value in editing.element_options(toc)] == [
        "resource-1",
        "activity-1",
        "short_term_outcome-1",
    ]
    assert editing.link_options(toc) == [("1. Lektiehjælp → Flere lektier laves", 0)]
    assert editing.start_options()[0] == (t("forandringsteori.app_start_empty"), "")
    assert {value for _, value in editing.start_options()[1:]} == {"boligstoette", "familieindsats"}


def test_delete_element_and_link_return_what_was_removed() -> None:
    toc = small()
    link = editing.delete_link(toc, 0)
    assert (link.source, link.target) == ("activity-1", "short_term_outcome-1")
    assert toc.links == []
    toc.add_link("activity-1", "short_term_outcome-1")
    removed = editing.delete_element(toc, "activity-1")
    assert removed.text == "Lektiehjælp"
    # The element's links go with it.
    assert [e.id for e in toc.elements] == ["short_term_outcome-1"] and toc.links == []
    with pytest.raises(IndexError):
        editing.delete_link(toc, 0)
    with pytest.raises(KeyError):
        editing.delete_element(toc, "activity-1")
