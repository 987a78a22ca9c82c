"""Every app page is accessible: axe-core finds nothing serious, the page is Danish throughout.

Each app under ``notebooks/apps`` is opened as a participant opens it (served by
``python -m vidensbasering.serve``), and checked once its charts are drawn:

- axe-core (the ``axe-playwright-python`` package, which ships axe-core's script) reports no
  violation of impact "serious" or "critical";
- the page declares ``lang="da"``;
- no chart is named "Vega visualization" (Vega's default when a spec has no description);
- no element carries the tooltip "null" (an ipywidget without a tooltip renders one);
- the loading screen speaks Danish (Voila's own texts are English);
- the keyboard focus ring is at least 2 px wide with a contrast of at least 3:1 against the
  page (WCAG 2.2, 1.4.11 non-text contrast and 2.4.13 focus appearance).
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from vidensbasering.i18n import t
from vidensbasering.serve import app_url

from .conftest import ARTIFACTS, ROOT, Server, open_voila

pytestmark = pytest.mark.browser

APPS = sorted(p.stem for p in (ROOT / "notebooks" / "apps").glob("*.ipynb"))
LOAD_TIMEOUT_MS = 180_000
SERIOUS = {"serious", "critical"}


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour given as 0–255 channels."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two colours (1–21)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_against_wcag_examples() -> None:
    # WCAG's extremes: black on white is 21:1; a colour against itself is 1:1.
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (119, 119, 119)) == pytest.approx(1.0)
    # #767676 on white is the lightest grey that passes 4.5:1 (4.54:1).
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def rgb(css: str) -> tuple[float, float, float]:
    """Parse a computed CSS colour ``rgb(r, g, b)`` or ``rgba(r, g, b, a)``."""
    inside = css[css.index("(") + 1 : css.index(")")]
    r, g, b = (float(part) for part in inside.split(",")[:3])
    return r, g, b


def open_drawn(page: Page, server: Server, app: str) -> None:
    """Open an app page and wait until its first chart is drawn."""
    open_voila(page, server.url(app_url(app)), timeout_ms=LOAD_TIMEOUT_MS)
    # Altair charts draw in the page (.vega-embed); the lovende praksis app shows SVG drawn
    # in the kernel inside a named figure.
    chart = page.locator(".vega-embed svg, figure[role=img] svg")
    expect(chart.first).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("#loading")).to_have_count(0, timeout=LOAD_TIMEOUT_MS)


@pytest.mark.parametrize("app", APPS)
def test_app_page_has_no_serious_accessibility_violation(
    course_server: Server, page: Page, app: str
) -> None:
    open_drawn(page, course_server, app)
    assert page.get_attribute("html", "lang") == "da"
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    page.screenshot(path=str(ARTIFACTS / f"a11y-{app}.png"), full_page=True)
    report = "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}"
        for v in serious
    )
    assert not serious, report

    names = page.locator(".vega-embed, figure[role=img]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert names and all(n and n != "Vega visualization" for n in names), names
    assert page.locator('[title="null"]').count() == 0


#: Records every text node the page shows, read after the current task (so after any mutation
#: observer of the page has had its turn, as the participant would see it when painted).
RECORD_TEXTS = """
window.__shown = [];
new MutationObserver((records) => {
  for (const r of records) {
    const nodes = r.type === "characterData" ? [r.target] : [...r.addedNodes];
    setTimeout(() => nodes.forEach((n) => {
      if (n.nodeType === Node.TEXT_NODE && n.isConnected && n.data.trim()) {
        window.__shown.push(n.data.trim().slice(0, 120));
      }
    }), 0);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_loading_screen_is_danish(course_server: Server, page: Page) -> None:
    page.add_init_script(RECORD_TEXTS)
    open_drawn(page, course_server, "videnskvalitet")
    shown = page.evaluate("window.__shown")
    title = "Stil krav til videnskvalitet"  # the app notebook's name, as the page title
    assert t("common.loading_page", title=title) in shown
    assert t("common.loading_step", step=1, steps=1) in shown
    english = [s for s in shown if re.match(r"(Running|Executing|Reading|Loading widget)", s)]
    assert not english, english


def test_keyboard_focus_ring_is_visible(course_server: Server, page: Page) -> None:
    open_drawn(page, course_server, "videnskvalitet")
    page.locator("body").click(position={"x": 2, "y": 2})
    for _ in range(30):  # Tab until a form control has the focus
        page.keyboard.press("Tab")
        tag = page.evaluate("document.activeElement && document.activeElement.tagName")
        if tag in {"SELECT", "INPUT", "BUTTON", "TEXTAREA"}:
            break
    else:
        pytest.fail("Tab never reached a form control")
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {width: s.outlineWidth, style: s.outlineStyle, color: s.outlineColor,
                    background: getComputedStyle(document.body).backgroundColor};
        }"""
    )
    assert style["style"] != "none", style
    assert float(style["width"].removesuffix("px")) >= 2, style
    background = (
        rgb(style["background"])
        if "0, 0, 0, 0" not in style["background"]
        else (
            255.0,
            255.0,
            255.0,
        )
    )
    assert contrast(rgb(style["color"]), background) >= 3, style
