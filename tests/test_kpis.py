"""Per-segment KPIs on a hand-built shop; every expected figure worked out by hand."""

import pandas as pd
import pytest

from segmentation.columns.loading import load_transactions
from segmentation.outcomes.kpis import KPI_COLUMNS, customer_activity, segment_kpis
from segmentation.pipeline import Settings, clean_stage, rfm_stage

SHOP = b"""Invoice,Customer,Date,Quantity,Price
1,A,2024-01-01,1,10
2,A,2024-01-11,2,10
3,A,2024-01-31,1,30
4,B,2024-01-21,1,50
C5,A,2024-02-01,-1,10
6,C,2024-01-31,1,5
7,C,2024-01-31,1,5
"""


@pytest.fixture(scope="module")
def shop():
    tx = load_transactions(SHOP, "shop.csv").transactions
    settings = Settings()
    cleaned = clean_stage(tx, settings.cleaning)
    return cleaned, rfm_stage(cleaned, settings.rfm_options)


def test_activity_counts_purchase_orders_and_first_and_last_days(shop):
    cleaned, _ = shop
    activity = customer_activity(cleaned.transactions)
    # The refund C5 is no order; C's two invoices on one day are two orders.
    assert activity["orders"].to_dict() == {"A": 3, "B": 1, "C": 2}
    assert activity.loc["A", "first_purchase"] == pd.Timestamp("2024-01-01")
    assert activity.loc["A", "last_purchase"] == pd.Timestamp("2024-01-31")


def test_segment_kpis_by_hand(shop):
    cleaned, rfm = shop
    # Snapshot 2024-02-02 (day after the refund). A: 3 orders, 10 + 20 + 30 - 10 = 50 net,
    # last purchase 2 days before, 30 days over 2 gaps = 15. B: 1 order, 50, 12 days.
    # C: 2 orders, 10, 2 days, 0 days between.
    customers = rfm.reset_index().assign(
        group=lambda d: d["customer_id"].map({"A": "X", "B": "X", "C": "Y"})
    )
    kpis = segment_kpis(customers, customer_activity(cleaned.transactions), "group")
    assert list(kpis.columns) == ["segment", *KPI_COLUMNS]
    x, y = (kpis.set_index("segment").loc[s] for s in ("X", "Y"))
    assert kpis["segment"].tolist() == ["X", "Y"]  # largest revenue first
    assert (x["customers"], x["orders"], x["revenue"]) == (2, 4, 100.0)
    assert x["average_order_value"] == 25.0
    assert x["revenue_share"] == pytest.approx(100 / 110)
    assert x["median_days_since_last_order"] == 7.0  # median of 2 and 12
    assert x["median_days_between_orders"] == 15.0  # B has one order: no gap
    assert x["one_time_share"] == 0.5
    assert (y["customers"], y["orders"], y["revenue"], y["average_order_value"]) == (1, 2, 10, 5)
    assert y["median_days_between_orders"] == 0.0 and y["one_time_share"] == 0.0


def test_a_segment_of_one_time_buyers_has_no_days_between_orders(shop):
    cleaned, rfm = shop
    customers = rfm.reset_index().query("customer_id == 'B'").assign(group="once")
    row = segment_kpis(customers, customer_activity(cleaned.transactions), "group").iloc[0]
    assert pd.isna(row["median_days_between_orders"]) and row["one_time_share"] == 1.0
