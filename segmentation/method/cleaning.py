"""Cleaning rules, each on/off and each reported with the rows, sales and refunds it removed.

Refund lines are cancellations (an invoice id of ``C`` followed by digits, the Online Retail
convention), negative quantities (negative amounts in a file without quantities), and rows a
status column calls a refund or credit note. The refunds setting decides their fate: netted
against the customer's purchases (default), dropped, or kept as ordinary rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, SettingsError
from ..settings import REFUNDS, CleaningOptions
from ..words import count

# Stock codes that are not products: postage, fees, manual adjustments, samples, tests.
NON_PRODUCT_CODES = frozenset(
    {
        "POST",
        "DOT",
        "M",
        "BANK CHARGES",
        "AMAZONFEE",
        "C2",
        "CRUK",
        "D",
        "S",
        "PADS",
        "B",
        "ADJUST",
        "ADJUST2",
        "TEST001",
        "TEST002",
    }
)
NON_PRODUCT_PATTERN = r"^(?:gift_\d+_\d+|DCGS\w*)$"
CANCELLATION = r"^[Cc]\d+$"


def _none(tx: pd.DataFrame) -> pd.Series:
    return pd.Series(False, index=tx.index)


def _kind(tx: pd.DataFrame, kind: str) -> pd.Series:
    return tx["kind"].eq(kind).fillna(False) if "kind" in tx else _none(tx)


def refund_lines(tx: pd.DataFrame) -> pd.Series:
    """Cancellations (``C`` and digits), negative quantities (or negative amounts without a
    quantity column), and rows a status column calls refunds."""
    out = _kind(tx, "refund")
    if "invoice_id" in tx:
        out |= tx["invoice_id"].str.match(CANCELLATION).fillna(False).astype(bool)
    counted = tx["quantity"] if "quantity" in tx else tx["revenue"]
    return out | (counted < 0).fillna(False)


def _refunded_orders(tx: pd.DataFrame) -> pd.Series:
    return _kind(tx, "refunded")


def _drop_refunds(tx: pd.DataFrame, refund: pd.Series) -> pd.Series:
    return refund | _refunded_orders(tx)


def _bad_number(values: pd.Series, allow_negative: pd.Series | None = None) -> pd.Series:
    bad = ~(np.isfinite(values) & (values != 0))
    negative = (values < 0).fillna(False)
    if allow_negative is not None:
        negative &= ~allow_negative
    return bad | negative


def _bad_price(tx: pd.DataFrame, refund: pd.Series) -> pd.Series:
    if "quantity" in tx and "unit_price" in tx:
        return _bad_number(tx["unit_price"])
    return _bad_number(tx["revenue"], refund)  # negative amounts are refunds


def _bad_quantity(tx: pd.DataFrame, refund: pd.Series) -> pd.Series:
    if "quantity" not in tx:
        return _none(tx)
    return _bad_number(tx["quantity"], refund)  # negative quantities are refunds


def _non_product(tx: pd.DataFrame, refund: pd.Series) -> pd.Series:
    if "stock_code" not in tx:
        return _none(tx)
    codes = tx["stock_code"].str.strip()
    hit = codes.str.upper().isin(NON_PRODUCT_CODES) | codes.str.match(NON_PRODUCT_PATTERN)
    return hit.fillna(False).astype(bool)


def _duplicates(tx: pd.DataFrame, refund: pd.Series) -> pd.Series:
    """Rows equal to an earlier row over every column of the file (found when it was read)."""
    if "duplicate" in tx:
        return tx["duplicate"].astype(bool)
    return tx.duplicated()


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    # (transactions, refund-line mask) -> rows the rule removes
    removes: Callable[[pd.DataFrame, pd.Series], pd.Series]


# Applied in this order; each rule sees what the rules before it kept.
RULES: tuple[Rule, ...] = (
    Rule("missing_customer", "Missing customer id", lambda tx, _: tx["customer_id"].isna()),
    Rule("missing_date", "Missing invoice date", lambda tx, _: tx["invoice_date"].isna()),
    Rule(
        "not_purchase",
        "Cancelled, pending or no sale (status)",
        lambda tx, _: _kind(tx, "void"),
    ),
    Rule("refunds", "Refunds (cancellations, returns, credit notes)", _drop_refunds),
    Rule("nonpositive_quantity", "Quantity zero or missing", _bad_quantity),
    Rule("nonpositive_price", "Price ≤ 0, amount 0, or missing", _bad_price),
    Rule("duplicates", "Exact duplicate rows", _duplicates),
    Rule("non_product", "Postage, fees and adjustments", _non_product),
)
NETTED_OUT = "net_nonpositive"
NETTED_OUT_LABEL = "Customers who returned everything (net spend 0 or less)"
REPORT_COLUMNS = ["rule", "description", "enabled", "rows_removed", "sales_removed", "note"]


@dataclass(frozen=True)
class CleaningReport:
    """Rows and sales removed by each rule, refunds netted, and what was kept.

    ``table`` has one row per rule: ``rule, description, enabled, rows_removed,
    sales_removed, note``. Sales are the value of purchase lines; refunds are counted apart
    (as positive amounts) so that no line reads as a negative removal.
    """

    table: pd.DataFrame
    rows_in: int
    rows_kept: int
    revenue_in: float
    revenue_kept: float
    customers_kept: int
    refunds_in: float = 0.0

    def summary(self) -> str:
        """A plain-text report for the command line."""
        lines = [
            f"Rows read: {self.rows_in:,}  sales {self.revenue_in + self.refunds_in:,.2f}, "
            f"refunds {self.refunds_in:,.2f}"
        ]
        for row in self.table.itertuples():
            if not row.enabled:
                lines.append(f"  {row.description}: off")
                continue
            text = f"{count(row.rows_removed, 'row')} removed"
            if row.sales_removed:
                text += f" (sales {row.sales_removed:,.2f})"
            if row.note:
                text += f"; {row.note}"
            lines.append(f"  {row.description}: {text}")
        lines.append(
            f"Rows kept: {self.rows_kept:,}  net revenue {self.revenue_kept:,.2f}  "
            f"customers {self.customers_kept:,}"
        )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The rule table plus 'read' and 'kept' rows, for export."""
        edge = {"enabled": True, "note": ""}
        read = {"rule": "read", "description": "Rows read", "rows_removed": 0, "sales_removed": 0}
        kept = {
            "rule": "kept",
            "description": f"Rows kept: {self.rows_kept}",
            "rows_removed": self.rows_in - self.rows_kept,
            "sales_removed": round(float(self.table["sales_removed"].sum()), 2),
        }
        return pd.concat(
            [pd.DataFrame([{**edge, **read}]), self.table, pd.DataFrame([{**edge, **kept}])],
            ignore_index=True,
        )[REPORT_COLUMNS]


def _money(values: np.ndarray, mask: np.ndarray) -> float:
    return round(float(values[mask].sum()), 2)


def clean_transactions(
    tx: pd.DataFrame, options: CleaningOptions | None = None, keep: list[str] | None = None
) -> tuple[pd.DataFrame, CleaningReport]:
    """Apply the enabled rules in order, treat refunds as the options say, and report.

    With ``refunds="net"`` the kept frame has a boolean ``refund`` column and refund lines
    carry negative revenue; customers whose net spend is 0 or less leave with their own report
    line. ``keep`` limits the returned frame to some columns (the rules still see every
    column): copying long text columns that no later step reads costs time on large files.

    Raises
    ------
    DataError
        Nothing is left after cleaning; the message says which rule removed what.
    """
    options = options or CleaningOptions()
    if options.refunds not in REFUNDS:
        raise SettingsError(
            f"Refunds must be one of {', '.join(REFUNDS)} (got '{options.refunds}')."
        )
    enabled = asdict(options)
    enabled["refunds"] = options.refunds == "drop"
    refund_mask = refund_lines(tx)
    refund = refund_mask.to_numpy(dtype=bool)
    revenue = tx["revenue"].to_numpy(dtype="float64")
    revenue = np.where(np.isfinite(revenue), revenue, 0.0)  # NaN or inf count as nothing
    # A refund is money going back, whatever sign the file wrote it with (credit notes).
    revenue = np.where(refund, -np.abs(revenue), revenue)
    refunded_order = _refunded_orders(tx).to_numpy(dtype=bool)
    bought = revenue.copy()  # what refunded orders were bought for: the money refunded
    if options.refunds == "net":  # bought, then refunded in full: neither money nor an order
        revenue = np.where(refunded_order, 0.0, revenue)
        refund = refund | refunded_order
    sales = np.where(refund, 0.0, revenue)
    # Every rule looks at a row's own content, so exact duplicates share their fate and each
    # mask can be computed on the whole frame; a row is charged to the first rule removing it.
    alive = np.ones(len(tx), dtype=bool)
    rows = []
    for rule in RULES:
        removed = np.zeros(len(tx), dtype=bool)
        note = ""
        if enabled[rule.key]:
            removed = rule.removes(tx, refund_mask).to_numpy(dtype=bool) & alive
            alive &= ~removed
            if rule.key == "refunds":
                note = f"refunds worth {-_money(revenue, removed & refund):,.2f} dropped"
        elif rule.key == "refunds" and options.refunds == "keep":
            note = "refund lines kept as ordinary rows"
        rows.append(
            {
                "rule": rule.key,
                "description": rule.label,
                "enabled": enabled[rule.key] or rule.key == "refunds",
                "rows_removed": int(removed.sum()),
                "sales_removed": _money(sales, removed),
                "note": note,
            }
        )
    netted = alive & refund
    whole = netted & refunded_order
    whole_value = _money(bought, whole)
    netted_value = -_money(revenue, netted) + whole_value
    if options.refunds == "net":
        note = "no refunds to net"
        if netted.any():
            note = f"refunds netted: -{netted_value:,.2f} over {_lines(int(netted.sum()))}"
        if whole.any():
            note += f" ({_lines(int(whole.sum()))} of orders refunded in full: {whole_value:,.2f})"
        rows[[r["rule"] for r in rows].index("refunds")]["note"] = note
        out = _net_nonpositive(tx, revenue, refund, alive)
        rows.append(
            {
                "rule": NETTED_OUT,
                "description": NETTED_OUT_LABEL,
                "enabled": True,
                "rows_removed": int(out.sum()),
                "sales_removed": _money(sales, out),
                "note": count(_customers(tx, out), "customer"),
            }
        )
        alive &= ~out
    columns = [c for c in tx.columns if keep is None or c in keep]
    kept = tx.loc[alive, columns]
    if options.refunds == "net" or "revenue" in columns:
        kept = kept.assign(revenue=revenue[alive])
    if options.refunds == "net":
        kept = kept.assign(refund=refund[alive])
    report = CleaningReport(
        table=pd.DataFrame(rows)[REPORT_COLUMNS],
        rows_in=len(tx),
        rows_kept=len(kept),
        revenue_in=round(float(revenue.sum()), 2),
        revenue_kept=round(float(revenue[alive].sum()), 2),
        customers_kept=int(kept["customer_id"].nunique()),
        refunds_in=-_money(revenue, refund) + _money(bought, refunded_order & refund),
    )
    if kept.empty or kept["customer_id"].notna().sum() == 0:
        by_rule = "; ".join(
            f"{r['description']}: {r['rows_removed']:,}" for r in rows if r["rows_removed"]
        )
        raise DataError(
            f"Nothing is left after cleaning {len(tx):,} rows ({by_rule or 'no customer ids'}). "
            "Check the column mapping or turn a cleaning rule off."
        )
    return kept, report


def _lines(n: int) -> str:
    return f"{n:,} line" + ("" if n == 1 else "s")


def _customers(tx: pd.DataFrame, mask: np.ndarray) -> int:
    return int(tx["customer_id"][mask].nunique())


def _net_nonpositive(
    tx: pd.DataFrame, revenue: np.ndarray, refund: np.ndarray, alive: np.ndarray
) -> np.ndarray:
    """Rows of the customers whose kept refunds cancel their kept purchases (net spend 0 or
    less), or who have refunds but no purchase at all."""
    codes, _ = pd.factorize(tx["customer_id"])
    live = alive & (codes >= 0)
    n = int(codes.max()) + 1 if len(codes) else 0
    if n == 0:
        return np.zeros(len(tx), dtype=bool)
    net = np.bincount(codes[live], weights=revenue[live], minlength=n)
    bought = np.bincount(codes[live & ~refund], minlength=n)
    gone = (np.round(net, 2) <= 0) | (bought == 0)
    return live & gone[np.where(codes >= 0, codes, 0)]
