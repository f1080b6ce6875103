"""The Movement page with the full Online Retail workbook uploaded (AppTest, medians).

    .venv/bin/python bench/bench_movement.py

Targets from the movement issue: the page's first draw at most 2 s after the Segments page
has been computed, and a change of the earlier date at most 1 s. Each measurement is a fresh
session (its own upload), so every first draw is really the first; the caches the sessions
share are cleared between them.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
RETAIL = ROOT.parent / "shared" / "data" / "online_retail" / "Online Retail.xlsx"
DAYS = (60, 120, 30, 180, 45)


def timed(at: AppTest, action) -> float:
    start = time.perf_counter()
    action(at).run()
    assert not at.exception, at.exception
    return time.perf_counter() - start


def session(data: bytes) -> tuple[float, list[float]]:
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.file_uploader(key="upload").set_value((RETAIL.name, data, "application/vnd.ms-excel"))
    at.run()
    at.switch_page("pages/2_Segments.py").run()
    assert not at.exception
    first = timed(at, lambda a: a.switch_page("pages/3_Movement.py"))
    changes = [timed(at, lambda a, d=d: a.slider(key="movement_days").set_value(d)) for d in DAYS]
    return first, changes


def main() -> None:
    data = RETAIL.read_bytes()
    runs = [session(data) for _ in range(3)]
    firsts = [f for f, _ in runs]
    changes = [c for _, cs in runs for c in cs]
    print(
        f"Movement page, first draw after Segments: median {statistics.median(firsts):.2f} s "
        f"(runs {', '.join(f'{f:.2f}' for f in firsts)}; target <= 2)"
    )
    print(
        f"earlier-date change, {len(changes)} changes: median {statistics.median(changes):.2f} s, "
        f"max {max(changes):.2f} s (target <= 1)"
    )


if __name__ == "__main__":
    main()
