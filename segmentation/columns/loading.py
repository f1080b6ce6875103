"""File bytes -> canonical transactions: find the table, detect roles, read, parse.

Everything that touches the file's content runs inside the reading boundary: a user's file
ends in a result or a ``SegmentationError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..errors import ColumnError, DataError
from ..reading import Preview, ReadLimits, parser_errors, preview_table, read_table, source_bytes
from .contacts import ContactFields, detect_kinds, latest_values
from .notes import ReadingNotes
from .orders import OrderAsRead, orders_as_read
from .parsing import CARRIED, ParseOptions, to_transactions
from .roles import TEXT_ROLES, ColumnRoles, check_roles, detect_roles

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with byte-order mark)",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Western European)",
    "latin_1": "Latin-1",
}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def _drop_repeated_headers(raw: pd.DataFrame, roles: ColumnRoles) -> pd.DataFrame:
    """Drop header lines repeated inside the data (files made by pasting exports together)."""
    import numpy as np
    import pandas as pd

    key = [c for c in (roles.customer_id, roles.invoice_date) if c]
    if not all(pd.api.types.is_string_dtype(raw[c]) for c in key):
        return raw  # a date or number column cannot hold its header text
    repeated = np.logical_and.reduce([(raw[c] == c).fillna(False).to_numpy(bool) for c in key])
    return raw[~repeated] if repeated.any() else raw


@dataclass(frozen=True)
class LoadedData:
    """Transactions read from one file, with how they were read."""

    transactions: pd.DataFrame
    roles: ColumnRoles
    preview: Preview
    name: str
    notes: ReadingNotes = field(default_factory=ReadingNotes)
    contacts: ContactFields = field(default_factory=ContactFields)
    orders: tuple[OrderAsRead, ...] = ()  # a few orders as read beside their raw rows


def preview_transactions(
    data: bytes,
    name: str,
    sheet: str | int | None = None,
    *,
    roles: Mapping[str, str] | None = None,
    encoding: str | None = None,
    limits: ReadLimits | None = None,
) -> Preview:
    """The header, sheets and sample rows that :func:`load_transactions` will read: in a
    workbook, the first sheet with the needed columns (with roles set by hand, the first
    sheet that has those columns)."""
    chosen = {c for c in (roles or {}).values() if c}

    def usable(preview: Preview) -> bool:
        if chosen:
            return chosen <= set(preview.columns)
        return _has_roles(preview)

    return preview_table(data, name, sheet, limits, usable=usable, encoding=encoding)


def _has_roles(preview: Preview) -> bool:
    roles = detect_roles(preview.columns, lambda: preview.sample)
    try:
        check_roles(roles, preview.columns)
    except ColumnError:
        return False
    return True


def _file_notes(preview: Preview, name: str) -> ReadingNotes:
    notes = ReadingNotes()
    if preview.sheets:
        sheets = ", ".join(f"'{s}'" for s in preview.sheets)
        text = f"{sheets}" + (f" ({preview.chosen_because})" if preview.chosen_because else "")
        if preview.skipped_sheets:
            text += "; left out: " + ", ".join(f"'{s}'" for s in preview.skipped_sheets)
        notes = notes.add("Sheets", text)
    fmt = preview.text_format
    if fmt is not None:
        encoding = ENCODING_NAMES.get(fmt.encoding, fmt.encoding)
        notes = notes.add("Encoding", f"{encoding} ({fmt.encoding_reason})")
        notes = notes.add("Delimiter", DELIMITER_NAMES.get(fmt.delimiter, repr(fmt.delimiter)))
    if preview.header_row:
        notes = notes.add("Header", f"on line {preview.header_row + 1}; lines above are titles")
    return replace(notes, delimiter=fmt.delimiter if fmt is not None else None)


def load_transactions(
    source: str | Path | bytes,
    name: str | None = None,
    *,
    sheet: str | int | None = None,
    roles: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    decimal: str | None = None,
    currency: str | None = None,
    encoding: str | None = None,
    limits: ReadLimits | None = None,
    statuses: Sequence[tuple[str, str, str]] = (),
) -> LoadedData:
    """Read a transactions file into the canonical frame (see :mod:`segmentation.columns.parsing`).

    Parameters
    ----------
    source : a path, or the file's bytes (then ``name`` gives the format).
    sheet : workbook sheet; ``None`` reads the first sheet with the needed columns and stacks
        every later sheet with the same columns.
    roles : explicit role -> column choices; the rest are detected.
    dayfirst : day/month order of text dates; ``None`` decides from evidence.
    decimal : decimal mark of numbers written as text; ``None`` decides from evidence.
    currency : the currency to keep when a currency column holds several.
    encoding : a text file's encoding; ``None`` detects it from the whole file.
    limits : size limits for hostile files.
    statuses : what state values mean where the vocabulary does not know them:
        ``(column or "", value, meaning)`` with meaning sale, void, refund or refunded.

    Raises
    ------
    StatusQuestion
        A state or flag column has values nothing decides (``states`` lists them all).
    """
    data, name = source_bytes(source, name)
    preview = preview_transactions(data, name, sheet, roles=roles, encoding=encoding, limits=limits)
    found = detect_roles(preview.columns, lambda: preview.sample, roles)
    check_roles(found, preview.columns)
    text = [c for r, c in found.used().items() if r in TEXT_ROLES]
    # fastexcel reads a workbook from its path faster than from the same bytes in memory.
    where = str(source) if isinstance(source, str | Path) else data
    raw = read_table(where, name, preview, text, limits)
    raw = _drop_repeated_headers(raw, found)
    if raw.empty:
        raise DataError(f"'{name}' has a header but no data rows.")
    options = ParseOptions(
        dayfirst=dayfirst,
        decimal=decimal,
        currency=currency,
        statuses=tuple((c, v, m) for c, v, m in statuses),
    )
    delimiter = preview.text_format.delimiter if preview.text_format else None
    kinds = _contact_kinds(raw, found)
    candidates = list(kinds)
    with parser_errors(name):
        tx, notes = to_transactions(raw, found, options, delimiter, carry=candidates)
        contacts = _contacts(tx, kinds)
    for column in candidates:  # in place: a copy of a million rows costs a tenth of a second
        del tx[CARRIED + column]
    notes = _file_notes(preview, name).extend(notes)
    if "invoice_id" in found.by_values:
        shown = ", ".join(f"'{v}'" for v in raw[found.invoice_id].astype("str").head(2))
        notes = notes.add(
            "Order id",
            f"'{found.invoice_id}' (values such as {shown} are order numbers: one customer and "
            "one day each, rising with the dates); map another column if it is not",
        )

    orders = orders_as_read(raw, tx, found)
    return LoadedData(tx, found, preview, name, notes, contacts, orders)


def _contact_kinds(raw: pd.DataFrame, roles: ColumnRoles) -> dict[str, str | None]:
    """Columns that may travel to the customer file, with their contact kind: every column
    that plays no role but country, and the customer id when it is an e-mail address."""
    used = {c for r, c in roles.used().items() if r not in ("country", "customer_id")}
    kinds = detect_kinds(raw.head(500), [c for c in raw.columns if c not in used])
    if roles.customer_id in kinds and kinds[roles.customer_id] != "email":
        del kinds[roles.customer_id]
    return kinds


def _contacts(tx: pd.DataFrame, kinds: dict[str, str | None]) -> ContactFields:
    if not kinds:
        return ContactFields()
    carried = tx[[CARRIED + c for c in kinds]].set_axis(list(kinds), axis=1)
    values = latest_values(tx["customer_id"], tx["invoice_date"], carried)
    return ContactFields(kinds, values)
