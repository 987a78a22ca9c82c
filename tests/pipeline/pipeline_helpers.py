"""Shared helpers of the nbgrader tests: paths, a course copy and made-up student answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COURSE_DIR = PROJECT_ROOT / "course"
ASSIGNMENT = "videnskvalitet"
SOURCE_NOTEBOOK = COURSE_DIR / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def source_notebook(assignment: str = ASSIGNMENT) -> Path:
    """The instructor's source notebook of an assignment (``course/source/<a>/<a>.ipynb``)."""
    return COURSE_DIR / "source" / assignment / f"{assignment}.ipynb"


def copy_course(root: Path) -> Path:
    """Make ``root`` a throwaway nbgrader course: the project's config and source, nothing else."""
    root.mkdir(parents=True)
    shutil.copy2(COURSE_DIR / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(COURSE_DIR / "source", root / "source")
    return root


def submit_notebook(
    course_root: Path, student_id: str, notebook: NotebookNode, assignment: str = ASSIGNMENT
) -> Path:
    """Place a notebook where nbgrader expects a collected submission; return its path."""
    folder = course_root / "submitted" / student_id / assignment
    folder.mkdir(parents=True)
    path = folder / f"{assignment}.ipynb"
    nbformat.write(notebook, path)
    return path


def solution_code(grade_id: str, assignment: str = ASSIGNMENT) -> str:
    """The instructor's solution of one solution cell, without nbgrader's delimiters."""
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            lines = cell.source.splitlines()
            return "\n".join(line for line in lines if "### " not in line)
    raise KeyError(grade_id)


def answered(released: NotebookNode, answers: dict[str, str]) -> NotebookNode:
    """A copy of the released notebook with the given solution cells replaced by ``answers``."""
    notebook = nbformat.from_dict(released)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


#: A reflection for the hand-graded cell of ``videnskvalitet`` (the tests give it full marks).
REFLECTION = (
    "Lodtrækningen gør grupperne ens; CPS-gruppen tjente mere i forvejen, så den naive forskel "
    "blander indsatsens effekt med forskellen mellem grupperne (selektion)."
)


def correct_answers() -> dict[str, str]:
    """``videnskvalitet`` answered with the instructor's solutions and :data:`REFLECTION`."""
    answers = {f"opg{i}_svar": solution_code(f"opg{i}_svar") for i in range(1, 5)}
    return answers | {"opg5_refleksion": REFLECTION}


def partly_wrong_answers() -> dict[str, str]:
    """``videnskvalitet`` with opg1 and opg2 right (1 + 2 points) and opg3 and opg4 wrong.

    Both wrong answers are typical mistakes the visible tests pass (see
    :mod:`typical_wrong_answers`): opg3 divides by the mean of the two groups' SDs instead of the
    pooled SD (it lies between them, as the visible test asks; the hidden value test fails); opg4
    compares all of NSW, controls too, with CPS (negative and plausible; the hidden test fails):
    3 of the 7 automatic points.
    """
    from typical_wrong_answers import passing_visible

    return correct_answers() | {
        "opg3_svar": passing_visible(ASSIGNMENT, "opg3_svar", "mean_of_the_two_sds"),
        "opg4_svar": passing_visible(ASSIGNMENT, "opg4_svar", "all_of_nsw_not_the_participants"),
    }
