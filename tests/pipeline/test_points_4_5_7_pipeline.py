"""nbgrader for real on the assignments of KL/SFI points 4, 5 and 7 (lessons 05-07).

The same harness as ``test_new_assignments_pipeline.py`` (:mod:`assignment_pipeline`): one
temporary course, each assignment released, three invented students (correct, blank, partly
wrong) submit, nbgrader autogrades, the instructor gives the correct student's reflection full
marks by hand, and feedback is generated.

These assignments put the reflection's question in a manually graded *task* cell whose marking
guide sits in nbgrader's mark-scheme region (``=== BEGIN MARK SCHEME ===``). The student writes in
the free cell below it. The tests also check where the guide shows: not in the released notebook,
in the autograded notebook (the formgrader's view, for the grader), not in the feedback.
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
from typical_wrong_answers import passing_visible

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]


def _refleksion() -> Case:
    a = "refleksion"
    return Case(
        assignment=a,
        answer_ids=("opg1_svar", "opg2_svar", "opg3_svar", "opg4_svar"),
        partly_wrong={
            "opg1_svar": solution_code("opg1_svar", a),
            "opg2_svar": solution_code("opg2_svar", a),
            # The share of those measured at 12 months instead of those who started: a share in
            # 0-1 below one half (visible tests), the wrong denominator (hidden test).
            "opg3_svar": passing_visible(a, "opg3_svar", "measured_as_denominator"),
            # Divided by everyone who started in the team: shares in 0-1 (visible), but citizens
            # who dropped out could never get "no reliable change" (hidden).
            "opg4_svar": passing_visible(a, "opg4_svar", "everyone_who_started_as_denominator"),
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
            "opg1_svar": passing_visible(a, "opg1_svar", "reliability_not_the_cautious_one"),
            "opg2_svar": solution_code("opg2_svar", a),
            "opg3_svar": solution_code("opg3_svar", a),
            # 2011 minus 2023: the right size (visible test), the wrong sign (hidden test).
            "opg4_svar": passing_visible(a, "opg4_svar", "wrong_sign"),
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
            "opg2_svar": passing_visible(a, "opg2_svar", "self_selection_read_as_lottery"),
            "opg3_svar": solution_code("opg3_svar", a),
            # Level only, target group forgotten: F (school pupils) and I (prison) slip in.
            "opg4_svar": passing_visible(a, "opg4_svar", "target_group_forgotten"),
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
