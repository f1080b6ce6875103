"""Seeded samples: whole customers (keeps each history intact) or rows (the tutorial's way)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SettingsError
from ..settings import SAMPLE_UNITS


def sample_transactions(
    tx: pd.DataFrame, n: int | None, unit: str = "customers", seed: int = 42
) -> pd.DataFrame:
    """Keep ``n`` customers with their whole histories, or ``n`` rows.

    Sampling rows cuts customers' histories and biases recency, frequency and monetary
    downwards; it is offered to reproduce the tutorial. ``n=None`` or ``n`` at least the
    population keeps everything. Rows are drawn with ``DataFrame.sample(n, random_state=seed)``
    exactly as the tutorial does.
    """
    if unit not in SAMPLE_UNITS:
        raise SettingsError(f"Sample unit must be one of {', '.join(SAMPLE_UNITS)}.")
    if n is None:
        return tx
    if n < 1:
        raise SettingsError(f"The sample size must be at least 1 (got {n}).")
    if unit == "rows":
        return tx if n >= len(tx) else tx.sample(n, random_state=seed)
    customers = np.sort(tx["customer_id"].dropna().unique())
    if n >= len(customers):
        return tx
    chosen = np.random.default_rng(seed).choice(customers, size=n, replace=False)
    return tx[tx["customer_id"].isin(chosen)]
