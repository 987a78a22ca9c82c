"""Validation rules: each one triggered by a minimal case and cleared when fixed."""

import pytest

from vidensbasering.theory_of_change import (
    Indicator,
    Severity,
    TheoryOfChange,
    errors,
    list_examples,
    load_example,
    validate,
)
from vidensbasering.theory_of_change.validation import RULES, to_graph


def indicator() -> Indicator:
    return Indicator(
        what="Andel med egen bolig",
        how="Registeropslag",
        when="Efter 12 måneder",
        who="Analyseenheden",
        data_source="CPR",
    )


def complete() -> TheoryOfChange:
    """Resource → activity → output → short-term → long-term, everything filled in."""
    toc = TheoryOfChange(
        title="Bostøtte",
        problem_statement="Borgere mister deres bolig",
        target_group="Hjemløse borgere",
        context="En mellemstor kommune",
    )
    toc.add_element("resource", "Bostøttemedarbejdere", id="r")
    toc.add_element("activity", "Ugentlige hjemmebesøg", id="a")
    toc.add_element("output", "Besøg gennemført", id="o")
    toc.add_element(
        "short_term_outcome", "Husleje betalt til tiden", id="s", indicators=[indicator()]
    )
    toc.add_element(
        "long_term_outcome", "Borgeren bevarer boligen", id="l", indicators=[indicator()]
    )
    for source, target in [("r", "a"), ("a", "o"), ("o", "s"), ("s", "l")]:
        toc.add_link(source, target, f"{source} fører til {target}")
    return toc


def rules(toc: TheoryOfChange) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in validate(toc):
        found.setdefault(finding.rule, []).append(finding)
    return found


def test_complete_theory_and_examples_have_no_findings():
    assert validate(complete()) == []
    for name in list_examples():
        assert validate(load_example(name)) == []


def test_graph_has_elements_and_links():
    graph = to_graph(complete())
    assert list(graph.nodes) == ["r", "a", "o", "s", "l"]
    assert graph.edges["a", "o"]["assumption"] == "a fører til o"


def test_cycle_found_and_cleared():
    toc = complete()
    toc.add_element("short_term_outcome", "Bedre økonomi", id="s2", indicators=[indicator()])
    toc.add_link("s", "s2", "Betalt husleje giver ro i økonomien")
    toc.add_link("s2", "s", "Ro i økonomien gør det lettere at betale")
    (finding,) = rules(toc)["cycle"]
    assert finding.severity is Severity.ERROR
    assert finding.elements == ("s", "s2")
    assert finding.message.startswith(
        "Pilene danner en løkke: »Husleje betalt til tiden« → »Bedre økonomi« → "
        "»Husleje betalt til tiden«."
    )
    toc.remove_link("s2", "s")
    assert "cycle" not in rules(toc)


def test_self_loop_is_a_cycle():
    toc = complete()
    toc.add_link("s", "s", "Selvforstærkende")
    assert rules(toc)["cycle"][0].elements == ("s",)


def test_backward_link_found_and_cleared():
    toc = complete()
    toc.add_element("activity", "Budgetrådgivning", id="a2")
    toc.add_link("o", "a2", "Besøgene afslører behov for rådgivning")
    (finding,) = rules(toc)["backward_link"]
    assert finding.link == ("o", "a2")
    assert "(leverance) til »Budgetrådgivning« (aktivitet) går baglæns" in finding.message
    toc.remove_link("o", "a2")
    toc.add_link("a2", "o", "Rådgivning indgår i besøgene")
    assert validate(toc) == []


def test_backward_link_that_closes_a_loop_gives_both_findings():
    toc = complete()
    toc.add_link("l", "a", "Bevaret bolig giver flere besøg")
    found = rules(toc)
    assert found["backward_link"][0].link == ("l", "a")
    assert found["cycle"][0].elements == ("a", "o", "s", "l")


def test_outcome_without_indicator_found_and_cleared():
    toc = complete()
    toc.element("s").indicators = []
    (finding,) = rules(toc)["missing_indicator"]
    assert finding.elements == ("s",)
    assert finding.severity is Severity.WARNING
    assert finding.message.startswith("»Husleje betalt til tiden« (kortsigtet resultat) har ingen")
    toc.element("s").indicators = [indicator()]
    assert validate(toc) == []


def test_activity_leading_to_no_outcome_found_and_cleared():
    toc = complete()
    toc.add_element("activity", "Fællesspisning", id="a2")
    toc.add_link("r", "a2", "Medarbejderne kan også lave mad")
    (finding,) = rules(toc)["activity_without_outcome"]
    assert finding.elements == ("a2",)
    assert finding.severity is Severity.ERROR
    # An output alone is not enough: the path has to reach an outcome.
    toc.add_element("output", "Spisning hver fredag", id="o2")
    toc.add_link("a2", "o2", "Borgerne kommer")
    assert rules(toc)["activity_without_outcome"][0].elements == ("a2",)
    toc.add_link("o2", "s", "Fællesskab giver overskud til at betale regninger")
    assert validate(toc) == []


def test_outcome_no_activity_leads_to_found_and_cleared():
    toc = complete()
    toc.add_element("short_term_outcome", "Færre naboklager", id="s2", indicators=[indicator()])
    toc.add_link("s2", "l", "Færre klager mindsker risikoen for udsættelse")
    (finding,) = rules(toc)["unreachable_outcome"]
    assert finding.elements == ("s2",)
    # A resource pointing straight at it is not an activity.
    toc.add_link("r", "s2", "Medarbejderne mægler")
    assert rules(toc)["unreachable_outcome"][0].elements == ("s2",)
    toc.add_link("o", "s2", "Besøgene opdager konflikter tidligt")
    assert "unreachable_outcome" not in rules(toc)


def test_outcomes_unreachable_when_there_is_no_activity():
    toc = TheoryOfChange()
    toc.add_element("long_term_outcome", "Trivsel", id="l", indicators=[indicator()])
    assert rules(toc)["unreachable_outcome"][0].elements == ("l",)


def test_link_without_assumption_found_and_cleared():
    toc = complete()
    toc.link("a", "o").assumption = "   "
    (finding,) = rules(toc)["missing_assumption"]
    assert finding.link == ("a", "o")
    assert finding.elements == ("a", "o")
    assert finding.message.startswith(
        "Pilen fra »Ugentlige hjemmebesøg« til »Besøg gennemført« mangler en antagelse."
    )
    toc.link("a", "o").assumption = "Borgerne lukker medarbejderne ind"
    assert validate(toc) == []


def test_duplicate_texts_found_and_cleared():
    toc = complete()
    toc.add_element(
        "long_term_outcome", "  borgeren  BEVARER boligen ", id="l2", indicators=[indicator()]
    )
    toc.add_link("s", "l2", "Samme som før")
    (finding,) = rules(toc)["duplicate_text"]
    assert finding.elements == ("l", "l2")
    assert "står i 2 elementer" in finding.message
    toc.element("l2").text = "Borgeren får et netværk"
    assert validate(toc) == []


def test_empty_fields_found_and_cleared():
    toc = complete()
    toc.title = ""
    toc.context = " "
    toc.element("o").text = ""
    toc.element("s").indicators[0].who = ""
    found = rules(toc)
    assert [(f.field, f.message) for f in found["empty_field"]] == [
        ("title", "Feltet »titel« er tomt. Udfyld det, så andre kan se, hvad "
                  "forandringsteorien handler om."),
        ("context", "Feltet »kontekst« er tomt. Udfyld det, så andre kan se, hvad "
                    "forandringsteorien handler om."),
    ]  # fmt: skip
    (empty_text,) = found["empty_text"]
    assert empty_text.elements == ("o",) and empty_text.severity is Severity.ERROR
    (empty_indicator,) = found["empty_indicator_field"]
    assert empty_indicator.field == "who"
    assert empty_indicator.message == (
        "Indikator nr. 1 på »Husleje betalt til tiden« mangler »af hvem«. Udfyld feltet."
    )
    toc.title, toc.context = "Bostøtte", "Kommunen"
    toc.element("o").text = "Besøg gennemført"
    toc.element("s").indicators[0].who = "Bostøttemedarbejderen"
    assert validate(toc) == []


def test_indicator_on_activity_found_and_cleared():
    toc = complete()
    toc.element("a").indicators = [indicator()]
    assert rules(toc)["indicator_misplaced"][0].elements == ("a",)
    toc.element("a").indicators = []
    toc.element("o").indicators = [indicator()]  # outputs may carry indicators
    assert validate(toc) == []


def test_errors_come_before_warnings_and_every_rule_has_a_message():
    toc = complete()
    toc.title = ""
    toc.link("a", "o").assumption = ""
    toc.add_element("activity", "Løs aktivitet", id="a2")
    findings = validate(toc)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=[Severity.ERROR, Severity.WARNING].index)
    assert [f.rule for f in errors(findings)] == ["activity_without_outcome"]
    assert set(RULES) == {
        "structure", "cycle", "backward_link", "empty_text", "activity_without_outcome",
        "unreachable_outcome", "missing_indicator", "indicator_misplaced",
        "empty_indicator_field", "missing_assumption", "duplicate_text", "empty_field",
    }  # fmt: skip


@pytest.mark.parametrize("rule", [r for r in RULES if r != "structure"])
def test_every_rule_message_is_in_the_catalog(rule):
    from vidensbasering.i18n import catalog

    assert f"rule_{rule}" in catalog()["forandringsteori"]


def test_lists_changed_in_place_give_one_structure_error():
    toc = complete()
    toc.elements.pop()  # "l" is gone, but the link s → l is still there
    (finding,) = validate(toc)
    assert finding.rule == "structure" and finding.severity is Severity.ERROR
    assert finding.message == (
        'Pilen fra "s" til "l" peger på "l", som ikke er et element. Ret id\'et, eller slet pilen.'
    )
    toc.links.pop()
    toc.add_element(
        "long_term_outcome", "Borgeren bevarer boligen", id="l", indicators=[indicator()]
    )
    toc.add_link("s", "l", "s fører til l")
    assert validate(toc) == []
