"""Defects seen with real shop exports: each file is read right or refused, never silently wrong.

Every expected value here is worked out by hand from the rows written in the test.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from segmentation import (
    CleaningOptions,
    Recipe,
    SegmentationError,
    Settings,
    apply_recipe,
    clean_transactions,
    compute_rfm,
    load_transactions,
    segment,
)

ROOT = Path(__file__).resolve().parents[1]


def load(text: str, name: str = "export.csv", encoding: str = "utf-8", **options):
    return load_transactions(text.encode(encoding), name, **options)


def rfm_of(text: str, name: str = "export.csv", **options) -> pd.DataFrame:
    loaded = load(text, name, **options)
    cleaned, _ = clean_transactions(loaded.transactions)
    return compute_rfm(cleaned)


# --------------------------------------------------------------------- numbers
def test_thousands_comma_in_a_comma_file_is_refused_when_nothing_decides():
    text = 'Customer,Date,Amount\nA,2024-01-02,"12,500"\nB,2024-01-03,"3,250"\n'
    with pytest.raises(SegmentationError, match=r"'Amount'.*'12,500'.*12500.*12\.5") as info:
        load(text)
    assert info.value.setting == "decimal"


def test_command_line_names_its_decimal_option(tmp_path, capsys):
    from segmentation.cli import main

    path = tmp_path / "orders.csv"
    path.write_text('Customer,Date,Amount\nA,2024-01-02,"12,500"\nB,2024-01-03,"3,250"\n')
    assert main([str(path)]) == 2
    assert "--decimal , or --decimal ." in capsys.readouterr().err


def test_thousands_comma_read_as_thousands_when_another_column_decides():
    text = (
        "Customer,Date,Quantity,Price,Total\n"
        'A,2024-01-02,1,"12,500","12,500"\n'
        'B,2024-01-03,2,"1,625.50","3,251.00"\n'
    )
    tx = load(text).transactions
    assert tx["revenue"].tolist() == [12_500.0, 3_251.0]


def test_decimal_option_decides_an_ambiguous_column():
    text = 'Customer,Date,Amount\nA,2024-01-02,"12,500"\n'
    assert load(text, decimal=",").transactions["revenue"].tolist() == [12.5]
    assert load(text, decimal=".").transactions["revenue"].tolist() == [12_500.0]


def test_semicolon_file_with_thousands_dots_and_decimal_commas():
    text = "Kunde;Datum;Betrag\nA;02.01.2024;1.531,71\nB;03.01.2024;772,58\n"
    tx = load(text, roles={"customer_id": "Kunde", "invoice_date": "Datum", "amount": "Betrag"})
    assert tx.transactions["revenue"].tolist() == [1531.71, 772.58]


def test_accounting_and_trailing_minus_negatives_are_refunds():
    text = (
        "Customer,Invoice,Date,Amount\n"
        "A,1,2024-01-02,20.00\n"
        "A,2,2024-01-05,(5.00)\n"
        "B,3,2024-01-03,8.00\n"
        "B,4,2024-01-04,3.00-\n"
    )
    tx = load(text).transactions
    assert tx["revenue"].tolist() == [20.0, -5.0, 8.0, -3.0]
    rfm = rfm_of(text)
    assert rfm.loc["A", "monetary"] == 15.0  # the refund is netted, not counted as a purchase
    assert rfm.loc["B", "monetary"] == 5.0
    assert rfm["frequency"].tolist() == [1, 1]


def test_mixed_currency_symbols_are_refused_naming_them():
    text = "Customer,Date,Quantity,Price\nA,2024-01-02,1,£5.00\nB,2024-01-03,1,€7.00\n"
    with pytest.raises(SegmentationError, match=r"EUR.*GBP|GBP.*EUR"):
        load(text)


# --------------------------------------------------------------------- cancellations, duplicates
def test_only_c_followed_by_digits_is_a_cancellation():
    text = (
        "Customer ID,Order ID,Order Date,Sales\n"
        "CG-1,CA-2016-152156,2016-11-08,261.96\n"
        "CG-1,CA-2016-152157,2016-11-09,731.94\n"
        "DV-2,US-2015-108966,2015-10-11,957.58\n"
        "cus_1,ch_3MqL,2016-10-01,10.00\n"
    )
    rfm = rfm_of(text)
    assert rfm.loc["CG-1", "monetary"] == 993.90
    assert rfm.loc["CG-1", "frequency"] == 2
    assert rfm.loc["cus_1", "monetary"] == 10.0


def test_duplicates_are_judged_over_every_column_of_the_file():
    text = (
        "Name,Email,Created at,Lineitem quantity,Lineitem price,Lineitem name,Lineitem sku\n"
        "#1001,a@x.com,2024-01-02 10:00,1,10.00,Red mug,MUG-R\n"
        "#1001,a@x.com,2024-01-02 10:00,1,10.00,Blue mug,MUG-B\n"
        "#1002,b@x.com,2024-01-03 10:00,1,4.00,Card,CARD\n"
        "#1002,b@x.com,2024-01-03 10:00,1,4.00,Card,CARD\n"
    )
    rfm = rfm_of(text)
    assert rfm.loc["a@x.com", "monetary"] == 20.0
    assert rfm.loc["b@x.com", "monetary"] == 4.0  # a true duplicate line is still removed


def test_order_total_is_the_amount_not_shipping_total():
    text = (
        "order_id,order_date,status,shipping_total,tax_total,order_total,customer_id\n"
        "101,2024-01-02,completed,4.95,2.00,54.95,7\n"
        "102,2024-01-05,completed,4.95,1.00,24.95,8\n"
    )
    rfm = rfm_of(text)
    assert rfm["monetary"].tolist() == [54.95, 24.95]


def test_price_column_holding_words_is_no_price():
    text = (
        "Customer,Date,Price list,Unit Price,Qty\n"
        "A,2024-01-02,Retail,2.50,4\n"
        "B,2024-01-03,Wholesale,1.25,8\n"
    )
    assert load(text).transactions["revenue"].tolist() == [10.0, 10.0]


# --------------------------------------------------------------------- missing invoice ids
def test_missing_invoice_ids_never_cross_customers():
    text = (
        "Customer,Invoice,Date,Amount\n"
        "A,1,2024-01-02,10\n"
        "B,,2024-01-03,20\n"
        "B,,2024-01-04,30\n"
        "C,2,2024-01-05,40\n"
    )
    rfm = rfm_of(text)
    assert rfm["frequency"].to_dict() == {"A": 1, "B": 2, "C": 1}
    assert rfm["monetary"].to_dict() == {"A": 10.0, "B": 50.0, "C": 40.0}


def test_keep_missing_customer_on_the_command_line_has_no_traceback(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Customer,Invoice,Date,Amount\n"
        + "".join(f"{c},{i},2024-01-{i + 1:02d},{10 * i}\n" for i, c in enumerate("ABCDEF", 1))
        + ",,2024-01-09,5\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "segmentation", str(path), "--keep-missing-customer", "--k", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2)


# --------------------------------------------------------------------- encoding
def test_accents_late_in_a_cp1252_file_keep_distinct_customers():
    filler = "".join(f"C{i:05d},{i},2024-01-02,1.00\n" for i in range(4000))  # > 64 KB
    text = (
        "Customer,Invoice,Date,Amount\n"
        + filler
        + "Renée,9001,2024-01-03,5\nRenèe,9002,2024-01-04,7\n"
    )
    assert len(text.encode("cp1252")) > 70_000
    tx = load(text, encoding="cp1252").transactions
    last = tx.tail(2)
    assert last["customer_id"].tolist() == ["Renée", "Renèe"]
    assert tx["customer_id"].nunique() == 4002


# --------------------------------------------------------------------- dates
def test_dotted_dates_are_day_first():
    text = "Customer,Date,Amount\nA,05.03.2012,1\nB,06.03.2012,2\nC,07.04.2012,3\n"
    dates = load(text).transactions["invoice_date"]
    assert dates.tolist() == [
        pd.Timestamp(2012, 3, 5),
        pd.Timestamp(2012, 3, 6),
        pd.Timestamp(2012, 4, 7),
    ]


def test_offsets_that_change_with_daylight_saving_read_as_wall_time():
    text = (
        "Customer,Invoice,Date,Amount\n"
        "A,1,2024-03-30T23:10:00+01:00,1\n"
        "B,2,2024-03-31T09:00:00+02:00,2\n"
    )
    dates = load(text).transactions["invoice_date"]
    assert dates.tolist() == [pd.Timestamp("2024-03-30 23:10"), pd.Timestamp("2024-03-31 09:00")]


def test_ambiguous_slashed_dates_follow_the_invoice_numbers():
    # Read month-first these dates jump around; read day-first they rise with the invoices.
    rows = ["01/02/2024", "03/02/2024", "05/02/2024", "01/03/2024", "04/03/2024", "02/04/2024"]
    text = "Customer,Invoice,Date,Amount\n" + "".join(
        f"{c},{i},{d},1\n" for i, (c, d) in enumerate(zip("ABCDEF", rows, strict=True), 1)
    )
    dates = load(text).transactions["invoice_date"]
    assert dates.iloc[1] == pd.Timestamp(2024, 2, 3)
    assert dates.iloc[5] == pd.Timestamp(2024, 4, 2)


# --------------------------------------------------------------------- settings
def test_k_zero_is_refused_on_the_command_line(tmp_path, capsys):
    from segmentation.cli import main

    assert main(["--demo", "--k", "0"]) == 2
    assert "--k" in capsys.readouterr().err


def test_recipe_labels_a_month_without_spread_in_a_metric(tmp_path):
    rows = [
        (c, i, f"2024-01-{d:02d}", a)
        for i, (c, d, a) in enumerate(
            [
                ("A", 2, 10),
                ("A", 20, 30),
                ("B", 5, 400),
                ("C", 9, 25),
                ("D", 28, 80),
                ("D", 29, 90),
                ("E", 15, 5),
                ("F", 3, 60),
            ],
            1,
        )
    ]
    frame = pd.DataFrame(rows, columns=["Customer", "Invoice", "Date", "Amount"])
    result = segment(load(frame.to_csv(index=False)).transactions, Settings(k=2))
    month = "Customer,Invoice,Date,Amount\nA,1,2024-02-03,10\nB,2,2024-02-03,20\n"
    customers, _ = apply_recipe(load(month).transactions, Recipe.from_dict(result.recipe()))
    assert customers["customer_id"].tolist() == ["A", "B"]
    assert customers["recency_days"].tolist() == [1, 1]


# --------------------------------------------------------------------- refunds
def test_refunds_are_netted_and_a_fully_refunded_customer_leaves():
    text = (
        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        "541431,23166,74215,2011-01-18 10:01,1.04,12346\n"
        "C541433,23166,-74215,2011-01-18 10:17,1.04,12346\n"
        "541500,22423,2,2011-02-01 09:00,12.75,12347\n"
        "541501,22423,1,2011-03-01 09:00,12.75,12347\n"
        "C541502,22423,-1,2011-03-02 09:00,12.75,12347\n"
    )
    tx = load(text).transactions
    cleaned, report = clean_transactions(tx)
    rfm = compute_rfm(cleaned)
    assert rfm.index.tolist() == ["12347"]
    assert rfm.loc["12347", "monetary"] == 25.5  # 2 x 12.75 + 12.75 - 12.75
    assert rfm.loc["12347", "frequency"] == 2  # purchase invoices only
    assert rfm.loc["12347", "recency_days"] == 2  # last purchase 03-01, snapshot 03-03
    text_report = report.summary()
    assert "refunds netted" in text_report.lower()
    assert "-77,183.60" not in text_report and "−1" not in text_report.replace("−12.75", "")


def test_refunds_drop_keeps_the_old_behaviour():
    text = (
        "InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        "1,2,2011-02-01,12.75,12347\n"
        "C2,-1,2011-03-02,12.75,12347\n"
    )
    cleaned, _ = clean_transactions(load(text).transactions, CleaningOptions(refunds="drop"))
    assert compute_rfm(cleaned).loc["12347", "monetary"] == 25.5


# --------------------------------------------------------------------- workbooks
def test_workbook_with_a_pivot_first_sheet_reads_the_data_sheet():
    wb = openpyxl.Workbook()
    pivot = wb.active
    pivot.title = "Summary"
    pivot.append(["Country", "Revenue"])
    pivot.append(["UK", 1000])
    data = wb.create_sheet("Orders")
    data.append(["CustomerID", "InvoiceNo", "InvoiceDate", "Quantity", "UnitPrice"])
    data.append(["1", "10", "2024-01-02", 2, 3.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    loaded = load_transactions(buffer.getvalue(), "book.xlsx")
    assert loaded.transactions["revenue"].tolist() == [7.0]
    assert "Orders" in " ".join(loaded.notes.lines())


def test_columns_chosen_by_hand_find_their_sheet_behind_a_summary_sheet():
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Country", "Revenue"])
    wb.active.append(["UK", 1000])
    data = wb.create_sheet("Orders")
    data.append(["Client", "Ref", "When", "Total"])
    data.append(["1", "10", "2024-01-02", 7.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    roles = {
        "customer_id": "Client",
        "invoice_id": "Ref",
        "invoice_date": "When",
        "amount": "Total",
    }
    loaded = load_transactions(buffer.getvalue(), "book.xlsx", roles=roles)
    assert loaded.transactions["revenue"].tolist() == [7.5]


# --------------------------------------------------------------------- several currencies
MULTI = (
    "Customer,Order,Date,Currency,Amount,{converted}\n"
    "A,1,2024-01-02,EUR,10.00,10.00\n"
    "A,2,2024-01-05,USD,20.00,18.40\n"
    "B,3,2024-01-06,GBP,5.00,5.85\n"
    "C,4,2024-01-07,USD,100.00,92.00\n"
)


@pytest.mark.parametrize("converted", ["Amount (EUR)", "Settlement amount", "Betrag in EUR"])
def test_a_column_converted_to_one_currency_is_used_and_said(converted):
    loaded = load(MULTI.format(converted=converted))
    per_customer = loaded.transactions.groupby("customer_id")["revenue"].sum().round(2)
    assert per_customer.to_dict() == {"A": 28.40, "B": 5.85, "C": 92.00}  # 10 + 18.40
    assert loaded.notes.currency == "EUR"  # the header says so, or the EUR rows equal it
    said = " ".join(text for _, text in loaded.notes.items)
    assert f"'{converted}'" in said and "EUR" in said


def test_choosing_one_currency_says_how_many_customers_and_how_much_money_it_leaves_out():
    text = MULTI.replace(",{converted}", "").replace(",10.00\n", "\n").replace(",18.40", "")
    text = text.replace(",5.85", "").replace(",92.00", "")
    loaded = load(text, currency="USD")
    assert loaded.transactions["revenue"].sum() == 120.0
    said = " ".join(text for _, text in loaded.notes.items)
    # Left out: EUR 10.00 from customer A (who stays, with USD purchases) and GBP 5.00 from B
    # (who has no USD purchase and is not segmented).
    assert "EUR 10.00 (1 customer)" in said and "GBP 5.00 (1 customer)" in said
    assert "1 customer has no USD purchase" in said
