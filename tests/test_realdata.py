"""Figures from ../shared/data/README.md and the tutorial, on the real UCI files."""

import datetime

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from segmentation import TUTORIAL, CleaningOptions, Settings, load_transactions, segment
from segmentation.method.cleaning import clean_transactions
from segmentation.method.rfm import compute_rfm
from tests.plain import net_rfm_plain

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def retail_xlsx(shared_data):
    return load_transactions(shared_data / "online_retail" / "Online Retail.xlsx")


def test_xlsx_read_matches_published_figures(retail_xlsx):
    tx = retail_xlsx.transactions
    assert len(tx) == 541_909
    assert tx["customer_id"].notna().sum() == 406_829
    assert tx["customer_id"].nunique() == 4_372
    assert tx["invoice_id"].nunique() == 25_900
    assert round(tx["revenue"].sum(), 2) == 9_747_747.93
    assert tx["invoice_id"].str.startswith("C").sum() == 9_288
    assert (tx["quantity"] < 0).sum() == 10_624
    assert tx["duplicate"].sum() == 5_268


def test_refunds_drop_keeps_the_published_rfm_figures(retail_xlsx):
    cleaned, report = clean_transactions(retail_xlsx.transactions, CleaningOptions(refunds="drop"))
    rfm = compute_rfm(cleaned)
    assert len(rfm) == 4_338
    assert round(rfm["monetary"].sum(), 2) == 8_887_208.89
    assert round(rfm["recency_days"].mean(), 2) == 93.06
    assert round(rfm["frequency"].mean(), 2) == 4.27
    assert report.rows_kept == 392_692


def test_default_nets_refunds_like_a_plain_reimplementation(shared_data, retail_xlsx):
    plain = net_rfm_plain(pd.read_parquet(shared_data / "online_retail" / "online_retail.parquet"))
    cleaned, report = clean_transactions(retail_xlsx.transactions)
    rfm = compute_rfm(cleaned)
    assert "12346" not in rfm.index  # bought 77,183.60 and cancelled it the same day
    assert len(rfm) == len(plain)
    assert rfm.index.tolist() == [str(int(c)) for c in plain.index]
    np.testing.assert_array_equal(rfm["recency_days"], plain["recency_days"])
    np.testing.assert_array_equal(rfm["frequency"], plain["frequency"])
    np.testing.assert_allclose(rfm["monetary"], plain["monetary"], atol=0.005)
    assert "refunds netted" in report.summary()


def test_parquet_and_csv_give_the_same_transactions(shared_data, retail_xlsx):
    parquet = load_transactions(
        shared_data / "online_retail" / "online_retail.parquet"
    ).transactions
    pd.testing.assert_frame_equal(parquet, retail_xlsx.transactions)


def test_online_retail_ii_two_sheets(shared_data):
    loaded = load_transactions(shared_data / "online_retail_ii" / "online_retail_II.xlsx")
    tx = loaded.transactions
    assert loaded.preview.sheets == ("Year 2009-2010", "Year 2010-2011")
    assert len(tx) == 1_067_371
    assert tx["customer_id"].isna().sum() == 243_007
    assert tx["customer_id"].nunique() == 5_942
    assert tx["invoice_id"].nunique() == 53_628
    assert round(tx["revenue"].sum(), 2) == 19_287_250.57


def tutorial_plain(df: pd.DataFrame) -> pd.DataFrame:
    """The tutorial's own steps: pandas, scipy and scikit-learn only."""
    df = df[df["CustomerID"].notna()]
    df_fix = df.sample(10000, random_state=42)
    df_fix["InvoiceDate"] = df_fix["InvoiceDate"].dt.date
    df_fix["TotalSum"] = df_fix["Quantity"] * df_fix["UnitPrice"]
    snapshot_date = max(df_fix.InvoiceDate) + datetime.timedelta(days=1)
    customers = df_fix.groupby(["CustomerID"]).agg(
        {
            "InvoiceDate": lambda x: (snapshot_date - x.max()).days,
            "InvoiceNo": "count",
            "TotalSum": "sum",
        }
    )
    customers.columns = ["Recency", "Frequency", "MonetaryValue"]
    fixed = pd.DataFrame()
    fixed["Recency"] = stats.boxcox(customers["Recency"])[0]
    fixed["Frequency"] = stats.boxcox(customers["Frequency"])[0]
    fixed["MonetaryValue"] = pd.Series(np.cbrt(customers["MonetaryValue"])).values
    scaler = StandardScaler()
    scaler.fit(fixed)
    normalized = scaler.transform(fixed)
    model = KMeans(n_clusters=3, random_state=42)
    model.fit(normalized)
    customers["Cluster"] = model.labels_
    table = customers.groupby("Cluster").agg(
        size=("Recency", "size"),
        recency=("Recency", "mean"),
        frequency=("Frequency", "mean"),
        monetary=("MonetaryValue", "mean"),
    )
    return table.sort_values("monetary", ascending=False).reset_index(drop=True)


def test_tutorial_preset_reproduces_the_tutorial(shared_data, retail_xlsx):
    plain = tutorial_plain(pd.read_parquet(shared_data / "online_retail" / "online_retail.parquet"))
    ours = segment(retail_xlsx.transactions, TUTORIAL).profile
    table = pd.DataFrame(
        {
            "size": ours["customers"],
            "recency": ours["recency_days_mean"],
            "frequency": ours["frequency_mean"],
            "monetary": ours["monetary_mean"],
        }
    )
    assert table["size"].tolist() == plain["size"].tolist()
    assert table["size"].sum() == plain["size"].sum() > 2000
    np.testing.assert_allclose(table[["recency", "frequency"]], plain[["recency", "frequency"]])
    np.testing.assert_allclose(table["monetary"], plain["monetary"], atol=0.01)


def test_grid_segments_match_a_plain_reimplementation(shared_data, retail_xlsx):
    from tests.plain import grid_plain

    plain = net_rfm_plain(pd.read_parquet(shared_data / "online_retail" / "online_retail.parquet"))
    expected = grid_plain(plain)
    result = segment(retail_xlsx.transactions, Settings(method="scores"))
    got = result.customers.set_index("customer_id")["rfm_segment"]
    assert got.tolist() == expected.tolist()
    # The sizes written in the README.
    assert got.value_counts().to_dict() == {
        "Champions": 909,
        "Lost": 797,
        "Loyal Customers": 709,
        "Hibernating": 593,
        "At Risk": 305,
        "About To Sleep": 290,
        "Potential Loyalist": 279,
        "Need Attention": 182,
        "Promising": 168,
        "New Customers": 66,
        "Can't Lose Them": 19,
    }


def test_movement_on_online_retail_counts_customers_like_plain_pandas(shared_data, retail_xlsx):
    from segmentation.outcomes.movement import NEW, movements

    raw = pd.read_parquet(shared_data / "online_retail" / "online_retail.parquet")
    s0 = pd.Timestamp("2011-09-11")
    cut = raw[raw["InvoiceDate"] < s0]
    now, then = net_rfm_plain(raw), net_rfm_plain(cut)
    result = segment(retail_xlsx.transactions)
    assert result.customers["snapshot_date"].iloc[0] == "2011-12-10"
    kmeans, grid = movements(result, retail_xlsx.transactions, s0)
    for move in (kmeans, grid):
        # Customers labelled at S0 are those with a positive net spend before S0; the new
        # ones are customers now who were not then.
        assert move.counts.drop(index=NEW).to_numpy().sum() == len(then)
        assert move.counts.loc[NEW].sum() == len(now.index.difference(then.index)) == 960
    # Recency at S0: the plain table measures to the day after the cut's last purchase.
    offset = (s0 - (cut["InvoiceDate"].max().normalize() + pd.Timedelta(days=1))).days
    before = kmeans.customers.dropna(subset=["segment_before"]).set_index("customer_id")
    expected = (then["recency_days"] + offset).rename(index=lambda c: str(int(c)))
    assert before["recency_days_before"].astype(int).to_dict() == expected.to_dict()
