"""Students' names: taken from the LMS's own roster when given, otherwise the name stem from the
file name is shown as what it is; assignment names the formgrader cannot show are refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from lms_fixtures import MONDAY, make_zip, released
from nbgrader.api import Gradebook
from pipeline_helpers import ASSIGNMENT
from typer.testing import CliRunner

from vidensbasering import cli
from vidensbasering.course import open_api
from vidensbasering.course.build import suggest_assignment_name
from vidensbasering.course.lms import student_slug
from vidensbasering.course.roster import RosterError, read_roster
from vidensbasering.i18n import t

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

ROSTERS = Path(__file__).resolve().parent / "fixtures" / "rosters"
runner = CliRunner()


def test_canvas_gradebook_export_gives_first_and_last_name_by_user_id() -> None:
    roster = read_roster(ROSTERS / "canvas_karakterbog.csv")
    # "Sørensen, Åse" is Canvas's sortable name: last name, comma, first name.
    assert roster["12345"] == ("Åse", "Sørensen")
    assert roster["333"] == ("Søren", "Ærø")
    assert "Points Possible" not in " ".join(str(k) for k in roster)
    assert len(roster) == 4  # the test student is a row like any other


@pytest.mark.parametrize("name", ["moodle_karakterer.csv", "moodle_deltagere.csv"])
def test_moodle_exports_give_names_by_the_moodle_student_id(name: str) -> None:
    roster = read_roster(ROSTERS / name)
    # The Moodle zip's "Åse Marie Sørensen" becomes the id åse_marie_sørensen; the roster says
    # which part is the last name (here a double surname).
    assert roster[student_slug("Åse Marie Sørensen")] == ("Åse", "Marie Sørensen")
    assert roster["anders_jensen"] == ("Anders", "Jensen")


def test_a_file_that_is_no_roster_is_refused_in_danish(tmp_path: Path) -> None:
    path = tmp_path / "noget.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(RosterError, match="Student"):
        read_roster(path)


def _grades(course_root: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        course_root / f"karakterer-{ASSIGNMENT}.csv",
        sep=";",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    return frame.set_index("Elev-id")


def _names(course_root: Path, student: str) -> tuple[str | None, str | None]:
    api = open_api(course_root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        found = gradebook.find_student(student)
        return found.first_name, found.last_name


def test_canvas_name_stem_is_not_called_a_last_name_and_a_roster_fills_real_names(
    course_root: Path, tmp_path: Path
) -> None:
    project = course_root.parent
    archive = make_zip(
        tmp_path / "canvas.zip",
        {"sørensenåse_12345_900_videnskvalitet.ipynb": (released(), MONDAY)},
    )
    command = ["grade", ASSIGNMENT, "--zip", str(archive), "--lms", "canvas"]
    result = runner.invoke(cli.app, [*command, "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert _names(course_root, "12345") == (None, None)
    row = _grades(course_root).loc["12345"]
    assert (row["Fornavn"], row["Efternavn"]) == ("", "")
    assert row[t("grading.csv_file_name")] == "sørensenåse"

    roster = ["--roster", str(ROSTERS / "canvas_karakterbog.csv")]
    result = runner.invoke(cli.app, [*command, *roster, "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert _names(course_root, "12345") == ("Åse", "Sørensen")
    row = _grades(course_root).loc["12345"]
    assert (row["Fornavn"], row["Efternavn"]) == ("Åse", "Sørensen")


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("Opgave 1 (ny)", "opgave_1_ny"), ("opfølgning 2", "opfoelgning_2"), ("a.b", "a_b")],
)
def test_assignment_names_the_formgrader_cannot_show_are_refused_with_a_suggestion(
    course_root: Path, tmp_path: Path, name: str, suggestion: str
) -> None:
    assert suggest_assignment_name(name) == suggestion
    assert suggest_assignment_name(suggestion) == suggestion
    project = course_root.parent
    (course_root / "source" / ASSIGNMENT).rename(course_root / "source" / name)
    archive = make_zip(tmp_path / "x.zip", {"a_1_2_x.ipynb": (released(), MONDAY)})
    for command in (
        ["build", "--project", str(project)],
        ["grade", name, "--zip", str(archive), "--lms", "canvas", "--project", str(project)],
    ):
        result = runner.invoke(cli.app, command)
        assert result.exit_code == 2, result.output
        output = " ".join(result.output.split())
        assert t("grading.bad_assignment_name", name=name, suggestion=suggestion) in output
    assert not (course_root / "submitted").exists()
    assert not (course_root / "gradebook.db").exists()
