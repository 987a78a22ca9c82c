"""A student on the hub in Chromium: password login, the start page, and an app inside the hub.

One student and one instructor are made as real Unix accounts and the hub starts with ``make
hub``'s configuration (PAM, LocalProcessSpawner), as in ``test_hub_class.py``. In Debian's
Chromium the student types name and password into the hub's login form; the hub starts their
server and JupyterLab opens the course's start page. From there the student opens the
Videnskvalitet app, which must be served by their own server under ``/user/<name>/`` (a link to
``/voila/render/...`` would reach the hub instead and 404), and its first chart must be drawn.

The course belongs to its own account, as with ``make hub``'s defaults (``grader-vidensbasering``,
not a hub user); the instructor logs in and opens the formgrader, which lists the course's
assignments.

Printed and written to ``test-artifacts/hub/browser-timings.json``: seconds until the hub
answered, from the login click until JupyterLab showed the start page (the student's server
started in between), and from the login click until the app's first chart.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Iterator

import pytest
from hub_helpers import Classroom
from playwright.sync_api import Browser, Page, Playwright, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STALL_TIMEOUT_MS,
    PageWatch,
    open_voila,
    watch,
)
from browser.test_videnskvalitet_app import POINT
from vidensbasering import hub
from vidensbasering.i18n import t

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.usefixtures("hub_available")]

ARTIFACTS = hub.PROJECT_ROOT / "test-artifacts" / "hub"
#: A first server start (JupyterLab, then the start notebook) and a first Voila render each took
#: minutes on the loaded two-core test machine.
LOAD_TIMEOUT_MS = 300_000
#: The start page's heading and one lesson's link text (notebooks/00-start.ipynb).
COURSE_TITLE = "Vidensbaseret socialt arbejde"
LESSON = "Stil krav til videnskvalitet"
APP = "videnskvalitet"
#: The app's link text on the start page.
APP_LINK = "Videnskvalitet"


def app_path(user: str) -> str:
    """Where the student's own server serves the app (the lessons are in ~/vidensbasering)."""
    return f"/user/{user}/voila/render/{hub.USER_COURSE_FOLDER}/notebooks/apps/{APP}.ipynb"


class Visit:
    """The student's browser session: the logged-in page and what was timed."""

    def __init__(self, room: Classroom, browser: Browser) -> None:
        self.room = room
        self.student = room.students[0]
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.timings: dict[str, float] = {}
        self.login_clicked = 0.0

    def log_in(self) -> None:
        """Type name and password into the hub's form; wait for JupyterLab's start page."""
        page = self.page
        page.goto(f"{self.room.base}/hub/login")
        page.fill("#username_input", self.student)
        page.fill("#password_input", self.room.password[self.student])
        self.login_clicked = time.perf_counter()
        page.click("#login_submit")
        page.wait_for_url(re.compile(rf"/user/{self.student}/lab"), timeout=LOAD_TIMEOUT_MS)
        self.timings["login to user server (lab page)"] = time.perf_counter() - self.login_clicked
        start_tab = page.locator(".lm-TabBar-tab.lm-mod-current", has_text="00-start.ipynb")
        expect(start_tab).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        self.timings["login to start page shown"] = time.perf_counter() - self.login_clicked

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def room() -> Iterator[Classroom]:
    # The course in its own account that never logs in, as make hub makes it by default.
    classroom = Classroom(students=1, course_account=True)
    with classroom.closed_afterwards(ARTIFACTS / "hub-browser.log"):
        classroom.open_project()
        classroom.add_users()
        classroom.timings = {"hub start": classroom.start()}
        yield classroom


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # pytest-playwright's session-wide Playwright (a second sync_playwright() is refused).
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture(scope="module")
def visit(room: Classroom, browser: Browser) -> Iterator[Visit]:
    session = Visit(room, browser)
    try:
        session.log_in()
        yield session
    finally:
        timings = {**room.timings, **session.timings}
        print()
        for what, seconds in timings.items():
            print(f"hub browser timing: {what}: {seconds:.1f} s")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "browser-timings.json").write_text(json.dumps(timings, indent=2))
        session.close()


def test_student_logs_in_with_password_and_sees_the_course_start_page(visit: Visit) -> None:
    page = visit.page
    assert page.url.startswith(f"{visit.room.base}/user/{visit.student}/lab")
    notebook = page.locator(".jp-NotebookPanel:visible")
    expect(notebook.get_by_role("heading", name=COURSE_TITLE, exact=True)).to_be_visible()
    expect(notebook.get_by_role("link", name=LESSON, exact=True)).to_be_attached()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "student-start-page.png")


def wait_for_chart(page: Page, url: str) -> None:
    """Wait for the app's first chart, opening the page once more after a stalled render."""
    try:
        page.locator(POINT).wait_for(timeout=STALL_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        warnings.warn(f"Voila render stalled (voila#1428); opening again: {url}", stacklevel=2)
        open_voila(page, url, timeout_ms=LOAD_TIMEOUT_MS)
        page.locator(POINT).wait_for(timeout=LOAD_TIMEOUT_MS)


def test_the_app_draws_its_first_chart_in_the_students_own_server(visit: Visit) -> None:
    app = visit.context.new_page()
    seen: PageWatch = watch(app)
    url = f"{visit.room.base}{app_path(visit.student)}"
    open_voila(app, url, timeout_ms=LOAD_TIMEOUT_MS)
    wait_for_chart(app, url)
    visit.timings["login to first chart"] = time.perf_counter() - visit.login_clicked
    expect(app.get_by_role("button", name=t("videnskvalitet.group_cps"))).to_be_visible()
    # The experiment's own answer, +1,794 USD (FACTS.md section 7, Dehejia & Wahba 1999).
    expect(app.get_by_text("Estimeret effekt: 1.794 USD")).to_be_visible()
    app.screenshot(path=ARTIFACTS / "student-app-in-hub.png", full_page=True)
    app.close()
    seen.assert_clean()


def test_the_start_pages_app_link_leads_to_the_students_own_server(visit: Visit) -> None:
    """The link must carry ``/user/<name>/``: ``/voila/render/...`` reaches the hub and 404s."""
    notebook = visit.page.locator(".jp-NotebookPanel:visible")
    link = notebook.get_by_role("link", name=APP_LINK, exact=True)
    with visit.context.expect_page(timeout=LOAD_TIMEOUT_MS) as opened:
        link.click()
    app: Page = opened.value
    try:
        # Only where the click lands (the page itself was drawn above): stop at the first answer.
        app.wait_for_url(re.compile(r"^http"), wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        landed = app.url
    finally:
        app.close()
    assert landed == f"{visit.room.base}{app_path(visit.student)}"
    expect(link).to_have_attribute("href", app_path(visit.student))


def test_the_instructor_opens_the_formgrader_of_a_course_account_that_never_logs_in(
    room: Classroom, browser: Browser
) -> None:
    """nbgrader asks the hub about the formgrader's own account: no 500 (as there was)."""
    assert room.owner not in (room.instructor, *room.students)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        seen = watch(page)
        formgrader = f"/services/{hub.GRADER_SERVICE}/formgrader"
        page.goto(f"{room.base}/hub/login?next={formgrader}")
        page.fill("#username_input", room.instructor)
        page.fill("#password_input", room.password[room.instructor])
        page.click("#login_submit")
        page.wait_for_url(re.compile(re.escape(formgrader)), timeout=LOAD_TIMEOUT_MS)
        source = hub.PROJECT_ROOT / "course" / "source"
        for name in sorted(p.name for p in source.iterdir() if p.is_dir()):
            expect(page.locator("tr", has_text=name).first).to_be_visible(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "instructor-formgrader.png", full_page=True)
        assert not [p for p in seen.problems if "HTTP 5" in p], seen.problems
    finally:
        context.close()
