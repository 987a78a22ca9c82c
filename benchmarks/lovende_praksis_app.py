"""First chart and redraw of the app "Lovende praksis", against "Opstil en forandringsteori".

Both apps are opened on the same course server (``python -m vidensbasering.serve``, what
``make start`` runs) in headless Chromium, alternately, so machine load hits both alike:

- **first chart**: from opening the app page until its chart is drawn (lovende praksis: the
  radar's SVG from the kernel; forandringsteori: Altair's offline chart widget);
- **redraw**: lovende praksis: from choosing another rating for element 1 until the radar's
  point for element 1 says so; forandringsteori (baseline): from Tab out of the title field
  after typing a new title until the diagram shows it.

Usage::

    .venv/bin/python benchmarks/lovende_praksis_app.py [--opens 3] [--redraws 6]

Prints medians in seconds and the ratios lovende praksis / forandringsteori.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from vidensbasering import promising_practice as pp
from vidensbasering.i18n import t
from vidensbasering.serve import app_url

sys.path.insert(0, str(Path(__file__).parent))
from app_startup import CHROMIUM_ARGS, TIMEOUT_S, Setup, course_setup, running  # sibling script

RADAR = ".vb-radar figure svg"
DIAGRAM = ".vb-diagram .vega-embed svg"


def server() -> Setup:
    """The course server; the "URL" it yields is ``base|token`` (both apps are opened on it)."""
    return Setup(name="course server", argv=course_setup().argv, path=lambda token: f"|{token}")


def open_lovende(page: Page, base: str, token: str) -> float:
    start = time.perf_counter()
    page.goto(f"{base}{app_url('lovende_praksis')}?token={token}", timeout=TIMEOUT_S * 1000)
    page.locator(f"{RADAR} text").filter(has_text="10. Monitorering").wait_for(
        timeout=TIMEOUT_S * 1000
    )
    return time.perf_counter() - start


def open_forandringsteori(page: Page, base: str, token: str) -> float:
    start = time.perf_counter()
    page.goto(f"{base}{app_url('forandringsteori')}?token={token}", timeout=TIMEOUT_S * 1000)
    page.locator(f"{DIAGRAM} text").filter(has_text="Aktiviteter").first.wait_for(
        timeout=TIMEOUT_S * 1000
    )
    return time.perf_counter() - start


def redraw_lovende(page: Page, n: int) -> float:
    value = n % 4
    select = page.get_by_label(t("lovende_praksis.app_rating_label", number=1), exact=True)
    point = f"1. {pp.element(1).name}: {pp.scale_label(value)}"
    start = time.perf_counter()
    select.select_option(label=pp.scale_label(value))
    points = f"{RADAR} path[aria-roledescription='point'][aria-label^='{point}']"
    page.locator(points).first.wait_for(state="attached", timeout=60_000)
    return time.perf_counter() - start


def redraw_forandringsteori(page: Page, n: int) -> float:
    title = f"Benchmark-titel nr. {n}"
    box = page.get_by_label(t("forandringsteori.app_frame_title"), exact=True)
    box.fill(title)
    start = time.perf_counter()
    box.press("Tab")
    page.locator(f"{DIAGRAM} text").filter(has_text=title).first.wait_for(timeout=60_000)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opens", type=int, default=3, help="page opens per app")
    parser.add_argument("--redraws", type=int, default=6, help="redraws per open")
    args = parser.parse_args()
    apps = {
        "lovende_praksis": (open_lovende, redraw_lovende),
        "forandringsteori": (open_forandringsteori, redraw_forandringsteori),
    }
    first: dict[str, list[float]] = {name: [] for name in apps}
    redraw: dict[str, list[float]] = {name: [] for name in apps}
    with sync_playwright() as p, running(server()) as (url, _started):
        base, token = url.split("|")
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for i in range(args.opens):
            for name, (opener, redrawer) in apps.items():
                page = browser.new_page(viewport={"width": 1280, "height": 1600})
                first[name].append(opener(page, base, token))
                redraw[name] += [
                    redrawer(page, i * args.redraws + n) for n in range(1, args.redraws + 1)
                ]
                page.close()
                print(f"open {i + 1} {name}: first chart {first[name][-1]:.2f} s", flush=True)
        browser.close()
    med = {k: (statistics.median(first[k]), statistics.median(redraw[k])) for k in apps}
    for name, (f, r) in med.items():
        print(f"{name}: first chart {f:.2f} s, redraw {r * 1000:.0f} ms (medians)")
    (lf, lr), (ff, fr) = med["lovende_praksis"], med["forandringsteori"]
    print(
        f"ratio lovende_praksis / forandringsteori: first chart {lf / ff:.2f}, redraw {lr / fr:.2f}"
    )


if __name__ == "__main__":
    main()
