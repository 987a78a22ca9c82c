"""The syllabus maps every learning objective to a lesson section and a graded part, and back.

Each assignment in ``course/source`` has a section ``## Modul: … (`<assignment>`)`` in
``course/syllabus.md`` with a table ``| læringsmål: du kan … | lektion og afsnit | bedømt del |``.
No objective without a graded part, no graded part (a cell with points) without an objective.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SYLLABUS = ROOT / "course" / "syllabus.md"
SOURCE = ROOT / "course" / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

SECTION = re.compile(r"^## Modul: .*\(`(?P<name>[a-z_]+)`\)\s*$", re.MULTILINE)
GRADE_ID = re.compile(r"`([a-z0-9_]+)`")
LESSON = re.compile(r"^\d\d, afsnit \d")


def _sections() -> dict[str, str]:
    text = SYLLABUS.read_text(encoding="utf-8")
    starts = list(SECTION.finditer(text))
    sections = {}
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        end = following.start() if following else text.index("\n## Kilder")
        sections[match["name"]] = text[match.end() : end]
    return sections


def _objectives(section: str) -> list[list[str]]:
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    return [c for c in cells if c[0] and not c[0].startswith("læringsmål") and set(c[0]) != {"-"}]


def _graded_ids(assignment: str) -> set[str]:
    ids = set()
    for path in (SOURCE / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("points"):
                ids.add(meta["grade_id"])
    return ids


def test_every_assignment_has_a_module_in_the_syllabus():
    assert set(ASSIGNMENTS) <= set(_sections()), "an assignment has no '## Modul: … (`name`)'"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_objectives_and_graded_parts_match(assignment):
    objectives = _objectives(_sections()[assignment])
    assert objectives, f"{assignment}: no learning objectives"
    graded = _graded_ids(assignment)
    listed = set()
    for objective, lesson, parts in objectives:
        ids = set(GRADE_ID.findall(parts))
        assert ids, f"{assignment}: objective without a graded part: {objective!r}"
        assert ids <= graded, f"{assignment}: {sorted(ids - graded)} are not graded cells"
        assert LESSON.match(lesson), f"{assignment}: give the lesson and section for {objective!r}"
        listed |= ids
    assert graded <= listed, f"{assignment}: graded parts without an objective: {graded - listed}"


def test_a_module_without_an_assignment_is_only_a_placeholder():
    for name, section in _sections().items():
        if name not in ASSIGNMENTS:
            assert not _objectives(section), (
                f"{name}: objectives but no assignment in course/source"
            )


def test_the_checks_catch_a_missing_objective():
    # The parser sees a graded part that no objective lists (a test that can fail).
    section = _sections()["opfoelgning"]
    without_reflection = "\n".join(
        line for line in section.splitlines() if "opg5_refleksion" not in line
    )
    listed = {i for row in _objectives(without_reflection) for i in GRADE_ID.findall(row[2])}
    assert _graded_ids("opfoelgning") - listed == {"opg5_refleksion"}
