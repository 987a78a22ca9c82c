"""``vidensbasering grade``: from the LMS's zip to grades, feedback and a grades file, in one step.

Every step is nbgrader's, run through its API and plugins:

1. the assignment is put in the gradebook (``generate_assignment``) if it is not there yet;
2. the zip is imported with nbgrader's zip_collect and the LMS collector plugins
   (:mod:`vidensbasering.course.lms`), re-runs merged safely;
3. students nbgrader does not know yet are added to the gradebook, with their LMS id and name;
4. new and replaced submissions are autograded, sandboxed and several at a time
   (:func:`vidensbasering.course.runner.autograde_submissions`);
5. feedback is generated per student (hidden tests removed by the course config);
6. the grades of every submission of the assignment are written for the LMS with
   :class:`DanishCsvExportPlugin` (also usable as ``nbgrader export --exporter=...``).

Grades given by hand are never overwritten: nbgrader's ``SaveAutoGrades`` writes only
``auto_score`` and keeps ``manual_score`` (which counts over the automatic score); when it finds a
manual score it flags the cell for review. :func:`grade` checks this after every run and restores
any manual score or comment that changed (see :func:`_manual_marks`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import ExportPlugin
from traitlets import Dict, List, Unicode

from vidensbasering.course.build import (
    NbgraderError,
    assignments,
    check_assignment_name,
    load_course_config,
    open_api,
)
from vidensbasering.course.lms import ImportedFile, LmsName, StudentImport, import_submissions
from vidensbasering.course.review import review_notes
from vidensbasering.course.roster import Roster, read_roster
from vidensbasering.course.runner import GradingOutcome, autograde_submissions
from vidensbasering.i18n import t

GRADES_FILE = "karakterer-{assignment}.csv"

Status = Literal["graded", "manual", "failed", "unchanged", "older", "rejected"]


@contextmanager
def _quiet(log: logging.Logger) -> Iterator[None]:
    """Keep nbgrader's log off the terminal while still letting ``capture_log`` read its errors.

    nbgrader's API logs to the shared ``traitlets`` logger; its errors end up in each call's
    result (``capture_log`` attaches its own handler), and the summary gives the reason.
    """
    level, propagate = log.level, log.propagate
    log.setLevel(logging.ERROR)
    log.propagate = False
    try:
        yield
    finally:
        log.setLevel(level)
        log.propagate = propagate


def _autograde(
    course_root: Path,
    assignment: str,
    student_ids: list[str],
    *,
    workers: int,
    progress: Callable[[str], None] | None,
) -> list[GradingOutcome]:
    """Autograde with the sandboxed runner, with the course's per-cell time limit.

    The limit is ``ExecutePreprocessor.timeout`` from ``nbgrader_config.py`` (which reads
    ``VIDENSBASERING_CELL_TIMEOUT``), so ``grade`` and plain nbgrader stop a cell at the same time.
    """
    config = load_course_config(course_root)
    timeout = config.ExecutePreprocessor.get("timeout", 60)
    return autograde_submissions(
        course_root,
        assignment,
        student_ids,
        workers=workers,
        cell_timeout=float(timeout),
        progress=progress,
    )


def _scores(api: NbGraderAPI, assignment: str, student_id: str) -> tuple[float, float, bool]:
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        submission = gradebook.find_submission(assignment, student_id)
        return (
            float(submission.score),
            float(submission.max_score),
            bool(submission.needs_manual_grade),
        )


class DanishCsvExportPlugin(ExportPlugin):
    """Grades for the LMS as a CSV that Danish Excel opens correctly.

    UTF-8 with BOM, ``;`` as separator and decimal comma. One row per submission (students who did
    not submit are left out, so no one gets a 0 they did not earn). Columns (Danish headers from
    the catalog, ``grading.csv_*``): assignment, student id, LMS id, first name, last name (real
    names only: from a roster, Moodle or the custom pattern), the name the LMS's file name carries
    (``file_names``; Canvas's stem such as "sørensenåse"), points,
    maximum points, needs manual grading (``ja``/``nej``), notes for the instructor
    (:func:`vidensbasering.course.review.review_notes`, joined by ``"; "``). Points are
    nbgrader's: the manual score where one is given, else the automatic one, summed over the
    assignment's cells.

    ``skip_students`` leaves out submissions that could not be graded (:func:`grade` passes the
    ones whose autograding failed: nbgrader has already recorded them, with no points).

    Usable on its own, from ``course/``: ``nbgrader export --to=karakterer.csv
    --exporter=vidensbasering.course.grading.DanishCsvExportPlugin``. ``assignment`` and
    ``student`` (nbgrader's traits) narrow the rows.
    """

    skip_students = List(Unicode(), [], help="student ids to leave out").tag(config=True)
    file_names = Dict(
        value_trait=Unicode(), help="student id -> the name the LMS's file name carries"
    ).tag(config=True)

    def export(self, gradebook: Gradebook) -> None:
        """Write the file named by ``to`` (default ``karakterer.csv``)."""
        rows = []
        wanted_students = {str(s) for s in self.student}
        skipped = set(self.skip_students)
        course_root = Path(CourseDirectory(parent=self).root)
        for assignment in gradebook.assignments:
            if self.assignment and assignment.name not in {str(a) for a in self.assignment}:
                continue
            for submission in gradebook.assignment_submissions(assignment.name):
                student = submission.student
                if (wanted_students and student.id not in wanted_students) or student.id in skipped:
                    continue
                rows.append(
                    {
                        t("grading.csv_assignment"): assignment.name,
                        t("grading.csv_student_id"): student.id,
                        t("grading.csv_lms_id"): student.lms_user_id or "",
                        t("grading.csv_first_name"): student.first_name or "",
                        t("grading.csv_last_name"): student.last_name or "",
                        t("grading.csv_file_name"): self.file_names.get(student.id, ""),
                        t("grading.csv_score"): float(submission.score),
                        t("grading.csv_max_score"): float(submission.max_score),
                        t("grading.csv_needs_manual"): t(
                            "grading.yes" if submission.needs_manual_grade else "grading.no"
                        ),
                        t("grading.csv_notes"): "; ".join(
                            review_notes(course_root, assignment.name, student.id, gradebook)
                        ),
                    }
                )
        frame = pd.DataFrame(rows, columns=_csv_columns())
        frame = frame.sort_values([t("grading.csv_assignment"), t("grading.csv_student_id")])
        frame.to_csv(
            self.to or "karakterer.csv", sep=";", decimal=",", encoding="utf-8-sig", index=False
        )


def _csv_columns() -> list[str]:
    keys = [
        "assignment", "student_id", "lms_id", "first_name", "last_name", "file_name", "score",
        "max_score",
        "needs_manual", "notes",
    ]  # fmt: skip
    return [t(f"grading.csv_{key}") for key in keys]


@dataclass(frozen=True)
class StudentResult:
    """One line of the summary.

    Attributes:
        student_id: nbgrader id (see :mod:`vidensbasering.course.lms` for how it is made).
        name: name from the LMS file name, if any.
        late: the LMS marked the submission late.
        status: ``"graded"``, ``"manual"`` (graded, cells to grade or review by hand),
            ``"failed"``, ``"unchanged"`` (same notebook as last run, grades as they are),
            ``"older"`` (the zip's notebook is not newer than the one graded before; kept), or
            ``"rejected"`` (no usable notebook in the zip for this student).
        reason: Danish reason for failed and rejected; empty otherwise.
        score, max_score: current points in the gradebook, ``None`` when there are none.
        notes: Danish notes for the instructor about a graded submission (a cell put back or
            edited, a limit hit, a written answer left as the template, hand grading needed for
            another reason; :func:`vidensbasering.course.review.review_notes`).
    """

    student_id: str
    name: str | None
    late: bool
    status: Status
    reason: str
    score: float | None
    max_score: float | None
    notes: tuple[str, ...] = ()


@dataclass
class GradeReport:
    """Everything :func:`grade` did, for the summary table and for tests."""

    assignment: str
    students: list[StudentResult]
    files: list[ImportedFile]
    grades_file: Path
    run_dir: Path | None

    def by_status(self, status: Status) -> list[StudentResult]:
        """The students with ``status``, in summary order."""
        return [s for s in self.students if s.status == status]


ProgressCallback = Callable[[str, str], None]


def _ensure_assignment(api: NbGraderAPI, course_root: Path, assignment: str) -> None:
    """Put the assignment in the gradebook and ``release/`` once (nbgrader generate_assignment)."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
            known = True
        except MissingEntry:
            known = False
    if known and (course_root / "release" / assignment).is_dir():
        return
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        details = "\n".join(filter(None, [result.get("log"), result.get("error")]))
        raise NbgraderError(f"nbgrader generate_assignment {assignment} failed:\n{details}")


def _add_students(
    api: NbGraderAPI, students: Iterable[StudentImport], roster: Roster | None = None
) -> list[str]:
    """Add the students nbgrader does not know and return their ids.

    Names come from ``roster`` when it has the student, else from the file name (Moodle, custom
    patterns; Canvas gives none). Known students stay as they are, except that a roster's names
    replace theirs (the roster is the LMS's own record).
    """
    added = []
    roster = roster or {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student in students:
            first, last = roster.get(student.student_id, (student.first_name, student.last_name))
            try:
                known = gradebook.find_student(student.student_id)
            except MissingEntry:
                gradebook.add_student(
                    student.student_id, first_name=first, last_name=last, lms_user_id=student.lms_id
                )
                added.append(student.student_id)
            else:
                if student.student_id in roster:
                    known.first_name, known.last_name = first, last
                    gradebook.db.commit()
    return added


ManualMarks = dict[tuple[str, str, str], tuple[float | None, str | None]]


def _manual_marks(api: NbGraderAPI, assignment: str, student_ids: Iterable[str]) -> ManualMarks:
    """Every manual score and manual comment of these students' submissions of ``assignment``.

    Keys are ``(student id, notebook, grade id)``; values ``(manual_score, manual_comment)``.
    """
    marks: ManualMarks = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student_id in student_ids:
            try:
                submission = gradebook.find_submission(assignment, student_id)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.manual_score is not None:
                        key = (student_id, notebook.name, grade.name)
                        marks[key] = (grade.manual_score, marks.get(key, (None, None))[1])
                for comment in notebook.comments:
                    if comment.manual_comment:
                        key = (student_id, notebook.name, comment.name)
                        marks[key] = (marks.get(key, (None, None))[0], comment.manual_comment)
    return marks


def _restore_manual_marks(api: NbGraderAPI, assignment: str, before: ManualMarks) -> int:
    """Put back any manual score or comment that differs from ``before``; return how many."""
    restored = 0
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for (student_id, notebook, name), (score, comment) in before.items():
            if score is not None:
                grade = gradebook.find_grade(name, notebook, assignment, student_id)
                if grade.manual_score != score:
                    grade.manual_score = score
                    grade.needs_manual_grade = True
                    restored += 1
            if comment is not None:
                found = gradebook.find_comment(name, notebook, assignment, student_id)
                if found.manual_comment != comment:
                    found.manual_comment = comment
                    restored += 1
        gradebook.db.commit()
    return restored


def _current(
    api: NbGraderAPI, assignment: str, student_id: str
) -> tuple[float, float, bool] | None:
    try:
        return _scores(api, assignment, student_id)
    except MissingEntry:
        return None


def grade(
    course_root: Path,
    assignment: str,
    zip_path: Path,
    lms: LmsName,
    pattern: str | None = None,
    *,
    grades_file: Path | None = None,
    workers: int = 2,
    progress: ProgressCallback | None = None,
    roster: Path | None = None,
) -> GradeReport:
    """Import an LMS zip, autograde, generate feedback and write the grades file.

    Args:
        course_root: nbgrader course root (``course/`` of the project, or a copy).
        assignment: assignment name (a folder of ``course_root/source``).
        zip_path: the LMS's bulk download.
        lms: ``"canvas"``, ``"moodle"`` or ``"custom"`` (then ``pattern`` is required).
        pattern: regular expression with ``student_id`` and ``file_id`` groups (custom only).
        grades_file: where to write the CSV; default ``course_root/karakterer-<assignment>.csv``.
        workers: concurrent autograding workers (passed to the runner).
        roster: the LMS's gradebook or participants export (:func:`~.roster.read_roster`):
            students' first and last names are taken from it.
        progress: called as ``progress(step, student_id)`` with step ``"import"``,
            ``"autograde"`` or ``"feedback"``, after each student of a step (``student_id`` is
            empty for ``"import"``), and once as ``progress("plan:<n>", "")`` with the number of
            submissions to autograde.

    Returns:
        The report behind the summary table.

    Raises:
        LmsImportError: the zip or the pattern cannot be used (nothing was graded).
        RosterError: ``roster`` cannot be read as a roster (nothing was done).
        NbgraderError: nbgrader could not put the assignment in the gradebook.
        FileNotFoundError: no such assignment in ``source/``.
        AssignmentNameError: the name is one nbgrader's formgrader cannot show (nothing done).
        SandboxUnavailableError: the sandbox cannot run on this machine (nothing was graded).
    """
    check_assignment_name(assignment)
    names = read_roster(roster) if roster is not None else None
    if assignment not in assignments(course_root):
        raise FileNotFoundError(
            t("grading.unknown_assignment", assignment=assignment,
              known=", ".join(assignments(course_root)))
        )  # fmt: skip
    notify = progress or (lambda step, student: None)
    api = open_api(course_root)
    with _quiet(api.log):
        _ensure_assignment(api, course_root, assignment)

    imported = import_submissions(course_root, assignment, zip_path, lms, pattern)
    notify("import", "")
    _add_students(api, imported.students.values(), names)

    to_grade = [
        s.student_id
        for s in imported.students.values()
        if s.status in ("new", "replaced")
        or not (course_root / "autograded" / s.student_id / assignment).is_dir()
    ]
    notify(f"plan:{len(to_grade)}", "")
    before = _manual_marks(api, assignment, to_grade)
    outcomes = {
        o.student_id: o
        for o in _autograde(
            course_root,
            assignment,
            to_grade,
            workers=workers,
            progress=lambda student: notify("autograde", student),
        )
    }
    _restore_manual_marks(api, assignment, before)

    feedback_failed: dict[str, str] = {}
    for student_id, outcome in outcomes.items():
        if outcome.status == "graded":
            with _quiet(api.log):
                result = api.generate_feedback(assignment, student_id, force=True)
            if not result.get("success"):
                feedback_failed[student_id] = t("grading.reason_feedback_failed")
        notify("feedback", student_id)

    grades_path = grades_file or course_root / GRADES_FILE.format(assignment=assignment)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        DanishCsvExportPlugin(
            parent=api,
            to=str(grades_path),
            assignment=[assignment],
            skip_students=[sid for sid, o in outcomes.items() if o.status == "failed"],
            file_names={s.student_id: s.name for s in imported.students.values() if s.name},
        ).export(gradebook)

    results = [
        _student_result(api, assignment, s, outcomes.get(s.student_id), feedback_failed)
        for s in imported.students.values()
    ]
    results += _rejected_only(imported.files, set(imported.students))
    order = {"failed": 0, "rejected": 1, "manual": 2, "older": 3, "graded": 4, "unchanged": 5}
    results.sort(key=lambda r: (order[r.status], r.student_id))
    return GradeReport(assignment, results, imported.files, grades_path, imported.run_dir)


def _student_result(
    api: NbGraderAPI,
    assignment: str,
    student: StudentImport,
    outcome: GradingOutcome | None,
    feedback_failed: dict[str, str],
) -> StudentResult:
    current = _current(api, assignment, student.student_id)
    score, max_score, manual = current if current else (None, None, False)
    common = {"student_id": student.student_id, "name": student.name, "late": student.late}
    if outcome is not None and outcome.status == "failed":
        return StudentResult(**common, status="failed", reason=outcome.reason, score=None,
                             max_score=None)  # fmt: skip
    if student.student_id in feedback_failed:
        return StudentResult(**common, status="failed", reason=feedback_failed[student.student_id],
                             score=score, max_score=max_score)  # fmt: skip
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        notes = review_notes(Path(api.coursedir.root), assignment, student.student_id, gradebook)
    if outcome is None:
        status: Status = "older" if student.status == "older" else "unchanged"
        reason = t("grading.reason_older") if status == "older" else ""
        return StudentResult(**common, status=status, reason=reason, score=score,
                             max_score=max_score, notes=notes)  # fmt: skip
    return StudentResult(**common, status="manual" if manual else "graded", reason="",
                         score=score, max_score=max_score, notes=notes)  # fmt: skip


def _rejected_only(files: list[ImportedFile], imported: set[str]) -> list[StudentResult]:
    """Students with files in the zip but no usable notebook: one line each, with the reasons."""
    reasons: dict[str, list[ImportedFile]] = {}
    for record in files:
        if record.status == "rejected" and record.student_id and record.student_id not in imported:
            reasons.setdefault(record.student_id, []).append(record)
    return [
        StudentResult(
            student_id=student_id,
            name=records[0].name,
            late=records[0].late,
            status="rejected",
            reason="; ".join(f"{Path(r.path).name}: {r.reason}" for r in records),
            score=None,
            max_score=None,
        )
        for student_id, records in sorted(reasons.items())
    ]
