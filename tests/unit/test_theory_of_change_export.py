"""Diagram (Altair → SVG/PNG) and Markdown export of a theory of change."""

import html

from vidensbasering.theory_of_change import (
    Indicator,
    TheoryOfChange,
    diagram,
    layout,
    load_example,
    to_markdown,
    to_png,
    to_svg,
    validate,
)
from vidensbasering.theory_of_change.diagram import LABEL_CLEARANCE, PROBLEM_COLOUR, _label_point
from vidensbasering.theory_of_change.export import (
    assumptions_table,
    escape_markdown,
    findings_table,
    indicators_table,
)


def tiny() -> TheoryOfChange:
    toc = TheoryOfChange(
        title="Lektiecafé",
        problem_statement="Elever afleverer ikke opgaver",
        target_group="Elever i 7.–9. klasse",
        context="",
    )
    toc.add_element("resource", "To frivillige", id="r")
    toc.add_element("activity", "Café to gange om ugen", id="a")
    toc.add_element(
        "short_term_outcome",
        "Flere afleverede opgaver",
        id="s",
        indicators=[Indicator(what="Andel afleverede opgaver", when="Hvert kvartal", who="")],
    )
    toc.add_link("r", "a", "De frivillige kommer stabilt")
    toc.add_link("a", "s", "")
    return toc


def test_svg_contains_every_wrapped_line_headings_and_indicators():
    toc = load_example("boligstoette")
    svg = html.unescape(to_svg(toc))
    geo = layout(toc)
    for box in geo.boxes.values():
        for line in box.lines + box.indicator_lines:
            assert f">{line}<" in svg, line
    for heading in ("Ressourcer", "Aktiviteter", "Leverancer", "Kortsigtede resultater"):
        assert f">{heading}<" in svg
    assert ">Bostøtte efter Housing First-principper<" in svg
    assert ">Antagelser bag pilene<" in svg


def test_problems_are_drawn_in_vermillion_only_when_there_are_errors():
    toc = tiny()
    assert PROBLEM_COLOUR.lower() not in to_svg(toc, validate(toc)).lower()
    toc.add_element("activity", "Løs aktivitet", id="a2")
    assert PROBLEM_COLOUR.lower() in to_svg(toc, validate(toc)).lower()


def test_diagram_spec_size_and_title():
    toc = tiny()
    spec = diagram(toc, show_assumptions=False).to_dict()
    geo = layout(toc)
    assert spec["width"] == geo.width and spec["height"] == geo.height
    assert spec["title"] == "Lektiecafé"
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    untitled = TheoryOfChange()
    assert diagram(untitled).to_dict()["title"] == "Forandringsteori uden titel"


def test_empty_theory_still_draws_the_five_columns():
    svg = to_svg(TheoryOfChange())
    for heading in ("Ressourcer", "Aktiviteter", "Leverancer", "Langsigtede virkninger"):
        assert f">{heading}<" in svg
    assert ">Forandringsteori uden titel<" in svg


def test_png_export():
    png = to_png(tiny(), scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_markdown_of_a_tiny_theory():
    toc = tiny()
    expected = """# Lektiecafé

**Problemstilling:** Elever afleverer ikke opgaver

**Målgruppe:** Elever i 7.–9. klasse

**Kontekst:** (ikke udfyldt)

## Kæden

### Ressourcer

- To frivillige

### Aktiviteter

- Café to gange om ugen

### Leverancer

(ingen)

### Kortsigtede resultater

- Flere afleverede opgaver
  - Indikator: Andel afleverede opgaver (hvornår: Hvert kvartal)

### Langsigtede virkninger

(ingen)

## Antagelser bag pilene

1. To frivillige → Café to gange om ugen: De frivillige kommer stabilt
2. Café to gange om ugen → Flere afleverede opgaver: (antagelse mangler)
"""
    assert to_markdown(toc) == expected


def test_markdown_lists_findings():
    toc = tiny()
    text = to_markdown(toc, validate(toc))
    findings_part = text.split("## Fund ved valideringen\n\n")[1]
    assert findings_part.splitlines() == [
        "- **Advarsel:** Indikator nr. 1 på »Flere afleverede opgaver« mangler »hvordan«. "
        "Udfyld feltet.",
        "- **Advarsel:** Indikator nr. 1 på »Flere afleverede opgaver« mangler »af hvem«. "
        "Udfyld feltet.",
        "- **Advarsel:** Indikator nr. 1 på »Flere afleverede opgaver« mangler »datakilde«. "
        "Udfyld feltet.",
        "- **Advarsel:** Pilen fra »Café to gange om ugen« til »Flere afleverede opgaver« mangler "
        "en antagelse. Skriv, hvorfor det ene fører til det andet: det er den kritiske antagelse, "
        "der skal undersøges og følges op.",
        "- **Advarsel:** Feltet »kontekst« er tomt. Udfyld det, så andre kan se, hvad "
        "forandringsteorien handler om.",
    ]
    clean = load_example("familieindsats")
    assert to_markdown(clean, validate(clean)).endswith(
        "## Fund ved valideringen\n\nIngen fund: kæden hænger sammen, og beskrivelsen er udfyldt.\n"
    )


def test_user_text_cannot_change_markdown_structure():
    assert escape_markdown("# *vigtigt* [link](x) <b>") == r"\# \*vigtigt\* \[link\](x) \<b\>"
    assert escape_markdown("- punkt") == r"\- punkt"
    assert escape_markdown("1. trin\n\n2. trin") == r"1\. trin 2. trin"
    toc = tiny()
    toc.element("r").text = "## Ikke en overskrift"
    assert "\n- \\#\\# Ikke en overskrift\n" in to_markdown(toc)


def test_tables_with_danish_headings():
    toc = tiny()
    assumptions = assumptions_table(toc)
    assert list(assumptions.columns) == ["Fra", "Til", "Antagelse"]
    assert assumptions.loc[1].tolist() == [
        "To frivillige",
        "Café to gange om ugen",
        "De frivillige kommer stabilt",
    ]
    assert assumptions.loc[2, "Antagelse"] == ""  # numbered as in the diagram
    indicators = indicators_table(toc)
    assert indicators.columns[:3].tolist() == ["Element", "Type", "Hvad måles"]
    assert indicators.iloc[0].tolist() == [
        "Flere afleverede opgaver", "kortsigtet resultat", "Andel afleverede opgaver",
        "", "Hvert kvartal", "", "",
    ]  # fmt: skip
    toc.add_element("activity", "Løs aktivitet", id="a2")
    findings = findings_table(toc, validate(toc))
    assert list(findings.columns) == ["Alvor", "Elementer", "Hvad skal rettes"]
    assert findings.iloc[0, :2].tolist() == ["Fejl", "Løs aktivitet"]
    assert len(findings) == len(validate(toc))
    assert findings_table(toc, []).empty


def test_arrow_number_moves_off_a_number_already_there():
    # Arrow from x=0 to x=140 (two column gaps of 70 px); its number goes in the first gap.
    points = [(0.0, 0.0), (140.0, 0.0)]
    assert _label_point(points, []) == (35.0, 0.0)  # middle of the first gap
    # Middle taken: a quarter of the gap (17.5 px) is 17.5 px away, more than the clearance.
    assert _label_point(points, [(35.0, 0.0)]) == (17.5, 0.0)
    assert LABEL_CLEARANCE <= 17.5


def test_diagram_spec_equals_the_altair_chart_and_keeps_one_structure():
    from vidensbasering.theory_of_change import diagram_spec, load_example

    small, large = tiny(), load_example("boligstoette")
    for toc in (small, large, TheoryOfChange()):
        findings = validate(toc)
        assert diagram_spec(toc, findings) == diagram(toc, findings).to_dict()
    # Only data, size and title differ between two theories of change: the layers are the same.
    a, b = diagram_spec(small), diagram_spec(large)
    assert a["layer"] == b["layer"] and a["config"] == b["config"]
    assert a["datasets"] != b["datasets"] and a["height"] != b["height"]
    assert [row["text"] for row in a["datasets"]["texts_centre"][:2]] == [
        "Ressourcer",
        "Aktiviteter",
    ]
