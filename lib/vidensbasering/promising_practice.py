"""Lovende praksis: a self-assessment of a social service on the 11 elements.

The 11 elements are SFI's typology of *lovende praksis* (promising practice): practice whose effect
is not (yet) documented but which has a particularly good chance of helping citizens (Jensen,
Pedersen, Pejtersen & Amilon 2016, *Indkredsning af lovende praksis på det specialiserede
socialområde*, SFI 16:26; list and wording on Socialstyrelsen's page "Oversigt over elementer i
lovende praksis"). The report puts the elements in four groups, *vidensgrundlag, koncept,
udbredelse* and *tilpasning* (Socialstyrelsen's page on the report).

Three things here are the course's own, not SFI's, and every text a person reads says so:

* **Which element sits in which group.** The sources the course has read name the four groups but
  not the mapping; :data:`ELEMENTS` assigns each element to the group whose name fits it
  (vidensgrundlag: 1–2; koncept: 3, 4, 7, 8, 9; udbredelse: 5–6; tilpasning: 10–11). Check it
  against the report before relying on it.
* **The rating scale** (:data:`SCALE`): 0 "slet ikke", 1 "i lav grad", 2 "i nogen grad",
  3 "i høj grad". SFI's measurement tool is a questionnaire for managers whose answer scale the
  course has not verified.
* **The group summary** (:func:`group_summary`): the mean rating of a group's rated elements. SFI's
  tool gives a score per element and no total; a group mean of an ordinal scale is a starting
  point for a conversation, not a measurement.

Next steps point to the booklets of Socialstyrelsen's *Håndbog i lovende praksis* (2020) that the
course has found (1, 3, 5 and 7; 5 and 7 from a secondary source) and to the course's own lessons.

No widgets here: the app (:mod:`vidensbasering.apps.lovende_praksis`) and the charts
(:mod:`vidensbasering.promising_practice_charts`) build on this module.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vidensbasering.i18n import t

#: The file format's name and version, written into every JSON file.
FORMAT = "vidensbasering.lovende_praksis"
FORMAT_VERSION = 1
#: Largest JSON file read, in bytes (an assessment with long texts is well under 200 kB).
MAX_FILE_BYTES = 1_000_000
#: Longest justification or evidence text, in characters.
MAX_TEXT = 2_000
#: Longest service or team name, in characters.
MAX_NAME = 200

#: The course's rating scale: value -> Danish label. Not SFI's scale (see the module docstring).
SCALE: dict[int, str] = {
    0: "slet ikke",
    1: "i lav grad",
    2: "i nogen grad",
    3: "i høj grad",
}
SCALE_MIN, SCALE_MAX = min(SCALE), max(SCALE)


class Group(StrEnum):
    """The four groups of the typology (SFI 16:26, via Socialstyrelsen's page on the report)."""

    KNOWLEDGE_BASE = "vidensgrundlag"
    CONCEPT = "koncept"
    DISSEMINATION = "udbredelse"
    ADAPTATION = "tilpasning"

    @property
    def label(self) -> str:
        """Danish name with a capital letter, e.g. ``"Vidensgrundlag"``."""
        return self.value.capitalize()


@dataclass(frozen=True)
class Element:
    """One of the 11 elements.

    Attributes:
        number: 1–11, as numbered by SFI and Socialstyrelsen.
        name: Danish name, e.g. ``"Teori og viden"``.
        meaning: the course's one-line Danish paraphrase of Socialstyrelsen's description.
        group: the group the course puts it in (see the module docstring).
        booklets: numbers of the handbook's booklets the course points to for this element.
        lessons: file names of course lessons that work on this element.
    """

    number: int
    name: str
    meaning: str
    group: Group
    booklets: tuple[int, ...]
    lessons: tuple[str, ...]


def _element(number: int, group: Group, booklets: tuple[int, ...], lessons: tuple[str, ...]):
    return Element(
        number=number,
        name=t(f"lovende_praksis.element_{number}"),
        meaning=t(f"lovende_praksis.meaning_{number}"),
        group=group,
        booklets=booklets,
        lessons=lessons,
    )


_G = Group
#: The 11 elements in SFI's order. Booklets: 1 Foranalyse (organisational capacity, faglige
#: kompetencer, reflection and documentation); 3 Beskrivelse og udvikling af indsatsen (target
#: group, kerneelementer, activities, expected effects, forandringsteori); 5 Valg af
#: dokumentationsredskab (tied to monitorering); 7 Anvendelse af data til refleksion og læring.
ELEMENTS: tuple[Element, ...] = (
    _element(1, _G.KNOWLEDGE_BASE, (3,), ("02-forandringsteori.ipynb",)),
    _element(2, _G.KNOWLEDGE_BASE, (), ("01-videnskvalitet.ipynb", "04-opfoelgning.ipynb")),
    _element(3, _G.CONCEPT, (3,), ("02-forandringsteori.ipynb",)),
    _element(4, _G.CONCEPT, (3,), ("04-opfoelgning.ipynb",)),
    _element(5, _G.DISSEMINATION, (), ()),
    _element(6, _G.DISSEMINATION, (), ()),
    _element(7, _G.CONCEPT, (1, 7), ()),
    _element(8, _G.CONCEPT, (1,), ()),
    _element(9, _G.CONCEPT, (3,), ()),
    _element(10, _G.ADAPTATION, (5,), ("03-dokumentation.ipynb", "04-opfoelgning.ipynb")),
    _element(11, _G.ADAPTATION, (7,), ("04-opfoelgning.ipynb",)),
)
del _G
NUMBERS: tuple[int, ...] = tuple(e.number for e in ELEMENTS)

#: Booklets of the handbook the course has found: number -> (Danish title, address).
BOOKLETS: dict[int, tuple[str, str]] = {
    1: (
        "Foranalyse – organisatorisk kapacitet og faglige kompetencer",
        "https://www.social.dk/tvaergaaende/analyse-og-vidensarbejde/redskaber-til-styring-og-udvikling/haandbog-i-lovende-praksis/1-foranalyse",
    ),
    3: (
        "Beskrivelse og udvikling af indsatsen",
        "https://www.social.dk/tvaergaaende/analyse-og-vidensarbejde/redskaber-til-styring-og-udvikling/haandbog-i-lovende-praksis/3-beskrivelse-og-udvikling-af-indsatsen",
    ),
    5: ("Valg af dokumentationsredskab", ""),
    7: ("Anvendelse af data til refleksion og læring", ""),
}


def element(number: int) -> Element:
    """Return element ``number`` (1–11).

    Raises:
        KeyError: not a number from 1 to 11.
    """
    for e in ELEMENTS:
        if e.number == number:
            return e
    raise KeyError(number)


def scale_label(rating: int | None) -> str:
    """Danish text of a rating, e.g. ``"2 – i nogen grad"``; ``"ikke vurderet"`` for ``None``."""
    if rating is None:
        return t("lovende_praksis.not_rated")
    return f"{rating} – {SCALE[rating]}"


def format_number(value: float | None, decimals: int = 1) -> str:
    """A number the Danish way (decimal comma, no thousands separator below 10.000), e.g.
    ``1,5``; a dash for ``None`` or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# -- the model ------------------------------------------------------------------------------------


class Rating(BaseModel):
    """The team's rating of one element.

    Attributes:
        element: 1–11.
        rating: on the course's scale (0–3), or ``None`` when not rated yet.
        justification: why this rating, in the team's words (at most 2.000 characters).
        evidence: what the rating rests on: documents, data, observations (at most 2.000).
    """

    model_config = ConfigDict(extra="forbid")

    element: int = Field(ge=1, le=len(ELEMENTS))
    rating: int | None = Field(default=None, ge=SCALE_MIN, le=SCALE_MAX)
    justification: str = Field(default="", max_length=MAX_TEXT)
    evidence: str = Field(default="", max_length=MAX_TEXT)


class Assessment(BaseModel):
    """A self-assessment of one service on the 11 elements.

    Attributes:
        format, version: the file format (fixed; they make a foreign JSON file recognisable).
        service: the *tilbud*'s name. team: who assessed. date: when (``None`` if not given).
        ratings: exactly 11 :class:`Rating` objects, elements 1–11 in order. A file may leave
            elements out (they are read as not rated) or list them in any order; the same element
            twice is an error.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    format: Literal["vidensbasering.lovende_praksis"] = FORMAT
    version: Literal[1] = FORMAT_VERSION
    service: str = Field(default="", max_length=MAX_NAME)
    team: str = Field(default="", max_length=MAX_NAME)
    date: dt.date | None = None
    ratings: list[Rating] = Field(default_factory=lambda: [Rating(element=n) for n in NUMBERS])

    @field_validator("ratings")
    @classmethod
    def _one_per_element(cls, ratings: list[Rating]) -> list[Rating]:
        seen: dict[int, Rating] = {}
        for r in ratings:
            if r.element in seen:
                raise ValueError(t("lovende_praksis.err_duplicate_element", number=r.element))
            seen[r.element] = r
        return [seen.get(n, Rating(element=n)) for n in NUMBERS]

    def rating_of(self, number: int) -> Rating:
        """The :class:`Rating` of element ``number`` (1–11)."""
        return self.ratings[NUMBERS.index(number)]

    def values(self) -> dict[int, int | None]:
        """Element number -> rating (``None`` when not rated), for all 11 elements."""
        return {r.element: r.rating for r in self.ratings}

    def label(self) -> str:
        """A short name for charts and tables: team, else service, else ``"Vurdering"``; with
        the date in Danish form (``"Team A, 3.2.2026"``) when given."""
        name = self.team.strip() or self.service.strip() or t("lovende_praksis.default_label")
        if self.date is not None:
            name += f", {self.date.day}.{self.date.month}.{self.date.year}"
        return name

    def to_json(self, indent: int | None = 2) -> str:
        """Serialise to JSON text (UTF-8, Danish letters kept); :meth:`from_json` reads it back
        to an equal assessment."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> Assessment:
        """Read an assessment from JSON text or bytes.

        Raises:
            AssessmentFileError: too large, not JSON, or not a valid assessment; its ``messages``
                are Danish sentences naming the field and saying what to fix.
        """
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        if size > MAX_FILE_BYTES:
            raise AssessmentFileError(
                [t("lovende_praksis.err_file_too_large", size=size, limit=MAX_FILE_BYTES)]
            )
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            raise AssessmentFileError(danish_errors(exc)) from exc


class AssessmentFileError(ValueError):
    """A file could not be read as an assessment.

    Attributes:
        messages: one Danish sentence per problem.
    """

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


_FIELD_KEYS = {
    "format": "field_format",
    "version": "field_version",
    "service": "field_service",
    "team": "field_team",
    "date": "field_date",
    "ratings": "field_ratings",
    "element": "field_element",
    "rating": "field_rating",
    "justification": "field_justification",
    "evidence": "field_evidence",
}


def _where(loc: tuple) -> str:
    """Danish place of an error, e.g. ``'vurdering nr. 3, feltet "rating" (vurdering)'``."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int) and i > 0 and loc[i - 1] == "ratings":
            parts.append(t("lovende_praksis.err_where_item", number=item + 1))
        elif isinstance(item, str) and item in _FIELD_KEYS:
            label = t(f"lovende_praksis.{_FIELD_KEYS[item]}")
            parts.append(t("lovende_praksis.err_where_field", name=item, label=label))
        elif isinstance(item, str):
            parts.append(t("lovende_praksis.err_where_field", name=item, label="?"))
    return ", ".join(parts) or t("lovende_praksis.err_where_file")


def danish_errors(exc: ValidationError) -> list[str]:
    """Turn a pydantic ``ValidationError`` about an assessment into Danish sentences.

    Each names where (field as in the file, its Danish label, which rating) and what to do.
    A whole file that is not JSON, or that belongs to another tool, gets one sentence.
    """
    errors = exc.errors(include_url=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return [t("lovende_praksis.err_not_json")]
    if any(e["loc"] == ("format",) for e in errors) or (
        errors and all(e["type"] == "extra_forbidden" and len(e["loc"]) == 1 for e in errors)
    ):
        return [t("lovende_praksis.err_foreign_file")]
    messages: list[str] = []
    for e in errors:
        where = _where(tuple(e.get("loc", ())))
        ctx = e.get("ctx") or {}
        kind = e["type"]
        if kind in ("greater_than_equal", "less_than_equal") and e["loc"][-1] == "rating":
            what = t("lovende_praksis.err_rating_range", low=SCALE_MIN, high=SCALE_MAX)
        elif kind in ("greater_than_equal", "less_than_equal"):
            what = t("lovende_praksis.err_element_range", high=len(ELEMENTS))
        elif kind == "string_too_long":
            what = t("lovende_praksis.err_too_long", limit=ctx.get("max_length"))
        elif kind.startswith("int_"):
            what = t("lovende_praksis.err_not_integer")
        elif kind.startswith("date_"):
            what = t("lovende_praksis.err_date")
        elif kind == "string_type":
            what = t("lovende_praksis.err_not_text")
        elif kind == "extra_forbidden":
            what = t("lovende_praksis.err_extra_field")
        elif kind == "missing":
            what = t("lovende_praksis.err_missing")
        elif kind == "value_error":
            what = str(ctx.get("error", e["msg"]))
        else:
            what = e["msg"]
        messages.append(f"{where}: {what}")
    return messages


# -- building and changing -------------------------------------------------------------------------


def assess(
    ratings: Mapping[int, int | None],
    service: str = "",
    team: str = "",
    date: dt.date | str | None = None,
    justifications: Mapping[int, str] | None = None,
    evidence: Mapping[int, str] | None = None,
) -> Assessment:
    """Build an assessment from ratings per element number.

    Args:
        ratings: element number (1–11) -> rating on the course's scale (0–3) or ``None``;
            elements left out are not rated.
        service, team: names (the *tilbud* and who assessed).
        date: a ``datetime.date`` or ISO text ``"2026-02-03"``.
        justifications, evidence: element number -> text.

    Raises:
        pydantic.ValidationError: a number outside 1–11, a rating outside 0–3, a bad date.
            :func:`danish_errors` turns it into Danish sentences.

    Example:
        >>> a = assess({1: 2, 2: 0}, service="Bostøtten")
        >>> a.rating_of(1).rating, a.rating_of(3).rating
        (2, None)
    """
    justifications = justifications or {}
    evidence = evidence or {}
    numbers = set(ratings) | set(justifications) | set(evidence)
    items = [
        {
            "element": n,
            "rating": ratings.get(n),
            "justification": justifications.get(n, ""),
            "evidence": evidence.get(n, ""),
        }
        for n in sorted(numbers)
    ]
    return Assessment.model_validate(
        {"service": service, "team": team, "date": date, "ratings": items}
    )


def rate(
    assessment: Assessment,
    number: int,
    rating: int | None,
    justification: str | None = None,
    evidence: str | None = None,
) -> Assessment:
    """Return a copy of ``assessment`` with element ``number`` rated (texts kept unless given).

    Raises:
        pydantic.ValidationError: rating outside 0–3 or text too long.
        KeyError: ``number`` is not 1–11.
    """
    old = assessment.rating_of(element(number).number)
    new = Rating(
        element=number,
        rating=rating,
        justification=old.justification if justification is None else justification,
        evidence=old.evidence if evidence is None else evidence,
    )
    ratings = [new if r.element == number else r for r in assessment.ratings]
    return assessment.model_copy(update={"ratings": ratings})


# -- summaries ------------------------------------------------------------------------------------


def ratings_table(assessment: Assessment) -> pd.DataFrame:
    """One row per element.

    Returns:
        DataFrame with 11 rows and columns ``element`` (int 1–11), ``name`` (Danish), ``group``
        (Danish group name), ``rating`` (float 0–3, NaN when not rated), ``rating_label``
        (e.g. ``"2 – i nogen grad"``), ``justification``, ``evidence``.
    """
    rows = []
    for e, r in zip(ELEMENTS, assessment.ratings, strict=True):
        rows.append(
            {
                "element": e.number,
                "name": e.name,
                "group": e.group.label,
                "rating": math.nan if r.rating is None else float(r.rating),
                "rating_label": scale_label(r.rating),
                "justification": r.justification,
                "evidence": r.evidence,
            }
        )
    return pd.DataFrame(rows)


def group_summary(assessment: Assessment) -> pd.DataFrame:
    """Mean rating per group of the elements that are rated.

    Returns:
        DataFrame with 4 rows in the order vidensgrundlag, koncept, udbredelse, tilpasning and
        columns ``group`` (Danish name), ``elements`` (int, elements in the group), ``n_rated``
        (int, of them rated) and ``mean`` (float on 0–3, NaN when none is rated). The mean of an
        ordinal scale is the course's summary for conversation, not SFI's score.

    Example: ratings 2 and 0 for elements 1 and 2 give vidensgrundlag mean 1,0 with n_rated 2.
    """
    values = assessment.values()
    rows = []
    for group in Group:
        rated = [values[e.number] for e in ELEMENTS if e.group is group]
        known = [v for v in rated if v is not None]
        rows.append(
            {
                "group": group.label,
                "elements": len(rated),
                "n_rated": len(known),
                "mean": sum(known) / len(known) if known else math.nan,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Weakness:
    """A weakly rated element and where to look next.

    Attributes:
        element: the :class:`Element`. rating: its rating (0–3).
        booklets: ``(number, title, address)`` of the handbook's booklets to read ("" when the
            course has no address). lessons: the course's lessons on the element.
    """

    element: Element
    rating: int
    booklets: tuple[tuple[int, str, str], ...]
    lessons: tuple[str, ...]


def weakest(assessment: Assessment, k: int = 3, below: int = SCALE_MAX) -> list[Weakness]:
    """The ``k`` lowest-rated elements, with what to look at next.

    Only rated elements with a rating below ``below`` count (default: everything under
    "i høj grad"). Ties are broken by element number, so the result is the same every time.

    Args:
        assessment: the assessment.
        k: at most this many elements (≥ 0).
        below: ratings from this value up are not weaknesses.

    Returns:
        Up to ``k`` :class:`Weakness` objects, lowest rating first.
    """
    rated = [(r.rating, r.element) for r in assessment.ratings if r.rating is not None]
    chosen = sorted((v, n) for v, n in rated if v < below)[: max(k, 0)]
    out = []
    for value, number in chosen:
        e = element(number)
        booklets = tuple((b, *BOOKLETS[b]) for b in e.booklets)
        out.append(Weakness(element=e, rating=value, booklets=booklets, lessons=e.lessons))
    return out


def compare(first: Assessment, second: Assessment) -> pd.DataFrame:
    """Difference per element between two assessments (before/after, or two teams).

    Returns:
        DataFrame with 11 rows and columns ``element``, ``name``, ``group``, ``first``,
        ``second`` (float 0–3, NaN when not rated) and ``difference`` (second − first; NaN
        unless both are rated).
    """
    a, b = first.values(), second.values()
    rows = []
    for e in ELEMENTS:
        x = math.nan if a[e.number] is None else float(a[e.number])
        y = math.nan if b[e.number] is None else float(b[e.number])
        rows.append(
            {
                "element": e.number,
                "name": e.name,
                "group": e.group.label,
                "first": x,
                "second": y,
                "difference": y - x,
            }
        )
    return pd.DataFrame(rows)


def next_steps_text(weakness: Weakness) -> str:
    """One Danish sentence on where to look next for a weak element."""
    parts = [
        t("lovende_praksis.booklet_ref", number=n, title=title) for n, title, _ in weakness.booklets
    ]
    if weakness.lessons:
        parts.append(t("lovende_praksis.lesson_ref", lessons=", ".join(weakness.lessons)))
    if not parts:
        return t("lovende_praksis.no_next_step")
    return t("lovende_praksis.look_at", what="; ".join(parts))


# -- exports --------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(assessment: Assessment, other: Assessment | None = None) -> str:
    """A Markdown summary: the frame, every rating with justification and evidence, the group
    summary (decimal comma), the weakest elements with next steps, and the comparison with
    ``other`` when given. Says that the scale and grouping are the course's."""
    a = assessment
    lines = [f"# {t('lovende_praksis.md_title')}: {_cell(a.service) or '–'}", ""]
    lines += [
        f"- {t('lovende_praksis.field_service')}: {_cell(a.service) or '–'}",
        f"- {t('lovende_praksis.field_team')}: {_cell(a.team) or '–'}",
        f"- {t('lovende_praksis.field_date')}: "
        + (f"{a.date.day}.{a.date.month}.{a.date.year}" if a.date else "–"),
        "",
        t("lovende_praksis.scale_note"),
        "",
        f"## {t('lovende_praksis.md_ratings')}",
        "",
        "| nr. | element | gruppe | vurdering | begrundelse | belæg |",
        "|---:|---|---|---|---|---|",
    ]
    for e, r in zip(ELEMENTS, a.ratings, strict=True):
        lines.append(
            f"| {e.number} | {e.name} | {e.group.label} | {scale_label(r.rating)} "
            f"| {_cell(r.justification)} | {_cell(r.evidence)} |"
        )
    lines += ["", f"## {t('lovende_praksis.md_groups')}", ""]
    lines += ["| gruppe | elementer | vurderet | gennemsnit |", "|---|---:|---:|---:|"]
    for row in group_summary(a).itertuples(index=False):
        lines.append(
            f"| {row.group} | {row.elements} | {row.n_rated} | {format_number(row.mean)} |"
        )
    lines += ["", f"## {t('lovende_praksis.md_weakest')}", ""]
    weak = weakest(a)
    if not weak:
        lines.append(t("lovende_praksis.no_weakest"))
    for w in weak:
        lines.append(
            f"- {w.element.number}. {w.element.name} ({scale_label(w.rating)}): "
            + next_steps_text(w)
        )
    if other is not None:
        lines += ["", f"## {t('lovende_praksis.md_compare')}: {_cell(other.label())}", ""]
        lines += [
            f"| nr. | element | {_cell(a.label())} | {_cell(other.label())} | forskel |",
            "|---:|---|---:|---:|---:|",
        ]
        for row in compare(a, other).itertuples(index=False):
            lines.append(
                f"| {row.element} | {row.name} | {format_number(row.first, 0)} "
                f"| {format_number(row.second, 0)} | {format_signed(row.difference)} |"
            )
    lines += ["", t("lovende_praksis.md_source"), ""]
    return "\n".join(lines)


def format_signed(value: float) -> str:
    """A difference with its sign, e.g. ``+1``, ``−2``, ``0``; a dash for NaN."""
    if math.isnan(value):
        return "–"
    if value == 0:
        return "0"
    return ("+" if value > 0 else "−") + format_number(abs(value), 0)


def to_excel(assessment: Assessment, other: Assessment | None = None) -> bytes:
    """An ``.xlsx`` workbook (bytes): sheet "Vurdering" (one row per element), "Grupper" (group
    summary as numbers, shown with one decimal) and, with ``other``, "Sammenligning".

    openpyxl is imported here, so it costs nothing until someone asks for the file.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = t("lovende_praksis.xlsx_ratings")
    sheet.append([t("lovende_praksis.field_service"), assessment.service])
    sheet.append([t("lovende_praksis.field_team"), assessment.team])
    sheet.append([t("lovende_praksis.field_date"), assessment.date])
    sheet.append([t("lovende_praksis.scale_note")])
    sheet.append([])
    header = ["nr.", "element", "gruppe", "vurdering", "betydning", "begrundelse", "belæg"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for e, r in zip(ELEMENTS, assessment.ratings, strict=True):
        label = SCALE[r.rating] if r.rating is not None else t("lovende_praksis.not_rated")
        sheet.append(
            [e.number, e.name, e.group.label, r.rating, label, r.justification, r.evidence]
        )
    groups = book.create_sheet(t("lovende_praksis.xlsx_groups"))
    groups.append(["gruppe", "elementer", "vurderet", "gennemsnit"])
    for row in group_summary(assessment).itertuples(index=False):
        mean = None if math.isnan(row.mean) else round(row.mean, 4)
        groups.append([row.group, row.elements, row.n_rated, mean])
        groups.cell(groups.max_row, 4).number_format = "0.0"
    if other is not None:
        comp = book.create_sheet(t("lovende_praksis.xlsx_compare"))
        comp.append(["nr.", "element", assessment.label(), other.label(), "forskel"])
        for row in compare(assessment, other).itertuples(index=False):
            comp.append(
                [row.element, row.name]
                + [None if math.isnan(v) else v for v in (row.first, row.second, row.difference)]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chart_rows(assessments: Sequence[Assessment]) -> list[dict]:
    """Rows for the charts: one per assessment and element, with the element's position.

    Returns:
        Dicts with ``assessment`` (label, made unique by a number when two are equal), ``order``
        (0-based, for colour order), ``element`` (1–11), ``name``, ``group``, ``rating`` (int or
        ``None``) and ``rating_label``.
    """
    rows: list[dict] = []
    labels: list[str] = []
    for order, a in enumerate(assessments):
        label = a.label()
        if label in labels:
            label = f"{label} ({order + 1})"
        labels.append(label)
        for e, r in zip(ELEMENTS, a.ratings, strict=True):
            rows.append(
                {
                    "assessment": label,
                    "order": order,
                    "element": e.number,
                    "name": f"{e.number}. {e.name}",
                    "group": e.group.label,
                    "rating": r.rating,
                    "rating_label": scale_label(r.rating),
                }
            )
    return rows
