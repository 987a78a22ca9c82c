"""The Voila app "Lovende praksis" in headless Chromium, served as by ``make start``.

A team assesses an invented housing-support service ("Bostøtten i Nordby") from the keyboard:
a digit picks the rating in each list, Tab moves on to the justification and the evidence and
then to the next element. The radar chart's points (their accessible text and their position)
and the per-group summary are checked against values computed here by hand; the JSON download
opens again with the same values after the form was changed; the comparison with the saved
state shows the difference. No request leaves 127.0.0.1 and the console stays clean.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from vidensbasering import promising_practice as pp
from vidensbasering import promising_practice_charts as pc
from vidensbasering.i18n import t
from vidensbasering.serve import app_url

from .conftest import ARTIFACTS, Server, open_voila, watch

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 180_000
ACTION_TIMEOUT_MS = 30_000
RADAR = ".vb-radar figure svg"

SERVICE, TEAM, DATE = "Bostøtten i Nordby", "Team Nord", "3.2.2026"
#: Element -> (rating, justification, evidence); element 6 (Økonomi) is left unrated.
ANSWERS: dict[int, tuple[int, str, str]] = {
    1: (2, "Vi bygger på recovery-tænkning", "Metodebeskrivelse 2025"),
    2: (0, "Ingen undersøgelser af virkningen", "Søgning på Vidensportalen"),
    3: (3, "Målgruppe og aktiviteter er beskrevet", "Indsatsbeskrivelse"),
    4: (2, "Mål i hver borgers plan", "Handleplaner"),
    7: (1, "Refleksion kun ved behov", "Mødereferater"),
    8: (3, "Fast kontaktperson", "Borgerinterview"),
    9: (2, "Planer lægges med borgeren", "Handleplaner"),
    5: (1, "Kun afprøvet hos os", "Ingen"),
    10: (0, "Ingen systematisk måling", "Ingen data"),
    11: (1, "Opfølgning en gang om året", "Årsrapport"),
}
#: By hand: vidensgrundlag (2 + 0) / 2 = 1,0; koncept (3 + 2 + 1 + 3 + 2) / 5 = 2,2;
#: udbredelse: only element 5 rated, 1,0; tilpasning (0 + 1) / 2 = 0,5.
EXPECTED_GROUPS = {
    "Vidensgrundlag": ("2", "2", "1,0"),
    "Koncept": ("5", "5", "2,2"),
    "Udbredelse": ("2", "1", "1,0"),
    "Tilpasning": ("2", "2", "0,5"),
}


def rating(page: Page, number: int) -> Locator:
    return page.get_by_label(t("lovende_praksis.app_rating_label", number=number), exact=True)


def justification(page: Page, number: int) -> Locator:
    label = t("lovende_praksis.app_justification_label", number=number)
    return page.get_by_label(label, exact=True)


def evidence(page: Page, number: int) -> Locator:
    return page.get_by_label(t("lovende_praksis.app_evidence_label", number=number), exact=True)


def button(page: Page, key: str) -> Locator:
    return page.get_by_role("button", name=t(f"lovende_praksis.{key}"), exact=True)


def summary_row(page: Page, group: str) -> Locator:
    return page.locator(f".vb-summary tr[data-group='{group}'] td")


def points(page: Page) -> list[tuple[str, float, float]]:
    """The radar's points: accessible text and position in the plot (px)."""
    return page.eval_on_selector_all(
        f"{RADAR} path[aria-roledescription='point']",
        """(nodes) => nodes.map((n) => {
             const m = n.getAttribute('transform').match(/translate\\(([-\\d.]+),([-\\d.]+)\\)/);
             return [n.getAttribute('aria-label'), parseFloat(m[1]), parseFloat(m[2])];
           })""",
    )


def expected_points(label: str, ratings: dict[int, int]) -> dict[str, tuple[float, float]]:
    """Accessible text -> pixel position of each rated element's point, computed here."""
    half = pc.SIZE / 2
    unit = pc.SIZE / (2 * pc.EXTENT)  # pixels per rating unit
    out = {}
    for number, value in ratings.items():
        e = pp.element(number)
        x, y = pc.point(number, value)
        text = f"{number}. {e.name}: {pp.scale_label(value)} ({label})"
        out[text] = (half + x * unit, half - y * unit)
    return out


def assert_points(page: Page, label: str, ratings: dict[int, int]) -> None:
    expected = expected_points(label, ratings)
    seen = {text: (x, y) for text, x, y in points(page) if text.endswith(f"({label})")}
    assert set(seen) == set(expected)
    for text, (x, y) in expected.items():
        assert seen[text] == pytest.approx((x, y), abs=0.5), text


@pytest.fixture
def patient_expect() -> Iterator[None]:
    """Give each ``expect`` up to 30 s (the shared test machine is often loaded), then restore
    Playwright's default of 5 s."""
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    try:
        yield
    finally:
        expect.set_options(timeout=5_000)


@pytest.mark.usefixtures("patient_expect")
def test_assess_a_service_from_the_keyboard_download_and_reopen(
    course_server: Server, page: Page, tmp_path: Path
) -> None:
    seen = watch(page)
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    open_voila(page, course_server.url(app_url("lovende_praksis")), timeout_ms=LOAD_TIMEOUT_MS)
    rating(page, 1).wait_for(timeout=LOAD_TIMEOUT_MS)
    expect(page.locator(".vb-note")).to_contain_text("kursets egen")
    # The empty assessment already draws the radar: 11 element names and 4 group names.
    expect(page.locator(f"{RADAR} text").filter(has_text="10. Monitorering")).to_have_count(1)
    expect(page.locator(f"{RADAR} text").filter(has_text="TILPASNING")).to_have_count(1)
    # The figure is named by the chart's description.
    expect(page.locator(".vb-radar figure[aria-label^='Radardiagram']")).to_have_count(1)

    # The frame, typed; Tab moves from field to field, Enter in the date saves the frame.
    page.get_by_label(t("lovende_praksis.field_service") + ":", exact=True).click()
    page.keyboard.type(SERVICE)
    page.keyboard.press("Tab")
    page.keyboard.type(TEAM)
    page.keyboard.press("Tab")
    page.keyboard.type(DATE)
    page.keyboard.press("Enter")
    label = f"{TEAM}, {DATE}"
    expect(page.locator(f"{RADAR} text").filter(has_text=label)).to_have_count(1)

    # The elements, from the keyboard only: a digit picks the rating, Tab moves on.
    rating(page, 1).focus()
    for number in pc.SPOKES:  # the form lists the elements group by group, as the radar
        expect(rating(page, number)).to_be_focused()
        if number in ANSWERS:
            value, why, basis = ANSWERS[number]
            page.keyboard.type(str(value))
            page.keyboard.press("Tab")
            expect(justification(page, number)).to_be_focused()
            page.keyboard.type(why)
            page.keyboard.press("Tab")
            expect(evidence(page, number)).to_be_focused()
            page.keyboard.type(basis)
            page.keyboard.press("Tab")
        else:
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")

    ratings = {n: v for n, (v, _, _) in ANSWERS.items()}
    for group, cells in EXPECTED_GROUPS.items():
        expect(summary_row(page, group)).to_have_text(list(cells))
    expect(page.locator(".vb-weakest li").first).to_contain_text("2. Virkning")
    expect(page.locator(".vb-weakest li[data-element='10']")).to_contain_text("hæfte 5")
    # The radar's points: one per rated element plus the closing point on element 1.
    expect(page.locator(f"{RADAR} path[aria-roledescription='point']")).to_have_count(11)
    assert_points(page, label, ratings)

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 5200})
    page.locator(".vb-lp").screenshot(path=ARTIFACTS / "lovende-praksis-app.png")
    page.locator(".vb-radar").screenshot(path=ARTIFACTS / "lovende-praksis-radar.png")

    # Download the JSON: it holds exactly what was typed.
    with page.expect_download() as info:
        button(page, "app_download_json").click()
    saved = info.value
    assert saved.suggested_filename == "lovende-praksis-bostoetten-i-nordby.json"
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    expected = pp.assess(
        ratings,
        service=SERVICE,
        team=TEAM,
        date="2026-02-03",
        justifications={n: a[1] for n, a in ANSWERS.items()},
        evidence={n: a[2] for n, a in ANSWERS.items()},
    )
    assert pp.Assessment.from_json(path.read_bytes()) == expected

    # Keep it as "before", then improve monitoring: the comparison shows +2 on element 10.
    button(page, "app_keep_as_comparison").click()
    rating(page, 10).select_option(label="2 – i nogen grad")
    row = page.locator(".vb-compare tr[data-element='10'] td")
    expect(row).to_have_text(["10", "Monitorering", "2", "0", "+2"])
    expect(page.locator(f"{RADAR} path[aria-roledescription='point']")).to_have_count(22)
    expect(summary_row(page, "Tilpasning").last).to_have_text("1,5")

    # Upload the saved file: the form and the charts show the saved values again.
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=t("lovende_praksis.app_open")).click()
    chooser.value.set_files(path)
    expect(page.get_by_role("status").filter(has_text=path.name)).to_be_visible()
    expect(rating(page, 10).locator("option:checked")).to_have_text(pp.scale_label(0))
    expect(summary_row(page, "Tilpasning").last).to_have_text("0,5")
    expect(justification(page, 7)).to_have_value(ANSWERS[7][1])
    expect(evidence(page, 11)).to_have_value(ANSWERS[11][2])
    expect(rating(page, 6).locator("option:checked")).to_have_text("– ikke vurderet –")
    expect(row).to_have_text(["10", "Monitorering", "0", "0", "0"])
    assert_points(page, label, ratings)

    # A file from elsewhere is refused in Danish; the work stays.
    foreign = json.dumps({"title": "Forandringsteori", "elements": []}).encode()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=t("lovende_praksis.app_open")).click()
    chooser.value.set_files(
        {"name": "andet.json", "mimeType": "application/json", "buffer": foreign}
    )
    expect(page.get_by_role("alert").filter(has_text="andet.json")).to_be_visible()
    expect(page.locator(".vb-lp")).to_contain_text("ikke en vurdering af lovende praksis")
    expect(summary_row(page, "Koncept").last).to_have_text("2,2")

    assert seen.requests, "no request was recorded"
    assert not seen.offences(), "\n".join(seen.offences())
