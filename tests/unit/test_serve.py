"""How the course is served: arguments, environment, and the project's Jupyter configuration."""

from __future__ import annotations

import json
import os
import re
import sysconfig
from pathlib import Path

import pytest
from voila.server_extension import load_config_file

from vidensbasering import serve

ROOT = Path(__file__).resolve().parents[2]


def test_lab_arguments_serve_locally_with_token(tmp_path: Path) -> None:
    args = serve.lab_arguments(tmp_path, port=9123, token="abc")
    assert "--ServerApp.ip=127.0.0.1" in args
    assert "--ServerApp.port=9123" in args
    assert f"--ServerApp.root_dir={tmp_path}" in args
    assert "--IdentityProvider.token=abc" in args
    assert "--no-browser" in args
    # Jupyter refuses to run as root without this flag; never add it for other users.
    assert ("--allow-root" in args) == (hasattr(os, "geteuid") and os.geteuid() == 0)
    # No start notebook in tmp_path: nothing to open.
    assert serve.START_NOTEBOOK not in args
    assert not any(arg.startswith("--LabApp.default_url") for arg in args)


def test_lab_arguments_open_start_notebook_when_present(tmp_path: Path) -> None:
    notebook = tmp_path / serve.START_NOTEBOOK
    notebook.parent.mkdir(parents=True)
    notebook.write_text("{}")
    args = serve.lab_arguments(tmp_path, extra=["--ServerApp.port_retries=0"])
    assert args[-1] == serve.START_NOTEBOOK
    assert f"--LabApp.default_url=/lab/tree/{serve.START_NOTEBOOK}" in args
    assert "--ServerApp.port_retries=0" in args


def test_server_environment_prepends_project_paths(tmp_path: Path) -> None:
    env = serve.server_environment(tmp_path, base={"JUPYTER_CONFIG_PATH": "/elsewhere", "X": "1"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(tmp_path / "etc" / "jupyter"),
        "/elsewhere",
    ]
    assert env["JUPYTER_PATH"] == str(serve.jupyter_data_dir())
    assert env["X"] == "1"
    # This environment's scripts (jupyter, nbgrader, alembic) come first on PATH.
    assert env["PATH"].split(os.pathsep)[0] == sysconfig.get_path("scripts")
    again = serve.server_environment(tmp_path, base=env)
    assert again["PATH"] == env["PATH"]


def test_check_root_explains_a_wrong_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="--root"):
        serve.check_root(tmp_path)
    assert serve.check_root(ROOT) == ROOT


def test_port_out_of_range_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        serve.main(["--port", "70000"])
    assert "between 1 and 65535" in capsys.readouterr().err


def test_voila_page_config_hook_removes_mathjax_cdn() -> None:
    config = serve.voila_page_config(
        {"fullMathjaxUrl": "https://cdnjs.cloudflare.com/x.js", "mathjaxConfig": "TeX", "a": 1}
    )
    assert config == {"fullMathjaxUrl": None, "mathjaxConfig": None, "a": 1}


def test_voila_template_extends_lab_and_links_no_cdn() -> None:
    template = serve.jupyter_data_dir() / "voila" / "templates" / serve.VOILA_TEMPLATE
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    text = (template / "index.html.j2").read_text()
    assert "{%- extends 'lab/index.html.j2' -%}" in text
    # No address outside the page (the SVG namespace is a name, not a request).
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', text)
    # The only link is the blank favicon, inline, which spares the browser a request.
    assert re.findall(r'<link[^>]*href="([^"]*)"', text) == ["data:;base64,="]


def test_voila_reads_the_project_config(monkeypatch: pytest.MonkeyPatch) -> None:
    # Voila's server extension looks for voila.py/voila.json on JUPYTER_CONFIG_PATH.
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / serve.CONFIG_DIR))
    monkeypatch.chdir(ROOT)
    voila = load_config_file().VoilaConfiguration
    assert voila.template == serve.VOILA_TEMPLATE
    assert voila.allow_template_override == "NO"
    assert "@jupyter/nbgrader" in voila.extension_denylist
    assert voila.page_config_hook is serve.voila_page_config


def test_nbgrader_server_config_points_at_course_root() -> None:
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(
        "nbgrader_config.py", path=str(ROOT / serve.CONFIG_DIR)
    ).load_config()
    assert Path(config.CourseDirectory.root) == ROOT / "course"


def test_server_config_enables_voila_and_formgrader() -> None:
    config = json.loads((ROOT / serve.CONFIG_DIR / "jupyter_server_config.json").read_text())
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions["voila.server_extension"] is True
    assert extensions["nbgrader.server_extensions.formgrader"] is True


def test_app_url() -> None:
    assert serve.app_url("videnskvalitet") == "/voila/render/notebooks/apps/videnskvalitet.ipynb"


def test_app_url_on_a_hub_users_server_carries_the_base_url_and_the_course_folder() -> None:
    # JupyterHub serves ida's server under /user/ida/; the lessons are in ~/vidensbasering.
    url = serve.app_url("videnskvalitet", "/user/ida/", "vidensbasering/notebooks/apps")
    assert url == "/user/ida/voila/render/vidensbasering/notebooks/apps/videnskvalitet.ipynb"
    # Slashes at either end of the settings do not matter.
    assert serve.app_folder_url("user/ida", "/vidensbasering/notebooks/apps/") == (
        "/user/ida/voila/render/vidensbasering/notebooks/apps/"
    )


def test_command_runs_this_module_with_the_options(tmp_path: Path) -> None:
    argv = serve.command(tmp_path, port=9001, token="t", extra=["--debug"])
    assert argv[1:3] == ["-m", "vidensbasering.serve"]
    assert argv[3:] == [
        "--root",
        str(tmp_path),
        "--host",
        "127.0.0.1",
        "--port",
        "9001",
        "--token",
        "t",
        "--",
        "--debug",
    ]
