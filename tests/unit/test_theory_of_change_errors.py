"""Danish messages for the mistakes a student makes when building a theory of change in code."""

from __future__ import annotations

import pytest

from vidensbasering.theory_of_change import (
    ElementKind,
    TheoryOfChange,
    UnknownIdError,
    element_kind,
)


def _small() -> TheoryOfChange:
    toc = TheoryOfChange()
    toc.add_element("aktivitet", "Ugentlige møder", id="moeder")
    toc.add_element("kortsigtet resultat", "En voksen at gå til", id="relation")
    toc.add_link("moeder", "relation")
    return toc


def test_danish_labels_and_codes_name_the_same_kind():
    assert element_kind("aktivitet") is ElementKind.ACTIVITY
    assert element_kind(" Kortsigtet  resultat ") is ElementKind.SHORT_TERM_OUTCOME
    assert element_kind("long_term_outcome") is ElementKind.LONG_TERM_OUTCOME
    assert [e.kind for e in _small().elements] == [
        ElementKind.ACTIVITY,
        ElementKind.SHORT_TERM_OUTCOME,
    ]


def test_a_misspelled_kind_suggests_the_closest_valid_one():
    with pytest.raises(ValueError) as info:
        _small().add_element("aktivitett", "Sommerskole")
    assert str(info.value) == (
        'Ukendt slags element: "aktivitett". Mente du "aktivitet"? Mulige slags: "ressource", '
        '"aktivitet", "leverance", "kortsigtet resultat", "langsigtet virkning".'
    )


def test_an_unknown_id_lists_the_ids_that_exist_and_is_still_a_key_error():
    toc = _small()
    with pytest.raises(KeyError) as info:
        toc.element("relasjon")
    assert isinstance(info.value, UnknownIdError)
    assert str(info.value) == (
        'Der er intet element med id\'et "relasjon". Mente du "relation"? '
        'Id\'er i forandringsteorien: "moeder", "relation".'
    )
    with pytest.raises(KeyError, match='Pile i forandringsteorien: "moeder → relation"'):
        toc.link("relation", "moeder")


def test_a_bad_id_is_refused_in_danish_without_adding_anything():
    toc = _small()
    with pytest.raises(ValueError, match="et id må kun bestå af bogstaver"):
        toc.add_element("ressource", "En koordinator", id="en koordinator")
    assert len(toc.elements) == 2
