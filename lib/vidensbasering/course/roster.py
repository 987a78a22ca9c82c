"""Students' real names from the LMS's own export, for ``vidensbasering grade --roster FILE``.

The LMS zips do not say which part of a name is the first name: Canvas keeps only the sortable
name lower-cased without punctuation ("sørensenåse"), Moodle the full name. The LMSs' own exports
do (example files with the real headers: ``tests/pipeline/fixtures/rosters/``):

- Canvas, *Grades → Export* (the gradebook CSV): ``Student`` is the sortable name "Last, First",
  ``ID`` the Canvas user id, which is the course's student id for Canvas; a second row
  "Points Possible" holds no student.
- Moodle, *Grades → Export → Plain text file* and *Participants → Download table data*: columns
  ``First name`` and ``Last name`` (a Danish Moodle: ``Fornavn``, ``Efternavn``); the student id
  for Moodle is :func:`~vidensbasering.course.lms.student_slug` of "first last".

Both are read with any of the separators the exports offer (comma, semicolon, tab), UTF-8 with or
without BOM.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from vidensbasering.course.lms import student_slug
from vidensbasering.i18n import t

#: Student id -> (first name, last name).
Roster = dict[str, tuple[str, str]]

_CANVAS_NAME, _CANVAS_ID = "Student", "ID"
_FIRST = ("First name", "Fornavn")
_LAST = ("Last name", "Efternavn")


class RosterError(ValueError):
    """The file is not a roster this module reads; the message (Danish) says what to export."""


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(
            t("grading.roster_unreadable", path=str(path), error=str(error))
        ) from None
    first_line = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def _column(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in row), None)


def read_roster(path: Path) -> Roster:
    """Read a Canvas gradebook export or a Moodle grades/participants export.

    Returns:
        Student id (as ``vidensbasering grade`` makes it for that LMS) -> (first, last name).

    Raises:
        RosterError: unreadable, or neither Canvas's ``Student``/``ID`` nor Moodle's
            ``First name``/``Last name`` columns are there.
    """
    rows = _rows(Path(path))
    header = rows[0] if rows else {}
    roster: Roster = {}
    if _CANVAS_NAME in header and _CANVAS_ID in header:
        for row in rows:
            user_id, sortable = row[_CANVAS_ID], row[_CANVAS_NAME]
            if not user_id.isdigit() or "," not in sortable:
                continue  # "Points Possible" and other rows without a student
            last, _, first = sortable.partition(",")
            roster[user_id] = (first.strip(), last.strip())
        return roster
    first_column, last_column = _column(header, _FIRST), _column(header, _LAST)
    if first_column and last_column:
        for row in rows:
            first, last = row[first_column], row[last_column]
            if first or last:
                roster[student_slug(f"{first} {last}")] = (first, last)
        return roster
    raise RosterError(t("grading.roster_unknown", path=str(path)))
