"""Serve the course: JupyterLab on the start notebook, with nbgrader's formgrader and Voila's apps.

This module is the one place that knows how the course is served; ``make start``, the browser
tests and the start-up benchmark all run ``python -m vidensbasering.serve``::

    python -m vidensbasering.serve [--port 8888] [--host 127.0.0.1] [--token TOKEN] [--root DIR]
                                   [-- extra JupyterLab options]

It points Jupyter at the project's configuration in ``<root>/etc/jupyter`` (``JUPYTER_CONFIG_PATH``:
``jupyter_server_config.json``, ``voila.py``, ``nbgrader_config.py``,
``labconfig/page_config.json``) and at the Voila page template that ships with this package
(``JUPYTER_PATH``), then starts JupyterLab in this process so that stopping this process (Ctrl-C,
SIGTERM) stops the server and its kernels.

Each app in ``notebooks/apps/<app>.ipynb`` is then served at
``/voila/render/notebooks/apps/<app>.ipynb``.
"""

from __future__ import annotations

import argparse
import os
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

#: Name of the Voila template shipped in ``vidensbasering/jupyter/voila/templates/``.
VOILA_TEMPLATE = "vidensbasering"

#: The notebook JupyterLab opens first, relative to the project root.
START_NOTEBOOK = "notebooks/00-start.ipynb"

#: Project configuration folder, relative to the project root (read via ``JUPYTER_CONFIG_PATH``).
CONFIG_DIR = "etc/jupyter"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8888


def jupyter_data_dir() -> Path:
    """Return the folder holding this package's Jupyter data (the Voila page template).

    The folder has the layout of a Jupyter data directory (``voila/templates/<name>/``) so that
    it can be put on ``JUPYTER_PATH``, where Voila looks up templates.
    """
    return Path(str(resources.files(__package__).joinpath("jupyter")))


#: Folder of the app notebooks, relative to the server's root under ``make start`` (the project).
APP_FOLDER = "notebooks/apps"


def app_folder_url(base_url: str = "/", app_folder: str = APP_FOLDER) -> str:
    """Return the address under which a server's Voila renders the app notebooks, ending in ``/``.

    Args:
        base_url: the Jupyter server's base URL (``ServerApp.base_url``): ``/`` under ``make
            start``, ``/user/<name>/`` for a user's server on JupyterHub.
        app_folder: the apps' folder relative to the server's root (``ServerApp.root_dir``):
            ``notebooks/apps`` under ``make start``, ``vidensbasering/notebooks/apps`` on the hub,
            where the lessons are copied into each home folder.

    Returns:
        A root-absolute path, e.g. ``/user/ida/voila/render/vidensbasering/notebooks/apps/``.
    """
    base = base_url.strip("/")
    folder = app_folder.strip("/")
    return f"/{base}/voila/render/{folder}/" if base else f"/voila/render/{folder}/"


def app_url(app: str, base_url: str = "/", app_folder: str = APP_FOLDER) -> str:
    """Return the address of a Voila app on a server, e.g. ``/voila/render/notebooks/apps/x.ipynb``.

    Args:
        app: the app's notebook name without folder or suffix, e.g. ``"videnskvalitet"``.
        base_url: the server's base URL (see :func:`app_folder_url`; default ``make start``'s).
        app_folder: the apps' folder relative to the server's root (see :func:`app_folder_url`).
    """
    return f"{app_folder_url(base_url, app_folder)}{app}.ipynb"


def _prepend_path(value: str, existing: str | None) -> str:
    return value if not existing else os.pathsep.join([value, existing])


def server_environment(root: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment the server runs in: ``base`` plus the project's Jupyter paths.

    Args:
        root: the project root (the folder holding ``etc/jupyter``, ``notebooks`` and ``course``).
        base: the environment to extend; ``os.environ`` when ``None``.

    Returns:
        A new mapping where ``JUPYTER_CONFIG_PATH`` starts with ``<root>/etc/jupyter``,
        ``JUPYTER_PATH`` starts with this package's Jupyter data folder, and ``PATH`` holds this
        Python's scripts folder.
    """
    env = dict(os.environ if base is None else base)
    # make start runs .venv/bin/python without activating the environment: put its scripts
    # (jupyter, nbgrader, alembic, which nbgrader runs by name) on PATH for the server's children.
    scripts = sysconfig.get_path("scripts")
    if scripts not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = _prepend_path(scripts, env.get("PATH"))
    env["JUPYTER_CONFIG_PATH"] = _prepend_path(
        str(root / CONFIG_DIR), env.get("JUPYTER_CONFIG_PATH")
    )
    env["JUPYTER_PATH"] = _prepend_path(str(jupyter_data_dir()), env.get("JUPYTER_PATH"))
    return env


def lab_arguments(
    root: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the JupyterLab command-line arguments that serve the course.

    Args:
        root: the project root, served as JupyterLab's root folder.
        host: interface to listen on; the course is meant for ``127.0.0.1`` (this computer only).
        port: TCP port, 1–65535.
        token: access token; ``None`` lets Jupyter generate one and print it in the URL.
        extra: further JupyterLab options, passed last (they win over the ones set here).

    Returns:
        Arguments for ``jupyter lab`` (without the program name). ``--allow-root`` is added when
        running as root, since Jupyter refuses to start as root otherwise. When the start
        notebook exists, the printed address opens it.
    """
    args = [
        "--no-browser",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={root}",
    ]
    if token is not None:
        args.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    if (root / START_NOTEBOOK).is_file():
        # The address Jupyter prints (and opens) shows the start notebook in JupyterLab.
        args.append(f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}")
    args.extend(extra)
    if (root / START_NOTEBOOK).is_file():
        args.append(START_NOTEBOOK)
    return args


def command(
    root: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the command line that serves the course, as ``make start`` runs it.

    For tests and benchmarks that start the server in a subprocess; the arguments are those of
    :func:`main` (``extra`` is passed on to JupyterLab).
    """
    argv = [sys.executable, "-m", "vidensbasering.serve", "--root", str(root), "--host", host]
    argv += ["--port", str(port)]
    if token is not None:
        argv += ["--token", token]
    if extra:
        argv += ["--", *extra]
    return argv


def voila_page_config(page_config: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Voila ``page_config_hook``: keep MathJax off public CDNs.

    Voila's front end loads MathJax 2 from cdnjs when the page config names a MathJax URL (it
    always does by default); when both ``fullMathjaxUrl`` and ``mathjaxConfig`` are null it uses
    the MathJax 3 bundled with its JavaScript instead. Set in ``etc/jupyter/voila.py``.
    """
    return {**page_config, "fullMathjaxUrl": None, "mathjaxConfig": None}


def check_root(root: Path) -> Path:
    """Return ``root`` resolved, or raise if it does not look like the project folder.

    Raises:
        FileNotFoundError: ``root/etc/jupyter`` is missing (run from the project folder or pass
            ``--root``).
    """
    root = root.resolve()
    if not (root / CONFIG_DIR).is_dir():
        raise FileNotFoundError(
            f"{root / CONFIG_DIR} is missing: start the course from the project folder "
            "(the one with the Makefile) or pass --root <project folder>."
        )
    return root


def _parse(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m vidensbasering.serve",
        description="Serve the course: JupyterLab with nbgrader's formgrader and the Voila apps.",
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder")
    parser.add_argument("--host", default=DEFAULT_HOST, help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default 8888)")
    parser.add_argument("--token", default=None, help="access token (default: a random one)")
    args, extra = parser.parse_known_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, got {args.port}")
    return args, [x for x in extra if x != "--"]


def main(argv: Sequence[str] | None = None) -> None:
    """Start JupyterLab in this process with the course's configuration (blocks until stopped)."""
    args, extra = _parse(argv)
    root = check_root(args.root)
    os.environ.update(server_environment(root))
    os.chdir(root)
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(
        argv=lab_arguments(root, args.host, args.port, args.token, extra),
    )


if __name__ == "__main__":
    sys.exit(main())
