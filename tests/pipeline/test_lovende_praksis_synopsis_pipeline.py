"""nbgrader for real on the assignments lovende_praksis and synopsis (lesson 08 and the final one).

The harness of the other assignments (:mod:`assignment_pipeline`): one temporary course, each
assignment released, three invented students (correct, blank, partly wrong) submit, nbgrader
autogrades, the instructor gives the correct student's hand-graded part full marks, and feedback
is generated. Both assignments ask for the hand-graded part in a manually graded task cell with a
marking guide that only the grader sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from assignment_pipeline import (
    BLANK,
    CORRECT,
    PARTLY_WRONG,
    Case,
    check_exact_scores,
    check_feedback_hides_hidden_tests,
    check_marking_guide_for_the_grader_only,
    graded_course_fixture,
)
from pipeline_helpers import solution_code
from typical_wrong_answers import passing_visible, wrong_code

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]


def _lovende_praksis() -> Case:
    a = "lovende_praksis"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            "opg2_svar": solution_code("opg2_svar", a),
            # The library's default of three weakest elements, not all rated 0 or 1: the visible
            # tests pass (2 and 10 are there), the hidden test fails (4, 5 and 11 are missing).
            "opg3_svar": passing_visible(a, "opg3_svar", "only_the_three_weakest"),
            # After and before swapped in pp.compare: the visible test says so.
            "opg4_svar": wrong_code(a, "opg4_svar", "order_swapped"),
        },
        reflection=(
            "Først Mål (1 begge gange, vage mål), så Faglig refleksion (faldet fra 3 til 2). "
            "Virkning kræver mål og målinger over tid. En højere selvvurdering viser ikke, at de "
            "unge har fået det bedre."
        ),
        # Points: opg1 2, opg2 1, opg3 2, opg4 2 (autograded, 7); reflection 3 by hand; max 10.
        #   correct:      2 + 1 + 2 + 2 + 3 (given by hand below)                    = 10
        #   blank:        the released notebook untouched: every answer raises       =  0
        #   partly wrong: opg1 2; opg2 1; opg3 0 (hidden test); opg4 0 (visible)      =  3
        expected={CORRECT: 10.0, BLANK: 0.0, PARTLY_WRONG: 3.0},
        partly_wrong_cells={"opg1_test": 2.0, "opg2_test": 1.0, "opg3_test": 0.0, "opg4_test": 0.0},
        max_score=10.0,
        hidden_messages=("svage mangler elementer",),
        visible_messages=("Tjek rækkefølgen i pp.compare",),
    )


def _synopsis() -> Case:
    a = "synopsis"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            # Reliability 0.91 instead of the cautious 0.89: a share in 0-1 with few
            # deteriorations (visible tests pass), 49 instead of 56 of 98 (hidden test).
            "opg2_svar": passing_visible(a, "opg2_svar", "reliability_not_the_cautious_one"),
            "opg3_svar": solution_code("opg3_svar", a),
        },
        reflection=(
            "Problemformulering: Hvor vidensbaseret og lovende er Bostøtte Ådalen? 98 af 120 er "
            "målt efter 12 måneder; 57 % af dem har ingen pålidelig ændring. Tallene kan ikke vise "
            "effekt."
        ),
        # Points: opg1 2, opg2 2, opg3 2 (autograded, 6); the synopsis 14 by hand; max 20.
        #   correct:      2 + 2 + 2 + 14 (given by hand below)                       = 20
        #   blank:        the released notebook untouched: every answer raises       =  0
        #   partly wrong: opg1 2; opg2 0 (hidden test); opg3 2                        =  4
        expected={CORRECT: 20.0, BLANK: 0.0, PARTLY_WRONG: 4.0},
        partly_wrong_cells={"opg1_test": 2.0, "opg2_test": 0.0, "opg3_test": 2.0},
        max_score=20.0,
        hidden_messages=("tjek reliabiliteten (det forsigtige valg)",),
        manual_id="opg4_synopsis",
        manual_points=14,
    )


CASES = {case.assignment: case for case in (_lovende_praksis(), _synopsis())}


#: The course after release, submission, autograding, hand grading and feedback.
graded_course = graded_course_fixture(CASES)


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_three_students_get_the_exact_scores(graded_course: Path, assignment: str) -> None:
    check_exact_scores(graded_course, CASES[assignment])


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_marking_guide_is_for_the_grader_only(graded_course: Path, assignment: str) -> None:
    check_marking_guide_for_the_grader_only(graded_course, CASES[assignment])


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_feedback_shows_failed_hidden_tests_without_their_code(
    graded_course: Path, assignment: str
) -> None:
    check_feedback_hides_hidden_tests(graded_course, CASES[assignment])
