"""A throwaway class on a real JupyterHub: Unix accounts, the hub process, and HTTP clients.

Everything made here carries a random prefix (accounts, Unix groups, folders) and is removed
again by :meth:`Classroom.close`: the accounts' processes, the accounts with their home folders,
the groups, the hub's state and the exchange.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

from vidensbasering import hub

PROJECT = hub.PROJECT_ROOT
COURSE = hub.COURSE_ID


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_as(user: str, *argv: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a command as a Unix account (``runuser``), with the project's environment on PATH."""
    home = pwd.getpwnam(user).pw_dir
    env = [
        f"HOME={home}",
        f"USER={user}",
        f"PATH={PROJECT / '.venv' / 'bin'}:/usr/bin:/bin",
        "LANG=C.UTF-8",
    ]
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *env, *argv],
        capture_output=True,
        text=True,
        cwd="/",
        check=check,
        timeout=600,
    )


@dataclass
class HubUser:
    """One logged-in user of the hub: a ``requests`` session with the user's API token."""

    name: str
    password: str
    base: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    spawn_requested: float = 0.0

    def login(self) -> None:
        """Log in with the password through the hub's login form (PAM), then make an API token."""
        self.session.get(f"{self.base}/hub/login", timeout=30).raise_for_status()
        xsrf = self.session.cookies.get("_xsrf", path="/hub/")
        answer = self.session.post(
            f"{self.base}/hub/login",
            data={"username": self.name, "password": self.password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=60,
        )
        if answer.status_code != 302:
            raise AssertionError(f"login of {self.name} failed: {answer.status_code}")
        # The login starts a new session with its own XSRF token; the hub's pages carry it.
        home = self.session.get(f"{self.base}/hub/home", timeout=60)
        home.raise_for_status()
        xsrf = re.search(r'xsrf_token: "([^"]+)"', home.text).group(1)
        answer = self.session.post(
            f"{self.base}/hub/api/users/{self.name}/tokens",
            json={"note": "hub test"},
            headers={"X-XSRFToken": xsrf},
            timeout=30,
        )
        answer.raise_for_status()
        self.token = answer.json()["token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """An API request with the user's token (no cookies) to ``base + path``."""
        kwargs.setdefault("timeout", 300)
        return requests.request(method, f"{self.base}{path}", headers=self.headers, **kwargs)

    def request_server(self) -> None:
        """Ask the hub to start the user's server (as the *Start My Server* button does)."""
        self.spawn_requested = time.perf_counter()
        answer = self.call("POST", f"/hub/api/users/{self.name}/server")
        if answer.status_code not in (201, 202, 400):  # 400: already running
            raise AssertionError(f"spawn of {self.name}: {answer.status_code} {answer.text}")

    def wait_for_server(self, timeout: float = 300) -> float:
        """Wait until the user's server answers; return the seconds since it was requested."""
        began = self.spawn_requested
        while time.perf_counter() - began < timeout:
            model = self.call("GET", f"/hub/api/users/{self.name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                status = self.call("GET", f"/user/{self.name}/api/status")
                if status.status_code == 200:
                    return time.perf_counter() - began
            time.sleep(0.5)
        raise AssertionError(f"the server of {self.name} did not start within {timeout} s")

    def server(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request to the user's own server, ``/user/<name>/<path>``."""
        return self.call(method, f"/user/{self.name}/{path}", **kwargs)

    def grader(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request to the formgrader service, ``/services/grader-<course>/formgrader/api/...``."""
        return self.call(method, f"/services/{hub.GRADER_SERVICE}/formgrader/api/{path}", **kwargs)


class Classroom:
    """One instructor and some students as Unix accounts, and a running hub on 127.0.0.1."""

    def __init__(self, students: int, *, course_account: bool = False) -> None:
        """``course_account``: the course belongs to its own account that never logs in (``make
        hub``'s default, ``grader-vidensbasering``); otherwise to the instructor's account."""
        self.prefix = "vbt" + secrets.token_hex(3)
        self.password = {}
        self.instructor = f"{self.prefix}u"
        self.students = [f"{self.prefix}s{i}" for i in range(1, students + 1)]
        self.owner = f"{self.prefix}g" if course_account else self.instructor
        self.tmp = Path(tempfile.mkdtemp(prefix="vidensbasering-hub-", dir="/tmp"))
        self.tmp.chmod(0o755)
        self.opened: list[Path] = []
        self.modes: dict[Path, int] = {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.tmp / "hub.log"
        port = free_port()
        self.env = {
            "VIDENSBASERING_HUB_DIR": str(self.tmp / "state"),
            "VIDENSBASERING_EXCHANGE": str(self.tmp / "exchange"),
            "VIDENSBASERING_COURSE_OWNER": self.owner,
            "VIDENSBASERING_COURSE_ROOT": f"/home/{self.owner}/{COURSE}",
            "VIDENSBASERING_STUDENT_GROUP": f"{self.prefix}-stud",
            "VIDENSBASERING_INSTRUCTOR_GROUP": f"{self.prefix}-und",
            "VIDENSBASERING_HUB_PORT": str(port),
            "VIDENSBASERING_HUB_API_PORT": str(free_port()),
            "VIDENSBASERING_PROXY_API_PORT": str(free_port()),
            "VIDENSBASERING_GRADER_PORT": str(free_port()),
        }
        self.settings = hub.settings(self.env)
        self.base = f"http://127.0.0.1:{port}"

    # -- set-up ---------------------------------------------------------------------------------

    def open_project(self) -> None:
        """Let other accounts pass through the folders above the project (o+x), for this test.

        The modes are put back by :meth:`close`; so is the mode of the project's ``course/``,
        which :func:`vidensbasering.hub.prepare` closes.
        """
        for folder in hub.unreachable_parents(PROJECT):
            self.modes[folder] = folder.stat().st_mode
            folder.chmod(folder.stat().st_mode | stat.S_IXOTH)
        course = PROJECT / "course"
        self.modes[course] = course.stat().st_mode

    def add_users(self) -> None:
        """The instructor and the students, with random passwords, as ``hub-user add`` does."""
        for name in [self.instructor, *self.students]:
            self.password[name] = secrets.token_urlsafe(12)
            hub.add_user(
                name, self.password[name], self.settings, instructor=name == self.instructor
            )

    def start(self, timeout: float = 300) -> float:
        """Prepare (as ``make hub``) and start JupyterHub; return the seconds until it answers."""
        began = time.perf_counter()
        problems = hub.prepare(self.settings)
        assert not problems, problems
        env = {**os.environ, **self.env}
        env.pop("JUPYTER_CONFIG_PATH", None)
        config = hub.HUB_DEPLOY_DIR / "jupyterhub_config.py"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=self.settings.state_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.perf_counter() - began < timeout:
            if self.process.poll() is not None:
                raise AssertionError(f"the hub stopped:\n{self.log.read_text()[-4000:]}")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{self.base}/hub/api/", timeout=5).status_code == 200:
                    return time.perf_counter() - began
            time.sleep(0.3)
        raise AssertionError(f"the hub did not answer within {timeout} s")

    def lesson_repository(self, owner: str) -> Path:
        """A git repository with one lesson notebook, as an nbgitpuller link would name.

        Owned by ``owner``: git refuses to read another account's repository ("dubious
        ownership"), and a lesson repository on GitHub has no owner on this machine at all.
        """
        repo = self.tmp / "lektioner"
        repo.mkdir()
        shutil.copy2(PROJECT / "notebooks" / "01-videnskvalitet.ipynb", repo / "lektion.ipynb")
        uid, gid = pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid
        git = ["git", "-c", "user.name=Underviser", "-c", "user.email=u@example.dk"]
        for argv in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "Lektion"]):
            subprocess.run([*git, *argv], cwd=repo, check=True, capture_output=True)
        for path in [repo, *repo.rglob("*")]:
            os.chown(path, uid, gid, follow_symlinks=False)
        return repo

    def user(self, name: str) -> HubUser:
        """A logged-in client of ``name``."""
        client = HubUser(name, self.password[name], self.base)
        client.login()
        return client

    # -- tear-down ------------------------------------------------------------------------------

    def _accounts(self) -> list[str]:
        """Every account of the class (the course account too, which ``hub.prepare`` makes)."""
        return list(dict.fromkeys([self.instructor, *self.students, self.owner]))

    def _uids(self) -> set[int]:
        uids = set()
        for name in self._accounts():
            with contextlib.suppress(KeyError):
                uids.add(pwd.getpwnam(name).pw_uid)
        return uids

    def _kill_users_processes(self) -> None:
        uids = self._uids()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                if entry.stat().st_uid in uids:
                    os.kill(int(entry.name), signal.SIGKILL)

    def close(self) -> None:
        """Stop the hub and every process of the test's accounts; remove all that was made."""
        if self.process is not None and self.process.poll() is None:
            # The hub starts its proxy and services in sessions of their own, so they are not in
            # the hub's process group: note them now, and stop whatever the hub left behind.
            helpers = psutil.Process(self.process.pid).children(recursive=True)
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            for helper in helpers:
                with contextlib.suppress(psutil.Error):
                    helper.kill()
        left = self._accounts()
        for _ in range(10):
            self._kill_users_processes()
            time.sleep(0.5)
            left = [
                name
                for name in left
                if subprocess.run(["userdel", "--remove", name], capture_output=True).returncode
                not in (0, 6)  # 6: no such user
            ]
            if not left:
                break
        for group in (self.settings.student_group, self.settings.instructor_group):
            subprocess.run(["groupdel", group], capture_output=True, check=False)
        for folder, mode in self.modes.items():
            folder.chmod(stat.S_IMODE(mode))
        shutil.rmtree(self.tmp, ignore_errors=True)

    @contextlib.contextmanager
    def closed_afterwards(self, failure_log: Path) -> Iterator[Classroom]:
        """Close the classroom when the block ends; if the block fails, save the hub's log first."""
        try:
            yield self
        except Exception:
            failure_log.parent.mkdir(parents=True, exist_ok=True)
            failure_log.write_text(self.hub_log(), encoding="utf-8")
            raise
        finally:
            self.close()

    def hub_log(self) -> str:
        """The hub's log so far (for failure messages)."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def hidden_test_code(text: str, marker: str) -> list[str]:
    """Lines of ``text`` that show hidden-test code: the marker, or nbgrader's BEGIN HIDDEN."""
    return [
        line
        for line in text.splitlines()
        if marker in line or re.search(r"BEGIN HIDDEN TESTS|END HIDDEN TESTS", line)
    ]
