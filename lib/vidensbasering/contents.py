"""The server's contents manager: notebooks open in JupyterLab without showing as changed.

When a notebook's kernel has started, JupyterLab writes the kernel's ``language_info`` (name,
version, mimetype, ...) into the notebook's metadata; when that differs from what the file holds,
the notebook shows as changed (unsaved) before the student has done anything. The course's
notebooks cannot hold the full value: it names the Python version of the computer that runs the
kernel (3.11, 3.12 or 3.13). So the server fills it in when it hands a notebook to JupyterLab,
from the same place the kernel takes it (``ipykernel``'s ``IPythonKernel.language_info``; the
kernel runs the server's Python). Set in ``etc/jupyter/jupyter_server_config.py``.
"""

from __future__ import annotations

import copy
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

#: The kernel every course notebook names (``metadata.kernelspec.name``).
KERNEL_NAME = "python3"


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


class CourseContentsManager(AsyncLargeFileManager):
    """Jupyter's default contents manager, with Python notebooks' ``language_info`` filled in."""

    async def get(self, path: str, content: bool = True, **kwargs: Any) -> dict[str, Any]:
        """Return the model of ``path`` as the default manager does (see module docs)."""
        model = await super().get(path, content=content, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            complete_language_info(model["content"])
        return model
