"""Locked cells of a submission before it is autograded: put back, compared, reported.

A locked cell (a test cell, a task text) is the instructor's. nbgrader's ``OverwriteCells`` puts
the gradebook's version back into every locked cell it finds, but a cell the student *deleted*
is not found, so its points are lost (or the cell is flagged for hand grading), and it warns
"Attribute 'checksum' … has changed" for every test cell with hidden tests, tampered or not: the
gradebook's checksum covers the hidden tests, the released cell has them cut out.

- :class:`RestoreLockedCells` (an autograde sanitize step before ``OverwriteCells``) inserts every
  locked cell missing from the submission, from the gradebook, where it stands in the source
  notebook;
- :class:`OverwriteLockedCells` (in place of ``OverwriteCells``) is nbgrader's step, except that it
  reports a locked cell only when its text differs from what was released;
- :func:`locked_cell_changes` says, for the summary, which cells were put back (deleted or
  emptied) and which were edited.

Both steps are registered in ``course/nbgrader_config.py`` (``Autograde.sanitize_preprocessors``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry, SourceCell
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _normalised(text: str) -> str:
    """Text compared without trailing spaces on lines and blank lines at the ends."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def released_text(source_cell: SourceCell) -> str:
    """What students received in a locked cell: the gradebook's source with the hidden test
    region cut out by nbgrader's own ``ClearHiddenTests`` (as ``generate_assignment`` does)."""
    cell = NotebookNode(cell_type=source_cell.cell_type, source=source_cell.source, metadata={})
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


@dataclass
class LockedCellChanges:
    """Locked cells of one submitted notebook that are not as released, in notebook order.

    Attributes:
        restored: grade ids of locked cells deleted or emptied by the student (put back).
        edited: grade ids of locked cells whose text the student changed (the instructor's text
            is used when grading).
    """

    restored: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)


def _source_order(gradebook: Gradebook, notebook_id: str, assignment_id: str) -> list[str]:
    notebook = gradebook.find_notebook(notebook_id, assignment_id)
    return [cell.name for cell in notebook.source_cells]


def locked_cell_changes(
    submitted: NotebookNode,
    gradebook: Gradebook,
    notebook_id: str,
    assignment_id: str,
    order: list[str] | None = None,
) -> LockedCellChanges:
    """Compare a submitted notebook's locked cells with the released ones.

    Args:
        submitted: the notebook as the student handed it in (before autograding).
        gradebook: an open gradebook that holds the assignment.
        notebook_id, assignment_id: the notebook's name (without ``.ipynb``) and its assignment.
        order: grade ids in source-notebook order; default: the gradebook's order.

    Raises:
        MissingEntry: the notebook is not in the gradebook.
    """
    cells = {_grade_id(cell): cell for cell in submitted.cells if _grade_id(cell)}
    locked = {
        cell.name: cell
        for cell in gradebook.find_notebook(notebook_id, assignment_id).source_cells
        if cell.locked
    }
    changes = LockedCellChanges()
    for name in order or _source_order(gradebook, notebook_id, assignment_id):
        if name not in locked:
            continue
        cell = cells.get(name)
        if cell is None or (not cell.source.strip() and locked[name].source.strip()):
            changes.restored.append(name)
        elif _normalised(cell.source) != _normalised(released_text(locked[name])):
            changes.edited.append(name)
    return changes


def grade_ids(path: Path) -> list[str] | None:
    """The grade ids of a notebook file in order, or ``None`` when there is no such file."""
    if not path.is_file():
        return None
    notebook = nbformat.read(path, as_version=4)
    return [name for name in map(_grade_id, notebook.cells) if name]


def source_order(config_parent: object, assignment_id: str, notebook_id: str) -> list[str] | None:
    """Grade ids in the order of the course's source notebook, or ``None`` when it is not there."""
    coursedir = CourseDirectory(parent=config_parent)
    folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment_id))
    return grade_ids(folder / f"{notebook_id}.ipynb")


def _restored_cell(gradebook: Gradebook, source: SourceCell, ids: tuple[str, str]) -> NotebookNode:
    """A new notebook cell holding the gradebook's version of a locked cell."""
    notebook_id, assignment_id = ids
    v4 = nbformat.v4
    cell = (v4.new_code_cell if source.cell_type == "code" else v4.new_markdown_cell)(source.source)
    metadata = {
        "grade": False,
        "grade_id": source.name,
        "locked": True,
        "schema_version": 3,
        "solution": False,
        "task": False,
        "checksum": source.checksum,
    }
    for kind, finder in (("grade", gradebook.find_graded_cell), ("task", gradebook.find_task_cell)):
        try:
            found = finder(source.name, notebook_id, assignment_id)
        except MissingEntry:
            continue
        metadata[kind] = True
        metadata["points"] = float(found.max_score)
    cell.metadata = NotebookNode(
        {"deletable": False, "editable": False, "nbgrader": NotebookNode(metadata)}
    )
    return cell


class RestoreLockedCells(NbGraderPreprocessor):
    """Put back every locked cell (test, task text) missing from a submission, before grading.

    The cell comes from the gradebook (hidden tests included, as ``OverwriteCells`` would write
    it) and goes right after the nearest cell that precedes it in the course's source notebook
    (``source/<assignment>/<notebook>.ipynb``; the gradebook's order when that file is absent),
    or first. Emptied cells are left to ``OverwriteCells``, which replaces their text.
    """

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Insert the missing locked cells into ``nb``; log each one."""
        info = resources["nbgrader"]
        ids = (info["notebook"], info["assignment"])
        with Gradebook(info["db_url"]) as gradebook:
            sources = gradebook.find_notebook(*ids).source_cells
            order = source_order(self, ids[1], ids[0]) or [cell.name for cell in sources]
            locked = {cell.name: cell for cell in sources if cell.locked}
            for position, name in enumerate(order):
                present = [_grade_id(cell) for cell in nb.cells]
                if name not in locked or name in present:
                    continue
                before = [n for n in order[:position] if n in present]
                index = present.index(before[-1]) + 1 if before else 0
                nb.cells.insert(index, _restored_cell(gradebook, locked[name], ids))
                self.log.warning("Locked cell %s was missing; put back from the gradebook", name)
        return nb, resources


class OverwriteLockedCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, quiet about locked cells the student did not change.

    nbgrader compares a locked cell's checksum with the gradebook's, which includes the hidden
    tests, so every untouched test cell with hidden tests was reported as changed. Here a
    locked cell whose text is the released text (:func:`released_text`) gets the instructor's
    full text back without a warning; any other difference is still reported, and replaced, by
    nbgrader.
    """

    _untouched = False

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """nbgrader's step for one cell, with the checksum report suppressed when untouched."""
        self._untouched = self._as_released(cell)
        try:
            return super().preprocess_cell(cell, resources, cell_index)
        finally:
            self._untouched = False

    def _as_released(self, cell: NotebookNode) -> bool:
        name = _grade_id(cell)
        if name is None:
            return False
        try:
            source = self.gradebook.find_source_cell(name, self.notebook_id, self.assignment_id)
        except MissingEntry:
            return False
        return bool(source.locked) and _normalised(cell.source) == _normalised(
            released_text(source)
        )

    def report_change(self, name: str, attr: str, old: object, new: object) -> None:
        """Log a change as nbgrader does, except a checksum change of an untouched cell."""
        if attr == "checksum" and self._untouched:
            return
        super().report_change(name, attr, old, new)
