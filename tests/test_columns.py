import numpy as np
import pandas as pd
import pytest

from segmentation.columns import parse_dates, parse_ids, parse_numbers
from segmentation.errors import ColumnError, DataError
from segmentation.roles import ColumnRoles, detect_roles


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


def test_parse_ids_keeps_text_and_cuts_float_rendering():
    assert parse_ids(pd.Series([12346.0, np.nan, 17850.0])).tolist()[::2] == ["12346", "17850"]
    text = parse_ids(pd.Series(["00123", " C536379 ", "12346.0", "A-7", "", None]))
    assert text.tolist()[:4] == ["00123", "C536379", "12346", "A-7"]
    assert text.isna().tolist()[4:] == [True, True]


def test_parse_dates_formats():
    iso = parse_dates(pd.Series(["2011-12-09 12:50", "2011-01-02"]))
    assert iso.tolist() == [pd.Timestamp("2011-12-09 12:50"), pd.Timestamp("2011-01-02")]
    dayfirst = parse_dates(pd.Series(["13/01/2011", "02/03/2011"]))
    assert dayfirst.tolist() == [pd.Timestamp("2011-01-13"), pd.Timestamp("2011-03-02")]
    monthfirst = parse_dates(pd.Series(["01/13/2011", "02/03/2011"]))
    assert monthfirst.tolist() == [pd.Timestamp("2011-01-13"), pd.Timestamp("2011-02-03")]
    forced = parse_dates(pd.Series(["02/03/2011"]), dayfirst=True)
    assert forced.tolist() == [pd.Timestamp("2011-03-02")]
    serial = parse_dates(pd.Series([40522.5, 40886.0]))
    assert serial.tolist() == [pd.Timestamp("2010-12-10 12:00"), pd.Timestamp("2011-12-09")]
    ymd = parse_dates(pd.Series([20111209, 20110102]))
    assert ymd.tolist() == [pd.Timestamp("2011-12-09"), pd.Timestamp("2011-01-02")]


def test_bad_dates_say_how_many_and_show_examples():
    with pytest.raises(
        DataError, match=r"2 dates could not be read \(for example 'soon', 'never'\)"
    ):
        parse_dates(pd.Series(["02/01/2011", "soon", "never"]))


def test_parse_numbers_text_with_decimal_comma_and_errors():
    assert parse_numbers(pd.Series(["1,5", "2,25"]), "unit_price").tolist() == [1.5, 2.25]
    assert parse_numbers(pd.Series(["£1,234.50", "3"]), "unit_price").tolist() == [1234.5, 3.0]
    with pytest.raises(DataError, match="1 quantity values are not numbers"):
        parse_numbers(pd.Series(["1", "two"]), "quantity")
