"""The shared harness of the assignment pipeline tests: nbgrader for real on a few assignments.

One temporary course serves all the assignments of a test module: each assignment is released,
three invented students submit (correct, blank, partly wrong), nbgrader autogrades, the
instructor gives the correct student's hand-graded part full marks, and feedback is generated.
The checks then read the gradebook, the autograded notebooks (the formgrader's view) and the
feedback. Sharing the course keeps nbgrader's start-up cost to one run per step.

An assignment's hand-graded part is either

* a manually graded *task* cell (``task=True``): the question sits in a locked cell whose marking
  guide is in nbgrader's mark-scheme region (``=== BEGIN MARK SCHEME ===``), and the student writes
  in the free cell below it (:data:`ANSWER_PROMPT`); or
* a Markdown solution cell with the grade id ``manual_id`` (``task=False``), as in the first
  assignments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from pipeline_helpers import answered, copy_course, solution_code, submit_notebook

from vidensbasering.course import open_api

# Invented students. The partly wrong one has æ/ø/å in the id.
CORRECT, BLANK, PARTLY_WRONG = "ida_jensen", "mads_olsen", "søren_ærø"
#: Every hidden test in the sources uses names with this prefix and nothing else does.
HIDDEN_MARKER = "_skjult_"
#: The free cell under a manually graded task where the student writes.
ANSWER_PROMPT = "*Skriv dit svar her"
#: Opens the marking guide inside the mark-scheme region of every manually graded task.
GUIDE = "Pointvejledning (kun for underviseren"


@dataclass(frozen=True)
class Case:
    """One assignment: the answers of the correct and the partly wrong student, and the scores.

    Attributes:
        assignment: the folder name in ``course/source``.
        answer_ids: the autograded answer cells; the correct student gets the solutions.
        partly_wrong: answer cell -> the partly wrong student's code (every answer cell).
        reflection: what both the correct and the partly wrong student write by hand.
        expected: student -> total score. partly_wrong_cells: grade id -> the partly wrong
            student's score in that cell. max_score: the assignment's total.
        hidden_messages: the instructor's messages of the hidden tests the partly wrong student
            fails; visible_messages: those of the visible tests they fail.
        task: how the hand-graded part is asked (see the module docstring).
        manual_id, manual_points: its grade id and the points the correct student gets by hand.
    """

    assignment: str
    answer_ids: tuple[str, ...]
    partly_wrong: dict[str, str]
    reflection: str
    expected: dict[str, float]
    partly_wrong_cells: dict[str, float]
    max_score: float
    hidden_messages: tuple[str, ...] = field(default=())
    visible_messages: tuple[str, ...] = field(default=())
    task: bool = True
    manual_id: str = "opg5_refleksion"
    manual_points: float = 3

    def correct_answers(self) -> dict[str, str]:
        return {i: solution_code(i, self.assignment) for i in self.answer_ids}

    def submission(self, released: NotebookNode, answers: dict[str, str]) -> NotebookNode:
        """The released notebook with ``answers`` and the reflection filled in."""
        if not self.task:
            return answered(released, answers | {self.manual_id: self.reflection})
        return with_reflection(answered(released, answers), self.reflection)


def with_reflection(notebook: NotebookNode, text: str) -> NotebookNode:
    """The notebook with ``text`` written in the free answer cell under the reflection task."""
    cells = [c for c in notebook.cells if c.source.startswith(ANSWER_PROMPT)]
    assert len(cells) == 1, "the assignment needs exactly one free answer cell"
    cells[0].source = text
    return notebook


def grade_course(root: Path, cases: dict[str, Case]) -> Path:
    """Make ``root`` a course, then release, submit, autograde, hand-grade and give feedback.

    The caller clears ``VIDENSBASERING_DB_URL`` and ``VIDENSBASERING_CELL_TIMEOUT`` first.
    """
    root = copy_course(root)
    api = open_api(root, private_gradebook=True, plain_autograde=True)
    for case in cases.values():
        result = api.generate_assignment(case.assignment)
        assert result["success"], result.get("error")
        released = nbformat.read(
            root / "release" / case.assignment / f"{case.assignment}.ipynb", as_version=4
        )
        assert HIDDEN_MARKER not in nbformat.writes(released)
        notebooks = {
            CORRECT: case.submission(released, case.correct_answers()),
            BLANK: released,
            PARTLY_WRONG: case.submission(released, case.partly_wrong),
        }
        for student, notebook in notebooks.items():
            submit_notebook(root, student, notebook, case.assignment)
            result = api.autograde(case.assignment, student)
            assert result["success"], result.get("error")
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for case in cases.values():
            # What the formgrader does when the instructor gives full marks by hand.
            grade = gradebook.find_grade(case.manual_id, case.assignment, case.assignment, CORRECT)
            assert grade.auto_score is None  # graded by hand: nbgrader scores nothing by itself
            if case.task:
                assert grade.needs_manual_grade
            grade.manual_score = case.manual_points
        gradebook.db.commit()
    for case in cases.values():
        result = api.generate_feedback(case.assignment)
        assert result["success"], result.get("error")
    return root


def graded_course_fixture(cases: dict[str, Case]) -> Any:
    """A module-scoped ``graded_course`` fixture: the course after :func:`grade_course`.

    Use it as ``graded_course = graded_course_fixture(CASES)`` in a test module. The
    environment's database and cell-timeout overrides are removed for the run.
    """

    @pytest.fixture(scope="module", name="graded_course")
    def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
        with pytest.MonkeyPatch.context() as env:
            env.delenv("VIDENSBASERING_DB_URL", raising=False)
            env.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)
            yield grade_course(tmp_path_factory.mktemp("kursus") / "course", cases)

    return graded_course


def gradebook(root: Path) -> Gradebook:
    """The gradebook of the course at ``root`` (use it in a ``with`` block)."""
    api = open_api(root, private_gradebook=True)
    return Gradebook(api.coursedir.db_url, api.coursedir.course_id)


def check_exact_scores(root: Path, case: Case) -> None:
    """Each student's total, the maximum and the partly wrong student's cells are as expected."""
    a = case.assignment
    with gradebook(root) as book:
        scores = {student: book.find_submission(a, student).score for student in case.expected}
        max_score = book.find_assignment(a).max_score
        cells = {
            grade_id: book.find_grade(grade_id, a, a, PARTLY_WRONG).score
            for grade_id in case.partly_wrong_cells
        }
    assert scores == case.expected
    assert max_score == case.max_score
    assert cells == case.partly_wrong_cells


def _feedback(root: Path, student: str, assignment: str) -> str:
    path = root / "feedback" / student / assignment / f"{assignment}.html"
    return path.read_text(encoding="utf-8")


def _autograded(root: Path, student: str, assignment: str) -> str:
    path = root / "autograded" / student / assignment / f"{assignment}.ipynb"
    return path.read_text(encoding="utf-8")


def check_feedback_hides_hidden_tests(root: Path, case: Case) -> None:
    """Hidden tests ran, the feedback shows their messages but not their code."""
    a = case.assignment
    for student in case.expected:
        # The hidden tests ran (they are in the autograded notebook) ...
        assert HIDDEN_MARKER in _autograded(root, student, a)
        # ... but the student's feedback shows neither their code nor their delimiters.
        html = _feedback(root, student, a)
        assert HIDDEN_MARKER not in html, student
        assert "HIDDEN TESTS" not in html, student
    html = unescape(_feedback(root, PARTLY_WRONG, a))
    assert html.count("En skjult test fejlede.") == len(case.hidden_messages)
    for message in case.hidden_messages + case.visible_messages:
        assert message in html
    if case.task:
        # The reflection the student wrote reaches the grader and comes back in the feedback.
        assert case.reflection in html


def check_marking_guide_for_the_grader_only(root: Path, case: Case) -> None:
    """The marking guide is not in the released notebook nor the feedback, but the formgrader's
    view (the autograded notebook) has it back in the locked task."""
    a = case.assignment
    released = (root / "release" / a / f"{a}.ipynb").read_text(encoding="utf-8")
    assert GUIDE not in released
    assert "MARK SCHEME" not in released
    for student in case.expected:
        assert GUIDE in _autograded(root, student, a), student
        html = unescape(_feedback(root, student, a))
        assert GUIDE not in html, student
        assert "MARK SCHEME" not in html, student
