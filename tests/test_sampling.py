import pytest

from segmentation.errors import SettingsError
from segmentation.method.sampling import sample_transactions


def test_customer_sample_keeps_whole_histories(small_tx):
    tx = small_tx.dropna(subset=["customer_id"])
    sample = sample_transactions(tx, 2, "customers", seed=1)
    chosen = set(sample["customer_id"])
    assert len(chosen) == 2
    for c in chosen:
        assert (sample["customer_id"] == c).sum() == (tx["customer_id"] == c).sum()
    assert sample.equals(sample_transactions(tx, 2, "customers", seed=1))


def test_row_sample_is_dataframe_sample(small_tx):
    assert sample_transactions(small_tx, 4, "rows", seed=42).equals(
        small_tx.sample(4, random_state=42)
    )


def test_sample_larger_than_population_keeps_all(small_tx):
    assert sample_transactions(small_tx, 10_000, "customers") is small_tx
    assert sample_transactions(small_tx, None) is small_tx


def test_bad_sample_settings(small_tx):
    with pytest.raises(SettingsError, match="at least 1"):
        sample_transactions(small_tx, 0)
    with pytest.raises(SettingsError, match="customers, rows"):
        sample_transactions(small_tx, 3, "weeks")
