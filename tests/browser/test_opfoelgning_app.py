"""The Voila app "Følg systematisk op" in headless Chromium, served as by ``make start``.

Expected figures are computed here from the shipped example CSV with plain pandas/numpy, not with
the library's follow-up functions: group means at the first occasion, and the Jacobson-Truax
categories from the baseline SD, WEMWBS α = 0.89 (Tennant et al. 2007) and cut-off criterion a
(Jacobson & Truax 1991). Uploaded files are built in the test, with invented pseudonyms only.
"""

from __future__ import annotations

import base64
import io
import json
import re
import statistics
import time
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from vidensbasering.i18n import t
from vidensbasering.serve import app_url

from .conftest import ARTIFACTS, PageWatch, Server, open_voila

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 180_000
CHARTS = ("trajectories", "jacobson", "categories", "gas", "trend")
#: Marks each chart must have drawn (CSS selector inside its SVG → at least this many).
MARKS = {
    "trajectories": {".mark-line.role-mark path": 2, ".mark-symbol.role-mark path": 10},
    "jacobson": {
        ".mark-symbol.role-mark path": 10,
        ".mark-area.role-mark path": 1,
        ".mark-rule.role-mark line": 2,
    },
    "categories": {".mark-rect.role-mark path": 4, ".mark-text.role-mark text": 4},
    "gas": {".mark-rect.role-mark path": 4, ".mark-rule.role-mark line": 4},
    "trend": {
        ".mark-symbol.role-mark path": 8,
        ".mark-rect.role-mark path": 8,
        ".mark-text.role-mark text": 8,
    },
}
ALPHA_WEMWBS = 0.89
#: How long a reply from the kernel may take on a busy shared machine (the charts redraw too).
REPLY_TIMEOUT_MS = 60_000


def chart(page: Page, name: str) -> Locator:
    return page.locator(f".vb-chart-{name} .vega-embed svg")


def subtitle(page: Page, name: str) -> Locator:
    return chart(page, name).locator(".role-title-subtitle text").first


def danish(value: float, decimals: int = 1) -> str:
    """One-decimal Danish number written out by hand for the test: 41.25 -> '41,3'."""
    return f"{value:.{decimals}f}".replace(".", ",")


def example_csv() -> pd.DataFrame:
    path = resources.files("vidensbasering.examples").joinpath("opfoelgning.csv")
    return pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")), dtype={"person_id": str})


def expected_categories(df: pd.DataFrame) -> dict[str, int]:
    """Jacobson-Truax categories for WEMWBS (higher is better), computed by hand here.

    S_diff = √2 · s₁ · √(1 − α) with s₁ the SD of the first scores; reliable when |RC| > 1.96;
    recovered when reliably better and the score crossed cut-off a = M₁ + 2·s₁.
    """
    w = df[df["instrument"] == "WEMWBS"].sort_values(["person_id", "occasion"])
    first = w.groupby("person_id")["score"].first()
    latest = w.groupby("person_id")["score"].last()
    n = w.groupby("person_id").size()
    s1 = first.std(ddof=1)
    s_diff = np.sqrt(2) * s1 * np.sqrt(1 - ALPHA_WEMWBS)
    cutoff = first.mean() + 2 * s1
    rc = (latest - first) / s_diff
    again = n > 1
    better, worse = again & (rc > 1.96), again & (rc < -1.96)
    crossed = (first <= cutoff) & (latest > cutoff)
    return {
        "recovered": int((better & crossed).sum()),
        "improved": int((better & ~crossed).sum()),
        "unchanged": int((again & ~better & ~worse).sum()),
        "deteriorated": int(worse.sum()),
        "again": int(again.sum()),
    }


def open_app(page: Page, server: Server) -> tuple[float, float]:
    """Open the app; return (DOM ready, every chart drawn) in seconds since navigation."""
    started = time.perf_counter()
    open_voila(page, server.url(app_url("opfoelgning")), timeout_ms=LOAD_TIMEOUT_MS)
    dom_ready = time.perf_counter() - started
    for name in CHARTS:
        # Attached, not "visible": a horizontal rule's group has zero height.
        chart(page, name).locator(".role-mark").first.wait_for(
            state="attached", timeout=LOAD_TIMEOUT_MS
        )
    return dom_ready, time.perf_counter() - started


def assert_every_chart_drawn(page: Page, names: tuple[str, ...] = CHARTS) -> None:
    for name in names:
        for selector, least in MARKS[name].items():
            count = chart(page, name).locator(selector).count()
            assert count >= least, f"{name}: {count} × {selector}, expected ≥ {least}"


def screenshot(page: Page, name: str) -> None:
    """Save the whole app: Voila scrolls inside the page, so the viewport is made tall enough."""
    height = page.evaluate("() => document.querySelector('#rendered_cells').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": int(height) + 200})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name)
    if size:
        page.set_viewport_size(size)


def upload(page: Page, name: str, content: bytes, mime: str = "text/csv") -> None:
    """Choose a file with the upload button, as a participant does (the input is not in the DOM)."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(re.escape(t("opfoelgning.app_upload")))).click()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])


def test_example_data_draws_every_chart_with_the_right_numbers(
    course_server: Server, page: Page, page_watch: PageWatch
) -> None:
    df = example_csv()
    expected = expected_categories(df)
    # Hand check of the table: 120 invented citizens, most measured more than once.
    assert df["person_id"].nunique() == 120 and expected["again"] > 100
    open_app(page, course_server)
    assert_every_chart_drawn(page)

    # Group trend: the mean WEMWBS of each team at the first occasion, labelled on the chart.
    first = df[(df["instrument"] == "WEMWBS") & (df["occasion"] == 1)]
    labels = chart(page, "trend").locator(".mark-text.role-mark text").all_text_contents()
    for team, mean in first.groupby("group")["score"].mean().items():
        assert danish(mean) in labels, (team, mean, labels)

    # Change categories: each bar's label starts with the count computed by hand above.
    bars = chart(page, "categories").locator(".mark-text.role-mark text").all_text_contents()
    for category in ("recovered", "improved", "unchanged", "deteriorated"):
        share = danish(100 * expected[category] / expected["again"])
        assert f"{expected[category]} ({share}%)" in bars, (category, bars)
    key = page.locator(".widget-html", has_text="borgere er målt med WEMWBS")
    expect(key).to_contain_text(f"{expected['again']} af dem er målt mindst to gange")
    expect(key).to_contain_text(f"Pålidelig forværring: {expected['deteriorated']} borgere")

    screenshot(page, "opfoelgning-example.png")

    # One citizen's trajectory: a single named line.
    page.get_by_label(t("opfoelgning.app_person")).select_option("B004")
    expect(subtitle(page, "trajectories")).to_contain_text("Viser 1 af 120 borgere")
    names = chart(page, "trajectories").locator(".mark-text.role-mark text").all_text_contents()
    assert names == ["B004"]

    # Keyboard: the group dropdown takes focus and changes with the arrow keys.
    page.get_by_label(t("opfoelgning.app_person")).select_option(
        label=t("opfoelgning.app_person_sample")
    )
    group = page.get_by_label(t("opfoelgning.app_group"), exact=True)
    group.focus()
    page.keyboard.press("ArrowDown")  # "Alle grupper" -> "Team Nord"
    nord = df[df["group"] == "Team Nord"]["person_id"].nunique()
    expect(subtitle(page, "trajectories")).to_contain_text(f"Viser 40 af {nord} borgere")
    expect(group).to_be_focused()

    # Every control has a label (keyboard and screen-reader users reach it by name).
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll(
              '.jp-OutputArea :is(select, input:not([type=file]), button)')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                         && !e.textContent.trim())
            .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert not unlabelled, unlabelled
    page_watch.assert_clean()


def test_summary_csv_and_images_download(
    course_server: Server, page: Page, page_watch: PageWatch
) -> None:
    df = example_csv()
    open_app(page, course_server)
    with page.expect_download() as info:
        page.get_by_role("link", name=t("opfoelgning.app_download_csv")).click()
    download = info.value
    assert download.suggested_filename == "opfoelgning-WEMWBS-alle.csv"
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    table = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(table) == 120
    assert table["Ændring"].dtype == float
    w = df[df["instrument"] == "WEMWBS"].sort_values("occasion")
    change = w.groupby("person_id")["score"].agg(lambda s: s.iloc[-1] - s.iloc[0])
    row = table.set_index("Borger").loc["B004"]
    assert row["Ændring"] == pytest.approx(change["B004"])
    assert row["Gruppe"] == df.loc[df["person_id"] == "B004", "group"].iloc[0]
    assert row["Første dato"] == pd.Timestamp(w[w["person_id"] == "B004"]["date"].iloc[0]).strftime(
        "%d-%m-%Y"
    )

    page.get_by_role("button", name=t("opfoelgning.app_make_images")).click()
    links = page.locator(".vb-images a")
    expect(links).to_have_count(10, timeout=120_000)
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href") or ""
        kind, _, payload = href.partition(";base64,")
        content = base64.b64decode(payload)
        if kind == "data:image/png":
            assert content.startswith(b"\x89PNG") and len(content) > 10_000
        else:
            assert kind == "data:image/svg+xml" and b"<svg" in content[:500]
    page_watch.assert_clean()


def danish_excel_file() -> tuple[bytes, pd.DataFrame]:
    """A ';'-separated, decimal-comma, Windows-1252 file with Danish column names (invented).

    WEMWBS totals are whole numbers (a sum of 14 items scored 1–5); written with a decimal comma
    as Excel does for a number column ("38,0").
    """
    rows = [
        # code, date, form, points, team
        ("P01", "03-02-2025", "WEMWBS", 38.0, "Højbo"),
        ("P01", "05-05-2025", "WEMWBS", 44.0, "Højbo"),
        ("P01", "01-09-2025", "WEMWBS", 51.0, "Højbo"),
        ("P02", "04-02-2025", "WEMWBS", 41.0, "Højbo"),
        ("P02", "06-05-2025", "WEMWBS", 40.0, "Højbo"),
        ("P03", "10-02-2025", "WEMWBS", 35.0, "Højbo"),
        ("P03", "12-05-2025", "WEMWBS", 47.0, "Højbo"),
        ("P04", "03-02-2025", "WEMWBS", 45.0, "Ågården"),
        ("P04", "07-05-2025", "WEMWBS", 46.0, "Ågården"),
        ("P05", "11-02-2025", "WEMWBS", 30.0, "Ågården"),
        ("P05", "09-05-2025", "WEMWBS", 29.0, "Ågården"),
        ("P06", "12-02-2025", "WEMWBS", 42.0, "Ågården"),
    ]
    frame = pd.DataFrame(rows, columns=["Kode", "Måledato", "Skema", "Point", "Hold"])
    text = frame.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return text.encode("cp1252"), frame


def test_reliability_is_typed_with_a_decimal_comma_and_refused_out_of_range(
    course_server: Server, page: Page, page_watch: PageWatch
) -> None:
    # Reliable change threshold by hand: 1.96 · S_diff, S_diff = √2 · s₁ · √(1 − α), s₁ the SD
    # of the example's first WEMWBS scores (Jacobson & Truax 1991).
    w = example_csv().query("instrument == 'WEMWBS'").sort_values(["person_id", "occasion"])
    s1 = w.groupby("person_id")["score"].first().std(ddof=1)

    def threshold(alpha: float) -> str:
        return f"mindst {danish(1.96 * np.sqrt(2) * s1 * np.sqrt(1 - alpha))} point"

    open_app(page, course_server)
    field = page.get_by_label(t("opfoelgning.app_reliability"), exact=True)
    key = page.locator(".widget-html", has_text="Pålidelig ændring kræver")
    expect(field).to_have_value("0,89")  # shown with a decimal comma
    expect(key).to_contain_text(threshold(0.89))

    field.fill("0,85")
    field.press("Enter")
    expect(key).to_contain_text(threshold(0.85), timeout=REPLY_TIMEOUT_MS)
    expect(key).to_contain_text("reliabiliteten 0,85")

    # 85 is refused with a Danish message; it is not clipped to 0,99 and nothing changes.
    field.fill("85")
    field.press("Enter")
    message = page.locator(".vb-field-error")
    rule = t("common.number_both", first=t("common.number_above", x="0"),
             second=t("common.number_below", x="1"))  # fmt: skip
    expect(message).to_have_text(
        t("common.number_out_of_range", rule=rule), timeout=REPLY_TIMEOUT_MS
    )
    expect(message).to_have_attribute("role", "alert")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("85")  # left for the participant to correct
    expect(key).to_contain_text(threshold(0.85), timeout=REPLY_TIMEOUT_MS)
    screenshot(page, "opfoelgning-reliability-refused.png")

    # A decimal point is not Danish: refused too. Leaving the field after a fix uses it.
    field.fill("0.8")
    field.press("Enter")
    expect(message).to_contain_text("med komma før decimalerne", timeout=REPLY_TIMEOUT_MS)
    field.fill("0,8")
    field.press("Tab")
    expect(key).to_contain_text(threshold(0.8), timeout=REPLY_TIMEOUT_MS)
    expect(message).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    expect(field).to_have_attribute("aria-invalid", "false")
    page_watch.assert_clean()


def test_upload_of_a_danish_excel_csv_with_column_mapping(
    course_server: Server, page: Page, page_watch: PageWatch
) -> None:
    content, frame = danish_excel_file()
    assert b"H\xf8jbo" in content and b"38,0" in content  # cp1252 ø, decimal comma
    open_app(page, course_server)
    upload(page, "trivsel.csv", content)
    # "Kode" and "Skema" are not names the app recognises: it asks which column is what.
    problems = page.locator(".vb-problems")
    expect(problems).to_contain_text("der er ingen kolonne med person")
    expect(problems).to_contain_text("der er ingen kolonne med instrument")
    # Only the columns need choosing: the message points at the lists below, not at the file.
    expect(problems).to_contain_text("vælg kolonnerne i listerne lige nedenfor")
    expect(problems).not_to_contain_text("Ret disse")
    expect(page.get_by_label("Kolonne med dato", exact=True)).to_have_value("Måledato")
    page.get_by_label("Kolonne med person", exact=True).select_option("Kode")
    page.get_by_label("Kolonne med instrument", exact=True).select_option("Skema")
    page.get_by_role("button", name=t("opfoelgning.app_mapping_apply")).click()
    expect(page.get_by_text(t("opfoelgning.app_file_used"))).to_be_visible()
    expect(problems).to_have_count(0)
    expect(page.get_by_text("Data: din fil (6 borgere, 12 rækker).")).to_be_visible()

    # Occasions come from each person's dates; the trend shows each team's mean at occasion 1.
    first = frame.groupby("Kode").head(1)  # rows are in date order within each person
    means = {"Højbo": (38.0 + 41.0 + 35.0) / 3, "Ågården": (45.0 + 30.0 + 42.0) / 3}
    assert first.groupby("Hold")["Point"].mean().to_dict() == pytest.approx(means)
    trend = chart(page, "trend")
    expect(
        trend.locator(".mark-text.role-mark text", has_text=danish(means["Højbo"]))
    ).to_have_count(1)
    expect(
        trend.locator(".mark-text.role-mark text", has_text=danish(means["Ågården"]))
    ).to_have_count(1)
    legend = trend.locator(".role-legend-label text").all_text_contents()
    assert legend == ["Højbo", "Ågården"]
    expect(subtitle(page, "trajectories")).to_contain_text("(6 i alt)")
    assert_every_chart_drawn(page, ("trajectories",))
    expect(chart(page, "jacobson").locator(".mark-symbol.role-mark path")).to_have_count(
        5
    )  # P06 once
    expect(page.get_by_text(t("opfoelgning.app_no_gas"))).to_be_visible()
    screenshot(page, "opfoelgning-upload.png")
    page_watch.assert_clean()


def test_broken_file_lists_every_problem_and_a_cpr_number_is_never_shown(
    course_server: Server, page: Page, page_watch: PageWatch
) -> None:
    open_app(page, course_server)
    broken = (
        "person_id;occasion;instrument;score\r\n"
        "A1;1;WEMWBS;tolv\r\n"
        "A1;2;WEMWBS;80\r\n"
        "A2;første;WEMWBS;40\r\n"
        "A2;1;WEMWBS;\r\n"
    ).encode("cp1252")
    upload(page, "fejl.csv", broken)
    items = page.locator(".vb-problems li")
    expect(items).to_have_text(
        [
            "række 2, kolonne 'score': 'tolv' er ikke et tal.",
            "række 3, kolonne 'score': 80 ligger uden for WEMWBS-skalaen, som går fra 14 til 70.",
            "række 4, kolonne 'occasion': 'første' er ikke et måletidspunkt. Brug hele tal fra 1"
            " (første måling), 2, 3 …",
            "række 5, kolonne 'score': feltet er tomt. Udfyld det, eller slet rækken, hvis den"
            " ikke skal med.",
        ]
    )
    expect(page.locator(".vb-problems")).to_contain_text("Ret disse 4 problemer")
    # The example data are still shown.
    expect(page.get_by_text(re.compile(r"^Data: eksempeldata"))).to_be_visible()
    screenshot(page, "opfoelgning-broken.png")

    cpr = "150372\u20134821"  # invented, shaped like a CPR number (15-03-72), with an en dash
    with_cpr = (
        "Borger;Dato;Instrument;Score\r\n"
        "B01;03-02-2025;WEMWBS;40\r\n"
        f"{cpr};05-05-2025;WEMWBS;44\r\n"
    ).encode("cp1252")
    upload(page, "cpr.csv", with_cpr)
    expect(items).to_have_count(1)
    expect(page.get_by_text(t("opfoelgning.app_mapping_heading"))).to_be_hidden()
    expect(items.first).to_contain_text(
        "Filen indeholder værdier, der ligner CPR-numre (1 celle(r): række 3, kolonne 'Borger')"
    )
    screenshot(page, "opfoelgning-cpr.png")
    shown = page.content() + page.locator("body").inner_text()
    for form in (cpr, cpr.replace("\u2013", ""), cpr[:6], cpr[-4:]):
        assert form not in shown
    expect(page.get_by_text(re.compile(r"^Data: eksempeldata"))).to_be_visible()
    page_watch.assert_clean()


def test_time_to_first_chart_and_redraw(
    course_server: Server, browser: Browser, page: Page, page_watch: PageWatch
) -> None:
    """Three fresh loads (each its own page and kernel), then six group changes on the last."""
    df = example_csv()
    team_sizes = df.groupby("group")["person_id"].nunique().to_dict()
    loads, redraws = [], []
    for _ in range(2):
        extra = browser.new_page()
        page_watch.attach(extra)
        loads.append(open_app(extra, course_server))
        extra.close()
    loads.append(open_app(page, course_server))
    group = page.get_by_label(t("opfoelgning.app_group"), exact=True)
    for team in ["Team Nord", "Team Syd"] * 3:
        clicked = time.perf_counter()
        group.select_option(team)
        expect(subtitle(page, "trajectories")).to_contain_text(f"af {team_sizes[team]} borgere")
        redraws.append(time.perf_counter() - clicked)
    assert_every_chart_drawn(page, ("trajectories", "jacobson", "categories", "gas"))
    figures = {
        "dom_ready_s": statistics.median(d for d, _ in loads),
        "every_chart_s": statistics.median(c for _, c in loads),
        "group_redraw_s": statistics.median(redraws),
        "loads": loads,
        "redraws": redraws,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "opfoelgning-timings.json").write_text(json.dumps(figures, indent=2))
    print(
        f"median of {len(loads)} loads: DOM ready {figures['dom_ready_s']:.2f} s, every chart "
        f"{figures['every_chart_s']:.2f} s; median of {len(redraws)} group changes: "
        f"{figures['group_redraw_s']:.3f} s"
    )
    page_watch.assert_clean()
