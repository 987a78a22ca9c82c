"""The Voila app "Stil krav til videnskvalitet" in headless Chromium, served as by ``make start``.

Expected figures are computed here from the raw ``causaldata`` columns (mean 1978 earnings of the
185 NSW treated minus the mean of the comparison group): the experimental difference is
+1,794 USD (FACTS.md §7, Dehejia & Wahba 1999), the CPS-1 difference −8,498 USD.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from causaldata import cps_mixtape, nsw_mixtape
from playwright.sync_api import Page, expect

from vidensbasering.i18n import t
from vidensbasering.serve import app_url

from .conftest import ARTIFACTS, ROOT, Server, fetch_voila_html, leaves_machine, open_voila, watch

pytestmark = pytest.mark.browser

POINT = ".vega-embed svg .mark-symbol path"
BENCHMARK_RULE = ".vega-embed svg .mark-rule.layer_1_marks line"
SUBTITLE = ".vega-embed svg .role-title-subtitle text"
LOAD_TIMEOUT_MS = 180_000


def danish_usd(amount: float) -> str:
    """Whole USD with '.' grouping and U+2212 minus, written out by hand for the test."""
    whole = round(amount)
    sign = "\u2212" if whole < 0 else ""
    return sign + f"{abs(whole):,}".replace(",", ".") + " USD"


def raw_differences() -> tuple[float, float]:
    """Return (experimental, CPS) differences in mean 1978 earnings, from the raw tables."""
    nsw = nsw_mixtape.load_pandas().data
    cps = cps_mixtape.load_pandas().data
    treated = nsw.loc[nsw["treat"] == 1, "re78"]
    controls = nsw.loc[nsw["treat"] == 0, "re78"]
    assert (len(treated), len(controls), len(cps)) == (185, 260, 15_992)
    return treated.mean() - controls.mean(), treated.mean() - cps["re78"].mean()


def point_x(page: Page) -> float:
    """Return the x pixel position of the estimate's point in the chart's SVG."""
    transform = page.locator(POINT).get_attribute("transform") or ""
    match = re.match(r"translate\(([-\d.]+),", transform)
    assert match, f"unexpected transform on the estimate's point: {transform!r}"
    return float(match.group(1))


def rule_x(page: Page) -> float:
    """Return the x pixel position of the benchmark's dashed rule."""
    transform = page.locator(BENCHMARK_RULE).get_attribute("transform") or ""
    match = re.match(r"translate\(([-\d.]+),", transform)
    assert match, f"unexpected transform on the benchmark rule: {transform!r}"
    return float(match.group(1))


def test_app_shows_estimate_and_redraws_for_cps(course_server: Server, page: Page) -> None:
    experimental, cps = raw_differences()
    assert round(experimental) == 1794  # the published ≈ +1,794 USD
    seen = watch(page)

    started = time.perf_counter()
    open_voila(page, course_server.url(app_url("videnskvalitet")), timeout_ms=LOAD_TIMEOUT_MS)
    dom_ready = time.perf_counter() - started
    page.locator(POINT).wait_for(timeout=LOAD_TIMEOUT_MS)
    first_chart = time.perf_counter() - started

    # Benchmark selected: the point sits on the benchmark rule, text and tooltip say +1.794 USD.
    summary = page.get_by_text(t("videnskvalitet.summary").split("{")[0])
    expect(summary).to_contain_text(f"Estimeret effekt: {danish_usd(experimental)}")
    expect(page.locator(POINT)).to_have_attribute(
        "aria-label", re.compile(re.escape(f"Estimat (USD): {danish_usd(experimental)[:-4]}"))
    )
    expect(page.locator(SUBTITLE)).to_have_text("Kontrolgruppe: forskel i gennemsnit")
    assert point_x(page) == pytest.approx(rule_x(page), abs=0.5)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "videnskvalitet-experiment.png", full_page=True)

    # Switch to the CPS comparison group: the estimate drops far below the benchmark.
    clicked = time.perf_counter()
    page.get_by_role("button", name=t("videnskvalitet.group_cps")).click()
    expect(page.locator(SUBTITLE)).to_have_text("CPS: forskel i gennemsnit")
    redraw = time.perf_counter() - clicked
    expect(summary).to_contain_text(f"Estimeret effekt: {danish_usd(cps)}")
    expect(page.locator(POINT)).to_have_attribute(
        "aria-label", re.compile(re.escape(f"Estimat (USD): {danish_usd(cps)[:-4]}"))
    )
    assert point_x(page) < rule_x(page) - 100
    page.screenshot(path=ARTIFACTS / "videnskvalitet-cps.png", full_page=True)

    (ARTIFACTS / "videnskvalitet-timings.json").write_text(
        json.dumps(
            {"dom_ready_s": dom_ready, "first_chart_s": first_chart, "group_change_s": redraw},
            indent=2,
        )
    )
    print(f"DOM ready {dom_ready:.2f} s, first chart {first_chart:.2f} s, redraw {redraw:.3f} s")

    assert seen.requests, "no request was recorded"
    assert not seen.offences(), "\n".join(seen.offences())


def test_app_page_links_no_cdn_and_loads_no_jupyterlab_only_extension(
    course_server: Server, page: Page
) -> None:
    """The served HTML itself: the course template, no CDN, no nbgrader/Notebook extensions.

    The address asks for Voila's own "lab" template, which links Font Awesome from jsdelivr; the
    course configuration does not let an address override the template.
    """
    url = course_server.url(app_url("videnskvalitet") + "?template=lab")
    response = fetch_voila_html(page, url)
    assert response.ok
    html = response.text()
    assert "cdn.jsdelivr.net" not in html and "cdnjs.cloudflare.com" not in html
    config = json.loads(
        re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
            html,
            re.S,
        ).group(1)
    )
    names = {extension["name"] for extension in config["federated_extensions"]}
    assert "@jupyter-widgets/jupyterlab-manager" in names
    assert "anywidget" in names
    assert not names & {"@jupyter/nbgrader", "@jupyter-notebook/lab-extension"}
    assert config["fullMathjaxUrl"] is None and config["mathjaxConfig"] is None
    # The app's kernel talks to the server over Unix sockets, not TCP ports (etc/jupyter).
    assert "Kernel is running over TCP" not in course_server.log.read_text(errors="replace")


def test_formgrader_finds_the_course_assignments(course_server: Server, page: Page) -> None:
    """nbgrader's formgrader, served alongside, reads the course root ``course/``."""
    source = ROOT / "course" / "source"
    expected = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
    if not expected:
        pytest.skip("the course has no assignment in course/source yet")
    response = page.request.get(course_server.url("/formgrader/api/assignments"), timeout=60_000)
    assert response.ok, response.text()[:2000]
    assert sorted(assignment["name"] for assignment in response.json()) == expected


def test_jupyterlab_opens_the_start_notebook_with_nbgrader(
    course_server: Server, page: Page
) -> None:
    """The server's root address opens the start notebook in JupyterLab, with nbgrader's menu."""
    if not (ROOT / "notebooks" / "00-start.ipynb").is_file():
        pytest.skip("notebooks/00-start.ipynb is not there yet")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(course_server.url("/"), timeout=LOAD_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/lab/tree/notebooks/00-start\.ipynb"))
    start_tab = page.locator(".lm-TabBar-tab.lm-mod-current", has_text="00-start.ipynb")
    expect(start_tab).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    expect(page.locator(".jp-NotebookPanel:visible .jp-Cell").first).to_be_visible()
    expect(page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "jupyterlab-start.png")
    outside = [url for url in requests if leaves_machine(url)]
    assert not outside, f"requests left 127.0.0.1: {outside}"
