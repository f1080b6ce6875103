"""Dashboard rerun times with the full Online Retail workbook uploaded (AppTest, medians).

    .venv/bin/python bench/bench_app.py

Targets from the dashboard issue: a k change reruns the Segments page in at most 0.3 s, a
transform change reruns Explore in at most 0.5 s.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
RETAIL = ROOT.parent / "shared" / "data" / "online_retail" / "Online Retail.xlsx"


CHOICES = ["none", "log", "sqrt", "cbrt", "boxcox", "yeojohnson", "auto"]


def timed(at: AppTest, action) -> float:
    start = time.perf_counter()
    action(at).run()
    assert not at.exception, at.exception
    return time.perf_counter() - start


def main() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    data = RETAIL.read_bytes()
    first = timed(
        at,
        lambda a: a.file_uploader(key="upload").set_value(
            (RETAIL.name, data, "application/vnd.ms-excel")
        ),
    )
    print(f"upload + first home page: {first:.2f} s")
    print(f"open Segments: {timed(at, lambda a: a.switch_page('pages/2_Segments.py')):.2f} s")
    k_times = [timed(at, lambda a, k=k: a.slider(key="k").set_value(k)) for k in (4, 5, 6, 3, 4, 5)]
    print(
        f"k change, Segments rerun: median {statistics.median(k_times):.3f} s "
        f"(first-time k {statistics.median(k_times[:3]):.3f} s, cached k "
        f"{statistics.median(k_times[3:]):.3f} s; target <= 0.3)"
    )
    print(f"open Explore: {timed(at, lambda a: a.switch_page('pages/1_Explore.py')):.2f} s")
    # Every choice a user can make, for each metric: the first pass meets every choice for
    # the first time, the second pass finds it cached.
    first: dict[str, list[float]] = {}
    again: dict[str, list[float]] = {}
    for metric in ("monetary", "recency", "frequency"):
        key = f"transform_{metric}"
        for store in (first, again):
            for choice in CHOICES:
                store.setdefault(choice, []).append(
                    timed(at, lambda a, c=choice, key=key: a.selectbox(key=key).set_value(c))
                )
    every_first = [t for ts in first.values() for t in ts]
    every_again = [t for ts in again.values() for t in ts]
    print(
        f"transform change, Explore rerun, {len(every_first) + len(every_again)} changes "
        f"(target <= 0.5): first time median {statistics.median(every_first):.3f} s "
        f"(max {max(every_first):.3f}), cached median {statistics.median(every_again):.3f} s"
    )
    for choice in CHOICES:
        print(
            f"  {choice:11} first time median {statistics.median(first[choice]):.3f} s, "
            f"cached {statistics.median(again[choice]):.3f} s"
        )


if __name__ == "__main__":
    main()
