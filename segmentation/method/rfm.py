"""RFM table: recency, frequency and monetary value per customer at a snapshot date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError, SettingsError
from ..settings import FREQUENCY_MODES
from ..words import count

# The transaction columns the RFM table is computed from.
RFM_COLUMNS = ["customer_id", "invoice_id", "invoice_date", "revenue", "refund"]


MICROS = 1_000_000  # money is summed in millionths of the currency unit


def default_frequency(tx: pd.DataFrame) -> str:
    """Distinct invoices when the file has invoice ids, else distinct purchase days."""
    return "invoices" if "invoice_id" in tx else "days"


def snapshot_date(tx: pd.DataFrame, snapshot: str | pd.Timestamp | None = None) -> pd.Timestamp:
    """The snapshot day: the given date, or the day after the last invoice date."""
    last = tx["invoice_date"].max().normalize()
    if snapshot is None:
        return last + pd.Timedelta(days=1)
    try:
        day = pd.Timestamp(snapshot).normalize()
    except (ValueError, TypeError) as exc:
        raise SettingsError(
            f"The snapshot date '{snapshot}' is not a date (use YYYY-MM-DD)."
        ) from exc
    if day <= last:
        raise SettingsError(
            f"The snapshot date {day.date()} must be after the last purchase ({last.date()})."
        )
    return day


def compute_rfm(
    tx: pd.DataFrame,
    snapshot: str | pd.Timestamp | None = None,
    frequency: str | None = None,
) -> pd.DataFrame:
    """One row per customer: ``recency_days``, ``frequency``, ``monetary``.

    Parameters
    ----------
    tx : cleaned canonical transactions.
    snapshot : the day recency is measured to; default the day after the last invoice date.
    frequency : ``"invoices"`` (distinct invoices), ``"lines"`` (invoice lines, as the tutorial
        counts) or ``"days"`` (distinct purchase days); default invoices when there are
        invoice ids, else days.

    Returns
    -------
    DataFrame indexed by ``customer_id`` (sorted). Recency counts calendar days from the last
    purchase day to the snapshot day, so a purchase on the last day has recency 1. When ``tx``
    has a ``refund`` column (netted refunds), refund lines count in monetary value only, and
    customers without a purchase are left out.
    """
    frequency = frequency or default_frequency(tx)
    if frequency not in FREQUENCY_MODES:
        raise SettingsError(f"Frequency must be one of {', '.join(FREQUENCY_MODES)}.")
    if frequency == "invoices" and "invoice_id" not in tx:
        raise SettingsError("Frequency by invoices needs an invoice id column; use 'days'.")
    missing = int(tx["invoice_date"].isna().sum())
    if missing:
        raise DataError(
            f"{count(missing, 'row')} {'has' if missing == 1 else 'have'} no invoice date, so "
            "recency cannot be measured. "
            "Turn on the 'Missing invoice date' cleaning rule or fill in the dates."
        )
    nobody = int(tx["customer_id"].isna().sum())
    if nobody:
        raise DataError(
            f"{count(nobody, 'row')} {'has' if nobody == 1 else 'have'} no customer id, so "
            f"{'it belongs' if nobody == 1 else 'they belong'} to no customer. "
            "Turn on the 'Missing customer id' cleaning rule or fill in the ids."
        )
    snap = snapshot_date(tx, snapshot)
    # Refund lines (netted refunds) count in monetary value only: recency and frequency
    # come from purchases. A customer with refunds but no purchase in the data has no RFM.
    purchase = ~tx["refund"].to_numpy(dtype=bool) if "refund" in tx else np.ones(len(tx), bool)
    codes, customers = pd.factorize(tx["customer_id"], sort=True)
    n = len(customers)
    days = tx["invoice_date"].to_numpy().astype("datetime64[D]").astype("int64")
    last = np.full(n, np.iinfo("int64").min)
    np.maximum.at(last, codes[purchase], days[purchase])
    if frequency == "lines":
        freq = np.bincount(codes[purchase], minlength=n)
    else:
        key = tx["invoice_id"] if frequency == "invoices" else days
        inner, _ = pd.factorize(key)
        blank = inner < 0  # a row without an invoice id is a purchase of its own
        inner[blank] = inner.max() + 1 + np.arange(blank.sum())
        size = int(inner.max()) + 1
        pairs = np.unique(codes[purchase].astype("int64") * size + inner[purchase])
        freq = np.bincount(pairs // size, minlength=n)
    # Money summed as written: each line in millionths (exact for what files write), the sum
    # rounded half up to the cent once per customer, as the SQL engines do.
    micros = np.floor(tx["revenue"].to_numpy(dtype="float64") * MICROS + 0.5)
    monetary = np.floor(np.bincount(codes, weights=micros, minlength=n) / 10_000 + 0.5) / 100
    snap_day = snap.to_datetime64().astype("datetime64[D]").astype("int64")
    rfm = pd.DataFrame(
        {
            "recency_days": (snap_day - last).astype("int64"),
            "frequency": freq.astype("int64"),
            "monetary": monetary,
        },
        index=pd.Index(customers, name="customer_id"),
    )
    return rfm[freq > 0]
