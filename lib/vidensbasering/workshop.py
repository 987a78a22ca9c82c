"""Workshop mode: serve only the Voila apps, read-only, with kernels that have already run them.

A workshop room opens the same app at the same moment. ``make start`` (JupyterLab with Voila's
server extension) starts a kernel and runs the app's notebook for every page open, so 25 people
wait for 25 cold starts on a few cores. Standalone Voila can keep, per notebook, a pool of
kernels that have already run the notebook (``VoilaKernelManager.kernel_pools_config``); a page
open takes one and gets its rendered page at once, and the pool is refilled behind it. This
module is the one place that starts that server (``make workshop``)::

    python -m vidensbasering.workshop [--pool 4] [--apps videnskvalitet,opfoelgning]
                                      [--port 8888] [--host 127.0.0.1] [--token TOKEN]
                                      [--root DIR] [--render-limit 25]

- **Only the apps.** Voila serves a fresh temporary folder holding a copy of
  ``notebooks/apps/<app>.ipynb`` for each chosen app, so each app answers at
  ``/voila/render/notebooks/apps/<app>.ipynb`` as under ``make start``, and nothing else of the
  project (lessons, the course's solutions, the gradebook) can be opened. Standalone Voila has
  no API that writes files or runs code outside the apps: the server is read-only.
- **Same page template** (``vidensbasering``, no CDN requests) and settings
  (``etc/jupyter/voila.py``).
- **Warm kernels.** ``--pool N`` kernels per app are started and run the app before anyone
  comes. Refilling is gentle so that it does not starve participants who are drawing: a used
  kernel is replaced ``--fill-delay`` seconds later, and only one replacement warms up at a
  time (:func:`one_warm_up_at_a_time`). When a pool is empty, a page open starts a kernel as
  ``make start`` does.
- **Kernels die with their page** (:mod:`vidensbasering.page_kernels`) and **no silent stall**
  (:mod:`vidensbasering.render_watch`), as in ``make start``.

Stopping the process (Ctrl-C, SIGTERM) stops Voila and every kernel.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from vidensbasering import render_watch, serve
from vidensbasering.i18n import t
from vidensbasering.page_kernels import PAGE_LOAD_TIMEOUT_S, PageKernelManager

APPS_DIR = "notebooks/apps"
#: Kernels kept warm per app unless ``--pool`` says otherwise.
DEFAULT_POOL = 4
#: Seconds to wait after a page took a warm kernel before warming its replacement.
DEFAULT_FILL_DELAY_S = 3.0
#: Render time limit in workshop mode (warm pages arrive in about a second).
DEFAULT_RENDER_LIMIT_S = 25.0
#: Longest wait, in seconds, for a warm kernel to finish running its app before it counts as
#: stalled (an app renders in 5-10 s here, alone; under a busy room up to about a minute).
WARM_UP_TIMEOUT_S = 120.0
#: Warm-ups tried per pool place before a stalled kernel is kept anyway.
WARM_UP_ATTEMPTS = 3


def available_apps(root: Path) -> list[str]:
    """Names of the apps in ``<root>/notebooks/apps`` (notebook names without ``.ipynb``)."""
    return sorted(p.stem for p in (root / APPS_DIR).glob("*.ipynb"))


def stage_apps(root: Path, apps: Sequence[str], into: Path) -> Path:
    """Copy the chosen apps' notebooks to ``into/notebooks/apps``; return ``into``.

    Raises:
        FileNotFoundError: an app has no notebook in ``<root>/notebooks/apps``.
    """
    target = into / APPS_DIR
    target.mkdir(parents=True, exist_ok=True)
    for app in apps:
        source = root / APPS_DIR / f"{app}.ipynb"
        if not source.is_file():
            known = ", ".join(available_apps(root))
            raise FileNotFoundError(f"No app {app!r} in {root / APPS_DIR} (apps: {known}).")
        shutil.copyfile(source, target / source.name)
    return into


def pools_config(apps: Sequence[str], pool: int) -> dict[str, dict[str, int]]:
    """``VoilaKernelManager.kernel_pools_config``: ``pool`` kernels per app, none elsewhere."""
    config = {f"{APPS_DIR}/{app}.ipynb": {"pool_size": pool} for app in apps}
    return {"default": {"pool_size": 0}, **config}


def one_warm_up_at_a_time(
    initialize: Callable[..., Awaitable[dict[str, Any]]],
    shutdown: Callable[[str], Awaitable[Any]] | None = None,
    timeout_s: float = WARM_UP_TIMEOUT_S,
    attempts: int = WARM_UP_ATTEMPTS,
    log: Callable[[str], Any] | None = None,
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Wrap Voila's kernel warm-up: one at a time, and a stalled warm-up is started again.

    Voila's pool starts a replacement kernel ``fill_delay`` seconds after each page open and
    runs the app in it at once; 25 page opens would start 25 kernels that run the app all
    together while the participants' own kernels are drawing. The wrapped warm-up waits its turn
    and holds it until the replacement has run its app.

    Now and then Voila never finishes running a notebook (upstream voila#1428: the kernel
    starts and sits idle while the server waits). A pool kernel caught so would hang the page
    of the participant who gets it, so a render that has not finished after ``timeout_s``
    seconds is cancelled, its kernel shut down (``shutdown``), and the warm-up starts over, at
    most ``attempts`` times in all; the last attempt's kernel is kept whatever its state.

    Args:
        initialize: the kernel manager's ``_initialize(notebook_path, kernel_id=None,
            **kwargs)``, which returns ``{"task": render task, "renderer": ..., "kernel_id"}``.
        shutdown: coroutine function that shuts a kernel down by id (the manager's
            ``shutdown_kernel``); without it a stalled warm-up is not retried.
        timeout_s: longest wait, in seconds, for one warm-up's render.
        attempts: warm-ups tried per pool place (at least 1).
        log: called with an English line for the server log when a warm-up stalls.
    """
    turn = asyncio.Semaphore(1)

    async def warm_up(notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> Any:
        if kernel_id is not None:  # a restart of a page's own kernel: no waiting
            return await initialize(notebook_path, kernel_id, **kwargs)
        async with turn:
            for attempt in range(1, max(attempts, 1) + 1):
                content = await initialize(notebook_path, None, **kwargs)
                done, _ = await asyncio.wait({content["task"]}, timeout=timeout_s)
                if done or shutdown is None or attempt >= attempts:
                    return content
                if log is not None:
                    log(
                        f"Warm-up of {notebook_path} in kernel {content['kernel_id']} did not "
                        f"finish in {timeout_s:g} s (voila#1428); starting another kernel"
                    )
                content["task"].cancel()
                await shutdown(content["kernel_id"])
            return content  # not reached: the loop returns on its last attempt

    return warm_up


async def announce_ready(pools: dict[str, list[asyncio.Task[Any]]]) -> None:
    """Print, per app, when its first pool of warm kernels has run the app and rendered it.

    A pool entry is done once its kernel has started; the render it then runs is the
    entry's ``"task"``.
    """
    for notebook, tasks in list(pools.items()):
        if tasks:
            contents = await asyncio.gather(*list(tasks), return_exceptions=True)
            renders = [c["task"] for c in contents if isinstance(c, dict) and "task" in c]
            await asyncio.gather(*renders, return_exceptions=True)
            print(t("workshop.ready", count=len(tasks), app=Path(notebook).stem), flush=True)


class WorkshopKernelManager(PageKernelManager):
    """The page-kernel manager whose pool warm-ups go through :func:`one_warm_up_at_a_time`.

    Voila builds its pooling manager as a subclass of this class and schedules the start-up
    fill in its constructor, after this constructor has run; wrapping the warm-up here means
    the start-up kernels too warm up one at a time and a stalled one is started again.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        initialize = getattr(self, "_initialize", None)  # only Voila's pooling subclass has it
        if initialize is not None:
            self._initialize = one_warm_up_at_a_time(
                initialize, self.shutdown_kernel, log=self.log.warning
            )


def voila_class() -> type:
    """Return standalone Voila with the render-watch endpoint and the gentle pool refill."""
    from voila.app import Voila

    class WorkshopVoila(Voila):
        """Standalone Voila for a workshop room (see the module docstring)."""

        def init_settings(self) -> dict[str, Any]:
            settings = super().init_settings()
            manager = self.kernel_manager
            if hasattr(manager, "_pools"):
                asyncio.get_event_loop().create_task(announce_ready(manager._pools))
            return settings

        def init_handlers(self) -> list[Any]:
            return render_watch.handlers(self.server_url) + super().init_handlers()

    return WorkshopVoila


def voila_arguments(
    served: Path,
    host: str,
    port: int,
    token: str,
    fill_delay_s: float = DEFAULT_FILL_DELAY_S,
    page_load_timeout_s: int = PAGE_LOAD_TIMEOUT_S,
) -> list[str]:
    """Command-line arguments for standalone Voila serving the staged ``served`` folder."""
    args = [
        str(served),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaKernelManager.fill_delay={fill_delay_s}",
        "--VoilaConfiguration.multi_kernel_manager_class="
        "vidensbasering.workshop.WorkshopKernelManager",
        f"--PageKernelManager.page_load_timeout={page_load_timeout_s}",
        # Renders wait for kernel replies in slices (voila#1428; vidensbasering.kernel_client).
        "--ServerKernelManager.client_factory=vidensbasering.kernel_client.SlicedPollKernelClient",
        # The culler must run for the page-kernel rule; 15 min as under make start.
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=10",
        "--MappingKernelManager.cull_connected=False",
    ]
    if os.name != "nt":
        args.append("--KernelManager.transport=ipc")  # as make start: no TCP ports for kernels
    return args


def workshop_urls(host: str, port: int, token: str, apps: Sequence[str]) -> list[str]:
    """The address of each app, with the token, as participants open it."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return [f"http://{shown}:{port}{serve.app_url(app)}?token={token}" for app in apps]


def command(
    root: Path,
    host: str = serve.DEFAULT_HOST,
    port: int = serve.DEFAULT_PORT,
    token: str | None = None,
    pool: int = DEFAULT_POOL,
    apps: Sequence[str] = (),
    render_limit_s: float | None = None,
    page_load_timeout_s: int | None = None,
) -> list[str]:
    """The command line of ``make workshop``, for tests and benchmarks (see :func:`main`)."""
    argv = [sys.executable, "-m", "vidensbasering.workshop", "--root", str(root)]
    argv += ["--host", host, "--port", str(port), "--pool", str(pool)]
    if token is not None:
        argv += ["--token", token]
    if apps:
        argv += ["--apps", ",".join(apps)]
    if render_limit_s is not None:
        argv += ["--render-limit", str(render_limit_s)]
    if page_load_timeout_s is not None:
        argv += ["--page-load-timeout", str(page_load_timeout_s)]
    return argv


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m vidensbasering.workshop",
        description="Serve only the Voila apps, read-only, with warm kernels (make workshop).",
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder")
    parser.add_argument("--host", default=serve.DEFAULT_HOST, help="interface (127.0.0.1)")
    parser.add_argument("--port", type=int, default=serve.DEFAULT_PORT, help="TCP port (8888)")
    parser.add_argument("--token", default=None, help="access token (default: a random one)")
    parser.add_argument(
        "--pool", type=int, default=DEFAULT_POOL, help=f"warm kernels per app ({DEFAULT_POOL})"
    )
    parser.add_argument("--apps", default="", help="comma-separated apps (default: all)")
    parser.add_argument(
        "--fill-delay",
        type=float,
        default=DEFAULT_FILL_DELAY_S,
        help=f"seconds before a used kernel is replaced ({DEFAULT_FILL_DELAY_S:g})",
    )
    parser.add_argument(
        "--render-limit",
        type=float,
        default=None,
        help=f"seconds before a page still loading says so ({DEFAULT_RENDER_LIMIT_S:g})",
    )
    parser.add_argument(
        "--page-load-timeout",
        type=int,
        default=PAGE_LOAD_TIMEOUT_S,
        help="seconds before the kernel of a page that never connected is shut down "
        f"({PAGE_LOAD_TIMEOUT_S})",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, got {args.port}")
    if args.pool < 0:
        parser.error(f"--pool must be 0 or more, got {args.pool}")
    if args.render_limit is not None and not args.render_limit > 0:
        parser.error(f"--render-limit must be positive, got {args.render_limit}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the workshop (blocks until stopped with Ctrl-C or SIGTERM)."""
    args = _parse(argv)
    root = serve.check_root(args.root)
    apps = [a.strip() for a in args.apps.split(",") if a.strip()] or available_apps(root)
    token = args.token or secrets.token_hex(24)
    os.environ.update(serve.server_environment(root))
    limit = args.render_limit or os.environ.get(render_watch.LIMIT_ENV) or DEFAULT_RENDER_LIMIT_S
    os.environ[render_watch.LIMIT_ENV] = str(limit)  # read by etc/jupyter/voila.py
    with tempfile.TemporaryDirectory(prefix="vidensbasering-workshop-") as folder:
        served = stage_apps(root, apps, Path(folder))
        os.chdir(served)
        print(t("workshop.serving"), flush=True)
        for url in workshop_urls(args.host, args.port, token, apps):
            print(f"    {url}", flush=True)
        for app in apps:
            print(t("workshop.warming", count=args.pool, app=app), flush=True)
        print(t("workshop.stop"), flush=True)
        from traitlets.config import Config

        config = Config()
        config.VoilaKernelManager.kernel_pools_config = pools_config(apps, args.pool)
        voila_class().launch_instance(
            argv=voila_arguments(
                served, args.host, args.port, token, args.fill_delay, args.page_load_timeout
            ),
            config=config,
        )


if __name__ == "__main__":
    sys.exit(main())
