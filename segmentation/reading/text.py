"""Text tables (csv, txt, tsv): the encoding of the whole file, the delimiter, the header.

The whole file is decoded strictly, never with replacement characters: UTF-8 and byte-order
marks first, then a detector (charset-normalizer) whose candidates are each checked by decoding
everything. A wrong guess would merge customers ("Renée" and "Renèe" both becoming "Ren?e").
Every value is read as text as written; numbers and dates are parsed later, by evidence.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..errors import FileReadError
from .guard import ReadLimits
from .header import HEADER_SEARCH_ROWS, SAMPLE_ROWS, Preview, TextFormat, preview_from_rows

if TYPE_CHECKING:
    import pandas as pd

DELIMITERS = (",", ";", "\t", "|")
PREVIEW_CHARS = 65536  # the header and sample come from the start of the decoded text
# Western single-byte encodings look alike to a detector on short texts such as names;
# Windows-1252 (what Excel writes on Western machines) is preferred among them.
WESTERN = ("cp1252", "latin_1", "iso8859_15", "cp1250", "cp850", "cp775", "cp852", "mac_roman")


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, TextFormat]:
    """The whole text, strictly decoded, and the encoding with the reason for it."""
    if encoding:
        text = _strict(data, encoding, name, "your choice")
        return text, TextFormat(encoding, "", "your choice")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        fmt = TextFormat("utf-16", "", "byte-order mark")
        return _strict(data, "utf-16", name, fmt.encoding_reason), fmt
    if data.startswith(codecs.BOM_UTF8):
        fmt = TextFormat("utf-8-sig", "", "byte-order mark")
        return _strict(data, "utf-8-sig", name, fmt.encoding_reason), fmt
    if b"\x00" in data:
        raise FileReadError(
            f"'{name}' contains NUL bytes: it is a binary file, not a text table. "
            "Export it again as CSV."
        )
    try:
        return data.decode("utf-8"), TextFormat("utf-8", "", "the whole file is valid UTF-8")
    except UnicodeDecodeError:
        pass
    for candidate in _candidates(data):
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, TextFormat(candidate, "", "detected from the whole file (not UTF-8)")
    raise FileReadError(
        f"The text encoding of '{name}' could not be recognised. Save it as UTF-8 "
        "(in Excel: Save As > CSV UTF-8)."
    )


def _candidates(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    found = [m.encoding for m in from_bytes(data)]
    if found and found[0] in WESTERN and "cp1252" in found:
        found.insert(0, "cp1252")
    return [*found, "cp1252"]


def _strict(data: bytes, encoding: str, name: str, why: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileReadError(
            f"'{name}' is not valid {encoding} text ({why}) at byte {getattr(exc, 'start', '?')}. "
            "Save it again as UTF-8."
        ) from exc


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        score = (freq / len(counts), width) if width > 1 else (0.0, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _check_row_widths(rows: list[list[str]], header: int, name: str) -> None:
    """Values beyond the header's last column mean a delimiter inside an unquoted text, which
    shifts the rest of that row into the wrong columns. (Empty trailing fields are fine.)"""
    width = len(rows[header])
    for number, row in enumerate(rows[header + 1 :], start=1):
        if any(cell.strip() for cell in row[width:]):
            raise FileReadError(
                f"Data row {number} of '{name}' has more values than the header has columns "
                f"({len(row)} instead of {width}); a text probably contains the delimiter "
                "without quotes. Quote that text or export the file again."
            )


def text_preview(data: bytes, name: str, encoding: str | None = None) -> Preview:
    if not data.strip():
        raise FileReadError(f"'{name}' is empty.")
    text, fmt = decode(data, name, encoding)
    lines = text[:PREVIEW_CHARS].splitlines()[: SAMPLE_ROWS + HEADER_SEARCH_ROWS]
    if len(text) > PREVIEW_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line of the preview may be cut
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        raise FileReadError(f"'{name}' is empty.")
    delim = _sniff_delimiter(lines[: HEADER_SEARCH_ROWS * 2])
    rows = [list(r) for r in csv.reader(lines, delimiter=delim)]
    preview = preview_from_rows([[c if c.strip() else None for c in r] for r in rows])
    _check_row_widths(rows, preview.header_row, name)
    fmt = TextFormat(fmt.encoding, delim, fmt.encoding_reason)
    return Preview(preview.columns, preview.rows, preview.header_row, text_format=fmt)


def _lines_before_body(data: bytes, fmt: TextFormat, header_row: int) -> int:
    """Physical lines before the first data line: the header is the ``header_row``-th
    non-blank line (blank lines and titles above it count as lines to skip)."""
    head = data[: 1 << 20].decode(fmt.encoding, errors="ignore")
    lines = re.split(r"\r\n|\r|\n", head)
    seen = -1
    for number, line in enumerate(lines):
        if line.strip():
            seen += 1
            if seen == header_row:
                return number + 1
    raise FileReadError("The header line was not found again when reading the file.")


def read_text(data: bytes, preview: Preview, limits: ReadLimits) -> pd.DataFrame:
    """Every column as text as written (blank cells missing).

    pandas reads the bytes and decodes them itself (the encoding was checked on the whole
    file by the preview), so no decoded copy of a large file is held at once.
    """
    import pandas as pd

    fmt = preview.text_format
    assert fmt is not None
    skip = _lines_before_body(data, fmt, preview.header_row)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding=fmt.encoding,
            sep=fmt.delimiter,
            skiprows=skip,
            header=None,
            # The header fixes the width: rows missing trailing fields get empty cells, and a
            # row with more fields (an unquoted delimiter inside a text, which would shift
            # values into the wrong columns) is an error. ``usecols`` would switch that check
            # off, so every column is parsed.
            names=list(range(len(preview.columns))),
            index_col=False,  # a trailing delimiter must never turn a column into the index
            dtype="str",
            skip_blank_lines=True,
            nrows=limits.max_rows + 1,
            engine="c",
        )
    except pd.errors.EmptyDataError:  # a header and nothing under it
        return pd.DataFrame(columns=preview.columns)
    except (pd.errors.ParserError, ValueError) as exc:
        detail = str(exc).split("\n")[0]
        raise FileReadError(
            f"The text file could not be parsed ({detail}). Check that every row has the same "
            "columns as the header."
        ) from exc
    if len(frame) > limits.max_rows:
        raise FileReadError(
            f"The file has more than {limits.max_rows:,} rows, over the {limits.max_rows:,}-row "
            "limit. Split it, or export fewer months at a time."
        )
    frame.columns = preview.columns
    return frame
