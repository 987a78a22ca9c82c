"""Workshop mode (``make workshop``) and the page watch, in headless Chromium.

- Two participants open the ``videnskvalitet`` app in their own browser contexts at the same
  time: both see the chart, from warm kernels, no request leaves 127.0.0.1, no console error.
- Only the apps are served, and nothing can be written.
- A closed, reloaded or abandoned page's kernel is shut down within a minute, in both modes.
- A page still loading after the time limit shows the Danish message and a reload button, and
  the server log records it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from vidensbasering.i18n import t
from vidensbasering.render_watch import REPORT_PATH
from vidensbasering.serve import app_url

from .conftest import ARTIFACTS, Server, open_voila, watch
from .workshop_server import (
    APP,
    KERNEL_GONE_S,
    PAGE_LOAD_S,
    kernel_exists,
    kernel_id,
    quick_stall_server_fixture,  # noqa: F401  (fixture "quick_stall_server")
    seconds_until_gone,
    wait_for_log,
    workshop_server_fixture,  # noqa: F401  (fixture "workshop_server")
)

pytestmark = pytest.mark.browser

POINT = ".vega-embed svg .mark-symbol path"
SUBTITLE = ".vega-embed svg .role-title-subtitle text"
LOAD_TIMEOUT_MS = 180_000
#: The CPS estimate reads 15,992 rows in the kernel: a few seconds on a loaded machine.
REDRAW_TIMEOUT_MS = 60_000


def test_two_participants_see_the_chart_from_warm_kernels(
    workshop_server: Server, browser: Browser
) -> None:
    url = workshop_server.url(app_url(APP))
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    watches = [watch(page) for page in pages]
    try:
        for page in pages:  # both opens are in flight before either chart is awaited
            page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        for page in pages:
            page.locator(POINT).wait_for(timeout=LOAD_TIMEOUT_MS)
            expect(page.locator(SUBTITLE)).to_have_text("Kontrolgruppe: forskel i gennemsnit")
        # Each participant has a kernel of their own, and both came from the warm pool.
        kernels = {kernel_id(page) for page in pages}
        assert len(kernels) == 2
        log = workshop_server.log.read_text(errors="replace")
        for kernel in kernels:
            assert f"Using pre-heated kernel: {kernel}" in log
        # A choice redraws one participant's chart, not the other's.
        pages[0].get_by_role("button", name=t("videnskvalitet.group_cps")).click()
        expect(pages[0].locator(SUBTITLE)).to_have_text(
            "CPS: forskel i gennemsnit", timeout=REDRAW_TIMEOUT_MS
        )
        expect(pages[1].locator(SUBTITLE)).to_have_text("Kontrolgruppe: forskel i gennemsnit")
        # No false alarm from the render watch: the pages arrived whole, however slow the CPU.
        for page in pages:
            expect(page.get_by_role("alert")).to_have_count(0)
        assert "did not finish rendering" not in workshop_server.log.read_text(errors="replace")
        ARTIFACTS.mkdir(exist_ok=True)
        for i, page in enumerate(pages, start=1):
            page.screenshot(path=ARTIFACTS / f"workshop-participant-{i}.png", full_page=True)
        for seen in watches:
            seen.assert_clean()
    finally:
        for context in contexts:
            context.close()


def test_workshop_serves_only_the_apps_read_only(workshop_server: Server, page: Page) -> None:
    for path in (
        "/voila/render/notebooks/01-videnskvalitet.ipynb",  # a lesson
        "/voila/render/course/source/videnskvalitet/videnskvalitet.ipynb",  # solutions
        "/voila/files/course/gradebook.db",
        "/api/contents/notebooks",
        "/lab",
    ):
        response = page.request.get(workshop_server.url(path), timeout=60_000)
        assert response.status in (403, 404), f"{path}: {response.status}"
    listing = page.request.get(workshop_server.url("/voila/api/contents/notebooks/apps"))
    assert listing.ok
    assert {item["name"] for item in listing.json()["content"]} == {f"{APP}.ipynb"}
    for method in ("put", "post", "delete"):
        response = page.request.fetch(
            workshop_server.url(f"/voila/api/contents/notebooks/apps/{APP}.ipynb"),
            method=method,
            data="{}",
        )
        assert response.status in (403, 404, 405), f"{method}: {response.status}"


def _kernel_dies_with_its_page(server: Server, browser: Browser) -> None:
    """A closed page's kernel, and a reloaded page's old kernel, are gone within a minute."""
    url = server.url(app_url(APP))
    context = browser.new_context()
    try:
        # Closed: the page's pagehide asks the server to shut its kernel down.
        page = context.new_page()
        open_voila(page, url)
        page.locator(POINT).wait_for(timeout=LOAD_TIMEOUT_MS)
        closed = kernel_id(page)
        page.close()
        assert seconds_until_gone(server, closed) < KERNEL_GONE_S

        # Reloaded: the old kernel goes, the new page has a new one that stays.
        page = context.new_page()
        open_voila(page, url)
        page.locator(POINT).wait_for(timeout=LOAD_TIMEOUT_MS)
        before = kernel_id(page)
        page.reload(wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
        page.locator(POINT).wait_for(timeout=LOAD_TIMEOUT_MS)
        after = kernel_id(page)
        assert after != before
        assert seconds_until_gone(server, before) < KERNEL_GONE_S
        assert kernel_exists(server, after), "the open page's kernel was shut down"

        page.close()
    finally:
        context.close()


def test_kernel_dies_with_its_page_in_workshop_mode(
    workshop_server: Server, browser: Browser
) -> None:
    _kernel_dies_with_its_page(workshop_server, browser)


def test_kernel_of_a_page_that_never_loaded_is_shut_down(
    workshop_server: Server, page: Page
) -> None:
    """HTML rendered, but no script ever ran (a crashed browser): the server shuts it down.

    Such a page never connects, so the server waits page_load_timeout (600 s by default, 60 s
    in the test's workshop) in case it is still loading on a busy machine, plus up to two
    culling passes (10 s each).
    """
    html = page.request.get(workshop_server.url(app_url(APP)), timeout=LOAD_TIMEOUT_MS).text()
    abandoned = re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)
    assert kernel_exists(workshop_server, abandoned)
    assert seconds_until_gone(workshop_server, abandoned, limit_s=PAGE_LOAD_S + 30) < (
        PAGE_LOAD_S + 30
    )


def test_kernel_dies_with_its_page_on_make_start(course_server: Server, browser: Browser) -> None:
    _kernel_dies_with_its_page(course_server, browser)


def test_stalled_render_says_so_offers_a_reload_and_is_logged(
    quick_stall_server: Server, page: Page
) -> None:
    seen = watch(page)
    page.goto(
        quick_stall_server.url("/voila/render/tests/browser/notebooks/stall.ipynb"),
        wait_until="commit",
        timeout=LOAD_TIMEOUT_MS,
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(t("voila.stalled_title"), timeout=60_000)
    expect(alert).to_contain_text(t("voila.stalled_text"))
    button = page.get_by_role("button", name=t("voila.reload"))
    expect(button).to_be_focused()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "voila-stalled.png")
    assert wait_for_log(
        quick_stall_server.log,
        "Voila page /voila/render/tests/browser/notebooks/stall.ipynb did not finish rendering "
        "within 3 s",
        30,
    ), quick_stall_server.log.read_text()[-3000:]
    assert (
        quick_stall_server.token
        not in quick_stall_server.log.read_text()
        .split("did not finish rendering")[-1]
        .splitlines()[0]
    )
    # The button reloads: the page is requested again.
    with page.expect_request(re.compile(r"/voila/render/tests/browser/notebooks/stall\.ipynb")):
        button.click()
    assert not seen.outside(), seen.outside()


def test_workshop_logs_a_stall_report(workshop_server: Server, page: Page) -> None:
    """Standalone Voila has the same report endpoint as make start's server extension."""
    response = page.request.post(
        workshop_server.url(f"/{REPORT_PATH}"),
        data={"path": f"{app_url(APP)}?token=secret\nforged line", "seconds": 25},
    )
    assert response.status == 204
    assert wait_for_log(
        workshop_server.log, f"Voila page {app_url(APP)} did not finish rendering within 25 s", 10
    )
    assert "forged line" not in workshop_server.log.read_text()
