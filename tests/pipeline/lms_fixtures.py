"""Helpers for the LMS import tests: made-up bulk downloads as an LMS would zip them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from pipeline_helpers import ASSIGNMENT, PROJECT_ROOT

RELEASED_NOTEBOOK = PROJECT_ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

# (year, month, day, hour, minute, second) as stored in a zip entry.
Stamp = tuple[int, int, int, int, int, int]
SUNDAY: Stamp = (2026, 11, 1, 9, 0, 0)
MONDAY: Stamp = (2026, 11, 2, 9, 0, 0)
TUESDAY: Stamp = (2026, 11, 3, 9, 0, 0)
WEDNESDAY: Stamp = (2026, 11, 4, 9, 0, 0)


def released() -> NotebookNode:
    """The student version of the assignment, as students download it."""
    return nbformat.read(RELEASED_NOTEBOOK, as_version=4)


def with_note(notebook: NotebookNode, note: str) -> NotebookNode:
    """A copy with one extra markdown cell, so two submissions differ byte for byte."""
    copy = nbformat.from_dict(notebook)
    copy.cells.append(nbformat.v4.new_markdown_cell(note))
    return copy


def make_zip(path: Path, entries: dict[str, tuple[str | bytes | NotebookNode, Stamp]]) -> Path:
    """Write a zip with the given entries (path inside the zip -> content and entry time)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (content, stamp) in entries.items():
            if isinstance(content, dict):
                content = nbformat.writes(content)
            archive.writestr(zipfile.ZipInfo(name, stamp), content)
    return path


class _UnflaggedInfo(zipfile.ZipInfo):
    """A zip entry whose UTF-8 name is stored without the UTF-8 flag (as PHP's ZipArchive does)."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's own name)
        return self.filename.encode("utf-8"), self.flag_bits


def make_unflagged_zip(path: Path, entries: dict[str, tuple[NotebookNode, Stamp]]) -> Path:
    """Like :func:`make_zip`, but the names carry no UTF-8 flag, so Python reads them as cp437."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, (content, stamp) in entries.items():
            archive.writestr(_UnflaggedInfo(name, stamp), nbformat.writes(content))
    return path
