"""Fixtures for the nbgrader tests: a temporary copy of the course and made-up submissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nbformat.notebooknode import NotebookNode
from pipeline_helpers import copy_course, submit_notebook


@pytest.fixture(autouse=True)
def _no_real_gradebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """The course config reads these; a test must never reach an instructor's settings."""
    monkeypatch.delenv("VIDENSBASERING_DB_URL", raising=False)
    monkeypatch.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)


@pytest.fixture
def course_root(tmp_path: Path) -> Iterator[Path]:
    """A throwaway nbgrader course: the project's config and source, nothing else."""
    yield copy_course(tmp_path / "course")


@pytest.fixture
def submit(course_root: Path) -> Callable[[str, NotebookNode], Path]:
    """Place a notebook where nbgrader expects a collected submission; return its path."""

    def _submit(student_id: str, notebook: NotebookNode) -> Path:
        return submit_notebook(course_root, student_id, notebook)

    return _submit
