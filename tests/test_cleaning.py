import pandas as pd
import pytest

from segmentation.errors import DataError
from segmentation.method.cleaning import CleaningOptions, clean_transactions


def test_default_rules_report_rows_and_revenue(small_tx):
    # By hand from small_tx: row 7 has no customer (3.00), the C3 line refunds 2.50 and is
    # netted, row 8 has quantity 0, row 9 price 0, row 6 repeats row 5 (100.00).
    kept, report = clean_transactions(small_tx)
    assert report.table[["rule", "rows_removed", "sales_removed"]].values.tolist() == [
        ["missing_customer", 1, 3.0],
        ["missing_date", 0, 0.0],
        ["not_purchase", 0, 0.0],
        ["refunds", 0, 0.0],
        ["nonpositive_quantity", 1, 0.0],
        ["nonpositive_price", 1, 0.0],
        ["duplicates", 1, 100.0],
        ["non_product", 0, 0.0],
        ["net_nonpositive", 0, 0.0],
    ]
    assert report.table["enabled"].tolist() == [True] * 7 + [False, True]
    assert report.table.set_index("rule").loc["refunds", "note"] == (
        "refunds netted: -2.50 over 1 line"  # one line, singular
    )
    assert (report.rows_in, report.rows_kept, report.customers_kept) == (11, 7, 4)
    assert (report.revenue_in, report.revenue_kept, report.refunds_in) == (267.5, 164.5, 2.5)
    assert kept.loc[kept["invoice_id"] == "C3", ["revenue", "refund"]].values.tolist() == [
        [-2.5, True]
    ]
    assert "-1" not in report.summary().replace("-2.50", "")  # no negative removals


def test_refunds_drop_and_keep(small_tx):
    kept, report = clean_transactions(small_tx, CleaningOptions(refunds="drop"))
    assert report.table.set_index("rule").loc["refunds", "rows_removed"] == 1
    assert report.table.set_index("rule").loc["refunds", "note"] == "refunds worth 2.50 dropped"
    assert report.rows_kept == 6 and "refund" not in kept
    kept, report = clean_transactions(small_tx, CleaningOptions(refunds="keep"))
    assert kept.loc[kept["invoice_id"] == "C3", "revenue"].tolist() == [-2.5]
    assert report.rows_kept == 7 and "refund" not in kept


def test_customer_whose_refunds_cancel_the_purchases_leaves(small_tx):
    tx = small_tx.copy()
    tx.loc[4, "quantity"] = -4.0  # B returns all four items
    tx.loc[4, "revenue"] = -10.0
    kept, report = clean_transactions(tx)
    assert "B" not in kept["customer_id"].tolist()
    row = report.table.set_index("rule").loc["net_nonpositive"]
    assert (row["rows_removed"], row["sales_removed"], row["note"]) == (2, 10.0, "1 customer")


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
    assert report.table.set_index("rule").loc["non_product", "sales_removed"] == 53.0


def test_infinite_and_nan_prices_are_removed(small_tx):
    tx = small_tx.copy()
    tx.loc[0, "unit_price"] = float("inf")
    tx.loc[2, "unit_price"] = float("nan")
    kept, _ = clean_transactions(tx)
    assert len(kept) == 5  # rows 0 and 2 go; the netted refund line stays


def test_nothing_left_names_the_rules(small_tx):
    tx = small_tx.assign(customer_id=pd.Series([None] * len(small_tx), dtype="str"))
    with pytest.raises(
        DataError, match=r"Nothing is left after cleaning 11 rows \(Missing customer id: 11\)"
    ):
        clean_transactions(tx)


def test_duplicate_rule_agrees_with_pandas_on_messy_data():
    from segmentation.columns.parsing import to_transactions
    from segmentation.columns.roles import detect_roles
    from segmentation.demo import demo_transactions

    raw = demo_transactions(n_customers=300, seed=2)
    tx, _ = to_transactions(raw, detect_roles(list(raw.columns)))
    assert tx["duplicate"].tolist() == raw.duplicated().tolist()
    assert tx["duplicate"].sum() == raw.duplicated().sum() > 0
