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
from pathlib import Path

from vidensbasering.i18n import t

c = get_config()  # noqa: F821 (injected by traitlets when it loads this file)

COURSE_ROOT = Path(__file__).resolve().parent

c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.course_id = "vidensbasering"
c.CourseDirectory.db_url = os.environ.get(
    "VIDENSBASERING_DB_URL", f"sqlite:///{COURSE_ROOT / 'gradebook.db'}"
)

# Per-cell time limit while autograding and while executing solutions; a submission that
# loops forever is interrupted and the cell is marked as failed, the batch goes on.
c.ExecutePreprocessor.timeout = int(os.environ.get("VIDENSBASERING_CELL_TIMEOUT", "60"))
c.ExecutePreprocessor.startup_timeout = 120

# What students see where a solution was removed: Danish, from the UI catalog.
c.ClearSolutions.code_stub = {"python": t("grading.code_stub")}
c.ClearSolutions.text_stub = t("grading.text_stub")

# Feedback must not reveal hidden tests (nbgrader keeps them in the autograded notebook and, by
# default, in the feedback HTML). One preprocessor added to nbgrader's own list removes the
# hidden region from each test cell and the traceback that would quote it.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "vidensbasering.course.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
