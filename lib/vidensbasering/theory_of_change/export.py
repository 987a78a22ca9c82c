"""Export a theory of change: Markdown text, and the diagram as SVG or PNG (vl-convert).

JSON and YAML live on the model (:meth:`TheoryOfChange.to_json`, ``to_yaml``) because they are
its lossless form; the exports here are for reading and sharing and cannot be read back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from vidensbasering import charts
from vidensbasering.i18n import t
from vidensbasering.theory_of_change.diagram import diagram
from vidensbasering.theory_of_change.model import CHAIN, Indicator, TheoryOfChange
from vidensbasering.theory_of_change.validation import Finding

# CommonMark lets a backslash escape any ASCII punctuation; these would otherwise start emphasis,
# links, HTML, headings, tables or code inside the user's text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
# A leading "-", "+" or "1." / "1)" would start a (nested) list.
_LIST_START = re.compile(r"^([-+]|\d+[.)])(\s|$)")


def escape_markdown(text: str) -> str:
    """Collapse whitespace to single spaces and backslash-escape Markdown's active characters."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _LIST_START.sub(lambda m: m[1][:-1] + "\\" + m[1][-1] + m[2], escaped)


def _indicator(indicator: Indicator) -> str:
    details = [
        f"{t(f'forandringsteori.field_{field}')}: {escape_markdown(value)}"
        for field in ("how", "when", "who", "data_source")
        if (value := getattr(indicator, field)).strip()
    ]
    what = escape_markdown(indicator.what) or t("forandringsteori.md_empty")
    label = t("forandringsteori.md_indicator")
    return f"{label}: {what}" + (f" ({'; '.join(details)})" if details else "")


def to_markdown(toc: TheoryOfChange, findings: Sequence[Finding] | None = None) -> str:
    """The whole theory of change as a Danish Markdown document.

    Layout: title (``#``); problem statement, target group and context; the chain with one ``###``
    section per kind in chain order (elements as bullets, indicators as sub-bullets); the
    assumptions numbered as in the diagram; with ``findings`` given, a section listing them (or
    saying there are none). User text is escaped, so it cannot change the document's structure.

    Args:
        toc: the theory of change.
        findings: validation findings to include, or ``None`` to leave the section out.

    Returns:
        Markdown text ending in a newline.
    """
    empty = t("forandringsteori.md_empty")
    title = escape_markdown(toc.title) or t("forandringsteori.diagram_untitled")
    out = [f"# {title}", ""]
    for field in ("problem_statement", "target_group", "context"):
        text = escape_markdown(getattr(toc, field)) or empty
        out += [f"**{t(f'forandringsteori.md_{field}')}:** {text}", ""]

    out += [f"## {t('forandringsteori.md_chain')}", ""]
    for kind in CHAIN:
        out += [f"### {kind.column_title}", ""]
        elements = toc.elements_of(kind)
        if not elements:
            out += [t("forandringsteori.md_none"), ""]
            continue
        for element in elements:
            out.append(f"- {escape_markdown(element.text) or empty}")
            out += [f"  - {_indicator(indicator)}" for indicator in element.indicators]
        out.append("")

    if toc.links:
        texts = {e.id: escape_markdown(e.text) or e.id for e in toc.elements}
        out += [f"## {t('forandringsteori.diagram_assumptions')}", ""]
        for n, link in enumerate(toc.links, start=1):
            assumption = escape_markdown(link.assumption) or t(
                "forandringsteori.diagram_missing_assumption"
            )
            out.append(f"{n}. {texts[link.source]} → {texts[link.target]}: {assumption}")
        out.append("")

    if findings is not None:
        out += [f"## {t('forandringsteori.md_findings')}", ""]
        if not findings:
            out += [t("forandringsteori.md_no_findings"), ""]
        else:
            out += [f"- **{f.severity.label}:** {escape_markdown(f.message)}" for f in findings]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def to_svg(toc: TheoryOfChange, findings: Sequence[Finding] = ()) -> str:
    """The diagram (see :func:`.diagram.diagram`) as an SVG document with da-DK formats."""
    return charts.to_svg(diagram(toc, findings))


def to_png(toc: TheoryOfChange, findings: Sequence[Finding] = (), scale: float = 2.0) -> bytes:
    """The diagram as PNG bytes; ``scale`` multiplies the pixel size (2 suits print and slides)."""
    return charts.to_png(diagram(toc, findings), scale=scale)


# -- tables for notebooks and apps ----------------------------------------------------------------


def findings_table(toc: TheoryOfChange, findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings as a table with Danish headings: severity, elements (their texts), message.

    Returns:
        ``pd.DataFrame`` with one row per finding and string columns *Alvor*, *Elementer*,
        *Hvad skal rettes*; empty (with those columns) when there are no findings.
    """
    texts = {e.id: " ".join(e.text.split()) or e.id for e in toc.elements}
    rows = [
        (f.severity.label, "; ".join(texts.get(i, i) for i in f.elements), f.message)
        for f in findings
    ]
    columns = [t(f"forandringsteori.col_{c}") for c in ("severity", "elements", "message")]
    return pd.DataFrame(rows, columns=columns, dtype="string")


def assumptions_table(toc: TheoryOfChange) -> pd.DataFrame:
    """The arrows and their assumptions: columns *Fra*, *Til*, *Antagelse*, numbered from 1.

    Returns:
        ``pd.DataFrame`` of strings, index 1..n in link order (the numbers of the diagram).
    """
    texts = {e.id: " ".join(e.text.split()) or e.id for e in toc.elements}
    rows = [(texts[x.source], texts[x.target], x.assumption.strip()) for x in toc.links]
    columns = [t(f"forandringsteori.col_{c}") for c in ("from", "to", "assumption")]
    frame = pd.DataFrame(rows, columns=columns, dtype="string")
    frame.index = pd.RangeIndex(1, len(rows) + 1)
    return frame


def indicators_table(toc: TheoryOfChange) -> pd.DataFrame:
    """Every indicator with its element: *Element*, *Type*, *Hvad måles*, … , *Datakilde*.

    Returns:
        ``pd.DataFrame`` of strings, one row per indicator, in element order.
    """
    fields = ("what", "how", "when", "who", "data_source")
    rows = [
        (element.text, element.kind.label, *(getattr(indicator, f) for f in fields))
        for element in toc.elements
        for indicator in element.indicators
    ]
    columns = [t(f"forandringsteori.col_{c}") for c in ("element", "kind", *fields)]
    return pd.DataFrame(rows, columns=columns, dtype="string")
