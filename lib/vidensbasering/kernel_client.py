"""A kernel client whose waits for kernel messages cannot miss a message (voila#1428).

Voila runs an app's notebook through nbclient, which waits for each cell's reply with no time
limit: ``await channel.get_msg(timeout=None)``, a single ``poll`` on the zmq socket. The
asyncio wrapper of a zmq socket learns of new messages from the socket's file descriptor, which
signals a change of state only once (edge-triggered); when that signal is consumed elsewhere
(for instance by a send on the same socket), the poll sleeps on although the reply is waiting.
Seen here under ``make start``: the kernel had run the app and was idle, and the render's only
pending task was ``_async_poll_for_reply`` in ``shell_channel.get_msg`` (about one page open in
15; a participant saw a page that never finished).

:class:`SlicedPollKernelClient` waits in slices of :data:`POLL_SLICE_S`: each new ``poll``
first asks the socket itself whether a message is ready, so a missed signal costs at most one
slice. Timeouts keep their meaning. It is Jupyter's asynchronous kernel client otherwise, set
through the kernel manager's ``client_factory`` option (``etc/jupyter/jupyter_server_config.py``
and the workshop's command line).
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

#: Longest wait, in seconds, in one poll of a kernel channel.
POLL_SLICE_S = 0.5


class SlicedPollChannel(AsyncZMQSocketChannel):
    """A kernel channel whose ``get_msg`` polls in slices of at most :data:`POLL_SLICE_S`."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        """The next message; waits up to ``timeout`` seconds (``None``: no limit).

        Raises:
            queue.Empty: no message came within ``timeout`` seconds.
        """
        assert self.socket is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            wait_s = POLL_SLICE_S if left is None else min(POLL_SLICE_S, left)
            if await self.socket.poll(int(wait_s * 1000)):
                return await self._recv()
            if left is not None and left <= wait_s:
                raise Empty


class SlicedPollKernelClient(AsyncKernelClient):
    """Jupyter's asynchronous kernel client with :class:`SlicedPollChannel` channels."""

    shell_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
    iopub_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
    stdin_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
    control_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
