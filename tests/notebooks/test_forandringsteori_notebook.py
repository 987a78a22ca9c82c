"""The theory-of-change lesson runs from top to bottom and is committed without outputs."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "02-forandringsteori.ipynb"


def test_lesson_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_lesson_has_the_course_skeleton():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    headings = [
        line
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    assert headings == [
        "## Overblik",
        "## Forudsætninger",
        "## Indhold",
        "## Opsummering",
        "## Næste skridt",
        "## Kilder",
    ]


@pytest.mark.notebook
def test_lesson_executes(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    outputs = {i: cell.outputs for i, cell in enumerate(nb.cells) if cell.cell_type == "code"}
    errors = [o for cell in outputs.values() for o in cell if o.output_type == "error"]
    assert errors == []
    # The worked mentor example ends with no findings; the copy with three planted mistakes shows
    # an activity leading nowhere, an outcome without indicator and an arrow without assumption.
    plain = ["".join(o.get("data", {}).get("text/plain", "")) for c in outputs.values() for o in c]
    html = "".join(
        "".join(o.get("data", {}).get("text/html", "")) for c in outputs.values() for o in c
    )
    assert any(text.startswith("Empty DataFrame") for text in plain)
    assert "Aktiviteten »Fælles udflugter for alle unge« fører ikke frem til noget resultat" in html
    assert (
        "»Den unge har et netværk af jævnaldrende« (kortsigtet resultat) har ingen indikator"
        in html
    )
    assert "mangler en antagelse" in html
