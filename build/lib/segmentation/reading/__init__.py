"""Read a transactions table from xlsx, xls, csv/txt or parquet, from a path or from bytes.

One module per job: :mod:`.guard` (size limits and zip bombs), :mod:`.header` (where the table
starts), :mod:`.workbook`, :mod:`.text` and :mod:`.parquet`. This module is the one error
boundary where untrusted bytes meet third-party parsers: whatever they raise reaches the user
as a :class:`~segmentation.errors.FileReadError`, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FileReadError, SegmentationError
from .guard import ReadLimits
from .header import Preview, TextFormat
from .spreadsheetml import is_spreadsheetml
from .workbook import Usable

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SUPPORTED",
    "Preview",
    "ReadLimits",
    "TextFormat",
    "Usable",
    "file_suffix",
    "parser_errors",
    "preview_table",
    "read_table",
    "read_text_file",
    "read_user_table",
    "source_bytes",
]

Source = str | Path | bytes
EXCEL_ZIP = {".xlsx", ".xlsm"}
TEXT = {".csv", ".txt", ".tsv"}
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".parquet")


def file_suffix(name: str) -> str:
    """Lower-case extension of a file name, checked against the supported formats."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise FileReadError(
            f"'{name}' is not a supported file type. Upload one of: {', '.join(SUPPORTED)}."
        )
    return suffix


def source_bytes(source: Source, name: str | None = None) -> tuple[bytes, str]:
    """Return ``(bytes, file name)`` for a path or for bytes plus a name."""
    if isinstance(source, bytes | bytearray | memoryview):
        if not name:
            raise FileReadError("A file name is needed to tell the format of uploaded bytes.")
        return bytes(source), name
    path = Path(source)
    try:
        return path.read_bytes(), name or path.name
    except OSError as exc:
        raise FileReadError(f"Cannot open '{path}': {exc.strerror or exc}.") from exc


@contextmanager
def parser_errors(name: str) -> Iterator[None]:
    """Untrusted bytes meet third-party parsers (openpyxl, fastexcel, pyarrow, pandas) here,
    and so does the parsing of their values: whatever they raise reaches the user as one clear
    message, never as a traceback."""
    try:
        yield
    except SegmentationError:
        raise
    except MemoryError as exc:
        raise FileReadError(f"'{name}' is too large to read on this machine.") from exc
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}".split("\n")[0][:160]
        raise FileReadError(
            f"'{name}' could not be read: it is damaged, not what its name says, or uses "
            f"features refused for safety ({detail}). Open it in its program and save or "
            "export it again."
        ) from exc


MAX_TEXT_FILE = 20_000_000  # a recipe is a few kilobytes


def read_user_table(source: Source, name: str | None = None) -> pd.DataFrame:
    """A table a user gives beside the transactions (a previous export, a rule table),
    through the same gate: the size, zip and entity checks and the one error boundary. Every
    value as text as written."""
    data, name = source_bytes(source, name)
    preview = preview_table(data, name)
    return read_table(data, name, preview, text_columns=preview.columns)


def read_text_file(source: Source, name: str | None = None) -> str:
    """A small UTF-8 text file a user gives (a recipe), checked for size and encoding."""
    data, name = source_bytes(source, name)
    if len(data) > MAX_TEXT_FILE:
        raise FileReadError(f"'{name}' is {len(data) / 1e6:.0f} MB: too large for a recipe.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileReadError(f"'{name}' is not UTF-8 text (byte {exc.start}).") from exc


def preview_table(
    data: bytes,
    name: str,
    sheet: str | int | None = None,
    limits: ReadLimits | None = None,
    *,
    usable: Usable | None = None,
    encoding: str | None = None,
) -> Preview:
    """Find the header, the sheets to read and a sample of rows, without a full parse.

    Parameters
    ----------
    data, name : the file's bytes and its name (the extension tells the format).
    sheet : a workbook sheet name or index; ``None`` reads the first sheet that is ``usable``
        and stacks every later sheet with the same columns.
    limits : size limits; the defaults admit Online Retail II.
    usable : whether a sheet's preview holds what is needed (default: any data).
    encoding : a text file's encoding; ``None`` detects it from the whole file.
    """
    limits = limits or ReadLimits()
    suffix = file_suffix(name)
    if not data:
        raise FileReadError(f"'{name}' is empty.")
    with parser_errors(name):
        if suffix in EXCEL_ZIP:
            from .workbook import xlsx_preview

            preview = xlsx_preview(data, name, sheet, limits, usable)
        elif suffix == ".xls" and is_spreadsheetml(data):
            from .spreadsheetml import xml_preview

            preview = xml_preview(data, name)
        elif suffix == ".xls":
            from .workbook import xls_preview

            preview = xls_preview(data, name, sheet, usable)
        elif suffix in TEXT:
            from .text import text_preview

            preview = text_preview(data, name, encoding)
        else:
            from .parquet import parquet_preview

            preview = parquet_preview(data)
    if len(preview.columns) > limits.max_columns:
        raise FileReadError(
            f"'{name}' has {len(preview.columns)} columns, over the {limits.max_columns} limit."
        )
    return preview


def read_table(
    data: bytes | str,
    name: str,
    preview: Preview,
    text_columns: list[str] = (),  # type: ignore[assignment]
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    """Read every column of the table described by ``preview``.

    Every column is read because exact duplicates are judged over the whole row and the
    columns beyond the roles travel with the customers. ``text_columns`` of a workbook are
    read as text as written (ids such as ``C536379`` or ``00123``); text files are read as
    text throughout. ``data`` may be a workbook's path: fastexcel reads a file faster than
    the same bytes.
    """
    suffix = file_suffix(name)
    if isinstance(data, str) and suffix not in EXCEL_ZIP | {".xls"}:
        data = Path(data).read_bytes()
    limits = limits or ReadLimits()
    with parser_errors(name):
        if suffix == ".xls":
            # The head tells an XML spreadsheet from a binary .xls: only it is read whole here.
            head = data if isinstance(data, bytes) else Path(data).open("rb").read(65536)
            if is_spreadsheetml(head):
                from .spreadsheetml import read_xml

                return read_xml(
                    data if isinstance(data, bytes) else Path(data).read_bytes(), preview
                )
        if suffix in EXCEL_ZIP or suffix == ".xls":
            from .workbook import read_workbook

            return read_workbook(data, preview, list(text_columns))
        if suffix in TEXT:
            from .text import read_text

            return read_text(data, preview, limits)  # type: ignore[arg-type]
        from .parquet import read_parquet

        return read_parquet(data, preview)  # type: ignore[arg-type]
