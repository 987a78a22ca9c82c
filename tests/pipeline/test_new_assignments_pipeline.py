"""nbgrader for real on the assignments forandringsteori, dokumentation and opfoelgning.

One temporary course serves all three: each assignment is released, three invented students
submit (correct, blank, partly wrong), nbgrader autogrades, the instructor gives the correct
student's reflection full marks, and feedback is generated. The tests then read the gradebook and
the feedback. Sharing the course keeps nbgrader's start-up cost to one run per step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from pipeline_helpers import answered, copy_course, solution_code, submit_notebook
from typical_wrong_answers import passing_visible

from vidensbasering.course import open_api

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

# Invented students. The partly wrong one has æ/ø/å in the id.
CORRECT, BLANK, PARTLY_WRONG = "ida_jensen", "mads_olsen", "søren_ærø"
REFLECTION_ID = "opg5_refleksion"
# Every hidden test in the sources uses names with this prefix and nothing else does.
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
    # The instructor's messages of the hidden tests the partly wrong student fails.
    hidden_messages: tuple[str, ...] = field(default=())
    # Messages of visible tests the partly wrong student fails.
    visible_messages: tuple[str, ...] = field(default=())

    def correct_answers(self) -> dict[str, str]:
        answers = {i: solution_code(i, self.assignment) for i in self.answer_ids}
        return answers | {REFLECTION_ID: self.reflection}

    def partly_wrong_answers(self) -> dict[str, str]:
        return self.partly_wrong | {REFLECTION_ID: self.reflection}


def _forandringsteori() -> Case:
    a = "forandringsteori"
    # An extra activity whose only outcome leads nowhere: validate() finds no error (the activity
    # reaches an outcome, the outcome is reached), but the case asks for a path from every
    # activity to a long-term outcome (hidden test).
    dead_end = (
        'toc.add_element("activity", "Hjælp til at finde et fritidsjob", id="fritidsjob")\n'
        'toc.add_element("short_term_outcome", "Den unge tjener egne penge", id="lommepenge")\n'
        'toc.add_link("fritidsjob", "lommepenge")'
    )
    assumption = (
        'toc.link("fritidsjob", "lommepenge").assumption = '
        '"Et fritidsjob giver den unge egne penge og erfaring med at møde til tiden"'
    )
    # Every outcome gets an indicator, but only "what" is filled in: the visible test says so.
    thin_indicators = (
        "for element in toc.elements:\n"
        "    if element.kind.is_outcome:\n"
        '        element.indicators = [Indicator(what="Spørgeskema")]'
    )
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            "opg2_svar": solution_code("opg2_svar", a) + "\n" + dead_end,
            "opg3_svar": solution_code("opg3_svar", a) + "\n" + assumption,
            "opg4_svar": thin_indicators,
        },
        reflection=(
            "Den svageste antagelse er, at mange møder opbygger tillid: unge, der er blevet "
            "svigtet, stoler ikke let på en ny voksen. Uden tillid falder resten af kæden."
        ),
        # Points: opg1 1, opg2 2, opg3 2, opg4 2 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      1 + 2 + 2 + 2 + 3 (given by hand below)                    = 10
        #   blank:        the released notebook untouched: every answer raises       =  0
        #   partly wrong: opg1 1; opg2 0 (dead end, hidden test); opg3 2; opg4 0
        #                 (indicator fields empty, visible test)                      =  3
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0},
        partly_wrong_cells={"opg1_test": 1.0, "opg2_test": 0.0, "opg3_test": 2.0, "opg4_test": 0.0},
        max_score=10.0,
        hidden_messages=(
            "Fra hver aktivitet skal der være en vej ad pilene til en langsigtet virkning.",
        ),
        visible_messages=("Udfyld alle fem felter i hver indikator",),
    )


def _dokumentation() -> Case:
    a = "dokumentation"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            # Typos clipped into 1-5 and kept, forms with a missing answer dropped: 117 plausible
            # totals and an α (visible tests pass), not the 114 valid forms (hidden tests).
            "opg2_svar": passing_visible(a, "opg2_svar", "typos_clipped_into_range"),
            "opg3_svar": passing_visible(a, "opg3_svar", "typos_clipped_into_range"),
            "opg4_svar": solution_code("opg4_svar", a),
        },
        reflection=(
            "α er omkring 0,90 som de publicerede 0,89-0,91. De seks skemaer med fejl skal rettes "
            "eller udelades, og antallet og årsagen skal dokumenteres."
        ),
        # Points: opg1 2, opg2 2, opg3 2, opg4 1 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      2 + 2 + 2 + 1 + 3 (given by hand below)                    = 10
        #   blank:        every answer raises                                        =  0
        #   partly wrong: opg1 2; opg2 0 and opg3 0 (hidden tests); opg4 1             =  3
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0},
        partly_wrong_cells={"opg1_test": 2.0, "opg2_test": 0.0, "opg3_test": 0.0, "opg4_test": 1.0},
        max_score=10.0,
        hidden_messages=(
            "Der skal være én total for hvert skema, hvor alle 14 svar er gyldige, og kun for dem.",
            "alpha skal beregnes på de skemaer, hvor alle 14 svar er gyldige (1-5).",
        ),
    )


def _opfoelgning() -> Case:
    a = "opfoelgning"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            # "10 ·" left out: T stays near 50 (visible tests pass), wrong value (hidden test).
            "opg1_svar": passing_visible(a, "opg1_svar", "ten_left_out"),
            "opg2_svar": solution_code("opg2_svar", a),
            # The Danish 95th-percentile cut-off 17 instead of the normal range's 13.5: child C5
            # (16 -> 9) counts as already functional, so "improved" instead of "recovered".
            "opg3_svar": passing_visible(a, "opg3_svar", "abnormal_band_cutoff"),
            "opg4_svar": solution_code("opg4_svar", a),
        },
        reflection=(
            "n falder fra 120 til 98; de, der stoppede, havde lavere trivsel. Regression mod "
            "gennemsnittet og ingen sammenligningsgruppe: stigningen kan ikke tilskrives bostøtten."
        ),
        # Points: opg1 2, opg2 2, opg3 1, opg4 2 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      2 + 2 + 1 + 2 + 3 (given by hand below)                    = 10
        #   blank:        every answer raises                                        =  0
        #   partly wrong: opg1 0 (hidden value check); opg2 2; opg3 0 (hidden);
        #                 opg4 2                                                     =  4
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 4.0},
        partly_wrong_cells={"opg1_test": 0.0, "opg2_test": 2.0, "opg3_test": 0.0, "opg4_test": 2.0},
        max_score=10.0,
        hidden_messages=(
            "T for B072 er forkert: tjek hvert trin i formlen",
            "tjek skalaens retning og grænsen for normalområdet",
        ),
    )


CASES = {case.assignment: case for case in (_forandringsteori(), _dokumentation(), _opfoelgning())}


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
            assert HIDDEN_MARKER not in nbformat.writes(released)
            notebooks = {
                CORRECT: answered(released, case.correct_answers()),
                BLANK: released,
                PARTLY_WRONG: answered(released, case.partly_wrong_answers()),
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
                assert grade.auto_score is None  # manually graded: nbgrader scores nothing
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
def test_feedback_shows_failed_hidden_tests_without_their_code(
    graded_course: Path, assignment: str
) -> None:
    case = CASES[assignment]
    for student in case.expected:
        autograded = graded_course / "autograded" / student / assignment / f"{assignment}.ipynb"
        feedback = graded_course / "feedback" / student / assignment / f"{assignment}.html"
        # The hidden tests ran (they are in the autograded notebook) ...
        assert HIDDEN_MARKER in autograded.read_text(encoding="utf-8")
        # ... but the student's feedback shows neither their code nor their delimiters.
        html = feedback.read_text(encoding="utf-8")
        assert HIDDEN_MARKER not in html, student
        assert "HIDDEN TESTS" not in html, student
    html = (
        graded_course / "feedback" / PARTLY_WRONG / assignment / f"{assignment}.html"
    ).read_text(encoding="utf-8")
    assert html.count("En skjult test fejlede.") == len(case.hidden_messages)
    for message in case.hidden_messages + case.visible_messages:
        assert message in unescape(html)
