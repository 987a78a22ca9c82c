"""nbgrader's JupyterHub plugin for the formgrader service, whose account need not be a hub user.

When the formgrader lists the exchange's assignments (*Manage Assignments*), nbgrader asks for
the courses of ``"*"``, the account the formgrader runs as, and ``JupyterHubAuthPlugin`` asks the
hub for the user ``JUPYTERHUB_USER``: for the service, the course owner's Unix account
(``grader-vidensbasering`` by default). nbgrader's demos make that account a hub user in
``formgrade-<course>`` with ``JupyterHub.load_groups``; this hub takes the groups from each login
(``Authenticator.manage_groups``, where ``load_groups`` is refused) and the course account never
logs in, so the hub answers 404 and every formgrader page fails with 500. The formgrader serves
one course and runs as that course's owner, so its own account is in that course; every other
account is still looked up in the hub. Set in ``deploy/hub/jupyter/grader/nbgrader_config.py``.
"""

from __future__ import annotations

from nbgrader.auth import JupyterHubAuthPlugin
from traitlets import Unicode

from vidensbasering.hub import COURSE_ID


class FormgraderAuthPlugin(JupyterHubAuthPlugin):
    """``JupyterHubAuthPlugin`` that knows the formgrader's own account is in its course."""

    course_id = Unicode(COURSE_ID, config=True, help="The course this formgrader serves.")

    def get_student_courses(self, student_id: str) -> list[str] | None:
        """The course for ``"*"`` (the formgrader's own account); else ask the hub as nbgrader does.

        Raises:
            nbgrader.auth.jupyterhub.JupyterhubEnvironmentError: outside a hub (named accounts).
            nbgrader.auth.jupyterhub.JupyterhubApiError: the hub refused to answer.
        """
        if student_id == "*":
            return [self.course_id]
        return super().get_student_courses(student_id)
