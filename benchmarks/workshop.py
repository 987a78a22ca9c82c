"""A workshop room: N participants open the ``videnskvalitet`` app within a few seconds.

For each server mode, in the same run:

- **workshop**: ``python -m vidensbasering.workshop`` (``make workshop``), one app, a pool of
  warm kernels as large as the room (``--pool``, default N);
- **start** (baseline): ``python -m vidensbasering.serve`` (``make start``), JupyterLab with
  Voila's server extension, a cold kernel per page open.

N participants each get their own Playwright browser context in one headless Chromium, and open
the app staggered evenly over ``--stagger`` seconds (10). Per participant: seconds from opening
to the first drawn chart, and to the arrival of the page's HTML (the server's part; the rest is
the browser's); a stall is a page that draws no chart within ``--timeout``; pages that
showed the render watch's message (the page had not arrived after the time limit) but then drew
the chart are counted apart ("messages"). After its first chart each participant changes the
comparison group ``--redraws`` times (while the others are still arriving: redraw under load)
and the seconds from click to the new chart are recorded. The server's process tree (server
plus kernels) is sampled every 0.5 s with psutil: peak RSS and PSS, and CPU seconds used during
the room's visit; so is the CPU of the participants' browsers (Chromium and Playwright).

``--stall-opens 50`` also opens the app 50 times per mode (``--stall-concurrency`` at once, each
page closed after its chart) and counts stalls.

The browsers run on the same machine and share its CPU with the server (and, on the project's
build machine, with other jobs): the figures are an upper bound on what participants with their
own laptops would see. Usage::

    .venv/bin/python benchmarks/workshop.py [--participants 1,10,25] [--modes workshop,start]
        [--stagger 10] [--redraws 3] [--pool N] [--stall-opens 50]

Prints a table per mode and the ratios workshop / start; writes
``benchmarks/results/workshop-<sizes>[-stalls].json`` and the servers' logs beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil
from playwright.async_api import Browser, async_playwright

from vidensbasering import serve, workshop
from vidensbasering.i18n import t

ROOT = Path(__file__).resolve().parents[1]
APP = "videnskvalitet"
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
MIB = 1024 * 1024
GOALS = "goal (issue 10): median < 5 s, slowest < 15 s, no stall, < 150 MiB/participant, "
GOALS += "redraw median < 300 ms"


@dataclass
class Visit:
    """One participant's page open."""

    first_chart_s: float | None = None
    stalled: bool = False
    slow_message: bool = False
    error: str = ""
    page_s: float | None = None
    console: list[str] = field(default_factory=list)
    redraws_s: list[float] = field(default_factory=list)


@dataclass
class Room:
    """One mode, one room size."""

    mode: str
    participants: int
    visits: list[Visit]
    idle_rss_mib: float
    peak_rss_mib: float
    peak_pss_mib: float
    cpu_s: float
    browser_cpu_s: float
    wall_s: float

    def summary(self) -> dict[str, float | int | None]:
        charts = [v.first_chart_s for v in self.visits if v.first_chart_s is not None]
        pages = [v.page_s for v in self.visits if v.page_s is not None]
        redraws = [r for v in self.visits for r in v.redraws_s]
        return {
            "participants": self.participants,
            "first_chart_median_s": statistics.median(charts) if charts else None,
            "first_chart_slowest_s": max(charts) if charts else None,
            "page_arrived_median_s": statistics.median(pages) if pages else None,
            "page_arrived_slowest_s": max(pages) if pages else None,
            "stalls": sum(v.stalled for v in self.visits),
            "slow_page_messages": sum(v.slow_message for v in self.visits),
            "errors": sum(bool(v.error) for v in self.visits),
            "idle_rss_mib": self.idle_rss_mib,
            "peak_rss_mib": self.peak_rss_mib,
            "mib_per_participant": self.peak_rss_mib / self.participants,
            "peak_pss_mib": self.peak_pss_mib,
            "pss_mib_per_participant": self.peak_pss_mib / self.participants,
            "server_cpu_s": self.cpu_s,
            "browser_cpu_s": self.browser_cpu_s,
            "wall_s": self.wall_s,
            "redraw_median_ms": statistics.median(redraws) * 1000 if redraws else None,
            "redraw_slowest_ms": max(redraws) * 1000 if redraws else None,
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TreeSampler:
    """Sample a process tree's memory (peak) and CPU seconds (every process ever seen) in a thread.

    RSS counts the pages that the kernels share (Python, numpy, pandas libraries) once per
    kernel; PSS (proportional set size, from /proc/<pid>/smaps_rollup) splits each shared page
    among the processes that map it, so a tree's PSS is what the machine really spends on it.
    """

    def __init__(self, pid: int, every_s: float = 0.5, memory: bool = True) -> None:
        self.root = psutil.Process(pid)
        self.memory = memory
        self.every_s = every_s
        self.peak = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        rss = pss = 0
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        for process in processes:
            try:
                if self.memory:
                    memory = process.memory_full_info()
                    rss += memory.rss
                    pss += getattr(memory, "pss", memory.rss)
                times = process.cpu_times()
                self.cpu[process.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                pass
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, pss)
        return rss

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every_s)

    def cpu_total(self, without: set[int] | frozenset[int] = frozenset()) -> float:
        """CPU seconds of every process seen, except those in ``without``."""
        return sum(cpu for pid, cpu in self.cpu.items() if pid not in without)

    def __enter__(self) -> TreeSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


@contextmanager
def server(mode: str, pool: int, log: Path) -> Iterator[tuple[str, int]]:
    """Start one server mode; yield (app URL with token, server pid); stop it afterwards."""
    port, token = free_port(), secrets.token_hex(8)
    if mode == "workshop":
        argv = workshop.command(ROOT, port=port, token=token, pool=pool, apps=[APP])
    else:
        argv = serve.command(ROOT, port=port, token=token, extra=["--ServerApp.port_retries=0"])
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        ready = t("workshop.ready", count=pool, app=APP)
        deadline = time.monotonic() + 900
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{mode} exited: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{mode} not ready after 900 s")
            if mode == "workshop":
                if ready in log.read_text(errors="replace"):
                    break
            else:
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            time.sleep(0.5)
        time.sleep(3)  # let start-up work settle before measuring the idle footprint
        yield f"{base}{serve.app_url(APP)}?token={token}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def visit(
    browser: Browser, url: str, delay_s: float, redraws: int, timeout_s: float
) -> Visit:
    """One participant: wait ``delay_s``, open the app, time the first chart, then redraw."""
    await asyncio.sleep(delay_s)
    result = Visit()
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on(
        "console",
        lambda m: (
            result.console.append(f"{m.type}: {m.text[:300]}")
            if m.type in ("error", "warning") and "Unsatisfied version" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: result.console.append(f"pageerror: {str(e)[:300]}"))
    try:
        opened = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        watch = asyncio.ensure_future(page.locator("#vb-stalled").wait_for(timeout=0))
        try:
            await page.locator(POINT).wait_for(timeout=timeout_s * 1000)
        except Exception as error:  # no chart: a stall
            result.stalled = True
            result.error = f"no chart: {type(error).__name__}"
            return result
        finally:
            result.slow_message = watch.done() and watch.exception() is None
            watch.cancel()
        result.first_chart_s = time.perf_counter() - opened
        # When the page's HTML had arrived (the server's part: the app had run), seconds after
        # the navigation started; the rest of the wait is the browser's.
        result.page_s = await page.evaluate(
            "performance.getEntriesByType('navigation')[0].responseEnd / 1000"
        )
        targets = [("cps", "CPS"), ("experiment", "Kontrolgruppe")]
        for i in range(redraws):
            group, subtitle = targets[i % 2]
            clicked = time.perf_counter()
            await page.get_by_role("button", name=t(f"videnskvalitet.group_{group}")).click()
            await page.locator(SUBTITLE).filter(has_text=f"{subtitle}:").wait_for(timeout=120_000)
            result.redraws_s.append(time.perf_counter() - clicked)
    except Exception as error:  # a participant's failure is a result
        result.error = f"{type(error).__name__}: {str(error)[:200]}"
        result.stalled = result.first_chart_s is None
    finally:
        await context.close()
    return result


async def room(browser: Browser, mode: str, n: int, args: argparse.Namespace, log: Path) -> Room:
    pool = args.pool or n
    with server(mode, pool, log) as (url, pid):
        # This process's tree, less the server's, is Playwright and Chromium: the participants.
        browsers = TreeSampler(os.getpid(), every_s=1.0, memory=False)
        with TreeSampler(pid) as sampler, browsers:
            idle = sampler.sample()
            cpu_before = sampler.cpu_total()
            browser_cpu_before = browsers.cpu_total(without=set(sampler.cpu))
            started = time.perf_counter()
            step = args.stagger / (n - 1) if n > 1 else 0.0
            visits = await asyncio.gather(
                *(visit(browser, url, i * step, args.redraws, args.timeout) for i in range(n))
            )
            wall = time.perf_counter() - started
        return Room(
            mode=mode,
            participants=n,
            visits=list(visits),
            idle_rss_mib=idle / MIB,
            peak_rss_mib=sampler.peak / MIB,
            peak_pss_mib=sampler.peak_pss / MIB,
            cpu_s=sampler.cpu_total() - cpu_before,
            browser_cpu_s=browsers.cpu_total(without=set(sampler.cpu)) - browser_cpu_before,
            wall_s=wall,
        )


async def stall_count(
    browser: Browser, mode: str, args: argparse.Namespace, log: Path
) -> dict[str, int]:
    """Open the app ``--stall-opens`` times, ``--stall-concurrency`` at once; count stalls."""
    with server(mode, args.stall_concurrency, log) as (url, _):
        gate = asyncio.Semaphore(args.stall_concurrency)

        async def one() -> Visit:
            async with gate:
                return await visit(browser, url, 0.0, 0, args.timeout)

        visits = await asyncio.gather(*(one() for _ in range(args.stall_opens)))
    return {
        "opens": len(visits),
        "stalls": sum(v.stalled for v in visits),
        "slow_page_messages": sum(v.slow_message for v in visits),
        "errors": sum(bool(v.error) for v in visits),
    }


def print_table(rooms: list[Room]) -> None:
    print(f"\n{os.cpu_count()} CPUs, load average at the end {os.getloadavg()[0]:.1f}")
    print("Browsers share this machine's CPU with the server (and with other jobs running here).")
    print(GOALS)
    head = ["mode", "N", "median s", "slowest s", "page s", "stalls", "messages", "MiB/part."]
    head += ["peak MiB"]
    head += ["PSS/part."]
    head += ["CPU s", "browser CPU"]
    head += ["redraw ms"]
    print("".join(f"{h:>11}" for h in head))
    for r in rooms:
        s = r.summary()
        cells = [r.mode, r.participants, s["first_chart_median_s"], s["first_chart_slowest_s"]]
        cells += [s["page_arrived_median_s"]]
        cells += [s["stalls"], s["slow_page_messages"], s["mib_per_participant"]]
        cells += [s["peak_rss_mib"], s["pss_mib_per_participant"], s["server_cpu_s"]]
        cells += [s["browser_cpu_s"]]
        cells += [s["redraw_median_ms"]]
        print("".join(f"{c:>11.1f}" if isinstance(c, float) else f"{c!s:>11}" for c in cells))
    by_key = {(r.mode, r.participants): r.summary() for r in rooms}
    for (mode, n), s in by_key.items():
        base = by_key.get(("start", n))
        if mode != "workshop" or base is None:
            continue
        ratios = []
        keys = ("first_chart_median_s", "first_chart_slowest_s", "mib_per_participant")
        for key in (*keys, "pss_mib_per_participant"):
            if s[key] and base[key]:
                ratios.append(f"{key} {s[key] / base[key]:.2f}")
        if s["server_cpu_s"] and base["server_cpu_s"]:
            ratios.append(f"server_cpu_s {s['server_cpu_s'] / base['server_cpu_s']:.2f}")
        if s["redraw_median_ms"] and base["redraw_median_ms"]:
            ratios.append(f"redraw {s['redraw_median_ms'] / base['redraw_median_ms']:.2f}")
        print(f"ratio workshop / start, N={n}: " + ", ".join(ratios))


async def run(args: argparse.Namespace) -> None:
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    rooms: list[Room] = []
    stalls: dict[str, dict[str, int]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n in args.participants:
            for mode in args.modes:
                log = out / f"workshop-{mode}-{n}.log"
                r = await room(browser, mode, n, args, log)
                rooms.append(r)
                print(f"{mode} N={n}: {json.dumps(r.summary())}", flush=True)
                for v in r.visits:
                    if v.error:
                        print(f"    {v.error}", flush=True)
                        for line in v.console[:5]:
                            print(f"      {line}", flush=True)
        if args.stall_opens:
            for mode in args.modes:
                log = out / f"workshop-{mode}-stalls.log"
                stalls[mode] = await stall_count(browser, mode, args, log)
                print(f"{mode}: stalls over opens: {stalls[mode]}", flush=True)
        await browser.close()
    print_table(rooms)
    for mode, counts in stalls.items():
        print(
            f"stalls, {mode}: {counts['stalls']} of {counts['opens']} opens "
            f"(slow-page messages: {counts['slow_page_messages']})"
        )
    name = "workshop-" + "-".join(str(n) for n in args.participants)
    name += "-stalls" if args.stall_opens else ""
    (out / f"{name}.json").write_text(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "rooms": [{**asdict(r), "summary": r.summary()} for r in rooms],
                "stall_opens": stalls,
            },
            indent=2,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--participants",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[25],
        help="room sizes, e.g. 1,10,25 (default 25)",
    )
    parser.add_argument(
        "--modes",
        type=lambda s: s.split(","),
        default=["workshop", "start"],
        help="workshop,start",
    )
    parser.add_argument("--stagger", type=float, default=10.0, help="seconds to spread opens")
    parser.add_argument("--redraws", type=int, default=3, help="group changes per participant")
    parser.add_argument("--pool", type=int, default=0, help="warm kernels (default: N)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per page")
    parser.add_argument("--stall-opens", type=int, default=0, help="opens to count stalls")
    parser.add_argument("--stall-concurrency", type=int, default=5, help="opens at once")
    args = parser.parse_args()
    # SIGTERM stops the run like Ctrl-C, so that the servers it started are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
