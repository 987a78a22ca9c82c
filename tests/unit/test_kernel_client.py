"""The sliced-poll kernel channel gets a reply whose wake-up signal was consumed (voila#1428)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Empty

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from vidensbasering.kernel_client import POLL_SLICE_S, SlicedPollChannel, SlicedPollKernelClient


async def _reply_with_a_missed_wake_up(channel_class: type, address: str) -> dict:
    """A kernel-like ROUTER sends one message to a waiting client channel.

    The message arrives while the event loop is blocked, and reading the socket's ``EVENTS``
    (as a send on the same socket does) consumes the file descriptor's one signal: the waiting
    ``poll`` is never woken by the loop, although the message is in the socket.
    """
    context = zmq.asyncio.Context()
    session = Session(key=b"")
    kernel = context.socket(zmq.ROUTER)
    kernel.bind(address)
    client = context.socket(zmq.DEALER)
    client.connect(address)
    channel = channel_class(client, session)
    try:
        session.send(client, "kernel_info_request")  # the ROUTER learns the client's identity
        identity = (await kernel.recv_multipart())[0]
        waiting = asyncio.ensure_future(channel.get_msg(timeout=None))
        await asyncio.sleep(0.2)  # the channel is now polling, asleep on the socket's fd
        session.send(zmq.Socket.shadow(kernel.underlying), "execute_reply", ident=identity)
        time.sleep(0.3)  # the loop is blocked: the reply arrives in the client's socket
        # Reading EVENTS on the plain socket (bypassing the asyncio wrapper) consumes the signal.
        zmq.Socket.shadow(client.underlying).get(zmq.EVENTS)
        return await asyncio.wait_for(waiting, timeout=5 * POLL_SLICE_S + 2)
    finally:
        client.close(linger=0)
        kernel.close(linger=0)
        context.term()


def _run(channel_class: type, address: str) -> dict:
    # A thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(
            asyncio.run, _reply_with_a_missed_wake_up(channel_class, address)
        ).result()


def test_a_reply_whose_signal_was_consumed_still_arrives(tmp_path) -> None:
    message = _run(SlicedPollChannel, f"ipc://{tmp_path}/sliced")
    assert message["header"]["msg_type"] == "execute_reply"


def test_jupyters_own_channel_sleeps_through_it(tmp_path) -> None:
    """The failure the sliced channel fixes, shown on Jupyter's own channel."""
    with pytest.raises(TimeoutError):
        _run(AsyncZMQSocketChannel, f"ipc://{tmp_path}/plain")


def test_timeouts_keep_their_meaning() -> None:
    async def main() -> float:
        context = zmq.asyncio.Context()
        socket = context.socket(zmq.DEALER)
        socket.connect("inproc://nobody")
        channel = SlicedPollChannel(socket, Session(key=b""))
        started = time.monotonic()
        try:
            with pytest.raises(Empty):
                await channel.get_msg(timeout=1.2)
            with pytest.raises(Empty):
                await channel.get_msg(timeout=0)
            return time.monotonic() - started
        finally:
            socket.close(linger=0)
            context.term()

    with ThreadPoolExecutor(max_workers=1) as pool:
        waited = pool.submit(asyncio.run, main()).result()
    # 1.2 s in slices of 0.5 s: 0.5 + 0.5 + 0.2, then no wait for timeout 0.
    assert 1.15 <= waited < 1.2 + POLL_SLICE_S


def test_the_client_uses_the_sliced_channel_for_every_zmq_channel() -> None:
    client = SlicedPollKernelClient()
    for name in ("shell", "iopub", "stdin", "control"):
        assert getattr(client, f"{name}_channel_class") is SlicedPollChannel


def test_both_server_modes_give_voila_the_sliced_client() -> None:
    """make start (etc/jupyter) and make workshop (its command line) both configure it."""
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
    from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

    from vidensbasering import serve, workshop

    root = Path(__file__).resolve().parents[2]
    server_config = PyFileConfigLoader(
        "jupyter_server_config.py", path=str(root / serve.CONFIG_DIR)
    ).load_config()
    arguments = [a for a in workshop.voila_arguments(root, "127.0.0.1", 1, "t") if "=" in a]
    workshop_config = KVArgParseConfigLoader(arguments).load_config()
    for config in (server_config, workshop_config):
        manager = ServerKernelManager(config=config)
        assert manager.client_factory is SlicedPollKernelClient


def test_both_server_modes_wait_a_minute_for_a_cells_late_outputs() -> None:
    """nbclient's 4 s dropped the app's widgets in a room of 25 (24 pages never drew).

    make start's Voila renders with the server's configuration (jupyter_server_config.py),
    make workshop's standalone Voila with voila.py.
    """
    import nbformat
    from traitlets.config.loader import PyFileConfigLoader
    from voila.execute import VoilaExecutor

    from vidensbasering import serve

    folder = str(Path(__file__).resolve().parents[2] / serve.CONFIG_DIR)
    for name in ("jupyter_server_config.py", "voila.py"):
        config = PyFileConfigLoader(name, path=folder).load_config()
        assert VoilaExecutor(nbformat.v4.new_notebook(), config=config).iopub_timeout == 60, name
