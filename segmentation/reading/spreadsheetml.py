"""Excel's XML Spreadsheet 2003 (SpreadsheetML), which older ERPs write with an ``.xls`` name.

It is plain XML: each ``Row`` holds ``Cell`` elements (``ss:Index`` skips empty cells) with a
typed ``Data`` element. Entity declarations are refused before any parser sees the text, as for
workbooks. The first sheet with data is read, and later sheets with the same header are stacked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from .guard import MAX_PROLOG, refuse_entities
from .header import SAMPLE_ROWS, Preview, is_blank, preview_from_rows

if TYPE_CHECKING:
    import pandas as pd

NS = "{urn:schemas-microsoft-com:office:spreadsheet}"
MARK = b"urn:schemas-microsoft-com:office:spreadsheet"


def is_spreadsheetml(data: bytes) -> bool:
    """Whether bytes named ``.xls`` are an XML spreadsheet (a real .xls is a binary file)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") and MARK in data[:65536]


def _value(data: ElementTree.Element | None) -> Any:
    if data is None or data.text is None:
        return None
    kind = data.get(f"{NS}Type")
    if kind == "Number":
        number = float(data.text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "DateTime":
        return datetime.fromisoformat(data.text.rstrip("Z"))
    if kind == "Boolean":
        return data.text.strip() == "1"
    return data.text


def _sheets(data: bytes) -> dict[str, list[list[Any]]]:
    refuse_entities(data[:MAX_PROLOG], "its XML")
    root = ElementTree.fromstring(data)
    sheets: dict[str, list[list[Any]]] = {}
    for sheet in root.iter(f"{NS}Worksheet"):
        rows: list[list[Any]] = []
        for row in sheet.iter(f"{NS}Row"):
            index = row.get(f"{NS}Index")
            while index is not None and len(rows) < int(index) - 1:
                rows.append([])
            cells: list[Any] = []
            for cell in row.iter(f"{NS}Cell"):
                at = cell.get(f"{NS}Index")
                if at is not None:
                    cells.extend([None] * (int(at) - 1 - len(cells)))
                cells.append(_value(cell.find(f"{NS}Data")))
            rows.append(cells)
        if any(not is_blank(c) for r in rows for c in r):
            sheets[sheet.get(f"{NS}Name") or f"Sheet{len(sheets) + 1}"] = rows
    return sheets


def xml_preview(data: bytes, name: str) -> Preview:
    from ..errors import FileReadError

    sheets = _sheets(data)
    if not sheets:
        raise FileReadError(f"'{name}' has no sheet with data.")
    titles = list(sheets)
    first = preview_from_rows(sheets[titles[0]][: SAMPLE_ROWS + 30])
    same = [
        t
        for t in titles
        if preview_from_rows(sheets[t][: SAMPLE_ROWS + 30]).columns == first.columns
    ]
    return Preview(
        columns=first.columns,
        rows=first.rows[:SAMPLE_ROWS],
        header_row=first.header_row,
        sheets=tuple(same),
        all_sheets=tuple(titles),
        skipped_sheets=tuple(t for t in titles if t not in same),
        header_rows={t: preview_from_rows(sheets[t][: SAMPLE_ROWS + 30]).header_row for t in same},
    )


def read_xml(data: bytes, preview: Preview) -> pd.DataFrame:
    import pandas as pd

    sheets = _sheets(data)
    width = len(preview.columns)
    rows = [
        (row + [None] * width)[:width]
        for title in preview.sheets
        for row in sheets[title][preview.header_rows[title] + 1 :]
    ]
    while rows and all(is_blank(c) for c in rows[-1]):
        rows.pop()
    return pd.DataFrame(rows, columns=preview.columns, dtype=object)
