"""Per-segment figures a marketer reads: customers, orders, revenue, average order value,
revenue share, median days since the last order, median days between orders, one-time buyers.

Orders are distinct purchase invoices (distinct purchase days when the file has no invoice
ids), whatever the frequency setting of the RFM table; revenue is the customers' net spend
(the monetary value). Days between orders is each repeat customer's span from first to last
purchase divided by their orders minus one; customers with one order have none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KPI_COLUMNS = [
    "customers",
    "orders",
    "revenue",
    "average_order_value",
    "revenue_share",
    "median_days_since_last_order",
    "median_days_between_orders",
    "one_time_share",
]


def customer_activity(tx: pd.DataFrame) -> pd.DataFrame:
    """Per customer with a purchase: ``orders``, ``first_purchase`` and ``last_purchase`` (days).

    ``tx`` is cleaned transactions (the RFM columns); refund lines (``refund`` true) are not
    orders."""
    purchases = tx[~tx["refund"].astype(bool)] if "refund" in tx else tx
    day = purchases["invoice_date"].dt.normalize()
    order = purchases["invoice_id"] if "invoice_id" in purchases else day
    grouped = pd.DataFrame(
        {"customer_id": purchases["customer_id"], "order": order, "day": day}
    ).groupby("customer_id", sort=True)
    return pd.DataFrame(
        {
            "orders": grouped["order"].nunique().astype("int64"),
            "first_purchase": grouped["day"].min(),
            "last_purchase": grouped["day"].max(),
        }
    )


def segment_kpis(customers: pd.DataFrame, activity: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per value of ``customers[by]`` (largest revenue first) with ``KPI_COLUMNS``.

    ``customers`` holds ``customer_id``, ``recency_days``, ``monetary`` and the label column
    ``by``; ``activity`` is :func:`customer_activity` of the same cleaned data."""
    act = activity.reindex(customers["customer_id"].to_numpy())
    orders = act["orders"].fillna(0).to_numpy(dtype="float64")
    span = (act["last_purchase"] - act["first_purchase"]).dt.days.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(orders >= 2, span / (orders - 1), np.nan)
    data = pd.DataFrame(
        {
            "segment": customers[by].to_numpy(),
            "orders": orders,
            "revenue": customers["monetary"].to_numpy(dtype="float64"),
            "recency": customers["recency_days"].to_numpy(dtype="float64"),
            "gap": gap,
            "one_time": orders == 1,
        }
    )
    grouped = data.groupby("segment", sort=False)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "orders": grouped["orders"].sum().astype("int64"),
            "revenue": grouped["revenue"].sum().round(2),
        }
    )
    out["average_order_value"] = (out["revenue"] / out["orders"].replace(0, np.nan)).round(2)
    total = data["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["median_days_since_last_order"] = grouped["recency"].median()
    out["median_days_between_orders"] = grouped["gap"].median()
    out["one_time_share"] = grouped["one_time"].mean()
    out.index.name = "segment"
    return out[KPI_COLUMNS].sort_values("revenue", ascending=False).reset_index()
