"""Stability check time on Online Retail II (5,942 customers), 50 bootstrap refits.

    .venv/bin/python bench/bench_stability.py

Target from the pipeline issue: ready in at most 10 s. Uses ../shared/data.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RETAIL_II = ROOT.parent / "shared" / "data" / "online_retail_ii" / "online_retail_II.xlsx"
sys.path.insert(0, str(ROOT))  # a script in bench/, not an installed package


def main() -> None:
    import segmentation as seg

    if not RETAIL_II.exists():
        raise SystemExit(f"{RETAIL_II} not found")
    result = seg.segment(seg.load_transactions(RETAIL_II).transactions)
    settings = result.settings
    print(f"Online Retail II: {len(result.rfm):,} customers, k = {result.k}")
    for _ in range(2):
        start = time.perf_counter()
        found = seg.stability_stage(
            result.rfm, settings.transforms, result.scaled, result.segments.labels, result.k,
            settings.model_options, settings.resamples,
        )  # fmt: skip
        boot = time.perf_counter() - start
        start = time.perf_counter()
        strength = seg.prediction_strength(result.scaled, settings.model_options)
        ps = time.perf_counter() - start
        print(
            f"stability ({settings.resamples} refits + {10} seeds): {boot:.2f} s; "
            f"prediction strength (k = 1..{settings.k_max}): {ps:.2f} s; "
            f"total {boot + ps:.2f} s (target <= 10)"
        )
    print(found.table.assign(segment=found.table["cluster"].map(result.names)).to_string())
    print(strength.to_string(index=False))


if __name__ == "__main__":
    main()
