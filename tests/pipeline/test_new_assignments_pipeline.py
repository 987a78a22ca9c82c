"""nbgrader for real on the assignments forandringsteori, dokumentation and opfoelgning.

One temporary course serves all three (the harness is :mod:`assignment_pipeline`): each
assignment is released, three invented students submit (correct, blank, partly wrong), nbgrader
autogrades, the instructor gives the correct student's reflection full marks, and feedback is
generated. These assignments ask for the reflection in a Markdown solution cell.
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
    graded_course_fixture,
)
from pipeline_helpers import solution_code
from typical_wrong_answers import passing_visible

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]


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
        task=False,
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
        task=False,
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
        task=False,
        hidden_messages=(
            "T for B072 er forkert: tjek hvert trin i formlen",
            "tjek skalaens retning og grænsen for normalområdet",
        ),
    )


CASES = {case.assignment: case for case in (_forandringsteori(), _dokumentation(), _opfoelgning())}


#: The course after release, submission, autograding, hand grading and feedback.
graded_course = graded_course_fixture(CASES)


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_three_students_get_the_exact_scores(graded_course: Path, assignment: str) -> None:
    check_exact_scores(graded_course, CASES[assignment])


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_feedback_shows_failed_hidden_tests_without_their_code(
    graded_course: Path, assignment: str
) -> None:
    check_feedback_hides_hidden_tests(graded_course, CASES[assignment])
