"""Autograde outside ``vidensbasering grade`` (formgrader API and button, ``nbgrader autograde``):
refused with a Danish pointer before anything is deleted or any student code runs.

A temporary project (the repository's ``etc/jupyter`` and a course copy) is served with
``python -m vidensbasering.serve``, as ``make start`` does; two students were graded before by the
sandboxed runner: a correct one and one whose notebook tries to read the course source.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import submission_fixtures as fixtures
from nbgrader.api import Gradebook
from pipeline_helpers import ASSIGNMENT, PROJECT_ROOT, answered, copy_course, correct_answers

from vidensbasering import serve
from vidensbasering.course import open_api
from vidensbasering.course.runner import autograde_submissions
from vidensbasering.i18n import t

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

CORRECT, ATTACK = "ida_jensen", "attack_read_course_source"
POINTER = "vidensbasering grade"


def _snapshot(course: Path) -> dict[str, object]:
    """Every autograded file's bytes and every student's total and per-cell scores."""
    files = {
        p.relative_to(course).as_posix(): p.read_bytes()
        for p in sorted((course / "autograded").rglob("*"))
        if p.is_file()
    }
    api = open_api(course)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        scores = {
            student: [
                (grade.name, grade.auto_score)
                for notebook in gradebook.find_submission(ASSIGNMENT, student).notebooks
                for grade in notebook.grades
            ]
            for student in (CORRECT, ATTACK)
        }
    return {"files": files, "scores": scores}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("VIDENSBASERING_DB_URL", raising=False)
        patch.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)
        root = tmp_path_factory.mktemp("formgrader") / "projekt"
        shutil.copytree(PROJECT_ROOT / "etc", root / "etc")
        course = copy_course(root / "course")
        api = open_api(course)
        assert api.generate_assignment(ASSIGNMENT)["success"]
        submissions = {
            CORRECT: nbformat.writes(answered(fixtures.released(), correct_answers())).encode(),
            ATTACK: fixtures.CASES[ATTACK](),
        }
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            for student, content in submissions.items():
                gradebook.update_or_create_student(student)
                folder = course / "submitted" / student / ASSIGNMENT
                folder.mkdir(parents=True)
                (folder / f"{ASSIGNMENT}.ipynb").write_bytes(content)
        outcomes = autograde_submissions(course, ASSIGNMENT, list(submissions), cell_timeout=20)
        assert [o.score for o in outcomes] == [7.0, 7.0]
        yield root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-4000:]
        try:
            with urllib.request.urlopen(f"{base_url}/api", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"server not ready:\n{log.read_text()[-4000:]}")


def _post(base_url: str, token: str, path: str) -> dict:
    request = urllib.request.Request(
        f"{base_url}{path}", data=b"", method="POST", headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())


def test_formgrader_autograde_is_refused_in_danish_and_deletes_nothing(project: Path) -> None:
    course = project / "course"
    before = _snapshot(course)
    port, token = _free_port(), secrets.token_hex(16)
    log = project / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            serve.command(project, port=port, token=token, extra=["--ServerApp.port_retries=0"]),
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_ready(base_url, process, log)
        for student in (CORRECT, ATTACK):
            path = f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde"
            answer = _post(base_url, token, path)
            assert answer["success"] is False, answer
            assert t("grading.autograde_use_grade") in answer["log"], answer
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    assert _snapshot(course) == before


def test_nbgrader_autograde_command_is_refused_in_danish_and_deletes_nothing(
    project: Path,
) -> None:
    course = project / "course"
    before = _snapshot(course)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("nbgrader")), "autograde", ASSIGNMENT, "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert t("grading.autograde_use_grade") in result.stdout + result.stderr
    assert POINTER in t("grading.autograde_use_grade")
    assert _snapshot(course) == before


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read()


def test_formgrade_page_loads_mathjax_from_the_server_not_a_cdn(project: Path) -> None:
    # nbconvert's macro loaded MathJax from cdnjs (issue 12, item 8): offline the grader saw raw
    # TeX, online the browser called a third party. The course serves MathJax itself.
    course = project / "course"
    api = open_api(course)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        submission_id = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, CORRECT).id
    port, token = _free_port(), secrets.token_hex(16)
    log = project / "server-mathjax.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            serve.command(project, port=port, token=token, extra=["--ServerApp.port_retries=0"]),
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_ready(base_url, process, log)
        page_url = f"{base_url}/formgrader/submissions/{submission_id}/"
        status, body = _get(page_url, token)
        html = body.decode("utf-8")
        assert status == 200
        assert "cdnjs" not in html
        scripts = re.findall(r'<script src="([^"]*MathJax\.js[^"]*)"', html)
        assert len(scripts) == 1, scripts
        # The script the page names is served by this server, and it is MathJax 2.7.
        script_url = urllib.parse.urljoin(page_url, scripts[0])
        assert script_url.startswith(f"{base_url}/static/"), script_url
        status, script = _get(script_url, token)
        assert status == 200
        assert b"MathJax.Hub" in script and b'"2.7.' in script
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
