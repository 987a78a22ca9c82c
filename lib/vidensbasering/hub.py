"""The course on a JupyterHub: settings, groups and the preparation ``make hub`` does as root.

``deploy/hub/jupyterhub_config.py`` is the JupyterHub configuration; it reads its settings from
:func:`settings` and uses the helpers here, so the same code serves ``make hub``, the end-to-end
test in ``tests/hub/`` and the LTI 1.3 configuration.

Who is who, following nbgrader's own multi-user demos (``demos/`` in nbgrader's repository):

- students and instructors are real Unix accounts, in the Unix groups
  ``vidensbasering-studerende`` and ``vidensbasering-undervisere`` (names configurable);
- at each login the hub puts the user in hub groups from that membership (or from the LMS
  roles, see :func:`lti_groups`): ``nbgrader-vidensbasering`` (course materials through nbgrader's
  exchange), and for instructors also ``formgrade-vidensbasering`` (the formgrader service) and
  ``instructors`` (the hub's admin page). nbgrader's ``JupyterHubAuthPlugin`` reads exactly these
  ``nbgrader-``/``formgrade-`` prefixes;
- the course itself (``nbgrader_config.py``, ``source/`` with hidden tests, the gradebook,
  ``submitted/``) lives in the home folder of one Unix account, the course owner, readable by
  that account only; the formgrader runs as that account as the hub service
  ``grader-vidensbasering``.

Environment variables (all optional):

``VIDENSBASERING_HUB_DIR``
    the hub's own state: database, cookie secret (default ``/srv/vidensbasering/hub``).
``VIDENSBASERING_EXCHANGE``
    nbgrader's exchange folder, root-owned, mode 1777 (default ``/srv/nbgrader/exchange``, the
    folder nbgrader's documentation uses).
``VIDENSBASERING_COURSE_OWNER``
    Unix account that owns the course and runs the formgrader (default
    ``grader-vidensbasering``; an instructor's own account works too).
``VIDENSBASERING_COURSE_ROOT``
    the course folder (default ``~<owner>/vidensbasering``).
``VIDENSBASERING_STUDENT_GROUP``, ``VIDENSBASERING_INSTRUCTOR_GROUP``
    the Unix groups (defaults above).
``VIDENSBASERING_HUB_IP``, ``VIDENSBASERING_HUB_PORT``
    where the hub listens (default ``127.0.0.1:8000``).
``VIDENSBASERING_HUB_API_PORT``, ``VIDENSBASERING_PROXY_API_PORT``, ``VIDENSBASERING_GRADER_PORT``
    internal ports on 127.0.0.1 (defaults 8081, 8001, 9999).
``VIDENSBASERING_CULL_TIMEOUT``
    seconds of inactivity before a user's server is stopped (default 3600).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: nbgrader course id of the course (as in ``course/nbgrader_config.py``).
COURSE_ID = "vidensbasering"
#: Name of the JupyterHub service that runs the formgrader (nbgrader's demos: one per course).
GRADER_SERVICE = f"grader-{COURSE_ID}"
#: Hub groups; the ``nbgrader-``/``formgrade-`` prefixes are what nbgrader's JupyterHubAuthPlugin
#: reads to find a user's courses.
STUDENT_HUB_GROUP = f"nbgrader-{COURSE_ID}"
GRADER_HUB_GROUP = f"formgrade-{COURSE_ID}"
INSTRUCTOR_HUB_GROUP = "instructors"

#: The project folder (holds ``.venv``, ``etc/jupyter``, ``notebooks`` and ``course``).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Configuration of this deployment (``jupyterhub_config.py``, the servers' Jupyter config).
HUB_DEPLOY_DIR = PROJECT_ROOT / "deploy" / "hub"
#: Folder in each user's home that receives the course's lesson notebooks.
USER_COURSE_FOLDER = "vidensbasering"


@dataclass(frozen=True)
class HubSettings:
    """Where the hub keeps its things and who owns the course (see the module docs)."""

    state_dir: Path
    exchange: Path
    course_owner: str
    course_root: Path
    student_group: str
    instructor_group: str
    ip: str
    port: int
    hub_api_port: int
    proxy_api_port: int
    grader_port: int
    cull_timeout: int


def settings(env: dict[str, str] | None = None) -> HubSettings:
    """Read the settings from ``env`` (default ``os.environ``); see the module docs."""
    env = dict(os.environ if env is None else env)
    owner = env.get("VIDENSBASERING_COURSE_OWNER", GRADER_SERVICE)
    course_root = env.get("VIDENSBASERING_COURSE_ROOT") or str(home_of(owner) / COURSE_ID)
    return HubSettings(
        state_dir=Path(env.get("VIDENSBASERING_HUB_DIR", "/srv/vidensbasering/hub")),
        exchange=Path(env.get("VIDENSBASERING_EXCHANGE", "/srv/nbgrader/exchange")),
        course_owner=owner,
        course_root=Path(course_root),
        student_group=env.get("VIDENSBASERING_STUDENT_GROUP", "vidensbasering-studerende"),
        instructor_group=env.get("VIDENSBASERING_INSTRUCTOR_GROUP", "vidensbasering-undervisere"),
        ip=env.get("VIDENSBASERING_HUB_IP", "127.0.0.1"),
        port=int(env.get("VIDENSBASERING_HUB_PORT", "8000")),
        hub_api_port=int(env.get("VIDENSBASERING_HUB_API_PORT", "8081")),
        proxy_api_port=int(env.get("VIDENSBASERING_PROXY_API_PORT", "8001")),
        grader_port=int(env.get("VIDENSBASERING_GRADER_PORT", "9999")),
        cull_timeout=int(env.get("VIDENSBASERING_CULL_TIMEOUT", "3600")),
    )


def home_of(user: str) -> Path:
    """The account's home folder (``/home/<user>`` when the account does not exist yet)."""
    try:
        return Path(pwd.getpwnam(user).pw_dir)
    except KeyError:
        return Path("/home") / user


# --- groups -------------------------------------------------------------------------------------


def course_hub_groups(*, instructor: bool) -> list[str]:
    """The hub groups of a student (``instructor=False``) or an instructor, sorted."""
    groups = {STUDENT_HUB_GROUP}
    if instructor:
        groups |= {GRADER_HUB_GROUP, INSTRUCTOR_HUB_GROUP}
    return sorted(groups)


def unix_group_members(group: str) -> set[str]:
    """Accounts in a Unix group: its listed members and the accounts with it as primary group.

    Returns an empty set when the group does not exist.
    """
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return set()
    members = set(entry.gr_mem)
    members |= {p.pw_name for p in pwd.getpwall() if p.pw_gid == entry.gr_gid}
    return members


def pam_groups(username: str, hub: HubSettings) -> list[str]:
    """Hub groups of a Unix account from its Unix groups; empty when it is in neither group."""
    if username in unix_group_members(hub.instructor_group):
        return course_hub_groups(instructor=True)
    if username in unix_group_members(hub.student_group):
        return course_hub_groups(instructor=False)
    return []


def pam_post_auth_hook(hub: HubSettings) -> Callable[..., dict[str, Any]]:
    """A ``Authenticator.post_auth_hook`` that adds ``groups`` to PAM's authentication result.

    With ``Authenticator.manage_groups = True`` JupyterHub then sets the user's hub groups to
    exactly these at every login (a user moved from student to instructor gets the new groups).
    """

    def hook(authenticator: Any, handler: Any, authentication: dict[str, Any]) -> dict[str, Any]:
        authentication["groups"] = pam_groups(authentication["name"], hub)
        return authentication

    return hook


#: LTI 1.3 role URIs (IMS LTI 1.3 core, section A.2) that make a user an instructor of the
#: course: context roles, with the institution roles an LMS may send instead.
LTI_INSTRUCTOR_ROLES = frozenset(
    {
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
    }
)
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"


def lti_groups(claims: dict[str, Any]) -> list[str]:
    """Hub groups for an LTI 1.3 launch from its ``roles`` claim.

    Args:
        claims: the decoded ``id_token`` of the launch (what ``jupyterhub-ltiauthenticator``
            keeps as ``auth_state``).

    Returns:
        The instructor groups when any role is in :data:`LTI_INSTRUCTOR_ROLES`, else the student
        group (a launch from the course always gives access to its materials).
    """
    roles = set(claims.get(ROLES_CLAIM, []))
    return course_hub_groups(instructor=bool(roles & LTI_INSTRUCTOR_ROLES))


# --- preparation (root) -------------------------------------------------------------------------


def _owner_ids(user: str) -> tuple[int, int]:
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def prepare_exchange(exchange: Path) -> None:
    """Create nbgrader's exchange: root-owned, everyone may create course folders (1777).

    nbgrader's documentation asks for a folder writable by all; the sticky bit adds that no one
    can remove or rename a folder another account made (a student cannot remove the course's
    ``outbound``). nbgrader itself gives ``inbound`` (write-only for students), ``outbound`` and
    ``feedback`` their permissions when the course first releases.
    """
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, 0)
    exchange.chmod(0o1777)


def prepare_course(hub: HubSettings, project: Path = PROJECT_ROOT) -> bool:
    """Give the course owner a course folder: the project's nbgrader config and ``source/``.

    Only a missing folder is made (nothing of a running course is replaced). The folder is
    readable by the owner only (mode 0700): it holds hidden tests, submissions and the gradebook.

    Returns:
        ``True`` when the folder was made now.
    """
    root = hub.course_root
    uid, gid = _owner_ids(hub.course_owner)
    made = not root.exists()
    if made:
        root.mkdir(parents=True)
        shutil.copy2(project / "course" / "nbgrader_config.py", root / "nbgrader_config.py")
        shutil.copytree(project / "course" / "source", root / "source")
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, gid, follow_symlinks=False)
    root.chmod(0o700)
    return made


def hide_project_course(project: Path = PROJECT_ROOT) -> None:
    """Make the project's own ``course/`` (hidden tests) unreadable for every other account.

    Every user's server reads the project's ``.venv``, ``lib`` and ``etc``, so the project folder
    is readable by all; only ``course/`` is closed.
    """
    (project / "course").chmod(0o700)


def unreachable_parents(project: Path = PROJECT_ROOT) -> list[Path]:
    """Folders other accounts must pass through (o+x) to run the course's Python but cannot.

    Checks the folders above the project's ``.venv`` and above the interpreter it was made from
    (e.g. a pyenv Python under ``/root``), sorted.
    """
    interpreter = Path(os.path.realpath(project / ".venv" / "bin" / "python"))
    folders = {*(project / ".venv").resolve().parents, *interpreter.parents}
    return sorted(p for p in folders if not p.stat().st_mode & stat.S_IXOTH)


def prepare_state(hub: HubSettings) -> None:
    """The hub's own folder (database, cookie secret): root only."""
    hub.state_dir.mkdir(parents=True, exist_ok=True)
    hub.state_dir.chmod(0o700)


def install_proxy(deploy_dir: Path = HUB_DEPLOY_DIR) -> Path:
    """Install ``configurable-http-proxy`` from ``package-lock.json`` (``npm ci``) when missing.

    Returns:
        The proxy's command.

    Raises:
        FileNotFoundError: ``npm`` is not installed (Debian: ``apt-get install npm``).
        subprocess.CalledProcessError: ``npm ci`` failed.
    """
    proxy = deploy_dir / "node_modules" / ".bin" / "configurable-http-proxy"
    lock = deploy_dir / "package-lock.json"
    if proxy.exists() and proxy.stat().st_mtime >= lock.stat().st_mtime:
        return proxy
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("npm was not found: install Node.js 20 and npm first.")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=deploy_dir, check=True
    )
    proxy.touch()
    return proxy


def prepare(hub: HubSettings, project: Path = PROJECT_ROOT) -> list[str]:
    """Everything ``make hub`` does before starting JupyterHub (as root).

    Returns:
        Problems that stop the hub from working (empty when none), in English for the operator.
        When there are any, nothing has been changed on the machine.
    """
    blocked = unreachable_parents(project)
    if blocked:
        folders = " ".join(map(str, blocked))
        return [
            f"Other accounts cannot reach the course's Python environment: {folders} "
            f"lack(s) o+x (pass-through for other accounts). Either run 'chmod o+x {folders}' "
            "or keep the project and the Python its .venv was made from outside such folders "
            "(e.g. under /opt), then run make hub again. Nothing has been changed yet."
        ]
    for group in (hub.student_group, hub.instructor_group):
        ensure_unix_group(group)
    try:
        pwd.getpwnam(hub.course_owner)
    except KeyError:
        subprocess.run(["useradd", "--create-home", hub.course_owner], check=True)
    prepare_state(hub)
    prepare_exchange(hub.exchange)
    prepare_course(hub, project)
    hide_project_course(project)
    install_proxy(project / "deploy" / "hub")
    return []


def ensure_unix_group(group: str) -> None:
    """Create the Unix group when it does not exist (``groupadd``)."""
    try:
        grp.getgrnam(group)
    except KeyError:
        subprocess.run(["groupadd", group], check=True)


def add_user(name: str, password: str, hub: HubSettings, *, instructor: bool = False) -> bool:
    """Create (or update) a Unix account for the hub and put it in the course's Unix group.

    Args:
        name: account name (lower case letters, digits, ``-``/``_``; what the user types to log
            in).
        password: the login password (set with ``chpasswd``).
        hub: the settings (which Unix groups).
        instructor: put the account in the instructor group instead of the student group.

    Returns:
        ``True`` when the account was created now, ``False`` when it existed (its password and
        group are set all the same).
    """
    group = hub.instructor_group if instructor else hub.student_group
    ensure_unix_group(group)
    try:
        pwd.getpwnam(name)
        created = False
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        created = True
    # Home folders readable by the owner only: a fetched assignment or a submission in one
    # student's home is never readable by another (Debian's useradd makes them 0755).
    Path(pwd.getpwnam(name).pw_dir).chmod(0o700)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    subprocess.run(["usermod", "--append", "--groups", group, name], check=True)
    return created


# --- spawning -----------------------------------------------------------------------------------


def copy_lessons(username: str, project: Path = PROJECT_ROOT) -> None:
    """Copy the lesson notebooks into ``~/vidensbasering/notebooks`` as the user, keeping theirs.

    Runs ``cp`` with the user's own rights (no root write into a folder the user controls), and
    ``--no-clobber`` keeps every notebook the user already has (their work is never replaced;
    lessons added to the project later are copied in at the next start).
    """
    entry = pwd.getpwnam(username)
    target = Path(entry.pw_dir) / USER_COURSE_FOLDER
    subprocess.run(
        ["mkdir", "-p", str(target)], user=entry.pw_uid, group=entry.pw_gid, extra_groups=[],
        check=True,
    )  # fmt: skip
    subprocess.run(
        ["cp", "-r", "--no-clobber", str(project / "notebooks"), str(target)],
        user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], check=True,
    )  # fmt: skip


def server_environment(hub: HubSettings, role: str, project: Path = PROJECT_ROOT) -> dict[str, str]:
    """Environment of a user's server (``role="user"``) or the formgrader (``role="grader"``).

    ``JUPYTER_CONFIG_PATH`` puts ``deploy/hub/jupyter/<role>`` first (exchange, nbgrader's hub
    authentication, the frame-ancestors header), then the project's ``etc/jupyter`` (Voila, kernel
    culling), as ``make start`` uses it.
    """
    from vidensbasering.serve import jupyter_data_dir

    bin_dir = project / ".venv" / "bin"
    config_path = [
        project / "deploy" / "hub" / "jupyter" / role,
        project / "deploy" / "hub" / "jupyter" / "common",
        project / "etc" / "jupyter",
    ]
    return {
        "PATH": os.pathsep.join([str(bin_dir), "/usr/local/bin", "/usr/bin", "/bin"]),
        "JUPYTER_CONFIG_PATH": os.pathsep.join(map(str, config_path)),
        "JUPYTER_PATH": str(jupyter_data_dir()),
        "VIDENSBASERING_EXCHANGE": str(hub.exchange),
        "VIDENSBASERING_COURSE_ROOT": str(hub.course_root),
        "LANG": "C.UTF-8",
    }


# --- make hub -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """``python -m vidensbasering.hub [--port N]``: prepare as root, then run JupyterHub here."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m vidensbasering.hub", description=main.__doc__)
    parser.add_argument("--port", type=int, default=None, help="port of the hub (default 8000)")
    parser.add_argument("--ip", default=None, help="interface (default 127.0.0.1)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("the hub starts users' servers as their own accounts: run it as root")
    if args.port is not None:
        os.environ["VIDENSBASERING_HUB_PORT"] = str(args.port)
    if args.ip is not None:
        os.environ["VIDENSBASERING_HUB_IP"] = args.ip
    hub = settings()
    problems = prepare(hub)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        raise SystemExit(1)
    add = PROJECT_ROOT / ".venv" / "bin" / "vidensbasering"
    print(f"JupyterHub: http://{hub.ip}:{hub.port}/ (add users as root: {add} hub-user add NAME)")
    os.chdir(hub.state_dir)
    config = HUB_DEPLOY_DIR / "jupyterhub_config.py"
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(config)])


if __name__ == "__main__":
    main()
