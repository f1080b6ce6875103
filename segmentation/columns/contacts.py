"""Contact fields: the columns beyond the transaction roles that travel to the customer file.

Columns are recognised by name (a table kept as data, ``CONTACT_NAMES``) and checked by content
(an e-mail column holds addresses; a column of addresses is an e-mail column whatever its name).
Each customer gets the most recent non-empty value of each column (by invoice date; the later
row wins a tie), so a customer who changed address has the new one. A marketing-consent column
("Accepts Marketing") is read as yes / no / unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# kind -> normalised header names (lower case, letters and digits only). A header equal to one
# of them, or ending in one after a prefix such as "billing" or "shipping", is of that kind.
# Consent comes first: "Accepts Email Marketing" is consent, not an e-mail address.
CONTACT_NAMES: dict[str, tuple[str, ...]] = {
    "consent": (
        "acceptsmarketing",
        "acceptsemailmarketing",
        "emailmarketingconsent",
        "marketingconsent",
        "marketingoptin",
        "optin",
        "optedin",
        "newsletter",
        "subscribed",
        "consent",
    ),
    "email": ("email", "emailaddress", "mail", "email1"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell"),
    "name": (
        "name",
        "fullname",
        "customername",
        "clientname",
        "buyername",
        "contactname",
        "firstname",
        "lastname",
        "surname",
        "givenname",
        "familyname",
    ),
    "company": ("company", "companyname", "organisation", "organization", "business"),
    "country": ("country", "countrycode", "countryname"),
    "city": ("city", "town"),
    "region": ("province", "provincecode", "region", "county"),
    "postcode": ("zip", "zipcode", "postcode", "postalcode"),
    "address": ("address", "address1", "address2", "street"),
}
PREFIXES = ("billing", "shipping", "customer", "buyer", "contact", "default", "")
# Names that contain a contact word but are something else.
NOT_CONTACT = ("product", "item", "store", "shop", "variant", "sku", "vendor", "method", "file")
DEFAULT_KINDS = ("email", "name", "country", "consent")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Text a spreadsheet cannot run: digits, spaces and + - ( ) . (a phone number as written).
PHONE = re.compile(r"^[\d\s+\-().]+$")
YES = {"yes", "y", "true", "1", "subscribed", "opted in", "optedin", "accepted", "granted", "x"}
NO = {"no", "n", "false", "0", "unsubscribed", "not subscribed", "not_subscribed", "denied"}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def kind_by_name(column: str) -> str | None:
    norm = _norm(column)
    if any(word in norm for word in NOT_CONTACT):
        return None
    for kind, names in CONTACT_NAMES.items():
        if any(norm == prefix + name for name in names for prefix in PREFIXES):
            return kind
    return None


def _emails(values: pd.Series, share: float) -> bool:
    text = values.dropna().astype("str").str.strip()
    text = text[text != ""]
    return len(text) > 0 and text.str.match(EMAIL).mean() >= share


def _words(values: pd.Series) -> bool:
    """Whether most values hold letters (a person's or a company's name does)."""
    text = values.dropna().astype("str").str.strip()
    text = text[text != ""]
    return text.empty or text.str.contains(r"[^\W\d_]", regex=True).mean() >= 0.5


@dataclass(frozen=True)
class ContactFields:
    """The contact columns of a file: each candidate's kind (``None``: not recognised) and
    the latest value per customer (index ``customer_id``, one column per candidate)."""

    kinds: dict[str, str | None] = field(default_factory=dict)
    values: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def default(self) -> list[str]:
        """E-mail, name, country and consent where the file has them (first and last name
        together when there is no full name)."""
        chosen: list[str] = []
        for kind in DEFAULT_KINDS:
            columns = [c for c, k in self.kinds.items() if k == kind]
            if kind == "name":
                parts = [c for c in columns if re.search("first|last|sur|given|family", _norm(c))]
                whole = [c for c in columns if c not in parts]
                columns = whole[:1] or parts[:2]
            chosen += columns[:1] if kind != "name" else columns
        return chosen

    def consent_column(self, chosen: list[str]) -> str | None:
        return next((c for c in chosen if self.kinds.get(c) == "consent"), None)


def detect_kinds(sample: pd.DataFrame, candidates: list[str]) -> dict[str, str | None]:
    """Each candidate column's contact kind by name, checked by content: a column named like an
    e-mail must hold addresses; a column of addresses is an e-mail column."""
    kinds: dict[str, str | None] = {}
    for column in candidates:
        kind = kind_by_name(column)
        values = sample[column] if column in sample else pd.Series(dtype="object")
        if kind == "email" and not _emails(values, 0.5):
            kind = None
        if kind == "name" and not _words(values):  # "#1001" is an order number, not a name
            kind = None
        if kind is None and _emails(values, 0.9):
            kind = "email"
        kinds[column] = kind
    return kinds


def latest_values(customers: pd.Series, dates: pd.Series, columns: pd.DataFrame) -> pd.DataFrame:
    """The most recent non-empty value of each column per customer (text as written).

    Rows are put in date order (stable: the later row wins a tie); per customer and column the
    last row with a value is taken, then only those values are turned into text."""
    from .parsing import parse_ids

    order = np.argsort(dates.to_numpy(), kind="stable")
    codes, ids = pd.factorize(customers)
    codes = codes[order]
    position = np.arange(len(order))
    out = {}
    for column in columns.columns:
        values = columns[column].iloc[order].reset_index(drop=True)
        filled = values.notna().to_numpy() & (codes >= 0)
        if not pd.api.types.is_numeric_dtype(values):  # blank text is no value either
            blank = [v for v in values.dropna().unique() if not str(v).strip()]
            if blank:
                filled &= ~values.isin(blank).to_numpy()
        last = np.full(len(ids), -1)
        found = pd.Series(position[filled]).groupby(codes[filled]).max()
        last[found.index.to_numpy()] = found.to_numpy()
        taken = values.iloc[np.maximum(last, 0)].where(pd.Series(last >= 0).to_numpy())
        out[column] = parse_ids(taken.reset_index(drop=True)).to_numpy()
    return pd.DataFrame(out, index=pd.Index(ids, name="customer_id")).sort_index()


def consent(values: pd.Series) -> pd.Series:
    """Consent as ``True`` / ``False`` / ``<NA>`` (unknown) from yes/no-like words."""
    text = values.astype("str").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(YES) & values.notna()] = True
    out[text.isin(NO) & values.notna()] = False
    return out


def is_phone(values: pd.Series) -> pd.Series:
    """Text made only of digits, spaces and + - ( ) . with at least six digits."""
    text = values.astype("str")
    return text.str.match(PHONE) & (text.str.count(r"\d") >= 6) & values.notna()
