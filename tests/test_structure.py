"""Row structure read by arithmetic and by pattern, not by system name: order fields filled
down only in the block pattern, duplicates judged after filling, parent rows counted once,
money summed as written. Every figure is worked out by hand from the rows in the test."""

from __future__ import annotations

import pandas as pd

from segmentation import clean_transactions, compute_rfm, load_transactions


def load(text: str, name: str = "export.csv", **options):
    return load_transactions(text.encode(), name, **options)


def rfm_of(text: str, refunds: str = "drop", **options) -> pd.DataFrame:
    from segmentation import CleaningOptions

    cleaned, _ = clean_transactions(
        load(text, **options).transactions, CleaningOptions(refunds=refunds)
    )
    return compute_rfm(cleaned)


def test_a_blank_customer_on_a_line_of_a_filled_order_is_a_guest_line_not_a_continuation():
    # Every row carries its date and country: no block pattern, so the blank customer is a
    # line without a customer (dropped), never the customer of the order's other lines.
    text = (
        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,2,2024-01-02 10:00,5.00,11,UK\n"
        "1,B,1,2024-01-02 10:00,100.00,,UK\n"
        "2,A,1,2024-01-03 10:00,5.00,12,UK\n"
        "2,C,3,2024-01-03 10:00,2.00,12,UK\n"
        "3,A,4,2024-01-04 10:00,5.00,11,UK\n"
        "3,D,1,2024-01-04 10:00,7.00,11,UK\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"11": 37.0, "12": 11.0}  # 10 + 20 + 7; 5 + 6
    assert not any("took their order's fields" in line for line in load(text).notes.lines())


def test_a_line_that_fills_to_a_copy_of_another_is_an_exact_duplicate():
    # The block pattern: each order's first row carries customer, date and status, the rest
    # leave them blank. Order 2's second line, once filled, repeats its first line exactly.
    text = (
        "Order,Customer,Date,Status,Item,Qty,Price\n"
        "1,A,2024-01-02,paid,Mug,1,10.00\n"
        "1,,,,Card,2,2.50\n"
        "2,B,2024-01-03,paid,Card,2,2.50\n"
        "2,,,,Card,2,2.50\n"
        "2,,,,Pen,1,4.00\n"
        "3,A,2024-01-05,paid,Pen,1,4.00\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"A": 19.0, "B": 9.0}  # 10 + 5 + 4; 5 + 4
    assert rfm["frequency"].to_dict() == {"A": 2, "B": 1}


def test_continuation_rows_that_repeat_across_orders_are_not_duplicates_before_filling():
    # Odoo's one2many export: only the first row of an order has its fields; the same product
    # line in two orders is two purchases, not a duplicate.
    text = (
        "Order Reference,Order Date,Customer,Order Lines/Product,Order Lines/Quantity,"
        "Order Lines/Unit Price\n"
        "S1,2024-01-02,Acme,Chair,1,100\n"
        ",,,Desk,2,50\n"
        "S2,2024-01-09,Bolt,Chair,1,100\n"
        ",,,Desk,2,50\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"Acme": 200.0, "Bolt": 200.0}


def test_duplicates_are_judged_on_values_as_read():
    # 12346.0 (a float cell's rendering) and 12346 are one customer: the third line repeats
    # the first.
    text = (
        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        "1,A,2,2024-01-02 10:00,5.00,12346.0\n"
        "1,B,1,2024-01-02 10:00,3.00,12346\n"
        "1,A,2,2024-01-02 10:00,5.00,12346\n"
    )
    assert rfm_of(text)["monetary"].to_dict() == {"12346": 13.0}


def test_money_is_summed_as_written_not_rounded_per_line():
    # Four line totals of 0.1250 and one of 2.0049: exactly 2.5049, so 2.50 (per-line cents
    # would give 0.13 x 4 + 2.00 = 2.52).
    text = "Customer,Order,Date,Sales\n" + "".join(
        f"A,{i},2024-01-0{i},{v}\n" for i, v in enumerate(["0.1250"] * 4 + ["2.0049"], 1)
    )
    assert rfm_of(text)["monetary"].to_dict() == {"A": 2.50}


def test_a_receipt_row_that_sums_its_item_rows_is_counted_once():
    # A POS export: each receipt has a "Sale" row with the receipt's totals, then its lines,
    # then payment rows without a total. The parent row is found by arithmetic (its total is
    # the sum of the other rows of its receipt in most receipts), whatever the type column says.
    text = (
        "Receipt,Kind,Customer,Date,Qty,Total,Paid\n"
        "1,Sale,A,2024-01-02,3,60.00,\n"
        "1,Sale Line,A,2024-01-02,1,10.00,\n"
        "1,Sale Line,A,2024-01-02,2,50.00,\n"
        "1,Payment,A,2024-01-02,,,60.00\n"
        "2,Sale,B,2024-01-03,2,30.00,\n"
        "2,Sale Line,B,2024-01-03,1,12.00,\n"
        "2,Sale Line,B,2024-01-03,1,18.00,\n"
        "3,Sale,A,2024-01-04,1,7.00,\n"
        "3,Sale Line,A,2024-01-04,1,7.00,\n"
        "4,Sale,B,2024-01-05,3,9.00,\n"
        "4,Sale Line,B,2024-01-05,1,2.00,\n"
        "4,Sale Line,B,2024-01-05,1,3.00,\n"
        "4,Sale Line,B,2024-01-05,1,4.00,\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"A": 67.0, "B": 39.0}
    assert rfm["frequency"].to_dict() == {"A": 2, "B": 2}


def test_a_price_that_grows_with_the_quantity_is_the_line_total():
    # The same product sold 1, 2 and 3 at a time: "item-price" is 9.99, 19.98 and 29.97, a
    # line total (price / quantity is constant per product), not a unit price.
    rows = [
        ("a@x.com", 1, "MUG", 1, "9.99"),
        ("a@x.com", 2, "MUG", 2, "19.98"),
        ("b@x.com", 3, "MUG", 3, "29.97"),
        ("b@x.com", 4, "PEN", 1, "2.50"),
        ("a@x.com", 5, "PEN", 4, "10.00"),
        ("b@x.com", 6, "LAMP", 2, "80.00"),
        ("a@x.com", 7, "LAMP", 1, "40.00"),
    ]
    text = "buyer-email,order-id,sku,quantity-purchased,item-price,purchase-date\n" + "".join(
        f"{c},{o},{s},{q},{p},2024-01-0{o}\n" for c, o, s, q, p in rows
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].to_dict() == {"a@x.com": 79.97, "b@x.com": 112.47}
    assert any("line total" in n for n in load(text).notes.lines())


def test_a_customer_number_beats_the_customer_name_beside_it():
    # Two customers share the name "Adam Cook": numbered 20001 and 20002 they are two people.
    text = (
        "Order No,Order Date,Customer,Customer No,Qty,Unit Price\n"
        "1,2024-01-02,Adam Cook,20001,1,10\n"
        "2,2024-01-03,Adam Cook,20002,1,20\n"
        "3,2024-01-04,Beth Carter,20003,1,30\n"
    )
    assert rfm_of(text)["monetary"].to_dict() == {"20001": 10.0, "20002": 20.0, "20003": 30.0}


def test_show_orders_prints_an_order_s_file_rows_lines_and_total(tmp_path, capsys):
    from segmentation.cli import main

    path = tmp_path / "odoo.csv"
    path.write_text(
        "Order Reference,Order Date,Customer,Order Lines/Quantity,Order Lines/Unit Price\n"
        "S1,2024-01-02,Acme,1,100\n,,,2,50\nS2,2024-01-09,Bolt,3,10\nS3,2024-01-10,Acme,1,5\n"
    )
    assert main([str(path), "--show-orders", "--no-value", "--k", "2"]) in (0, 2)
    out = capsys.readouterr().out
    # S1: two rows in the file (the second continues it), two lines, 100 + 2 x 50.
    assert "Order S1: 2 rows in the file -> 2 lines read, total 200.00" in out
    assert "Order S2: 1 row in the file -> 1 line read, total 30.00" in out
