"""The page-kernel rule's check of one kernel, without a server."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

from vidensbasering.page_kernels import PageKernelManager


def test_a_kernel_still_starting_is_not_a_closed_page() -> None:
    """A kernel with no ``last_activity`` yet (it is starting) is kept, without an error.

    Seen in the workshop benchmark: the culling pass read the unset trait and logged a
    TraitError for every kernel that was still starting.
    """
    manager = PageKernelManager()
    starting = ServerKernelManager()
    manager._kernels["starting"] = starting

    def check() -> bool:
        return asyncio.run(manager._is_closed_page("starting"))

    # A thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(check).result() is False
