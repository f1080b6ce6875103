import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmentation.columns.loading import load_transactions
from segmentation.errors import FileReadError
from segmentation.reading import preview_table, read_table
from segmentation.reading.header import find_header
from tests.conftest import examples, xlsx_bytes

HEADER = ["InvoiceNo", "InvoiceDate", "CustomerID", "Quantity", "UnitPrice"]


def test_find_header_skips_title_lines():
    rows = [["Sales export"], [None, None], ["Order", "Date", "Customer"], ["1", "x", "y"]]
    assert find_header(rows) == 2


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_delimiters(sep):
    text = sep.join(HEADER) + "\n" + sep.join(["1", "2024-01-02", "7", "2", "3.5"]) + "\n"
    preview = preview_table(text.encode(), "x.csv")
    assert preview.text_format.delimiter == sep
    assert preview.columns == HEADER


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings_keep_accents(encoding):
    text = "Customer;Date;Amount\nJosé;2024-01-02;3\nRenée;2024-01-03;4\n"
    loaded = load_transactions(text.encode(encoding), "x.csv")
    assert loaded.transactions["customer_id"].tolist() == ["José", "Renée"]
    assert loaded.preview.columns == ["Customer", "Date", "Amount"]


def test_csv_decimal_comma_and_title_lines():
    text = (
        "Export from shop\n\n"
        "Order ID;Order Date;Customer;Qty;Price\n"
        "A1;02/01/2024;007;2;3,50\n"
        "A2;15/01/2024;007;1;10,25\n"
    )
    tx = load_transactions(text.encode(), "orders.txt").transactions
    assert tx["customer_id"].tolist() == ["007", "007"]
    assert tx["unit_price"].tolist() == [3.5, 10.25]
    assert tx["revenue"].tolist() == [7.0, 10.25]
    assert tx["invoice_date"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-15")]


def test_utf16_tab_export_is_read():
    text = "Customer\tDate\tAmount\r\nA\t2024-01-02\t3\r\nB\t2024-01-03\t4\r\n"
    tx = load_transactions(text.encode("utf-16"), "unicode.txt").transactions
    assert tx["customer_id"].tolist() == ["A", "B"]
    assert tx["revenue"].tolist() == [3.0, 4.0]


def test_xlsx_stacks_sheets_with_same_columns_and_finds_header():
    rows = [[536365, pd.Timestamp("2024-01-02 10:00"), 12346.0, 2, 1.5]]
    data = xlsx_bytes(
        {
            "2023": [["Report"], [], HEADER, *rows],
            "2024": [HEADER, ["C536366", pd.Timestamp("2024-02-02"), 12347.0, -1, 2.0]],
            "Notes": [["just", "notes"], ["a", "b"]],
        }
    )
    loaded = load_transactions(data, "book.xlsx")
    assert loaded.preview.sheets == ("2023", "2024")
    assert loaded.preview.skipped_sheets == ("Notes",)
    tx = loaded.transactions
    assert tx["invoice_id"].tolist() == ["536365", "C536366"]
    assert tx["customer_id"].tolist() == ["12346", "12347"]
    assert tx["revenue"].tolist() == [3.0, -2.0]


def test_xlsx_one_chosen_sheet():
    data = xlsx_bytes(
        {
            "a": [HEADER, [1, pd.Timestamp("2024-01-02"), 1, 1, 1.0]],
            "b": [HEADER, [2, pd.Timestamp("2024-01-03"), 2, 2, 2.0]],
        }
    )
    tx = load_transactions(data, "book.xlsx", sheet="b").transactions
    assert tx["invoice_id"].tolist() == ["2"]
    with pytest.raises(FileReadError, match=r"no sheet 'zz'\. Sheets present: a, b"):
        load_transactions(data, "book.xlsx", sheet="zz")


def test_parquet_reads_every_column_and_finds_the_roles():
    frame = pd.DataFrame(
        {
            "CustomerID": [1.0, 2.0],
            "InvoiceDate": pd.to_datetime(["2024-01-01"] * 2),
            "Sales": [3.0, 4.0],
            "Unrelated": ["x", "y"],
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    data = buffer.getvalue()
    preview = preview_table(data, "t.parquet")
    raw = read_table(data, "t.parquet", preview)
    # Every column is read: duplicates are judged over whole rows.
    assert list(raw.columns) == ["CustomerID", "InvoiceDate", "Sales", "Unrelated"]
    assert raw["Unrelated"].tolist() == ["x", "y"]
    tx = load_transactions(data, "t.parquet").transactions
    assert tx["customer_id"].tolist() == ["1", "2"]
    assert tx["revenue"].tolist() == [3.0, 4.0]


@pytest.mark.parametrize("name", ["x.csv", "x.xlsx", "x.parquet", "x.txt"])
def test_empty_file_is_a_clear_error(name):
    with pytest.raises(FileReadError, match="empty"):
        load_transactions(b"", name)


def test_unsupported_extension():
    with pytest.raises(FileReadError, match="not a supported file type"):
        load_transactions(b"abc", "x.pdf")


def test_random_bytes_named_xlsx():
    with pytest.raises(FileReadError, match="not a valid Excel workbook"):
        load_transactions(b"\x01\x02" * 500, "x.xlsx")


def test_xls_old_format_with_title_line_and_mixed_ids():
    import datetime

    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sales")
    ws.write(0, 0, "Report")
    for j, h in enumerate(HEADER):
        ws.write(2, j, h)
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    rows = [
        (536365, datetime.datetime(2024, 1, 2, 10), 12346.0, 2, 1.5),
        ("C536366", datetime.datetime(2024, 2, 2), "00123", -1, 2.0),
    ]
    for i, row in enumerate(rows, start=3):
        for j, value in enumerate(row):
            ws.write(i, j, value, date) if j == 1 else ws.write(i, j, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    loaded = load_transactions(buffer.getvalue(), "old.xls")
    tx = loaded.transactions
    assert loaded.preview.header_row == 2
    assert tx["invoice_id"].tolist() == ["536365", "C536366"]
    assert tx["customer_id"].tolist() == ["12346", "00123"]
    assert tx["invoice_date"].tolist() == [
        pd.Timestamp("2024-01-02 10:00"),
        pd.Timestamp("2024-02-02"),
    ]
    assert tx["revenue"].tolist() == [3.0, -2.0]


def test_short_rows_and_repeated_headers():
    text = (
        "CustomerID,InvoiceDate,Quantity,UnitPrice,Note\n"
        "a,2024-01-02,2,1.5\n"  # the trailing field is left out
        "CustomerID,InvoiceDate,Quantity,UnitPrice,Note\n"  # a second export pasted below
        "b,2024-01-03,1,4.0,gift\n"
    )
    tx = load_transactions(text.encode(), "pasted.csv").transactions
    assert tx["customer_id"].tolist() == ["a", "b"]
    assert tx["revenue"].tolist() == [3.0, 4.0]


def test_row_longer_than_header_is_a_clear_error():
    text = "CustomerID,InvoiceDate,Amount\na,2024-01-02,3\nb,2024-01-03,4,extra,more\n"
    with pytest.raises(FileReadError, match=r"Data row 2 of 'ragged.csv' has more values"):
        load_transactions(text.encode(), "ragged.csv")
    trailing = "CustomerID,InvoiceDate,Amount\na,2024-01-02,3,\nb,2024-01-03,4,\n"
    assert load_transactions(trailing.encode(), "t.csv").transactions["revenue"].sum() == 7.0


LATIN = "éèêëàâçñöüßøåíóúÉÈÀÇÑÖÜ"
WESTERN_NAMES = (
    "Renée Dubois|Hélène Faure|Zoë Brontë|François Lefèvre|Ángel Núñez|José Peña|Jürgen Groß|"
    "Müller|Søren Ærø|Åsa Öberg|Inês Gonçalves|Björk|Chloé|Noël|Raphaël|Ñandú|Élodie|Ørsted|"
    "Agnès|Günther|Mañana|Ìsola|Ùrsula|Çelik|Ålesund|Ëlise|Ïsabelle|Straße"
).split("|")


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        # Names as people write them (a wrong code page shows as letters no language writes
        # together, and is judged so: random accent soup such as "Ëí" is not a test of that).
        st.sampled_from(WESTERN_NAMES),
        min_size=2,
        max_size=12,
        unique=True,
    ),
    st.sampled_from(["utf-8", "cp1252", "latin-1"]),
)
def test_accents_late_in_the_file_keep_every_distinct_customer(names, encoding):
    filler = "".join(f"X{i:05d},2024-01-02,1\n" for i in range(5000))  # past any 64 KB sample
    late = "".join(f"{n},2024-02-03,2\n" for n in names)
    data = ("Customer,Date,Amount\n" + filler + late).encode(encoding)
    tx = load_transactions(data, "late.csv").transactions
    assert tx["customer_id"].tail(len(names)).tolist() == [n.strip() for n in names]


# --------------------------------------------------------------------- code pages of the world
NAMES = {  # names as shops in each language write them, and a code page their tools save in
    "cp1254": ["Şükrü Öztürk", "Ayşe Yılmaz", "İsmail Çelik", "Gülşen Doğan", "Ömer Aydın"],
    "koi8_r": ["Иван Петров", "Мария Сидорова", "Ольга Кузнецова", "Дмитрий Попов"],
    "cp850": ["Renée Müller", "François Lefèvre", "José Peña", "Jürgen Groß", "Åsa Öberg"],
    "cp1257": ["Jonas Žukauskas", "Rūta Petrauskienė", "Jānis Bērziņš", "Gintarė Šimkutė"],
    "cp1252": ["Renée Müller", "François Lefèvre", "Søren Ærø", "Inês Gonçalves", "Zoë Brontë"],
    "cp1251": ["Иван Петров", "Мария Сидорова", "Ольга Кузнецова", "Дмитрий Попов"],
    "cp874": ["สมชาย ใจดี", "สมหญิง รักไทย", "ประเสริฐ มั่นคง", "สุดา แก้วใส"],
    "cp932": ["山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "渡辺直美"],
    "cp949": ["김민수", "이영희", "박지훈", "최수진", "강민지"],
}


@pytest.mark.parametrize("encoding", sorted(NAMES))
def test_a_single_byte_or_asian_code_page_is_chosen_by_how_its_words_read(encoding):
    names = NAMES[encoding]
    rows = [f"{names[i % len(names)]},2024-01-{i % 28 + 1:02d},{i + 1}.00" for i in range(60)]
    text = "Customer,Date,Amount\n" + "\n".join(rows) + "\n"
    tx = load_transactions(text.encode(encoding), "x.csv").transactions
    assert sorted(tx["customer_id"].unique()) == sorted(names)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_unicode_without_a_byte_order_mark(encoding):
    text = "Customer,Date,Amount\nRenée,2024-01-02,3.50\nŞükrü,2024-01-03,1.50\n"
    tx = load_transactions(text.encode(encoding), "x.csv").transactions
    assert tx["customer_id"].tolist() == ["Renée", "Şükrü"]
    assert tx["revenue"].sum() == 5.0


# --------------------------------------------------------------------- layouts
def _workbook(build) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_table_under_a_logo_right_of_empty_columns_with_a_spacer_and_a_totals_row(capfd):
    import datetime as dt

    def build(wb):
        ws = wb.active
        ws["C1"], ws["C2"] = "ACME Trading Ltd", "Sales report, March 2024"
        for j, h in enumerate(["Customer", "Invoice", None, "Date", "Qty", "Unit price"]):
            ws.cell(row=6, column=3 + j, value=h)
        rows = [("C1", "I1", 1, 2, 5.0), ("C2", "I2", 2, 1, 7.5), ("C1", "I3", 5, 3, 2.0)]
        for i, (customer, invoice, day, qty, price) in enumerate(rows):
            for j, v in ((3, customer), (4, invoice), (6, dt.datetime(2024, 3, day))):
                ws.cell(row=7 + i, column=j, value=v)
            ws.cell(row=7 + i, column=7, value=qty)
            ws.cell(row=7 + i, column=8, value=price)
        ws.cell(row=11, column=3, value="Total")
        ws.cell(row=11, column=7, value=6)

    loaded = load_transactions(_workbook(build), "report.xlsx")
    tx = loaded.transactions
    # C1: 2 x 5.00 + 3 x 2.00 = 16.00 over two invoices; C2: 1 x 7.50. The totals row is not
    # a customer.
    assert tx.groupby("customer_id")["revenue"].sum().to_dict() == {"C1": 16.0, "C2": 7.5}
    assert any("Total" in text for _, text in loaded.notes.items)
    assert capfd.readouterr().err == ""  # no library warning about the empty spacer column


def test_stacked_sheets_with_a_column_typed_differently_on_each_sheet():
    import datetime as dt

    def build(wb):
        jan = wb.active
        jan.title = "Jan"
        jan.append(["Customer", "Invoice", "Date", "Amount"])
        jan.append(["C1", "I1", dt.datetime(2024, 1, 3), "12.50"])  # amount typed as text
        jan.append(["C2", "I2", dt.datetime(2024, 1, 5), "7.00"])
        feb = wb.create_sheet("Feb")
        feb.append(["Customer", "Invoice", "Date", "Amount"])
        feb.append(["C1", "I3", "2024-02-03", 5.5])  # date typed as text, amount a number
        feb.append(["C3", "I4", "14/02/2024", 1.25])

    tx = load_transactions(_workbook(build), "months.xlsx").transactions
    assert tx["revenue"].tolist() == [12.5, 7.0, 5.5, 1.25]
    assert tx["invoice_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-03", "2024-01-05", "2024-02-03", "2024-02-14"
    ]  # fmt: skip


SPREADSHEET_ML = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Orders"><Table>
  <Row><Cell><Data ss:Type="String">ACME orders</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">Customer</Data></Cell><Cell><Data ss:Type="String">Invoice</Data></Cell><Cell><Data ss:Type="String">Date</Data></Cell><Cell><Data ss:Type="String">Amount</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">C1</Data></Cell><Cell><Data ss:Type="String">I1</Data></Cell><Cell><Data ss:Type="DateTime">2024-03-01T00:00:00.000</Data></Cell><Cell><Data ss:Type="Number">12.5</Data></Cell></Row>
  <Row><Cell ss:Index="1"><Data ss:Type="String">C2</Data></Cell><Cell><Data ss:Type="String">I2</Data></Cell><Cell><Data ss:Type="DateTime">2024-03-04T10:30:00.000</Data></Cell><Cell ss:Index="4"><Data ss:Type="Number">7</Data></Cell></Row>
 </Table></Worksheet></Workbook>
"""  # noqa: E501


def test_an_xml_spreadsheet_saved_with_an_xls_name_is_read():
    tx = load_transactions(SPREADSHEET_ML.encode(), "orders.xls").transactions
    assert tx["customer_id"].tolist() == ["C1", "C2"]
    assert tx["revenue"].tolist() == [12.5, 7.0]
    assert tx["invoice_date"].tolist() == [
        pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-04 10:30")
    ]  # fmt: skip


def test_an_xml_spreadsheet_with_entity_declarations_is_refused():
    hostile = SPREADSHEET_ML.replace(
        '<?mso-application progid="Excel.Sheet"?>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>\n<?mso-application progid="Excel.Sheet"?>',
    )
    with pytest.raises(FileReadError, match="entit"):
        load_transactions(hostile.encode(), "orders.xls")
