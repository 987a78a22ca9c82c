"""Jupyter server settings that need code, read via JUPYTER_CONFIG_PATH beside the JSON file."""

import os

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

# Kernels (lessons and every Voila page) talk to the server over Unix sockets in the runtime
# folder instead of TCP ports on 127.0.0.1: no port can be taken by another program between the
# server choosing it and the kernel binding it, and no other local user can connect to a kernel.
# Windows has no Unix sockets for ZeroMQ, so it keeps TCP.
if os.name != "nt":
    c.KernelManager.transport = "ipc"
