"""What to do with each segment: a playbook kept as data, shared by both methods.

Each named segment has a rank (1 is the best customers; a move to a lower rank number is an
upgrade), a one-line description and a suggested action. Each K-Means segment has a kind, one
of these rows (see :data:`segmentation.method.profiles.SEGMENT_PROTOTYPES`), and a display name of
its own (K-Means' words, or the user's): :func:`with_names` gives each display name its kind's
row, so a rename changes only the words. A grid segment the playbook does not know has no
action until the user writes one.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import SettingsError
from ..settings import Rows

PLAYBOOK_COLUMNS = ["segment", "rank", "description", "action"]
NO_ACTION = ""

PLAYBOOK = pd.DataFrame(
    [
        (
            "Champions",
            1,
            "Bought recently, buy often and spend the most.",
            "Reward them: early access to new products, loyalty perks; ask for reviews and "
            "referrals.",
        ),
        (
            "Loyal Customers",
            2,
            "Buy regularly and respond to promotions.",
            "Upsell higher-value products; invite them to a loyalty programme.",
        ),
        (
            "Potential Loyalist",
            3,
            "Recent customers with a few orders and average spend.",
            "Offer membership or a loyalty programme; recommend related products.",
        ),
        (
            "New Customers",
            4,
            "Bought for the first time very recently.",
            "Welcome series: onboarding e-mails, a small second-order incentive.",
        ),
        (
            "Promising",
            5,
            "Recent first-time buyers who have not spent much yet.",
            "Build the relationship: brand story, best sellers, a free-shipping threshold.",
        ),
        (
            "Need Attention",
            6,
            "Above-average recency and frequency, but slowing down.",
            "Limited-time offers and recommendations based on past purchases.",
        ),
        (
            "About To Sleep",
            7,
            "Below-average recency and frequency; will be lost without a nudge.",
            "Share popular products and a time-limited discount; reconnect.",
        ),
        (
            "Can't Lose Them",
            8,
            "Used to buy often and spend a lot, but have not come back for a long time.",
            "Win them back personally: call or write, a strong offer, ask what went wrong.",
        ),
        (
            "At Risk",
            9,
            "Spent big and bought often, but long ago.",
            "Win-back campaign: personalised e-mails, a renewal offer, helpful content.",
        ),
        (
            "Hibernating",
            10,
            "Last purchase long ago, few orders, low spend.",
            "Offer other relevant products and special discounts; recreate brand value.",
        ),
        (
            "Lost",
            11,
            "The longest since their last order, the fewest orders and the lowest spend.",
            "Try one reactivation campaign; otherwise leave them out of paid campaigns.",
        ),
        (
            "Others",
            12,
            "Customers no rule of the segment grid describes.",
            "Review the rule table; treat as Need Attention meanwhile.",
        ),
    ],
    columns=PLAYBOOK_COLUMNS,
)


def check_playbook(table: pd.DataFrame) -> pd.DataFrame:
    """A playbook as given (edited on the page), checked: columns, a name and a whole rank
    per row, each segment once. Rows without a name are dropped."""
    missing = [c for c in PLAYBOOK_COLUMNS if c not in table.columns]
    if missing:
        raise SettingsError(f"The playbook needs the columns {', '.join(PLAYBOOK_COLUMNS)}.")
    table = table[PLAYBOOK_COLUMNS].copy()
    table["segment"] = table["segment"].astype("string").str.strip()
    table = table[table["segment"].notna() & (table["segment"] != "")]
    rank = pd.to_numeric(table["rank"], errors="coerce")
    if rank.isna().any() or (rank != rank.round()).any():
        raise SettingsError("Every playbook row needs a whole-number rank (1 is the best).")
    repeated = table["segment"][table["segment"].duplicated()]
    if len(repeated):
        raise SettingsError(f"The playbook names a segment twice: {', '.join(repeated)}.")
    table["rank"] = rank.astype("int64")
    for column in ("description", "action"):
        table[column] = table[column].fillna("").astype("str")
    return table.astype({"segment": "object"}).reset_index(drop=True)


def playbook_table(rows: Rows | None) -> pd.DataFrame:
    """The playbook of ``Settings.playbook`` (``None``: the default one)."""
    if rows is None:
        return PLAYBOOK
    return check_playbook(pd.DataFrame([list(r) for r in rows], columns=PLAYBOOK_COLUMNS))


def playbook_rows(table: pd.DataFrame) -> Rows:
    """An edited playbook as hashable rows for ``Settings.playbook``."""
    table = check_playbook(table)
    return tuple(
        (r.segment, int(r.rank), r.description, r.action) for r in table.itertuples(index=False)
    )


def lookup(segments: pd.Series, playbook: pd.DataFrame, column: str = "action") -> pd.Series:
    """The playbook's ``column`` for each segment name (empty for names it does not know)."""
    mapping: Mapping[str, object] = dict(zip(playbook["segment"], playbook[column], strict=True))
    return segments.map(mapping).fillna(NO_ACTION if column != "rank" else pd.NA)


def with_names(
    playbook: pd.DataFrame, names: Mapping[int, str], kinds: Mapping[int, str]
) -> pd.DataFrame:
    """The playbook with a row for each K-Means display name (``names``, by cluster) that it
    does not have: its kind's rank, description and action (``kinds``, by cluster)."""
    book = playbook.set_index("segment")
    extra = [
        (name, *book.loc[kinds[cluster]].tolist())
        for cluster, name in sorted(names.items())
        if name not in book.index and kinds.get(cluster) in book.index
    ]
    if not extra:
        return playbook
    rows = pd.DataFrame(extra, columns=PLAYBOOK_COLUMNS).drop_duplicates("segment")
    return pd.concat([playbook, rows], ignore_index=True)
