import io

import openpyxl
import pandas as pd

from segmentation.outcomes.export import (
    CUSTOMER_COLUMNS,
    customers_table,
    neutralize_formulas,
    to_csv_bytes,
    to_xlsx_bytes,
)

RISKY = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(1)", "12346"]


def frame():
    return pd.DataFrame({"customer_id": RISKY, "monetary": [-5.0, 1.0, 2.0, 3.0, 4.0]})


def test_neutralize_only_text():
    out = neutralize_formulas(frame())
    assert out["customer_id"].tolist() == ["'" + v for v in RISKY[:4]] + ["12346"]
    assert out["monetary"].tolist() == [-5.0, 1.0, 2.0, 3.0, 4.0]


def test_csv_export_is_neutralised():
    text = to_csv_bytes(frame()).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype={"customer_id": str})
    assert back["customer_id"].tolist()[:4] == ["'" + v for v in RISKY[:4]]


def test_xlsx_export_has_no_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"customers": frame()})))
    cells = [c for row in wb["customers"].iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert [c.value for c in cells[::2]][:4] == ["'" + v for v in RISKY[:4]]


def test_customers_table_columns():
    rfm = pd.DataFrame(
        {"recency_days": [1], "frequency": [2], "monetary": [3.0]},
        index=pd.Index(["a"], name="customer_id"),
    )
    out = customers_table(rfm, pd.Series([0], index=rfm.index), {0: "Champions"})
    assert list(out.columns) == CUSTOMER_COLUMNS
    assert out.iloc[0].tolist() == ["a", 1, 2, 3.0, 0, "Champions"]


def summary():
    return pd.DataFrame(
        {
            "segment": ["A", "B"],
            "customers": [3, 7],
            "share": [0.1597482136781218, 0.8402517863218782],
            "monetary_mean": [1912446.3000000007, 12.3456],
        }
    )


def test_exports_are_rounded_money_to_cents_shares_to_four_places():
    text = to_csv_bytes(summary()).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["A,3,0.1597,1912446.3", "B,7,0.8403,12.35"]


def test_csv_in_the_european_convention():
    text = to_csv_bytes(summary(), delimiter=";", decimal=",").decode("utf-8-sig")
    assert text.splitlines() == [
        "segment;customers;share;monetary_mean",
        "A;3;0,1597;1912446,3",
        "B;7;0,8403;12,35",
    ]


def test_excel_has_number_formats_widths_filter_and_frozen_header():
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"segments": summary()})))["segments"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert [ws.cell(2, c).number_format for c in (2, 3, 4)] == ["#,##0", "0.0%", "#,##0.00"]
    assert ws.cell(2, 3).value == 0.1597
    assert ws.column_dimensions["D"].width >= len("monetary_mean")


HEADER = '=HYPERLINK("http://evil.example","Click")'


def test_headers_sheet_names_and_zip_entries_carry_no_formula():
    import zipfile

    from segmentation.outcomes.export import segment_zip

    frame = pd.DataFrame({"customer_id": ["A", "B"], HEADER: ["x", "y"]})
    csv_header = to_csv_bytes(frame).decode("utf-8-sig").splitlines()[0]
    assert csv_header == 'customer_id,"\'=HYPERLINK(""http://evil.example"",""Click"")"'
    book = to_xlsx_bytes({"=SUM(A1)": frame, "customers": frame})
    wb = openpyxl.load_workbook(io.BytesIO(book))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # the header row included
    assert wb.sheetnames[0] == "_=SUM(A1)"
    assert wb["customers"]["B1"].value == "'" + HEADER
    names = zipfile.ZipFile(io.BytesIO(segment_zip({"=cmd|' /C calc'!A0": frame}))).namelist()
    assert names == ["_=cmd_' _C calc'!A0.csv"]
    with zipfile.ZipFile(io.BytesIO(segment_zip({"+x": frame}))) as archive:
        inside = archive.read(archive.namelist()[0]).decode("utf-8-sig").splitlines()[0]
    assert inside.endswith('\'=HYPERLINK(""http://evil.example"",""Click"")"')


def test_excel_takes_dates_with_a_time_zone_as_their_wall_time():
    when = pd.Timestamp("2024-03-05 14:30", tz="Europe/Paris")
    frame = pd.DataFrame({"column": pd.Series([when]), "cell": pd.Series([when], dtype=object)})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"c": frame})))["c"]
    assert [ws.cell(2, c).value for c in (1, 2)] == [pd.Timestamp("2024-03-05 14:30")] * 2
