"""nbgrader settings of the formgrader service (``grader-vidensbasering``) in the hub.

The course root is the course owner's folder (``VIDENSBASERING_COURSE_ROOT``); its own
``nbgrader_config.py`` (a copy of the project's ``course/nbgrader_config.py``) is read after this.

Autograding from the formgrader's button runs the student's notebook in the project's sandbox:
nbgrader's ``Execute`` step is replaced by ``SandboxedExecute`` (bubblewrap: no network, no view
of the course, the gradebook or other students' files; memory and time limits), the same step
``vidensbasering autograde`` uses. Without this, the button would run students' code as the course
owner, with access to everything above.

The course owner's account need not be a hub user: ``FormgraderAuthPlugin`` answers for it
(``vidensbasering.hub_auth``).
"""

import os

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

from vidensbasering.course.sandbox import SandboxedExecute
from vidensbasering.hub_auth import FormgraderAuthPlugin

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

COURSE_ROOT = os.environ["VIDENSBASERING_COURSE_ROOT"]
c.CourseDirectory.root = COURSE_ROOT
c.Authenticator.plugin_class = FormgraderAuthPlugin
# nbgrader's own list of autograde steps, with only the execution step swapped.
_steps = Autograde.class_traits()["autograde_preprocessors"].default()
c.Autograde.autograde_preprocessors = [
    SandboxedExecute if step in (Execute, "nbgrader.preprocessors.Execute") else step
    for step in _steps
]
c.SandboxedExecute.course_root = COURSE_ROOT
