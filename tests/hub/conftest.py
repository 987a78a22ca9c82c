"""The hub test needs root (it makes Unix accounts and starts servers as them) and bubblewrap.

The pipeline tests' helpers and expected scores are imported from ``tests/pipeline`` so that the
hub and the pipeline test always expect the same scores for the same answers; the browser tests'
Chromium settings and page helpers come from ``tests/browser/conftest.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pipeline"))
# tests/ itself, for the browser tests' helpers (``browser.conftest``: Chromium, PageWatch, stalls).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def hub_unavailable() -> str | None:
    """Why the hub test cannot run here, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub test makes Unix accounts and starts servers as them: run it as root"
    for tool in ("useradd", "userdel", "chpasswd", "groupadd", "runuser"):
        if shutil.which(tool) is None:
            return f"the hub test needs '{tool}' (Debian package passwd/util-linux)"
    if shutil.which("bwrap") is None:
        return "the hub test grades in the sandbox: apt-get install bubblewrap"
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "the hub test needs Node.js and npm for configurable-http-proxy"
    return None


@pytest.fixture(scope="session")
def hub_available() -> None:
    reason = hub_unavailable()
    if reason:
        pytest.skip(reason)
