"""exercises/ and solutions/ must be what nbgrader generates from course/source, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from pipeline_helpers import ASSIGNMENT, PROJECT_ROOT

from vidensbasering.course import Difference, NbgraderError, build, check
from vidensbasering.course.build import compare

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

EXERCISE = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
SOLUTION = f"solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


def _course_files() -> set[Path]:
    return {p.relative_to(PROJECT_ROOT) for p in (PROJECT_ROOT / "course").rglob("*")}


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("course", "exercises", "solutions"):
        shutil.copytree(
            PROJECT_ROOT / name,
            root / name,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    return root


def test_committed_exercises_and_solutions_are_in_step_with_the_source() -> None:
    before = _course_files()
    differences = check(PROJECT_ROOT)
    assert differences == [], (
        "exercises/ or solutions/ are out of step with course/source; run `vidensbasering "
        "build` and commit:\n" + "\n".join(d.describe() for d in differences)
    )
    # nbgrader ran in a temporary copy: no gradebook, release/ or solution/ left in course/.
    assert _course_files() == before


def test_check_reports_changed_missing_and_extra_files(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    exercise = root / EXERCISE
    notebook = nbformat.read(exercise, as_version=4)
    notebook.cells[0].source += "\nEn lille ændring, som ikke står i kilden."
    nbformat.write(notebook, exercise)
    (root / SOLUTION).unlink()
    (root / "solutions" / ASSIGNMENT / "gammel.csv").write_text("a;b\n1;2\n", encoding="utf-8")

    assert check(root) == [
        Difference("changed", EXERCISE),
        Difference("extra", f"solutions/{ASSIGNMENT}/gammel.csv"),
        Difference("missing", SOLUTION),
    ]

    # build repairs all three, and writes byte for byte what an earlier build committed.
    build(root)
    assert compare(PROJECT_ROOT, root) == []
    assert not (root / "solutions" / ASSIGNMENT / "gammel.csv").exists()


def test_build_refuses_a_solution_that_fails_its_hidden_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An instructor's real gradebook must never be touched by a build: point the course at one
    # that cannot be opened; the build must still get as far as executing the solution.
    monkeypatch.setenv("VIDENSBASERING_DB_URL", f"sqlite:///{tmp_path}/findes-ikke/gradebook.db")
    root = _copy_project(tmp_path)
    source = root / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "opg4_svar":
            # The sign reversed: the solution no longer passes its own tests.
            wrong = cell.source.replace(
                'forskel_cps = nsw.loc[nsw["treat"] == 1, "re78"].mean() - m_cps',
                'forskel_cps = m_cps - nsw.loc[nsw["treat"] == 1, "re78"].mean()',
            )
            assert wrong != cell.source
            cell.source = wrong
    nbformat.write(notebook, source)
    committed = (root / SOLUTION).read_bytes()

    with pytest.raises(NbgraderError, match=r"opg4_test: AssertionError"):
        build(root)
    assert (root / SOLUTION).read_bytes() == committed  # nothing written on failure
