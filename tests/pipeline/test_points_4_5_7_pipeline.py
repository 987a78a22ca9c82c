"""nbgrader for real on the assignments of KL/SFI points 4, 5 and 7 (lessons 05-07).

The same shape as ``test_new_assignments_pipeline.py``: one temporary course, each assignment
released, three invented students (correct, blank, partly wrong) submit, nbgrader autogrades, the
instructor gives the correct student's reflection full marks by hand, and feedback is generated.

These assignments put the reflection's question in a manually graded *task* cell whose marking
guide sits in nbgrader's mark-scheme region (``=== BEGIN MARK SCHEME ===``). The student writes in
the free cell below it. The tests also check where the guide shows: not in the released notebook,
in the autograded notebook (the formgrader's view, for the grader), not in the feedback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import nbformat
import pytest
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from pipeline_helpers import answered, copy_course, solution_code, submit_notebook

from vidensbasering.course import open_api

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

CORRECT, BLANK, PARTLY_WRONG = "ida_jensen", "mads_olsen", "søren_ærø"
REFLECTION_ID = "opg5_refleksion"
#: The free cell under the task cell where the student writes the reflection.
ANSWER_PROMPT = "*Skriv dit svar her"
#: Opens the marking guide inside the mark-scheme region of every reflection task cell.
GUIDE = "Pointvejledning (kun for underviseren"
HIDDEN_MARKER = "_skjult_"


@dataclass(frozen=True)
class Case:
    """One assignment: the answers of the correct and the partly wrong student, and the scores."""

    assignment: str
    answer_ids: tuple[str, ...]
    partly_wrong: dict[str, str]
    reflection: str
    expected: dict[str, float]
    partly_wrong_cells: dict[str, float]
    max_score: float
    hidden_messages: tuple[str, ...] = field(default=())

    def correct_answers(self) -> dict[str, str]:
        return {i: solution_code(i, self.assignment) for i in self.answer_ids}


def with_reflection(notebook: NotebookNode, text: str) -> NotebookNode:
    """The notebook with ``text`` written in the free answer cell under the reflection task."""
    cells = [c for c in notebook.cells if c.source.startswith(ANSWER_PROMPT)]
    assert len(cells) == 1, "the assignment needs exactly one free answer cell"
    cells[0].source = text
    return notebook


def _refleksion() -> Case:
    a = "refleksion"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            "opg2_svar": solution_code("opg2_svar", a),
            # The share of those measured at 12 months instead of those who started: a share in
            # 0-1 (visible test), the wrong denominator (hidden test).
            "opg3_svar": (
                'maalt = wemwbs.loc[wemwbs["occasion"] == 4, "person_id"].nunique()\n'
                'faldet = samtaler[samtaler["reason"] == "Faldet fra før opfølgningen"]\n'
                "andel_frafald = len(faldet) / maalt"
            ),
            # Divided by everyone who started in the team: shares in 0-1 (visible), but citizens
            # who dropped out could never get "no reliable change" (hidden).
            "opg4_svar": solution_code("opg4_svar", a).replace(
                '"occasion"] == 4', '"occasion"] == 1'
            ),
        },
        reflection=(
            "Tre borgere i Team Syd har en pålidelig forværring. Måske regression mod "
            "middelværdien, måske mål, der ikke passer. Kontaktpersonen tager det op inden for "
            "to uger. Vores data har ingen sammenligningsgruppe og kan ikke vise effekt."
        ),
        # Points: opg1 2, opg2 1, opg3 2, opg4 2 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      2 + 1 + 2 + 2 + 3 (given by hand below)                    = 10
        #   blank:        the released notebook untouched: every answer raises       =  0
        #   partly wrong: opg1 2; opg2 1; opg3 0 and opg4 0 (hidden tests)            =  3
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0},
        partly_wrong_cells={"opg1_test": 2.0, "opg2_test": 1.0, "opg3_test": 0.0, "opg4_test": 0.0},
        max_score=10.0,
        hidden_messages=(
            "tjek, hvad du deler med (alle, der startede)",
            "Kun borgere, der blev målt ved 12 måneder, kan få årsagen.",
        ),
    )


def _rollefordeling() -> Case:
    a = "rollefordeling"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            # Reliability 0.91 instead of the cautious 0.89: one row per citizen, categories only
            # for those measured at 12 months, few deteriorations (visible tests), but more
            # citizens get a reliable change (hidden test).
            "opg1_svar": solution_code("opg1_svar", a).replace("0.89", "0.91"),
            "opg2_svar": solution_code("opg2_svar", a),
            "opg3_svar": solution_code("opg3_svar", a),
            # 2011 minus 2023: the right size (visible test), the wrong sign (hidden test).
            "opg4_svar": (
                "landstal = national.national_figures()\n"
                'anbragte = landstal[landstal["measure"] == '
                '"Anbragte børn og unge (0-22 år) pr. 31. december"]\n'
                "aendring_anbragte = int(\n"
                '    anbragte.loc[anbragte["year"] == 2011, "count"].iloc[0]\n'
                '    - anbragte.loc[anbragte["year"] == 2023, "count"].iloc[0]\n'
                ")"
            ),
        },
        reflection=(
            "Borgeropgørelsen er til borger og medarbejder; tilbudsopgørelsen til ledelsen, der "
            "bør spørge, hvorfor flest falder fra i Bostøtte Engen. Rollefordelingen er kursets "
            "forslag."
        ),
        # Points: opg1 2, opg2 2, opg3 1, opg4 2 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      2 + 2 + 1 + 2 + 3 (given by hand below)                    = 10
        #   blank:        every answer raises                                        =  0
        #   partly wrong: opg1 0 (hidden); opg2 2; opg3 1; opg4 0 (hidden)            =  3
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0},
        partly_wrong_cells={"opg1_test": 0.0, "opg2_test": 2.0, "opg3_test": 1.0, "opg4_test": 0.0},
        max_score=10.0,
        hidden_messages=(
            "tjek reliabiliteten og dine andre valg",
            "tjek fortegnet (2023 minus 2011)",
        ),
    )


def _videndeling() -> Case:
    a = "videndeling"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            # C read as a trial: the young people chose for themselves, there was no lottery.
            "opg2_svar": solution_code("opg2_svar", a).replace(
                "comparison_group=True, cost_known=True",
                "comparison_group=True, randomised=True, cost_known=True",
                1,
            ),
            "opg3_svar": solution_code("opg3_svar", a),
            # Level only, target group forgotten: F (school pupils) and I (prison) slip in.
            "opg4_svar": (
                'til_notatet = klassificeret.loc[klassificeret["nesta_level"] >= 3, "studie"]'
                ".tolist()"
            ),
        },
        reflection=(
            "Spørgsmål: flere tidligere anbragte unge i uddannelse med mentor end med efterværn? "
            "D er et gentaget randomiseret forsøg på niveau 4; B og H er på niveau 3."
        ),
        # Points: opg1 2, opg2 2, opg3 1, opg4 2 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      2 + 2 + 1 + 2 + 3 (given by hand below)                    = 10
        #   blank:        every answer raises                                        =  0
        #   partly wrong: opg1 2; opg2 0 (hidden); opg3 1; opg4 0 (hidden)            =  3
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0},
        partly_wrong_cells={"opg1_test": 2.0, "opg2_test": 0.0, "opg3_test": 1.0, "opg4_test": 0.0},
        max_score=10.0,
        hidden_messages=(
            "C: de unge valgte selv, om de ville have en mentor. Er det lodtrækning?",
            "både målgruppen og niveauet (mindst 3) skal passe",
        ),
    )


CASES = {case.assignment: case for case in (_refleksion(), _rollefordeling(), _videndeling())}


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The course after release, submission, autograding, hand grading and feedback."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("VIDENSBASERING_DB_URL", raising=False)
        env.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)
        root = copy_course(tmp_path_factory.mktemp("kursus") / "course")
        api = open_api(root, private_gradebook=True, plain_autograde=True)
        for case in CASES.values():
            result = api.generate_assignment(case.assignment)
            assert result["success"], result.get("error")
            released = nbformat.read(
                root / "release" / case.assignment / f"{case.assignment}.ipynb", as_version=4
            )
            notebooks = {
                CORRECT: with_reflection(
                    answered(released, case.correct_answers()), case.reflection
                ),
                BLANK: released,
                PARTLY_WRONG: with_reflection(
                    answered(released, case.partly_wrong), case.reflection
                ),
            }
            for student, notebook in notebooks.items():
                submit_notebook(root, student, notebook, case.assignment)
                result = api.autograde(case.assignment, student)
                assert result["success"], result.get("error")
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            for case in CASES.values():
                # What the formgrader does when the instructor gives full marks by hand.
                grade = gradebook.find_grade(
                    REFLECTION_ID, case.assignment, case.assignment, CORRECT
                )
                assert grade.auto_score is None  # a task: nbgrader scores nothing by itself
                assert grade.needs_manual_grade
                grade.manual_score = 3
            gradebook.db.commit()
        for case in CASES.values():
            result = api.generate_feedback(case.assignment)
            assert result["success"], result.get("error")
        yield root


def _gradebook(root: Path) -> Gradebook:
    api = open_api(root, private_gradebook=True)
    return Gradebook(api.coursedir.db_url, api.coursedir.course_id)


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_three_students_get_the_exact_scores(graded_course: Path, assignment: str) -> None:
    case = CASES[assignment]
    with _gradebook(graded_course) as gradebook:
        scores = {
            student: gradebook.find_submission(assignment, student).score
            for student in case.expected
        }
        max_score = gradebook.find_assignment(assignment).max_score
        cells = {
            grade_id: gradebook.find_grade(grade_id, assignment, assignment, PARTLY_WRONG).score
            for grade_id in case.partly_wrong_cells
        }
    assert scores == case.expected
    assert max_score == case.max_score
    assert cells == case.partly_wrong_cells


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_marking_guide_is_for_the_grader_only(graded_course: Path, assignment: str) -> None:
    released = graded_course / "release" / assignment / f"{assignment}.ipynb"
    assert GUIDE not in released.read_text(encoding="utf-8")
    assert "MARK SCHEME" not in released.read_text(encoding="utf-8")
    for student in CASES[assignment].expected:
        autograded = graded_course / "autograded" / student / assignment / f"{assignment}.ipynb"
        feedback = graded_course / "feedback" / student / assignment / f"{assignment}.html"
        # The formgrader shows the autograded notebook: the guide is back in the locked task.
        assert GUIDE in autograded.read_text(encoding="utf-8"), student
        html = unescape(feedback.read_text(encoding="utf-8"))
        assert GUIDE not in html, student
        assert "MARK SCHEME" not in html, student


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_feedback_shows_failed_hidden_tests_without_their_code(
    graded_course: Path, assignment: str
) -> None:
    case = CASES[assignment]
    for student in case.expected:
        autograded = graded_course / "autograded" / student / assignment / f"{assignment}.ipynb"
        feedback = graded_course / "feedback" / student / assignment / f"{assignment}.html"
        assert HIDDEN_MARKER in autograded.read_text(encoding="utf-8")
        html = feedback.read_text(encoding="utf-8")
        assert HIDDEN_MARKER not in html, student
        assert "HIDDEN TESTS" not in html, student
    html = unescape(
        (graded_course / "feedback" / PARTLY_WRONG / assignment / f"{assignment}.html").read_text(
            encoding="utf-8"
        )
    )
    assert html.count("En skjult test fejlede.") == len(case.hidden_messages)
    for message in case.hidden_messages:
        assert message in html
    # The reflection the student wrote reaches the grader and comes back in the feedback.
    assert case.reflection in html
