"""Plain reimplementations that tests compare the core with (pandas only, no project code)."""

import numpy as np
import pandas as pd


def net_rfm_plain(raw: pd.DataFrame) -> pd.DataFrame:
    """Netted refunds by plain pandas: refund lines (C + digits, or a negative quantity) are
    subtracted; recency and frequency count purchases; customers with net spend <= 0 leave."""
    raw = raw.assign(revenue=raw["Quantity"] * raw["UnitPrice"])
    keep = (
        raw["CustomerID"].notna()
        & (raw["Quantity"] != 0)
        & (raw["UnitPrice"] > 0)
        & ~raw.drop(columns="revenue").duplicated()
    )
    df = raw[keep]
    refund = df["InvoiceNo"].str.match(r"^[Cc]\d+$") | (df["Quantity"] < 0)
    df = df.assign(revenue=np.where(refund, -df["revenue"].abs(), df["revenue"]), refund=refund)
    by = df.groupby("CustomerID")
    good = (by["revenue"].sum().round(2) > 0) & (by["refund"].apply(lambda r: (~r).any()))
    df = df[df["CustomerID"].isin(good[good].index)]
    snapshot = df["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    bought = df[~df["refund"]].groupby("CustomerID")
    return pd.DataFrame(
        {
            "recency_days": (snapshot - bought["InvoiceDate"].max().dt.normalize()).dt.days,
            "frequency": bought["InvoiceNo"].nunique(),
            "monetary": df.groupby("CustomerID")["revenue"].sum().round(2),
        }
    )
