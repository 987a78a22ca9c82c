"""A class on a real JupyterHub, from release to feedback (``make hub``'s configuration).

One instructor and three students are made as real Unix accounts; the hub starts on 127.0.0.1
with ``deploy/hub/jupyterhub_config.py`` (PAM, LocalProcessSpawner, the formgrader service). The
instructor releases ``videnskvalitet`` in the formgrader; each student logs in with their password,
starts their own server and fetches, answers and submits through nbgrader's assignment list
there (a correct, a blank and a partly wrong answer: the submissions and expected scores of
``tests/pipeline/test_grading_pipeline.py``); the instructor collects, autogrades with the
sandboxed runner (``vidensbasering autograde`` run as the instructor's account), grades the
reflection by hand, generates and releases feedback; each student fetches their feedback.

Printed: seconds until the hub answered, until the first user's server answered, and for the
whole cycle.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hub_helpers import Classroom, HubUser, hidden_test_code, run_as
from pipeline_helpers import answered, correct_answers, partly_wrong_answers
from playwright.sync_api import Playwright
from test_grading_pipeline import (
    BLANK,
    CORRECT,
    EXPECTED_CELL_SCORES,
    EXPECTED_SCORES,
    HIDDEN_MARKER,
    PARTLY_WRONG,
)

from vidensbasering import hub

pytestmark = [pytest.mark.hub, pytest.mark.usefixtures("hub_available")]

ASSIGNMENT = "videnskvalitet"
COURSE = hub.COURSE_ID
ARTIFACTS = hub.PROJECT_ROOT / "test-artifacts" / "hub"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
#: The pipeline test's roles, in the order of the classroom's three students.
ROLES = (CORRECT, BLANK, PARTLY_WRONG)
#: What the hand-graded reflection of the correct answer gets (as in the pipeline test).
REFLECTION_POINTS = 3.0


def _answers(role: str, released: nbformat.NotebookNode) -> nbformat.NotebookNode:
    if role == CORRECT:
        return answered(released, correct_answers())
    if role == PARTLY_WRONG:
        return answered(released, partly_wrong_answers())
    return released


def _ok(answer: Any, step: str) -> Any:
    assert answer.status_code == 200, f"{step}: {answer.status_code} {answer.text[:2000]}"
    data = answer.json()
    if isinstance(data, dict) and "success" in data:
        assert data["success"], f"{step}: {data.get('error') or data.get('log')}"
    return data


def _assignment(listing: Any) -> dict[str, Any]:
    """The student's entries of the assignment from the assignment list's answer."""
    return [a for a in _ok(listing, "assignment list")["value"] if a["assignment_id"] == ASSIGNMENT]


class Cycle:
    """What happened in the class, for the tests below."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.timings: dict[str, float] = {}
        self.clients: dict[str, HubUser] = {}
        self.roles = dict(zip(room.students, ROLES, strict=True))
        self.fetched_paths: dict[str, str] = {}
        self.scores: dict[str, dict[str, Any]] = {}
        self.cell_scores: dict[str, dict[str, float]] = {}
        self.feedback: dict[str, str] = {}
        self.autograde_output = ""
        self.app_page = ""
        self.app_files: list[str] = []
        self.pull_events = ""

    def run(self) -> None:
        began = time.perf_counter()
        room = self.room
        self.timings["hub start"] = room.start()
        instructor = self.clients[room.instructor] = room.user(room.instructor)
        _ok(instructor.grader("POST", f"assignment/{ASSIGNMENT}/assign"), "generate_assignment")
        _ok(instructor.grader("POST", f"assignment/{ASSIGNMENT}/release"), "release_assignment")

        # The class logs in and starts its servers at about the same time, as in a lesson.
        for name in room.students:
            self.clients[name] = room.user(name)
            self.clients[name].request_server()
        for number, name in enumerate(room.students):
            seconds = self.clients[name].wait_for_server()
            if number == 0:
                self.timings["first user server ready"] = seconds
            self.submit(self.clients[name])

        self.check_cannot_see_each_other()
        self.open_an_app_and_pull_a_lesson(self.clients[room.students[0]])
        _ok(instructor.grader("POST", f"assignment/{ASSIGNMENT}/collect"), "collect")
        result = run_as(
            room.instructor,
            "vidensbasering", "autograde", ASSIGNMENT, "--kursus", str(room.settings.course_root),
        )  # fmt: skip
        self.autograde_output = result.stdout + result.stderr
        assert result.returncode == 0, self.autograde_output
        self.grade_reflection(instructor)
        _ok(instructor.grader("POST", f"assignment/{ASSIGNMENT}/generate_feedback"), "feedback")
        _ok(instructor.grader("POST", f"assignment/{ASSIGNMENT}/release_feedback"), "release")
        self.read_scores(instructor)
        for name in room.students:
            self.fetch_feedback(self.clients[name])
        self.timings["whole cycle"] = time.perf_counter() - began

    def submit(self, student: HubUser) -> None:
        """Fetch through the student's own server, answer in the notebook, submit."""
        form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
        fetched = _assignment(student.server("POST", "assignments/fetch", data=form))
        path = next(a for a in fetched if a["status"] == "fetched")["notebooks"][0]["path"]
        self.fetched_paths[student.name] = path
        contents = _ok(student.server("GET", f"api/contents/{path}"), "open notebook")
        released = nbformat.from_dict(contents["content"])
        notebook = _answers(self.roles[student.name], released)
        saved = student.server(
            "PUT",
            f"api/contents/{path}",
            json={"type": "notebook", "format": "json", "content": notebook},
        )
        assert saved.status_code == 200, saved.text
        submitted = _assignment(student.server("POST", "assignments/submit", data=form))
        assert any(a["status"] == "submitted" for a in submitted), submitted

    def check_cannot_see_each_other(self) -> None:
        """Unix rights and the hub's own checks, tried as one student against the others."""
        room = self.room
        other, first = room.students[1], room.students[0]
        forbidden = {
            "the exchange's inbox": room.settings.exchange / COURSE / "inbound",
            "another student's home": Path(f"/home/{first}"),
            "another student's notebook": Path(f"/home/{first}") / self.fetched_paths[first],
            "the course folder": room.settings.course_root,
            "the gradebook": room.settings.course_root / "gradebook.db",
            "the hub's course source": hub.PROJECT_ROOT / "course" / "source" / ASSIGNMENT,
        }
        for what, path in forbidden.items():
            command = ("ls", str(path)) if what != "the gradebook" else ("cat", str(path))
            result = run_as(other, *command)
            assert result.returncode != 0, f"{other} could read {what} ({path})"
            assert "Permission denied" in result.stderr, (what, result.stderr)
        client = self.clients[other]
        assert client.call("GET", f"/user/{first}/api/contents").status_code == 403
        assert client.server("GET", f"api/contents/..%2F{first}").status_code in (400, 403, 404)
        assert client.grader("GET", "status").status_code == 403
        assert client.grader("GET", f"submissions/{ASSIGNMENT}").status_code == 403

    def open_an_app_and_pull_a_lesson(self, student: HubUser) -> None:
        """Voila lists the apps of the student's copy of the lessons; nbgitpuller pulls one.

        Only Voila's listing is fetched: rendering an app executes it, which on a loaded test
        machine took minutes and once never finished (voila#1428, STACK-NOTES); the apps
        themselves are rendered in Chromium by tests/browser.
        """
        apps = f"voila/tree/{hub.USER_COURSE_FOLDER}/notebooks/apps"
        listing = student.server("GET", apps)
        assert listing.status_code == 200, listing.text[:2000]
        self.app_page = listing.text
        folder = student.server("GET", f"api/contents/{hub.USER_COURSE_FOLDER}/notebooks/apps")
        self.app_files = sorted(item["name"] for item in _ok(folder, "apps folder")["content"])
        repo = self.room.lesson_repository(owner=student.name)
        query = {"repo": f"file://{repo}", "branch": "main", "targetpath": "lektioner"}
        with student.server("GET", "git-pull/api", params=query, stream=True) as events:
            self.pull_events = events.text
        lesson = student.server("GET", "api/contents/lektioner/lektion.ipynb")
        assert lesson.status_code == 200, (self.pull_events, lesson.text)

    def grade_reflection(self, instructor: HubUser) -> None:
        """What the instructor does in the formgrader: full marks for the correct reflection."""
        correct = next(n for n, role in self.roles.items() if role == CORRECT)
        submissions = _ok(
            instructor.grader("GET", f"submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}"), "list"
        )
        submission = next(s for s in submissions if s["student"] == correct)
        grades = _ok(
            instructor.grader("GET", "grades", params={"submission_id": submission["id"]}), "grades"
        )
        reflection = next(g for g in grades if g["name"] == "opg5_refleksion")
        graded = instructor.grader(
            "PUT", f"grade/{reflection['id']}", json={"manual_score": REFLECTION_POINTS}
        )
        _ok(graded, "hand grading")

    def read_scores(self, instructor: HubUser) -> None:
        for row in _ok(instructor.grader("GET", f"submissions/{ASSIGNMENT}"), "submissions"):
            self.scores[row["student"]] = row
        submissions = _ok(
            instructor.grader("GET", f"submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}"), "list"
        )
        for submission in submissions:
            grades = _ok(
                instructor.grader("GET", "grades", params={"submission_id": submission["id"]}),
                "grades",
            )
            self.cell_scores[submission["student"]] = {
                g["name"]: g["manual_score"] if g["manual_score"] is not None else g["auto_score"]
                for g in grades
            }

    def fetch_feedback(self, student: HubUser) -> None:
        form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
        listed = _assignment(student.server("POST", "assignments/fetch_feedback", data=form))
        submitted = next(a for a in listed if a["status"] == "submitted")
        latest = submitted["submissions"][-1]  # sorted by time stamp
        assert latest["has_local_feedback"], latest
        feedback_dir = latest["local_feedback_path"]  # relative to the server's root
        html_path = f"{feedback_dir}/{ASSIGNMENT}.html"
        opened = _ok(student.server("GET", f"api/contents/{html_path}?format=text"), "feedback")
        self.feedback[student.name] = opened["content"]


@pytest.fixture(scope="module")
def cycle() -> Iterator[Cycle]:
    room = Classroom(students=3)
    run = Cycle(room)
    with room.closed_afterwards(ARTIFACTS / "hub.log"):
        room.open_project()
        room.add_users()
        run.run()
        print()
        for what, seconds in run.timings.items():
            print(f"hub timing: {what}: {seconds:.1f} s")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "timings.json").write_text(json.dumps(run.timings, indent=2))
        for name, page in run.feedback.items():
            (ARTIFACTS / f"feedback-{run.roles[name]}.html").write_text(page, encoding="utf-8")
        yield run


def test_each_student_gets_the_pipeline_tests_exact_scores(cycle: Cycle) -> None:
    for name, role in cycle.roles.items():
        row = cycle.scores[name]
        assert row["score"] == EXPECTED_SCORES[role], (role, row, cycle.autograde_output)
        assert row["max_score"] == 10.0
        for grade_id, score in EXPECTED_CELL_SCORES.get(role, {}).items():
            assert cycle.cell_scores[name][grade_id] == score, (role, grade_id)
    blank = next(n for n, r in cycle.roles.items() if r == BLANK)
    assert cycle.scores[blank]["autograded"]


def test_feedback_reaches_each_student_without_hidden_tests(cycle: Cycle) -> None:
    for name, role in cycle.roles.items():
        page = html.unescape(cycle.feedback[name])
        # nbgrader's feedback heading: "<assignment> (Score: <points> / <max>)".
        assert f"(Score: {EXPECTED_SCORES[role]:.1f} / 10.0)</h4>" in page, role
        assert hidden_test_code(page, HIDDEN_MARKER) == [], name
        # The feedback is the student's own: the reflection of the correct answer is there.
        if role == CORRECT:
            assert "selektion" in page


def test_voila_lists_the_apps_and_a_lesson_link_pulls_on_a_students_server(cycle: Cycle) -> None:
    # Voila's listing page of the student's apps folder (its links are drawn by JavaScript),
    # and the apps in the student's own copy of the lessons.
    assert 'id="voila-tree-main"' in cycle.app_page
    apps = sorted(p.name for p in (hub.PROJECT_ROOT / "notebooks" / "apps").glob("*.ipynb"))
    assert [f for f in cycle.app_files if f.endswith(".ipynb")] == apps
    assert '"phase": "finished"' in cycle.pull_events


def test_the_autograde_command_reported_every_student(cycle: Cycle) -> None:
    for name in cycle.room.students:
        assert name in cycle.autograde_output


def test_the_formgrader_renders_in_chromium_inside_the_hub(
    cycle: Cycle, playwright: Playwright
) -> None:
    # pytest-playwright's session-wide Playwright: a second sync_playwright() in the same run
    # (after the browser tests) is refused.
    room = cycle.room
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "formgrader.png"
    url = f"{room.base}/services/{hub.GRADER_SERVICE}/formgrader"
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{room.base}/hub/login")
        page.fill("#username_input", room.instructor)
        page.fill("#password_input", room.password[room.instructor])
        page.click("#login_submit")
        page.wait_for_url("**/hub/**")
        answer = page.goto(url)
        assert answer is not None and answer.ok
        assert "frame-ancestors 'self'" in answer.headers.get("content-security-policy", "")
        row = page.locator("tr", has_text=ASSIGNMENT).first
        row.wait_for(timeout=60_000)
        assert "3" in row.inner_text()  # three submissions
        page.screenshot(path=str(shot), full_page=True)
        # The formgrader inside a frame of the hub, as JupyterLab's panel shows it
        # (blank when frame-ancestors forbids it, nbgrader#1870).
        page.goto(f"{room.base}/hub/home")
        page.evaluate(
            """url => { const f = document.createElement('iframe');
            f.id = 'fg'; f.src = url; f.style.width = '1000px'; f.style.height = '600px';
            document.body.prepend(f); }""",
            url,
        )
        framed = page.frame_locator("#fg").locator("tr", has_text=ASSIGNMENT).first
        framed.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "formgrader-in-frame.png"))
    finally:
        browser.close()
    assert shot.stat().st_size > 10_000
