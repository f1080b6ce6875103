"""The size guard: refuse zip bombs, damaged workbooks and oversized tables before any parse."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..errors import FileReadError

XML_PARTS = ("xl/worksheets/", "xl/sharedStrings")  # the parts a workbook parser inflates
INFLATE_CHUNK = 1 << 20


@dataclass(frozen=True)
class ReadLimits:
    """Limits that keep a hostile or broken file from exhausting the machine.

    The defaults admit Online Retail II (1,067,371 rows in two sheets, about 380 MB of XML).
    """

    max_uncompressed_bytes: int = 1_000_000_000
    max_rows: int = 5_000_000
    max_columns: int = 500


MAX_PROLOG = 1_000_000  # bytes before an XML part's root element (a few dozen in real files)
_ROOT = re.compile(rb"<[A-Za-z_]")  # the first element: its name starts with a letter
_COMMENT = re.compile(rb"<!--.*?-->", re.S)


def check_zip(data: bytes, name: str, limits: ReadLimits) -> list[zipfile.ZipInfo]:
    """Refuse damaged workbooks and zip bombs from the zip directory, before any parsing.

    Returns the directory's entries."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileReadError(
            f"'{name}' is password-protected or in the old Excel format saved as .xlsx. "
            "Remove the password (File > Info > Protect Workbook) or save it as .xlsx again."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileReadError(
            f"'{name}' is not a valid Excel workbook (it may be damaged or another format)."
        ) from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise FileReadError(f"'{name}' is a zip archive but not an Excel workbook.")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise FileReadError(
            f"'{name}' would expand to {total / 1e9:.1f} GB when opened, over the "
            f"{limits.max_uncompressed_bytes / 1e9:.1f} GB limit. Split the file or export "
            "it as CSV."
        )
    return infos


def check_inflated_sizes(data: bytes, name: str, infos: list[zipfile.ZipInfo]) -> None:
    """The directory can lie (a small declared size over a stream that inflates to gigabytes),
    and the workbook parser trusts the stream: inflate the sheets, counting, before parsing."""
    parts = [i for i in infos if i.filename.startswith(XML_PARTS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        sizes = list(
            # Declared sizes already passed the limit, so counting can stop one byte past each.
            pool.map(lambda i: _inflated_size(data, i, i.file_size + 1), parts)
        )
    if any(size != i.file_size for size, i in zip(sizes, parts, strict=True)):
        raise FileReadError(
            f"'{name}' is damaged: its parts inflate to other sizes than it declares "
            "(a zip bomb, or a broken download). Save or export it again."
        )


def _inflated_size(data: bytes, info: zipfile.ZipInfo, cap: int) -> int:
    """Bytes a zip entry really inflates to, counted in bounded chunks and up to ``cap``."""
    start = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    begin = start + 30 + name_len + extra_len
    raw = memoryview(data)[begin : begin + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        refuse_entities(bytes(raw[:MAX_PROLOG]), info.filename)
        return len(raw)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise FileReadError(
            f"A part of the workbook uses an unknown compression ({info.filename})."
        )
    inflater: Any
    try:  # ISA-L inflates about 4x faster than zlib (0.08 s vs 0.33 s for Online Retail's sheet)
        from isal import isal_zlib

        inflater = isal_zlib.decompressobj(-15)
    except ImportError:
        inflater = zlib.decompressobj(-15)
    total, head, checked = 0, b"", False
    for offset in range(0, len(raw), INFLATE_CHUNK):
        pending = raw[offset : offset + INFLATE_CHUNK]
        while pending and total <= cap:
            chunk = inflater.decompress(pending, INFLATE_CHUNK * 16)
            if not checked:  # the part's beginning, where a declaration would be
                head = (head + chunk)[:MAX_PROLOG]
                if _ROOT.search(_COMMENT.sub(b"", head)) or len(head) >= MAX_PROLOG:
                    refuse_entities(head, info.filename)
                    checked = True
            total += len(chunk)
            pending = inflater.unconsumed_tail
        if total > cap or inflater.eof:
            break
    if not checked:
        refuse_entities(head, info.filename)
    return total


def refuse_entities(head: bytes, part: str) -> None:
    """Spreadsheet programs never declare XML entities; a part that does is an entity-expansion
    attack ("billion laughs"), refused before any XML parser sees it. A declaration stands
    before the root element, behind any comments: the whole prolog is looked at, and a
    prolog longer than :data:`MAX_PROLOG` is refused too."""
    head = _COMMENT.sub(b"", head)
    root = _ROOT.search(head)
    prolog = head[: root.start()] if root else head
    if root is None and len(head) >= MAX_PROLOG:
        raise FileReadError(
            f"The workbook's {part} starts with over {MAX_PROLOG // 1_000_000} MB before its "
            "content, which spreadsheet programs never write: refused for safety."
        )
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog or b"<!doctype" in prolog:
        raise FileReadError(
            f"The workbook declares XML entities in {part}, which spreadsheet programs never "
            "write (an entity-expansion attack): refused for safety. Save it again from your "
            "spreadsheet program."
        )
