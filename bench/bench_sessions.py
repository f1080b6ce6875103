"""Many marketers at once: N real browser sessions upload different Online Retail CSVs to one
dashboard server together; prints each session's time and the server's peak memory.

    .venv/bin/python bench/bench_sessions.py [--sessions 10] [--segments]

Target from the pipeline issue: ten sessions at once peak under 2.5 GB with none failing.
Uses ../shared/data/online_retail/online_retail.csv.gz (45 MB once decompressed) and Debian's
Chromium through Playwright. Each session gets its own copy of the file with one value
changed, so no two uploads share a cache entry (the worst case).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import tempfile
import threading
import time
from pathlib import Path

from server import CHROMIUM, CHROMIUM_ARGS, serve  # a sibling module of this script

ROOT = Path(__file__).resolve().parents[1]
CSV_GZ = ROOT.parent / "shared" / "data" / "online_retail" / "online_retail.csv.gz"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def variants(n: int, folder: Path) -> list[Path]:
    """n copies of the Online Retail CSV, each with its first quantity changed."""
    data = gzip.decompress(CSV_GZ.read_bytes())
    header, first, rest = data.split(b"\n", 2)
    cells = first.split(b",")
    paths = []
    for i in range(n):
        row = list(cells)
        row[3] = str(int(row[3]) + i).encode()  # Quantity
        path = folder / f"retail_{i}.csv"
        path.write_bytes(b"\n".join([header, b",".join(row), rest]))
        paths.append(path)
    return paths


async def session(browser, url: str, path: Path, segments: bool) -> tuple[float, str]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(600_000)
    start = time.perf_counter()
    try:
        await page.goto(url)
        await page.get_by_text("Customer segments from your transactions").wait_for()
        await page.locator('input[type="file"]').first.set_input_files(str(path))
        await page.get_by_text(f"Data: {path.name}", exact=False).wait_for()
        await page.get_by_text("Cleaning report").wait_for()
        await page.locator('[data-testid="stMetricValue"]').first.wait_for()
        if segments:
            await (
                page.locator('[data-testid="stSidebar"]')
                .get_by_text("Segments", exact=True)
                .click()
            )
            await page.get_by_text("How many segments?").wait_for()
            await page.locator(".js-plotly-plot").first.wait_for()
        failed = await page.locator('[data-testid="stException"]').count()
        status = "exception" if failed else "ok"
    except Exception as exc:  # a failed session is reported, not raised
        status = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    await context.close()
    return time.perf_counter() - start, status


async def run_sessions(url: str, paths: list[Path], segments: bool):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        results = await asyncio.gather(*(session(browser, url, p, segments) for p in paths))
        await browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--segments", action="store_true", help="also open the Segments page")
    args = parser.parse_args()
    if not CSV_GZ.exists():
        raise SystemExit(f"{CSV_GZ} not found")
    with tempfile.TemporaryDirectory() as tmp, serve() as (url, server):
        paths = variants(args.sessions, Path(tmp))
        size_mb = paths[0].stat().st_size / 1e6
        peak = [0.0]
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], rss_mb(server.pid))
                time.sleep(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        idle = rss_mb(server.pid)
        start = time.perf_counter()
        try:
            results = asyncio.run(run_sessions(url, paths, args.segments))
        finally:
            stop.set()
            watcher.join()
    wall = time.perf_counter() - start
    print(f"{args.sessions} sessions, {size_mb:.0f} MB CSV each")
    for i, (seconds, status) in enumerate(results):
        print(f"  session {i}: {seconds:6.1f} s  {status}")
    times = sorted(s for s, _ in results)
    print(
        f"all done in {wall:.1f} s; per session min {times[0]:.1f} s, median "
        f"{times[len(times) // 2]:.1f} s, max {times[-1]:.1f} s; failed "
        f"{sum(status != 'ok' for _, status in results)}"
    )
    print(f"server memory: idle {idle:.0f} MB, peak {peak[0]:.0f} MB (target < 2500 MB)")


if __name__ == "__main__":
    main()
