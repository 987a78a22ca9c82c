"""nbgrader for real on a temporary course: release, three submissions, grades and feedback."""

from __future__ import annotations

import csv
from collections.abc import Callable
from html import unescape
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.plugins import CsvExportPlugin
from pipeline_helpers import ASSIGNMENT, answered, correct_answers, partly_wrong_answers

from vidensbasering.course import open_api

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

# Invented students. The partly wrong one has æ/ø/å in the id (folders, gradebook, CSV).
CORRECT, BLANK, PARTLY_WRONG = "ida_jensen", "mads_olsen", "søren_ærø"
# Misspells a name in opg2: Python's NameError, with the course's Danish hint under it.
TYPO = "lise_holm"
TYPO_OPG2 = (
    'm_indsats = nsw.loc[nsw["treat"] == 1, "re78"].mean()\n'
    'm_kontrol = nsw.loc[nsw["treat"] == 0, "re78"].mean()\n'
    "forskel_eksperiment = m_indsats - m_kontorl"
)

# Points in course/source/videnskvalitet: opg1 1, opg2 2, opg3 2, opg4 2 (autograded, 7) and the
# reflection opg5 3 (graded by hand), max 10.
#   correct:      1 + 2 + 2 + 2 = 7 autograded, + 3 given by hand below         = 10
#   blank:        the released notebook untouched: every answer raises          =  0
#   partly wrong: opg1 and opg2 right (1 + 2); opg3 divides by the mean of the
#                 two groups' SDs (between them: passes the visible tests, fails
#                 the hidden value test); opg4 takes all of NSW, controls too,
#                 instead of the participants (negative and plausible: passes
#                 the visible tests, fails the hidden one)                      =  3
#   typo:         opg2's answer raises NameError (so does its test): 1 + 0 + 2 + 2  =  5
EXPECTED_SCORES = {CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0, TYPO: 5.0}
EXPECTED_CELL_SCORES = {
    PARTLY_WRONG: {"opg1_test": 1.0, "opg2_test": 2.0, "opg3_test": 0.0, "opg4_test": 0.0}
}
# Every hidden test in the source uses names with this prefix and nothing else does.
HIDDEN_MARKER = "_skjult_"


def test_three_students_get_exact_scores_and_feedback_without_hidden_tests(
    course_root: Path, submit: Callable[[str, nbformat.NotebookNode], Path]
) -> None:
    api = open_api(course_root, private_gradebook=True, plain_autograde=True)
    result = api.generate_assignment(ASSIGNMENT)
    assert result["success"], result.get("error")
    released = nbformat.read(
        course_root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    assert HIDDEN_MARKER not in nbformat.writes(released)

    submit(CORRECT, answered(released, correct_answers()))
    submit(BLANK, released)
    submit(PARTLY_WRONG, answered(released, partly_wrong_answers()))
    submit(TYPO, answered(released, correct_answers() | {"opg2_svar": TYPO_OPG2}))

    for student in EXPECTED_SCORES:
        result = api.autograde(ASSIGNMENT, student)
        assert result["success"], result.get("error")

    db_url, course_id = api.coursedir.db_url, api.coursedir.course_id
    with Gradebook(db_url, course_id) as gradebook:
        # What the formgrader does when the instructor gives the reflection full marks.
        reflection = gradebook.find_grade("opg5_refleksion", ASSIGNMENT, ASSIGNMENT, CORRECT)
        assert reflection.auto_score is None  # manually graded: nbgrader scores nothing itself
        reflection.manual_score = 3
        gradebook.db.commit()
        for student, cells in EXPECTED_CELL_SCORES.items():
            for grade_id, score in cells.items():
                grade = gradebook.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, student)
                assert grade.score == score, (student, grade_id)

    result = api.generate_feedback(ASSIGNMENT)
    assert result["success"], result.get("error")

    grades_csv = course_root / "grades.csv"
    with Gradebook(db_url, course_id) as gradebook:
        CsvExportPlugin(parent=api, to=str(grades_csv)).export(gradebook)
    with grades_csv.open(encoding="utf-8", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert {student: float(row["score"]) for student, row in rows.items()} == EXPECTED_SCORES
    assert {float(row["max_score"]) for row in rows.values()} == {10.0}

    for student in EXPECTED_SCORES:
        autograded = course_root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        feedback = course_root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        # The hidden tests ran (they are in the autograded notebook) ...
        assert HIDDEN_MARKER in autograded.read_text(encoding="utf-8")
        # ... but the student's feedback shows neither their code nor their delimiters.
        html = feedback.read_text(encoding="utf-8")
        assert HIDDEN_MARKER not in html, student
        assert "HIDDEN TESTS" not in html, student

    # The partly wrong student is told that hidden tests failed, with the instructor's message.
    html = (course_root / "feedback" / PARTLY_WRONG / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )
    assert html.count("En skjult test fejlede.") == 2  # opg3 and opg4
    assert "AssertionError: d skal bruge den poolede standardafvigelse" in html
    assert "NSW's indsatsgruppe minus hele CPS" in unescape(html)

    # The hint module loaded by the first cell works in nbgrader's kernel too: the student who
    # misspelled a name reads the Danish hint under Python's NameError in the feedback.
    html = unescape(
        (course_root / "feedback" / TYPO / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text("utf-8")
    )
    assert "NameError" in html
    assert "Tip: Python kender ikke navnet m_kontorl." in html
