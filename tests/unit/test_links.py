"""Every relative link in every notebook and Markdown file of the project points to a file.

Links are Markdown links ``[text](target)`` in Markdown files and in notebooks' Markdown cells.
Web addresses and anchors are skipped; root-absolute links must be Voila apps
(``/voila/render/<path from the project root>``), as the start page uses them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", ".git", "node_modules", ".ipynb_checkpoints", ".pytest_cache", "build"}
#: Deliberately broken submissions (empty file, invalid JSON) that the grading tests use.
FIXTURES = ROOT / "tests" / "pipeline" / "fixtures"
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
VOILA_PREFIX = "/voila/render/"


def _files() -> list[Path]:
    found = []
    for pattern in ("*.md", "*.ipynb"):
        for path in ROOT.rglob(pattern):
            parts = set(path.relative_to(ROOT).parts)
            hidden = any(p.startswith(".") for p in parts)
            if not parts & SKIP_DIRS and not hidden and not path.is_relative_to(FIXTURES):
                found.append(path)
    return sorted(found)


FILES = _files()


def _markdown(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    notebook = nbformat.read(path, as_version=4)
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def broken_links(path: Path, text: str) -> list[str]:
    """The link targets in ``text`` (read from ``path``) that point to no file."""
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-zA-Z][a-zA-Z+.-]*:", target) or target.startswith("#"):
            continue  # web address, mailto: or an anchor in the same file
        if target.startswith("/"):
            if (
                not target.startswith(VOILA_PREFIX)
                or not (ROOT / target.removeprefix(VOILA_PREFIX)).is_file()
            ):
                broken.append(target)
            continue
        if not (path.parent / target.split("#", 1)[0]).resolve().exists():
            broken.append(target)
    return broken


def test_the_project_has_notebooks_and_markdown():
    names = {p.relative_to(ROOT).as_posix() for p in FILES}
    assert {"README.md", "course/syllabus.md", "notebooks/00-start.ipynb"} <= names


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_relative_links_point_to_files_that_exist(path: Path):
    assert broken_links(path, _markdown(path)) == []


def test_broken_links_are_found():
    page = ROOT / "notebooks" / "00-start.ipynb"
    text = (
        "[finnes](01-videnskvalitet.ipynb) [mangler](99-findes-ikke.ipynb) "
        "[web](https://example.org/x) [anker](#kilder) "
        "[app](/voila/render/notebooks/apps/findes-ikke.ipynb) ![billede](ikke-et-link.png)"
    )
    assert broken_links(page, text) == [
        "99-findes-ikke.ipynb",
        "/voila/render/notebooks/apps/findes-ikke.ipynb",
    ]
