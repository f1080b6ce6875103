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
import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..errors import FileReadError
from .alphabets import plausibility
from .guard import ReadLimits
from .header import HEADER_SEARCH_ROWS, SAMPLE_ROWS, Preview, TextFormat, preview_from_rows

if TYPE_CHECKING:
    import pandas as pd

DELIMITERS = (",", ";", "\t", "|")
PREVIEW_CHARS = 65536  # the header and sample come from the start of the decoded text
# Western single-byte encodings look alike to a detector on short texts such as names;
# Windows-1252 (what Excel writes on Western machines) is preferred among them.
# Tried after the detector's candidates: the code pages shops' exports are written in.
COMMON_CODE_PAGES = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp874",
    "cp932", "cp949", "gb18030", "big5hkscs", "koi8_r", "cp866", "cp850", "cp852", "mac_roman",
)  # fmt: skip
PRIOR = math.log(20)
WESTERN = ("cp1252", "latin_1", "iso8859_15", "cp1250", "cp850", "cp775", "cp852", "mac_roman")


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, TextFormat]:
    """The whole text, strictly decoded, and the encoding with the reason for it."""
    if encoding:
        text = _strict(data, encoding, name, "your choice")
        return text, TextFormat(encoding, "", "your choice")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        fmt = TextFormat("utf-32", "", "byte-order mark")
        return _strict(data, "utf-32", name, fmt.encoding_reason), fmt
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        fmt = TextFormat("utf-16", "", "byte-order mark")
        return _strict(data, "utf-16", name, fmt.encoding_reason), fmt
    if data.startswith(codecs.BOM_UTF8):
        fmt = TextFormat("utf-8-sig", "", "byte-order mark")
        return _strict(data, "utf-8-sig", name, fmt.encoding_reason), fmt
    if (wide := _wide_without_mark(data)) is not None:
        fmt = TextFormat(wide, "", "no byte-order mark; NUL bytes beside every character")
        return _strict(data, wide, name, fmt.encoding_reason), fmt
    if b"\x00" in data:
        raise FileReadError(
            f"'{name}' contains NUL bytes: it is a binary file, not a text table. "
            "Export it again as CSV."
        )
    try:
        return data.decode("utf-8"), TextFormat("utf-8", "", "the whole file is valid UTF-8")
    except UnicodeDecodeError:
        pass
    for candidate, words in _by_plausibility(data):
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        why = f"not UTF-8; the likeliest reading ({words:.0%} of its letters spelt in an alphabet)"
        return text, TextFormat(candidate, "", why)
    raise FileReadError(
        f"The text encoding of '{name}' could not be recognised. Save it as UTF-8 "
        "(in Excel: Save As > CSV UTF-8)."
    )


def _by_plausibility(data: bytes) -> list[tuple[str, float]]:
    """The candidate code pages, the likeliest reading first (ties: the detector's order), with
    the share of letters each spells in an alphabet. The detector's first choice and
    Windows-1252 each weigh a factor of twenty more (a few letters' worth: a Turkish file read
    as Windows-1252 has several words no alphabet spells, and loses anyway)."""
    sample = b"\n".join([line for line in data.splitlines() if not line.isascii()][:2000])
    judged = []
    for order, candidate in enumerate(_candidates(data)):
        try:
            text = sample.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        score, spelt = plausibility(text, candidate)
        # The detector's choice and Windows-1252 (what Excel writes on Western machines)
        # stand unless another reading is clearly likelier.
        score += PRIOR * ((order == 0) + (candidate == "cp1252"))
        judged.append((-score, order, candidate, spelt))
    return [(candidate, spelt) for _, _, candidate, spelt in sorted(judged)]


def _candidates(data: bytes) -> list[str]:
    """The detector's candidates, then the code pages exports are commonly written in; the
    order breaks ties between equally plausible readings."""
    from charset_normalizer import from_bytes

    found = [m.encoding for m in from_bytes(data)]
    if found and found[0] in WESTERN and "cp1252" in found:
        found.insert(0, "cp1252")
    return list(dict.fromkeys([*found, *COMMON_CODE_PAGES]))


def _wide_without_mark(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where the NUL bytes of its ASCII
    characters fall (a text table is mostly ASCII: digits, delimiters, headers)."""
    head = data[:4096]
    if len(head) < 8 or head.count(0) < len(head) // 3:
        return None
    for encoding, width, nul_at in (
        ("utf-32-le", 4, (1, 2, 3)),
        ("utf-32-be", 4, (0, 1, 2)),
        ("utf-16-le", 2, (1,)),
        ("utf-16-be", 2, (0,)),
    ):
        units = len(head) // width
        nul = sum(all(head[i * width + k] == 0 for k in nul_at) for i in range(units))
        if nul >= 0.6 * units:
            return encoding
    return None


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
