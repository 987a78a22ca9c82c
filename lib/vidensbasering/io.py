"""Read and check users' own follow-up files (CSV or Excel) from bytes.

Apps receive uploads as bytes; this module never writes them to disk and never logs their
content. The pipeline is

1. :func:`read_table`: bytes → a table of text cells. CSV with ``,``, ``;`` or tab separators,
   UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252 (Danish Excel's "CSV
   (semikolonsepareret)"); ``.xlsx`` through openpyxl. The index holds the row number the user
   sees in Excel (the header is row 1). Completely empty rows are skipped (they hold no data);
   every other row is kept.
2. :func:`suggest_mapping` / :func:`apply_mapping`: the user's column names → the standard names
   ``person_id``, ``occasion`` and/or ``date``, ``instrument``, ``score`` (optional ``goal``,
   ``weight``, ``group``).
3. :func:`validate`: text cells → the typed tidy table used by :mod:`vidensbasering.followup`.
   Every problem in the file is collected and raised at once as :class:`FileProblemsError`, each
   with row, column (the user's own column name) and a Danish message from the ``opfoelgning``
   section of the UI catalog, e.g. ``række 14, kolonne 'score': 'tolv' er ikke et tal``. No row
   is dropped or altered silently.

Numbers may use a decimal comma or point (``12,5`` or ``12.5``); dates may be ``dd-mm-yyyy``
(also with ``.`` or ``/``) or ISO ``yyyy-mm-dd``. Any cell that looks like a Danish CPR number
(``ddmmyy-xxxx`` or ten digits starting with a valid date) is refused with a message explaining
pseudonymisation; the message never repeats the number.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import io as _io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vidensbasering.i18n import t
from vidensbasering.measures import GAS_LEVELS, INSTRUMENT_RANGES

__all__ = [
    "CPR_CODE",
    "FIELDS",
    "FileProblemsError",
    "Problem",
    "apply_mapping",
    "find_cpr_like",
    "load_user_file",
    "read_table",
    "suggest_mapping",
    "validate",
]

#: Standard field names of the tidy follow-up table.
FIELDS = ("person_id", "occasion", "date", "instrument", "score", "goal", "weight", "group")

#: Column names (lower case, without spaces, ``_`` and ``-``) recognised for each field.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": ("personid", "person", "borger", "borgerid", "id", "pseudonym", "deltager",
                  "klient", "klientid", "citizen", "participant", "løbenummer", "lobenummer"),
    "occasion": ("occasion", "måling", "maaling", "måletidspunkt", "maaletidspunkt", "tidspunkt",
                 "runde", "wave", "timepoint", "målingnr", "nr"),
    "date": ("date", "dato", "måledato", "maaledato"),
    "instrument": ("instrument", "redskab", "skala", "måleredskab", "maaleredskab", "test",
                   "measure", "scale"),
    "score": ("score", "værdi", "vaerdi", "point", "sum", "resultat", "value"),
    "goal": ("goal", "mål", "maal", "delmål", "delmaal", "målnr"),
    "weight": ("weight", "vægt", "vaegt", "vægtning"),
    "group": ("group", "gruppe", "team", "afdeling", "hold", "tilbud"),
}  # fmt: skip

_MAX_ECHO = 40
#: :attr:`Problem.code` of the one problem that reports every CPR-like cell of a file.
CPR_CODE = "cpr"
#: At most this many CPR-like cells are located (row, column) in that problem's message.
_CPR_LOCATIONS = 10
# A CPR number as people and word processors write it: the date ``ddmmyy`` (optionally with dots,
# hyphens or slashes between day, month and year) and four digits, separated by nothing, a hyphen
# of any kind (hyphen, non-breaking hyphen, figure dash, en or em dash, minus), a slash, a dot or
# spaces, also a hyphen with spaces around it. Only the digits' shape is matched here; the date
# is checked afterwards (:func:`_valid_ddmmyy`).
_DATE_SEP = r"[./-]?"
_SERIAL_SEP = r"(?:\s*[-\u2010-\u2015\u2212/.]\s*|\s+)?"


def _cpr_pattern(capture: bool) -> re.Pattern[str]:
    two = r"(\d{2})" if capture else r"\d{2}"
    return re.compile(
        r"(?<!\d)(?<!\d[.,/-])"  # not the tail of a longer number, date or amount
        rf"{two}{_DATE_SEP}{two}{_DATE_SEP}{two}{_SERIAL_SEP}\d{{4}}"
        r"(?!\d)(?![.,/-]\d)"  # nor its head
    )


_CPR_RE = _cpr_pattern(capture=True)  # day, month and year as groups 1-3
_CPR_SHAPE = _cpr_pattern(capture=False)  # the same without groups, for pandas' str.contains
_NUMBER_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_INT_RE = re.compile(r"^\d+$")
# A whole number written with Danish thousands points, e.g. 1.234 or 12.345.678.
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$")
#: Instruments whose score is a sum of whole item scores, so always a whole number: WEMWBS
#: (14 items scored 1–5) and the SDQ scales (items scored 0/1/2) (FACTS §4). GAS levels have
#: their own check.
_WHOLE_NUMBER_INSTRUMENTS = frozenset(INSTRUMENT_RANGES) - {"GAS"}
_DMY_RE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's file.

    Attributes:
        row: row number as shown in Excel (header = 1), or ``None`` for the whole file.
        column: the user's own column name, or ``None``.
        message: Danish text saying what is wrong (and, where useful, what to do).
        code: what kind of problem it is, for code that acts on it (``"cpr"``: the file holds
            CPR-like values and must not be kept); ``""`` for all others.
    """

    row: int | None
    column: str | None
    message: str
    code: str = ""

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return t(
                "opfoelgning.problem_row_column",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        if self.row is not None:
            return t("opfoelgning.problem_row", row=self.row, message=self.message)
        if self.column is not None:
            return t("opfoelgning.problem_column", column=self.column, message=self.message)
        return self.message


class FileProblemsError(ValueError):
    """A user's file has one or more problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self.summary())

    @property
    def has_cpr(self) -> bool:
        """Whether the file holds CPR-like values (then nothing of it may be kept)."""
        return any(p.code == CPR_CODE for p in self.problems)

    def heading(self) -> str:
        """Danish heading that says how many problems to fix (singular for one)."""
        if len(self.problems) == 1:
            return t("opfoelgning.problems_heading_one")
        return t("opfoelgning.problems_heading", n=len(self.problems))

    def summary(self, limit: int | None = None) -> str:
        """Danish text: a heading with the count, then one line per problem (first ``limit``)."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [self.heading()]
        lines += [f"- {p}" for p in shown]
        if len(shown) < len(self.problems):
            lines.append(t("opfoelgning.problems_more", n=len(self.problems) - len(shown)))
        return "\n".join(lines)


def _echo(value: str) -> str:
    return value if len(value) <= _MAX_ECHO else value[: _MAX_ECHO - 1] + "…"


# --------------------------------------------------------------------------------------------
# Reading bytes
# --------------------------------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
) -> pd.DataFrame:
    """Read an uploaded CSV or ``.xlsx`` file into a table of text cells.

    Reports exported from case-management systems often carry title rows (report name, date,
    department) above the column headers. Unless ``header_row`` is given, the header is the
    first row that fills as many columns as most rows of the file do, with every one of those
    cells filled; the shorter rows above it are skipped and said so in ``attrs["notes"]``.

    Args:
        data: the file's bytes (never written to disk).
        filename: the uploaded file's name, used only to recognise ``.xlsx``/``.xls``; the content
            decides otherwise (an xlsx file is a zip archive).
        sheet: Excel sheet name; ``None`` = the first sheet.
        header_row: the row (numbered as in Excel, from 1) that holds the column headers;
            ``None`` finds it as described above. Rows above it are skipped.

    Returns:
        DataFrame of ``str`` cells (``""`` when empty), columns = the header row (stripped),
        index = row numbers as in Excel, named ``"row"``. ``attrs["header_row"]`` is the header's
        row number and ``attrs["notes"]`` a list of Danish sentences about rows skipped above it
        (empty when none were).

    Raises:
        FileProblemsError: empty file, unknown text encoding, old ``.xls``, unreadable Excel file,
            a ``header_row`` that is empty or past the end, empty or repeated column headers,
            rows with more or fewer fields than the header. All problems of the file are listed
            together.
    """
    name = (filename or "").lower()
    if data[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
        raise FileProblemsError([Problem(None, None, t("opfoelgning.file_xls"))])
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        rows = _xlsx_rows(data, sheet)
    else:
        rows = _csv_rows(data)
    return _to_frame(rows, header_row)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings, data = ("utf-8",), data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # Strict UTF-8 first: Windows-1252 text with æ/ø/å is (almost) never valid UTF-8.
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblemsError([Problem(None, None, t("opfoelgning.file_encoding"))])


def _separator(header_line: str) -> str:
    counts = {sep: 0 for sep in (";", ",", "\t")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise FileProblemsError([Problem(None, None, t("opfoelgning.file_empty"))])
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=_separator(first_line))
    return [(number, record) for number, record in enumerate(reader, start=1)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _xlsx_rows(data: bytes, sheet: str | None) -> list[tuple[int, list[str]]]:
    import openpyxl  # imported here: only Excel uploads need it

    try:
        book = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblemsError([Problem(None, None, t("opfoelgning.file_xlsx"))]) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            msg = t("opfoelgning.file_sheet", sheet=sheet, sheets=", ".join(book.sheetnames))
            raise FileProblemsError([Problem(None, None, msg)])
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        return [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _filled_width(record: list[str]) -> int:
    return max((i + 1 for i, c in enumerate(record) if c), default=0)


def _find_header(rows: list[tuple[int, list[str]]]) -> int:
    """Index in ``rows`` (non-empty rows) of the header: see :func:`read_table`."""
    widths = [_filled_width(r) for _, r in rows]
    counts = pd.Series(widths).value_counts()
    usual = int(counts[counts == counts.max()].index.max())  # ties: the wider
    if widths[0] >= usual or usual < 2:
        return 0  # the first row is as wide as the data: no title rows
    for i, (_, record) in enumerate(rows):
        if widths[i] == usual and all(record[:usual]):
            return i
        if widths[i] > usual:
            break
    return 0


def _to_frame(rows: list[tuple[int, list[str]]], header_row: int | None = None) -> pd.DataFrame:
    stripped = ((n, [c.strip() for c in r]) for n, r in rows)
    rows = [(n, r) for n, r in stripped if any(r)]
    if not rows:
        raise FileProblemsError([Problem(None, None, t("opfoelgning.file_empty"))])
    if header_row is None:
        start = _find_header(rows)
    else:
        start = next((i for i, (n, _) in enumerate(rows) if n == header_row), None)
        if start is None:
            msg = t("opfoelgning.header_row_missing", row=header_row)
            raise FileProblemsError([Problem(None, None, msg)])
    notes = _skipped_note(rows[0][0], rows[start][0]) if start else []
    rows = rows[start:]
    header_row, header = rows[0]
    if len(rows) == 1:  # a header and nothing under it: nothing to follow up on
        raise FileProblemsError([Problem(None, None, t("opfoelgning.file_header_only"))])
    # The table is as wide as its header; trailing cells that are empty everywhere (Excel often
    # reports some) are ignored, but a filled cell beyond the header is reported.
    width = max(i + 1 for i, c in enumerate(header) if c)
    header = header[:width]
    problems: list[Problem] = []
    for i, name in enumerate(header):
        if not name:
            problems.append(Problem(header_row, None, t("opfoelgning.header_empty", n=i + 1)))
        elif header.index(name) != i:
            problems.append(Problem(header_row, None, t("opfoelgning.header_repeated", name=name)))
    body: list[list[str]] = []
    numbers: list[int] = []
    for number, record in rows[1:]:
        fields = len(record)
        if fields < width or any(record[width:]):
            found = max(i + 1 for i, c in enumerate(record) if c) if fields >= width else fields
            problems.append(
                Problem(number, None, t("opfoelgning.row_fields", found=found, expected=width))
            )
            continue
        body.append(record[:width])
        numbers.append(number)
    if problems:
        raise FileProblemsError(problems)
    frame = pd.DataFrame(body, columns=header, index=pd.Index(numbers, name="row"), dtype=object)
    frame.attrs["header_row"] = header_row
    frame.attrs["notes"] = notes
    return frame


def _skipped_note(first: int, header: int) -> list[str]:
    key = (
        "opfoelgning.title_row_skipped" if header - first == 1 else "opfoelgning.title_rows_skipped"
    )
    return [t(key, first=first, last=header - 1, header=header)]


# --------------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name.strip().lower())


def suggest_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Guess which of the user's columns holds which standard field.

    Args:
        columns: the user's column names.

    Returns:
        Mapping user column → standard field (see :data:`FIELDS`), one column per field at most,
        only for names recognised (Danish or English, case and ``_``/``-``/space insensitive).
        Columns not recognised are left out; the user maps them by hand.
    """
    found: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        key = _norm(str(column))
        for field, names in _SYNONYMS.items():
            if field not in taken and (key == field.replace("_", "") or key in names):
                found[column] = field
                taken.add(field)
                break
    return found


def apply_mapping(raw: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Rename the user's columns to the standard fields; other columns are kept unchanged.

    Args:
        raw: output of :func:`read_table`.
        mapping: user column → standard field (:data:`FIELDS`).

    Returns:
        A copy of ``raw`` with renamed columns; ``attrs["source_columns"]`` maps each standard
        field back to the user's column name (for messages).

    Raises:
        FileProblemsError: a mapped column that is not in the file, an unknown field, or two
            columns mapped to the same field.
    """
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for column, field in mapping.items():
        if column not in raw.columns:
            problems.append(Problem(None, column, t("opfoelgning.mapping_no_column")))
        if field not in FIELDS:
            problems.append(
                Problem(None, column, t("opfoelgning.mapping_unknown_field", field=field))
            )
        elif field in seen:
            problems.append(
                Problem(
                    None,
                    column,
                    t("opfoelgning.mapping_twice", field=_field_label(field), other=seen[field]),
                )
            )
        else:
            seen[field] = column
    clashes = [c for c in raw.columns if c in FIELDS and c not in mapping and c in seen]
    for c in clashes:
        problems.append(Problem(None, c, t("opfoelgning.mapping_clash", field=_field_label(c))))
    if problems:
        raise FileProblemsError(problems)
    out = raw.rename(columns=dict(mapping))
    out.attrs["source_columns"] = {
        **{c: c for c in raw.columns if c in FIELDS},
        **{field: column for column, field in mapping.items()},
    }
    return out


def _field_label(field: str) -> str:
    return t(f"opfoelgning.field_{field}")


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _valid_ddmmyy(dd: int, mm: int, yy: int) -> bool:
    if not 1 <= mm <= 12:
        return False
    # The century is not known from yy alone; 29 February is accepted whenever either century
    # could make it valid (1900 is not a leap year, 2000 is).
    leap = calendar.isleap(1900 + yy) or calendar.isleap(2000 + yy)
    days = 29 if mm == 2 and leap else calendar.monthrange(2001, mm)[1]
    return 1 <= dd <= days


def find_cpr_like(cells: pd.Series) -> pd.Series:
    """Which cells contain something that looks like a Danish CPR number.

    A CPR number is ``ddmmyy-xxxx``: six digits forming a valid day-month-year date followed by
    four digits (cpr.dk; FACTS §8). The separator may be missing or be a hyphen, en or em dash,
    minus sign, slash, dot or spaces (also `` - ``), and the date may carry dots, hyphens or
    slashes (``01.01.90-1234``). Amounts (``1.234.567``), dates (``01.01.1990``) and phone
    numbers (``12 34 56 78``) do not match: the digits must not continue a longer number.
    A bare nine-digit cell is also checked with a
    leading zero added, since Excel drops it from numbers (0101901234 → 101901234). The
    modulus-11 check is not applied: CPR numbers issued since 2007 need not satisfy it.

    Args:
        cells: Series of text cells (any index).

    Returns:
        Boolean Series, same index.
    """
    text = cells.astype(str)
    nine_digits = text.str.fullmatch(r"\d{9}", na=False)
    # An Excel number cell loses a CPR number's leading zero: 0101901234 -> 101901234.
    text = text.where(~nine_digits, "0" + text)
    maybe = text.str.contains(_CPR_SHAPE, regex=True)
    if not maybe.any():
        return maybe
    hits = maybe.copy()
    for idx, value in text[maybe].items():
        hits[idx] = any(
            _valid_ddmmyy(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            for m in _CPR_RE.finditer(value)
        )
    return hits


def cpr_problem(hits: pd.DataFrame) -> Problem:
    """The one problem that reports every CPR-like cell of a file, without showing any value.

    Args:
        hits: boolean DataFrame, index = the file's row numbers, columns = the user's column
            names; ``True`` where a cell looks like a CPR number (:func:`find_cpr_like`).

    Returns:
        A :class:`Problem` with ``code`` :data:`CPR_CODE`, no row or column of its own, and a
        Danish message that says how many cells, where the first ten are (row and column; a
        column whose own name looks like a CPR number is named by its position), and what to
        do instead (pseudonyms), once.
    """
    names = [str(c) for c in hits.columns]
    header_cpr = find_cpr_like(pd.Series(names, dtype=object)).tolist()
    label = {
        c: t("opfoelgning.cpr_column_nr", n=i + 1) if header_cpr[i] else f"'{_echo(names[i])}'"
        for i, c in enumerate(hits.columns)
    }
    stacked = hits.stack()
    cells = [(int(row), column) for (row, column), hit in stacked.items() if hit]
    cells.sort()
    where = [
        t("opfoelgning.cpr_location", row=row, column=label[column])
        for row, column in cells[:_CPR_LOCATIONS]
    ]
    if len(cells) > _CPR_LOCATIONS:
        where.append(t("opfoelgning.cpr_more", n=len(cells) - _CPR_LOCATIONS))
    message = t("opfoelgning.cpr_cells", n=len(cells), where="; ".join(where))
    return Problem(None, None, message, code=CPR_CODE)


def _parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    # Spaces are dropped and the typographic minus (U+2212, which Word and Excel may insert)
    # becomes an ASCII one; then the number must have one optional decimal comma or point.
    text = cells.str.replace(" ", "", regex=False).str.replace("\u2212", "-", regex=False)
    ok = text.str.fullmatch(_NUMBER_RE, na=False)
    values = pd.to_numeric(text.where(ok).str.replace(",", ".", regex=False), errors="coerce")
    return values.astype(float), ok


def _parse_dates(cells: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    dmy = cells.str.extract(_DMY_RE)
    iso = cells.str.extract(_ISO_RE)
    for parts, order in ((dmy, (2, 1, 0)), (iso, (0, 1, 2))):
        mask = parts[0].notna()
        if mask.any():
            frame = pd.DataFrame(
                {
                    "year": parts.loc[mask, order[0]].astype(int),
                    "month": parts.loc[mask, order[1]].astype(int),
                    "day": parts.loc[mask, order[2]].astype(int),
                }
            )
            out[mask] = pd.to_datetime(frame, errors="coerce")
    return out


def validate(mapped: pd.DataFrame) -> pd.DataFrame:
    """Check a mapped table of text cells and convert it to the typed tidy follow-up table.

    Checks (all at once; every failing cell is reported with its row and the user's column name):
    CPR-like values in any column (refused, never echoed); required fields present
    (``person_id``, ``instrument``, ``score`` and ``occasion`` or ``date``); no empty required
    cell; ``score`` a number (decimal comma or point) inside the instrument's range when known
    (:data:`~vidensbasering.measures.INSTRUMENT_RANGES`; GAS levels −2…+2 whole numbers);
    ``occasion`` a whole number ≥ 1; ``date`` ``dd-mm-yyyy`` or ``yyyy-mm-dd`` and a real date;
    ``weight`` (GAS rows) a positive number, blank = 1; no person measured twice on one
    instrument at one occasion (GAS: per goal).

    Args:
        mapped: output of :func:`apply_mapping` (or :func:`read_table` when the columns already
            have standard names).

    Returns:
        DataFrame with index ``row`` (the file's row numbers) and columns ``person_id`` (str),
        ``occasion`` (int64, derived from ``date`` when absent: a person's k-th date),
        ``date`` (datetime64, if given), ``instrument`` (str; known names in their canonical
        spelling, e.g. ``"WEMWBS"``), ``score`` (float), and ``goal``/``weight``/``group`` when
        given. Other columns are dropped from the result (the raw table is untouched).

    Raises:
        FileProblemsError: with every problem found.
    """
    source = {**{c: c for c in mapped.columns}, **mapped.attrs.get("source_columns", {})}
    problems: list[Problem] = []

    def report(mask: pd.Series, field: str, message_for) -> None:
        for row, value in mapped.loc[mask[mask].index, field].items():
            problems.append(Problem(int(row), source.get(field, field), message_for(value)))

    # 1. CPR-like values anywhere: refuse without echoing, in one problem however many cells
    #    hold them; these cells get no other message.
    cpr = pd.DataFrame(False, index=mapped.index, columns=mapped.columns)
    for column in mapped.columns:
        cpr[column] = find_cpr_like(mapped[column])
    if cpr.to_numpy().any():
        problems.append(cpr_problem(cpr.rename(columns=lambda c: source.get(c, c))))

    # 2. Required fields.
    missing = [f for f in ("person_id", "instrument", "score") if f not in mapped.columns]
    if "occasion" not in mapped.columns and "date" not in mapped.columns:
        problems.append(Problem(None, None, t("opfoelgning.missing_time")))
    for f in missing:
        problems.append(Problem(None, None, t("opfoelgning.missing_field", field=_field_label(f))))
    if missing or ("occasion" not in mapped.columns and "date" not in mapped.columns):
        raise FileProblemsError(problems)

    def clean(field: str) -> pd.Series:
        return mapped[field].astype(str).str.strip().where(~cpr[field], "")

    out = pd.DataFrame(index=mapped.index)
    for field in ("person_id", "instrument"):
        cells = clean(field)
        report((cells == "") & ~cpr[field], field, lambda v: t("opfoelgning.empty"))
        out[field] = cells
    # Known instruments in their canonical spelling; mapping the few distinct names is cheap.
    canonical = {name.lower(): name for name in INSTRUMENT_RANGES}
    names = out["instrument"].unique()
    out["instrument"] = out["instrument"].map({n: canonical.get(n.lower(), n) for n in names})
    is_gas = out["instrument"] == "GAS"

    # score
    cells = clean("score")
    values, ok = _parse_numbers(cells)
    blank = (cells == "") & ~cpr["score"]
    report(blank, "score", lambda v: t("opfoelgning.empty"))
    report(
        ~ok & ~blank & ~cpr["score"],
        "score",
        lambda v: t("opfoelgning.not_a_number", value=_echo(v)),
    )
    ranges = {n: INSTRUMENT_RANGES.get(n, (-np.inf, np.inf)) for n in out["instrument"].unique()}
    low = out["instrument"].map({n: r[0] for n, r in ranges.items()}).astype(float)
    high = out["instrument"].map({n: r[1] for n, r in ranges.items()}).astype(float)
    whole = ok & ~is_gas & out["instrument"].isin(_WHOLE_NUMBER_INSTRUMENTS)
    thousands = whole & cells.str.fullmatch(_THOUSANDS_RE, na=False)
    outside = ok & ~is_gas & ~thousands & ((values < low) | (values > high))
    for row in outside[outside].index:
        inst = out.at[row, "instrument"]
        low_i, high_i = INSTRUMENT_RANGES[inst]
        problems.append(
            Problem(
                int(row),
                source["score"],
                t(
                    "opfoelgning.out_of_range",
                    value=_echo(cells[row]),
                    instrument=inst,
                    low=f"{low_i:g}",
                    high=f"{high_i:g}",
                ),
            )
        )
    fraction = whole & ~thousands & ~outside & (values != values.round())
    for mask, key in (
        (thousands, "opfoelgning.thousands_point"),
        (fraction, "opfoelgning.not_whole"),
    ):
        for row in mask[mask].index:
            inst = out.at[row, "instrument"]
            low_i, high_i = INSTRUMENT_RANGES[inst]
            message = t(
                key, value=_echo(cells[row]), instrument=inst, low=f"{low_i:g}", high=f"{high_i:g}"
            )
            problems.append(Problem(int(row), source["score"], message))
    bad_gas = ok & is_gas & ~values.isin(GAS_LEVELS)
    report(bad_gas, "score", lambda v: t("opfoelgning.gas_level", value=_echo(v)))
    out["score"] = values

    # occasion and/or date
    if "occasion" in mapped.columns:
        cells = clean("occasion")
        ok_occ = cells.str.fullmatch(_INT_RE.pattern, na=False)
        occ = pd.to_numeric(cells.where(ok_occ), errors="coerce")
        bad = ~cpr["occasion"] & (~ok_occ | (occ < 1))
        report(bad & (cells == ""), "occasion", lambda v: t("opfoelgning.empty"))
        report(
            bad & (cells != ""),
            "occasion",
            lambda v: t("opfoelgning.not_an_occasion", value=_echo(v)),
        )
        out["occasion"] = occ
    if "date" in mapped.columns:
        cells = clean("date")
        dates = _parse_dates(cells)
        bad = dates.isna() & ~cpr["date"]
        report(bad & (cells == ""), "date", lambda v: t("opfoelgning.empty"))
        report(bad & (cells != ""), "date", lambda v: t("opfoelgning.not_a_date", value=_echo(v)))
        out["date"] = dates

    for field in ("goal", "group"):
        if field in mapped.columns:
            out[field] = clean(field)
    if "weight" in mapped.columns:
        cells = clean("weight")
        w, ok_w = _parse_numbers(cells)
        blank_w = cells == ""
        bad_w = is_gas & ~blank_w & ~cpr["weight"] & (~ok_w | ~(w > 0))
        report(bad_w, "weight", lambda v: t("opfoelgning.bad_weight", value=_echo(v)))
        out["weight"] = w.where(~(is_gas & blank_w), 1.0)

    # duplicates (only among rows whose keys are all readable)
    time_key = "occasion" if "occasion" in out.columns else "date"
    keys = ["person_id", "instrument", time_key]
    readable = out[keys].notna().all(axis=1) & (out["person_id"] != "")
    gas_keys = [*keys, "goal"] if "goal" in out.columns else None
    for mask, key in ((readable & ~is_gas, keys), (readable & is_gas, gas_keys)):
        if key is None or not mask.any():
            continue
        subset = out.loc[mask, key]
        dup = subset.duplicated(keep="first")
        if dup.any():
            rows = pd.Series(subset.index, index=subset.index)
            first_row = rows.groupby([subset[k] for k in key], sort=False).transform("first")
            for row in dup[dup].index:
                problems.append(
                    Problem(int(row), None, t("opfoelgning.duplicate", other=int(first_row[row])))
                )

    if problems:
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        raise FileProblemsError(problems)

    if "occasion" not in out.columns:
        out["occasion"] = out.groupby("person_id")["date"].rank(method="dense")
    out["occasion"] = out["occasion"].astype("int64")
    order = [c for c in FIELDS if c in out.columns]
    return out[order]


def load_user_file(
    data: bytes,
    filename: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read, map and validate an uploaded follow-up file in one call.

    Args:
        data: the file's bytes (kept in memory only).
        filename: the upload's name (to recognise Excel files).
        mapping: user column → standard field; ``None`` uses :func:`suggest_mapping`.
        sheet: Excel sheet name (``None`` = first sheet).

    Returns:
        The typed tidy table of :func:`validate`.

    Raises:
        FileProblemsError: every problem found while reading, mapping and validating.
    """
    raw = read_table(data, filename, sheet=sheet)
    chosen = suggest_mapping(raw.columns) if mapping is None else mapping
    chosen = {c: f for c, f in chosen.items() if c != f}
    return validate(apply_mapping(raw, chosen))
