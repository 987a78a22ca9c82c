"""nbgrader's exchange in single-user mode (``make start``): no errors, an assignment list.

nbgrader's default exchange (/usr/local/share/nbgrader/exchange) does not exist on a student's
computer: the server then logged CRITICAL "Unwritable directory ... exchange" on every request
of the Assignment List, whose ``/courses`` answered ``success: false`` ("Error fetching
courses!"). The project's etc/jupyter/nbgrader_config.py points the exchange at course/exchange.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from .conftest import ROOT, Server

pytestmark = pytest.mark.browser


def get_json(server: Server, path: str) -> object:
    """GET ``path`` with the token header and return the decoded JSON body."""
    request = urllib.request.Request(
        server.base_url + path, headers={"Authorization": f"token {server.token}"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_assignment_list_answers_without_exchange_errors(course_server: Server) -> None:
    courses = get_json(course_server, "/courses")
    # Nothing has been released into the project's exchange: a successful, empty list.
    assert courses == {"success": True, "value": []}
    assignments = get_json(course_server, "/assignments?course_id=vidensbasering")
    assert assignments == {"success": True, "value": []}
    # The formgrader is found for the course (the Course List panel).
    formgraders = get_json(course_server, "/formgraders")
    assert formgraders["success"] is True
    assert [c["course_id"] for c in formgraders["value"]] == ["vidensbasering"]
    assert (ROOT / "course" / "exchange").is_dir()
    log = course_server.log.read_text()
    assert "Unwritable directory" not in log
    assert "CRITICAL" not in log
