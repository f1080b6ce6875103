"""Column roles: find which column holds the customer id, the date, the amounts, ...; parse them.

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

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ColumnError, DataError

ROLES = (
    "customer_id",
    "invoice_id",
    "invoice_date",
    "quantity",
    "unit_price",
    "amount",
    "country",
    "stock_code",
    "description",
)
TEXT_ROLES = ("customer_id", "invoice_id", "country", "stock_code", "description")

# Normalised header names (lower case, letters and digits only) per role, best first.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customerid",
        "customer",
        "customerno",
        "customernumber",
        "customercode",
        "custid",
        "clientid",
        "client",
        "customeremail",
        "email",
        "emailaddress",
        "userid",
        "user",
        "memberid",
        "accountid",
        "account",
        "buyer",
        "buyerid",
        "shopper",
        "contactid",
    ),
    "invoice_id": (
        "invoiceno",
        "invoice",
        "invoiceid",
        "invoicenumber",
        "orderid",
        "order",
        "orderno",
        "ordernumber",
        "transactionid",
        "transaction",
        "receiptid",
        "receipt",
        "billno",
        "documentno",
        "salesorder",
    ),
    "invoice_date": (
        "invoicedate",
        "orderdate",
        "date",
        "transactiondate",
        "purchasedate",
        "saledate",
        "datetime",
        "timestamp",
        "createdat",
        "created",
        "orderdatetime",
        "day",
    ),
    "quantity": ("quantity", "qty", "units", "unitssold", "quantityordered", "itemcount"),
    "unit_price": (
        "unitprice",
        "price",
        "priceeach",
        "itemprice",
        "unitcost",
        "priceperunit",
        "rate",
    ),
    "amount": (
        "amount",
        "lineamount",
        "linetotal",
        "sales",
        "revenue",
        "total",
        "totalprice",
        "totalamount",
        "netsales",
        "netamount",
        "value",
        "salesamount",
        "sale",
        "subtotal",
    ),
    "country": ("country", "countryname", "countrycode", "billingcountry", "shippingcountry"),
    "stock_code": ("stockcode", "sku", "productcode", "itemcode", "productid", "itemid"),
    "description": ("description", "productname", "product", "itemname", "item", "title"),
}
# Words that, found inside a longer header, point to a role ("Customer Email", "Order Date").
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "client", "email"),
    "invoice_id": ("invoice", "order"),
    "invoice_date": ("date", "time"),
    "quantity": ("quantity", "qty"),
    "unit_price": ("price",),
    "amount": ("amount", "revenue", "sales", "total"),
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class ColumnRoles:
    """Which file column plays each role (``None`` when absent)."""

    customer_id: str | None = None
    invoice_id: str | None = None
    invoice_date: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    amount: str | None = None
    country: str | None = None
    stock_code: str | None = None
    description: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {r: getattr(self, r) for r in ROLES}

    def used(self) -> dict[str, str]:
        return {r: c for r, c in self.as_dict().items() if c is not None}


def detect_roles(
    columns: list[str],
    sample: pd.DataFrame | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ColumnRoles:
    """Assign columns to roles from their names, then from their content.

    Parameters
    ----------
    columns : the file's column names.
    sample : the first rows, used to find a date column whose name says nothing.
    overrides : role -> column set by the user; they win over detection.

    Raises
    ------
    ColumnError
        An override names an unknown role or a column that is not in the file.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    for role, col in overrides.items():
        if role not in ROLES:
            raise ColumnError(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}.")
        if col not in columns:
            raise ColumnError(
                f"Column '{col}' (set for {role}) is not in the file. "
                f"Columns present: {', '.join(columns)}."
            )
    found: dict[str, str] = dict(overrides)
    taken = set(found.values())
    normed = {c: _norm(c) for c in columns}
    # Exact names first, in each role's order of preference; then words inside names.
    for role in ROLES:
        if role in found:
            continue
        for want in ROLE_NAMES[role]:
            hit = next((c for c in columns if normed[c] == want and c not in taken), None)
            if hit:
                found[role] = hit
                taken.add(hit)
                break
    for role, words in ROLE_WORDS.items():
        if role in found:
            continue
        hit = next(
            (c for c in columns if c not in taken and any(w in normed[c] for w in words)), None
        )
        if hit:
            found[role] = hit
            taken.add(hit)
    if "invoice_date" not in found and sample is not None:
        for c in columns:
            if c not in taken and _looks_like_dates(sample[c]):
                found["invoice_date"] = c
                break
    return ColumnRoles(**found)


def _looks_like_dates(values: pd.Series) -> bool:
    values = values.dropna()
    if values.empty:
        return False
    if pd.api.types.is_datetime64_any_dtype(values) or all(
        hasattr(v, "year") and hasattr(v, "month") for v in values
    ):
        return True
    text = values.astype(str)
    return bool(text.str.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*").mean() > 0.9)


def check_roles(roles: ColumnRoles, columns: list[str]) -> None:
    """Raise a ``ColumnError`` naming each missing role and the columns present."""
    missing = []
    if roles.customer_id is None:
        missing.append("customer id")
    if roles.invoice_date is None:
        missing.append("invoice date")
    if roles.amount is None and (roles.quantity is None or roles.unit_price is None):
        missing.append("quantity and unit price (or one line-amount column)")
    if missing:
        raise ColumnError(
            f"No {' / '.join(missing)} column found. Columns present: {', '.join(columns)}. "
            "Choose the column for each role (command line: --map ROLE=COLUMN)."
        )


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
