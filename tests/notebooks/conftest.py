"""Each notebook is executed once per test session; tests that inspect outputs share the run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

CELL_TIMEOUT = 180  # seconds per cell; the slowest cell fits OLS on 16,177 rows


@pytest.fixture(scope="session")
def executed_notebook() -> Callable[[Path], nbformat.NotebookNode]:
    """Return a function that executes a notebook with nbclient (once) and returns it with outputs.

    The notebook runs in its own folder with the ``python3`` kernel; any exception raises
    ``CellExecutionError`` naming the cell.
    """
    cache: dict[Path, nbformat.NotebookNode] = {}

    def run(path: Path) -> nbformat.NotebookNode:
        if path not in cache:
            nb = nbformat.read(path, as_version=4)
            NotebookClient(
                nb,
                timeout=CELL_TIMEOUT,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
            cache[path] = nb
        return cache[path]

    return run
