"""Column roles: which column holds the customer id, the date, the amounts, ...

Pure Python (pandas is imported only to look at a sample's content), so a workbook's parse can
start before pandas has finished importing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ColumnError

if TYPE_CHECKING:
    import pandas as pd

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
    sample : the first rows (or a function returning them, called only when needed), used to
        find a date column whose name says nothing.
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
        sample = sample() if callable(sample) else sample
        for c in columns:
            if c not in taken and _looks_like_dates(sample[c]):
                found["invoice_date"] = c
                break
    return ColumnRoles(**found)


def _looks_like_dates(values: pd.Series) -> bool:
    import pandas as pd

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
