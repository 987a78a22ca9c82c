"""nbgrader configuration for the course "Vidensbaseret socialt arbejde".

Every nbgrader command, the formgrader and ``vidensbasering build``/``check`` read this file.
The course root is the folder that holds this file, whatever the current directory is, so a
temporary copy of the folder is a self-contained course (the tests rely on that).

Settings that can be overridden without editing the file:

- ``VIDENSBASERING_DB_URL``: SQLAlchemy URL of the gradebook, e.g.
  ``postgresql://grader@localhost/vidensbasering``. Default: SQLite ``gradebook.db`` in the
  course root (git ignores it).
- ``VIDENSBASERING_CELL_TIMEOUT``: seconds one cell of a submission may run (default 60).
"""

import os
import shutil
import sysconfig
from pathlib import Path

import nbgrader

import vidensbasering
from vidensbasering.i18n import t

c = get_config()  # noqa: F821 (injected by traitlets when it loads this file)

COURSE_ROOT = Path(__file__).resolve().parent

# nbgrader runs the `alembic` command by name when it creates a new gradebook. When Jupyter or
# Python is started from .venv/bin without activating the environment, that folder is not on
# PATH and creating the gradebook fails with "No such file or directory: 'alembic'".
_SCRIPTS = sysconfig.get_path("scripts")
if shutil.which("alembic") is None and Path(_SCRIPTS, "alembic").exists():
    os.environ["PATH"] = os.pathsep.join([_SCRIPTS, os.environ.get("PATH", "")])

c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.course_id = "vidensbasering"
c.CourseDirectory.db_url = os.environ.get(
    "VIDENSBASERING_DB_URL", f"sqlite:///{COURSE_ROOT / 'gradebook.db'}"
)

# Per-cell time limit while autograding and while executing solutions; a submission that
# loops forever is interrupted and the cell is marked as failed, the batch goes on.
c.ExecutePreprocessor.timeout = int(os.environ.get("VIDENSBASERING_CELL_TIMEOUT", "60"))
c.ExecutePreprocessor.startup_timeout = 120
# What the student reads in the feedback when a cell hit that limit (nbgrader's text is English).
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": t("grading.cell_timeout"),
    "traceback": [t("grading.cell_timeout")],
}

# Autograding runs student code: only `vidensbasering grade` (its sandboxed runner) may do it.
# `nbgrader autograde` and the formgrader's Autograde button and API stop before anything is
# run or removed, with a Danish message naming `vidensbasering grade`.
c.Autograde.exporter_class = "vidensbasering.course.runner.AutogradeOnlyInSandbox"

# Before a submission runs, its locked cells are the instructor's again: nbgrader's steps, with
# deleted locked cells (tests, task texts) put back in their place, and a locked cell reported
# as changed only when its text differs from the released one (hidden tests are not a change).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "vidensbasering.course.cells.RestoreLockedCells",
    "vidensbasering.course.cells.OverwriteLockedCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# What students see where a solution was removed: Danish, from the UI catalog.
c.ClearSolutions.code_stub = {"python": t("grading.code_stub")}
c.ClearSolutions.text_stub = t("grading.text_stub")

# Nothing a student receives reveals hidden tests, so they can be reused next term.
# Solutions: nbgrader's default steps, then nbgrader's ClearHiddenTests after execution (the
# solution is still run against the hidden tests; only their code is removed from the result).
c.GenerateSolution.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.ClearHiddenTests",
]
# Feedback: nbgrader keeps hidden tests in the autograded notebook and, by default, in the
# feedback HTML (nbgrader issue #917). One preprocessor added to nbgrader's own list removes the
# hidden region from each test cell and the traceback that would quote it.
# A reflection's marking guide (the "=== BEGIN MARK SCHEME ===" region of a manually graded task
# cell) is removed from the student version by nbgrader, but autograding restores the locked
# task cell from the gradebook, guide included, so the grader sees it in the formgrader; nbgrader's
# own ClearMarkScheme takes it out of the feedback again.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "vidensbasering.course.feedback.HideHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "vidensbasering.course.feedback.RenderMathAsMathML",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Feedback works offline and calls no third party: formulas become MathML when the feedback is
# made (RenderMathAsMathML above), and the course's feedback/mathjax.html.j2, found before
# nbgrader's templates, drops the MathJax script nbconvert would load from a CDN. nbgrader adds
# its own template folder only when this setting is absent, so it is listed here after ours.
c.HTMLExporter.extra_template_basedirs = [
    str(Path(vidensbasering.__file__).parent / "course" / "templates"),
    str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"),
]
