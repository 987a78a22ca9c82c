"""Notebooks open in JupyterLab without showing as changed (vidensbasering.contents).

JupyterLab writes the kernel's ``kernelspec`` and ``language_info`` into a notebook once its
kernel answers ``kernel_info``, and marks the notebook changed when either differs from what it
loaded (JSON deep equality). Here a real ``python3`` kernel is asked, and every notebook a
student opens is loaded through the server's contents manager: both must already be equal.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

from vidensbasering.contents import CourseContentsManager

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def kernel_info() -> dict:
    """The kernel_info reply's content of a freshly started python3 kernel."""
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=180)
    try:
        client.kernel_info()
        return client.get_shell_msg(timeout=60)["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_metadata_equals_what_the_kernel_reports(kernel_info: dict, path: str) -> None:
    manager = CourseContentsManager(root_dir=str(ROOT))
    # In its own thread: after the browser tests, Playwright's sync API keeps an event loop
    # running in the main thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        model = pool.submit(asyncio.run, manager.get(path)).result()
    metadata = model["content"]["metadata"]
    assert metadata["language_info"] == kernel_info["language_info"]
    spec = KernelSpecManager().get_kernel_spec("python3")
    # What JupyterLab's NotebookPanel._updateSpec writes.
    assert metadata["kernelspec"] == {
        "name": "python3",
        "display_name": spec.display_name,
        "language": spec.language,
    }
