"""Typed model of a theory of change (forandringsteori) and its JSON/YAML form.

A theory of change is a cause-and-effect chain for one target group (Socialstyrelsen's chain
*ressourcer → aktiviteter → leverancer → resultater → langsigtede virkninger*; the arrows carry the
critical assumptions). In this model the chain has five kinds of element, in order:

=====================  =================================  ======
kind                   Danish                             column
=====================  =================================  ======
``resource``           ressource                          0
``activity``           aktivitet                          1
``output``             leverance                          2
``short_term_outcome`` kortsigtet resultat                3
``long_term_outcome``  langsigtet virkning / gevinst      4
=====================  =================================  ======

Links run from one element to another and carry an assumption (why A leads to B). The model checks
structure only (field names and types, unique ids, links that point at existing elements); whether
the chain makes sense is the job of :mod:`.validation`, so an unfinished theory can still be held,
saved and shown.

Sources: Socialstyrelsen, "Forandringsteori" (udbredelse af hjemløsestrategien); frivillighed.dk,
"Guide til forandringsteori" (see FACTS §2).
"""

from __future__ import annotations

import difflib
import json
import re
from enum import StrEnum
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from vidensbasering.i18n import catalog, t

#: Largest file :func:`TheoryOfChange.from_json` / ``from_yaml`` accepts, in bytes (a 60-element
#: theory with indicators and assumptions is about 40 kB).
MAX_FILE_BYTES = 1_000_000

#: Longest text accepted in any one field, in characters.
MAX_TEXT_CHARS = 5_000

_ID_PATTERN = r"^[\w-]{1,64}$"


class ElementKind(StrEnum):
    """The five links of the chain, in causal order (see module docstring)."""

    RESOURCE = "resource"
    ACTIVITY = "activity"
    OUTPUT = "output"
    SHORT_TERM_OUTCOME = "short_term_outcome"
    LONG_TERM_OUTCOME = "long_term_outcome"

    @property
    def rank(self) -> int:
        """Position in the chain: 0 (resource) … 4 (long-term outcome)."""
        return CHAIN.index(self)

    @property
    def is_outcome(self) -> bool:
        """True for short- and long-term outcomes (the elements that need indicators)."""
        return self in (ElementKind.SHORT_TERM_OUTCOME, ElementKind.LONG_TERM_OUTCOME)

    @property
    def label(self) -> str:
        """Danish name of one element of this kind, e.g. ``"aktivitet"``."""
        return t(f"forandringsteori.kind_{self.value}")

    @property
    def column_title(self) -> str:
        """Danish column heading for this kind, e.g. ``"Aktiviteter"``."""
        return t(f"forandringsteori.column_{self.value}")


#: The chain in causal order.
CHAIN: tuple[ElementKind, ...] = tuple(ElementKind)

_Text = Field(default="", max_length=MAX_TEXT_CHARS)


class _Strict(BaseModel):
    # Unknown fields are an error (a typo in an uploaded file must not vanish silently).
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Indicator(_Strict):
    """How an outcome is measured: what, how, when, by whom and from which data source.

    Every field is a free Danish text; empty fields are allowed here and reported by validation.
    A misspelled field (``Indicator(hvad="...")``) raises pydantic's ``ValidationError``; in an
    exercise :mod:`vidensbasering.hints` shows it in Danish with :func:`danish_errors`.
    """

    what: str = _Text
    how: str = _Text
    when: str = _Text
    who: str = _Text
    data_source: str = _Text


class Element(_Strict):
    """One box in the chain.

    Attributes:
        id: stable identifier used by links; 1–64 letters, digits, ``_`` or ``-``.
        kind: the element's place in the chain.
        text: what the box says, in the user's words.
        indicators: how the element is measured (expected on outcomes; see validation).
    """

    id: str = Field(pattern=_ID_PATTERN)
    kind: ElementKind
    text: str = _Text
    indicators: list[Indicator] = Field(default_factory=list)


class Link(_Strict):
    """An arrow from ``source`` to ``target`` (element ids) with the assumption behind it."""

    source: str = Field(pattern=_ID_PATTERN)
    target: str = Field(pattern=_ID_PATTERN)
    assumption: str = _Text


class TheoryOfChange(_Strict):
    """A whole theory of change: the frame (title, problem, target group, context) and the chain.

    Construction checks structure and raises :class:`pydantic.ValidationError` naming the field on
    unknown fields, wrong kinds or types, duplicate element ids, links to missing elements and
    duplicate links. Turn such an error into Danish sentences with :func:`danish_errors`.

    Serialisation is lossless: ``TheoryOfChange.from_json(toc.to_json()) == toc`` (same for YAML).
    """

    format_version: Literal[1] = 1
    title: str = _Text
    problem_statement: str = _Text
    target_group: str = _Text
    context: str = _Text
    elements: list[Element] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_structure(self) -> TheoryOfChange:
        check_structure(self.elements, self.links)
        return self

    # -- look-ups -------------------------------------------------------------------------------

    def element(self, element_id: str) -> Element:
        """Return the element with ``element_id``.

        Raises:
            UnknownIdError: (a ``KeyError``) with a Danish message listing the ids that exist and
                the closest one.
        """
        for element in self.elements:
            if element.id == element_id:
                return element
        ids = [e.id for e in self.elements]
        raise UnknownIdError(
            element_id,
            t(
                "forandringsteori_fejl.unknown_element",
                id=element_id,
                suggestion=_suggestion(str(element_id), ids),
                ids=_listing(ids),
            ),
        )

    def elements_of(self, kind: ElementKind | str) -> list[Element]:
        """Elements of one kind, in the order they were added (kind as in :func:`element_kind`)."""
        kind = element_kind(kind)
        return [e for e in self.elements if e.kind is kind]

    def link(self, source: str, target: str) -> Link:
        """Return the link ``source → target``.

        Raises:
            UnknownIdError: (a ``KeyError``) with a Danish message listing the links that exist.
        """
        for link in self.links:
            if (link.source, link.target) == (source, target):
                return link
        arrows = [f"{x.source} → {x.target}" for x in self.links]
        raise UnknownIdError(
            (source, target),
            t(
                "forandringsteori_fejl.unknown_link",
                source=source,
                target=target,
                links=_listing(arrows),
            ),
        )

    # -- building -------------------------------------------------------------------------------

    def add_element(
        self,
        kind: ElementKind | str,
        text: str,
        *,
        id: str | None = None,
        indicators: list[Indicator] | None = None,
    ) -> Element:
        """Append an element and return it.

        Args:
            kind: an :class:`ElementKind`, its value (``"activity"``) or its Danish label
                (``"aktivitet"``); see :func:`element_kind`.
            text: the box text.
            id: identifier; by default ``<kind>-<n>`` with the first free ``n``.
            indicators: indicators for the element (usually an outcome).

        Raises:
            ValueError: with a Danish message for an unknown kind (naming the closest valid one),
                a bad id or text (:class:`TheoryOfChangeError`), or an id that is taken.
        """
        kind = element_kind(kind)
        if id is None:
            taken = {e.id for e in self.elements}
            n = 1
            while f"{kind}-{n}" in taken:
                n += 1
            id = f"{kind}-{n}"
        try:
            element = Element(id=id, kind=kind, text=text, indicators=indicators or [])
        except ValidationError as exc:
            raise TheoryOfChangeError(danish_errors(exc)) from None
        _check_structure_plain([*self.elements, element], self.links)
        self.elements.append(element)
        return element

    def add_link(self, source: str, target: str, assumption: str = "") -> Link:
        """Append the link ``source → target`` with its assumption and return it.

        Raises:
            ValueError: with a Danish message if an end is not an element or the link exists.
        """
        try:
            link = Link(source=source, target=target, assumption=assumption)
        except ValidationError as exc:
            raise TheoryOfChangeError(danish_errors(exc)) from None
        _check_structure_plain(self.elements, [*self.links, link])
        self.links.append(link)
        return link

    def remove_element(self, element_id: str) -> None:
        """Remove an element and every link to or from it; ``KeyError`` if it does not exist."""
        element = self.element(element_id)
        self.links = [x for x in self.links if element_id not in (x.source, x.target)]
        self.elements = [e for e in self.elements if e is not element]

    def remove_link(self, source: str, target: str) -> None:
        """Remove the link ``source → target``; ``KeyError`` if it does not exist."""
        link = self.link(source, target)
        self.links = [x for x in self.links if x is not link]

    # -- serialisation --------------------------------------------------------------------------

    def to_json(self, indent: int | None = 2) -> str:
        """Serialise to a JSON string (UTF-8 text, Danish letters kept as they are)."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=indent)

    def to_yaml(self) -> str:
        """Serialise to a YAML string (block style, keys in model order)."""
        return yaml.safe_dump(
            self.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=100
        )

    @classmethod
    def from_json(cls, data: str | bytes) -> TheoryOfChange:
        """Read a theory of change from JSON text or bytes.

        Raises:
            TheoryOfChangeFileError: too large, not JSON, or not a valid theory of change; its
                ``messages`` are Danish sentences saying what to fix.
        """
        _check_size(data)
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            raise TheoryOfChangeFileError(_file_errors(exc)) from exc

    @classmethod
    def from_yaml(cls, data: str | bytes) -> TheoryOfChange:
        """Read a theory of change from YAML text or bytes (same errors as :meth:`from_json`)."""
        _check_size(data)
        try:
            raw = yaml.safe_load(data)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else "?"
            message = t("forandringsteori.err_yaml_invalid", line=line)
            raise TheoryOfChangeFileError([message]) from exc
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise TheoryOfChangeFileError(_file_errors(exc)) from exc


class TheoryOfChangeError(ValueError):
    """A student's or user's call the model cannot take, with Danish sentences saying what to fix.

    Attributes:
        messages: one Danish sentence per problem.
    """

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__(t("forandringsteori_fejl.invalid", messages=" ".join(messages)))


class UnknownIdError(KeyError):
    """No element or link with the id asked for; ``str()`` is a Danish sentence listing those that
    exist. A ``KeyError`` so ``except KeyError`` still catches it; ``args[0]`` is the id asked for.
    """

    def __init__(self, key: object, message: str) -> None:
        super().__init__(key)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _listing(items: list[str]) -> str:
    return ", ".join(f'"{i}"' for i in items) if items else t("forandringsteori_fejl.none")


def _suggestion(wrong: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(wrong.casefold(), candidates, n=1, cutoff=0.6)
    return t("forandringsteori_fejl.did_you_mean", closest=close[0]) if close else ""


def element_kind(kind: ElementKind | str) -> ElementKind:
    """The :class:`ElementKind` for a kind given as an enum, its value or its Danish label.

    Accepts ``"activity"`` and ``"aktivitet"`` alike (case and surrounding spaces ignored), so a
    student can write the Danish names the course shows.

    Raises:
        ValueError: Danish message naming the closest valid kind (difflib) and all valid ones.
    """
    if isinstance(kind, ElementKind):
        return kind
    text = " ".join(str(kind).split()).casefold()
    names = {k.value: k for k in CHAIN} | {k.label.casefold(): k for k in CHAIN}
    names |= {k.value.replace("_", " "): k for k in CHAIN}
    if text in names:
        return names[text]
    danish = [k.label for k in CHAIN]
    raise ValueError(
        t(
            "forandringsteori_fejl.unknown_kind",
            kind=kind,
            suggestion=_suggestion(text, danish + [k.value for k in CHAIN]),
            allowed=_listing(danish),
        )
    )


class TheoryOfChangeFileError(ValueError):
    """A file could not be read as a theory of change.

    Attributes:
        messages: one Danish sentence per problem, each naming the field and saying what to fix.
    """

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def _file_errors(exc: ValidationError) -> list[str]:
    """Danish messages for a file; one message when nothing in it belongs to a theory of change."""
    errors = exc.errors(include_url=False)
    if errors and all(e["type"] == "extra_forbidden" and len(e["loc"]) == 1 for e in errors):
        fields = ", ".join(f'"{name}"' for name in TheoryOfChange.model_fields)
        return [t("forandringsteori.err_foreign_file", fields=fields)]
    return danish_errors(exc)


def _check_size(data: str | bytes) -> None:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_FILE_BYTES:
        raise TheoryOfChangeFileError(
            [t("forandringsteori.err_file_too_large", size=size, limit=MAX_FILE_BYTES)]
        )


def _check_structure_plain(elements: list[Element], links: list[Link]) -> None:
    """As :func:`check_structure` but raising a plain ``ValueError`` (for the builder methods)."""
    try:
        check_structure(elements, links)
    except PydanticCustomError as exc:
        raise ValueError(exc.message()) from None


def check_structure(elements: list[Element], links: list[Link]) -> None:
    """Check that ids are unique and every link joins two existing elements, at most once.

    Raises:
        pydantic_core.PydanticCustomError: (a ``ValueError``) with a Danish message naming the id
            or link; inside a pydantic validator it becomes part of a ``ValidationError``.
    """
    seen: set[str] = set()
    for element in elements:
        if element.id in seen:
            raise PydanticCustomError(
                "duplicate_id", t("forandringsteori.err_duplicate_id"), {"id": element.id}
            )
        seen.add(element.id)
    pairs: set[tuple[str, str]] = set()
    for link in links:
        for end in (link.source, link.target):
            if end not in seen:
                raise PydanticCustomError(
                    "unknown_link_end",
                    t("forandringsteori.err_unknown_link_end"),
                    {"id": end, "source": link.source, "target": link.target},
                )
        if (link.source, link.target) in pairs:
            raise PydanticCustomError(
                "duplicate_link",
                t("forandringsteori.err_duplicate_link"),
                {"source": link.source, "target": link.target},
            )
        pairs.add((link.source, link.target))


# -- pydantic errors in Danish ------------------------------------------------------------------

# Error types whose Danish template lives in the catalog as ``err_<type>``; the template may use
# {where}, {field}, {input} and {allowed}.
_KNOWN_ERROR_TYPES = {
    "missing",
    "extra_forbidden",
    "enum",
    "literal_error",
    "string_type",
    "list_type",
    "model_type",
    "dict_type",
    "string_pattern_mismatch",
    "string_too_long",
    "json_invalid",
    "json_type",
}

_LIST_FIELDS = {"elements": "where_element", "links": "where_link", "indicators": "where_indicator"}


def _where(loc: tuple[int | str, ...]) -> str:
    """Danish description of an error location, e.g. ``element nr. 3 › indikator nr. 1``."""
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(part, str) and part in _LIST_FIELDS and isinstance(nxt, int):
            parts.append(t(f"forandringsteori.{_LIST_FIELDS[part]}", n=nxt + 1))
            i += 2
            continue
        if isinstance(part, str):
            parts.append(_field_phrase(part))
        i += 1
    return " › ".join(parts) if parts else t("forandringsteori.where_file")


def _field_phrase(name: str) -> str:
    label = catalog()["forandringsteori"].get(f"field_{name}")
    if label is None:
        return t("forandringsteori.field_unknown", name=name)
    return t("forandringsteori.field_named", name=name, label=label)


def _short(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def danish_errors(exc: ValidationError) -> list[str]:
    """Turn a pydantic ``ValidationError`` about a theory of change into Danish sentences.

    Each sentence names where the problem is (element number, field name as in the file and its
    Danish label) and what to do. Unknown error types fall back to pydantic's own (English) text
    after the Danish location, so nothing is dropped.

    Args:
        exc: raised by :class:`TheoryOfChange` or one of its parts.

    Returns:
        One message per error, in the order pydantic reports them.
    """
    messages: list[str] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error.get("loc", ()))
        kind = error["type"]
        ctx = error.get("ctx") or {}
        where = _where(loc)
        if kind in {"duplicate_id", "unknown_link_end", "duplicate_link"}:
            messages.append(f"{where}: {error['msg']}" if loc else error["msg"])
        elif kind in _KNOWN_ERROR_TYPES:
            allowed = ", ".join(f'"{k.value}" ({k.label})' for k in CHAIN)
            if kind == "literal_error":
                allowed = str(ctx.get("expected", ""))
            messages.append(
                t(
                    f"forandringsteori.err_{kind}",
                    where=where,
                    field=_field_phrase(str(loc[-1])) if loc else where,
                    input=_short(error.get("input")),
                    allowed=allowed,
                    detail=_json_position(str(ctx.get("error", ""))),
                    limit=ctx.get("max_length", MAX_TEXT_CHARS),
                )
            )
        else:
            messages.append(t("forandringsteori.err_other", where=where, detail=error["msg"]))
    return [m[:1].upper() + m[1:] for m in messages]


def _json_position(detail: str) -> str:
    """Danish 'line, column' from a JSON parser message such as ``... at line 3 column 7``."""
    match = re.search(r"line (\d+) column (\d+)", detail)
    if match is None:
        return detail
    return t("forandringsteori.err_json_position", line=match[1], column=match[2])
