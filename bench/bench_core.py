"""Benchmark: each stage and the whole command line, against a naive baseline, in one run.

    .venv/bin/python bench/bench_core.py [--skip-baseline] [--repeat N]

Uses ../shared/data (Online Retail xlsx, Online Retail II xlsx). Prints a table and ratios;
targets from the core issue: whole process on Online Retail xlsx, the tutorial's steps (no value
models), at least 10x faster than the baseline (the default run, value models and backtest
included, is reported beside it); on Online Retail II at most 1.4x a bare fastexcel read of
the same sheets, with peak memory at most 1.2 GB. Compare ratios measured in the same run, not
absolute seconds.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RETAIL = DATA / "online_retail" / "Online Retail.xlsx"
RETAIL_II = DATA / "online_retail_ii" / "online_retail_II.xlsx"
sys.path.insert(0, str(ROOT))  # a script in bench/, not an installed package


def run_process(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)  # wait4 gives this child's own peak memory
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen did not see the reaping
    if status != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def timings(args: list[str], repeat: int) -> tuple[float, float, float]:
    """Best and median wall seconds over ``repeat`` runs, and the highest peak memory (MB)."""
    runs = [run_process(args) for _ in range(repeat)]
    seconds = sorted(r[0] for r in runs)
    return seconds[0], statistics.median(seconds), max(r[1] for r in runs)


BARE_READ = (
    "import sys, fastexcel\n"
    "r = fastexcel.read_excel(sys.argv[1])\n"
    "for n in r.sheet_names: r.load_sheet(n).to_arrow()\n"
)

BASELINE = """
import datetime, sys, time
import numpy as np, pandas as pd
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
t = {}
s = time.perf_counter()
df = pd.concat(pd.read_excel(sys.argv[1], sheet_name=None).values(), ignore_index=True)
df.columns = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
              "CustomerID", "Country"]
t["read"] = time.perf_counter() - s; s = time.perf_counter()
df = df[df.CustomerID.notna() & ~df.InvoiceNo.astype(str).str.startswith("C")]
df = df[(df.Quantity > 0) & (df.UnitPrice > 0)].drop_duplicates()
df["TotalSum"] = df.Quantity * df.UnitPrice
t["clean"] = time.perf_counter() - s; s = time.perf_counter()
snap = df.InvoiceDate.max() + datetime.timedelta(days=1)
rfm = df.groupby("CustomerID").agg({"InvoiceDate": lambda x: (snap - x.max()).days,
                                     "InvoiceNo": "nunique", "TotalSum": "sum"})
t["rfm"] = time.perf_counter() - s; s = time.perf_counter()
fixed = pd.DataFrame({c: stats.boxcox(rfm[c])[0] for c in rfm.columns})
x = StandardScaler().fit_transform(fixed)
t["transforms"] = time.perf_counter() - s; s = time.perf_counter()
sse = [KMeans(k, random_state=42, n_init=10).fit(x).inertia_ for k in range(1, 11)]
t["elbow"] = time.perf_counter() - s; s = time.perf_counter()
labels = KMeans(3, random_state=42, n_init=10).fit_predict(x)
t["fit"] = time.perf_counter() - s; s = time.perf_counter()
prof = rfm.assign(c=labels).groupby("c").agg(["mean", "count"])
t["profile"] = time.perf_counter() - s; s = time.perf_counter()
rfm.assign(cluster=labels).to_csv(sys.argv[2])
t["export"] = time.perf_counter() - s
print(repr(t))
"""


def our_stages(path: Path) -> dict[str, float]:
    from segmentation import (
        RFMTransformer,
        clean_transactions,
        cluster_profile,
        compute_rfm,
        customers_table,
        elbow_metrics,
        fit_segments,
        load_transactions,
        name_segments,
        standardize,
        suggest_k,
        to_csv_bytes,
        to_xlsx_bytes,
    )
    from segmentation.method.rfm import RFM_COLUMNS

    t: dict[str, float] = {}
    s = time.perf_counter()
    tx = load_transactions(path).transactions
    t["read"] = time.perf_counter() - s
    s = time.perf_counter()
    cleaned, _ = clean_transactions(tx, keep=RFM_COLUMNS)  # as segment() does
    t["clean"] = time.perf_counter() - s
    s = time.perf_counter()
    rfm = compute_rfm(cleaned)
    t["rfm"] = time.perf_counter() - s
    s = time.perf_counter()
    scaled, _ = standardize(RFMTransformer().fit_transform(rfm))
    t["transforms"] = time.perf_counter() - s
    s = time.perf_counter()
    k = suggest_k(elbow_metrics(scaled))
    t["elbow"] = time.perf_counter() - s
    s = time.perf_counter()
    seg = fit_segments(scaled, rfm["monetary"], k)
    t["fit"] = time.perf_counter() - s
    s = time.perf_counter()
    names = name_segments(seg.centroids)
    profile = cluster_profile(rfm, seg.labels, names)
    t["profile"] = time.perf_counter() - s
    s = time.perf_counter()
    customers = customers_table(rfm, seg.labels, names)
    to_csv_bytes(customers)
    t["export"] = time.perf_counter() - s
    s = time.perf_counter()
    to_xlsx_bytes({"customers": customers, "summary": profile})
    t["export xlsx (extra)"] = time.perf_counter() - s
    return t


def baseline_stages(path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", BASELINE, str(path), f"{tmp}/b.csv"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return eval(out.strip().splitlines()[-1])  # a dict literal printed by our own script


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not RETAIL.exists():
        raise SystemExit(f"no data at {DATA}")
    print(f"# benchmark {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores\n")
    ours = our_stages(RETAIL)
    base = {} if args.skip_baseline else baseline_stages(RETAIL)
    print("## Online Retail xlsx, stages (seconds)")
    print(f"{'stage':22} {'ours':>8} {'baseline':>9} {'ratio':>7}")
    for stage, sec in ours.items():
        b = base.get(stage)
        ratio = f"{b / sec:6.1f}x" if b else ""
        print(f"{stage:22} {sec:8.3f} {b if b else float('nan'):9.3f} {ratio:>7}")
    with tempfile.TemporaryDirectory() as tmp:
        # The tutorial's steps (--no-value), and the default run, which also fits, backtests
        # and applies the customer-value models.
        cli = [sys.executable, "-m", "segmentation", str(RETAIL), "--out", f"{tmp}/c.csv"]
        runs = {"tutorial's steps": [*cli, "--no-value"], "default (value too)": cli}
        print(f"\n## whole process, Online Retail xlsx ({args.repeat} runs each)")
        ours = {}
        for what, command in runs.items():
            ours[what] = timings(command, args.repeat)
            best, med, mb = ours[what]
            print(f"ours, {what:19}: best {best:5.2f} s, median {med:5.2f} s, peak {mb:5.0f} MB")
        if not args.skip_baseline:
            base_s, base_mb = run_process(
                [sys.executable, "-c", BASELINE, str(RETAIL), f"{tmp}/b.csv"]
            )
            print(f"baseline: {base_s:5.2f} s (one run), peak {base_mb:5.0f} MB")
            for what, (best, med, _) in ours.items():
                print(
                    f"speed-up, {what:19}: {base_s / best:5.1f}x on the best run, "
                    f"{base_s / med:5.1f}x on the median  (target >= 10x on the tutorial's steps)"
                )
        if RETAIL_II.exists():
            bare_best, bare_med, bare_mb = timings(
                [sys.executable, "-c", BARE_READ, str(RETAIL_II)], args.repeat
            )
            cli2 = [sys.executable, "-m", "segmentation", str(RETAIL_II), "--out", f"{tmp}/c2.csv"]
            ours2_best, ours2_med, ours2_mb = timings(cli2, args.repeat)
            print(f"\n## whole process, Online Retail II xlsx (two sheets, {args.repeat} runs)")
            print(
                f"bare fastexcel read: best {bare_best:5.2f} s, median {bare_med:5.2f} s, "
                f"peak {bare_mb:5.0f} MB"
            )
            print(
                f"ours, whole process: best {ours2_best:5.2f} s, median {ours2_med:5.2f} s, "
                f"peak {ours2_mb:5.0f} MB"
            )
            print(
                f"ratio ours / bare read: {ours2_best / bare_best:4.2f} best, "
                f"{ours2_med / bare_med:4.2f} median  (target <= 1.4; peak <= 1200 MB)"
            )


if __name__ == "__main__":
    main()
