"""nbgrader settings of a user's own server in the hub (students and instructors alike).

Assignments are fetched into the user's home folder; the project's ``etc/jupyter`` names the
project's ``course/`` as course root for ``make start``, which a hub user can neither read nor
needs.
"""

import os

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.CourseDirectory.root = os.path.expanduser("~")
