from segmentation.columns.loading import load_transactions
from segmentation.columns.parsing import to_transactions
from segmentation.columns.roles import detect_roles
from segmentation.demo import demo_csv_bytes, demo_transactions


def test_demo_is_seeded_and_messy():
    a = demo_transactions(n_customers=500, seed=3)
    assert a.equals(demo_transactions(n_customers=500, seed=3))
    assert a["CustomerID"].nunique() == 500
    assert a["CustomerID"].isna().any()
    assert a["InvoiceNo"].str.startswith("C").any()
    assert a.duplicated().any()
    assert (a["StockCode"] == "POST").any()
    tx = to_transactions(a, detect_roles(list(a.columns)))[0]
    assert (tx["revenue"] < 0).any()


def test_demo_csv_round_trips_through_the_reader():
    loaded = load_transactions(demo_csv_bytes(n_customers=200, seed=1), "demo.csv")
    assert loaded.roles.customer_id == "CustomerID"
    assert loaded.transactions["customer_id"].nunique() == 200
