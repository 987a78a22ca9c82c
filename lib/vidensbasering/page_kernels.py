"""Shut down the kernel of a closed or reloaded Voila page within a minute.

Every Voila page open starts a kernel (about 250 MB with pandas and Altair). Voila's front end
asks the server to shut it down on ``beforeunload``, but that request is only wired up once the
page has finished loading, and a browser that crashes or loses the network never sends it.
Jupyter's own idle cull (``MappingKernelManager.cull_idle_timeout``) is one rule for every
kernel, so a short timeout would also stop the kernel of a lesson notebook a student has just
closed.

:class:`PageKernelManager` adds a second, short rule for *page kernels* only: a kernel that no
notebook session owns (JupyterLab opens lesson notebooks through sessions; Voila starts its
kernels directly) and that has had no open connection and no activity for
``page_cull_timeout`` seconds (30) after its page had connected, or for
``page_load_timeout`` seconds (600) when its page never connected, is shut down. The longer
wait for a page that never connected covers a page still loading its scripts on a busy machine:
measured here with ten browsers and a load average of 40 on 2 cores, pages had not connected
after 120 s, and shutting their kernels down then left them without a chart for good. A closed
or reloaded page asks for the shutdown itself on ``pagehide`` (the page template) once its
kernel id has arrived, so this rule is only the safety net for crashed browsers and lost
networks. Kernels with an open page (a web socket) or
that are busy (still rendering) are never touched by this rule. In standalone Voila
(``make workshop``) there are no sessions and every kernel is a page kernel; Voila's pre-heated
kernels waiting in its pool are skipped by Voila's own ``cull_kernel_if_idle`` first.

Used by ``etc/jupyter/jupyter_server_config.py`` (``make start``) and by
:mod:`vidensbasering.workshop`. The check runs every ``cull_interval`` seconds, so a closed
page's kernel is gone after at most ``cull_interval`` + ``page_cull_timeout`` +
``cull_interval`` seconds (10 + 30 + 10 = 50 s with the project's settings; about 10 minutes
for a page that never connected).
"""

from __future__ import annotations

import time

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from traitlets import Dict, Integer, TraitError

#: Seconds a page kernel may sit without a connection and without activity (project default).
PAGE_CULL_TIMEOUT_S = 30
#: Seconds a page kernel whose page never connected may sit idle (project default).
PAGE_LOAD_TIMEOUT_S = 600
#: Seconds between two culling passes (project default; Jupyter's own default is 300).
CULL_INTERVAL_S = 10


class PageKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager, plus a short cull for kernels of closed Voila pages.

    Jupyter's idle cull (``cull_idle_timeout``) must be switched on (> 0) for either rule to
    run: it starts the periodic check.
    """

    page_cull_timeout = Integer(
        PAGE_CULL_TIMEOUT_S,
        config=True,
        help="Seconds after which a kernel that no notebook session owns, with no open "
        "connection and no activity, is shut down (a closed Voila page). 0 disables.",
    )

    page_load_timeout = Integer(
        PAGE_LOAD_TIMEOUT_S,
        config=True,
        help="As page_cull_timeout, for a page kernel whose page never connected to it "
        "(a page still loading its scripts, or abandoned before).",
    )

    # kernel id -> monotonic seconds when a culling pass first saw it without connections.
    _unconnected_since = Dict()
    # kernel id -> True once a page (web socket) has connected to it.
    _ever_connected = Dict()

    def notify_connect(self, kernel_id: str) -> None:
        """Count a new connection, and remember that the kernel's page has connected."""
        super().notify_connect(kernel_id)
        self._ever_connected[kernel_id] = True

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Shut down a closed page's kernel, else apply Jupyter's own idle rule."""
        if self.page_cull_timeout > 0 and await self._is_closed_page(kernel_id):
            self.log.info(
                "Shutting down kernel %s: no page has been connected to it for %d s or more.",
                kernel_id,
                self._timeout(kernel_id),
            )
            self._unconnected_since.pop(kernel_id, None)
            await ensure_async(self.shutdown_kernel(kernel_id))
            return
        await super().cull_kernel_if_idle(kernel_id)

    async def cull_kernels(self) -> None:
        """One culling pass; first forget kernels that are gone."""
        for kernel_id in set(self._unconnected_since) - set(self._kernels):
            del self._unconnected_since[kernel_id]
        for kernel_id in set(self._ever_connected) - set(self._kernels):
            del self._ever_connected[kernel_id]
        await super().cull_kernels()

    async def _is_closed_page(self, kernel_id: str) -> bool:
        """True when ``kernel_id`` is a page kernel whose page has been gone long enough.

        The time without connections counts from the first culling pass that saw the kernel
        without one, so a page that is still loading its scripts after the render (Voila's
        pre-heated kernels have an old ``last_activity``) gets the whole timeout to connect.
        """
        if self._kernel_connections.get(kernel_id, 0) > 0:
            self._unconnected_since.pop(kernel_id, None)
            return False
        if kernel_id in await self._session_kernel_ids():
            return False
        kernel = self._kernels[kernel_id]
        if getattr(kernel, "execution_state", None) == "busy":
            return False
        now = time.monotonic()
        since = self._unconnected_since.setdefault(kernel_id, now)
        try:
            last_activity = kernel.last_activity
        except (AttributeError, TraitError):  # a kernel still starting has none yet
            return False
        if last_activity is None:
            return False
        idle = (utcnow() - last_activity).total_seconds()
        timeout = self._timeout(kernel_id)
        return now - since >= timeout and idle >= timeout

    def _timeout(self, kernel_id: str) -> int:
        if self._ever_connected.get(kernel_id):
            return self.page_cull_timeout
        return max(self.page_load_timeout, self.page_cull_timeout)

    async def _session_kernel_ids(self) -> set[str]:
        """Ids of the kernels that a notebook session owns (none in standalone Voila)."""
        sessions = getattr(self.parent, "session_manager", None)
        if sessions is None:
            return set()
        return {s["kernel"]["id"] for s in await sessions.list_sessions() if s.get("kernel")}
