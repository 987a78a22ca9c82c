"""course/nbgrader_config.py read the way nbgrader reads it, from a copy elsewhere on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbgrader.preprocessors import Execute
from pipeline_helpers import COURSE_DIR

from vidensbasering.course.build import load_course_config


@pytest.fixture
def copied_config(tmp_path: Path) -> Path:
    root = tmp_path / "et andet kursus"
    root.mkdir()
    shutil.copy2(COURSE_DIR / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


def test_root_is_the_folder_of_the_config_and_the_gradebook_is_sqlite_there(
    copied_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path("/"))
    config = load_course_config(copied_config)
    assert config.CourseDirectory.root == str(copied_config)
    assert config.CourseDirectory.course_id == "vidensbasering"
    assert config.CourseDirectory.db_url == f"sqlite:///{copied_config / 'gradebook.db'}"


def test_gradebook_url_and_cell_timeout_can_be_overridden(
    copied_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIDENSBASERING_DB_URL", "postgresql://retter@localhost/vidensbasering")
    monkeypatch.setenv("VIDENSBASERING_CELL_TIMEOUT", "5")
    config = load_course_config(copied_config)
    assert config.CourseDirectory.db_url == "postgresql://retter@localhost/vidensbasering"
    assert Execute(config=config).timeout == 5


def test_default_cell_timeout_applies_to_nbgraders_executor(copied_config: Path) -> None:
    # nbgrader's own default is 30 s; the course allows 60 s (loading the CPS data takes a while).
    assert Execute(config=load_course_config(copied_config)).timeout == 60
