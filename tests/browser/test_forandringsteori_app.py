"""The Voila app "Opstil en forandringsteori" in headless Chromium, served as by ``make start``.

A person builds a small theory of change for an invented homework club ("Lektiehjælp i klubben")
with the forms, mostly from the keyboard: the findings follow each step, the JSON download loads
back (with the library) equal to the same theory built in code, the image and text downloads carry
the work, a broken or foreign upload is refused with a Danish message while the work stays, and a
saved file opens again. Redraw latency after an edit is measured in the page and printed.
"""

from __future__ import annotations

import json
import statistics
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Download, Locator, Page, expect

from vidensbasering.apps.forandringsteori import example_titles, file_stem
from vidensbasering.i18n import t
from vidensbasering.serve import app_url
from vidensbasering.theory_of_change import Indicator, TheoryOfChange, validate
from vidensbasering.theory_of_change.layout import layout

from .conftest import ARTIFACTS, Server, open_voila, watch

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 180_000
ACTION_TIMEOUT_MS = 30_000
DIAGRAM = ".vb-diagram .vega-embed svg"
FINDINGS = ".vb-toc ul.vb-findings"
#: Edits timed for the redraw latency (the median is reported).
TIMED_EDITS = 9

TITLE = "Lektiehjælp i klubben"
FRAME = {
    "problem_statement": "Mange elever i klubben får ikke lavet lektier og halter bagefter.",
    "target_group": "Elever i 6.–9. klasse, der kommer i klubben",
    "context": "En fritidsklub i en opdigtet kommune",
}
ACTIVITY = "Lektiehjælp to gange om ugen"
SHORT = "Eleverne laver flere lektier"
LONG = "Flere elever består 9. klasse"
ASSUMPTION_1 = "Hjælp i klubben sænker tærsklen for at gå i gang"
ASSUMPTION_2 = "Lektier, der bliver lavet, giver bedre karakterer"
INDICATOR_SHORT = Indicator(
    what="Andel afleverede lektier",
    how="Lærernes registrering",
    when="Hver måned",
    who="Klubbens pædagog",
    data_source="Skolens intranet",
)
INDICATOR_LONG = Indicator(
    what="Andel der består 9. klasse",
    how="Afgangsprøvens resultat",
    when="Hvert år i juni",
    who="Klubbens leder",
    data_source="Skolens opgørelse",
)


def expected_theory() -> TheoryOfChange:
    """The theory of change the test builds through the app, built with the library's API."""
    toc = TheoryOfChange(title=TITLE, **FRAME)
    activity = toc.add_element("activity", ACTIVITY)
    short = toc.add_element("short_term_outcome", SHORT, indicators=[INDICATOR_SHORT])
    long = toc.add_element("long_term_outcome", LONG, indicators=[INDICATOR_LONG])
    toc.add_link(activity.id, short.id, ASSUMPTION_1)
    toc.add_link(short.id, long.id, ASSUMPTION_2)
    return toc


def field(page: Page, key: str) -> Locator:
    """The form control labelled with the catalog text ``forandringsteori.<key>``."""
    return page.get_by_label(t(f"forandringsteori.{key}"), exact=True)


def indicator_field(page: Page, name: str) -> Locator:
    return page.get_by_label(t(f"forandringsteori.col_{name}") + ":", exact=True)


def button(page: Page, key: str) -> Locator:
    return page.get_by_role("button", name=t(f"forandringsteori.{key}"), exact=True)


def finding(page: Page, rule: str) -> Locator:
    return page.locator(f"{FINDINGS} li[data-rule='{rule}']")


def diagram_text(page: Page) -> Locator:
    return page.locator(f"{DIAGRAM} text")


def add_element(page: Page, kind_label: str, text: str) -> None:
    """Add an element as a keyboard user does: pick the kind, Tab to the text, type, Enter."""
    kind = field(page, "app_element_kind")
    kind.select_option(label=kind_label)
    kind.focus()
    page.keyboard.press("Tab")
    expect(field(page, "app_element_text")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    added = t("forandringsteori.app_element_added", text=text)
    expect(page.get_by_role("status").filter(has_text=added)).to_be_visible()
    expect(field(page, "app_element_text")).to_have_value("")


def add_indicator(page: Page, element_label: str, indicator: Indicator) -> None:
    """Choose an outcome, type the five fields (Tab between them) and press Enter."""
    field(page, "app_element_choice").select_option(label=element_label)
    heading = t("forandringsteori.app_section_indicators", text=element_label.split(": ", 1)[1])
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    indicator_field(page, "what").click()
    for n, name in enumerate(("what", "how", "when", "who", "data_source")):
        if n:
            page.keyboard.press("Tab")
        expect(indicator_field(page, name)).to_be_focused()
        page.keyboard.type(getattr(indicator, name))
    page.keyboard.press("Enter")
    added = t("forandringsteori.app_indicator_added", what=indicator.what)
    expect(page.get_by_role("status").filter(has_text=added)).to_be_visible()


def download(page: Page, key: str) -> Download:
    with page.expect_download(timeout=ACTION_TIMEOUT_MS) as info:
        button(page, key).click()
    return info.value


def choose_file(page: Page, file: Path | dict) -> None:
    """Press the upload button and pick ``file`` in the browser's file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=t("forandringsteori.app_upload_label")).click()
    chooser.value.set_files(file)


START_REDRAW_CLOCK = """(expected) => {
  // Time from the Enter key that saves the edit to the frame after the diagram's SVG first
  // shows the new text.
  const root = document.querySelector(".vb-diagram");
  window.__redraw = new Promise((resolve) => {
    let start = null;
    const onKey = (event) => {
      if (event.key === "Enter" && start === null) start = performance.now();
    };
    document.addEventListener("keydown", onKey, true);
    const observer = new MutationObserver(() => {
      if (start === null) return;
      const texts = root.querySelectorAll("svg text");
      if (![...texts].some((node) => node.textContent.includes(expected))) return;
      observer.disconnect();
      document.removeEventListener("keydown", onKey, true);
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
  });
}"""


def test_build_check_download_and_reopen_a_theory_of_change(
    course_server: Server, page: Page, tmp_path: Path
) -> None:
    seen = watch(page)
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    open_voila(page, course_server.url(app_url("forandringsteori")), timeout_ms=LOAD_TIMEOUT_MS)
    field(page, "app_element_text").wait_for(timeout=LOAD_TIMEOUT_MS)
    # An empty theory already draws the five column headings.
    expect(diagram_text(page).filter(has_text="Aktiviteter")).to_have_count(1)

    # The frame, typed from the keyboard; Tab leaves a field and saves it.
    field(page, "app_frame_title").click()
    page.keyboard.type(TITLE)
    for name in ("problem_statement", "target_group", "context"):
        page.keyboard.press("Tab")
        expect(field(page, f"app_frame_{name}")).to_be_focused()
        page.keyboard.type(FRAME[name])
    page.keyboard.press("Tab")
    expect(diagram_text(page).filter(has_text=TITLE)).to_have_count(1)
    expect(finding(page, "empty_field")).to_have_count(0)

    # Three elements. The activity alone leads nowhere: an error, and a red box in the diagram.
    add_element(page, "Aktivitet", ACTIVITY)
    expect(finding(page, "activity_without_outcome")).to_have_count(1)
    add_element(page, "Kortsigtet resultat", SHORT)
    add_element(page, "Langsigtet virkning", LONG)
    expect(finding(page, "activity_without_outcome")).to_have_count(1)
    expect(finding(page, "unreachable_outcome")).to_have_count(2)
    expect(finding(page, "missing_indicator")).to_have_count(2)
    expect(page.locator(f"{DIAGRAM} .mark-rect path[stroke='#D55E00']")).to_have_count(3)

    # First link with its assumption (Enter in the assumption field saves the form).
    field(page, "app_link_source").select_option(label=f"Aktivitet: {ACTIVITY}")
    field(page, "app_link_target").select_option(label=f"Kortsigtet resultat: {SHORT}")
    field(page, "app_link_assumption").fill(ASSUMPTION_1)
    field(page, "app_link_assumption").press("Enter")
    expect(finding(page, "activity_without_outcome")).to_have_count(0)
    expect(finding(page, "unreachable_outcome")).to_have_count(1)

    # Second link without an assumption: the outcome is reached, the assumption is missing.
    field(page, "app_link_source").select_option(label=f"Kortsigtet resultat: {SHORT}")
    field(page, "app_link_target").select_option(label=f"Langsigtet virkning: {LONG}")
    button(page, "app_link_add").click()
    expect(finding(page, "unreachable_outcome")).to_have_count(0)
    expect(finding(page, "missing_assumption")).to_have_count(1)
    expect(page.locator(f"{DIAGRAM} .mark-rect path[stroke='#D55E00']")).to_have_count(0)

    # Fix it: choose the arrow (number 2, as in the diagram), write the assumption, Enter.
    field(page, "app_link_choice").select_option(index=2)
    expect(button(page, "app_link_save")).to_be_visible()  # the form now edits arrow 2
    expect(field(page, "app_link_assumption")).to_have_value("")
    field(page, "app_link_assumption").fill(ASSUMPTION_2)
    field(page, "app_link_assumption").press("Enter")
    expect(finding(page, "missing_assumption")).to_have_count(0)

    # Indicators on both outcomes, then nothing is left to fix.
    add_indicator(page, f"Kortsigtet resultat: {SHORT}", INDICATOR_SHORT)
    expect(finding(page, "missing_indicator")).to_have_count(1)
    add_indicator(page, f"Langsigtet virkning: {LONG}", INDICATOR_LONG)
    expect(page.locator(".vb-toc .vb-ok")).to_have_text(t("forandringsteori.app_findings_none"))
    assert validate(expected_theory()) == []
    # Three boxes, two solid arrows, and the texts (boxes and the list of assumptions).
    expect(page.locator(f"{DIAGRAM} .mark-rect path")).to_have_count(3)
    expect(page.locator(f"{DIAGRAM} .mark-line path")).to_have_count(2)
    expect(page.locator(f"{DIAGRAM} .mark-line path[stroke-dasharray='5,3']")).to_have_count(0)
    for text in (SHORT, LONG, ASSUMPTION_1):
        expect(diagram_text(page).filter(has_text=text).first).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    # Voila scrolls inside the page: a tall window puts the whole app on the screenshot.
    page.set_viewport_size({"width": 1280, "height": 3200})
    page.locator(".vb-toc").screenshot(path=ARTIFACTS / "forandringsteori-app.png")
    page.locator(".vb-diagram").screenshot(path=ARTIFACTS / "forandringsteori-diagram.png")

    # Downloads: the JSON loads back equal to the same theory built with the library.
    expected = expected_theory()
    saved = download(page, "app_download_json")
    assert saved.suggested_filename == "forandringsteori-lektiehjaelp-i-klubben.json"
    assert saved.suggested_filename == file_stem(TITLE) + ".json"
    json_path = tmp_path / saved.suggested_filename
    saved.save_as(json_path)
    assert TheoryOfChange.from_json(json_path.read_bytes()) == expected

    markdown = download(page, "app_download_md")
    text = Path(markdown.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# {TITLE}\n")
    assert f"1. {ACTIVITY} → {SHORT}: {ASSUMPTION_1}" in text
    svg = Path(download(page, "app_download_svg").path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and LONG in svg
    png = Path(download(page, "app_download_png").path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = struct.unpack(">I", png[16:20])[0]
    # Twice the drawing's width plus Vega's default padding of 5 px on each side: 2 × (1196 + 10).
    assert width == 2 * (layout(expected).width + 2 * 5)

    # A broken file and a foreign file are refused; the work stays on screen.
    broken = b'{"title": "Halv fil", "elements": [{"id": "a", "kind": "aktivitet"'
    choose_file(page, {"name": "ødelagt.json", "mimeType": "application/json", "buffer": broken})
    alert = page.get_by_role("alert").filter(has_text="ødelagt.json")
    expect(alert).to_have_text(t("forandringsteori.app_upload_failed", name="ødelagt.json"))
    expect(page.locator(".vb-toc")).to_contain_text("Filen er ikke gyldig JSON (fejl ved linje 1")
    foreign = json.dumps({"cells": [], "metadata": {}, "nbformat": 4}).encode()
    choose_file(page, {"name": "noter.ipynb", "mimeType": "application/json", "buffer": foreign})
    expect(page.get_by_role("alert").filter(has_text="noter.ipynb")).to_be_visible()
    expect(page.locator(".vb-toc")).to_contain_text("Filen ligner ikke en forandringsteori")
    expect(field(page, "app_frame_title")).to_have_value(TITLE)
    expect(page.locator(".vb-toc .vb-ok")).to_be_visible()
    expect(diagram_text(page).filter(has_text=LONG).first).to_be_visible()

    # Redraw latency: rename the activity several times, Enter to save, time until drawn.
    field(page, "app_element_choice").select_option(label=f"Aktivitet: {ACTIVITY}")
    expect(field(page, "app_element_text")).to_have_value(ACTIVITY)
    timings = []
    for n in range(1, TIMED_EDITS + 1):
        text = f"Lektiehjælp, runde {n}"
        page.evaluate(START_REDRAW_CLOCK, text)
        field(page, "app_element_text").fill(text)
        field(page, "app_element_text").press("Enter")
        timings.append(page.evaluate("window.__redraw"))
    median = statistics.median(timings)
    (ARTIFACTS / "forandringsteori-timings.json").write_text(
        json.dumps({"redraw_ms": timings, "median_redraw_ms": median}, indent=2)
    )
    print(f"redraw after an edit: median {median:.0f} ms over {len(timings)} edits {timings}")

    # Start again from an example (after confirming), then reopen the saved file.
    example = t("forandringsteori.app_start_example", title=example_titles()["boligstoette"])
    field(page, "app_start_label").select_option(label=example)
    button(page, "app_start_button").click()
    button(page, "app_confirm_yes").click()
    expect(field(page, "app_frame_title")).not_to_have_value(TITLE)
    choose_file(page, json_path)
    expect(page.get_by_role("status").filter(has_text=json_path.name)).to_be_visible()
    expect(field(page, "app_frame_title")).to_have_value(TITLE)
    expect(diagram_text(page).filter(has_text=SHORT).first).to_be_visible()
    expect(page.locator(f"{DIAGRAM} .mark-rect path")).to_have_count(3)

    assert seen.requests, "no request was recorded"
    assert not seen.offences(), "\n".join(seen.offences())
