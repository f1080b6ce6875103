import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from segmentation.errors import SettingsError
from segmentation.method.cleaning import clean_transactions
from segmentation.method.rfm import compute_rfm, default_frequency


@pytest.fixture
def cleaned(small_tx):
    return clean_transactions(small_tx)[0]


def expected(recency, frequency, monetary):
    return pd.DataFrame(
        {"recency_days": recency, "frequency": frequency, "monetary": monetary},
        index=pd.Index(["A", "B", "C", "D"], name="customer_id"),
    ).astype({"recency_days": "int64", "frequency": "int64"})


def test_rfm_invoices_default(cleaned):
    # B bought 10.00 on 01-05 and returned 2.50 on 01-06: the refund is netted from monetary,
    # but recency (6 days to 01-11) and frequency (1 invoice) count the purchase only.
    rfm = compute_rfm(cleaned)
    assert_frame_equal(
        rfm, expected([1, 6, 2, 7], [2, 1, 1, 1], [50.0, 7.5, 100.0, 7.0]), check_index_type=False
    )
    assert rfm.attrs == {}  # no state hidden in the table: the run's result names its basis


def test_rfm_lines_and_days(cleaned):
    assert compute_rfm(cleaned, frequency="lines")["frequency"].tolist() == [3, 1, 1, 1]
    assert compute_rfm(cleaned, frequency="days")["frequency"].tolist() == [2, 1, 1, 1]


def test_rfm_explicit_snapshot(cleaned):
    rfm = compute_rfm(cleaned, snapshot="2024-02-01")
    assert rfm["recency_days"].tolist() == [22, 27, 23, 28]


def test_days_is_the_default_without_invoice_ids(cleaned):
    rfm = compute_rfm(cleaned.drop(columns="invoice_id"))
    assert rfm["frequency"].tolist() == [2, 1, 1, 1]  # purchase days: A bought on two days
    assert default_frequency(cleaned.drop(columns="invoice_id")) == "days"
    with pytest.raises(SettingsError, match="needs an invoice id"):
        compute_rfm(cleaned.drop(columns="invoice_id"), frequency="invoices")


def test_snapshot_before_last_purchase_is_refused(cleaned):
    with pytest.raises(SettingsError, match=r"must be after the last purchase \(2024-01-10\)"):
        compute_rfm(cleaned, snapshot="2024-01-05")


def test_missing_dates_are_cleaned_or_refused(small_tx):
    from segmentation.errors import DataError
    from segmentation.method.cleaning import CleaningOptions

    tx = small_tx.copy()
    tx.loc[0, "invoice_date"] = pd.NaT
    cleaned, report = clean_transactions(tx)
    assert report.table.set_index("rule").loc["missing_date", "rows_removed"] == 1
    assert compute_rfm(cleaned).loc["A", "monetary"] == 40.0
    kept, _ = clean_transactions(tx, CleaningOptions(missing_date=False))
    with pytest.raises(DataError, match="1 row has no invoice date"):
        compute_rfm(kept)
