"""Segment movement between two snapshots: who moved up, who is slipping away.

The earlier labels come from the same fitted model and the same score thresholds as the
current ones: the transactions dated before the earlier snapshot S0 are labelled with the
recipe saved at S, with the snapshot set to S0 (exactly what labelling a file cut at S0 with
that recipe gives). Or they come from a customer file this tool exported earlier, matched by
customer id and segment name.

A customer present now but not at S0 is *new since S0* (first purchase on or after S0); a
customer present at S0 but not now has *left* (refunds cancelled all their purchases).
Directions follow the playbook's rank: a move to a better rank is *up*, to a worse one *down*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, SettingsError
from ..method.recipe import Recipe
from ..settings import METRICS
from ..words import count

NEW = "New since then"
LEFT = "Left"
LABELS = {"segment": "action", "rfm_segment": "rfm_action"}
METHOD_NAMES = {"segment": "K-Means", "rfm_segment": "RFM grid"}


def earlier_snapshot(snapshot: str | pd.Timestamp, days: int) -> pd.Timestamp:
    """S0 = S minus ``days``."""
    if days < 1:
        raise SettingsError("The earlier snapshot must be at least one day before the current one.")
    return pd.Timestamp(snapshot).normalize() - pd.Timedelta(days=int(days))


def earlier_labels(tx: pd.DataFrame, recipe: Recipe, s0: str | pd.Timestamp) -> pd.DataFrame:
    """Customers labelled at S0 by the recipe saved at S: transactions dated before S0,
    cleaned and labelled as the recipe says, recency measured to S0."""
    from .labelling import apply_recipe

    s0 = pd.Timestamp(s0).normalize()
    before = tx[(tx["invoice_date"] < s0).fillna(False).to_numpy(bool)]
    if before.empty:
        raise DataError(f"No purchases before {s0.date()}: choose a later date to compare with.")
    customers, _ = apply_recipe(before, recipe, snapshot=str(s0.date()))
    return customers


def period_revenue(cleaned: pd.DataFrame, start: str | pd.Timestamp) -> pd.Series:
    """Each customer's net revenue from ``start`` on (refunds subtracted), from cleaned
    transactions."""
    start = pd.Timestamp(start).normalize()
    since = cleaned[cleaned["invoice_date"] >= start]
    return since.groupby("customer_id")["revenue"].sum().round(2)


def read_previous(data: bytes, name: str) -> pd.DataFrame:
    """A customer file this tool exported (CSV with any delimiter and decimal mark, or
    Excel's "customers" sheet): ids as text, metrics as numbers."""
    from ..reading import preview_table, read_table

    # The same gate as the transactions: size, zip and entity checks, one error boundary.
    preview = preview_table(data, name)
    frame = read_table(data, name, preview, text_columns=preview.columns)
    frame = frame.astype(object).where(frame.notna(), np.nan)
    frame = frame.replace("", np.nan)
    if preview.text_format is not None and preview.text_format.delimiter == ";":
        for metric in METRICS:  # this tool's ";" files write decimal commas
            if metric in frame:
                frame[metric] = frame[metric].str.replace(",", ".", regex=False)
    needed = {"customer_id", "snapshot_date"}
    if not needed <= set(frame.columns) or not {"segment", "rfm_segment"} & set(frame.columns):
        raise DataError(
            f"'{name}' is not a customer file exported by this tool: it needs customer_id, "
            "snapshot_date and segment or rfm_segment columns."
        )
    for metric in METRICS:
        if metric in frame:
            frame[metric] = pd.to_numeric(frame[metric], errors="coerce")
    frame["customer_id"] = frame["customer_id"].astype(str).str.replace("^'", "", regex=True)
    return frame


@dataclass(frozen=True)
class Movement:
    """How customers moved between two snapshots, for one label column (``segment`` or
    ``rfm_segment``): one row per customer, and the matrices of counts, row shares and
    revenue of the period, segments in the playbook's order."""

    by: str
    before_date: str
    now_date: str
    customers: pd.DataFrame
    counts: pd.DataFrame
    shares: pd.DataFrame
    revenue: pd.DataFrame
    cells: pd.DataFrame
    unmatched: tuple[str, ...] = ()

    def movers(self) -> pd.DataFrame:
        """Customers whose segment changed (up, down, moved, new or left)."""
        return self.customers[self.customers["direction"] != "same"].reset_index(drop=True)

    def headlines(self, symbol: str = "", limit: int = 4) -> list[str]:
        """Plain-language lines: the largest moves down and up, and the new customers."""
        cells = self.cells
        lines = []
        for direction, word in (("down", "moved down to"), ("up", "moved up to")):
            part = cells[cells["direction"] == direction].sort_values(
                ["customers", "revenue_period"], ascending=False
            )
            for row in part.head(2 if direction == "down" else 1).itertuples():
                lines.append(
                    f"{row.customers:,} {row.before} ({row.share_of_row:.0%}) {word} {row.now}; "
                    f"{_spent(row.revenue_period, symbol)} since {self.before_date}."
                )
        new = cells[cells["before"] == NEW]
        if len(new):
            newcomers = int(new["customers"].sum())
            lines.append(
                f"{count(newcomers, 'customer')} {'is' if newcomers == 1 else 'are'} new since "
                f"{self.before_date}; "
                f"{_spent(new['revenue_period'].sum(), symbol)}."
            )
        return lines[:limit]


def _spent(amount: float, symbol: str) -> str:
    if amount < 0:
        return f"their refunds exceeded their purchases by {symbol}{-amount:,.0f}"
    return f"they spent {symbol}{amount:,.0f}"


def contact_columns(customers: pd.DataFrame) -> list[str]:
    """The contact fields of a customer file: the columns :func:`customer_file` did not make."""
    from .export import CUSTOMER_COLUMNS, SCORE_COLUMNS

    made = {*CUSTOMER_COLUMNS, *SCORE_COLUMNS, "action", "rfm_action", "snapshot_date"}
    return [c for c in customers.columns if c not in made]


def _direction(before: pd.Series, now: pd.Series, ranks: Mapping[str, int]) -> np.ndarray:
    worst = max(ranks.values(), default=0) + 1
    rank_before = before.map(lambda n: ranks.get(n, worst))
    rank_now = now.map(lambda n: ranks.get(n, worst))
    return np.select(
        [before.isna(), now.isna(), before == now, rank_now < rank_before, rank_now > rank_before],
        ["new", "left", "same", "up", "down"],
        "moved",
    )


def _order(names, ranks: Mapping[str, int], last: str) -> list:
    worst = max(ranks.values(), default=0) + 1
    known = sorted((n for n in names if n != last), key=lambda n: (ranks.get(n, worst), str(n)))
    return known + ([last] if last in names else [])


def compare(
    before: pd.DataFrame,
    now: pd.DataFrame,
    by: str,
    ranks: Mapping[str, int],
    revenue: pd.Series,
) -> Movement:
    """The movement of ``by`` labels from ``before`` (customer file at S0) to ``now``
    (customer file at S). ``revenue`` is each customer's revenue between the two dates."""
    if by not in before or by not in now:
        raise DataError(f"Both customer files need the column {by} to compare segments.")
    old = before.set_index("customer_id")
    new = now.set_index("customer_id")
    ids = new.index.union(old.index)
    frame = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    frame["segment_before"] = old[by].reindex(ids)
    frame["segment_now"] = new[by].reindex(ids)
    frame["direction"] = _direction(frame["segment_before"], frame["segment_now"], ranks)
    for metric in METRICS:
        frame[f"{metric}_before"] = old[metric].reindex(ids) if metric in old else np.nan
        frame[metric] = new[metric].reindex(ids)
    frame["revenue_period"] = revenue.reindex(ids).fillna(0.0).to_numpy()
    action = LABELS.get(by, "action")
    frame["action"] = new[action].reindex(ids) if action in new else ""
    for column in contact_columns(now):
        frame[column] = new[column].reindex(ids)
    frame["snapshot_before"] = str(before["snapshot_date"].iloc[0]) if len(before) else ""
    frame["snapshot_date"] = str(now["snapshot_date"].iloc[0]) if len(now) else ""
    frame = frame.reset_index()

    rows = frame["segment_before"].fillna(NEW)
    columns = frame["segment_now"].fillna(LEFT)
    counts = pd.crosstab(rows, columns)
    row_order = _order(set(rows), ranks, NEW)
    column_order = _order(set(columns), ranks, LEFT)
    counts = counts.reindex(index=row_order, columns=column_order, fill_value=0)
    money = frame.pivot_table(
        index=rows, columns=columns, values="revenue_period", aggfunc="sum", fill_value=0.0
    ).reindex(index=row_order, columns=column_order, fill_value=0.0)
    shares = counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    for table in (counts, shares, money):
        table.index.name, table.columns.name = "before", "now"
    cells = pd.DataFrame(
        {
            "customers": counts.stack(),
            "share_of_row": shares.stack(),
            "revenue_period": money.stack().round(2),
        }
    ).reset_index()
    cells = cells[cells["customers"] > 0].reset_index(drop=True)
    cells["direction"] = _direction(
        cells["before"].replace(NEW, np.nan), cells["now"].replace(LEFT, np.nan), ranks
    )
    unmatched = tuple(sorted(set(old[by].dropna()) ^ set(new[by].dropna())))
    return Movement(
        by,
        frame["snapshot_before"].iloc[0] if len(frame) else "",
        frame["snapshot_date"].iloc[0] if len(frame) else "",
        frame,
        counts,
        shares,
        money.round(2),
        cells,
        unmatched,
    )


def movements(
    result,
    tx: pd.DataFrame,
    s0: str | pd.Timestamp | None = None,
    previous: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
) -> list[Movement]:
    """The movement of every method of ``result`` (a fit on ``tx``), from the earlier
    snapshot ``s0`` of the same transactions or from a ``previous`` customer file."""
    now = result.customer_file(contacts)
    if previous is None:
        if s0 is None:
            raise SettingsError("Give the earlier date, or a previous customer file.")
        earlier = pd.Timestamp(s0).normalize()
        if earlier >= pd.Timestamp(now["snapshot_date"].iloc[0]):
            raise SettingsError(
                f"The earlier date {earlier.date()} must be before the snapshot "
                f"{now['snapshot_date'].iloc[0]}."
            )
        before = earlier_labels(tx, Recipe.from_dict(result.recipe()), earlier)
        start = earlier
    else:
        before, start = previous, pd.Timestamp(previous["snapshot_date"].iloc[0])
    revenue = period_revenue(result.cleaned.transactions, start)
    return compare_all(before, now, result.playbook, revenue)


def compare_all(
    before: pd.DataFrame, now: pd.DataFrame, book: pd.DataFrame, revenue: pd.Series
) -> list[Movement]:
    """:func:`compare` for each method both customer files have, ranked by the playbook
    ``book`` (the run's: each K-Means name with its kind's rank)."""
    ranks = dict(zip(book["segment"], book["rank"], strict=True))
    return [
        compare(before, now, by, ranks, revenue)
        for by in ("segment", "rfm_segment")
        if by in now and by in before
    ]


def matrix_table(found: list[Movement]) -> pd.DataFrame:
    """The count matrices of several methods in one table: ``method, before`` and a column
    per segment now."""
    parts = [
        m.counts.reset_index()
        .rename(columns={"before": "before"})
        .assign(method=METHOD_NAMES[m.by])
        for m in found
    ]
    table = pd.concat(parts, ignore_index=True).fillna(0)
    columns = ["method", "before", *[c for c in table.columns if c not in ("method", "before")]]
    out = table[columns]
    numbers = out.columns[2:]
    out[numbers] = out[numbers].astype("int64")
    return out


def movers_table(found: list[Movement]) -> pd.DataFrame:
    """One row per customer whose segment changed, per method."""
    return pd.concat(
        [m.movers().assign(method=METHOD_NAMES[m.by]) for m in found], ignore_index=True
    ).pipe(lambda d: d[["method", *[c for c in d.columns if c != "method"]]])
