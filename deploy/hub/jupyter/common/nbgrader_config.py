"""nbgrader settings shared by students' servers and the formgrader in the hub.

The exchange is the root-owned folder made by ``make hub`` (``VIDENSBASERING_EXCHANGE``, set by
the hub for every server). nbgrader asks the hub which courses a user is in
(``JupyterHubAuthPlugin``: the hub groups ``nbgrader-<course>`` and ``formgrade-<course>``), and
keeps one folder per course in the exchange.
"""

import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.Exchange.root = os.environ.get("VIDENSBASERING_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = JupyterHubAuthPlugin
c.CourseDirectory.course_id = "vidensbasering"
