"""File bytes -> canonical transactions: read the header, detect roles, read only what is needed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .columns import TEXT_ROLES, ColumnRoles, check_roles, detect_roles, to_transactions
from .errors import DataError
from .reading import Preview, ReadLimits, Source, preview_table, read_table, source_bytes


def _drop_repeated_headers(raw: pd.DataFrame, roles: ColumnRoles) -> pd.DataFrame:
    """Drop header lines repeated inside the data (files made by pasting exports together)."""
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
) -> LoadedData:
    """Read a transactions file into the canonical frame (see :mod:`segmentation.columns`).

    Parameters
    ----------
    source : a path, or the file's bytes (then ``name`` gives the format).
    sheet : workbook sheet; ``None`` stacks every sheet with the first sheet's columns.
    roles : explicit role -> column choices; the rest are detected.
    dayfirst : day/month order of text dates; ``None`` detects it.
    limits : size limits for hostile files.
    """
    data, name = source_bytes(source, name)
    preview = preview_table(data, name, sheet, limits)
    found = detect_roles(preview.columns, preview.sample, roles)
    check_roles(found, preview.columns)
    if not (found.quantity and found.unit_price):
        found = ColumnRoles(**{**found.as_dict(), "quantity": None, "unit_price": None})
    used = found.used()
    columns = list(dict.fromkeys(used.values()))
    text = [c for r, c in used.items() if r in TEXT_ROLES]
    # fastexcel reads a workbook from its path faster than from the same bytes in memory.
    where = str(source) if isinstance(source, str | Path) else data
    raw = read_table(where, name, preview, columns, text, limits)
    raw = _drop_repeated_headers(raw, found)
    if raw.empty:
        raise DataError(f"'{name}' has a header but no data rows.")
    return LoadedData(to_transactions(raw, found, dayfirst), found, preview, name)
