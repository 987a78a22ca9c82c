"""The `vidensbasering` command line: exit codes and the messages an instructor reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import PROJECT_ROOT
from typer.testing import CliRunner

from vidensbasering import cli
from vidensbasering.course import Difference

runner = CliRunner()


def test_check_lists_what_is_out_of_step_and_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = [
        Difference("changed", "exercises/videnskvalitet/videnskvalitet.ipynb"),
        Difference("missing", "solutions/videnskvalitet/videnskvalitet.ipynb"),
    ]
    monkeypatch.setattr(cli, "check", lambda root: found)
    result = runner.invoke(cli.app, ["check", "--project", str(PROJECT_ROOT)])
    assert result.exit_code == 1
    assert "ændret: exercises/videnskvalitet/videnskvalitet.ipynb" in result.output
    assert "mangler: solutions/videnskvalitet/videnskvalitet.ipynb" in result.output
    assert "vidensbasering build" in result.output


def test_check_in_step_exits_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "check", lambda root: [])
    result = runner.invoke(cli.app, ["check", "--project", str(PROJECT_ROOT)])
    assert result.exit_code == 0
    assert "i takt" in result.output


def test_outside_a_project_the_command_says_where_it_looked(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["check", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "course/nbgrader_config.py" in result.output
