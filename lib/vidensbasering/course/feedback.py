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

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests

from vidensbasering.i18n import t


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden test regions, and the tracebacks that quote them, from a graded notebook.

    Works on the autograded notebook on its way to the feedback HTML; the autograded notebook on
    disk (which the instructor sees in the formgrader) keeps the hidden tests. The delimiters are
    nbgrader's (``ClearHiddenTests.begin_test_delimeter``/``end_test_delimeter``), so a course that
    changes them changes them here too.

    In a grade cell that had a hidden region, the traceback of every ``error`` output becomes two
    lines: a Danish notice (catalog key ``grading.hidden_test_failed``) and the error with its
    message, e.g. ``AssertionError: Tjek fortegnet.`` (the message is the instructor's, so write it
    to be read and without the expected value). The whole traceback goes, not only the hidden
    lines: IPython quotes the lines around the failing one, so even a failing visible test in such
    a cell would show hidden code. Cells without a hidden region are left exactly as they are.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Cut the hidden region out of ``cell`` and mask the traceback it produced.

        Raises:
            RuntimeError: from nbgrader, when a hidden region is not closed, is nested, or sits
                in a cell that is not a grade cell (a malformed notebook).
        """
        had_hidden_region = self._remove_hidden_test_region(cell)
        if had_hidden_region and not utils.is_grade(cell) and self.enforce_metadata:
            raise RuntimeError(
                "Hidden test region found in a cell that is not a grade cell; "
                "mark it as an autograder test cell in course/source."
            )
        if had_hidden_region and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    error = output.get("ename", "Error")
                    if output.get("evalue"):
                        error = f"{error}: {output['evalue']}"
                    output["traceback"] = [t("grading.hidden_test_failed"), error]
        return cell, resources
