"""Open the app, upload a workbook, wait for charts, move k, download the labelled CSV."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from segmentation.demo import demo_transactions
from tests.e2e.conftest import ARTIFACTS
from tests.plain import net_rfm_plain

pytestmark = pytest.mark.e2e
CUSTOMERS = 500  # about 20,000 rows


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


def test_upload_segments_and_download(server, page, retail_slice, record_property):
    path, customers = retail_slice
    page.goto(server)
    page.get_by_text("Customer segments from your transactions").wait_for()
    page.get_by_text("built-in demo", exact=False).first.wait_for()

    start = time.perf_counter()
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("Data: retail_20k.xlsx", exact=False).wait_for()
    page.get_by_text("Cleaning report").wait_for()
    go(page, "Explore")
    page.locator(".js-plotly-plot").first.wait_for()
    first_chart = time.perf_counter() - start
    record_property("upload_to_first_chart_s", round(first_chart, 2))
    print(f"\nupload to first chart: {first_chart:.2f} s")
    shot(page, "explore")

    go(page, "Segments")
    page.get_by_text("How many segments?").wait_for()
    k_slider = page.locator('input[type="range"][aria-label="Number of segments (k)"]')
    k_before = int(k_slider.input_value())
    k_slider.focus()
    page.keyboard.press("ArrowRight")
    page.get_by_label(f"Segment {k_before}", exact=True).wait_for()  # one more name box
    assert int(k_slider.input_value()) == k_before + 1
    shot(page, "segments")

    go(page, "Download")
    button = page.get_by_role("button", name="Customers (CSV)")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"customers_segmented_k{k_before + 1}.csv"
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(str(saved))
    labelled = pd.read_csv(saved, encoding="utf-8-sig", dtype={"customer_id": str})
    assert list(labelled.columns) == [
        "customer_id",
        "recency_days",
        "frequency",
        "monetary",
        "cluster",
        "segment",
    ]
    assert len(labelled) == customers
    assert labelled["customer_id"].is_unique
    assert sorted(labelled["cluster"].unique()) == list(range(k_before + 1))
    shot(page, "download")
