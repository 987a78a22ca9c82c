"""Fixtures for the nbgrader tests: a temporary copy of the course and made-up submissions."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.notebooknode import NotebookNode
from pipeline_helpers import ASSIGNMENT, COURSE_DIR


@pytest.fixture(autouse=True)
def _no_real_gradebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """The course config reads these; a test must never reach an instructor's settings."""
    monkeypatch.delenv("VIDENSBASERING_DB_URL", raising=False)
    monkeypatch.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)


@pytest.fixture
def course_root(tmp_path: Path) -> Iterator[Path]:
    """A throwaway nbgrader course: the project's config and source, nothing else."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy2(COURSE_DIR / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(COURSE_DIR / "source", root / "source")
    yield root


@pytest.fixture
def submit(course_root: Path) -> Callable[[str, NotebookNode], Path]:
    """Place a notebook where nbgrader expects a collected submission; return its path."""

    def _submit(student_id: str, notebook: NotebookNode) -> Path:
        folder = course_root / "submitted" / student_id / ASSIGNMENT
        folder.mkdir(parents=True)
        path = folder / f"{ASSIGNMENT}.ipynb"
        nbformat.write(notebook, path)
        return path

    return _submit
