"""The sandboxed, concurrent runner gives exactly the scores plain nbgrader gives."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from pipeline_helpers import ASSIGNMENT, COURSE_DIR, answered, correct_answers

from vidensbasering.course import open_api
from vidensbasering.course.runner import GradingOutcome, autograde_submissions

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

CORRECT, BLANK, PARTLY_WRONG, SPACED = "ida_jensen", "mads_olsen", "søren_ærø", "Åse Øster"
# Points: opg1 1, opg2 2, opg3 2, opg4 2 autograded (7); the reflection opg5 (3) by hand.
#   correct:      every answer right                                    = 7, reflection waits
#   blank:        released notebook: every answer raises                = 0, nothing to grade by
#                 hand (nbgrader gives an unchanged reflection 0 itself)
#   partly wrong: opg2 with the sign reversed fails the visible test
#                 (the difference must be positive): 1 + 0 + 2 + 2      = 5, reflection waits
#   spaced id:    same answers as the correct student                  = 7, reflection waits
EXPECTED = {CORRECT: 7.0, BLANK: 0.0, PARTLY_WRONG: 5.0, SPACED: 7.0}
MANUAL = {CORRECT: True, BLANK: False, PARTLY_WRONG: True, SPACED: True}


def _make_course(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy2(COURSE_DIR / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(COURSE_DIR / "source", root / "source")
    api = open_api(root, private_gradebook=True)
    assert api.generate_assignment(ASSIGNMENT)["success"]
    released = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    wrong_sign = {
        "opg2_svar": (
            "gennemsnit = nsw.groupby('treat')['re78'].mean()\n"
            "forskel_eksperiment = float(gennemsnit[0] - gennemsnit[1])"
        )
    }
    notebooks = {
        CORRECT: answered(released, correct_answers()),
        BLANK: released,
        PARTLY_WRONG: answered(released, correct_answers() | wrong_sign),
        SPACED: answered(released, correct_answers()),
    }
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student, notebook in notebooks.items():
            gradebook.update_or_create_student(student)
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")
    return root


def _cell_scores(root: Path) -> dict[str, dict[str, float | None]]:
    api = open_api(root, private_gradebook=True)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {
            student: {
                grade.name: grade.score
                for notebook in gradebook.find_submission(ASSIGNMENT, student).notebooks
                for grade in notebook.grades
            }
            for student in EXPECTED
        }


def _errors(root: Path, student: str) -> list[list[str]]:
    """Error names of every cell of the autograded notebook, in order."""
    path = root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    return [
        [o["ename"] for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        for cell in notebook.cells
    ]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list]]:
    """The same four submissions graded by plain nbgrader (in one course copy), the runner with
    preheated kernels (the default) and the runner with cold-started kernels."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("VIDENSBASERING_DB_URL", raising=False)
        patch.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)
        base = tmp_path_factory.mktemp("scores")
        plain, sandboxed = _make_course(base / "plain"), _make_course(base / "sandboxed")
        cold = _make_course(base / "cold")
        api = open_api(plain, private_gradebook=True, plain_autograde=True)
        for student in EXPECTED:
            result = api.autograde(ASSIGNMENT, student)
            assert result["success"], result.get("error")
        finished: list[str] = []
        outcomes = autograde_submissions(
            sandboxed, ASSIGNMENT, list(EXPECTED), workers=2, progress=finished.append
        )
        cold_outcomes = autograde_submissions(cold, ASSIGNMENT, list(EXPECTED), preheated=False)
        yield plain, sandboxed, [outcomes, finished, cold, cold_outcomes]


def test_runner_scores_equal_plain_nbgrader_cell_by_cell(graded: tuple[Path, Path, list]) -> None:
    plain, sandboxed, (outcomes, _, cold, cold_outcomes) = graded
    plain_scores = _cell_scores(plain)
    assert {s: sum(v or 0 for v in cells.values()) for s, cells in plain_scores.items()} == EXPECTED
    for course in (sandboxed, cold):
        assert _cell_scores(course) == plain_scores, course.name
        for student in EXPECTED:
            assert _errors(course, student) == _errors(plain, student), (course.name, student)
    assert cold_outcomes == outcomes


def test_outcomes_in_input_order_with_totals_and_manual_grading(
    graded: tuple[Path, Path, list],
) -> None:
    _, _, (outcomes, finished, *_) = graded
    assert outcomes == [
        # max_score counts the reflection graded by hand: 7 autograded + 3 = 10.
        GradingOutcome(student, "graded", "", score, 10.0, MANUAL[student])
        for student, score in EXPECTED.items()
    ]
    assert sorted(finished) == sorted(EXPECTED)


def test_feedback_can_be_generated_from_the_runners_results(
    graded: tuple[Path, Path, list],
) -> None:
    _, sandboxed, _ = graded
    api = open_api(sandboxed, private_gradebook=True)
    result = api.generate_feedback(ASSIGNMENT, CORRECT)
    assert result["success"], result.get("error")
    html = (sandboxed / "feedback" / CORRECT / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "_skjult_" not in html
