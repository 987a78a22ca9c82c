"""The theory-of-change lesson shows the findings it promises (one shared execution)."""

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "02-forandringsteori.ipynb"


@pytest.mark.notebook
def test_lesson_shows_the_planted_mistakes(executed_notebook):
    nb = executed_notebook(NOTEBOOK)
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
