"""Fixtures for the workshop-mode and page-kernel browser tests (kept out of conftest.py).

- ``workshop_server``: ``python -m vidensbasering.workshop`` (what ``make workshop`` runs) with
  two warm kernels of the ``videnskvalitet`` app, on a free port with a known token;
- ``quick_stall_server``: ``make start``'s server with a 3-second render time limit, to show the
  stall message on a test-only notebook that sleeps (``tests/browser/notebooks/stall.ipynb``).

Import the ``*_fixture`` functions into a test module to use them (pytest finds them by name).
Both wait until the server answers and always stop it (and its kernels) afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from vidensbasering import render_watch, serve, workshop
from vidensbasering.i18n import t

from .conftest import ROOT, Server, free_port, stop, wait_until_ready

#: Warm kernels of the app in the test's workshop (two participants).
POOL = 2
APP = "videnskvalitet"
#: The test workshop's page_load_timeout (default 600 s), to see the rule act in a test.
PAGE_LOAD_S = 60
#: The page kernel rule's promise: a closed page's kernel is gone within a minute.
KERNEL_GONE_S = 60


def _start(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env or os.environ.copy()
        )


def wait_for_log(
    log: Path, text: str, timeout_s: float, process: subprocess.Popen | None = None
) -> bool:
    """True once ``text`` appears in the server log within ``timeout_s`` seconds.

    Fails the test at once with the log when ``process`` has exited.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        if process is not None and process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)
    return False


@pytest.fixture(scope="session", name="workshop_server")
def workshop_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve the workshop with ``POOL`` warm kernels of ``APP``; wait until they are warm."""
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("workshop") / "workshop.log"
    command = workshop.command(
        ROOT, port=port, token=token, pool=POOL, apps=[APP], page_load_timeout_s=PAGE_LOAD_S
    )
    process = _start(command, log)
    try:
        # Standalone Voila has no /api status page: it is up and warm when it says so (in
        # Danish, from the catalog).
        ready = t("workshop.ready", count=POOL, app=APP)
        assert wait_for_log(log, ready, 600, process), log.read_text()[-4000:]
        yield Server(base_url=f"http://127.0.0.1:{port}", token=token, log=log)
    finally:
        stop(process)


@pytest.fixture(scope="session", name="quick_stall_server")
def quick_stall_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``make start``'s server with a render time limit of 3 s."""
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("stall") / "server.log"
    workspaces = tmp_path_factory.mktemp("stall-workspaces")
    extra = ["--ServerApp.port_retries=0", f"--LabApp.workspaces_dir={workspaces}"]
    env = {**os.environ, render_watch.LIMIT_ENV: "3"}
    process = _start(serve.command(ROOT, port=port, token=token, extra=extra), log, env)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(base_url, process, log)
        yield Server(base_url=base_url, token=token, log=log)
    finally:
        stop(process)


def kernel_id(page: Page) -> str:
    """The id of the kernel behind an open Voila page (from the page's Jupyter config)."""
    config = page.locator("#jupyter-config-data").text_content(timeout=180_000) or "{}"
    return json.loads(config)["kernelId"]


def kernel_exists(server: Server, kernel: str) -> bool:
    """True while ``/api/kernels/<id>`` answers (both server modes have this endpoint)."""
    try:
        with urllib.request.urlopen(server.url(f"/api/kernels/{kernel}"), timeout=10):
            return True
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


def seconds_until_gone(server: Server, kernel: str, limit_s: float = KERNEL_GONE_S) -> float:
    """Seconds until ``kernel`` is shut down; ``inf`` when still running after ``limit_s``."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if not kernel_exists(server, kernel):
            return time.monotonic() - started
        time.sleep(1)
    return float("inf")
