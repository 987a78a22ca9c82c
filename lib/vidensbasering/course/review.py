"""What the instructor must know about one graded submission, in Danish, for the summary.

Read from files nbgrader and the runner leave behind (nothing is re-run): the submitted notebook
(``submitted/``), the graded one (``autograded/``), the released one (``release/``), the course's
source notebook (for cell order) and the gradebook. One note per kind, in this order:

1. locked cells deleted or emptied by the student and put back (:mod:`.cells`);
2. locked cells the student edited (graded with the instructor's text);
3. cells stopped by the per-cell time limit (nbgrader's timeout error, ``CellTimeoutError`` as
   the course config names it) or by the memory limit (``MemoryError``);
4. written answers graded by hand still holding the released template text;
5. cells nbgrader asks a person to look at, other than a written answer the student did answer
   (e.g. a deleted reflection, or a cell whose manual score predates a new submission).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry

from vidensbasering.course.cells import grade_ids, locked_cell_changes
from vidensbasering.i18n import t

TIMEOUT_ERROR = "CellTimeoutError"
MEMORY_ERROR = "MemoryError"


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _read(path: Path) -> NotebookNode | None:
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _stopped_cells(graded: NotebookNode, error: str) -> list[str]:
    names = []
    for index, cell in enumerate(graded.cells, start=1):
        if any(o.get("ename") == error for o in cell.get("outputs", [])):
            names.append(_grade_id(cell) or f"celle {index}")
    return names


def _written_answers(notebook: NotebookNode) -> dict[str, str]:
    """Answer cells graded by hand (nbgrader: solution and grade): grade id -> text."""
    found = {}
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade") and meta.get("grade_id"):
            found[meta["grade_id"]] = cell.source
    return found


def notebook_notes(
    course_root: Path, assignment: str, notebook: str, student_id: str, gradebook: Gradebook
) -> list[tuple[str, list[str]]]:
    """``(catalog key, grade ids)`` pairs for one notebook of one graded submission."""
    folder = Path(course_root)
    submitted = _read(folder / "submitted" / student_id / assignment / f"{notebook}.ipynb")
    graded = _read(folder / "autograded" / student_id / assignment / f"{notebook}.ipynb")
    released = _read(folder / "release" / assignment / f"{notebook}.ipynb")
    if submitted is None or graded is None:
        return []
    order = grade_ids(folder / "source" / assignment / f"{notebook}.ipynb")
    changes = locked_cell_changes(submitted, gradebook, notebook, assignment, order)
    found = [
        ("grading.note_restored", changes.restored),
        ("grading.note_edited", changes.edited),
        ("grading.note_timeout", _stopped_cells(graded, TIMEOUT_ERROR)),
        ("grading.note_memory", _stopped_cells(graded, MEMORY_ERROR)),
    ]
    answers = _written_answers(submitted)
    templates = _written_answers(released) if released is not None else {}
    unanswered = [
        name
        for name, text in answers.items()
        if name in templates and _normalised(text) == _normalised(templates[name])
    ]
    found.append(("grading.note_unanswered", unanswered))
    answered = set(answers) - set(unanswered)
    try:
        record = gradebook.find_submission_notebook(notebook, assignment, student_id)
    except MissingEntry:
        flagged = []
    else:
        flagged = [g.name for g in record.grades if g.needs_manual_grade and g.name not in answered]
        flagged.sort(key=lambda name: order.index(name) if order and name in order else 0)
    found.append(("grading.note_manual_other", flagged))
    return [(key, names) for key, names in found if names]


def review_notes(
    course_root: Path, assignment: str, student_id: str, gradebook: Gradebook
) -> tuple[str, ...]:
    """Danish notes for the instructor about one student's graded submission (may be empty).

    Args:
        course_root: the nbgrader course root.
        assignment: assignment name, in the gradebook.
        student_id: the student's id; the submission must have been autograded.
        gradebook: an open gradebook of the course.

    Returns:
        One sentence per kind of finding (see the module docs), grade ids joined by ", ".
    """
    try:
        notebooks = [n.name for n in gradebook.find_assignment(assignment).notebooks]
    except MissingEntry:
        return ()
    merged: dict[str, list[str]] = {}
    for notebook in sorted(notebooks):
        for key, names in notebook_notes(course_root, assignment, notebook, student_id, gradebook):
            merged.setdefault(key, []).extend(names)
    return tuple(t(key, cells=", ".join(names)) for key, names in merged.items())
