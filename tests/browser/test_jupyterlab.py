"""JupyterLab as students meet it after ``make start``: Danish menus, lessons that open unchanged.

Served by the shared ``course_server`` fixture (``python -m vidensbasering.serve``), so the
project's ``etc/jupyter`` settings apply exactly as they do for a student.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from vidensbasering.serve import START_NOTEBOOK

from .conftest import ARTIFACTS, ROOT, Server

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 120_000
#: Every notebook a student opens in JupyterLab: the start page and the lessons.
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb"))


def open_in_lab(page: Page, server: Server, path: str) -> None:
    """Open ``path`` in JupyterLab on a fresh layout and wait until its kernel is idle."""
    page.goto(server.url(f"/lab/tree/{path}?reset"), timeout=LOAD_TIMEOUT_MS)
    tab = page.locator(".jp-mod-current.lm-TabBar-tab", has_text=Path(path).name)
    expect(tab).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    # The kernel has started and answered kernel_info (that reply is what JupyterLab writes
    # into the notebook's language_info and kernelspec metadata).
    status = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    expect(status.first).to_be_attached(timeout=LOAD_TIMEOUT_MS)


def test_jupyterlab_is_danish_by_default(page: Page, course_server: Server) -> None:
    """The da-DK language pack is installed and is the default locale.

    The pack (4.5.post3) translates only some of JupyterLab's strings (not "File" or "Edit");
    "Autosave Documents" in the Settings menu is one it does ("Gem Dokumenter Automatisk").
    """
    with page.expect_response(lambda r: "/lab/api/translations/da_DK" in r.url) as bundle:
        open_in_lab(page, course_server, START_NOTEBOOK)
    assert bundle.value.ok
    page.locator("#jp-menu-panel .lm-MenuBar-item", has_text="Settings").click()
    item = page.locator(".lm-Menu-itemLabel", has_text="Gem Dokumenter Automatisk")
    expect(item).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "jupyterlab-danish-settings-menu.png"))
    assert page.locator(".lm-Menu-itemLabel", has_text="Autosave Documents").count() == 0


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_opening_a_notebook_does_not_mark_it_changed(
    page: Page, course_server: Server, path: str
) -> None:
    """A notebook just opened (kernel started, nothing run) has no unsaved changes."""
    open_in_lab(page, course_server, path)
    # JupyterLab updates metadata right after the kernel's info reply; give it time to do so.
    page.wait_for_timeout(3_000)
    tab = page.locator(".lm-TabBar-tab", has_text=Path(path).name).first
    classes = tab.get_attribute("class") or ""
    if "jp-mod-dirty" in classes:
        page.screenshot(path=str(ARTIFACTS / f"dirty-{Path(path).stem}.png"))
    assert "jp-mod-dirty" not in classes, f"{path} shows as changed right after opening"
