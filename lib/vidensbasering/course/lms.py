"""Import an LMS bulk download (one zip of every submission) into the nbgrader course.

nbgrader's ``zip_collect`` (:class:`~nbgrader.apps.zipcollectapp.ZipCollectApp`) does the work:
its :class:`~nbgrader.plugins.ExtractorPlugin` unpacks the zip, a
:class:`~nbgrader.plugins.FileNameCollectorPlugin` turns each file name into a student id and a
notebook name, and the app copies the notebooks, keeping the newest one per student when a student
has several. This module adds the plugins for the file names of Canvas, Moodle and any other LMS
(a pattern given by the instructor), and a merge step that makes a re-run with a newer zip safe.

File-name conventions (see ``course/README.md`` for the instructor's view):

- Canvas ("Download submissions"): ``<stem>_<attachment id>_<original name>``, where the stem is
  the sortable name ("Sørensen, Åse"), ``LATE`` when the submission was late, and the Canvas user
  id, joined by ``_``, lower-cased name, every non-word character removed:
  ``sørensenåse_late_12345_67890_videnskvalitet.ipynb``. With anonymous grading there is no name
  and the id is ``anon_<anonymous id>``. Canvas text and link entries (``_text.html``,
  ``_link.html``) are ignored. Canvas numbers a re-uploaded file with the same name
  ``videnskvalitet-1.ipynb``; browsers and operating systems write ``videnskvalitet (1).ipynb``:
  both map to the assignment's notebook.
- Moodle ("Download all submissions"): ``Full Name_<participant id>_assignsubmission_file_<original
  name>``, or, the default since Moodle 3.1, a folder per student:
  ``Full Name_<participant id>_assignsubmission_file_/<original name>``. Spaces and æ/ø/å are kept.
  With blind marking the name is the word "Participant" (in a Danish Moodle "Deltager").
- Custom: a regular expression with the named groups ``student_id`` and ``file_id`` (optional:
  ``first_name``, ``last_name``, ``timestamp``, ``late``), matched from the start of each file's
  path inside the zip, e.g. ``Ida Jensen/videnskvalitet.ipynb``.

Student ids (stable across assignments and re-runs, safe as folder names on every system):

- Canvas: the Canvas user id (``12345``), the id Canvas's own grade import matches on; with
  anonymous grading ``anon_<anonymous id>`` (case kept, as Canvas gives it).
- Moodle: :func:`student_slug` of the full name (``Åse Marie Sørensen`` -> ``åse_marie_sørensen``):
  Moodle's participant id changes from assignment to assignment, the name does not. Two different
  participants with the same name in one zip get their participant id appended
  (``anders_jensen_123``); blind-marked ones are ``participant_<participant id>``.
- Custom: :func:`student_slug` of the ``student_id`` group.

Timestamps: the modification time stored in the zip for each file (Moodle stores the upload
time; Canvas the time the zip was made), or the pattern's ``timestamp`` group. They decide which
notebook wins when a student has several in one zip (the newest; on equal times the last in
sorted path order, which for Canvas is the higher attachment id, i.e. the later upload) and,
in :func:`import_submissions`, whether a submission replaces one imported earlier.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Literal

from nbgrader.apps.zipcollectapp import ZipCollectApp
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from nbgrader.utils import capture_log, parse_utc
from traitlets import Unicode

from vidensbasering.course.build import load_course_config
from vidensbasering.i18n import t

LmsName = Literal["canvas", "moodle", "custom"]
# Folder under the course root where every import keeps its zip and what nbgrader extracted.
DOWNLOADED_DIR = "downloaded"
# Folder under the course root where a replaced submission (and its autograded notebook and
# feedback) is moved to: nothing is deleted.
SUPERSEDED_DIR = "superseded"
ZIP_NAME = "lms.zip"
# Words Moodle writes instead of the name under blind marking, per language pack (en, da, sv).
BLIND_MARKING_NAMES = frozenset({"participant", "deltager", "deltagare"})
# Files that LMSs or operating systems add to a download; listed as ignored, never reported.
_NOISE = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)")
# Copy markers before ".ipynb": Canvas "-1", browsers and Windows " (1)"/"(1)".
_COPY_MARKER = re.compile(r"(?:\s*\(\d+\)|-\d+)$")


class LmsImportError(ValueError):
    """The zip or the pattern cannot be used; the message (Danish) says what to fix."""


def student_slug(text: str) -> str:
    """Return a stable, filesystem-safe student id made from a name or an LMS id.

    Rule: Unicode NFC, lower case, every run of whitespace becomes ``_``, every character that is
    neither a Unicode letter or digit nor ``_``/``-`` is removed (so æ/ø/å and é are kept, while
    ``/``, ``\\``, ``:``, ``.`` and quotes go), runs of ``_`` collapse, and ``_``/``-`` are
    stripped from both ends. ``"Åse Marie  Sørensen"`` -> ``"åse_marie_sørensen"``.

    Raises:
        ValueError: nothing usable is left (e.g. the text was only punctuation).
    """
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"\s+", "_", text.strip())
    text = re.sub(r"[^\w-]", "", text)
    text = re.sub(r"_+", "_", text).strip("_-")
    if not text:
        raise ValueError("no letters or digits to make a student id from")
    return text


@dataclass(frozen=True)
class ImportedFile:
    """What the import did with one file of the zip.

    Attributes:
        path: POSIX path of the file inside the zip.
        status: ``"collected"`` (taken as the student's notebook), ``"ignored"`` (an LMS text or
            link entry, or system clutter), ``"rejected"`` (needs the instructor: not a notebook,
            name not understood, a notebook of another assignment) or ``"superseded"`` (a newer
            notebook of the same student in the same zip was used instead).
        reason: Danish explanation; empty for collected files.
        student_id: the derived student id, when the file name gave one.
        lms_id: the LMS's own id of the student (Canvas user id, Moodle participant id).
        name: the student's name as the file name gives it, if any.
        late: the LMS marked the submission as late (Canvas only).
        notebook: the assignment notebook the file was taken as, e.g. ``"videnskvalitet.ipynb"``.
        timestamp: naive datetime of the file (zip entry time, or the pattern's timestamp group).
    """

    path: str
    status: Literal["collected", "ignored", "rejected", "superseded"]
    reason: str = ""
    student_id: str | None = None
    lms_id: str | None = None
    name: str | None = None
    late: bool = False
    notebook: str | None = None
    timestamp: datetime | None = None
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class _Identity:
    student_id: str
    lms_id: str | None
    name: str | None
    first_name: str | None = None
    last_name: str | None = None
    late: bool = False


class TimestampExtractorPlugin(ExtractorPlugin):
    """nbgrader's extractor, plus the zip's own file times and UTF-8 names on the extracted files.

    nbgrader unpacks through setuptools, which gives every file the time of extraction; the
    collector needs the time stored in the zip to pick the newest submission. Entry times are
    DOS times without a time zone and are set as local times, so reading them back gives the same
    wall-clock time.

    Zip tools that do not set the zip format's UTF-8 flag (PHP's ZipArchive, which Moodle uses, is
    one) store names as UTF-8 bytes that Python reads as code page 437, so "Søren Ærø" arrives as
    "S├╕ren ├åR├╕". Such a name that decodes as UTF-8 is given its real name back.
    """

    def extract(self, archive_path: str, extracted_path: str) -> None:
        """Extract as nbgrader does, then fix each extracted file's mtime and name."""
        super().extract(archive_path, extracted_path)
        for root, _, names in os.walk(archive_path):
            for name in names:
                archive = Path(root, name)
                if archive.suffix not in self.zip_ext or not zipfile.is_zipfile(archive):
                    continue
                target_root = Path(
                    extracted_path, os.path.relpath(root, archive_path), archive.stem
                )
                with zipfile.ZipFile(archive) as handle:
                    for info in handle.infolist():
                        target = target_root / info.filename
                        if info.is_dir() or not target.is_file():
                            continue
                        stamp = time.mktime((*info.date_time, 0, 0, -1))
                        os.utime(target, (stamp, stamp))
                        real_name = _utf8_name(info)
                        if real_name != info.filename:
                            fixed = target_root / real_name
                            fixed.parent.mkdir(parents=True, exist_ok=True)
                            target.rename(fixed)
                            _remove_empty_parents(target.parent, target_root)


_UTF8_FLAG = 0x800


def _utf8_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, decoded as UTF-8 when the zip stored UTF-8 bytes without saying so."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return info.filename


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    """Remove folders left empty by a rename, up to (not including) ``stop``."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class LmsCollectorPlugin(FileNameCollectorPlugin):
    """Base of the LMS collectors: nbgrader's pattern matching plus names, ids and a report.

    ``named_regexp`` (nbgrader's trait) is matched with nbgrader's own matcher against the path
    of each file inside the zip (not the absolute path). Each file ends up in :attr:`files` as an
    :class:`ImportedFile`, so nothing is dropped without a line in the summary.
    """

    lms: ClassVar[LmsName]
    # The groups a pattern of this collector must have.
    required_groups: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.files: list[ImportedFile] = []
        self._identities: dict[str, _Identity] | None = None
        self._signatures: dict[str, dict[str, frozenset[str]]] | None = None

    # -- hooks for subclasses -------------------------------------------------------------
    def identify(self, groups: dict[str, str | None]) -> _Identity:
        """Student id, LMS id, name and late flag from the pattern's groups."""
        raise NotImplementedError

    def ignored_reason(self, path: str) -> str | None:
        """Danish reason when ``path`` is an LMS entry that is not a submission file."""
        return t("grading.import_ignored_noise") if _NOISE.search(path) else None

    # -- nbgrader's plugin interface ----------------------------------------------------------
    def collect(self, submitted_file: str) -> dict | None:
        """Return nbgrader's ``{"student_id", "file_id", "timestamp"}`` for one extracted file,
        or ``None`` to skip it; either way the decision is recorded in :attr:`files`."""
        record = self._examine(Path(submitted_file))
        self.files.append(record)
        if record.status != "collected":
            return None
        return {
            "student_id": record.student_id,
            "file_id": record.notebook,
            "timestamp": record.timestamp.isoformat(" ") if record.timestamp else None,
        }

    # -- internals ----------------------------------------------------------------------------
    @property
    def _extracted_root(self) -> Path:
        app = self.parent
        return Path(app._format_collect_path(app.extracted_directory), Path(ZIP_NAME).stem)

    @property
    def _assignment(self) -> str:
        return self.parent.coursedir.assignment_id

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self._extracted_root).as_posix()
        except ValueError:
            return path.name

    def _match_groups(self, rel: str) -> dict[str, str | None] | None:
        groups = self._match(rel)
        if not groups or not groups.get("file_id"):
            return None
        return groups

    def _prepare(self) -> None:
        """Identify every file once, so that equal names of different students are told apart."""
        by_path: dict[str, _Identity] = {}
        for path in sorted(self._extracted_root.rglob("*")):
            if path.is_file():
                rel = self._relative(path)
                groups = self._match_groups(rel)
                if groups is not None:
                    try:
                        by_path[rel] = self.identify(groups)
                    except ValueError:
                        continue
        lms_ids: dict[str, set[str | None]] = {}
        for identity in by_path.values():
            lms_ids.setdefault(identity.student_id, set()).add(identity.lms_id)
        clashes = {sid for sid, ids in lms_ids.items() if len(ids) > 1}
        self._identities = {
            rel: (
                _Identity(
                    f"{identity.student_id}_{student_slug(identity.lms_id or '')}",
                    identity.lms_id,
                    identity.name,
                    identity.first_name,
                    identity.last_name,
                    identity.late,
                )
                if identity.student_id in clashes and identity.lms_id
                else identity
            )
            for rel, identity in by_path.items()
        }

    def _examine(self, path: Path) -> ImportedFile:
        if self._identities is None:
            self._prepare()
        rel = self._relative(path)
        ignored = self.ignored_reason(rel)
        if ignored:
            return ImportedFile(rel, "ignored", ignored)
        groups = self._match_groups(rel)
        if groups is None:
            return ImportedFile(rel, "rejected", t("grading.import_unmatched"))
        identity = (self._identities or {}).get(rel)
        if identity is None:
            return ImportedFile(rel, "rejected", t("grading.import_no_id"))
        details = {
            "student_id": identity.student_id,
            "lms_id": identity.lms_id,
            "name": identity.name,
            "late": identity.late,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
        }
        if path.suffix.lower() != ".ipynb":
            return ImportedFile(rel, "rejected", t("grading.import_not_notebook"), **details)
        notebook, reason = self._notebook_for(str(groups["file_id"]), path)
        if notebook is None:
            return ImportedFile(rel, "rejected", reason, **details)
        try:
            timestamp = self._timestamp(groups, path)
        except LmsImportError as err:
            return ImportedFile(rel, "rejected", str(err), **details)
        return ImportedFile(
            rel, "collected", "", notebook=notebook, timestamp=timestamp, **details
        )  # fmt: skip

    def _timestamp(self, groups: dict[str, str | None], path: Path) -> datetime:
        given = groups.get("timestamp")
        if given:
            try:
                return parse_utc(given)
            except (ValueError, OverflowError) as err:
                raise LmsImportError(t("grading.import_bad_timestamp", value=given)) from err
        return datetime.fromtimestamp(path.stat().st_mtime)

    def _assignment_signatures(self) -> dict[str, dict[str, frozenset[str]]]:
        """Grade ids per notebook per assignment of the course source, read once."""
        if self._signatures is None:
            source = Path(self.parent.coursedir.root, self.parent.coursedir.source_directory)
            self._signatures = {
                folder.name: {nb.name: _grade_ids_of(nb) for nb in sorted(folder.glob("*.ipynb"))}
                for folder in sorted(source.iterdir())
                if folder.is_dir()
            }
        return self._signatures

    def _notebook_for(self, file_id: str, path: Path) -> tuple[str | None, str]:
        """Which notebook of the assignment this file is, or ``None`` and the Danish reason."""
        signatures = self._assignment_signatures()
        expected = signatures.get(self._assignment, {})
        name = Path(file_id).name
        stem = name[: -len(".ipynb")] if name.lower().endswith(".ipynb") else Path(name).stem
        by_lower = {Path(nb).stem.lower(): nb for nb in expected}
        candidate = by_lower.get(stem.lower())
        while candidate is None and _COPY_MARKER.search(stem):
            stem = _COPY_MARKER.sub("", stem)
            candidate = by_lower.get(stem.lower())
        submitted_ids = _grade_ids_of(path)
        best = _best_assignment(submitted_ids, signatures)
        if best is not None and best != self._assignment:
            return None, t("grading.import_other_assignment", assignment=best)
        if candidate is not None:
            return candidate, ""
        # A renamed copy ("Kopi af videnskvalitet.ipynb"): its graded cells say which notebook.
        if len(expected) == 1 and best == self._assignment:
            return next(iter(expected)), ""
        return None, t(
            "grading.import_unknown_notebook",
            name=name,
            expected=", ".join(sorted(expected)) or "-",
        )


def _grade_ids_of(path: Path) -> frozenset[str]:
    """Signature of a notebook file: its nbgrader grade ids, and its locked texts' fingerprints.

    Assignments may reuse grade ids (``opg1_svar`` in every assignment), so each locked markdown
    cell (the instructions a student cannot change) also adds ``"<grade id>#<digest of its
    text>"``, which tells assignments apart. Empty for anything that is not readable JSON.
    """
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        signature: set[str] = set()
        for cell in cells:
            meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
            if not isinstance(meta, dict) or not meta.get("grade_id"):
                continue
            grade_id = str(meta["grade_id"])
            signature.add(grade_id)
            if (
                cell.get("cell_type") == "markdown"
                and meta.get("locked")
                and not meta.get("solution")
            ):
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else str(source)
                digest = hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]
                signature.add(f"{grade_id}#{digest}")
        return frozenset(signature)
    except (OSError, ValueError, AttributeError, TypeError):
        return frozenset()


def _best_assignment(
    submitted: frozenset[str], signatures: dict[str, dict[str, frozenset[str]]]
) -> str | None:
    """The assignment whose notebooks share the largest fraction of grade ids with ``submitted``.

    ``None`` when no grade id is shared (a blank or broken file: the name decides). Ties go to
    no assignment in particular, so the caller falls back on the name.
    """
    if not submitted:
        return None
    scores: dict[str, float] = {}
    for assignment, notebooks in signatures.items():
        for ids in notebooks.values():
            if ids:
                overlap = len(submitted & ids) / len(submitted | ids)
                scores[assignment] = max(scores.get(assignment, 0.0), overlap)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _split_name(full_name: str) -> tuple[str | None, str | None]:
    """``"Åse Marie Sørensen"`` -> ``("Åse Marie", "Sørensen")``; one word is a last name."""
    parts = full_name.split()
    if not parts:
        return None, None
    return (" ".join(parts[:-1]) or None), parts[-1]


CANVAS_PATTERN = (
    r"(?:.*/)?(?:(?P<name>[^/]*?)_)??(?:(?P<late>(?i:late))_)?"
    r"(?P<user_id>anon_[^_/]+|\d+)_(?P<attachment_id>\d+)_(?P<file_id>[^/]+)$"
)
MOODLE_PATTERN = (
    r"(?:.*/)?(?P<name>[^/_]+)_(?P<participant_id>\d+)_assignsubmission_"
    r"(?P<plugin>[a-z]+)_(?:/(?:[^/]+/)*)?(?P<file_id>[^/]+)$"
)


class CanvasCollectorPlugin(LmsCollectorPlugin):
    """Canvas "Download submissions": ``<name>_[late_]<user id>_<attachment id>_<file name>``."""

    lms = "canvas"
    named_regexp = Unicode(CANVAS_PATTERN).tag(config=True)

    def identify(self, groups: dict[str, str | None]) -> _Identity:
        """Student id = Canvas user id (or ``anon_<id>``); the name is Canvas's name stem.

        The stem ("sørensenåse") is the sortable name with its comma and spaces removed: which
        part is the first name cannot be told, so it is kept as the name from the file only,
        never as a first or last name (those come from a roster, :mod:`.roster`).
        """
        user_id = str(groups["user_id"])
        name = groups.get("name") or None
        return _Identity(
            student_id=user_id if user_id.startswith("anon_") else student_slug(user_id),
            lms_id=user_id,
            name=name,
            late=bool(groups.get("late")),
        )

    def ignored_reason(self, path: str) -> str | None:
        """Canvas's text and link entries are not files the student uploaded."""
        if re.search(r"_(text|link)\.html$", path):
            return t("grading.import_ignored_lms_entry")
        return super().ignored_reason(path)


class MoodleCollectorPlugin(LmsCollectorPlugin):
    """Moodle "Download all submissions", flat or one folder per student."""

    lms = "moodle"
    named_regexp = Unicode(MOODLE_PATTERN).tag(config=True)

    def identify(self, groups: dict[str, str | None]) -> _Identity:
        """Student id = slug of the full name; ``participant_<id>`` under blind marking."""
        name = " ".join(str(groups["name"]).split())
        participant = str(groups["participant_id"])
        if student_slug(name) in BLIND_MARKING_NAMES:
            return _Identity(f"{student_slug(name)}_{participant}", participant, None)
        first, last = _split_name(name)
        return _Identity(student_slug(name), participant, name, first, last)

    def ignored_reason(self, path: str) -> str | None:
        """Moodle's online-text entries (``assignsubmission_onlinetext``) are not files."""
        if "_assignsubmission_onlinetext_" in path:
            return t("grading.import_ignored_lms_entry")
        return super().ignored_reason(path)


class CustomCollectorPlugin(LmsCollectorPlugin):
    """Any LMS: the instructor's pattern with ``student_id`` and ``file_id`` groups."""

    lms = "custom"
    required_groups = ("student_id", "file_id")

    def identify(self, groups: dict[str, str | None]) -> _Identity:
        """Student id = slug of the ``student_id`` group; names from the optional groups."""
        raw = str(groups["student_id"])
        first, last = groups.get("first_name"), groups.get("last_name")
        name = " ".join(part for part in (first, last) if part) or None
        return _Identity(student_slug(raw), raw, name, first, last, bool(groups.get("late")))


COLLECTORS: dict[str, type[LmsCollectorPlugin]] = {
    "canvas": CanvasCollectorPlugin,
    "moodle": MoodleCollectorPlugin,
    "custom": CustomCollectorPlugin,
}


def check_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a custom pattern and check that it has the groups nbgrader needs.

    Raises:
        LmsImportError: the pattern is not a valid regular expression, or lacks the
            ``student_id`` or ``file_id`` group (the Danish message names what is missing).
    """
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise LmsImportError(t("grading.pattern_invalid", error=str(err))) from err
    missing = [g for g in CustomCollectorPlugin.required_groups if g not in compiled.groupindex]
    if missing:
        raise LmsImportError(
            t("grading.pattern_missing_groups", groups=", ".join(f"(?P<{g}>...)" for g in missing))
        )
    return compiled


@dataclass(frozen=True)
class StudentImport:
    """One student of the zip after the merge into ``submitted/``.

    Attributes:
        student_id, lms_id, name, first_name, last_name, late: from the file name.
        status: ``"new"`` (first submission), ``"replaced"`` (newer than the one imported before;
            the old one was moved to ``superseded/``), ``"unchanged"`` (same notebook as already
            imported), ``"older"`` (differs from, but is not newer than, the imported one, which
            is kept).
        timestamp: time of the imported notebook (naive).
    """

    student_id: str
    lms_id: str | None
    name: str | None
    first_name: str | None
    last_name: str | None
    late: bool
    status: Literal["new", "replaced", "unchanged", "older"]
    timestamp: datetime | None


@dataclass
class ImportResult:
    """What one import did: per file, per student, and where the zip and its contents are kept."""

    files: list[ImportedFile]
    students: dict[str, StudentImport] = field(default_factory=dict)
    run_dir: Path | None = None

    @property
    def rejected(self) -> list[ImportedFile]:
        """Files that need the instructor's attention."""
        return [f for f in self.files if f.status == "rejected"]


def _run_stamp(base: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate, counter = stamp, 1
    while (base / candidate).exists():
        counter += 1
        candidate = f"{stamp}-{counter}"
    return candidate


def collect_zip(
    course_root: Path, assignment: str, zip_path: Path, lms: LmsName, pattern: str | None = None
) -> tuple[ImportResult, Path]:
    """Run nbgrader's zip_collect with the collector for ``lms`` into a staging folder.

    The zip is copied to ``course_root/downloaded/<assignment>/<UTC time>/archive/``; nbgrader
    extracts it next to that and copies the chosen notebooks to ``.../collected/<student>/
    <assignment>/`` (with nbgrader's ``timestamp.txt``). Nothing outside that folder is touched.

    Returns:
        The per-file report (students not yet filled in) and the staging ``collected`` folder.

    Raises:
        LmsImportError: not a zip file, a bad custom pattern, or nbgrader failed (its log is in
            the message).
    """
    if not zipfile.is_zipfile(zip_path):
        raise LmsImportError(t("grading.import_not_zip", path=str(zip_path)))
    collector = COLLECTORS[lms]
    if lms == "custom":
        if not pattern:
            raise LmsImportError(t("grading.pattern_required"))
        check_pattern(pattern)
    elif pattern:
        raise LmsImportError(t("grading.pattern_only_custom"))

    base = course_root / DOWNLOADED_DIR / assignment
    stamp = _run_stamp(base)
    run_dir = base / stamp
    (run_dir / "archive").mkdir(parents=True)
    shutil.copy2(zip_path, run_dir / "archive" / ZIP_NAME)
    staging = Path(DOWNLOADED_DIR, assignment, stamp, "collected")

    config = load_course_config(course_root)
    config.CourseDirectory.root = str(course_root)
    config.CourseDirectory.submitted_directory = staging.as_posix()
    config.ZipCollectApp.archive_directory = f"{stamp}/archive"
    config.ZipCollectApp.extracted_directory = f"{stamp}/extracted"
    config.ZipCollectApp.extractor_plugin = TimestampExtractorPlugin
    config.ZipCollectApp.collector_plugin = collector
    # The collector already checked each name against course/source (release/ may not exist yet).
    config.ZipCollectApp.strict = False
    config.ZipCollectApp.log_level = "ERROR"
    if pattern:
        config[collector.__name__].named_regexp = pattern
    else:
        config[collector.__name__].named_regexp = collector.class_traits()["named_regexp"].default()
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    app = ZipCollectApp(coursedir=coursedir, config=config)
    result = capture_log(app)
    if not result["success"]:
        details = "\n".join(filter(None, [result.get("log"), result.get("error")]))
        raise LmsImportError(t("grading.import_failed", details=details))
    files = list(app.collector_plugin_inst.files)
    collected = course_root / staging
    return ImportResult(files=_mark_superseded(files, collected, assignment), run_dir=run_dir), (
        collected
    )


def _mark_superseded(
    files: Iterable[ImportedFile], collected: Path, assignment: str
) -> list[ImportedFile]:
    """Mark collected files that nbgrader did not keep (an older duplicate of the same student)."""
    extracted = collected.parent / "extracted" / Path(ZIP_NAME).stem
    marked = []
    for record in files:
        if record.status == "collected" and record.student_id and record.notebook:
            kept = collected / record.student_id / assignment / record.notebook
            if not (kept.is_file() and filecmp.cmp(kept, extracted / record.path, shallow=False)):
                record = replace(record, status="superseded", reason=t("grading.import_superseded"))
        marked.append(record)
    return marked


def _notebooks_equal(a: Path, b: Path) -> bool:
    names_a = sorted(p.name for p in a.glob("*.ipynb"))
    names_b = sorted(p.name for p in b.glob("*.ipynb"))
    return names_a == names_b and all(
        filecmp.cmp(a / name, b / name, shallow=False) for name in names_a
    )


def _timestamp_of(folder: Path) -> datetime | None:
    path = folder / "timestamp.txt"
    if not path.is_file():
        return None
    try:
        return parse_utc(path.read_text(encoding="utf-8").strip())
    except (ValueError, OverflowError):
        return None


def supersede(course_root: Path, assignment: str, student_id: str, label: str) -> Path:
    """Move a student's submission, autograded notebook and feedback to ``superseded/``.

    Returns:
        The folder that now holds them: ``superseded/<assignment>/<student>/<label>/`` with
        ``submitted/``, ``autograded/`` and ``feedback/`` inside (those that existed).
    """
    target = course_root / SUPERSEDED_DIR / assignment / student_id / label
    counter = 1
    while target.exists():
        counter += 1
        target = target.with_name(f"{label}-{counter}")
    for step in ("submitted", "autograded", "feedback"):
        folder = course_root / step / student_id / assignment
        if folder.exists():
            (target / step).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(folder, target / step)
    return target


def import_submissions(
    course_root: Path, assignment: str, zip_path: Path, lms: LmsName, pattern: str | None = None
) -> ImportResult:
    """Import an LMS zip into ``course_root/submitted/`` without losing anything.

    nbgrader's zip_collect runs into a staging folder (:func:`collect_zip`); then, per student:
    no earlier submission -> copied in (``"new"``); the same notebook as before -> nothing to do
    (``"unchanged"``); a different one with a newer timestamp -> the earlier submission, its
    autograded notebook and feedback are moved to ``superseded/`` and the new one copied in
    (``"replaced"``); a different one that is not newer -> the earlier one stays (``"older"``).
    Grades in the gradebook are not touched here (see ``vidensbasering.course.grading``).

    Args:
        course_root: the nbgrader course root (holds ``nbgrader_config.py``, ``source/``).
        assignment: assignment name, a folder of ``source/``.
        zip_path: the LMS's bulk download.
        lms: ``"canvas"``, ``"moodle"`` or ``"custom"``.
        pattern: the regular expression for ``"custom"`` (see :func:`check_pattern`).

    Returns:
        The per-file and per-student report.

    Raises:
        LmsImportError: see :func:`collect_zip`.
    """
    result, collected = collect_zip(course_root, assignment, zip_path, lms, pattern)
    identities: dict[str, ImportedFile] = {}
    for record in result.files:
        if record.status == "collected" and record.student_id:
            identities.setdefault(record.student_id, record)
    for student_dir in (
        sorted(p for p in collected.iterdir() if p.is_dir()) if collected.is_dir() else []
    ):
        new = student_dir / assignment
        if not new.is_dir():
            continue
        student_id = student_dir.name
        current = course_root / "submitted" / student_id / assignment
        new_time = _timestamp_of(new)
        if not current.exists():
            status = "new"
        elif _notebooks_equal(new, current):
            status = "unchanged"
        else:
            old_time = _timestamp_of(current)
            if new_time is not None and (old_time is None or new_time > old_time):
                label = old_time.strftime("%Y%m%dT%H%M%S") if old_time else "uden-tidsstempel"
                supersede(course_root, assignment, student_id, label)
                status = "replaced"
            else:
                status = "older"
        if status in ("new", "replaced"):
            shutil.copytree(new, current)
        record = identities.get(student_id)
        result.students[student_id] = StudentImport(
            student_id=student_id,
            lms_id=record.lms_id if record else None,
            name=record.name if record else None,
            first_name=record.first_name if record else None,
            last_name=record.last_name if record else None,
            late=record.late if record else False,
            status=status,
            timestamp=new_time,
        )
    return result
