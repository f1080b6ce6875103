"""File bytes -> canonical transactions: read the header, detect roles, read only what is needed.

The header and roles need no pandas, so the (long) parse of a workbook starts in a thread
before pandas and the parsing code are imported; on the command line that overlaps about a
third of a second of start-up with the parse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError
from .reading import Preview, ReadLimits, Source, preview_table, read_table, source_bytes
from .roles import TEXT_ROLES, ColumnRoles, check_roles, detect_roles

if TYPE_CHECKING:
    import pandas as pd


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


def load_transactions(
    source: Source,
    name: str | None = None,
    *,
    sheet: str | int | None = None,
    roles: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    limits: ReadLimits | None = None,
    while_reading: Callable[[], object] | None = None,
) -> LoadedData:
    """Read a transactions file into the canonical frame (see :mod:`segmentation.columns`).

    Parameters
    ----------
    source : a path, or the file's bytes (then ``name`` gives the format).
    sheet : workbook sheet; ``None`` stacks every sheet with the first sheet's columns.
    roles : explicit role -> column choices; the rest are detected.
    dayfirst : day/month order of text dates; ``None`` detects it.
    limits : size limits for hostile files.
    while_reading : work to do while the file is parsed in a thread (the command line imports
        scikit-learn here); it runs after the parse has started.
    """
    data, name = source_bytes(source, name)
    preview = preview_table(data, name, sheet, limits)
    found = detect_roles(preview.columns, lambda: preview.sample, roles)
    check_roles(found, preview.columns)
    if not (found.quantity and found.unit_price):
        found = ColumnRoles(**{**found.as_dict(), "quantity": None, "unit_price": None})
    used = found.used()
    columns = list(dict.fromkeys(used.values()))
    text = [c for r, c in used.items() if r in TEXT_ROLES]
    # fastexcel reads a workbook from its path faster than from the same bytes in memory.
    where = str(source) if isinstance(source, str | Path) else data
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_table, where, name, preview, columns, text, limits)
        from .columns import to_transactions  # imports pandas while the file is parsed

        if while_reading is not None:
            while_reading()
        raw = reading.result()
    raw = _drop_repeated_headers(raw, found)
    if raw.empty:
        raise DataError(f"'{name}' has a header but no data rows.")
    return LoadedData(to_transactions(raw, found, dayfirst), found, preview, name)
