"""Model of a theory of change: structure checks, lossless JSON/YAML, Danish file errors."""

import ast
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from vidensbasering import theory_of_change as toc_pkg
from vidensbasering.theory_of_change import (
    Element,
    ElementKind,
    Indicator,
    TheoryOfChange,
    TheoryOfChangeFileError,
    list_examples,
    load_example,
)
from vidensbasering.theory_of_change.model import MAX_FILE_BYTES


def small() -> TheoryOfChange:
    toc = TheoryOfChange(title="Lektiecafé", target_group="Elever i 7.–9. klasse")
    toc.add_element("resource", "To frivillige", id="frivillige")
    toc.add_element("activity", "Lektiecafé to gange om ugen", id="cafe")
    toc.add_element(
        "short_term_outcome",
        "Flere afleverede opgaver",
        id="opgaver",
        indicators=[Indicator(what="Andel afleverede opgaver", when="Hvert kvartal")],
    )
    toc.add_link("frivillige", "cafe", "De frivillige kommer stabilt")
    toc.add_link("cafe", "opgaver", "Hjælp i rette tid gør opgaven overkommelig")
    return toc


def test_chain_order_and_ranks():
    assert [k.value for k in toc_pkg.CHAIN] == [
        "resource",
        "activity",
        "output",
        "short_term_outcome",
        "long_term_outcome",
    ]
    assert [k.rank for k in toc_pkg.CHAIN] == [0, 1, 2, 3, 4]
    assert [k for k in toc_pkg.CHAIN if k.is_outcome] == [
        ElementKind.SHORT_TERM_OUTCOME,
        ElementKind.LONG_TERM_OUTCOME,
    ]
    assert ElementKind.OUTPUT.label == "leverance"
    assert ElementKind.LONG_TERM_OUTCOME.column_title == "Langsigtede virkninger"


@pytest.mark.parametrize("name", ["boligstoette", "familieindsats"])
def test_examples_round_trip_json_and_yaml(name):
    toc = load_example(name)
    assert TheoryOfChange.from_json(toc.to_json()) == toc
    assert TheoryOfChange.from_yaml(toc.to_yaml()) == toc
    # Byte-for-byte stable: the shipped file is exactly what the model writes.
    shipped = (Path(toc_pkg.__file__).parent / "examples" / f"{name}.json").read_text("utf-8")
    assert toc.to_json() + "\n" == shipped


def test_round_trip_keeps_danish_letters_and_every_field():
    toc = small()
    toc.element("opgaver").indicators[0].data_source = "Skolens fraværs- og afleveringssystem"
    text = toc.to_json()
    assert "æ" in text and "\\u00e6" not in text
    back = TheoryOfChange.from_json(text.encode("utf-8"))
    assert back == toc
    assert back.element("opgaver").indicators[0].when == "Hvert kvartal"
    assert back.link("cafe", "opgaver").assumption == "Hjælp i rette tid gør opgaven overkommelig"


def test_examples_are_listed_and_fresh():
    assert list_examples() == ["boligstoette", "familieindsats"]
    first = load_example("boligstoette")
    first.title = "ændret"
    assert load_example("boligstoette").title == "Bostøtte efter Housing First-principper"
    with pytest.raises(KeyError, match="familieindsats"):
        load_example("findes-ikke")


def test_add_element_gives_free_ids_and_remove_element_drops_its_links():
    toc = small()
    first = toc.add_element("activity", "Sommerskole")
    second = toc.add_element(ElementKind.ACTIVITY, "Forældremøde")
    assert (first.id, second.id) == ("activity-1", "activity-2")
    toc.add_link("frivillige", "activity-1", "De frivillige vil også undervise om sommeren")
    toc.remove_element("frivillige")
    assert [e.id for e in toc.elements] == ["cafe", "opgaver", "activity-1", "activity-2"]
    assert [(x.source, x.target) for x in toc.links] == [("cafe", "opgaver")]
    toc.remove_link("cafe", "opgaver")
    assert toc.links == []
    with pytest.raises(KeyError):
        toc.remove_link("cafe", "opgaver")


def test_builder_refuses_duplicate_ids_dangling_and_duplicate_links():
    toc = small()
    with pytest.raises(ValueError, match='Id\'et "cafe" bruges af flere elementer'):
        toc.add_element("activity", "Endnu en café", id="cafe")
    with pytest.raises(ValueError, match='peger på "nowhere"'):
        toc.add_link("cafe", "nowhere")
    with pytest.raises(ValueError, match="Der er to pile"):
        toc.add_link("cafe", "opgaver")
    assert len(toc.elements) == 3 and len(toc.links) == 2  # nothing half-added


def test_wrong_kind_names_the_field_in_the_exception():
    with pytest.raises(ValidationError) as info:
        Element(id="x", kind="outcome", text="?")
    assert info.value.errors()[0]["loc"] == ("kind",)


def _load_error(data: object) -> list[str]:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(TheoryOfChangeFileError) as info:
        TheoryOfChange.from_json(text)
    return info.value.messages


def test_unknown_field_and_wrong_kind_give_danish_messages_naming_the_field():
    data = json.loads(small().to_json())
    data["elements"][2]["kind"] = "outcome"
    data["elements"][0]["farve"] = "rød"
    data["links"][1]["target"] = 5
    messages = _load_error(data)
    assert messages == [
        'Element nr. 1 › feltet "farve" kendes ikke. Fjern feltet, eller ret stavningen '
        "(se et af eksemplerne for de tilladte felter).",
        'Element nr. 3 › feltet "kind" (type) har den ukendte værdi "outcome". Brug en af: '
        '"resource" (ressource), "activity" (aktivitet), "output" (leverance), '
        '"short_term_outcome" (kortsigtet resultat), "long_term_outcome" (langsigtet virkning).',
        'Pil nr. 2 › feltet "target" (til-element) skal være en tekst, men er 5. '
        "Sæt teksten i anførselstegn.",
    ]


def test_unknown_top_level_field_and_indicator_field():
    data = json.loads(small().to_json())
    data["titel"] = "stavet på dansk"
    data["elements"][2]["indicators"][0]["hvornår"] = "hver måned"
    messages = _load_error(data)
    assert any(m.startswith('Element nr. 3 › indikator nr. 1 › feltet "hvornår"') for m in messages)
    assert any(m.startswith('Feltet "titel" kendes ikke') for m in messages)


def test_structural_errors_in_a_file():
    data = json.loads(small().to_json())
    data["links"].append({"source": "cafe", "target": "mangler", "assumption": ""})
    assert _load_error(data) == [
        'Pilen fra "cafe" til "mangler" peger på "mangler", som ikke er et element. '
        "Ret id'et, eller slet pilen."
    ]
    data = json.loads(small().to_json())
    data["elements"][1]["id"] = "to ord"
    (message,) = _load_error(data)
    assert message.startswith('Element nr. 2 › feltet "id" (id) er "to ord"')


def test_foreign_or_broken_files():
    assert _load_error('{"title": "x",') == [
        "Filen er ikke gyldig JSON (fejl ved linje 1, tegn 14). Gem forandringsteorien igen, "
        "eller ret filen i en teksteditor."
    ]
    assert _load_error([1, 2]) == [
        "Filen skal være et objekt { … } med felter, men er [1, 2]. Er det den rigtige fil?"
    ]
    (message,) = _load_error({"format_version": 2})
    assert "skal være 1" in message
    with pytest.raises(TheoryOfChangeFileError, match="for stor"):
        TheoryOfChange.from_json(b" " * (MAX_FILE_BYTES + 1))
    (message,) = _load_error({"name": "budget", "rows": [1, 2]})
    assert message.startswith("Filen ligner ikke en forandringsteori: ingen af dens felter kendes.")
    assert '"elements"' in message
    (message,) = _load_error({"elements": [{"id": "a", "kind": "activity", "text": "x" * 5001}]})
    assert message == (
        'Element nr. 1 › feltet "text" (tekst) er for lang (højst 5000 tegn). Forkort teksten.'
    )
    with pytest.raises(TheoryOfChangeFileError, match="ikke gyldig YAML"):
        TheoryOfChange.from_yaml("title: [")


def test_domain_package_imports_no_widget_or_notebook_machinery():
    # Altair itself may load anywidget; what matters is that our modules do not reach for it.
    forbidden = {"ipywidgets", "anywidget", "IPython", "nbgrader", "voila", "nbformat", "nbclient"}
    root = Path(toc_pkg.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & forbidden, path


def test_yaml_keeps_texts_that_look_like_other_types():
    # YAML would read an unquoted yes, 1.0, null or "a: b" as a boolean, number, null or mapping.
    toc = TheoryOfChange(title="yes", context="1.0", problem_statement="null", target_group="a: b")
    toc.add_element("activity", "- punkt", id="a")
    back = TheoryOfChange.from_yaml(toc.to_yaml())
    assert back == toc
    assert back.title == "yes" and back.context == "1.0"
