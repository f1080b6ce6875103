"""Generate the corpus of hostile and broken files (no binaries are committed).

    python tests/data/make_bad_files.py OUT_DIR

Each case names the file, how to make it, and what must happen: ``ok`` (segments are made) or
a fragment of the ``SegmentationError`` message a marketer sees.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HEADER = "InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice,Description"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expect: str  # "ok" or a fragment of the error message
    cli_args: tuple[str, ...] = field(default=())
    # For "ok": the invoice lines (HEADER layout) whose customers the file must yield.
    good: Callable[[], list[str]] | None = None
    # Built to exhaust memory or time (a bomb, huge cells, many sheets or columns): the
    # command line runs it in a process of its own, whose time and peak memory are bounded.
    heavy: bool = False


# --------------------------------------------------------------------------- helpers
def csv_rows(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def good_rows(n_customers: int = 40, seed: int = 1) -> list[str]:
    """Plausible invoice lines: several customers, dates and amounts that vary."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers * 4):
        # Every customer buys at least once; some buy much more (frequency must vary).
        c = i if i < n_customers else min(n_customers - 1, int(rng.exponential(n_customers / 4)))
        day = 1 + int(rng.integers(0, 27))
        month = 1 + int(rng.integers(0, 12))
        qty = 1 + int(rng.integers(0, 5 + c))
        rows.append(
            f"{1000 + i},2024-{month:02d}-{day:02d} 10:00,{500 + c},{qty},"
            f"{rng.uniform(1, 20):.2f},item {i % 7}"
        )
    return rows


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook from rows of cells, one sheet per entry (header and title lines included)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_table() -> list[list[object]]:
    rows = [r.split(",") for r in good_rows()]
    return [
        HEADER.split(","),
        *[[r[0], r[1], int(r[2]), int(r[3]), float(r[4]), r[5]] for r in rows],
    ]


def replace_part(xlsx: bytes, part: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(
                item.filename, content if item.filename == part else src.read(item.filename)
            )
        if part not in src.namelist():
            dst.writestr(part, content)
    return out.getvalue()


# --------------------------------------------------------------------------- the zip bomb
def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from (name, raw deflate data, crc32, uncompressed size): sizes stay 32-bit."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in entries:
        offset = out.tell()
        fname = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(fname), 0
            )
            + fname
        )
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + fname
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def zip_bomb(target_bytes: int = 1_500_000_000, declared_bytes: int | None = None) -> bytes:
    """A real workbook whose sheet XML inflates to ``target_bytes`` of identical rows.

    One 1 MB chunk of rows is deflated once with a full flush (byte-aligned, no back
    references), and those bytes are repeated: about 300:1, 5 MB on disk, made in a second.
    With ``declared_bytes`` the zip directory lies about the sheet's size (and its checksum).
    """
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAA</t></is></c><c><v>1</v></c></row>'
    chunk = row * (1_000_000 // len(row))
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    repeats = target_bytes // len(chunk)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(tail) + comp.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * repeats + len(tail)
    sheet = (first + block * repeats + last, crc, declared_bytes or size)
    with zipfile.ZipFile(io.BytesIO(workbook({"Sheet1": [["a"]]}))) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n != "xl/worksheets/sheet1.xml"}
    entries = [(n, *_deflate(d)) for n, d in parts.items()]
    entries.append(("xl/worksheets/sheet1.xml", *sheet))
    return _raw_zip(entries)


def no_dimension() -> bytes:
    """A good workbook whose sheet does not state its size (some exporters leave it out)."""
    book = workbook({"Sheet1": good_table()})
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    return replace_part(book, "xl/worksheets/sheet1.xml", re.sub(rb"<dimension[^>]*/>", b"", xml))


def billion_laughs() -> bytes:
    """Entity expansion in sharedStrings.xml: 10 levels of 10 references (10^10 'lol')."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    sst = (
        '<?xml version="1.0"?><!DOCTYPE sst [' + "".join(levels) + "]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ).encode()
    return replace_part(workbook({"Sheet1": good_table()}), "xl/sharedStrings.xml", sst)


def padded_entities() -> bytes:
    """The same declarations behind a long comment, past the first kilobytes of the part."""
    book = billion_laughs()
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        sst = zf.read("xl/sharedStrings.xml")
    padded = sst.replace(b"<!DOCTYPE", b"<!-- " + b"<a> padding " * 2000 + b" -->\n<!DOCTYPE", 1)
    return replace_part(book, "xl/sharedStrings.xml", padded)


def encrypted() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook({"Sheet1": good_table()}))).encrypt("secret", out)
    return out.getvalue()


def not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "just a zip")
    return out.getvalue()


def wide() -> bytes:
    table = good_table()
    extra = [f"extra_{i}" for i in range(194)]
    return workbook({"Sheet1": [table[0] + extra, *[r + list(range(194)) for r in table[1:]]]})


def many_sheets() -> bytes:
    table = good_table()
    return workbook({f"Month {i}": [table[0], *table[1 + i * 3 : 4 + i * 3]] for i in range(50)})


def big_cells() -> bytes:
    table = good_table()
    return workbook(
        {"Sheet1": [table[0], *[[*r[:5], "x" * 1_000_000] for r in table[1:21]], *table[21:]]}
    )


def truncated_sheet() -> bytes:
    """A workbook whose sheet XML stops in the middle of a row (a broken download)."""
    book = workbook({"Sheet1": good_table()})
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    return replace_part(book, "xl/worksheets/sheet1.xml", xml[: len(xml) // 2])


def big_csv_cells() -> bytes:
    rows = good_rows()
    return csv_rows(
        [*rows[:3], *(r.rsplit(",", 1)[0] + "," + "y" * 1_000_000 for r in rows[3:8]), *rows[8:]]
    )


FORMULAS = ['=HYPERLINK("http://example.com","click")', "+1+1", "-2", "@SUM(1)"]


def formula_rows() -> list[str]:
    return good_rows(8) + [
        f'{9000 + i},2024-06-0{i + 1} 10:00,"{f.replace(chr(34), chr(34) * 2)}",{i + 1},'
        f'{2 + i}.5,"{f.replace(chr(34), chr(34) * 2)}"'
        for i, f in enumerate(FORMULAS)
    ]


def formula_ids() -> bytes:
    return csv_rows(formula_rows())


def cases() -> list[Case]:
    rows = good_rows()
    return [
        *(
            Case(f"empty{ext}", lambda: b"", "is empty")
            for ext in (".csv", ".txt", ".xlsx", ".xls", ".parquet")
        ),
        Case(
            "random_bytes.xlsx",
            lambda: np.random.default_rng(0).bytes(4096),
            "not a valid Excel workbook",
        ),
        Case("not_a_workbook.xlsx", not_a_workbook_zip, "zip archive but not an Excel workbook"),
        Case("encrypted.xlsx", encrypted, "password-protected"),
        Case("nul_bytes.csv", lambda: csv_rows(rows).replace(b",", b"\x00,", 3), "NUL bytes"),
        Case(
            "unicode_text.txt",
            lambda: (
                csv_rows([r.replace(",", "\t") for r in rows], HEADER.replace(",", "\t"))
                .decode()
                .encode("utf-16")
            ),
            "ok",
            good=good_rows,
        ),
        Case("zip_bomb.xlsx", zip_bomb, "would expand to 1.5 GB", heavy=True),
        Case(
            "lying_zip_bomb.xlsx",
            lambda: zip_bomb(declared_bytes=50_000_000),
            "inflate to other sizes than it declares",
            heavy=True,
        ),
        Case("no_dimension.xlsx", no_dimension, "ok", good=good_rows, heavy=True),
        Case("billion_laughs.xlsx", billion_laughs, "declares XML entities", heavy=True),
        Case("padded_entities.xlsx", padded_entities, "declares XML entities", heavy=True),
        Case("wide_200_columns.xlsx", wide, "ok", good=good_rows, heavy=True),
        Case("fifty_sheets.xlsx", many_sheets, "ok", good=lambda: good_rows()[:150], heavy=True),
        Case("one_mb_cells.xlsx", big_cells, "ok", good=good_rows, heavy=True),
        Case("truncated_sheet.xlsx", truncated_sheet, "could not be"),
        Case("one_mb_cells.csv", big_csv_cells, "ok", good=good_rows, heavy=True),
        Case("header_only.csv", lambda: csv_rows([]), "header but no data rows"),
        Case(
            "no_customer_column.csv",
            lambda: csv_rows(
                [
                    r.split(",", 3)[0] + "," + r.split(",", 3)[1] + "," + r.split(",", 3)[3]
                    for r in rows
                ],
                "InvoiceNo,InvoiceDate,Quantity,UnitPrice,Description",
            ),
            "No customer id column found",
        ),
        Case(
            "all_customers_missing.csv",
            lambda: csv_rows(
                [",".join(p if i != 2 else "" for i, p in enumerate(r.split(","))) for r in rows]
            ),
            "Nothing is left after cleaning",
        ),
        Case(
            "bad_dates.csv",
            lambda: csv_rows([r.replace("2024-0", "someday-0") for r in rows]),
            "dates could not be read",
        ),
        Case(
            "text_quantity.csv",
            lambda: csv_rows([r.replace(",3,", ",three,") for r in rows]),
            "are not a number",
        ),
        Case(
            "bad_prices.csv",
            lambda: csv_rows(
                [
                    *rows,
                    "9001,2024-05-01 10:00,501,2,-3.5,neg",
                    "9002,2024-05-01 10:00,502,2,nan,nan",
                    "9003,2024-05-01 10:00,503,2,inf,inf",
                    "9004,2024-05-01 10:00,504,2,-inf,ninf",
                ]
            ),
            "ok",
            good=good_rows,
        ),
        Case(
            "one_customer.csv",
            lambda: csv_rows([r for r in rows if ",500," in r][:1]),
            "Only 1 customer",
        ),
        Case(
            "same_recency.csv",
            lambda: csv_rows(
                [r.split(",")[0] + ",2024-03-01 10:00," + ",".join(r.split(",")[2:]) for r in rows]
            ),
            "same recency",
        ),
        Case(
            "k_too_large.csv",
            lambda: csv_rows(good_rows(5)),
            "fewer than the 9 segments",
            ("--k", "9"),
        ),
        Case("formula_ids.csv", formula_ids, "ok", good=formula_rows),
    ]


def write_corpus(directory: Path) -> list[tuple[Case, Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for case in cases():
        path = directory / case.name
        path.write_bytes(case.make())
        out.append((case, path))
    return out


if __name__ == "__main__":
    for case, path in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "bad_files")):
        print(f"{path} ({path.stat().st_size:,} bytes): {case.expect}")
