"""The header finder: where the table starts, its column names, and a sample of its rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import FileReadError

if TYPE_CHECKING:
    import pandas as pd

HEADER_SEARCH_ROWS = 30
SAMPLE_ROWS = 500


@dataclass(frozen=True)
class TextFormat:
    """How a text file is written: its encoding, delimiter, and the reasons for both."""

    encoding: str
    delimiter: str
    encoding_reason: str = ""


@dataclass(frozen=True)
class Preview:
    """What a file holds before it is fully read: its header and a sample of rows.

    Attributes
    ----------
    columns : column names as written in the header row (made unique, blanks named).
    rows : the first rows under the header, raw values, one list per row.
    header_row : zero-based row index of the header inside the sheet or text.
    sheets : the sheets that will be read and stacked (empty for text and parquet).
    all_sheets : every sheet of a workbook.
    skipped_sheets : workbook sheets left out (empty, or columns unlike the first sheet).
    text_format : a text file's encoding and delimiter.
    header_rows : the header row of each stacked sheet of a workbook.
    chosen_because : why these sheets were read (a workbook whose first sheet lacks the
        needed columns).
    """

    columns: list[str]
    rows: list[list[Any]]
    header_row: int
    sheets: tuple[str, ...] = ()
    all_sheets: tuple[str, ...] = ()
    skipped_sheets: tuple[str, ...] = ()
    text_format: TextFormat | None = None
    header_rows: dict[str, int] = field(default_factory=dict)
    chosen_because: str = ""

    @cached_property
    def sample(self) -> pd.DataFrame:
        """The sample rows as a DataFrame of raw values (built on first use)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns, dtype=object)


def clean_names(cells: list[Any]) -> list[str]:
    names: list[str] = []
    seen: Counter[str] = Counter()
    for i, cell in enumerate(cells):
        text = "" if cell is None or cell != cell else str(cell)  # None or NaN: no name
        text = " ".join(text.split()) or f"column_{i + 1}"
        seen[text] += 1
        names.append(text if seen[text] == 1 else f"{text}.{seen[text] - 1}")
    return names


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or cell != cell


def find_header(rows: list[list[Any]]) -> int:
    """Index of the header row: the first row as wide as the table and made of text labels.

    Title lines above a table ("Sales export", a date) fill one or two cells, so the header is the
    first row that fills most of the widest row's cells with text.
    """
    widths = [sum(not is_blank(c) for c in row) for row in rows]
    if not widths or max(widths) == 0:
        raise FileReadError("The file has no rows with data.")
    widest = max(widths)
    for i, row in enumerate(rows):
        cells = [c for c in row if not is_blank(c)]
        if len(cells) >= max(2, widest * 0.6) and all(isinstance(c, str) for c in cells):
            return i
    # No all-text row: take the first full-width row as the header.
    return next(i for i, w in enumerate(widths) if w == widest)


def preview_from_rows(rows: list[list[Any]], **extra: Any) -> Preview:
    rows = [list(r) for r in rows]
    header = find_header(rows[:HEADER_SEARCH_ROWS])
    width = max(len(r) for r in rows)
    # Trim trailing blank columns that a sheet's used range may include.
    while width > 1 and all(is_blank(r[width - 1]) for r in rows if len(r) >= width):
        width -= 1
    names = clean_names((rows[header] + [None] * width)[:width])
    body = [(r + [None] * width)[:width] for r in rows[header + 1 :]]
    while body and all(is_blank(c) for c in body[-1]):
        body.pop()
    return Preview(columns=names, rows=body, header_row=header, **extra)
