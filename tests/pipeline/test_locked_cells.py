"""Locked cells on their way into autograding: untouched ones pass quietly, edited ones are
reported, deleted or emptied ones are put back from the gradebook in their place."""

from __future__ import annotations

import logging

import nbformat
import pytest
import submission_fixtures as fixtures
from nbconvert.exporters.exporter import ResourcesDict
from nbgrader.api import Gradebook
from pipeline_helpers import ASSIGNMENT, copy_course

from vidensbasering.course import open_api
from vidensbasering.course.cells import (
    OverwriteLockedCells,
    RestoreLockedCells,
    locked_cell_changes,
)

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    course_root = copy_course(tmp_path_factory.mktemp("locked") / "course")
    api = open_api(course_root, private_gradebook=True)
    assert api.generate_assignment(ASSIGNMENT)["success"]
    return api.coursedir.db_url


def _resources(db_url: str) -> ResourcesDict:
    return ResourcesDict(
        nbgrader={"notebook": ASSIGNMENT, "assignment": ASSIGNMENT, "db_url": db_url}
    )


def _case(name: str) -> nbformat.NotebookNode:
    return nbformat.reads(fixtures.CASES[name]().decode("utf-8"), as_version=4)


def _checksum_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "checksum" in r.getMessage()]


def test_untouched_test_cells_with_hidden_tests_raise_no_checksum_warning(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    notebook = _case("deleted_graded_cell")  # every locked cell as released
    with caplog.at_level(logging.WARNING):
        result, _ = OverwriteLockedCells().preprocess(notebook, _resources(db_url))
    assert _checksum_warnings(caplog) == []
    # The hidden tests are back in the cells that will be run.
    sources = {
        c.metadata.nbgrader["grade_id"]: c.source for c in result.cells if "nbgrader" in c.metadata
    }
    assert "### BEGIN HIDDEN TESTS" in sources["opg3_test"]


def test_an_edited_locked_cell_is_still_reported_and_replaced(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    notebook = _case("edited_locked_test")
    with caplog.at_level(logging.WARNING):
        result, _ = OverwriteLockedCells().preprocess(notebook, _resources(db_url))
    warnings = _checksum_warnings(caplog)
    assert len(warnings) == 1 and "opg1_test" in warnings[0]
    test = next(
        c for c in result.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "opg1_test"
    )
    assert test.source != "pass"


@pytest.mark.parametrize(
    ("case", "restored"),
    [
        ("deleted_test_cell", ["opg2_test"]),
        ("emptied_test_cell", ["opg3_test"]),
        ("deleted_locked_text", ["intro", "afslutning"]),
    ],
)
def test_deleted_or_emptied_locked_cells_are_put_back_in_their_place(
    db_url: str, case: str, restored: list[str]
) -> None:
    released = [c.metadata.get("nbgrader", {}).get("grade_id") for c in fixtures.released().cells]
    notebook = _case(case)
    with Gradebook(db_url) as gradebook:
        changes = locked_cell_changes(notebook, gradebook, ASSIGNMENT, ASSIGNMENT)
    assert (changes.restored, changes.edited) == (restored, [])
    result, _ = RestoreLockedCells().preprocess(notebook, _resources(db_url))
    result, _ = OverwriteLockedCells().preprocess(result, _resources(db_url))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in result.cells]
    assert ids == released
    for cell in result.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in restored:
            assert cell.source.strip()
