"""Parse the role columns (ids, dates, numbers) into the canonical transactions frame.

The result of this module is the canonical transactions frame every later step uses:

=============== ============================================================ =========
column          meaning                                                      required
=============== ============================================================ =========
customer_id     text as written (``12346.0`` from a float cell becomes 12346) yes
invoice_id      text as written; cancellations start with ``C``             no
invoice_date    datetime64                                                   yes
quantity        float                                                        with price
unit_price      float                                                        with quantity
revenue         quantity x unit_price, or the line-amount column            yes
country         text                                                         no
stock_code      text (non-product codes such as POST are found here)        no
description     text                                                         no
=============== ============================================================ =========
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError
from .roles import ColumnRoles, check_roles


# --------------------------------------------------------------------------- parsing
def parse_ids(values: pd.Series) -> pd.Series:
    """Ids as text kept as written; only a float rendering of an integer (``12346.0``) is cut."""
    if pd.api.types.is_float_dtype(values):
        out = pd.Series(pd.NA, index=values.index, dtype="str")
        ok = values.notna()
        whole = ok & (values == np.floor(values))
        out[whole] = values[whole].astype("int64").astype("str")
        out[ok & ~whole] = values[ok & ~whole].astype("str")
        return out
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.astype("str")
    text = values.astype("str").str.strip()
    # Only a float rendering of a whole number loses its ".0"; a cheap test avoids the regex.
    if text.str.endswith(".0").any():
        text = text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return text.where(values.notna() & (text != ""), pd.NA)


def parse_numbers(values: pd.Series, role: str) -> pd.Series:
    """Numbers from numeric cells or text (``1,5`` decimal comma, currency signs, spaces)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    text = values.astype("str").str.strip()
    text = text.str.replace(r"[^\d,.\-+eE]", "", regex=True)
    comma_decimal = text.str.fullmatch(r"-?\d+,\d+").mean() > 0.5
    if comma_decimal:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    out = pd.to_numeric(text, errors="coerce")
    bad = out.isna() & values.notna() & (values.astype("str").str.strip() != "")
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].astype(str).unique()[:3])
        raise DataError(
            f"{int(bad.sum()):,} {role.replace('_', ' ')} values are not numbers "
            f"(for example {examples}). Fix them in the file or map another column."
        )
    return out.astype("float64")


EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _dayfirst_from_text(text: pd.Series) -> bool | None:
    """``True``/``False`` when day/month order is clear from the values, ``None`` if ambiguous."""
    parts = text.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}")
    if parts[0].isna().all():
        return None
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    if (first > 12).any() and not (second > 12).any():
        return True
    if (second > 12).any() and not (first > 12).any():
        return False
    return None


def parse_dates(values: pd.Series, dayfirst: bool | None = None) -> pd.Series:
    """Datetimes from datetime cells, ISO text, day-first or month-first text, Excel serial
    numbers, or ``YYYYMMDD``.

    ``dayfirst=None`` detects the order from values such as ``13/01/2011``; when every value is
    ambiguous (day and month both 12 or less) month-first is assumed unless ``dayfirst=True``.

    Raises
    ------
    DataError
        Dates that do not parse, with how many and examples.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.tz_localize(None) if values.dt.tz is not None else values
        return out.astype("datetime64[ns]")
    present = values.notna()
    if pd.api.types.is_numeric_dtype(values):
        num = values.astype("float64")
        if num[present].between(19000101, 21001231).all():
            out = pd.to_datetime(
                num.astype("Int64").astype("str"), format="%Y%m%d", errors="coerce"
            )
        else:
            out = EXCEL_EPOCH + pd.to_timedelta(num.where(num.between(1, 2958465)), unit="D")
    else:
        text = values.astype("str").str.strip()
        if text[present].str.fullmatch(r"\d{8}").all():
            out = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        elif text[present].str.match(r"\d{4}-\d{2}-\d{2}").all():
            out = pd.to_datetime(text, format="ISO8601", errors="coerce")
        else:
            order = dayfirst if dayfirst is not None else _dayfirst_from_text(text[present])
            out = pd.to_datetime(text, dayfirst=bool(order), errors="coerce", format="mixed")
        out = out.where(present)
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    bad = out.isna() & present
    if bad.any():
        examples = ", ".join(repr(str(v)) for v in values[bad].unique()[:3])
        raise DataError(
            f"{int(bad.sum()):,} dates could not be read (for example {examples}). "
            "Check the date column, or set the day/month order (--dayfirst)."
        )
    return out.astype("datetime64[ns]")


def to_transactions(
    raw: pd.DataFrame, roles: ColumnRoles, dayfirst: bool | None = None
) -> pd.DataFrame:
    """Build the canonical transactions frame from the file's columns and their roles."""
    check_roles(roles, list(raw.columns))
    raw = raw.reset_index(drop=True)
    out: dict[str, pd.Series] = {"customer_id": parse_ids(raw[roles.customer_id])}
    if roles.invoice_id:
        out["invoice_id"] = parse_ids(raw[roles.invoice_id])
    out["invoice_date"] = parse_dates(raw[roles.invoice_date], dayfirst)
    # Quantity x unit price is the method's revenue; a line amount is used only without them.
    if roles.quantity and roles.unit_price:
        out["quantity"] = parse_numbers(raw[roles.quantity], "quantity")
        out["unit_price"] = parse_numbers(raw[roles.unit_price], "unit_price")
        out["revenue"] = out["quantity"] * out["unit_price"]
    else:
        out["revenue"] = parse_numbers(raw[roles.amount], "amount")
    if roles.country:
        out["country"] = _text(raw[roles.country])
    if roles.stock_code:
        out["stock_code"] = parse_ids(raw[roles.stock_code])
    if roles.description:
        out["description"] = _text(raw[roles.description])
    return pd.DataFrame(out)


def _text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values
    return values.astype("str").where(values.notna(), pd.NA)
