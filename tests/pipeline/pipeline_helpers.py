"""Shared helpers of the nbgrader tests: paths and made-up student answers."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COURSE_DIR = PROJECT_ROOT / "course"
ASSIGNMENT = "videnskvalitet"
SOURCE_NOTEBOOK = COURSE_DIR / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def solution_code(grade_id: str) -> str:
    """The instructor's solution of one solution cell, without nbgrader's delimiters."""
    for cell in nbformat.read(SOURCE_NOTEBOOK, as_version=4).cells:
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
