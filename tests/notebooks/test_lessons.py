"""Lesson notebooks run, are committed clean, follow the skeleton and link what exists."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
START = NOTEBOOK_DIR / "00-start.ipynb"

#: Notebooks directly in notebooks/ (lessons and the start page); apps live in notebooks/apps/.
TOP_LEVEL = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
LESSONS = [path for path in TOP_LEVEL if path != START]
#: Every notebook under notebooks/, apps included.
ALL = sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

SKELETON = ("Overblik", "Forudsætninger", "Indhold", "Opsummering", "Næste skridt", "Kilder")

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.MULTILINE)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
VOILA_PREFIX = "/voila/render/"


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(NOTEBOOK_DIR)) for p in paths]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_the_course_has_a_start_page_and_lessons():
    assert START.is_file()
    assert LESSONS, "no lesson notebooks found in notebooks/"


@pytest.mark.notebook
@pytest.mark.parametrize("path", TOP_LEVEL, ids=_ids(TOP_LEVEL))
def test_notebook_executes_without_errors(path: Path, executed_notebook):
    nb = executed_notebook(path)  # raises CellExecutionError, naming the cell, on any exception
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_notebook_is_committed_without_outputs(path: Path):
    nb = _read(path)
    dirty = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (
        f"cells {dirty} carry outputs or execution counts; clear them before committing"
    )
    assert "widgets" not in nb.metadata, "saved widget state in the notebook metadata"


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_follows_the_skeleton(path: Path):
    headings = [(len(level), text) for level, text in HEADING.findall(_markdown(_read(path)))]
    assert headings[0][0] == 1, "a lesson starts with its title as the only level-1 heading"
    assert [level for level, _ in headings].count(1) == 1
    sections = [text for level, text in headings if level == 2]
    assert sections == list(SKELETON)


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_states_the_expected_time(path: Path):
    text = _markdown(_read(path))
    prerequisites = text.split("## Forudsætninger", 1)[1].split("\n## ", 1)[0]
    # e.g. "**Forventet tid:** ca. 45 minutter", "Forventet tid: 60 min."
    assert re.search(r"Forventet tid\W*(ca\.\s*)?\d+(\s*[–-]\s*\d+)?\s*min", prerequisites)


@pytest.mark.parametrize("path", TOP_LEVEL, ids=_ids(TOP_LEVEL))
def test_local_links_point_to_files_that_exist(path: Path):
    for target in LINK.findall(_markdown(_read(path))):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # web address or anchor
        if target.startswith("/"):
            # JupyterLab opens root-absolute links as plain URLs on the server (a new tab);
            # the only ones we use are Voila apps, served at /voila/render/<path from repo root>.
            assert target.startswith(VOILA_PREFIX), f"unexpected server link {target!r}"
            app = ROOT / target.removeprefix(VOILA_PREFIX)
            assert app.is_file(), f"{path.name} links the app {target!r}, but {app} is missing"
        else:
            # JupyterLab resolves relative links against the notebook's folder and opens them.
            linked = (path.parent / target.split("#", 1)[0]).resolve()
            assert linked.is_file(), f"{path.name} links {target!r}, which does not exist"


def test_start_page_links_every_lesson_and_app():
    links = set(LINK.findall(_markdown(_read(START))))
    for lesson in LESSONS:
        assert lesson.name in links, f"00-start.ipynb does not link {lesson.name}"
    for app in sorted((NOTEBOOK_DIR / "apps").glob("*.ipynb")):
        url = VOILA_PREFIX + str(app.relative_to(ROOT))
        assert url in links, f"00-start.ipynb does not link the app {url}"
