import pandas as pd
import pytest

from segmentation.columns.roles import ColumnRoles, detect_roles
from segmentation.errors import ColumnError


def test_detect_online_retail_names():
    cols = [
        "InvoiceNo",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "UnitPrice",
        "CustomerID",
        "Country",
    ]
    assert detect_roles(cols) == ColumnRoles(
        customer_id="CustomerID",
        invoice_id="InvoiceNo",
        invoice_date="InvoiceDate",
        quantity="Quantity",
        unit_price="UnitPrice",
        country="Country",
        stock_code="StockCode",
        description="Description",
    )


def test_detect_online_retail_ii_names():
    cols = [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    roles = detect_roles(cols)
    assert (roles.customer_id, roles.invoice_id, roles.unit_price) == (
        "Customer ID",
        "Invoice",
        "Price",
    )


def test_detect_common_export_names():
    roles = detect_roles(["Order ID", "Order Date", "Customer Email", "Sales", "Region"])
    assert roles.as_dict() == {
        "customer_id": "Customer Email",
        "invoice_id": "Order ID",
        "invoice_date": "Order Date",
        "quantity": None,
        "unit_price": None,
        "amount": "Sales",
        "country": None,
        "stock_code": None,
        "description": None,
        "status": None,
        "currency": None,
        "store": None,
    }


def test_detect_date_by_content():
    sample = pd.DataFrame(
        {"who": ["a", "b"], "when": ["2024-01-02", "2024-02-03"], "amount": [1, 2]}
    )
    assert detect_roles(list(sample.columns), sample).invoice_date == "when"


def test_override_wins_and_unknown_column_lists_columns():
    assert (
        detect_roles(["Customer", "Client"], overrides={"customer_id": "Client"}).customer_id
        == "Client"
    )
    with pytest.raises(ColumnError, match="Columns present: Customer, Client"):
        detect_roles(["Customer", "Client"], overrides={"customer_id": "Nope"})
