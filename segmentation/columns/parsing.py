"""Parse the file's columns into the canonical transactions frame every later step uses.

=============== ============================================================ =========
column          meaning                                                      required
=============== ============================================================ =========
customer_id     text as written (``12346.0`` from a float cell becomes 12346;  yes
                e-mails trimmed and lower-cased)
invoice_id      text; rows without one are their own purchase                no
invoice_date    datetime64 (local wall time)                                 yes
quantity        float                                                        no
unit_price      float                                                        no
revenue         quantity x unit price, or the amount column                  yes
country         text                                                         no
stock_code      text (non-product codes such as POST are found here)         no
description     text                                                         no
kind            what the status column says: sale, refund, refunded, void    no
duplicate       the row repeats an earlier row over every column of the file yes
=============== ============================================================ =========

What real exports carry beyond the roles is decided here from the file and written into the
reading notes: continuation lines filled within their order, rows of column descriptions,
order rows that sum their item rows, amounts in minor units, a price that is already a line
total, a currency column, store-scoped order numbers and the customer key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import DataError
from .dates import DateFormat, parse_dates
from .notes import ReadingNotes
from .numbers import NumberFormat, file_decimal, parse_numbers
from .roles import NOT_REVENUE, NUMBER_ROLES, ColumnRoles, check_roles, detect_shape
from .shapes import Shape
from .states import read_states, state_notes
from .vocabulary import is_total

MINOR_UNITS = re.compile(r"(?i)(cents|pence|pennies|penny|öre|ore\b|minor units|in minor)")
EMAIL_COLUMNS = ("email", "customeremail", "billingemail", "buyeremail", "emailaddress")


@dataclass(frozen=True)
class ParseOptions:
    """Choices that override what the file's evidence says.

    dayfirst : day/month order of text dates (``None``: from evidence).
    decimal : decimal mark of text numbers, ``"."`` or ``","`` (``None``: from evidence).
    currency : the one currency to keep when a currency column holds several.
    statuses : what state values mean, ``(column or "", value, meaning)``, where the
        vocabulary does not know them (meanings: sale, void, refund, refunded).
    """

    dayfirst: bool | None = None
    decimal: str | None = None
    currency: str | None = None
    statuses: tuple[tuple[str, str, str], ...] = ()


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
    if text.str.startswith('="').any():  # Excel-protected text: ="000123" is the id 000123
        text = text.str.replace(r'^="(.*)"$', r"\1", regex=True)
    # Only a float rendering of a whole number loses its ".0"; a cheap test avoids the regex.
    if text.str.endswith(".0").any():
        text = text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return text.where(values.notna() & (text != ""), pd.NA)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _blank(values: pd.Series) -> pd.Series:
    blank = values.isna()
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)):
        blank |= values.astype("str").str.strip().eq("").fillna(True)
    return blank.astype(bool)


def _drop_description_row(raw: pd.DataFrame, roles: ColumnRoles) -> tuple[pd.DataFrame, int]:
    """A row of column descriptions or units right under the header ("EUR", "pcs", "date")
    is not data: its date is no date and its numbers are no numbers."""
    if len(raw) < 2 or roles.invoice_date is None:
        return raw, 0
    first = raw.iloc[0]
    date = first[roles.invoice_date]
    from .numbers import looks_like_number
    from .roles import _looks_like_dates

    if _looks_like_dates(pd.Series([date])) or pd.isna(date):
        return raw, 0
    numbers = [first[c] for c in (roles.quantity, roles.unit_price, roles.amount) if c]
    if any(pd.notna(v) and looks_like_number(str(v)) for v in numbers):
        return raw, 0
    return raw.iloc[1:].reset_index(drop=True), 1


def _drop_totals_rows(raw: pd.DataFrame, roles: ColumnRoles) -> tuple[pd.DataFrame, list[str]]:
    """Rows of totals (under the table, or under each block of a report): the customer, order
    or first cell says "Total" in some language and the row has no date. Returns the other
    rows and the labels seen."""
    labels = [c for c in dict.fromkeys([roles.customer_id, roles.invoice_id, raw.columns[0]]) if c]
    if roles.invoice_date is None or not len(raw):
        return raw, []
    undated = raw[roles.invoice_date].isna().to_numpy()
    if not undated.any():
        return raw, []
    found = np.zeros(len(raw), dtype=bool)
    seen: list[str] = []
    for column in labels:
        cells = raw[column][undated].dropna()
        totals = cells[cells.map(is_total)]
        found[raw.index.get_indexer(totals.index)] = True
        seen.extend(str(v) for v in totals.unique())
    if not found.any():
        return raw, []
    return raw[~found].reset_index(drop=True), list(dict.fromkeys(seen))


def _block_pattern(empty: np.ndarray, codes: np.ndarray) -> bool:
    """Whether a field's blanks follow the block pattern: in the file's orders of several rows,
    the first row carries the field and the following rows leave it blank (Shopify, Odoo).
    Blanks scattered over orders whose other rows are filled are missing values, not
    continuations."""
    listed = codes >= 0
    order = codes[listed]
    blank = empty[listed]
    size = np.bincount(order)
    # Codes are numbered in order of appearance: an order's first row is where the running
    # maximum grows.
    first = np.diff(np.maximum.accumulate(order), prepend=-1) > 0
    multi = size[order] > 1
    later_blank = np.bincount(order[multi & ~first & blank], minlength=len(size))
    later = size - 1
    first_blank = np.zeros(len(size), dtype=bool)
    first_blank[order[first & blank]] = True
    several = size > 1
    touched = several & (later_blank > 0)
    if not touched.any():
        return False
    # Every touched order: its first row filled and all its later rows blank; most orders of
    # several rows are touched.
    clean = touched & ~first_blank & (later_blank == later)
    return bool(clean.sum() == touched.sum() and touched.sum() >= 0.5 * several.sum())


def _fill_within_orders(raw: pd.DataFrame, roles: ColumnRoles) -> tuple[pd.DataFrame, int, int]:
    """Continuation lines: order fields left blank because the row belongs to the line above.

    In the block pattern (see :func:`_block_pattern`) rows with an order id take the order's
    customer, date, status and currency from the order's first row. Rows whose customer, date
    and order id are all blank but which carry amounts belong to the order above them.
    Returns the frame, rows filled within their order, continuation rows filled from above.
    """
    order_fields = [c for c in (roles.customer_id, roles.invoice_date) if c]
    extra = [c for c in (roles.status, roles.currency, roles.store) if c]
    key = [*order_fields, *([roles.invoice_id] if roles.invoice_id else [])]
    blank = {c: _blank(raw[c]) for c in dict.fromkeys([*key, *extra])}
    money = [c for c in (roles.quantity, roles.unit_price, roles.amount) if c]
    has_money = ~np.logical_and.reduce([_blank(raw[c]).to_numpy() for c in money])
    orphan = np.logical_and.reduce([blank[c].to_numpy() for c in key]) & has_money
    # An orphan continues the order above it only when some order is above it.
    orphan &= np.cumsum(~np.logical_and.reduce([blank[c].to_numpy() for c in key])) > 0
    raw = raw.copy(deep=False)  # columns are replaced, never changed in place (copy-on-write)
    if orphan.any():
        for c in dict.fromkeys([*key, *extra]):
            raw[c] = (
                raw[c]
                .mask(pd.Series(orphan, index=raw.index))
                .ffill()
                .where(pd.Series(orphan, index=raw.index), raw[c])
            )
    within = 0
    if roles.invoice_id:
        codes, _ = pd.factorize(raw[roles.invoice_id].where(~_blank(raw[roles.invoice_id])))
        for c in [*order_fields, *extra]:
            empty = _blank(raw[c]).to_numpy()
            if not (empty & (codes >= 0)).any() or not _block_pattern(empty, codes):
                continue
            fill = empty & (codes >= 0)
            first = raw[c].where(~empty).groupby(codes).transform("first")
            raw[c] = raw[c].where(~fill, first)
            within = max(within, int(fill.sum()))
    return raw, within, int(orphan.sum())


def _customer_key(raw: pd.DataFrame, roles: ColumnRoles) -> tuple[pd.Series, str, str]:
    """Customer ids; e-mails trimmed and compared without case. Rows without an id (or a
    guest id 0) take the e-mail of the row when the file has an e-mail column."""
    ids = parse_ids(raw[roles.customer_id])
    emails = ids.str.contains("@", regex=False).fillna(False)
    if emails.mean() > 0.5:
        ids = ids.str.strip().str.lower().where(ids.notna())
        why = f"'{roles.customer_id}' (e-mail addresses, compared without case)"
        return ids, why, "customer_key_email"
    why, code = f"'{roles.customer_id}'", "customer_key"
    email_col = next(
        (c for c in raw.columns if _norm(c) in EMAIL_COLUMNS and c != roles.customer_id), None
    )
    guest = ids.isna() | ids.eq("0")
    if email_col is not None and guest.any():
        mail = raw[email_col].astype("str").str.strip().str.lower()
        mail = mail.where(raw[email_col].notna() & mail.str.contains("@", regex=False), pd.NA)
        take = guest & mail.notna()
        if take.any():
            ids = ids.where(~take, mail)
            why += f"; {int(take.sum()):,} rows without an id (or id 0, a guest) use '{email_col}'"
            code = "customer_key_email_fill"
    return ids, why, code


def _duplicates(raw: pd.DataFrame) -> np.ndarray:
    """Rows equal to an earlier row over every column of the file, as ``DataFrame.duplicated``
    finds them; row hashes pick the candidates, an exact comparison decides."""
    if raw.empty:
        return np.zeros(0, dtype=bool)
    hashes = pd.util.hash_pandas_object(raw, index=False)
    candidates = hashes.duplicated(keep=False).to_numpy()
    out = np.zeros(len(raw), dtype=bool)
    if candidates.any():
        out[candidates] = raw[candidates].duplicated().to_numpy()
    return out


def _as_read(
    raw: pd.DataFrame,
    roles: ColumnRoles,
    out: dict[str, pd.Series],
    values: dict[str, pd.Series],
    written: pd.Series | None,
) -> pd.DataFrame:
    """The file after filling, with its role columns as read: duplicates are judged on what
    the values mean (``12346.0`` and ``12346`` are one customer), after filling (a filled
    line can repeat another exactly)."""
    frame = raw.copy(deep=False)
    frame[roles.customer_id] = out["customer_id"]
    frame[roles.invoice_date] = out["invoice_date"]
    if written is not None:
        frame[roles.invoice_id] = written
    for role, series in values.items():
        frame[getattr(roles, role)] = series
    return frame


def _numbers(
    raw: pd.DataFrame, roles: ColumnRoles, options: ParseOptions, delimiter: str | None
) -> tuple[dict[str, pd.Series], dict[str, NumberFormat]]:
    used = {r: getattr(roles, r) for r in NUMBER_ROLES if getattr(roles, r)}
    # Evidence for the convention: every number column of the file follows the same one.
    moneyish = [
        c
        for c in raw.columns
        if c in used.values()
        or any(w in _norm(c) for w in (*NOT_REVENUE, "total", "price", "amount", "sales", "qty"))
    ]
    context = file_decimal({c: raw[c] for c in moneyish}, delimiter)
    values, formats = {}, {}
    for role, column in used.items():
        values[role], formats[role] = parse_numbers(raw[column], column, options.decimal, context)
        if MINOR_UNITS.search(column) and role != "quantity":
            values[role] = values[role] / 100
            formats[role] = NumberFormat(
                formats[role].decimal,
                formats[role].decided_by + "; the header says minor units: divided by 100",
                formats[role].currency,
                formats[role].text,
                formats[role].remarks,
            )
    currencies = {f.currency for f in formats.values() if f.currency}
    if len(currencies) > 1:
        raise DataError(
            "The number columns are written in different currencies "
            f"({', '.join(sorted(currencies))}).",
            setting="currency",
        )
    return values, formats


SAMPLE = 50_000  # rows whose arithmetic decides whether a "price" is a line total


def _price_is_line_total(q: pd.Series, p: pd.Series, product: pd.Series) -> bool:
    """Whether a "price" is the line's total: on the lines of more than one unit, the price
    differs from the product's usual price while price / quantity equals its usual value."""
    # The evidence of the file's first rows is enough, and keeps the check cheap on any file.
    q, p, product = q.iloc[:SAMPLE], p.iloc[:SAMPLE], product.iloc[:SAMPLE]
    ok = (q > 0) & (p > 0) & product.notna()
    frame = pd.DataFrame({"product": product[ok], "q": q[ok], "p": p[ok].round(2)})
    frame["each"] = (frame["p"] / frame["q"]).round(2)
    several = frame["q"] != 1
    if several.sum() < 3:
        return False
    lines = frame[several]

    def usual(column: str) -> pd.Series:  # each product's most frequent value
        counts = frame.groupby(["product", column], observed=True).size().rename("n")
        top = counts.reset_index().sort_values("n", kind="stable", ascending=False)
        return top.drop_duplicates("product").set_index("product")[column]

    as_unit = float((lines["p"] == lines["product"].map(usual("p"))).mean())
    as_total = float((lines["each"] == lines["product"].map(usual("each"))).mean())
    return as_total >= 0.8 and as_unit < 0.5


def _revenue(
    values: dict[str, pd.Series],
    roles: ColumnRoles,
    shape: Shape | None,
    product: pd.Series | None = None,
) -> tuple[pd.Series, str, str]:
    """Each line's revenue, how it was found in words, and the decision's code."""
    q, p, a = values.get("quantity"), values.get("unit_price"), values.get("amount")
    if q is not None and p is not None:
        if a is not None:
            several = (q.abs() > 1) & p.notna() & a.notna()
            if several.sum() >= 3:
                as_total = (p[several] - a[several]).abs() <= 0.005 + 0.001 * a[several].abs()
                as_unit = (q[several] * p[several] - a[several]).abs() <= 0.005 + 0.001 * a[
                    several
                ].abs()
                if as_total.mean() > 0.8 and as_total.mean() > as_unit.mean():
                    return (
                        p,
                        f"'{roles.unit_price}' is already the line total ('{roles.amount}' "
                        "equals it where quantity is above 1): not multiplied by the quantity",
                        "revenue_price_is_line_total",
                    )
        if product is not None and _price_is_line_total(q, p, product):
            return (
                p,
                f"'{roles.unit_price}' is the line total: for each product it grows with "
                f"'{roles.quantity}' (price / quantity is the same): not multiplied again",
                "revenue_price_is_line_total",
            )
        return q * p, f"'{roles.quantity}' x '{roles.unit_price}'", "revenue_quantity_x_price"
    if a is None:  # check_roles makes this unreachable for a complete mapping
        raise DataError("No amount: map quantity and unit price, or one amount column.")
    what = f"'{roles.amount}'"
    if shape is not None and shape.price_is_line_total:
        what += " (the line total)"
    return a, what, "revenue_amount"


PATTERN_ROWS = 50_000  # rows in which a file's parent-row pattern is looked for first


def _parents(ids: pd.Series, revenue: pd.Series) -> np.ndarray | None:
    """When most orders of three or more rows hold one row equal to the sum of the others,
    that row of every order (the first, when two equal rows make an order of two); else
    ``None``."""
    codes = pd.factorize(ids)[0]
    value = revenue.to_numpy(dtype="float64")
    valid = ~np.isnan(value) & (codes >= 0)  # a row with an order id and an amount
    if not valid.any():
        return None
    at = np.where(codes >= 0, codes, 0)
    n = int(codes.max()) + 1
    per_total = np.bincount(codes[valid], weights=value[valid], minlength=n)
    per_count = np.bincount(codes[valid], minlength=n)
    close = np.abs(2 * value - per_total[at]) <= 0.005 + 1e-6 * np.abs(value)
    equal = valid & (per_count[at] >= 2) & close
    big = per_count >= 3
    with_parent = int(((np.bincount(codes[equal], minlength=n) > 0) & big).sum())
    if big.sum() < 3 or with_parent < 0.8 * big.sum():
        return None
    first = np.zeros(len(ids), dtype=bool)
    hit = np.flatnonzero(equal)
    first[hit[np.unique(codes[hit], return_index=True)[1]]] = True
    return first


def _summary_rows(tx: pd.DataFrame, raw: pd.DataFrame, roles: ColumnRoles) -> np.ndarray:
    """Order rows written beside their item rows (eBay's order row, a POS receipt's "Sale"
    row, an ERP's document header): an amount equal to the sum of the order's other rows.

    Found by arithmetic: the file's pattern (:func:`_parents`), or a row without an item of
    its own whose amount is the sum of its order's item rows."""
    if "invoice_id" not in tx:
        return np.zeros(len(tx), dtype=bool)
    ids, revenue = tx["invoice_id"], tx["revenue"]
    # The pattern is looked for in the file's first rows (cheap on any file), then applied.
    if _parents(ids.iloc[:PATTERN_ROWS], revenue.iloc[:PATTERN_ROWS]) is not None:
        parents = _parents(ids, revenue)
        if parents is not None:
            return parents
    if roles.amount is None:
        return np.zeros(len(tx), dtype=bool)
    item_cols = [c for c in (roles.quantity, roles.stock_code, roles.description) if c]
    if not item_cols:
        return np.zeros(len(tx), dtype=bool)
    # ``tx`` may have lost rows (other currencies): look at the same rows of the file.
    no_item = np.logical_and.reduce([_blank(raw[c]).to_numpy() for c in item_cols])
    no_item = no_item[tx.index.to_numpy()]
    if not no_item.any():
        return np.zeros(len(tx), dtype=bool)
    filled = revenue.fillna(0)
    items_sum = filled.where(~no_item, 0).groupby(ids).transform("sum")
    items_count = pd.Series(~no_item, index=tx.index).groupby(ids).transform("sum")
    close = (filled - items_sum).abs() <= 0.005 + 1e-6 * filled.abs()
    return (no_item & (items_count > 0) & close).to_numpy(dtype=bool)


# Columns carried for the contact fields are named with this prefix in the transactions.
CARRIED = "contact:"


def to_transactions(
    raw: pd.DataFrame,
    roles: ColumnRoles,
    options: ParseOptions | None = None,
    delimiter: str | None = None,
    carry: Sequence[str] = (),
) -> tuple[pd.DataFrame, ReadingNotes]:
    """Build the canonical transactions frame from the file's columns and their roles.

    Parameters
    ----------
    raw : every column of the file, as read.
    roles : which column plays each role.
    options : the user's choices for what evidence cannot decide.
    delimiter : a text file's delimiter (``;`` is evidence for decimal commas).
    carry : further columns to carry as they are read, named ``contact:<column>``.

    Returns
    -------
    The frame (see the module's table) and the reading notes.
    """
    options = options or ParseOptions()
    check_roles(roles, list(raw.columns))
    notes = ReadingNotes()
    shape = detect_shape(list(raw.columns))
    raw = raw.reset_index(drop=True)
    blank = raw.isna().all(axis=1).to_numpy()
    if blank.any():  # spacer rows of a report: nothing to read
        raw = raw[~blank].reset_index(drop=True)
        count = int(blank.sum())
        notes = notes.add("Rows", f"{count:,} empty row{'s' if count != 1 else ''} skipped")
    raw, described = _drop_description_row(raw, roles)
    if described:
        notes = notes.add("Rows", "the row under the header describes the columns: not data")
    raw, totals = _drop_totals_rows(raw, roles)
    if totals:
        notes = notes.add(
            "Rows", f"rows of totals ({', '.join(repr(t) for t in totals[:3])}) set aside"
        )
    raw, within, orphans = _fill_within_orders(raw, roles)
    if within:
        notes = notes.add(
            "Order lines", f"{within:,} lines took their order's fields from its first line"
        )
    if orphans:
        notes = notes.add(
            "Order lines", f"{orphans:,} continuation lines belong to the order above them"
        )
    customers, why, code = _customer_key(raw, roles)
    notes = notes.add("Customer key", why, code)
    out: dict[str, pd.Series] = {"customer_id": customers}
    written: pd.Series | None = None  # order ids as the file writes them
    if roles.invoice_id:
        ids = written = parse_ids(raw[roles.invoice_id])
        if roles.store:
            store = parse_ids(raw[roles.store])
            ids = (store.fillna("") + "/" + ids).where(ids.notna())
            notes = notes.add(
                "Order key", f"'{roles.invoice_id}' within '{roles.store}' (numbers repeat)"
            )
        missing = ids.isna() & customers.notna()
        if missing.any():
            ids = ids.where(~missing, "(no id) row " + pd.Series(raw.index + 1, dtype="str"))
            notes = notes.add(
                "Order key",
                f"{int(missing.sum()):,} rows without an order id are each a purchase",
                "rows_without_order_id",
            )
        out["invoice_id"] = ids
    values, formats = _numbers(raw, roles, options, delimiter)
    lean = any(f.decimal == "," for f in formats.values() if f.text) or delimiter == ";"
    dates, date_format = parse_dates(
        raw[roles.invoice_date],
        options.dayfirst,
        lean_dayfirst=lean,
        order_key=out.get("invoice_id"),
    )
    out["invoice_date"] = dates
    notes = _date_note(notes, str(roles.invoice_date), date_format)
    if "invoice_id" in out and not roles.store:
        out["invoice_id"], notes = _daily_order_numbers(out["invoice_id"], dates, notes)
    for role, fmt in formats.items():
        if fmt.text:
            in_currency = f", currency {fmt.currency}" if fmt.currency else ""
            code = (
                "numbers_decimal_comma"
                if fmt.decimal == ","
                else "numbers_with_signs"
                if fmt.remarks or fmt.currency
                else "numbers_decimal_point"
            )
            notes = notes.add(
                "Numbers",
                f"'{getattr(roles, role)}': decimal mark '{fmt.decimal}' ({fmt.decided_by})"
                + in_currency
                + "".join(f"; {remark}" for remark in fmt.remarks),
                code,
            )
    if "quantity" in values:
        out["quantity"] = values["quantity"]
    if "unit_price" in values:
        out["unit_price"] = values["unit_price"]
    for role in ("country", "description"):
        column = getattr(roles, role)
        if column:
            out[role] = _text(raw[column])
    if roles.stock_code:
        out["stock_code"] = parse_ids(raw[roles.stock_code])
    product = out.get("stock_code", out.get("description"))
    out["revenue"], how, code = _revenue(values, roles, shape, product)
    notes = notes.add("Revenue", how, code)
    used = {c for r, c in roles.used().items() if r != "status"}
    kinds, states = read_states(
        raw,
        [c for c in raw.columns if c not in used],
        out["revenue"],
        shape,
        options.statuses,
        roles.status,
    )
    if kinds is not None:
        out["kind"] = kinds
        notes = replace(notes, states=states)
        for line in state_notes(states):
            notes = notes.add("Status", line)
    as_read = _as_read(raw, roles, out, values, written)
    out["duplicate"] = pd.Series(_duplicates(as_read), index=raw.index)
    for column in carry:
        out[CARRIED + column] = raw[column]
    tx = pd.DataFrame(out)
    tx, notes = _one_currency(tx, raw, roles, options, notes)
    summary = _summary_rows(tx, raw, roles)
    if summary.any():
        tx = tx[~summary]
        notes = notes.add(
            "Rows",
            f"{int(summary.sum()):,} order rows whose amount is the sum of their order's other "
            "rows: counted once (the lines are kept)",
        )
    if shape is not None:
        export = shape.name + (f" ({shape.note})" if shape.note else "")
        notes = notes.first("Export", export)
    currency = next((f.currency for f in formats.values() if f.currency), None)
    notes = replace(
        notes,
        decimal="," if any(f.decimal == "," for f in formats.values() if f.text) else ".",
        date_order=date_format.order if "/" in date_format.order else None,
        currency=currency or notes.currency,  # written in the values, or the currency column
    )
    if notes.currency is None and options.currency and not roles.currency:
        chosen = _currency_code(options.currency)
        notes = replace(notes, currency=chosen).add(
            "Currency", f"{chosen} (your choice: the file does not say)"
        )
    return tx.reset_index(drop=True), notes


def _currency_code(text: str) -> str:
    from .currencies import CODES

    code = text.strip().upper()
    if code not in CODES:
        raise DataError(f"'{code}' is not a currency code: give its three letters, such as EUR.")
    return code


# Order numbers that restart every day (a till's receipt numbers): when this share of the
# numbers appears on more than one day, each day's numbers are separate orders.
DAILY_NUMBERS = 0.2


def _daily_order_numbers(
    ids: pd.Series, dates: pd.Series, notes: ReadingNotes
) -> tuple[pd.Series, ReadingNotes]:
    codes, uniques = pd.factorize(ids)
    if len(uniques) == 0:
        return ids, notes
    days = dates.to_numpy().astype("datetime64[D]").astype("int64")
    known = (codes >= 0) & ~np.isnat(dates.to_numpy())
    day = days[known] - days[known].min() if known.any() else days[known]
    pairs = np.unique(codes[known].astype("int64") * (int(day.max(initial=0)) + 1) + day)
    spread = np.bincount(pairs // (int(day.max(initial=0)) + 1), minlength=len(uniques)) > 1
    if spread.mean() <= DAILY_NUMBERS:
        return ids, notes
    keyed = ids + " " + dates.dt.strftime("%Y-%m-%d")
    return keyed.where(ids.notna()), notes.add(
        "Order key",
        f"{int(spread.sum()):,} of {len(uniques):,} order numbers appear on several days: "
        "each day's numbers are separate orders (a till's daily receipt numbers)",
    )


def _date_note(notes: ReadingNotes, column: str, fmt: DateFormat) -> ReadingNotes:
    text = f"'{column}': {fmt.order}"
    if fmt.decided_by:
        text += f" ({fmt.decided_by})"
    if fmt.offsets_dropped:
        text += "; UTC offsets dropped: times are the local time written in the file"
    if fmt.words:
        text += "; read from words: " + ", ".join(fmt.words)
    rewritten = bool(fmt.words) or fmt.order.startswith(("Unix", "spreadsheet"))
    return notes.add("Dates", text, "dates_rewritten" if rewritten else "dates")


def _one_currency(
    tx: pd.DataFrame,
    raw: pd.DataFrame,
    roles: ColumnRoles,
    options: ParseOptions,
    notes: ReadingNotes,
) -> tuple[pd.DataFrame, ReadingNotes]:
    """One currency: the file's only one, a column converting every row to one, or the one the
    user chose (saying how many customers and how much money the others leave out)."""
    if not roles.currency:
        return tx, notes
    currency = (
        raw[roles.currency].astype("str").str.strip().str.upper().where(raw[roles.currency].notna())
    )
    counts = currency.value_counts()
    if len(counts) <= 1:
        if len(counts):
            notes = replace(notes, currency=str(counts.index[0]))
            notes = notes.add("Currency", f"{counts.index[0]} ('{roles.currency}')")
        return tx, notes
    listed = ", ".join(f"{c} ({n:,} row{'s' if n != 1 else ''})" for c, n in counts.items())
    if options.currency is None:
        converted = _converted(raw, roles, tx["revenue"], currency, options)
        if converted is not None:
            column, values, base, why = converted
            notes = replace(notes, currency=base).add(
                "Currency",
                f"several currencies ({listed}): the amounts come from '{column}', which "
                f"converts every row to {base or 'one currency'} ({why})",
            )
            return tx.assign(revenue=values), notes
        raise DataError(
            f"'{roles.currency}' holds several currencies: {listed}. Their amounts cannot be "
            "added up. Choose one currency.",
            setting="currency",
        )
    wanted = options.currency.strip().upper()
    if wanted not in counts.index:
        raise DataError(f"No rows are in {wanted}. Currencies in the file: {listed}.")
    keep = (currency == wanted).to_numpy()
    left = tx[~keep].assign(currency=currency[~keep])
    money = ", ".join(
        f"{code} {group['revenue'].sum():,.2f} ({_customers(group['customer_id'])})"
        for code, group in left.groupby("currency", sort=True)
    )
    gone = set(left["customer_id"].dropna()) - set(tx.loc[keep, "customer_id"].dropna())
    line = f"{wanted} only; left out {int((~keep).sum()):,} rows in other currencies: {money}"
    if gone:
        line += (
            f"; {_customers(pd.Series(sorted(gone)))} {'has' if len(gone) == 1 else 'have'} "
            f"no {wanted} purchase and {'is' if len(gone) == 1 else 'are'} not segmented"
        )
    return tx[keep], replace(notes, currency=wanted).add("Currency", line)


def _customers(ids: pd.Series) -> str:
    n = ids.nunique()
    return f"{n:,} customer{'s' if n != 1 else ''}"


def _converted(
    raw: pd.DataFrame,
    roles: ColumnRoles,
    revenue: pd.Series,
    currency: pd.Series,
    options: ParseOptions,
) -> tuple[str, pd.Series, str | None, str] | None:
    """A money column that converts every row to one currency ("Amount (EUR)", "Settlement
    amount"): its values (with each row's sign), the currency, and the evidence. The currency
    is the one the header names, or the one whose rows it leaves unchanged."""
    from .currencies import CODES
    from .roles import ROLE_WORDS, ROLE_WORDS_INTL
    from .vocabulary import CONVERTED_WORDS, header_has

    money = (*ROLE_WORDS["amount"], *ROLE_WORDS_INTL["amount"].split("|"), "net", "gross")
    used = set(roles.__dict__.values())
    for column in raw.columns:
        if column in used or not header_has(str(column), money):
            continue
        named = [t for t in re.findall(r"[A-Z]{3}", str(column)) if t in CODES]
        if not named and not header_has(str(column), CONVERTED_WORDS):
            continue
        try:
            values, _ = parse_numbers(raw[column], str(column), options.decimal)
        except DataError:
            continue
        if values.isna().mean() > 0.01:
            continue
        values = values.abs() * np.sign(revenue.fillna(0)).replace(0, 1)
        same = (values - revenue).abs() <= 0.005
        unchanged = [c for c in currency.dropna().unique() if same[currency == c].all()]
        base = named[0] if named else (unchanged[0] if len(unchanged) == 1 else None)
        if named and base in currency.values and base not in unchanged:
            continue  # the header names a currency whose rows it changes: not a conversion
        why = (
            f"the header names {base}" if named else
            f"its {base} rows equal '{roles.amount or 'the amounts'}'" if base else
            "the header says so; the file does not name the currency"
        )  # fmt: skip
        return str(column), values, base, why
    return None


def _text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values
    return values.astype("str").where(values.notna(), pd.NA)
