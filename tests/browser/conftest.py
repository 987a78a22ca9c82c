"""Fixtures for real-browser tests: the course server, started as ``make start`` starts it.

The server runs ``python -m vidensbasering.serve`` (the command behind ``make start``) on a free
port with a known token; the fixture waits until it answers and always stops it (and its
kernels) afterwards. Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from vidensbasering import serve

ROOT = Path(__file__).resolve().parents[2]
#: Debian's Chromium, or what VIDENSBASERING_CHROMIUM names; when it is missing, Playwright's own
#: Chromium (installed by etc/setup/check-system where downloads work).
CHROMIUM = os.environ.get("VIDENSBASERING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_TIMEOUT_S = 300  # a loaded 2-core machine needed over 120 s
#: Hosts a page may talk to: the course server only.
LOCAL_HOSTS = {"127.0.0.1"}


@dataclass(frozen=True)
class Server:
    """A running course server."""

    base_url: str
    token: str
    log: Path

    def url(self, path: str) -> str:
        """Return the full URL of ``path`` (starting with ``/``), with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``/api/status`` until the server answers; fail with its log if it exits or hangs."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/api", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"server not ready after {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server with SIGTERM (it then shuts its kernels down); kill it if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def course_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve the course with ``python -m vidensbasering.serve`` on a free port, with a token."""
    port = free_port()
    token = secrets.token_hex(16)
    log = tmp_path_factory.mktemp("server") / "server.log"
    # Exactly what `make start` runs; a taken port must fail rather than move elsewhere, and
    # JupyterLab keeps this run's tab layout in a temporary folder, not in the user's.
    workspaces = tmp_path_factory.mktemp("workspaces")
    extra = ["--ServerApp.port_retries=0", f"--LabApp.workspaces_dir={workspaces}"]
    command = serve.command(ROOT, port=port, token=token, extra=extra)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(base_url, process, log)
        yield Server(base_url=base_url, token=token, log=log)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright: launch Debian's Chromium when it is there, else Playwright's own."""
    chromium = {"executable_path": CHROMIUM} if Path(CHROMIUM).exists() else {}
    return {**browser_type_launch_args, **chromium, "args": CHROMIUM_ARGS}


def leaves_machine(url: str) -> bool:
    """True when a request for ``url`` goes to another host than 127.0.0.1.

    ``data:`` URLs carry their content; ``blob:`` URLs name an object in the page and carry the
    page's origin (``blob:http://127.0.0.1:port/uuid``), which must be local too.
    """
    if url.startswith("data:"):
        return False
    url = url.removeprefix("blob:")
    return urlsplit(url).hostname not in LOCAL_HOSTS


#: anywidget's front end gives each model 2 s to initialize (``AbortSignal.timeout(2000)`` in its
#: runtime, not configurable) and reports this page error when the CPU is too busy for that,
#: although the widget then works. Seen here only when the 2-core machine ran several test
#: suites at once. The tests assert what the widgets do (charts drawn, fields read), so this
#: one message is not counted; every other page error still fails a test.
ANYWIDGET_SLOW_INIT = "[anywidget] Failed to initialize model."


@dataclass
class PageWatch:
    """What a page did: every request and web socket address, and every error it reported."""

    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests that left 127.0.0.1."""
        return [f"request left 127.0.0.1: {url}" for url in self.requests if leaves_machine(url)]

    def offences(self) -> list[str]:
        """Requests that left 127.0.0.1, then the problems; empty when all went well."""
        return self.outside() + self.problems

    def assert_clean(self) -> None:
        """Fail when nothing was requested, a request left the machine, or an error was logged."""
        assert self.requests, "no request was recorded"
        found = self.offences()
        assert not found, "\n".join(found)

    def attach(self, page: Page) -> PageWatch:
        """Start recording ``page`` (several pages may share one record)."""
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda socket: self.requests.append(socket.url))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(f"console error: {message.text}")

        def on_response(response: Response) -> None:
            if response.status >= 400:
                self.problems.append(f"HTTP {response.status}: {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)

        def on_page_error(error: Exception) -> None:
            if str(error) != ANYWIDGET_SLOW_INIT:
                self.problems.append(f"page error: {error}")

        page.on("pageerror", on_page_error)

        def on_request_failed(request: Request) -> None:
            # A navigation replaced by the next one (open_voila reopening a stalled render) is
            # aborted by the browser; that is the test's doing, not the page's.
            if request.is_navigation_request() and request.failure == "net::ERR_ABORTED":
                return
            self.problems.append(f"request failed: {request.url} ({request.failure})")

        page.on("requestfailed", on_request_failed)
        return self


def watch(page: Page) -> PageWatch:
    """Start recording requests, console errors, page errors, HTTP errors and failed requests."""
    return PageWatch().attach(page)


@pytest.fixture
def page_watch(page: Page) -> PageWatch:
    """Record the page's requests, console errors, page errors, HTTP errors and failed requests."""
    return watch(page)


#: Voila (0.5.13) now and then never finished a render: the page's kernel had run the app and sat
#: idle while the server waited for a reply it had missed (upstream voila#1428; about one page
#: open in 15 here). vidensbasering.kernel_client fixes the cause (0 stalls in 60 opens after);
#: should a render still stall, a participant reloads the page, and the tests do the same once,
#: with a warning, and fail if the second open stalls too.
STALL_TIMEOUT_MS = 90_000


def open_voila(page: Page, url: str, timeout_ms: int = 180_000) -> None:
    """Open a Voila app page until its DOM is ready, reloading once after a stalled render."""
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=STALL_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        warnings.warn(f"Voila render stalled (voila#1428); opening again: {url}", stacklevel=2)
        page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)


def fetch_voila_html(page: Page, url: str, timeout_ms: int = 180_000) -> Response:
    """GET a Voila app page's HTML, asking once more after a stalled render (see above)."""
    try:
        return page.request.get(url, timeout=STALL_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        warnings.warn(f"Voila render stalled (voila#1428); asking again: {url}", stacklevel=2)
        return page.request.get(url, timeout=timeout_ms)
