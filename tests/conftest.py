"""Shared fixtures. Real data comes only through ``shared_data``, which skips when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from tests.data.make_bad_files import workbook as xlsx_bytes  # noqa: F401 - shared helper

# ``make check`` (QUICK_TESTS=1) runs each property test on a tenth of its examples.
QUICK = os.environ.get("QUICK_TESTS") == "1"


def examples(n: int) -> int:
    """Hypothesis examples for a property test: ``n`` in ``make test``, a tenth (at least 10)
    in ``make check``."""
    return max(10, n // 10) if QUICK else n


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the project; tests using it skip on a fresh clone without it."""
    if not (SHARED / "online_retail" / "online_retail.parquet").exists():
        pytest.skip(f"real data not found at {SHARED} (a fresh clone has none)")
    return SHARED


@pytest.fixture
def small_tx() -> pd.DataFrame:
    """A hand-built canonical transactions frame (see segmentation.columns)."""
    rows = [
        # customer, invoice, date, quantity, unit price
        ("A", "1", "2024-01-01 10:00", 2, 5.0),
        ("A", "1", "2024-01-01 10:00", 1, 10.0),
        ("A", "2", "2024-01-10 09:00", 1, 30.0),
        ("B", "3", "2024-01-05 12:00", 4, 2.5),
        ("B", "C3", "2024-01-06 12:00", -1, 2.5),
        ("C", "4", "2024-01-09 16:00", 1, 100.0),
        ("C", "4", "2024-01-09 16:00", 1, 100.0),
        (None, "5", "2024-01-08 11:00", 3, 1.0),
        ("D", "6", "2024-01-02 08:00", 0, 4.0),
        ("D", "7", "2024-01-03 08:00", 2, 0.0),
        ("D", "8", "2024-01-04 08:00", 1, 7.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "invoice_id", "invoice_date", "quantity", "unit_price"]
    )
    frame["customer_id"] = frame["customer_id"].astype("str").where(frame["customer_id"].notna())
    frame["invoice_date"] = pd.to_datetime(frame["invoice_date"])
    frame["quantity"] = frame["quantity"].astype("float64")
    frame["revenue"] = frame["quantity"] * frame["unit_price"]
    return frame


# The labelled customer file of the demo shop (a contract for mailing tools and scripts).
DEMO_CUSTOMER_FILE = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "cluster",
    "segment",
    "action",
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "rfm_segment",
    "rfm_action",
    "p_alive",
    "expected_purchases_365d",
    "expected_order_value",
    "value_365d",
    "p_buying_again",
    "Email",
    "Name",
    "Country",
    "Accepts Marketing",
    "snapshot_date",
]


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Markers by what a test needs: ``spark`` (a JVM), ``e2e`` (a browser), ``realdata``
    (../shared/data); ``make check`` leaves them out. On several processes (``-n 2 --dist
    loadgroup``) the Spark tests all run in one of them, the class-data recording first (one
    in-process JVM started, not one per process; no two JVMs competing; on a fresh machine
    one recording of the class-data archive, which every later session maps), and so do the
    browser tests (one dashboard server and one browser)."""
    items.sort(key=lambda item: item.path.name != "test_class_data.py")  # stable: first
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.xdist_group("spark"))
        if "server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("browser"))
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)
