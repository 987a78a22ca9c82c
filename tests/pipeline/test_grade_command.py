"""`vidensbasering grade` end to end on a temporary course: zip in, grades file and feedback out."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from lms_fixtures import MONDAY, SUNDAY, WEDNESDAY, make_zip, released, with_note
from nbgrader.api import Gradebook
from pipeline_helpers import ASSIGNMENT, answered, correct_answers, partly_wrong_answers
from typer.testing import CliRunner

from vidensbasering import cli
from vidensbasering.course import open_api

pytestmark = [
    pytest.mark.pipeline,
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

runner = CliRunner()

# Canvas file names of the invented students (sortable name stem, user id, attachment id).
CORRECT = "sørensenåse_12345_900_videnskvalitet.ipynb"
BLANK = "olsenmads_222_901_videnskvalitet.ipynb"
PARTLY = "ærøsøren_LATE_333_902_videnskvalitet (1).ipynb"
BROKEN = "hansenbo_444_903_videnskvalitet.ipynb"


def _correct() -> nbformat.NotebookNode:
    return answered(released(), correct_answers())


def _partly_wrong() -> nbformat.NotebookNode:
    # opg1, opg2 right (1 + 2 points), opg3 and opg4 fail their hidden tests: 3 of 7 automatic.
    return answered(released(), partly_wrong_answers())


def _grade(project: Path, archive: Path) -> object:
    return runner.invoke(
        cli.app,
        ["grade", ASSIGNMENT, "--zip", str(archive), "--lms", "canvas", "--project", str(project)],
    )


def _grades(course_root: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        course_root / f"karakterer-{ASSIGNMENT}.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"Elev-id": str, "LMS-id": str},
    )
    return frame.set_index("Elev-id")


def test_grade_imports_grades_gives_feedback_and_keeps_hand_grading_on_rerun(
    course_root: Path, tmp_path: Path
) -> None:
    project = course_root.parent
    first = make_zip(
        tmp_path / "uge1.zip",
        {
            CORRECT: (_correct(), MONDAY),
            BLANK: (released(), MONDAY),
            PARTLY: (_partly_wrong(), MONDAY),
            BROKEN: (b'{"cells": [', MONDAY),  # cut off in the upload: not valid JSON
        },
    )
    result = _grade(project, first)
    assert result.exit_code == 0, result.output

    # Points (course/source: opg1 1, opg2 2, opg3 2, opg4 2 automatic; opg5 3 by hand):
    #   correct 1 + 2 + 2 + 2 = 7 (reflection not graded yet), blank 0 (nbgrader gives an
    #   unchanged reflection 0 without review), partly wrong 1 + 2 = 3; the broken file fails.
    grades = _grades(course_root)
    assert grades.loc["12345", "Point"] == 7.0
    assert grades.loc["222", "Point"] == 0.0
    assert grades.loc["333", "Point"] == 3.0
    assert "444" not in grades.index
    assert set(grades["Maks. point"]) == {10.0}
    assert grades.loc["12345", "Mangler manuel rettelse"] == "ja"
    assert grades.loc["222", "Mangler manuel rettelse"] == "nej"
    # Canvas's file name carries only "sørensenåse": shown as the name from the file, not as a
    # last name (no roster given).
    assert grades.loc["12345", "Navn fra LMS-fil"] == "sørensenåse"
    assert pd.isna(grades.loc["12345", "Efternavn"])
    raw = (course_root / f"karakterer-{ASSIGNMENT}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert ";7,0;10,0;ja" in raw.decode("utf-8-sig")

    # The summary: who was graded, who needs hand grading, who failed and why.
    output = " ".join(result.output.split())
    assert "1 rettet, 2 mangler manuel rettelse, 1 fejlede" in output
    assert "er ikke gyldig JSON" in output  # the cut-off upload
    # Canvas marked the partly wrong submission late; the summary says so.
    row = next(line for line in result.output.splitlines() if "│ 333 " in line)
    assert "3 / 10" in row and "│ ja " in row
    for student in ("12345", "222", "333"):
        feedback = course_root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert "_skjult_" not in feedback.read_text(encoding="utf-8"), student

    # The instructor grades the correct student's reflection by hand (as the formgrader does).
    api = open_api(course_root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.find_grade("opg5_refleksion", ASSIGNMENT, ASSIGNMENT, "12345").manual_score = 3
        gradebook.db.commit()

    # A newer download: the correct student re-uploaded (changed, newer), the partly wrong one
    # fixed everything, and the blank one appears with a different notebook stamped *earlier*
    # than the graded one (it must not replace it).
    second = make_zip(
        tmp_path / "uge2.zip",
        {
            CORRECT: (with_note(_correct(), "Tilføjet kilde."), WEDNESDAY),
            BLANK: (_correct(), SUNDAY),
            PARTLY: (_correct(), WEDNESDAY),
        },
    )
    result = _grade(project, second)
    assert result.exit_code == 0, result.output
    grades = _grades(course_root)
    # correct: 7 automatic + 3 by hand, kept through the re-autograde; partly wrong: now 7.
    assert grades.loc["12345", "Point"] == 10.0
    assert grades.loc["333", "Point"] == 7.0
    assert grades.loc["222", "Point"] == 0.0
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        grade = gradebook.find_grade("opg5_refleksion", ASSIGNMENT, ASSIGNMENT, "12345")
        assert grade.manual_score == 3
    output = " ".join(result.output.split())
    assert "ældre end den rettede" in output

    # Nothing deleted: both earlier submissions were moved aside, the two zips are kept.
    superseded = course_root / "superseded" / ASSIGNMENT
    assert sorted(p.name for p in superseded.iterdir()) == ["12345", "333"]
    assert len(list((course_root / "downloaded" / ASSIGNMENT).glob("*/archive/lms.zip"))) == 2

    # Same zip again: nothing to grade, grades unchanged.
    result = _grade(project, second)
    assert result.exit_code == 0, result.output
    assert "0 rettet, 0 mangler manuel rettelse, 0 fejlede, 2 uændrede" in " ".join(
        result.output.split()
    )
    assert _grades(course_root).loc["12345", "Point"] == 10.0


def test_grade_explains_a_pattern_without_student_id(course_root: Path, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "x.zip", {"a/videnskvalitet.ipynb": (released(), MONDAY)})
    result = runner.invoke(
        cli.app,
        [
            "grade", ASSIGNMENT, "--zip", str(archive), "--lms", "custom",
            "--pattern", r"(?P<file_id>[^/]+)", "--project", str(course_root.parent),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "(?P<student_id>...)" in result.output
    assert not (course_root / "submitted").exists()


def test_grade_with_the_wrong_lms_says_so(course_root: Path, tmp_path: Path) -> None:
    # A Moodle download given as Canvas: no file name fits, nobody is graded, exit status 1.
    archive = make_zip(
        tmp_path / "moodle.zip",
        {"Ida Jensen_7_assignsubmission_file_/videnskvalitet.ipynb": (released(), MONDAY)},
    )
    result = _grade(course_root.parent, archive)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "filnavnet passer ikke til LMS'ets navnemønster" in output
    assert "Tjek, at --lms passer" in output
