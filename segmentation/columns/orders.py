"""A reading a person can check: a few orders of the file as read, beside their raw rows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..words import count
from .parsing import parse_ids
from .roles import ColumnRoles

LINE_COLUMNS = ("invoice_date", "customer_id", "quantity", "unit_price", "revenue", "kind")
WINDOW = 20_000  # orders are picked among the file's first rows: bounded work on any file


@dataclass(frozen=True)
class OrderAsRead:
    """One order: the file's rows for it, the lines read from them, and its total (the lines
    read as sales, less refunds)."""

    order_id: str
    raw: pd.DataFrame
    lines: pd.DataFrame
    total: float

    def text(self, symbol: str = "") -> str:
        raw = self.raw.to_string(index=False, max_colwidth=24)
        lines = self.lines.to_string(index=False, max_colwidth=24)
        return (
            f"Order {self.order_id}: {count(len(self.raw), 'row')} in the file -> "
            f"{count(len(self.lines), 'line')} read, total {symbol}{self.total:,.2f}\n  file:\n    "
            + raw.replace("\n", "\n    ")
            + "\n  read:\n    "
            + lines.replace("\n", "\n    ")
        )


def orders_as_read(
    raw: pd.DataFrame, tx: pd.DataFrame, roles: ColumnRoles, count: int = 3
) -> tuple[OrderAsRead, ...]:
    """``count`` orders among the file's first :data:`WINDOW` rows: the one with the most rows,
    the first, and one from the middle (ids as the file writes them; orders keyed by store or
    day are not shown)."""
    if not roles.invoice_id or "invoice_id" not in tx:
        return ()
    raw = raw.iloc[:WINDOW]
    tx = tx.iloc[:WINDOW]
    written = parse_ids(raw[roles.invoice_id])
    if roles.customer_id:  # continuation rows (no id, no customer) belong to the order above
        orphan = written.isna() & raw[roles.customer_id].isna()
        written = written.where(~orphan, written.ffill())
    ids = tx["invoice_id"].dropna()
    known = set(written.dropna().unique())  # (pandas' isin on text makes an object per id)
    ids = ids[ids.map(known.__contains__)]
    if ids.empty:
        return ()
    unique = pd.unique(ids)
    sizes = written.value_counts()
    picks = [sizes.reindex(unique).idxmax(), unique[0], unique[len(unique) // 2]]
    out = []
    for order in dict.fromkeys(picks):
        lines = tx.loc[tx["invoice_id"] == order, [c for c in LINE_COLUMNS if c in tx]]
        kind = lines["kind"] if "kind" in lines else pd.Series("sale", index=lines.index)
        money = lines["revenue"].fillna(0)
        total = float(money[kind == "sale"].sum() - money[kind == "refund"].abs().sum())
        out.append(OrderAsRead(str(order), raw[written == order], lines, round(total, 2)))
        if len(out) == count:
            break
    return tuple(out)
