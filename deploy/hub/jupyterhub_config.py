"""JupyterHub 6 configuration for a class on one Linux machine: ``make hub`` starts it as root.

- Users are real Unix accounts, logged in with their password (PAM); only members of the course's
  Unix groups may log in. Each gets their own Jupyter server (LocalProcessSpawner: a process
  running as that account) with the project's Python environment, the lesson notebooks copied to
  ``~/vidensbasering/notebooks``, nbgrader's assignment list and the Voila apps.
- nbgrader's exchange is a root-owned folder (mode 1777); the course and its gradebook belong to
  the course owner account, which runs the formgrader as the hub service
  ``grader-vidensbasering``. Groups and roles follow nbgrader's demos: instructors get the
  formgrader, students only the course's exchange.
- Idle servers are stopped by jupyterhub-idle-culler.

Settings come from environment variables, listed in :mod:`vidensbasering.hub`. With
``VIDENSBASERING_LTI13_ISSUER`` set, users log in from the LMS instead (``lti13_config.py``).
"""

import os
import sys
from pathlib import Path

from vidensbasering import hub

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

settings = hub.settings()
PROJECT = hub.PROJECT_ROOT
DEPLOY = Path(__file__).resolve().parent
VENV_BIN = PROJECT / ".venv" / "bin"

# --- the hub itself -----------------------------------------------------------------------------
c.JupyterHub.ip = settings.ip
c.JupyterHub.port = settings.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.hub_api_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"  # npm ci (make hub)
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.JupyterHub.db_url = f"sqlite:///{settings.state_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.state_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(settings.state_dir / "jupyterhub.pid")
# The hub's Python, whichever way it was started (services run with the same interpreter).
PYTHON = sys.executable

# --- who may log in -----------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {settings.student_group, settings.instructor_group}
# PAM sessions need a full login stack (systemd-logind, utmp); the servers do not use them.
c.PAMAuthenticator.open_sessions = False
# The hub groups follow the Unix groups at every login (vidensbasering.hub.pam_groups).
c.Authenticator.manage_groups = True
c.Authenticator.post_auth_hook = hub.pam_post_auth_hook(settings)

# --- each user's server -------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.environment = hub.server_environment(settings, "user")
c.Spawner.default_url = f"/lab/tree/{hub.USER_COURSE_FOLDER}/notebooks/00-start.ipynb"
c.Spawner.notebook_dir = "~"
# A first start installs packages' caches and starts JupyterLab: allow a slow machine time.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def _copy_lessons(spawner):
    hub.copy_lessons(spawner.user.name)


c.Spawner.pre_spawn_hook = _copy_lessons

# --- services: the formgrader and the idle culler -----------------------------------------------
grader_env = hub.server_environment(settings, "grader")
grader_env["HOME"] = str(hub.home_of(settings.course_owner))
grader_env["JUPYTERHUB_DEFAULT_URL"] = "/formgrader"
c.JupyterHub.services = [
    {
        "name": hub.GRADER_SERVICE,
        "url": f"http://127.0.0.1:{settings.grader_port}",
        "command": [
            str(VENV_BIN / "jupyterhub-singleuser"),
            f"--ServerApp.root_dir={settings.course_root}",
        ],
        "user": settings.course_owner,
        "cwd": str(settings.course_root),
        "environment": grader_env,
        "oauth_no_confirm": True,
        # The hub waits for the formgrader before it opens (and stops if it never answers);
        # JupyterLab's start takes 5-30 s on a busy two-core machine.
        "timeout": 180,
    },
    {
        "name": "idle-culler",
        "command": [PYTHON, "-m", "jupyterhub_idle_culler", f"--timeout={settings.cull_timeout}"],
    },
]

# --- roles (nbgrader's demos: formgrade-<course> and nbgrader-<course> groups) ------------------
c.JupyterHub.load_roles = [
    {
        # The hub's admin page for instructors: see users and start or stop their servers.
        "name": "instructor",
        "groups": [hub.INSTRUCTOR_HUB_GROUP],
        "scopes": ["admin-ui", "list:users", "admin:servers", "read:users"],
    },
    {
        "name": f"formgrade-{hub.COURSE_ID}",
        "groups": [hub.GRADER_HUB_GROUP],
        "scopes": [f"access:services!service={hub.GRADER_SERVICE}", "list:services"],
    },
    {
        "name": f"nbgrader-{hub.COURSE_ID}",
        "groups": [hub.STUDENT_HUB_GROUP],
        "scopes": ["list:services", f"read:services!service={hub.GRADER_SERVICE}"],
    },
    {
        # What a user's server may ask the hub: its own user's groups (nbgrader's
        # JupyterHubAuthPlugin finds the user's courses there) and the course services.
        "name": "server",
        "scopes": [
            "users:activity!user",
            "access:servers!server",
            "read:users!user",
            "read:users:groups!user",
            "list:services",
            "read:services",
        ],
    },
    {
        # The formgrader checks students' course membership when collecting.
        "name": "grader",
        "services": [hub.GRADER_SERVICE],
        "scopes": ["list:users", "read:users", "read:groups", "list:groups"],
    },
    {
        # jupyterhub-idle-culler's documented scopes for culling servers.
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]

# --- LMS login (LTI 1.3) instead of passwords -----------------------------------------------------
if os.environ.get("VIDENSBASERING_LTI13_ISSUER"):
    load_subconfig(str(DEPLOY / "lti13_config.py"))  # noqa: F821 (provided by traitlets)
