"""Exports: labelled customers and cluster summary as CSV/XLSX, safe to open in a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from .settings import METRICS

CUSTOMER_COLUMNS = ["customer_id", *METRICS, "cluster", "segment"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def customers_table(rfm: pd.DataFrame, labels: pd.Series, names: Mapping[int, str]) -> pd.DataFrame:
    """Every customer with ``customer_id, recency_days, frequency, monetary, cluster, segment``."""
    out = rfm[list(METRICS)].reset_index()
    out["cluster"] = labels.to_numpy()
    out["segment"] = out["cluster"].map(dict(names))
    return out[CUSTOMER_COLUMNS]


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe.

    Only text columns change: ``=HYPERLINK(...)``, ``+1+1``, ``-2`` or ``@SUM(1)`` written as
    an id or a name become ``'=HYPERLINK(...)``, ... Numbers are left alone.
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            text = values.astype("str")
            risky = text.str.startswith(FORMULA_START) & values.notna()
            if risky.any():
                out[col] = text.where(~risky, "'" + text).where(values.notna(), values)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark so Excel reads accents), formulas neutralised."""
    return neutralize_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame, formulas neutralised."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, frame in sheets.items():
            neutralize_formulas(frame).to_excel(writer, sheet_name=title[:31], index=False)
    return buffer.getvalue()
