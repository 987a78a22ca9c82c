"""``vidensbasering grade`` on submissions that need the instructor's attention: exact points,
feedback for everyone graded, and a summary (table and grades file) that says per student what
happened: a cell put back, a locked cell edited, a time or memory limit, a reflection left as the
template, or hand grading needed for another reason.

One Canvas zip holds one student per case (``submission_fixtures``); the cases' points are
computed by hand in ``submission_fixtures`` (opg1 1, opg2 2, opg3 2, opg4 2 autograded; the
reflection opg5, 3 points, by hand).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import submission_fixtures as fixtures
from lms_fixtures import MONDAY, make_zip
from pipeline_helpers import ASSIGNMENT, copy_course
from rich.console import Console

from vidensbasering import cli
from vidensbasering.course.grading import GradeReport, StudentResult, grade
from vidensbasering.i18n import t

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

ORDINARY = "ordinary"
#: Canvas user id -> case; the file's name stem is the case name without underscores.
STUDENTS = {
    "101": ORDINARY,
    "102": "marker_lines_in_answer",
    "103": "deleted_test_cell",
    "104": "emptied_test_cell",
    "105": "deleted_locked_text",
    "106": "edited_locked_test",
    "107": "infinite_loop",
    "108": "unbounded_memory",
    "109": "deleted_graded_cell",
}
UNANSWERED = t("grading.note_unanswered", cells="opg5_refleksion")
# (points, status, notes in summary order)
EXPECTED = {
    # every answer right, reflection written: waits for the instructor, nothing to remark
    "101": (7.0, "manual", ()),
    # marker lines in the student's own text change nothing: 7, feedback made
    "102": (7.0, "manual", ()),
    # the deleted or emptied locked cells are put back and graded: 7 each
    "103": (7.0, "graded", (t("grading.note_restored", cells="opg2_test"), UNANSWERED)),
    "104": (7.0, "graded", (t("grading.note_restored", cells="opg3_test"), UNANSWERED)),
    "105": (7.0, "graded", (t("grading.note_restored", cells="intro, afslutning"), UNANSWERED)),
    # opg1 wrong and its test edited to `pass`: the real test is used, 0 + 2 + 2 + 2
    "106": (6.0, "graded", (t("grading.note_edited", cells="opg1_test"), UNANSWERED)),
    # opg1 loops until the cell time limit: 0 + 2 + 2 + 2
    "107": (6.0, "graded", (t("grading.note_timeout", cells="opg1_svar"), UNANSWERED)),
    # opg4 allocates until the memory limit: 1 + 2 + 2 + 0
    "108": (5.0, "graded", (t("grading.note_memory", cells="opg4_svar"), UNANSWERED)),
    # the reflection cell was deleted: nbgrader asks for a person, for another reason
    "109": (7.0, "manual", (t("grading.note_manual_other", cells="opg5_refleksion"),)),
}


def _content(case: str) -> bytes:
    if case == ORDINARY:
        notebook = fixtures.released()
        answers = fixtures.correct_answers() | {"opg5_refleksion": "Lodtrækning gør grupper ens."}
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        return nbformat.writes(notebook).encode()
    return fixtures.CASES[case]()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, GradeReport]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("VIDENSBASERING_DB_URL", raising=False)
        patch.setenv("VIDENSBASERING_CELL_TIMEOUT", "10")
        tmp = tmp_path_factory.mktemp("summary")
        course = copy_course(tmp / "projekt" / "course")
        entries = {
            f"{case.replace('_', '')}_{user}_9{user}_{ASSIGNMENT}.ipynb": (_content(case), MONDAY)
            for user, case in STUDENTS.items()
        }
        report = grade(course, ASSIGNMENT, make_zip(tmp / "canvas.zip", entries), "canvas")
        yield course, report


def _row(report: GradeReport, student: str) -> StudentResult:
    return next(row for row in report.students if row.student_id == student)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_points_status_and_notes_per_student(
    graded: tuple[Path, GradeReport], student: str
) -> None:
    course, report = graded
    row = _row(report, student)
    assert (row.score, row.status, row.notes) == EXPECTED[student], row.reason
    feedback = course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert feedback.is_file()
    assert "_skjult_" not in feedback.read_text(encoding="utf-8")


def test_marker_lines_stay_in_the_students_feedback(graded: tuple[Path, GradeReport]) -> None:
    course, _ = graded
    html = (course / "feedback" / "102" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    # The student's own comment and printed lines are shown back, unchanged.
    assert html.count("### BEGIN HIDDEN TESTS") >= 2


def test_summary_table_and_grades_file_carry_the_notes(graded: tuple[Path, GradeReport]) -> None:
    course, report = graded
    console = Console(record=True, width=400)
    cli._print_summary(console, report)
    text = console.export_text()
    for _, _, notes in EXPECTED.values():
        for note in notes:
            assert note in text
    frame = pd.read_csv(
        course / f"karakterer-{ASSIGNMENT}.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    ).set_index(t("grading.csv_lms_id"))
    for student, (_, _, notes) in EXPECTED.items():
        assert frame.loc[student, t("grading.csv_notes")] == "; ".join(notes), student
