"""Feedback that does not reveal hidden tests.

nbgrader copies every test cell, hidden region included, into the autograded notebook, and its
``generate_feedback`` renders that notebook as it is: students would read the hidden tests in the
cell and in the traceback of a hidden test that failed (nbgrader issue #917). nbgrader's own
:class:`~nbgrader.preprocessors.ClearHiddenTests` already knows how to cut the region out of a
cell; :class:`HideHiddenTests` reuses it and also replaces the traceback of such a cell, which
quotes the failing line. It is registered in ``course/nbgrader_config.py`` as one of
``GenerateFeedback.preprocessors``, so the formgrader and the command line both use it.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests

from vidensbasering.i18n import t

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: The frame IPython prints for code run from a cell: "Cell In[3], line 4".
_CELL_FRAME = re.compile(r"Cell In\[\d*\], line (\d+)")


def failing_line(traceback: list[str]) -> int | None:
    """Line number, within the executed cell, where an ``error`` output's traceback starts.

    The first ``Cell In[n], line L`` frame is the cell that was run (later frames are functions
    it called). ``None`` when the traceback names no cell line.
    """
    for entry in traceback:
        match = _CELL_FRAME.search(_ANSI.sub("", entry))
        if match:
            return int(match.group(1))
    return None


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden test regions, and the tracebacks that quote them, from a graded notebook.

    Works on the autograded notebook on its way to the feedback HTML; the autograded notebook on
    disk (which the instructor sees in the formgrader) keeps the hidden tests. The delimiters are
    nbgrader's (``ClearHiddenTests.begin_test_delimeter``/``end_test_delimeter``), so a course that
    changes them changes them here too.

    In a grade cell that had a hidden region, the traceback of every ``error`` output becomes two
    lines: a Danish notice and the error with its message. The notice says a hidden test failed
    (catalog key ``grading.hidden_test_failed``) only when the traceback's line in the cell lies
    in the hidden region; a failure above it is a visible test's (``grading.visible_test_failed``),
    which the student can run again. The error keeps its message, e.g.
    ``AssertionError: Tjek fortegnet.`` (the instructor's: write it to be read and without the
    expected value). The whole traceback goes, not only the hidden
    lines: IPython quotes the lines around the failing one, so even a failing visible test in such
    a cell would show hidden code. Cells without a hidden region are left exactly as they are.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Cut the hidden region out of ``cell`` and mask the traceback it produced.

        Only autograder test cells (graded, not an answer) are touched: a student's answer or
        added cell that happens to contain the marker lines is left exactly as written.

        Raises:
            RuntimeError: from nbgrader, when a hidden region in a test cell is not closed or is
                nested (a malformed source notebook).
        """
        if not (utils.is_grade(cell) and not utils.is_solution(cell)):
            # Hidden tests live only in the instructor's test cells; marker lines anywhere else
            # are the student's own text (a comment, a printed string) and stay as written.
            return cell, resources
        hidden_from = self._hidden_region_start(cell)
        had_hidden_region = self._remove_hidden_test_region(cell)
        if had_hidden_region and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    error = output.get("ename", "Error")
                    if output.get("evalue"):
                        error = f"{error}: {output['evalue']}"
                    line = failing_line(output.get("traceback", []))
                    visible = line is not None and hidden_from is not None and line < hidden_from
                    notice = (
                        "grading.visible_test_failed" if visible else "grading.hidden_test_failed"
                    )
                    output["traceback"] = [t(notice), error]
        return cell, resources

    def _hidden_region_start(self, cell: NotebookNode) -> int | None:
        """1-based line of the cell's first hidden-test delimiter, or ``None``."""
        for number, text in enumerate(cell.get("source", "").splitlines(), start=1):
            if self.begin_test_delimeter in text:
                return number
        return None
