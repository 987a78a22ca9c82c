"""The server's contents manager: notebooks open without showing as changed, app links work.

**App links.** The course's notebooks link an app as ``make start`` serves it, by its path from
the project root: ``[Videnskvalitet](/voila/render/notebooks/apps/videnskvalitet.ipynb)``.
JupyterLab leaves such a root-absolute link as it is (it resolves and takes over only relative
links, which it opens as files in JupyterLab, never in Voila), so on a server with another base
URL or another folder layout the link misses: on the hub it reaches the hub itself
(``/hub/voila/render/...``, 404) instead of ``/user/<name>/voila/render/vidensbasering/...``.
The server knows both its base URL and where its apps are
(:attr:`CourseContentsManager.app_folder`), so when it hands a notebook to JupyterLab it writes
each app link with its own address (:func:`link_apps_for_server`), and when a notebook is saved
it writes them back as the course holds them (:func:`link_apps_for_course`): files on disk keep
one form whichever server saved them. Under ``make start`` both forms are the same.

**Unchanged on opening.** When a notebook's kernel has started, JupyterLab writes the kernel's
``language_info`` (name, version, mimetype, ...) into the notebook's metadata; when that differs
from what the file holds, the notebook shows as changed (unsaved) before the student has done
anything. The course's notebooks cannot hold the full value: it names the Python version of the
computer that runs the kernel (3.11, 3.12 or 3.13). So the server fills it in when it hands a
notebook to JupyterLab, from the same place the kernel takes it (``ipykernel``'s
``IPythonKernel.language_info``; the kernel runs the server's Python). Set in
``etc/jupyter/jupyter_server_config.py``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from traitlets import Unicode

from vidensbasering.serve import APP_FOLDER, app_folder_url

#: The kernel every course notebook names (``metadata.kernelspec.name``).
KERNEL_NAME = "python3"
#: How the course's notebooks start an app link: ``make start``'s address of the app folder.
COURSE_APP_LINK = app_folder_url()


def kernel_language_info() -> dict[str, Any]:
    """Return the ``language_info`` a ``python3`` kernel of this Python reports (a copy)."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(IPythonKernel.language_info)


def complete_language_info(notebook: dict[str, Any]) -> None:
    """Set a Python notebook's ``metadata.language_info`` to what its kernel will report.

    Only notebooks for the ``python3`` kernel whose language is Python are touched; others are
    left as they are. Changes ``notebook`` in place.
    """
    metadata = notebook.get("metadata", {})
    kernel = metadata.get("kernelspec", {}).get("name")
    language = metadata.get("language_info", {}).get("name", "python")
    if kernel == KERNEL_NAME and language == "python":
        metadata["language_info"] = kernel_language_info()


def _relink(text: str, old: str, new: str) -> str:
    # Only Markdown link targets, which start right after "](".
    return re.sub(r"(?<=\]\()" + re.escape(old), lambda _: new, text)


def _relink_markdown_cells(notebook: dict[str, Any], old: str, new: str) -> None:
    if old == new:
        return
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            if isinstance(source, list):  # nbformat allows a list of lines
                source = "".join(source)
            relinked = _relink(source, old, new)
            if relinked != source:
                cell["source"] = relinked


def link_apps_for_server(notebook: dict[str, Any], server_app_link: str) -> None:
    """Point the app links of a notebook's Markdown cells at a server's own Voila.

    Args:
        notebook: a notebook as a dict (nbformat 4); changed in place.
        server_app_link: the server's address of the app folder,
            :func:`vidensbasering.serve.app_folder_url` of its base URL and app folder.

    Each Markdown link target starting with :data:`COURSE_APP_LINK` gets ``server_app_link``
    instead; nothing else changes. :func:`link_apps_for_course` undoes it.
    """
    _relink_markdown_cells(notebook, COURSE_APP_LINK, server_app_link)


def link_apps_for_course(notebook: dict[str, Any], server_app_link: str) -> None:
    """Write a server's app links back as the course holds them (inverse of the above)."""
    _relink_markdown_cells(notebook, server_app_link, COURSE_APP_LINK)


class CourseContentsManager(AsyncLargeFileManager):
    """Jupyter's default contents manager, with ``language_info`` filled in and app links fitted.

    See the module docs; set in ``etc/jupyter/jupyter_server_config.py``.
    """

    app_folder = Unicode(
        APP_FOLDER,
        config=True,
        help="Folder of the app notebooks relative to the server's root (app links point there).",
    )

    def server_app_link(self) -> str:
        """This server's address of the app folder (its base URL, ``voila/render/``, the folder)."""
        base_url = getattr(self.parent, "base_url", "/") or "/"
        return app_folder_url(base_url, self.app_folder)

    async def get(self, path: str, content: bool = True, **kwargs: Any) -> dict[str, Any]:
        """Return the model of ``path`` as the default manager does (see module docs)."""
        model = await super().get(path, content=content, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            complete_language_info(model["content"])
            link_apps_for_server(model["content"], self.server_app_link())
        return model

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Save as the default manager does, with app links as the course holds them."""
        if model.get("type") == "notebook" and model.get("content"):
            model = {**model, "content": copy.deepcopy(model["content"])}
            link_apps_for_course(model["content"], self.server_app_link())
        return await super().save(model, path)
