"""Every exercise states the time a student needs, and the syllabus says the same as the lessons
and the exercises."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted((ROOT / "course" / "source").glob("*/*.ipynb"))
LESSONS = sorted(p for p in (ROOT / "notebooks").glob("0*.ipynb") if p.name != "00-start.ipynb")
SYLLABUS = ROOT / "course" / "syllabus.md"

_TIME = re.compile(r"Forventet tid\W*(?:ca\.\s*)?(\d+)\s*min", re.IGNORECASE)


def stated_minutes(path: Path) -> int:
    """The minutes in the notebook's "Forventet tid" line (first one)."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    match = _TIME.search(text)
    assert match, f"{path.name} states no 'Forventet tid: N minutter'"
    return int(match[1])


def syllabus_row(name: str) -> str:
    """The row of the syllabus's module table that names ``name`` (a file or `exercise`)."""
    rows = [r for r in SYLLABUS.read_text(encoding="utf-8").splitlines() if r.startswith("|")]
    found = [r for r in rows if name in r]
    assert found, f"the syllabus's table does not name {name}"
    return found[0]


def _minutes_in(row: str) -> list[int]:
    time_column = row.strip().strip("|").split("|")[-1]
    return [int(n) for n in re.findall(r"\d+", time_column)]


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_exercise_states_its_time_and_the_syllabus_agrees(path: Path):
    minutes = stated_minutes(path)
    assert 30 <= minutes <= 120
    assert minutes in _minutes_in(syllabus_row(f"`{path.stem}`"))


@pytest.mark.parametrize("path", [p for p in LESSONS if p.stem[:2] != "00"], ids=lambda p: p.stem)
def test_syllabus_gives_each_lesson_its_stated_time(path: Path):
    assert stated_minutes(path) in _minutes_in(syllabus_row(path.name))


def test_the_primer_fits_in_an_hour_and_the_syllabus_says_so():
    primer = ROOT / "notebooks" / "00-python-og-pandas.ipynb"
    assert stated_minutes(primer) <= 60
    assert f"ca. {stated_minutes(primer)} min." in SYLLABUS.read_text(encoding="utf-8")
