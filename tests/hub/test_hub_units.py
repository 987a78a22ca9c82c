"""The hub's small helpers: settings, groups, which collected submissions need grading."""

from __future__ import annotations

import grp
import os
import sys
from pathlib import Path

import pytest
from nbgrader.auth import JupyterHubAuthPlugin
from nbgrader.auth.jupyterhub import JupyterhubEnvironmentError

from vidensbasering import hub
from vidensbasering.course.collected import collected_students, needs_grading
from vidensbasering.hub_auth import FormgraderAuthPlugin


def test_settings_default_to_nbgraders_exchange_and_the_course_account() -> None:
    settings = hub.settings({})
    assert settings.exchange == Path("/srv/nbgrader/exchange")
    assert settings.course_owner == "grader-vidensbasering"
    assert settings.course_root.name == "vidensbasering"
    assert (settings.ip, settings.port) == ("127.0.0.1", 8000)


def test_settings_come_from_the_environment() -> None:
    settings = hub.settings(
        {"VIDENSBASERING_COURSE_OWNER": "lene", "VIDENSBASERING_COURSE_ROOT": "/srv/kursus",
         "VIDENSBASERING_HUB_PORT": "8123", "VIDENSBASERING_CULL_TIMEOUT": "600"}
    )  # fmt: skip
    assert settings.course_owner == "lene"
    assert settings.course_root == Path("/srv/kursus")
    assert settings.port == 8123
    assert settings.cull_timeout == 600


def test_users_servers_read_the_hub_settings_before_the_projects() -> None:
    env = hub.server_environment(hub.settings({}), "user")
    paths = env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    # The first folder wins in Jupyter's config path: the hub's course root and exchange must
    # override etc/jupyter's course root (the project's course/, closed to users).
    assert paths[0].endswith("deploy/hub/jupyter/user")
    assert paths[-1].endswith("etc/jupyter")
    assert env["VIDENSBASERING_EXCHANGE"] == "/srv/nbgrader/exchange"


def test_instructors_get_the_formgrader_and_students_only_the_exchange() -> None:
    assert hub.course_hub_groups(instructor=False) == ["nbgrader-vidensbasering"]
    assert hub.course_hub_groups(instructor=True) == [
        "formgrade-vidensbasering",
        "instructors",
        "nbgrader-vidensbasering",
    ]


def _notebook(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / "videnskvalitet.ipynb"
    path.write_text("{}", encoding="utf-8")
    return path


def test_only_new_or_changed_collected_submissions_need_grading(tmp_path: Path) -> None:
    submitted = tmp_path / "submitted"
    new = _notebook(submitted / "ida" / "videnskvalitet")
    graded = _notebook(submitted / "mads" / "videnskvalitet")
    changed = _notebook(submitted / "søren" / "videnskvalitet")
    (submitted / "tom" / "videnskvalitet").mkdir(parents=True)  # no notebook: not a submission
    _notebook(submitted / "ida" / "forandringsteori")  # another assignment
    for student, age in (("mads", 100), ("søren", 100)):
        folder = tmp_path / "autograded" / student / "videnskvalitet"
        folder.mkdir(parents=True)
        os.utime(folder, (new.stat().st_mtime, new.stat().st_mtime))
        os.utime(tmp_path / "submitted" / student / "videnskvalitet" / "videnskvalitet.ipynb",
                 (new.stat().st_mtime - age, new.stat().st_mtime - age))  # fmt: skip
    os.utime(changed, (new.stat().st_mtime + 100, new.stat().st_mtime + 100))
    assert graded.stat().st_mtime < new.stat().st_mtime

    assert collected_students(tmp_path, "videnskvalitet") == ["ida", "mads", "søren"]
    need = [s for s in ("ida", "mads", "søren") if needs_grading(tmp_path, "videnskvalitet", s)]
    assert need == ["ida", "søren"]
    assert collected_students(tmp_path / "nowhere", "videnskvalitet") == []


def test_the_formgrader_counts_its_own_account_in_the_course_without_asking_the_hub(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "*" is the formgrader's own account (grader-vidensbasering by default, not a hub user: the
    # hub answers 404 for it). Outside a hub nbgrader's own plugin cannot even ask.
    for name in ("JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(JupyterhubEnvironmentError):
        JupyterHubAuthPlugin().get_student_courses("*")
    plugin = FormgraderAuthPlugin()
    assert plugin.get_student_courses("*") == [hub.COURSE_ID]
    # A named student is still looked up in the hub.
    with pytest.raises(JupyterhubEnvironmentError):
        plugin.get_student_courses("ida")


def test_make_hub_stops_before_changing_anything_when_other_accounts_cannot_reach_python(
    tmp_path: Path,
) -> None:
    # A project whose .venv Python sits in a folder other accounts cannot pass (like /root).
    closed = tmp_path / "closed"
    (closed / "projekt" / ".venv" / "bin").mkdir(parents=True)
    (closed / "projekt" / ".venv" / "bin" / "python").symlink_to(sys.executable)
    closed.chmod(0o700)
    settings = hub.settings(
        {"VIDENSBASERING_HUB_DIR": str(tmp_path / "state"),
         "VIDENSBASERING_EXCHANGE": str(tmp_path / "exchange"),
         "VIDENSBASERING_STUDENT_GROUP": "vbt-findes-ikke-stud",
         "VIDENSBASERING_INSTRUCTOR_GROUP": "vbt-findes-ikke-und"}
    )  # fmt: skip
    problems = hub.prepare(settings, closed / "projekt")
    assert len(problems) == 1 and "chmod o+x " in problems[0], problems
    assert f" {closed} " in problems[0], problems
    assert not (tmp_path / "state").exists() and not (tmp_path / "exchange").exists()
    for group in (settings.student_group, settings.instructor_group):
        with pytest.raises(KeyError):
            grp.getgrnam(group)
