"""A real browser: a rename carries its action everywhere, one name is one group, a recipe
uploaded on the Data page labels a file as the command line does, the report draws every chart
offline and fits a laptop screen and an A4 page, and the mailing lists have the tools'
columns."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

import segmentation as seg
from tests.e2e.conftest import ARTIFACTS, new_page
from tests.e2e.test_browser import go, idle, shot, upload

pytestmark = pytest.mark.e2e


def download(page, name, saved_as):
    """Click a download button once the page is still, and save what it gives."""
    button = page.get_by_role("button", name=name)
    button.wait_for()
    idle(page)
    with page.expect_download() as info:
        button.click()
    path = ARTIFACTS / saved_as
    info.value.save_as(str(path))
    idle(page)
    return path


# The Download page's files on the demo shop: button, saved as.
DEMO_FILES = {
    "customers": ("Customers (CSV)", "names.csv"),
    "report": ("Report to share (HTML, opens offline)", "report.html"),
    "mailing": ("Mailing lists, one per segment (zip of CSV files)", "mailing.zip"),
}


@pytest.fixture(scope="module")
def demo_files(server, browser):
    """What the Download page gives on the demo shop, each file by a click on its button, in
    one visit for the tests that read the files."""
    page = new_page(browser)
    page.goto(server)
    go(page, "Download")
    files = {key: download(page, button, saved) for key, (button, saved) in DEMO_FILES.items()}
    page.context.close()
    return files


def rename(page, box, name):
    field = page.get_by_label(box, exact=True)
    field.fill(name)
    field.press("Enter")
    idle(page)


def test_a_rename_keeps_its_action_in_the_csv_the_report_and_movement(server, page):
    page.goto(server)
    go(page, "Segments")
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    before = page.get_by_label("Segment 0", exact=True).input_value()
    go(page, "Download")
    page.get_by_role("button", name="Customers (CSV)").wait_for()
    idle(page)
    plain = pd.read_csv(download(page, "Customers (CSV)", "before_rename.csv"))
    go(page, "Segments")
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    rename(page, "Segment 0", "VIP Fans")
    go(page, "Download")
    page.get_by_role("button", name="Customers (CSV)").wait_for()
    idle(page)
    renamed = pd.read_csv(download(page, "Customers (CSV)", "after_rename.csv"))
    vip = renamed[renamed["cluster"] == 0]
    assert set(vip["segment"]) == {"VIP Fans"}
    assert renamed["action"].tolist() == plain["action"].tolist()  # only the words changed
    assert vip["action"].str.len().min() > 20
    report = download(page, "Report to share (HTML, opens offline)", "renamed_report.html")
    html = report.read_text()
    assert "<h3>VIP Fans</h3>" in html and "No action set in the playbook" not in html
    # Movement: the renamed segment moves as its old self did (same directions).
    go(page, "Movement")
    page.get_by_text("Where each segment's customers went").first.wait_for()
    idle(page)
    shot(page, "movement_renamed")
    assert page.get_by_text("moved down to VIP Fans", exact=False).count() == 0
    del before


def test_no_name_stands_for_two_groups_on_any_page_or_in_the_csv(server, page, demo_files):
    customers = pd.read_csv(demo_files["customers"])
    kmeans, grid = set(customers["segment"]), set(customers["rfm_segment"])
    assert kmeans and grid and not kmeans & grid
    # Each page names K-Means segments only with K-Means names: every name shown on the
    # Segments page's K-Means boxes is one of the file's K-Means names, none a grid name.
    page.goto(server)
    go(page, "Segments")
    page.get_by_label("Segment 0", exact=True).wait_for()
    idle(page)
    boxes = page.locator('input[aria-label^="Segment "]')
    shown = {boxes.nth(i).input_value() for i in range(boxes.count())}
    assert shown == kmeans and not shown & grid


def test_a_recipe_uploaded_on_the_data_page_labels_as_the_command_line(server, page, tmp_path):
    from segmentation.cli import main

    march = tmp_path / "march.csv"
    march.write_bytes(seg.demo_csv_bytes(600, 3))
    april = tmp_path / "april.csv"
    april.write_bytes(seg.demo_csv_bytes(500, 12))
    recipe = tmp_path / "march_recipe.json"
    assert main([str(march), "--k", "3", "--recipe", str(recipe), "--no-value",
                 "--out", str(tmp_path / "m.csv")]) == 0  # fmt: skip
    cli = tmp_path / "april_cli.csv"
    assert main([str(april), "--apply-recipe", str(recipe), "--out", str(cli)]) == 0
    page.goto(server)
    page.get_by_text("Cleaning report").wait_for()
    idle(page)
    upload(page, april)
    page.get_by_text("Recipe (JSON)", exact=True).wait_for()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Recipe (JSON)")
    uploader.locator('input[type="file"]').set_input_files(str(recipe))
    name = "Customers labelled by march_recipe.json (CSV)"
    got = pd.read_csv(download(page, name, "april_page.csv"), dtype={"customer_id": str})
    expected = pd.read_csv(cli, dtype={"customer_id": str})
    columns = ["customer_id", "cluster", "segment", "action", "rfm_segment", "rfm_action"]
    pd.testing.assert_frame_equal(
        got[columns].sort_values("customer_id").reset_index(drop=True),
        expected[columns].sort_values("customer_id").reset_index(drop=True),
    )


def overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_report_draws_every_chart_offline(demo_files, browser):
    offline = browser.new_context()
    offline.set_offline(True)  # no network: everything must be in the file
    requests = []
    report = offline.new_page()
    report.on("request", lambda r: requests.append(r.url))
    report.goto(demo_files["report"].resolve().as_uri())
    charts = report.locator(".plotly-graph-div")
    report.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')]"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=30_000,
    )
    assert charts.count() == 4  # elbow, K-Means sizes, RFM grid sizes, crosstab
    assert report.locator(".card").count() >= 3 + 5
    assert [u for u in requests if not u.startswith("file:")] == []
    shot(report, "report")
    offline.close()


def test_the_report_fits_a_laptop_screen_and_an_a4_page(demo_files, browser):
    saved = demo_files["report"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    report = context.new_page()
    report.goto(saved.resolve().as_uri())
    report.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')]"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=30_000,
    )
    assert overflow(report) <= 0
    # Print: A4 less 12 mm margins is 186 mm, 703 CSS pixels wide.
    report.emulate_media(media="print")
    report.set_viewport_size({"width": 703, "height": 1000})
    report.wait_for_timeout(500)
    assert overflow(report) <= 0
    wide = report.evaluate(
        "() => [...document.querySelectorAll('table')].filter(t => t.scrollWidth > 703).length"
    )
    assert wide == 0
    report.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4")
    context.close()


def test_the_mailing_lists_have_the_tools_columns(demo_files):
    with zipfile.ZipFile(demo_files["mailing"]) as archive:
        names = archive.namelist()
        assert names
        for name in names:
            data = archive.read(name)
            assert not data.startswith(b"\xef\xbb\xbf")
            table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            # Mailchimp's required and default fields; Klaviyo's first-column header.
            assert list(table.columns) == ["Email Address", "First Name", "Last Name", "Tags"]
            assert table["Email Address"].str.contains("@").all()
            assert table["Tags"].str.contains("action: ").all()
