"""A real browser: the marketer's path by keyboard, colours, kept choices, pending files,
sampled downloads, links, and an accessibility check of every page (axe-core)."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from segmentation.demo import demo_transactions
from tests.conftest import DEMO_CUSTOMER_FILE
from tests.e2e.conftest import ARTIFACTS
from tests.plain import net_rfm_plain

pytestmark = pytest.mark.e2e
CUSTOMERS = 500  # about 20,000 rows
PAGES = ["Data", "Explore", "Segments", "Movement", "Value", "Download"]


@pytest.fixture(scope="module")
def retail_slice(tmp_path_factory):
    """A workbook of generated Online-Retail-shaped transactions (a fresh clone has no real
    data), and its expected customer count worked out by plain pandas."""
    frame = demo_transactions(n_customers=CUSTOMERS, seed=5)
    path = tmp_path_factory.mktemp("e2e") / "retail_20k.xlsx"
    frame.to_excel(path, index=False)
    return path, len(net_rfm_plain(frame))


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def go(page, label):
    page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).click()


def idle(page):
    """Wait until Streamlit has finished the rerun: no running indicator, and no element still
    marked stale (drawn faded until the rerun reaches it: on a busy machine, after the
    indicator has gone)."""
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-stale="true"]\')',
        timeout=120_000,
    )
    page.wait_for_timeout(300)


def tab_to(page, locator, limit=120, key="Tab"):
    """Press Tab (or Shift+Tab) until the element (or something inside it) has the focus."""
    handle = locator.element_handle()
    for _ in range(limit):
        if handle.evaluate(
            "e => e === document.activeElement || e.contains(document.activeElement)"
        ):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def open_file_chooser(page):
    """Tab to the uploader's button and press Enter; a rerun that replaces the button just as
    Enter is pressed swallows the key, so the keyboard user presses it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        tab_to(page, page.locator('[data-testid="stFileUploaderDropzone"] button').first)
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Enter")
            return chooser.value
        except PlaywrightTimeout:
            idle(page)
    raise AssertionError("Enter on the upload button opened no file chooser")


def k_slider(page):
    return page.locator('input[type="range"][aria-label="Number of segments (k)"]')


def upload(page, path):
    page.locator('input[type="file"]').first.set_input_files(str(path))
    page.get_by_text(f"In use: {path.name}", exact=False).wait_for()
    idle(page)


def traces(page, charts):
    """Every trace of the page's plotly charts, once ``charts`` of them are drawn."""
    plots = page.locator(".js-plotly-plot")
    for i in range(charts):
        plots.nth(i).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.data).length"
        f" >= {charts}"
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(p => p.data.map(t => ({
            type: t.type, name: t.name,
            line: t.line ? t.line.color : null,
            marker: t.marker ? t.marker.color : null, x: t.x})))"""
    )


def test_keyboard_path_upload_k_and_download(server, page, retail_slice, record_property):
    path, customers = retail_slice
    page.goto(server)
    page.get_by_text("Cleaning report").wait_for()  # the demo's first run is over
    idle(page)
    start = time.perf_counter()
    open_file_chooser(page).set_files(str(path))
    page.get_by_text("In use: retail_20k.xlsx", exact=False).wait_for()
    page.get_by_text("Cleaning report").wait_for()
    record_property("upload_to_report_s", round(time.perf_counter() - start, 2))

    tab_to(page, page.locator('[data-testid="stSidebar"] a', has_text="Segments"))
    page.keyboard.press("Enter")
    page.get_by_text("How many segments?").wait_for()
    idle(page)
    slider = k_slider(page)
    k_before = int(slider.input_value())
    tab_to(page, slider)
    page.keyboard.press("ArrowRight")
    page.get_by_label(f"Segment {k_before}", exact=True).wait_for()  # one more name box
    idle(page)
    shot(page, "segments")

    # Back up from the k slider to the sidebar's links (the page below is long).
    tab_to(page, page.locator('[data-testid="stSidebar"] a', has_text="Download"), key="Shift+Tab")
    page.keyboard.press("Enter")
    button = page.get_by_role("button", name="Customers (CSV)")
    button.wait_for()
    idle(page)
    tab_to(page, button)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == f"customers_segmented_k{k_before + 1}.csv"
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(str(saved))
    labelled = pd.read_csv(saved, encoding="utf-8-sig", dtype={"customer_id": str})
    assert list(labelled.columns) == DEMO_CUSTOMER_FILE
    assert len(labelled) == customers
    assert labelled["customer_id"].is_unique
    assert sorted(labelled["cluster"].unique()) == list(range(k_before + 1))


def test_a_segment_has_the_same_colour_in_every_chart(server, page):
    page.goto(server)
    go(page, "Segments")
    page.get_by_text("Customers by recency, frequency and spend").wait_for()
    idle(page)
    found = traces(page, 5)
    snake = {
        t["name"]: t["line"] for t in found if t["type"] == "scatter" and t["name"][0].isdigit()
    }
    scatter = {t["name"]: t["marker"] for t in found if t["type"] == "scatter3d"}
    bars = next(t for t in found if t["type"] == "bar")
    sizes = dict(zip(bars["x"], bars["marker"], strict=True))
    assert snake and snake == scatter == sizes
    assert len(set(snake.values())) == len(snake)


def test_k_and_names_are_kept_after_a_transform_change(server, page):
    page.goto(server)
    go(page, "Segments")
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    slider = k_slider(page)
    slider.focus()
    page.keyboard.press("ArrowRight")
    idle(page)
    k = int(slider.input_value())
    name = page.get_by_label("Segment 0", exact=True)
    name.fill("VIP shoppers")
    name.press("Enter")
    idle(page)
    go(page, "Explore")
    page.get_by_text("Distributions before and after the transform").wait_for()
    page.get_by_label("Monetary", exact=True).click()
    page.get_by_role("option", name="log", exact=True).click()
    idle(page)
    go(page, "Segments")
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    assert int(k_slider(page).input_value()) == k
    assert page.get_by_label("Segment 0", exact=True).input_value() == "VIP shoppers"


def test_a_contacts_list_stays_pending_while_the_previous_data_is_used(server, page, tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("Email,First name,Country\na@x.com,Ann,UK\nb@x.com,Bo,FR\n")
    page.goto(server)
    page.get_by_text("Cleaning report").wait_for()
    idle(page)
    page.locator('input[type="file"]').first.set_input_files(str(contacts))
    page.get_by_text("is not in use yet", exact=False).wait_for()
    assert page.get_by_text("In use: demo_online_retail.csv", exact=False).is_visible()
    go(page, "Segments")
    page.get_by_text("How many segments?").wait_for()
    idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_a_sampled_fit_downloads_every_customer(server, page, retail_slice):
    path, customers = retail_slice
    page.goto(server)
    upload(page, path)
    page.get_by_text("Advanced").click()
    sample = page.get_by_role("slider", name="Sample size (customers)")
    sample.focus()
    page.keyboard.press("Home")  # the smallest sample: 100 customers
    idle(page)
    go(page, "Download")
    page.get_by_text("fitted on a sample of 100 customers", exact=False).wait_for()
    idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Customers (CSV)").click()
    saved = ARTIFACTS / "sampled.csv"
    info.value.save_as(str(saved))
    assert len(pd.read_csv(saved, encoding="utf-8-sig")) == customers


def test_a_reload_restores_the_view_from_the_url(server, page):
    page.goto(server)
    go(page, "Segments")
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    slider = k_slider(page)
    k = int(slider.input_value()) + 2
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Both presses reach the server after a pause (a rerun may take the first alone): wait
    # for the second one's value in the address, not for the page to be still.
    page.wait_for_url(f"**k={k}&**")
    idle(page)
    page.reload()
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    assert int(k_slider(page).input_value()) == k


def serious_violations(page) -> list[tuple[str, str, list]]:
    """axe-core's serious and critical findings on the page: rule, help and the elements."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], v["help"], [(n["target"], n["html"][:200]) for n in v["nodes"]])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_no_serious_accessibility_violation_on_any_page(server, page, record_property):
    page.goto(server)
    page.get_by_text("Cleaning report").wait_for()
    found = {}
    for label in PAGES:
        if label != "Data":  # the page's own title, then still: no stale element is judged
            before = page.get_by_role("heading", level=1).inner_text()
            go(page, label)
            page.wait_for_function(
                "t => document.querySelector('h1')?.innerText !== t", arg=before, timeout=120_000
            )
        page.get_by_role("heading", level=1).wait_for()
        idle(page)
        found[label] = serious_violations(page)
        if found[label]:  # on a busy machine a fading element can be caught mid-way: a
            page.wait_for_timeout(2000)  # violation counts when it is still there, still
            idle(page)
            found[label] = serious_violations(page)
    record_property("axe", str(found))
    assert found == {label: [] for label in PAGES}
