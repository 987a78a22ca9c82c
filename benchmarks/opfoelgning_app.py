"""Start-up and interaction latency of the app "Følg systematisk op", against the first app.

Measured as a workshop participant meets the apps, in headless Chromium (Playwright), on one course
server (``python -m vidensbasering.serve``, what ``make start`` runs):

- **page**: from opening the app until DOM ready, and until its charts are drawn (all five for
  this app; the one chart of "Stil krav til videnskvalitet");
- **redraw**: from a choice until the chart shows it: a group change (redraws all five charts) and
  a citizen change (redraws the trajectories only).

Baselines, measured in the same run:

- *videnskvalitet*: the app "Stil krav til videnskvalitet" (one chart, one toggle) opened on the
  same server, interleaved with this app so that machine load hits both alike;
- *redraw everything*: kernel-side, a citizen change that redraws all five charts, against the
  scoped update the app uses (only the trajectories).

Usage::

    .venv/bin/python benchmarks/opfoelgning_app.py [--runs 3] [--clicks 6]

Prints medians and ratios; writes them to ``benchmarks/results/opfoelgning_app.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_startup import CHROMIUM_ARGS, ROOT, TIMEOUT_S, Setup, running

from vidensbasering import serve
from vidensbasering.apps import opfoelgning
from vidensbasering.i18n import t

CHARTS = opfoelgning.CHART_NAMES


def app_page(browser: Browser, url: str, selectors: list[str]) -> tuple[Page, float, float]:
    """Open an app; return the page and seconds to DOM ready and to every selector attached."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_S * 1000)
    dom = time.perf_counter() - opened
    for selector in selectors:
        page.locator(selector).first.wait_for(state="attached", timeout=TIMEOUT_S * 1000)
    return page, dom, time.perf_counter() - opened


def follow_up_redraws(page: Page, clicks: int, sizes: dict[str, int]) -> dict[str, list[float]]:
    """Seconds from a choice to the trajectories' new subtitle: group changes, citizen changes."""
    subtitle = page.locator(".vb-chart-trajectories .role-title-subtitle text").first
    times: dict[str, list[float]] = {"group": [], "person": []}
    group = page.get_by_label(t("opfoelgning.app_group"), exact=True)
    for i in range(clicks):
        team = sorted(sizes)[i % 2]
        before = time.perf_counter()
        group.select_option(team)
        subtitle.filter(has_text=f"af {sizes[team]} borgere").wait_for(timeout=60_000)
        times["group"].append(time.perf_counter() - before)
    group.select_option(label=t("opfoelgning.app_group_all"))
    person = page.get_by_label(t("opfoelgning.app_person"), exact=True)
    for i in range(clicks):
        before = time.perf_counter()
        person.select_option(index=1 + i % 2)
        subtitle.filter(has_text="Viser 1 af").wait_for(timeout=60_000)
        person.select_option(index=0)
        subtitle.filter(has_text="Viser 40 af").wait_for(timeout=60_000)
        times["person"].append((time.perf_counter() - before) / 2)
    return times


def baseline_redraws(page: Page, clicks: int) -> list[float]:
    """Seconds from a click on the other comparison group to the new subtitle (first app)."""
    subtitle = page.locator(".vega-embed svg .role-title-subtitle text")
    targets = [("cps", "CPS"), ("experiment", "Kontrolgruppe")]
    times = []
    for i in range(clicks):
        group, text = targets[i % 2]
        before = time.perf_counter()
        page.get_by_role("button", name=t(f"videnskvalitet.group_{group}")).click()
        subtitle.filter(has_text=f"{text}:").wait_for(timeout=60_000)
        times.append(time.perf_counter() - before)
    return times


def kernel_person_change(repeats: int) -> tuple[float, float]:
    """Median seconds of a citizen change: scoped update (the app's) and a full redraw."""
    with redirect_stdout(io.StringIO()):  # outside a kernel, display() prints a repr
        app = opfoelgning.OpfoelgningApp()
    ids = [value for _, value in app.person.options[1:3]]
    scoped, full = [], []
    for i in range(repeats):
        for bucket in (scoped, full):
            app.person.value = ids[i % 2]
            app.person.value = opfoelgning.ALL  # observer: the app's scoped update
            before = time.perf_counter()
            if bucket is scoped:
                app.update(("trajectories",))
            else:
                app.update()
            bucket.append(time.perf_counter() - before)
    return statistics.median(scoped), statistics.median(full)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="page loads per app")
    parser.add_argument("--clicks", type=int, default=6, help="changes per kind")
    args = parser.parse_args()

    example = opfoelgning.example_data()
    sizes = example.groupby("group")["person_id"].nunique().to_dict()
    setup = Setup(
        name="course server (make start)",
        argv=lambda port, token: serve.command(
            ROOT, port=port, token=token, extra=["--ServerApp.port_retries=0"]
        ),
        path=lambda token: f"?token={token}",
    )
    ours = [f".vb-chart-{name} .vega-embed svg .role-mark" for name in CHARTS]
    theirs = [".vega-embed svg .mark-symbol path"]
    loads: dict[str, list[tuple[float, float]]] = {"opfoelgning": [], "videnskvalitet": []}
    redraws: dict[str, list[float]] = {"group": [], "person": [], "videnskvalitet": []}
    with sync_playwright() as p, running(setup) as (address, _started):
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        root, query = address.split("?", 1)
        for i in range(args.runs):  # interleaved, so that machine load hits both alike
            for app, selectors in (("opfoelgning", ours), ("videnskvalitet", theirs)):
                url = f"{root}{serve.app_url(app)}?{query}"
                page, dom, charts = app_page(browser, url, selectors)
                loads[app].append((dom, charts))
                if i == args.runs - 1:
                    if app == "opfoelgning":
                        for kind, values in follow_up_redraws(page, args.clicks, sizes).items():
                            redraws[kind] += values
                    else:
                        redraws["videnskvalitet"] += baseline_redraws(page, args.clicks)
                page.close()
                print(f"run {i + 1} {app}: DOM {dom:.2f} s, charts {charts:.2f} s", flush=True)
        browser.close()
    scoped, full = kernel_person_change(repeats=10)

    med = {
        app: {
            "dom_ready_s": statistics.median(d for d, _ in values),
            "charts_s": statistics.median(c for _, c in values),
        }
        for app, values in loads.items()
    }
    red = {kind: statistics.median(values) for kind, values in redraws.items()}
    print(f"\nmedians over {args.runs} loads ({os.cpu_count()} CPUs); ratio = this app / baseline")
    print(f"{'seconds':<16}{'opfoelgning':>14}{'videnskvalitet':>16}{'ratio':>8}")
    for key in ("dom_ready_s", "charts_s"):
        a, b = med["opfoelgning"][key], med["videnskvalitet"][key]
        print(f"{key:<16}{a:>14.2f}{b:>16.2f}{a / b:>8.2f}")
    base_redraw = red["videnskvalitet"]
    for kind in ("group", "person"):
        print(
            f"redraw on {kind} change: {red[kind]:.3f} s; videnskvalitet group toggle "
            f"{base_redraw:.3f} s; ratio {red[kind] / base_redraw:.2f}"
        )
    print(
        f"kernel-side citizen change: scoped {scoped * 1000:.0f} ms, redraw everything "
        f"(baseline) {full * 1000:.0f} ms, ratio {scoped / full:.2f}"
    )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "opfoelgning_app.json").write_text(
        json.dumps(
            {
                "loads": loads,
                "redraws": redraws,
                "medians": {"loads": med, "redraws": red},
                "kernel_person_change_s": {"scoped": scoped, "redraw_everything": full},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
