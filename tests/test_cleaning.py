import pandas as pd
import pytest

from segmentation.cleaning import CleaningOptions, clean_transactions
from segmentation.errors import DataError


def test_default_rules_report_rows_and_revenue(small_tx):
    kept, report = clean_transactions(small_tx)
    assert report.table[["rule", "rows_removed", "revenue_removed"]].values.tolist() == [
        ["missing_customer", 1, 3.0],
        ["missing_date", 0, 0.0],
        ["cancellations", 1, -2.5],
        ["nonpositive_quantity", 1, 0.0],
        ["nonpositive_price", 1, 0.0],
        ["duplicates", 1, 100.0],
        ["non_product", 0, 0.0],
    ]
    assert report.table["enabled"].tolist() == [True] * 6 + [False]
    assert (report.rows_in, report.rows_kept, report.customers_kept) == (11, 6, 4)
    assert (report.revenue_in, report.revenue_kept) == (267.5, 167.0)
    assert len(kept) == 6


def test_rule_switched_off_keeps_its_rows(small_tx):
    kept, report = clean_transactions(small_tx, CleaningOptions(cancellations=False))
    # The cancellation line has quantity -1, so the quantity rule still takes it.
    assert report.table.set_index("rule").loc["nonpositive_quantity", "rows_removed"] == 2
    both_off = CleaningOptions(cancellations=False, nonpositive_quantity=False)
    kept, report = clean_transactions(small_tx, both_off)
    assert "C3" in kept["invoice_id"].tolist()
    assert report.rows_kept == 8


def test_non_product_codes():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a"],
            "stock_code": ["POST", "85123A", "gift_0001_20", "BANK CHARGES"],
            "invoice_date": pd.to_datetime(["2024-01-01"] * 4),
            "revenue": [18.0, 5.0, 20.0, 15.0],
        }
    )
    kept, report = clean_transactions(tx, CleaningOptions.only("non_product"))
    assert kept["stock_code"].tolist() == ["85123A"]
    assert report.table.set_index("rule").loc["non_product", "revenue_removed"] == 53.0


def test_infinite_and_nan_prices_are_removed(small_tx):
    tx = small_tx.copy()
    tx.loc[0, "unit_price"] = float("inf")
    tx.loc[2, "unit_price"] = float("nan")
    kept, _ = clean_transactions(tx)
    assert len(kept) == 4


def test_nothing_left_names_the_rules(small_tx):
    tx = small_tx.assign(customer_id=pd.Series([None] * len(small_tx), dtype="str"))
    with pytest.raises(
        DataError, match=r"Nothing is left after cleaning 11 rows \(Missing customer id: 11\)"
    ):
        clean_transactions(tx)


def test_duplicate_rule_agrees_with_pandas_on_messy_data():
    from segmentation.cleaning import _duplicates
    from segmentation.demo import demo_transactions

    raw = demo_transactions(n_customers=300, seed=2)
    assert _duplicates(raw).tolist() == raw.duplicated().tolist()
    assert _duplicates(raw).sum() == raw.duplicated().sum() > 0
