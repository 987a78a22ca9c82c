"""Check that a theory of change hangs together; return findings with Danish advice.

The rules follow Socialstyrelsen's description of a theory of change (FACTS §2): a one-way chain
ressourcer → aktiviteter → leverancer → resultater → langsigtede virkninger, whose arrows carry
described critical assumptions, and whose outcomes are followed up (so they need indicators).

Severity:
    ``error``: the chain itself is broken (ids or links that do not fit together, a loop, an
    arrow backwards, an activity that leads to no outcome, an outcome nothing leads to, a box
    without text).
    ``warning``: the description is incomplete (no indicator, no assumption, empty frame fields,
    duplicate texts, half-filled indicators, indicators on resources or activities).

Graph work uses networkx: strongly connected components for loops, multi-source breadth-first
search for reachability, so one validation is linear in elements + links.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx
from pydantic_core import PydanticCustomError

from vidensbasering.i18n import t
from vidensbasering.theory_of_change.model import ElementKind, TheoryOfChange, check_structure


class Severity(StrEnum):
    """How serious a finding is: ``error`` breaks the chain, ``warning`` leaves it incomplete."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """Danish label, e.g. ``"Fejl"``."""
        return t(f"forandringsteori.severity_{self.value}")


#: Every rule, its severity, in the order findings are reported (errors first).
RULES: dict[str, Severity] = {
    "structure": Severity.ERROR,
    "cycle": Severity.ERROR,
    "backward_link": Severity.ERROR,
    "empty_text": Severity.ERROR,
    "activity_without_outcome": Severity.ERROR,
    "unreachable_outcome": Severity.ERROR,
    "missing_indicator": Severity.WARNING,
    "indicator_misplaced": Severity.WARNING,
    "empty_indicator_field": Severity.WARNING,
    "missing_assumption": Severity.WARNING,
    "duplicate_text": Severity.WARNING,
    "empty_field": Severity.WARNING,
}

_FRAME_FIELDS = ("title", "problem_statement", "target_group", "context")
_INDICATOR_FIELDS = ("what", "how", "when", "who", "data_source")


@dataclass(frozen=True)
class Finding:
    """One problem found by :func:`validate`.

    Attributes:
        rule: key of :data:`RULES`, e.g. ``"missing_indicator"``.
        severity: from :data:`RULES`.
        message: Danish sentence naming the element(s) and saying how to fix it.
        elements: ids of the elements concerned (empty for frame fields).
        link: ``(source, target)`` for findings about one arrow, else ``None``.
        field: the empty field (``"title"``, ``"what"`` …) for empty-field findings, else ``None``.
    """

    rule: str
    message: str
    elements: tuple[str, ...] = ()
    link: tuple[str, str] | None = None
    field: str | None = None

    @property
    def severity(self) -> Severity:
        """Severity of the rule (see :data:`RULES`)."""
        return RULES[self.rule]


def to_graph(toc: TheoryOfChange) -> nx.DiGraph:
    """The chain as a directed graph.

    Returns:
        ``nx.DiGraph`` with one node per element id (attributes ``kind``: ElementKind, ``text``:
        str) and one edge per link (attribute ``assumption``: str), in the model's order.
    """
    graph = nx.DiGraph()
    for element in toc.elements:
        graph.add_node(element.id, kind=element.kind, text=element.text)
    for link in toc.links:
        graph.add_edge(link.source, link.target, assumption=link.assumption)
    return graph


def _name(toc_texts: dict[str, str], element_id: str) -> str:
    text = " ".join(toc_texts.get(element_id, "").split())
    if not text:
        return t("forandringsteori.unnamed_element", id=element_id)
    return f"»{text if len(text) <= 60 else text[:59] + '…'}«"


def _reachable(graph: nx.DiGraph, sources: list[str]) -> set[str]:
    """Nodes reachable from any of ``sources`` by one or more arrows (sources only via a loop)."""
    if not sources:
        return set()
    starts = {succ for s in sources for succ in graph.successors(s)}
    if not starts:
        return set()
    return set(itertools.chain.from_iterable(nx.bfs_layers(graph, starts)))


def validate(toc: TheoryOfChange) -> list[Finding]:
    """Check a theory of change against every rule in :data:`RULES`.

    Args:
        toc: a structurally valid theory of change (any state of completion).

    Returns:
        Findings, errors before warnings, then by rule order in :data:`RULES`, then by element
        order. An empty list means nothing to fix. If the lists were changed in place so that ids
        repeat or a link points at a missing element, the only finding is one ``structure`` error
        saying which (the other rules need a sound graph).
    """
    try:
        # The model checks this on construction, but lists can be changed in place afterwards.
        check_structure(toc.elements, toc.links)
    except PydanticCustomError as exc:
        return [Finding("structure", exc.message())]
    graph = to_graph(toc)
    texts = {e.id: e.text for e in toc.elements}
    kinds = {e.id: e.kind for e in toc.elements}
    findings: list[Finding] = []

    def add(
        rule: str,
        elements: tuple[str, ...] = (),
        link: tuple[str, str] | None = None,
        field: str | None = None,
        **values: object,
    ) -> None:
        message = t(f"forandringsteori.rule_{rule}", **values)
        findings.append(Finding(rule, message, elements, link, field))

    # Loops: every strongly connected component with more than one node, or a self-loop.
    order = {e.id: i for i, e in enumerate(toc.elements)}
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1 and not any(graph.has_edge(n, n) for n in component):
            continue
        start = min(component, key=order.__getitem__)
        cycle = nx.find_cycle(graph.subgraph(component), source=start)
        path = [edge[0] for edge in cycle] + [cycle[-1][1]]
        add(
            "cycle",
            tuple(sorted(component, key=order.__getitem__)),
            path=" → ".join(_name(texts, n) for n in path),
        )

    # Arrows that go backwards along the chain.
    for link in toc.links:
        a, b = kinds[link.source], kinds[link.target]
        if b.rank < a.rank:
            add(
                "backward_link",
                (link.source, link.target),
                source=_name(texts, link.source),
                target=_name(texts, link.target),
                source_kind=a.label,
                target_kind=b.label,
                link=(link.source, link.target),
            )

    for element in toc.elements:
        if not element.text.strip():
            add("empty_text", (element.id,), id=element.id, kind=element.kind.label)

    outcomes = [e.id for e in toc.elements if e.kind.is_outcome]
    activities = [e.id for e in toc.elements if e.kind is ElementKind.ACTIVITY]
    leads_to_outcome = _reachable(graph.reverse(copy=False), outcomes)
    for element_id in activities:
        if element_id not in leads_to_outcome:
            add("activity_without_outcome", (element_id,), name=_name(texts, element_id))
    reached = _reachable(graph, activities)
    for element_id in outcomes:
        if element_id not in reached:
            add(
                "unreachable_outcome",
                (element_id,),
                name=_name(texts, element_id),
                kind=kinds[element_id].label,
            )

    for element in toc.elements:
        name = _name(texts, element.id)
        if element.kind.is_outcome and not element.indicators:
            add("missing_indicator", (element.id,), name=name, kind=element.kind.label)
        if element.indicators and element.kind in (ElementKind.RESOURCE, ElementKind.ACTIVITY):
            add("indicator_misplaced", (element.id,), name=name, kind=element.kind.label)
        for n, indicator in enumerate(element.indicators, start=1):
            for field in _INDICATOR_FIELDS:
                if not getattr(indicator, field).strip():
                    add(
                        "empty_indicator_field",
                        (element.id,),
                        name=name,
                        n=n,
                        label=t(f"forandringsteori.field_{field}"),
                        field=field,
                    )

    for link in toc.links:
        if not link.assumption.strip():
            add(
                "missing_assumption",
                (link.source, link.target),
                source=_name(texts, link.source),
                target=_name(texts, link.target),
                link=(link.source, link.target),
            )

    by_text: dict[str, list[str]] = defaultdict(list)
    for element in toc.elements:
        key = " ".join(element.text.casefold().split())
        if key:
            by_text[key].append(element.id)
    for ids in by_text.values():
        if len(ids) > 1:
            add("duplicate_text", tuple(ids), name=_name(texts, ids[0]), n=len(ids))

    for field in _FRAME_FIELDS:
        if not getattr(toc, field).strip():
            add("empty_field", label=t(f"forandringsteori.field_{field}"), field=field)

    rule_order = list(RULES)
    severity_order = list(Severity)
    findings.sort(key=lambda f: (severity_order.index(f.severity), rule_order.index(f.rule)))
    return findings


def errors(findings: list[Finding]) -> list[Finding]:
    """Only the findings with severity ``error``."""
    return [f for f in findings if f.severity is Severity.ERROR]
