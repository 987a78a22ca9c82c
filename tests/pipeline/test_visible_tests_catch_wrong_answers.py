"""The visible tests of every exercise reject its typical wrong answers with the right message.

For each exercise one kernel runs the generated solution notebook (``solutions/``: answers and
visible tests, no hidden tests) cell by cell. Before each answer cell, every typical wrong answer
from :mod:`typical_wrong_answers` for that cell is run in its place, followed by the cell's visible
tests, and the kernel's variables are put back afterwards. Then the instructor's answer runs and
must pass. The message a student would read (error value and traceback, with the Danish hint) must
contain the fixture's message.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from typical_wrong_answers import WRONG_ANSWERS, Wrong

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]
CELL_TIMEOUT = 120

# Copies the kernel's own variables (not modules, functions or IPython's) so that a wrong answer
# that changes them, e.g. adds elements to ``toc``, can be undone.
_SNAPSHOT = """
import copy as _copy_for_tests
import types as _types_for_tests

_saved_for_tests = {
    _k: _copy_for_tests.deepcopy(_v)
    for _k, _v in list(globals().items())
    if not _k.startswith("_")
    and _k not in {"In", "Out", "get_ipython", "exit", "quit"}
    and not isinstance(_v, _types_for_tests.ModuleType | type)
    and not callable(_v)
}
"""
_RESTORE = """
globals().update({_k: _copy_for_tests.deepcopy(_v) for _k, _v in _saved_for_tests.items()})
"""


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _error_text(cell: nbformat.NotebookNode) -> str | None:
    """What the student reads of the cell's error (name, message, traceback), or None."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return "\n".join([output.ename, output.evalue, *output.traceback])
    return None


def _run(client: NotebookClient, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    client.nb.cells.append(cell)  # execute_cell needs an index; the list is ours alone
    client.execute_cell(cell, len(client.nb.cells) - 1)
    return cell


def _check(outcome: dict[str, list[str]], wrong: Wrong, answer: str | None, test: str | None):
    where = {"answer": answer, "test": test}
    if wrong.caught_by is None:
        if answer is not None or test is not None:
            outcome["should pass"].append(f"{wrong.grade_id}/{wrong.name}: {answer or test}")
        return
    if wrong.caught_by == "test" and answer is not None:
        outcome["answer failed"].append(f"{wrong.grade_id}/{wrong.name}: {answer}")
        return
    text = where[wrong.caught_by]
    if text is None:
        outcome["not caught"].append(f"{wrong.grade_id}/{wrong.name}")
    elif wrong.message not in text:
        outcome["wrong message"].append(f"{wrong.grade_id}/{wrong.name}: {text}")


@pytest.mark.parametrize("assignment", sorted(WRONG_ANSWERS))
def test_visible_tests_reject_typical_wrong_answers(assignment: str) -> None:
    folder = ROOT / "solutions" / assignment
    solution = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    wrong_by_cell: dict[str, list[Wrong]] = {}
    for wrong in WRONG_ANSWERS[assignment]:
        wrong_by_cell.setdefault(wrong.grade_id, []).append(wrong)
    cells = list(solution.cells)
    tests = {
        _grade_id(cell): cells[i + 1]
        for i, cell in enumerate(cells)
        if _grade_id(cell) in wrong_by_cell
    }
    assert set(tests) == set(wrong_by_cell), "a fixture names an answer cell that does not exist"

    client = NotebookClient(
        nbformat.v4.new_notebook(metadata=solution.metadata),
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    )
    outcome: dict[str, list[str]] = {
        "not caught": [],
        "wrong message": [],
        "should pass": [],
        "answer failed": [],
        "correct answer fails": [],
    }
    with client.setup_kernel():
        for cell in cells:
            if cell.cell_type != "code":
                continue
            grade_id = _grade_id(cell)
            for wrong in wrong_by_cell.get(grade_id, []):
                _run(client, _SNAPSHOT)
                answer = _error_text(_run(client, wrong.code))
                test = None if answer else _error_text(_run(client, tests[grade_id].source))
                _check(outcome, wrong, answer, test)
                _run(client, _RESTORE)
            error = _error_text(_run(client, cell.source))
            if error is not None:
                outcome["correct answer fails"].append(f"{grade_id or 'cell'}: {error}")
    assert outcome == {key: [] for key in outcome}
