"""Jupyter server settings that need code, read via JUPYTER_CONFIG_PATH beside the JSON file."""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

# Kernels (lessons and every Voila page) talk to the server over Unix sockets in the runtime
# folder instead of TCP ports on 127.0.0.1: no port can be taken by another program between the
# server choosing it and the kernel binding it, and no other local user can connect to a kernel.
# Windows has no Unix sockets for ZeroMQ, so it keeps TCP.
if os.name != "nt":
    c.KernelManager.transport = "ipc"

# Voila's renders wait for kernel replies through this client, which cannot sleep through a
# reply that has arrived (upstream voila#1428: about one app page in 15 never finished here).
c.ServerKernelManager.client_factory = "vidensbasering.kernel_client.SlicedPollKernelClient"
# After a cell's reply, nbclient waits 4 s for the cell's remaining outputs and then drops them;
# in a room of 25 opening at once the outputs (the app's widgets) came later than that, and 24
# of 25 pages never drew. Wait up to a minute (voila.py says the same for make workshop).
c.VoilaExecutor.iopub_timeout = 60

# Every Voila page open starts a kernel (about 250 MB with pandas and Altair). A closed or
# reloaded app page's kernel is shut down: the page asks for it on leaving, and the server
# shuts down kernels no notebook session owns after 30 s without a connection and without
# activity (10 minutes when the page never connected: vidensbasering.page_kernels). Other kernels
# with no open page that have been idle for 15 minutes are shut down; kernels of open lesson
# notebooks and app pages are never culled.
c.ServerApp.kernel_manager_class = "vidensbasering.page_kernels.PageKernelManager"
c.PageKernelManager.page_cull_timeout = 30
c.PageKernelManager.page_load_timeout = 600
c.MappingKernelManager.cull_idle_timeout = 15 * 60
c.MappingKernelManager.cull_interval = 10
c.MappingKernelManager.cull_connected = False

# Voila's app pages are Danish: <html lang="da"> (the server extension renders them with the
# server's settings, not with voila.py's).
c.VoilaExporter.language_code = "da"
# Notebooks open without showing as changed: the server fills in the kernel's language_info
# (it names this computer's Python version) before JupyterLab would (vidensbasering.contents).
c.ServerApp.contents_manager_class = "vidensbasering.contents.CourseContentsManager"

# JupyterLab in Danish by default (the da-DK language pack is a dependency); a student can switch
# back under Settings -> Language, which is stored in their own settings. This folder holds the
# defaults (overrides.json) instead of <environment>/share/jupyter/lab/settings.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab" / "settings")
