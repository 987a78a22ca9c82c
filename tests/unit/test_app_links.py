"""App links in notebooks lead to the Voila of the server that shows them (vidensbasering.contents).

The course's notebooks link apps with ``make start``'s address; a user's server on the hub lives
under ``/user/<name>/`` with the lessons in ``~/vidensbasering``, where that address reaches the
hub and 404s. The contents manager hands notebooks to JupyterLab with the server's own address
and saves them with the course's.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from jupyter_events import EventLogger
from jupyter_server.serverapp import ServerApp

from vidensbasering.contents import (
    CourseContentsManager,
    link_apps_for_course,
    link_apps_for_server,
)

ROOT = Path(__file__).resolve().parents[2]
HUB_LINK = "/user/ida/voila/render/vidensbasering/notebooks/apps/"
START = "[Videnskvalitet](/voila/render/notebooks/apps/videnskvalitet.ipynb) | Vælg"


def _markdown(*sources: str) -> dict:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(s) for s in sources]
    notebook.cells.append(nbformat.v4.new_code_cell('"/voila/render/notebooks/apps/x.ipynb"'))
    return json.loads(json.dumps(notebook))  # plain dicts, as in a contents model


def test_server_links_carry_the_users_prefix_and_go_back_unchanged() -> None:
    notebook = _markdown(
        START, "Se [lektionen](01-videnskvalitet.ipynb) og /voila/render/ i tekst."
    )
    before = json.loads(json.dumps(notebook))
    link_apps_for_server(notebook, HUB_LINK)
    assert notebook["cells"][0]["source"] == (
        "[Videnskvalitet](/user/ida/voila/render/vidensbasering/notebooks/apps/"
        "videnskvalitet.ipynb) | Vælg"
    )
    # Only Markdown link targets: lesson links, running text and code stay as they were.
    assert notebook["cells"][1:] == before["cells"][1:]
    link_apps_for_course(notebook, HUB_LINK)
    assert notebook == before


def test_make_starts_server_leaves_links_as_they_are() -> None:
    notebook = _markdown(START)
    link_apps_for_server(notebook, "/voila/render/notebooks/apps/")
    assert notebook["cells"][0]["source"] == START


def _run(coroutine):
    # In its own thread: after the browser tests, Playwright's sync API keeps an event loop
    # running in the main thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_hub_servers_contents_manager_fits_the_start_pages_links(tmp_path: Path) -> None:
    """The start page as a hub user's server opens and saves it."""
    home = tmp_path / "ida"
    lessons = home / "vidensbasering" / "notebooks"
    lessons.mkdir(parents=True)
    shutil.copy2(ROOT / "notebooks" / "00-start.ipynb", lessons)
    on_disk = (lessons / "00-start.ipynb").read_text(encoding="utf-8")
    # The base URL jupyterhub-singleuser gives ida's server (not started here).
    server = ServerApp(base_url="/user/ida/", event_logger=EventLogger())
    manager = CourseContentsManager(
        parent=server, root_dir=str(home), app_folder="vidensbasering/notebooks/apps"
    )

    model = _run(manager.get("vidensbasering/notebooks/00-start.ipynb"))
    text = "\n".join(c["source"] for c in model["content"]["cells"])
    for app in sorted(p.stem for p in (ROOT / "notebooks" / "apps").glob("*.ipynb")):
        assert f"]({HUB_LINK}{app}.ipynb)" in text
    assert "](/voila/render/" not in text

    _run(manager.save(model, "vidensbasering/notebooks/00-start.ipynb"))
    saved = nbformat.read(lessons / "00-start.ipynb", as_version=4)
    assert saved.cells == nbformat.reads(on_disk, as_version=4).cells
