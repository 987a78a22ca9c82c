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

from latex2mathml.converter import convert
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

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


#: Math in Markdown as Jupyter and MathJax read it: ``$$…$$`` and ``\[…\]`` (display), ``\(…\)``
#: and ``$…$`` (inline). An inline ``$`` follows Pandoc's rule (``tex_math_dollars``): the
#: opening one has no space after it, the closing one no space before it and no digit after it,
#: so "fra 5 $ til 10 $" stays text. A ``\$`` is an escaped dollar sign, never a delimiter.
_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|\\\[(?P<display_bracket>.+?)\\\]"
    r"|\\\((?P<inline_paren>.+?)\\\)"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![\d$])",
    re.DOTALL,
)
#: Fenced code blocks and inline code spans: their dollar signs are code, not math.
_CODE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=fence)[ \t]*$|(?P<ticks>`+).+?(?P=ticks)",
    re.DOTALL | re.MULTILINE,
)
#: Characters Markdown would read as markup inside the MathML text (``<mi>x_1</mi>``).
_MARKDOWN_SPECIAL = str.maketrans({ch: f"&#x{ord(ch):X};" for ch in "\\`*_[]$~|"})
_TEXT = re.compile(r">([^<]+)<")


def tex_to_mathml(tex: str, display: bool) -> str | None:
    """MathML for the TeX ``tex`` (without its delimiters), or ``None`` when it is not valid TeX.

    latex2mathml raises on malformed TeX (an unclosed brace, a lone ``^``) and passes an unknown
    command such as ``\\foo`` through as text with its backslash; both count as not valid, so the
    feedback shows the TeX as the student wrote it instead of a broken formula. Characters that
    Markdown reads as markup (``_``, ``*``, ``\\``, …) are written as character references so the
    MathML reaches the page unchanged when it is put back into a Markdown cell.
    """
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many unrelated types for bad TeX
        return None
    if any("\\" in text for text in _TEXT.findall(mathml)):
        return None
    return _TEXT.sub(lambda m: ">" + m.group(1).translate(_MARKDOWN_SPECIAL) + "<", mathml)


def markdown_math_to_mathml(source: str) -> str:
    """``source`` (Markdown) with every formula replaced by MathML; code is left as written.

    Formulas that are not valid TeX stay as they were (see :func:`tex_to_mathml`).
    """
    pieces: list[str] = []
    position = 0
    for code in _CODE.finditer(source):
        pieces.append(_MATH.sub(_render, source[position : code.start()]))
        pieces.append(code.group(0))
        position = code.end()
    pieces.append(_MATH.sub(_render, source[position:]))
    return "".join(pieces)


def _render(match: re.Match[str]) -> str:
    display = match.group("display") or match.group("display_bracket")
    tex = display if display is not None else match.group("inline") or match.group("inline_paren")
    mathml = tex_to_mathml(tex, display=display is not None)
    return match.group(0) if mathml is None else mathml


class RenderMathAsMathML(NbGraderPreprocessor):
    """Write the formulas of Markdown cells as MathML, so the feedback needs no MathJax.

    nbgrader's feedback page loads MathJax from a CDN: offline a student sees raw TeX, and online
    the student's browser calls a third party. Browsers draw MathML themselves (no script, no
    font download), so the formulas are converted once, when the feedback is generated, with
    latex2mathml. Code cells and outputs are left alone. The course's ``feedback/mathjax.html.j2``
    template (``lib/vidensbasering/course/templates``) removes the MathJax script itself.
    Based on nbgrader's preprocessor class, so it is enabled when listed (nbconvert's own
    preprocessors are disabled unless configured).
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Replace the formulas in ``cell``'s source when it is a Markdown cell."""
        if cell.cell_type == "markdown":
            cell.source = markdown_math_to_mathml(cell.source)
        return cell, resources
