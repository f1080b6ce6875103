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


def grid_plain(rfm: pd.DataFrame) -> pd.Series:
    """RFM scores and the default segment grid, written out plainly: quintile edges (pandas'
    linear quantiles), a score counts the edges a value is above (recency reversed); when two
    frequency edges are equal, 2, 3, 4 and 6 orders start scores 2 to 5. The first rule in the
    documented order that holds names the customer."""
    edges = {m: rfm[m].quantile([0.2, 0.4, 0.6, 0.8]).tolist() for m in rfm.columns}
    fixed = len(set(edges["frequency"])) < 4

    def segment(recency, frequency, monetary):
        r = 5 - sum(recency > e for e in edges["recency_days"])
        if fixed:
            f = 1 + sum(frequency >= t for t in (2, 3, 4, 6))
        else:
            f = 1 + sum(frequency > e for e in edges["frequency"])
        m = 1 + sum(monetary > e for e in edges["monetary"])
        if r >= 4 and f >= 4 and m >= 4:
            return "Champions"
        if r >= 3 and f >= 3:
            return "Loyal Customers"
        if r == 5 and f == 1:
            return "New Customers"
        if r == 4 and f == 1:
            return "Promising"
        if r >= 4 and f == 2:
            return "Potential Loyalist"
        if r == 3 and f == 2:
            return "Need Attention"
        if r == 3 and f == 1:
            return "About To Sleep"
        if r == 1 and f >= 4 and m >= 4:
            return "Can't Lose Them"
        if r <= 2 and f >= 3 and m >= 3:
            return "At Risk"
        if r == 2:
            return "Hibernating"
        if r == 1:
            return "Lost"
        return "Others"

    return pd.Series(
        [segment(*row) for row in rfm[["recency_days", "frequency", "monetary"]].to_numpy()],
        index=rfm.index,
    )
