"""Editing a theory of change from forms: choices, labels, edits, messages and files.

What the app "Opstil en forandringsteori" (:mod:`vidensbasering.apps.forandringsteori`) does to
the model when a participant adds, edits or deletes an element, an indicator or a link, opens a
file or asks for a download, without widgets: the app makes one call here per action and shows
what comes back. Edits check the new value in full before they change anything, and errors
carry a Danish message (``str(error)``, or :func:`message_of` for the model's own errors).
Every text comes from the ``forandringsteori`` section of the UI catalog.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from pydantic import ValidationError

from vidensbasering.files import Download
from vidensbasering.i18n import t
from vidensbasering.theory_of_change.examples import list_examples, load_example
from vidensbasering.theory_of_change.export import to_markdown, to_png, to_svg
from vidensbasering.theory_of_change.model import (
    CHAIN,
    Element,
    ElementKind,
    Indicator,
    Link,
    TheoryOfChange,
    TheoryOfChangeFileError,
    danish_errors,
)
from vidensbasering.theory_of_change.validation import Finding, Severity, validate

#: Value of the "new element" choice (element ids are never empty).
NEW_ELEMENT = ""
#: Value of the "new indicator" and "new link" choices (list positions are never negative).
NEW_ITEM = -1

#: Frame fields in the order the form shows them; the long ones get a text area.
FRAME_FIELDS = ("title", "problem_statement", "target_group", "context")
LONG_FRAME_FIELDS = ("problem_statement", "context")
INDICATOR_FIELDS = ("what", "how", "when", "who", "data_source")

#: Longest element or indicator text shown in a drop-down list, in characters.
LABEL_CHARS = 60

#: Download formats: file suffix and media type.
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("json", "application/json"),
    "png": ("png", "image/png"),
    "svg": ("svg", "image/svg+xml"),
    "md": ("md", "text/markdown"),
}


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def element_label(element: Element) -> str:
    """Label of an element in a drop-down list, e.g. ``"Aktivitet: Fast kontaktperson"``."""
    text = short(element.text) or t("forandringsteori.app_untitled_element")
    return f"{element.kind.label.capitalize()}: {text}"


def element_name(element: Element) -> str:
    """An element's text for a message (shortened), or the Danish "(uden tekst)"."""
    return short(element.text) or t("forandringsteori.app_untitled_element")


def element_options(toc: TheoryOfChange) -> list[tuple[str, str]]:
    """``(label, id)`` of every element, in chain order (resources first), then as added."""
    return [(element_label(e), e.id) for kind in CHAIN for e in toc.elements_of(kind)]


def link_options(toc: TheoryOfChange) -> list[tuple[str, int]]:
    """``(label, position)`` of every link, numbered from 1 as in the diagram."""
    names = {e.id: short(e.text, 28) or e.id for e in toc.elements}
    return [
        (f"{n}. {names[x.source]} → {names[x.target]}", n - 1)
        for n, x in enumerate(toc.links, start=1)
    ]


def indicator_options(element: Element) -> list[tuple[str, int]]:
    """``(label, position)`` of an element's indicators, numbered from 1."""
    return [
        (f"{n}. {short(i.what) or t('forandringsteori.md_empty')}", n - 1)
        for n, i in enumerate(element.indicators, start=1)
    ]


def takes_indicators(kind: ElementKind) -> bool:
    """True for the kinds whose results are measured: outputs and outcomes (see validation)."""
    return kind not in (ElementKind.RESOURCE, ElementKind.ACTIVITY)


def message_of(error: Exception) -> str:
    """Danish text of an error from the model: pydantic errors via :func:`danish_errors`."""
    if isinstance(error, TheoryOfChangeFileError):
        return " ".join(error.messages)
    if isinstance(error, ValidationError):
        return " ".join(danish_errors(error))
    return str(error)


def add_element(toc: TheoryOfChange, kind: ElementKind | str, text: str) -> Element:
    """Append an element with a generated id.

    Raises:
        ValueError: with a Danish message: empty text, or a text longer than the model allows.
    """
    if not text.strip():
        raise ValueError(t("forandringsteori.app_err_empty_text"))
    return toc.add_element(kind, text.strip())


def update_element(
    toc: TheoryOfChange, element_id: str, kind: ElementKind | str, text: str
) -> Element:
    """Give an element a new kind and text, keeping its id, place, links and indicators.

    The new element is checked in full before it replaces the old one, so a bad value changes
    nothing.

    Raises:
        KeyError: no element ``element_id``.
        ValueError: with a Danish message: empty text, unknown kind or too long a text.
    """
    if not text.strip():
        raise ValueError(t("forandringsteori.app_err_empty_text"))
    old = toc.element(element_id)
    new = Element(id=old.id, kind=kind, text=text.strip(), indicators=old.indicators)
    toc.elements[toc.elements.index(old)] = new
    return new


def save_link(
    toc: TheoryOfChange, position: int, source: str | None, target: str | None, assumption: str
) -> Link:
    """Add a link (``position`` :data:`NEW_ITEM`) or replace the link at ``position``.

    A replaced link keeps its number in the diagram.

    Raises:
        ValueError: with a Danish message naming the elements: an end not chosen, a link from
            an element to itself, a link that already exists, or a bad value.
        IndexError: ``position`` is not a link.
    """
    if not source or not target:
        raise ValueError(t("forandringsteori.app_err_link_ends"))
    if source == target:
        raise ValueError(t("forandringsteori.app_err_self_link"))
    new = Link(source=source, target=target, assumption=assumption.strip())
    links = list(toc.links)
    if position == NEW_ITEM:
        links.append(new)
    else:
        links[position] = new
    others = [x for x in links if x is not new]
    if any((x.source, x.target) == (source, target) for x in others):
        raise ValueError(
            t(
                "forandringsteori.app_err_duplicate_link",
                source=element_name(toc.element(source)),
                target=element_name(toc.element(target)),
            )
        )
    toc.links = links  # validated on assignment (ends exist)
    return new


def save_indicator(
    toc: TheoryOfChange, element_id: str, position: int, indicator: Indicator
) -> Indicator:
    """Add an indicator to an element (``position`` :data:`NEW_ITEM`) or replace one.

    Raises:
        KeyError: no element ``element_id``. IndexError: ``position`` is not an indicator.
        ValueError: with a Danish message when "what is measured" is empty.
    """
    if not indicator.what.strip():
        raise ValueError(t("forandringsteori.app_err_empty_what"))
    element = toc.element(element_id)
    indicators = list(element.indicators)
    if position == NEW_ITEM:
        indicators.append(indicator)
    else:
        indicators[position] = indicator
    element.indicators = indicators
    return indicator


def remove_indicator(toc: TheoryOfChange, element_id: str, position: int) -> Indicator:
    """Remove and return the indicator at ``position`` of an element.

    Raises:
        KeyError: no element ``element_id``. IndexError: ``position`` is not an indicator.
    """
    element = toc.element(element_id)
    indicators = list(element.indicators)
    removed = indicators.pop(position)
    element.indicators = indicators
    return removed


def read_upload(data: bytes) -> TheoryOfChange:
    """Read an uploaded JSON file (bytes held in memory only).

    Raises:
        TheoryOfChangeFileError: not a theory of change; ``messages`` say what to fix, in Danish.
    """
    return TheoryOfChange.from_json(data)


def file_stem(title: str) -> str:
    """File name stem from the title: ``forandringsteori-<title in ASCII>``, at most 60 characters.

    Danish letters are spelt out (æ → ae, ø → oe, å → aa), other accents dropped, anything else
    but letters and digits becomes one ``-``. An empty or symbol-only title gives the bare stem.
    """
    text = title.casefold()
    for letter, spelt in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ß", "ss")):
        text = text.replace(letter, spelt)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    stem = t("forandringsteori.app_file_stem")
    return f"{stem}-{slug}"[:60].rstrip("-") if slug else stem


def export(toc: TheoryOfChange, fmt: str, findings: Sequence[Finding] | None = None) -> Download:
    """Build one download of the theory of change in memory.

    Args:
        toc: the theory of change.
        fmt: ``"json"`` (lossless; can be uploaded again), ``"png"`` (the diagram at twice its
            pixel size), ``"svg"`` (the diagram) or ``"md"`` (Markdown text with the findings).
        findings: validation findings of ``toc`` (computed when omitted); the diagram marks
            elements with errors as on screen.

    Returns:
        A :class:`Download` named after the title, e.g. ``forandringsteori-min-indsats.json``.

    Raises:
        ValueError: unknown ``fmt``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {sorted(FORMATS)}")
    if findings is None:
        findings = validate(toc)
    suffix, mime = FORMATS[fmt]
    if fmt == "json":
        data = toc.to_json().encode("utf-8")
    elif fmt == "md":
        data = to_markdown(toc, findings).encode("utf-8")
    elif fmt == "svg":
        data = to_svg(toc, findings).encode("utf-8")
    else:
        data = to_png(toc, findings)
    return Download(f"{file_stem(toc.title)}.{suffix}", mime, data)


def diagram_key(toc: TheoryOfChange, findings: Sequence[Finding]) -> str:
    """What the diagram shows, as a string: equal keys draw the same diagram.

    The diagram shows the title, the elements, the links, and which elements have an error; it
    does not show the problem statement, target group or context.
    """
    shown = toc.model_dump_json(include={"title", "elements", "links"})
    flagged = sorted({e for f in findings if f.severity is Severity.ERROR for e in f.elements})
    return shown + "|" + ",".join(flagged)


@cache
def example_titles() -> dict[str, str]:
    """Name → title of each shipped example (read once)."""
    return {name: load_example(name).title for name in list_examples()}


def start_options() -> list[tuple[str, str]]:
    """``(label, value)`` of each starting point: empty (value ``""``), then each example."""
    examples = [
        (t("forandringsteori.app_start_example", title=title), name)
        for name, title in example_titles().items()
    ]
    return [(t("forandringsteori.app_start_empty"), ""), *examples]


def delete_element(toc: TheoryOfChange, element_id: str) -> Element:
    """Remove an element and every link to or from it; return the element removed.

    Raises:
        KeyError: no element ``element_id``.
    """
    element = toc.element(element_id)
    toc.remove_element(element_id)
    return element


def delete_link(toc: TheoryOfChange, position: int) -> Link:
    """Remove and return the link at ``position`` (numbered from 0, as in :func:`link_options`).

    Raises:
        IndexError: ``position`` is not a link.
    """
    link = toc.links[position]
    toc.remove_link(link.source, link.target)
    return link
