"""Start-up and interaction latency of the app "Stil krav til videnskvalitet".

Measured the way a workshop participant meets the app, in headless Chromium (Playwright):

- **cold**: from starting the server (``python -m vidensbasering.serve``, what ``make start`` runs)
  until the app's chart is drawn, opening the app as soon as the server answers;
- **page**: from opening the app on a server that has been up for a while until DOM ready and
  until the chart is drawn (the usual workshop case);
- **redraw**: from a click on the other comparison group until the chart shows it.

Baselines, measured in the same run:

- *Voila standalone, preheated*: ``voila notebooks/apps/videnskvalitet.ipynb --preheat_kernel=True
  --pool_size=1`` with the same page template, i.e. Voila's own answer to slow start-up (a kernel
  that has already run the notebook), which the server extension inside JupyterLab cannot use;
- *no cache*: the app's kernel-side update with the data and estimate caches emptied before each
  call, against the cached update the app uses.

Usage::

    .venv/bin/python benchmarks/app_startup.py [--runs 3] [--clicks 6] [--settle 15]

Prints medians and ratios (course / baseline); writes them to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from vidensbasering import serve
from vidensbasering.apps import videnskvalitet
from vidensbasering.i18n import t

ROOT = Path(__file__).resolve().parents[1]
APP = "videnskvalitet"
NOTEBOOK = f"notebooks/apps/{APP}.ipynb"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
POINT = ".vega-embed svg .mark-symbol path"
SUBTITLE = ".vega-embed svg .role-title-subtitle text"
TIMEOUT_S = 240


@dataclass
class Run:
    """Seconds measured in one server start."""

    cold_first_chart: float = 0.0
    page_dom_ready: float = 0.0
    page_first_chart: float = 0.0
    redraws: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Setup:
    """How to start one server and where its app page is."""

    name: str
    argv: Callable[[int, str], list[str]]
    path: Callable[[str], str]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def course_setup() -> Setup:
    return Setup(
        name="course server (make start)",
        argv=lambda port, token: serve.command(
            ROOT, port=port, token=token, extra=["--ServerApp.port_retries=0"]
        ),
        path=lambda token: f"{serve.app_url(APP)}?token={token}",
    )


def voila_preheat_setup() -> Setup:
    voila = str(Path(sys.executable).with_name("voila"))
    return Setup(
        name="Voila standalone, preheated kernel",
        argv=lambda port, token: [
            voila,
            NOTEBOOK,
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={port}",
            f"--token={token}",
            "--preheat_kernel=True",
            "--pool_size=1",
        ],
        path=lambda token: f"/?token={token}",
    )


@contextmanager
def running(setup: Setup) -> Iterator[tuple[str, float]]:
    """Start a server; yield (app URL, start time); stop it afterwards."""
    port, token = free_port(), secrets.token_hex(8)
    env = serve.server_environment(ROOT)
    started = time.perf_counter()
    process = subprocess.Popen(
        setup.argv(port, token),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{setup.name} exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers (standalone Voila has no /api/status)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{setup.name} not ready after {TIMEOUT_S} s") from None
                time.sleep(0.1)
        yield base + setup.path(token), started
    finally:
        process.terminate()  # SIGTERM: both servers stop and shut their kernels down
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def open_app(browser: Browser, url: str) -> tuple[Page, float, float]:
    """Open the app; return the page, seconds to DOM ready and to the first drawn chart."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_S * 1000)
    dom = time.perf_counter() - opened
    page.locator(POINT).wait_for(timeout=TIMEOUT_S * 1000)
    return page, dom, time.perf_counter() - opened


def redraw_times(page: Page, clicks: int) -> list[float]:
    """Alternate the comparison group ``clicks`` times; seconds from click to the new subtitle."""
    targets = [("cps", "CPS"), ("experiment", "Kontrolgruppe")]
    times = []
    for i in range(clicks):
        group, subtitle = targets[i % 2]
        before = time.perf_counter()
        page.get_by_role("button", name=t(f"videnskvalitet.group_{group}")).click()
        page.locator(SUBTITLE).filter(has_text=f"{subtitle}:").wait_for(timeout=60_000)
        times.append(time.perf_counter() - before)
    return times


def measure(browser: Browser, setup: Setup, clicks: int, settle: float) -> Run:
    run = Run()
    with running(setup) as (url, started):
        page, _, _ = open_app(browser, url)
        run.cold_first_chart = time.perf_counter() - started
        run.redraws = redraw_times(page, clicks)
        page.close()  # Voila shuts the page's kernel down
        time.sleep(settle)  # server idle, as before a workshop; the preheat pool refills
        page, run.page_dom_ready, run.page_first_chart = open_app(browser, url)
        page.close()
    return run


def kernel_update_times(repeats: int) -> tuple[float, float]:
    """Median seconds of the app's update on a group change: cached, and with caches emptied."""
    with redirect_stdout(io.StringIO()):  # outside a kernel, display() prints a repr
        app = videnskvalitet.VidenskvalitetApp()
    cached, uncached = [], []
    for i in range(repeats):
        group, other = ("cps", "experiment") if i % 2 == 0 else ("experiment", "cps")
        for emptied, bucket in ((False, cached), (True, uncached)):
            app.group.value = other
            if emptied:
                videnskvalitet.sample.cache_clear()
                videnskvalitet.cached_estimate.cache_clear()
                app._domain = None
            before = time.perf_counter()
            app.group.value = group
            bucket.append(time.perf_counter() - before)
    return statistics.median(cached), statistics.median(uncached)


def summarise(runs: list[Run]) -> dict[str, float]:
    return {
        "cold_first_chart_s": statistics.median(r.cold_first_chart for r in runs),
        "page_dom_ready_s": statistics.median(r.page_dom_ready for r in runs),
        "page_first_chart_s": statistics.median(r.page_first_chart for r in runs),
        "redraw_s": statistics.median(x for r in runs for x in r.redraws),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="server starts per setup")
    parser.add_argument("--clicks", type=int, default=6, help="group changes per run")
    parser.add_argument("--settle", type=float, default=15.0, help="idle seconds before reopen")
    args = parser.parse_args()

    setups = [course_setup(), voila_preheat_setup()]
    results: dict[str, list[Run]] = {s.name: [] for s in setups}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for i in range(args.runs):  # interleaved, so that machine load hits both alike
            for setup in setups:
                run = measure(browser, setup, args.clicks, args.settle)
                results[setup.name].append(run)
                print(f"run {i + 1} {setup.name}: {json.dumps(asdict(run))}", flush=True)
        browser.close()

    course, baseline = (summarise(results[s.name]) for s in setups)
    cached, uncached = kernel_update_times(repeats=10)

    print(f"\nmedians over {args.runs} runs ({os.cpu_count()} CPUs); ratio = course / baseline")
    print(f"{'seconds':<26}{setups[0].name:>30}{setups[1].name:>38}{'ratio':>8}")
    for key in course:
        ratio = course[key] / baseline[key]
        print(f"{key:<26}{course[key]:>30.3f}{baseline[key]:>38.3f}{ratio:>8.2f}")
    print(
        f"\nkernel-side update on a group change: cached {cached * 1000:.1f} ms, "
        f"caches emptied (baseline) {uncached * 1000:.1f} ms, ratio {cached / uncached:.3f}"
    )

    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "app_startup.json").write_text(
        json.dumps(
            {
                "runs": {name: [asdict(r) for r in rs] for name, rs in results.items()},
                "medians": {setups[0].name: course, setups[1].name: baseline},
                "kernel_update_s": {"cached": cached, "caches_emptied": uncached},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
