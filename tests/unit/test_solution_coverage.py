"""Every function, method and piece of syntax a solution uses is shown in a lesson or the primer.

The exercises must not ask for Python that no lesson teaches. The code of every solution region
(between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in ``course/source``) is parsed with
:mod:`ast`, and so is every code cell of the lessons and the primer in ``notebooks/``. A solution
that calls a function or method, or uses a kind of syntax (a list comprehension, ``lambda``,
``def``, a keyword argument, ``**``, ``~`` ...), that no lesson or primer cell uses fails this test
until a lesson teaches it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "course" / "source").glob("*/*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("0*.ipynb"))

#: Node types every line of Python has; they say nothing about what a student must know.
_IGNORED = {"Module", "Expr", "Load", "Store", "Del", "Name", "Constant", "Assign"}


def constructs(code: str) -> set[str]:
    """What a piece of code asks a reader to know.

    Returns:
        ``"call:f"`` for every call of a function or method named ``f``, written ``f(...)`` or
        ``x.f(...)`` (a lesson's ``measures.cronbach_alpha(x)`` teaches ``cronbach_alpha(x)``
        after an import), and ``"syntax:T"`` for every ast node type ``T`` used (operators such as
        ``Pow`` and ``Invert`` included) except those in :data:`_IGNORED`.

    Raises:
        SyntaxError: the code does not parse.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        kind = type(node).__name__
        if kind not in _IGNORED:
            found.add(f"syntax:{kind}")
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                found.add(f"call:{node.func.id}")
            elif isinstance(node.func, ast.Attribute):
                found.add(f"call:{node.func.attr}")
    return found


def solution_regions(source: str) -> list[str]:
    """The code between each ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in a cell."""
    regions: list[str] = []
    current: list[str] | None = None
    for line in source.splitlines():
        if line.strip() == "### BEGIN SOLUTION":
            current = []
        elif line.strip() == "### END SOLUTION":
            if current is not None:
                regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return regions


def uncovered(solutions: dict[str, str], lessons: list[str]) -> dict[str, list[str]]:
    """Constructs used in a solution and in no lesson: construct -> where it is used."""
    taught: set[str] = set()
    for code in lessons:
        taught |= constructs(code)
    missing: dict[str, list[str]] = {}
    for where, code in solutions.items():
        for construct in sorted(constructs(code) - taught):
            missing.setdefault(construct, []).append(where)
    return missing


def _code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _solutions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in SOURCES:
        for cell in _code_cells(path):
            if not cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            grade_id = cell.metadata["nbgrader"].get("grade_id", "?")
            for n, region in enumerate(solution_regions(cell.source)):
                found[f"{path.stem}/{grade_id}#{n + 1}"] = region
    return found


def test_the_checker_finds_a_construct_no_lesson_shows():
    lessons = ["x = [1, 2]\nprint(len(x), sum(x, start=0))\ntabel.mean() ** 0.5"]
    # Everything here is in the lesson: a list, len, a keyword argument, a method and **.
    assert uncovered({"ok": "y = len(x) ** 2\nz = tabel.mean(axis=1)"}, lessons) == {}
    new = {"ny": "y = [i for i in x]\nd = tabel.melt(id_vars=['a'])\nf = lambda v: ~v"}
    assert uncovered(new, lessons) == {
        "call:melt": ["ny"],
        "syntax:Invert": ["ny"],
        "syntax:Lambda": ["ny"],
        "syntax:ListComp": ["ny"],
        "syntax:UnaryOp": ["ny"],
        "syntax:arguments": ["ny"],
        "syntax:arg": ["ny"],
        "syntax:comprehension": ["ny"],
    }


def test_solution_regions_are_read_from_a_cell():
    cell = "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\nc = 3\n### BEGIN SOLUTION\nd = 4\n"
    # An unclosed region is not counted: nbgrader would refuse the cell.
    assert solution_regions(cell + "### END SOLUTION") == ["b = 2", "d = 4"]
    assert solution_regions(cell) == ["b = 2"]


def test_every_exercise_has_solutions_and_the_primer_exists():
    assert len(SOURCES) >= 4
    assert (ROOT / "notebooks" / "00-python-og-pandas.ipynb") in LESSONS
    assert len(_solutions()) >= 16  # four answer cells in each of four exercises


def test_every_construct_in_a_solution_is_taught_in_a_lesson_or_the_primer():
    lessons = [cell.source for path in LESSONS for cell in _code_cells(path)]
    missing = uncovered(_solutions(), lessons)
    assert not missing, (
        "Solutions use Python that no lesson or the primer (notebooks/00-python-og-pandas.ipynb) "
        "shows; teach it there or simplify the solution:\n"
        + "\n".join(f"  {construct}: {', '.join(where)}" for construct, where in missing.items())
    )
