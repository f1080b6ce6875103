"""Felt latency in a real browser, with Online Retail II uploaded: from the key press until the
running indicator is gone and every chart is drawn.

    .venv/bin/python bench/bench_browser.py [--repeat 5]

Targets from the dashboard issue: a k change redraws the Segments page in at most 1 s, a
transform change redraws Explore in at most 1.5 s (medians). Uses ../shared/data and Debian's
Chromium through Playwright.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from server import CHROMIUM, CHROMIUM_ARGS, serve  # a sibling module of this script

ROOT = Path(__file__).resolve().parents[1]
RETAIL_II = ROOT.parent / "shared" / "data" / "online_retail_ii" / "online_retail_II.xlsx"

DRAWN = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && [...document.querySelectorAll('.js-plotly-plot')].every(p => p.data && p._fullLayout)"""


def settle(page) -> None:
    page.wait_for_timeout(150)  # the rerun's running indicator appears within this
    page.wait_for_function(DRAWN, timeout=300_000)


def timed(page, action) -> float:
    start = time.perf_counter()
    action()
    settle(page)
    return time.perf_counter() - start


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with serve() as (url, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(300_000)
        page.goto(url)
        page.get_by_text("Cleaning report").wait_for()
        settle(page)
        start = time.perf_counter()
        page.locator('input[type="file"]').first.set_input_files(str(RETAIL_II))
        page.get_by_text("In use: online_retail_II.xlsx", exact=False).wait_for()
        page.get_by_text("Cleaning report").wait_for()
        settle(page)
        print(f"upload to cleaning report: {time.perf_counter() - start:.1f} s")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Segments", exact=True).click()
        page.get_by_text("How many segments?").wait_for()
        settle(page)
        slider = page.locator('input[type="range"][aria-label="Number of segments (k)"]')
        slider.focus()
        keys = ["ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft"] * args.repeat
        k_times = [timed(page, lambda key=key: page.keyboard.press(key)) for key in keys]
        print(
            f"k change, Segments redrawn: median {statistics.median(k_times):.2f} s, "
            f"max {max(k_times):.2f} s over {len(k_times)} changes (target <= 1)"
        )
        sidebar.get_by_text("Explore", exact=True).click()
        page.get_by_text("Distributions before and after the transform").wait_for()
        settle(page)
        choices = ["log", "cube root", "square root", "automatic"] * max(1, args.repeat // 2)
        t_times = []
        for choice in choices:

            def pick(choice=choice):
                page.get_by_label("Monetary", exact=True).click()
                page.get_by_role("option", name=choice, exact=True).click()

            t_times.append(timed(page, pick))
        print(
            f"transform change, Explore redrawn: median {statistics.median(t_times):.2f} s, "
            f"max {max(t_times):.2f} s over {len(t_times)} changes (target <= 1.5)"
        )
        browser.close()


if __name__ == "__main__":
    main()
