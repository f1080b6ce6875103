"""Customer value models: fit and predict time and peak memory.

    .venv/bin/python bench/bench_value.py

Targets: fit and predict on Online Retail II (5,942 customers) in at most 2 s; on a synthetic
summary of 1,000,000 customers in at most 30 s and 2 GB; the backtest (BG/NBD, MBG/NBD and
Pareto/NBD fitted, the baselines and the learned score) on the transactions of 1,000,000
customers in at most 60 s. Each case runs in its own process, so its peak memory is its own.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RETAIL_II = ROOT.parent / "shared" / "data" / "online_retail_ii" / "online_retail_II.xlsx"
sys.path.insert(0, str(ROOT))


def synthetic_summary(n: int, seed: int = 1):
    """Customers drawn from a BG/NBD process (r 0.7, alpha 60 days, a 0.8, b 2.5) observed
    for up to two years, with gamma-distributed spend."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.7, 1 / 60.0, n)
    drop = rng.beta(0.8, 2.5, n)
    T = rng.uniform(1, 730, n).round()
    alive_for = np.minimum(T, rng.geometric(np.clip(drop, 1e-6, 1)) / np.maximum(rate, 1e-9))
    x = rng.poisson(rate * alive_for)
    t_x = np.where(x > 0, np.floor(alive_for * rng.beta(np.maximum(x, 1), 1)), 0)
    zbar = np.where(x > 0, rng.gamma(4.0, 10.0, n), 0.0)
    return pd.DataFrame({"x": x, "t_x": np.minimum(t_x, T), "T": T, "zbar": zbar})


def synthetic_transactions(n: int, seed: int = 1):
    """The purchases behind ``synthetic_summary``: a first day T days before 2025-12-31, the
    last repeat t_x days after it, the others in between, each with a gamma-distributed spend."""
    import numpy as np
    import pandas as pd

    summary = synthetic_summary(n, seed)
    rng = np.random.default_rng(seed + 1)
    days = summary["x"].to_numpy() + 1
    owner = np.repeat(np.arange(n), days)
    nth = np.arange(len(owner)) - np.repeat(np.cumsum(days) - days, days)
    span = np.repeat(summary["t_x"].to_numpy(), days)
    between = np.floor(rng.uniform(0, 1, len(owner)) * span)
    offset = np.where(nth == 0, 0, np.where(nth == days[owner] - 1, span, between))
    first = pd.Timestamp("2025-12-31") - pd.to_timedelta(summary["T"].to_numpy(), unit="D")
    return pd.DataFrame(
        {
            "customer_id": owner,
            "invoice_date": first[owner] + pd.to_timedelta(offset, unit="D"),
            "revenue": rng.gamma(4.0, 10.0, len(owner)),
        }
    )


def run_case(case: str) -> None:
    from segmentation import value as v

    if case == "retail_ii":
        from segmentation import load_transactions, segment
        from segmentation.settings import Settings

        loaded = load_transactions(RETAIL_II)
        result = segment(loaded.transactions, Settings(method="scores"))
        start = time.perf_counter()
        found = v.value_stage(result.cleaned.transactions, result.cleaned.snapshot)
        customers = len(found.summary)
    elif case == "backtest":
        from segmentation.outcomes.backtesting import backtest

        tx = synthetic_transactions(2_000_000)  # about half are known at the cut
        start = time.perf_counter()
        found = backtest(tx, 365)
        customers = found.customers
        print(found.verdict())
    else:
        summary = synthetic_summary(1_000_000)
        start = time.perf_counter()
        purchases, _ = v.choose_model(summary)
        spend = v.fit_spend(summary)
        v.predict(purchases, spend, summary, 365)
        customers = len(summary)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{case}: {customers:,} customers, fit and predict (or backtest) {seconds:.2f} s, "
        f"process peak {peak:,.0f} MB"
    )


def main() -> None:
    if len(sys.argv) > 1:
        run_case(sys.argv[1])
        return
    for case in ("retail_ii", "synthetic", "backtest"):
        subprocess.run([sys.executable, __file__, case], check=True)
    print(
        "targets: Online Retail II <= 2 s; 1,000,000 customers <= 30 s and <= 2,048 MB; "
        "backtest of 1,000,000 customers <= 60 s"
    )


if __name__ == "__main__":
    main()
