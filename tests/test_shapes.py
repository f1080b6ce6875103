"""Known export shapes and what real exports carry beyond the roles, on hand-built files.

Every expected figure is worked out by hand from the rows written in the test.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from segmentation import (
    SegmentationError,
    clean_transactions,
    compute_rfm,
    detect_shape,
    load_transactions,
)
from segmentation.columns.shapes import SHAPES, status_meaning
from segmentation.settings import CleaningOptions


def load(text: str, name: str = "export.csv", **options):
    return load_transactions(text.encode(), name, **options)


def rfm_of(text: str, **options) -> pd.DataFrame:
    cleaned, _ = clean_transactions(load(text, **options).transactions)
    return compute_rfm(cleaned)


SHOPIFY = (
    "Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem sku,Billing Country\n"
    "#1001,A@X.com ,paid,EUR,25.00,2024-03-01 10:00:00 +0100,2,Mug,10.00,MUG,FR\n"
    "#1001,a@x.com,,,,2024-03-01 10:00:00 +0100,1,Card,5.00,CARD,\n"
    "#1002,b@x.com,refunded,EUR,40.00,2024-03-02 11:00:00 +0100,1,Lamp,40.00,LAMP,FR\n"
    "#1003,c@x.com,voided,EUR,9.00,2024-03-03 12:00:00 +0100,1,Pen,9.00,PEN,FR\n"
    "#1004,a@x.com,paid,EUR,12.00,2024-04-01 09:00:00 +0200,3,Tea,4.00,TEA,FR\n"
)


def test_shopify_orders_lines_statuses_and_emails():
    loaded = load(SHOPIFY)
    assert "Shopify orders export" in loaded.notes.lines()[0] or any(
        "Shopify" in line for line in loaded.notes.lines()
    )
    rfm = rfm_of(SHOPIFY)
    # a@x.com: order #1001 (2 x 10 + 5, the second line takes the order's fields) and #1004
    # (3 x 4); b@x.com's order was refunded in full (net 0: leaves); c@x.com's was voided.
    assert rfm.index.tolist() == ["a@x.com"]
    assert rfm.loc["a@x.com", "monetary"] == 37.0
    assert rfm.loc["a@x.com", "frequency"] == 2


def test_woocommerce_guests_with_id_0_are_told_apart_by_email():
    text = (
        "order_id,order_date,status,shipping_total,order_total,customer_id,billing_email\n"
        "1,2024-01-02,completed,5.00,50.00,0,Guest1@x.com\n"
        "2,2024-01-03,processing,5.00,20.00,0,guest2@x.com\n"
        "3,2024-01-04,cancelled,5.00,99.00,17,member@x.com\n"
        "4,2024-01-05,wc-completed,5.00,30.00,17,member@x.com\n"
        "5,2024-01-06,pending,5.00,70.00,0,guest1@x.com\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"17": 30.0, "guest1@x.com": 50.0, "guest2@x.com": 20.0}


def test_stripe_payments_statuses_and_lower_case_currency():
    text = (
        "id,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Customer Email\n"
        "ch_1,2024-02-01 10:00:00,12.50,0.00,usd,Paid,cus_A,a@x.com\n"
        "ch_2,2024-02-03 10:00:00,30.00,30.00,usd,Refunded,cus_A,a@x.com\n"
        "ch_3,2024-02-04 10:00:00,8.00,0.00,usd,Failed,cus_B,b@x.com\n"
        'ch_4,2024-02-05 10:00:00,"1,008.00",0.00,usd,Paid,cus_B,b@x.com\n'
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"cus_A": 12.5, "cus_B": 1008.0}
    # A payment refunded in full is neither money nor an order (as a person counts orders).
    assert rfm["frequency"].to_dict() == {"cus_A": 1, "cus_B": 1}


def test_square_refund_events_are_netted():
    text = (
        "Date,Time,Qty,Item,Net Sales,Transaction ID,Event Type,Customer ID\n"
        "2024-01-05,10:00,2,Latte,$7.00,T1,Payment,C1\n"
        "2024-01-06,11:00,1,Cake,$4.00,T2,Payment,C1\n"
        "2024-01-06,12:00,1,Cake,-$4.00,T3,Refund,C1\n"
        "2024-01-07,09:00,1,Tea,$3.50,T4,Payment,C2\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"C1": 7.0, "C2": 3.5}
    assert rfm["frequency"].to_dict() == {"C1": 2, "C2": 1}


def test_amazon_item_price_is_the_line_total():
    text = (
        "amazon-order-id\tpurchase-date\torder-status\tsku\tquantity\tcurrency\titem-price\t"
        "buyer-email\n"
        "111-1\t2024-01-05T10:00:00+00:00\tShipped\tS1\t2\tGBP\t19.98\ta@x.com\n"
        "111-2\t2024-01-06T10:00:00+00:00\tCancelled\tS2\t1\tGBP\t5.00\ta@x.com\n"
        "111-3\t2024-01-07T10:00:00+00:00\tShipped\tS1\t3\tGBP\t29.97\tb@x.com\n"
    )
    rfm = rfm_of(text.replace("\t", ","))
    assert rfm["monetary"].to_dict() == {"a@x.com": 19.98, "b@x.com": 29.97}


def test_superstore_sales_are_not_multiplied_again():
    text = (
        "Row ID,Order ID,Order Date,Customer ID,Product ID,Sales,Quantity,Country\n"
        "1,CA-2016-152156,11/8/2016,CG-12520,FUR-BO-1,261.96,2,United States\n"
        "2,CA-2016-152156,11/8/2016,CG-12520,FUR-CH-2,731.94,3,United States\n"
        "3,US-2015-108966,10/11/2015,SO-20335,FUR-TA-3,957.58,5,United States\n"
    )
    loaded = load(text)
    assert any("Superstore" in line for line in loaded.notes.lines())
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"CG-12520": 993.9, "SO-20335": 957.58}
    assert loaded.transactions["invoice_date"].iloc[0] == pd.Timestamp(2016, 11, 8)


def test_price_that_is_already_the_line_total_is_found_from_a_total_column():
    text = (
        "Customer,Order,Date,Qty,Price,Line total\n"
        "A,1,2024-01-02,2,20.00,20.00\n"
        "A,2,2024-01-03,3,30.00,30.00\n"
        "B,3,2024-01-04,4,8.00,8.00\n"
        "B,4,2024-01-05,1,5.00,5.00\n"
    )
    loaded = load(text)
    assert loaded.transactions["revenue"].tolist() == [20.0, 30.0, 8.0, 5.0]
    assert any("already the line total" in line for line in loaded.notes.lines())


def test_ebay_order_rows_that_sum_their_items_count_once():
    text = (
        "Sales Record Number,Order Number,Buyer Username,Sale Date,Item Title,Quantity,"
        "Sold For,Total Price\n"
        "100,O-1,buyer1,Mar-15-24,,,,30.00\n"
        "100,O-1,buyer1,Mar-15-24,Vase,1,10.00,10.00\n"
        "100,O-1,buyer1,Mar-15-24,Bowl,2,10.00,20.00\n"
        "101,O-2,buyer2,Mar-16-24,Cup,1,7.00,7.00\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"buyer1": 30.0, "buyer2": 7.0}


def test_credit_notes_are_refunds_even_when_positive():
    text = (
        "Customer,Number,Date,Type,Amount\n"
        "A,INV-1,2024-01-02,Invoice,100.00\n"
        "A,CN-1,2024-01-09,Credit Note,25.00\n"
        "B,INV-2,2024-01-03,Invoice,40.00\n"
        "B,Q-1,2024-01-04,Quote,500.00\n"
        "B,PAY-1,2024-01-05,Payment,40.00\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"A": 75.0, "B": 40.0}
    assert rfm["frequency"].to_dict() == {"A": 1, "B": 1}
    assert rfm["recency_days"].to_dict() == {"A": 8, "B": 7}  # snapshot 01-10


def test_magento_closed_means_refunded_but_shopify_closed_means_sold():
    magento = next(s for s in SHAPES if s.name.startswith("Magento"))
    shopify = next(s for s in SHAPES if s.name.startswith("Shopify"))
    assert status_meaning("Closed", magento) == "refunded"
    assert status_meaning("closed", shopify) == "sale"
    assert status_meaning("wc-on-hold") == "void"


def test_receipt_numbers_repeat_per_register():
    text = (
        "Date,Receipt Number,Line Type,Customer Code,Register,Quantity,Total,Status\n"
        "2024-01-02,1,Sale,A,Front,1,10.00,CLOSED\n"
        "2024-01-02,1,Sale,A,Back,1,12.00,CLOSED\n"
        "2024-01-03,2,Sale,B,Front,1,5.00,VOIDED\n"
        "2024-01-03,3,Sale,B,Front,1,6.00,CLOSED\n"
    )
    rfm = rfm_of(text)
    assert rfm["frequency"].to_dict() == {"A": 2, "B": 1}
    assert rfm["monetary"].to_dict() == {"A": 22.0, "B": 6.0}


def test_amounts_in_minor_units_are_divided():
    text = "customer,order,date,amount_cents\nA,1,2024-01-02,1250\nB,2,2024-01-03,99\n"
    assert load(text).transactions["revenue"].tolist() == [12.5, 0.99]


def test_a_row_of_column_descriptions_is_not_data():
    text = (
        "Customer,Invoice,Date,Amount\n"
        "customer number,invoice number,yyyy-mm-dd,EUR\n"
        "A,1,2024-01-02,5\n"
        "B,2,2024-01-03,7\n"
    )
    loaded = load(text)
    assert loaded.transactions["customer_id"].tolist() == ["A", "B"]
    assert any("describes the columns" in line for line in loaded.notes.lines())


def test_continuation_lines_belong_to_the_order_above():
    text = (
        "Customer,Invoice,Date,Product,Amount\n"
        "A,1,2024-01-02,Mug,10\n"
        ",,,Card,5\n"
        ",,,Pen,2\n"
        "B,2,2024-01-03,Lamp,40\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"A": 17.0, "B": 40.0}
    assert rfm["frequency"].to_dict() == {"A": 1, "B": 1}


def test_a_currency_column_with_several_currencies_needs_a_choice():
    text = (
        "Customer,Invoice,Date,Currency,Amount\n"
        "A,1,2024-01-02,EUR,10\nB,2,2024-01-03,USD,20\nC,3,2024-01-04,eur,30\n"
    )
    with pytest.raises(SegmentationError, match=r"EUR \(2 rows\), USD \(1 row\)") as info:
        load(text)
    assert info.value.setting == "currency"
    tx = load(text, currency="eur").transactions
    assert tx["customer_id"].tolist() == ["A", "C"]


def test_customer_id_beats_email_and_name():
    columns = ["Customer Name", "Email", "Customer ID", "Order ID", "Order Date", "Total"]
    assert detect_shape(columns) is None
    from segmentation import detect_roles

    assert detect_roles(columns).customer_id == "Customer ID"


def test_sheets_with_text_dates_and_date_cells_still_stack():
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "2023"
    header = ["CustomerID", "InvoiceNo", "InvoiceDate", "Quantity", "UnitPrice"]
    first.append(header)
    first.append(["1", "10", pd.Timestamp("2023-12-30 10:00").to_pydatetime(), 1, 2.0])
    second = wb.create_sheet("2024")
    second.append(header)
    second.append(["2", "11", "2024-01-05 09:30", 2, 3.0])
    buffer = io.BytesIO()
    wb.save(buffer)
    tx = load_transactions(buffer.getvalue(), "book.xlsx").transactions
    assert tx["invoice_date"].tolist() == [
        pd.Timestamp("2023-12-30 10:00"),
        pd.Timestamp("2024-01-05 09:30"),
    ]


def test_receipt_numbers_that_restart_every_day_are_separate_orders():
    text = "Customer,Receipt,Date,Amount\n" + "".join(
        f"{c},{r},2024-01-0{d},{5 * r}\n"
        for d in (1, 2, 3)
        for r, c in ((1, "A"), (2, "B" if d < 3 else "A"), (3, "C"))
    )
    loaded = load(text)
    assert any("appear on several days" in line for line in loaded.notes.lines())
    rfm = rfm_of(text)
    # A: receipt 1 on each day and receipt 2 on day 3; B: receipt 2 on days 1 and 2.
    assert rfm["frequency"].to_dict() == {"A": 4, "B": 2, "C": 3}
    assert rfm["monetary"].to_dict() == {"A": 25.0, "B": 20.0, "C": 45.0}


# A Shopify orders export with its line-item columns left out (one row per order): no known
# shape matches, so the reader must see from the values that "Name" holds order numbers.
SHOPIFY_ORDERS = (Path(__file__).parent / "data" / "shopify_orders_no_lines.csv").read_bytes()


def test_order_numbers_are_found_by_their_values_and_the_billing_name_is_the_name():
    loaded = load_transactions(SHOPIFY_ORDERS, "orders.csv")
    assert loaded.roles.invoice_id == "Name"  # "#1001".. rising with the dates, one customer each
    assert "Name" not in loaded.contacts.kinds  # an order number is no person's name
    assert "Billing Name" in loaded.contacts.default
    assert any(line.startswith("Order id: 'Name'") for line in loaded.notes.lines())


def test_refunded_orders_leave_frequency_under_every_refund_rule_but_keep():
    # By hand: ann #1001, #1003 (same day), #1006 (partially refunded, still a sale): 3 orders,
    # 25 + 10 + 12 = 47.00. bo: #1002 refunded in full, #1005 paid: 1 order, 30.00. cy: #1004
    # voided: out. dee: #1007 refunded, #1008 paid: 1 order, 15.00.
    for refunds in ("net", "drop"):
        loaded = load_transactions(SHOPIFY_ORDERS, "orders.csv")
        cleaned, _ = clean_transactions(loaded.transactions, CleaningOptions(refunds=refunds))
        rfm = compute_rfm(cleaned)
        assert rfm["frequency"].to_dict() == {"ann@x.com": 3, "bo@x.com": 1, "dee@x.com": 1}
        assert rfm["monetary"].to_dict() == {"ann@x.com": 47.0, "bo@x.com": 30.0, "dee@x.com": 15.0}


def test_the_cleaning_report_and_the_reading_notes_agree_on_refunded_orders():
    loaded = load_transactions(SHOPIFY_ORDERS, "orders.csv")
    status = next(line for line in loaded.notes.lines() if line.startswith("Status:"))
    assert "'refunded' refunded in full: 2 rows, 90.00" in status
    _, report = clean_transactions(loaded.transactions, CleaningOptions(refunds="net"))
    note = report.table.set_index("rule").loc["refunds", "note"]
    assert note == "refunds netted: -90.00 over 2 lines (2 lines of orders refunded in full: 90.00)"
    assert report.refunds_in == 90.0  # money refunded, positive as for refund lines
    assert "--" not in report.summary()
