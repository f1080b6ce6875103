"""Classic RFM scores (1-5 per metric) and named segments from a rule table kept as data.

Scores come from value edges, so customers with equal values always share a score (ties are
kept together): a frequency or monetary score is 1 plus the number of edges the value reaches;
recency is reversed (a recent purchase scores 5). Edges are the 20/40/60/80 % quantiles of the
data; where they collapse (most customers bought once, so several frequency quantiles are 1),
fixed frequency thresholds take over: 1, 2, 3, 4-5 and 6+ distinct invoices score 1 to 5. The
edges are returned with the scores, so another file is scored with the same ones.

The rule table (``SEGMENT_RULES``) names a customer by the first rule whose score ranges hold
all three scores; a customer no rule matches is "Others". The default table uses the widely
used segment names; its order is this project's own (R's ``rfm`` package orders its tables
differently between versions, and in some orders a rule can never match): every rule can
match and every combination of scores is covered.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import SettingsError
from ..settings import Rows, ScoreEdges

QUANTILES = (0.2, 0.4, 0.6, 0.8)
# Lower edges of frequency scores 2, 3, 4 and 5 in distinct invoices: 1, 2, 3, 4-5, 6+.
FIXED_FREQUENCY_EDGES = (2.0, 3.0, 4.0, 6.0)
OTHERS = "Others"
RULE_COLUMNS = ["segment", "r_min", "r_max", "f_min", "f_max", "m_min", "m_max"]

SEGMENT_RULES = pd.DataFrame(
    [
        ("Champions", 4, 5, 4, 5, 4, 5),
        ("Loyal Customers", 3, 5, 3, 5, 1, 5),
        ("New Customers", 5, 5, 1, 1, 1, 5),
        ("Promising", 4, 4, 1, 1, 1, 5),
        ("Potential Loyalist", 4, 5, 2, 2, 1, 5),
        ("Need Attention", 3, 3, 2, 2, 1, 5),
        ("About To Sleep", 3, 3, 1, 1, 1, 5),
        ("Can't Lose Them", 1, 1, 4, 5, 4, 5),
        ("At Risk", 1, 2, 3, 5, 3, 5),
        ("Hibernating", 2, 2, 1, 5, 1, 5),
        ("Lost", 1, 1, 1, 5, 1, 5),
    ],
    columns=RULE_COLUMNS,
)


def _edges(values: pd.Series) -> tuple[float, ...]:
    return tuple(float(v) for v in np.quantile(values.to_numpy(dtype="float64"), QUANTILES))


def _collapsed(edges: tuple[float, ...]) -> bool:
    return len(set(edges)) < len(edges)


def fit_edges(rfm: pd.DataFrame) -> ScoreEdges:
    """Quintile edges of each metric; fixed frequency thresholds where frequency's collapse."""
    frequency = _edges(rfm["frequency"])
    fixed = _collapsed(frequency)
    return ScoreEdges(
        recency=_edges(rfm["recency_days"]),
        frequency=FIXED_FREQUENCY_EDGES if fixed else frequency,
        monetary=_edges(rfm["monetary"]),
        fixed_frequency=fixed,
    )


def _score(values: pd.Series, edges: tuple[float, ...]) -> np.ndarray:
    """1 plus the number of edges a value exceeds (recency-style: above an edge is worse).

    Quantile edges are values of the data, so "exceeds" puts a customer at an edge in the
    lower score with everyone who has the same value."""
    x = values.to_numpy(dtype="float64")[:, None]
    return 1 + (x > np.asarray(edges)[None, :]).sum(axis=1)


def score_customers(rfm: pd.DataFrame, edges: ScoreEdges) -> pd.DataFrame:
    """``r_score, f_score, m_score`` (1-5) and ``rfm_score`` ("545") per customer."""
    if edges.fixed_frequency:
        # Fixed thresholds are lower edges of a score (4 invoices score 4): count reached ones.
        x = rfm["frequency"].to_numpy(dtype="float64")[:, None]
        f = 1 + (x >= np.asarray(edges.frequency)[None, :]).sum(axis=1)
    else:
        f = _score(rfm["frequency"], edges.frequency)
    out = pd.DataFrame(
        {
            "r_score": 6 - _score(rfm["recency_days"], edges.recency),
            "f_score": f,
            "m_score": _score(rfm["monetary"], edges.monetary),
        },
        index=rfm.index,
    ).astype("int64")
    out["rfm_score"] = (
        out["r_score"].astype("str") + out["f_score"].astype("str") + out["m_score"].astype("str")
    )
    return out


def check_rules(rules: pd.DataFrame) -> pd.DataFrame:
    """A rule table as given (e.g. read from CSV), checked: columns, whole scores 1-5,
    each minimum at most its maximum."""
    missing = [c for c in RULE_COLUMNS if c not in rules.columns]
    if missing:
        raise SettingsError(
            f"The segment rules need the columns {', '.join(RULE_COLUMNS)}; missing: "
            f"{', '.join(missing)}."
        )
    table = rules[RULE_COLUMNS].copy()
    bounds = table[RULE_COLUMNS[1:]]
    try:
        numbers = bounds.astype("int64")
    except (TypeError, ValueError) as exc:
        raise SettingsError("Segment rule bounds must be whole scores from 1 to 5.") from exc
    if ((numbers < 1) | (numbers > 5)).any().any():
        raise SettingsError("Segment rule bounds must be whole scores from 1 to 5.")
    for metric in ("r", "f", "m"):
        wrong = numbers[f"{metric}_min"] > numbers[f"{metric}_max"]
        if wrong.any():
            names = ", ".join(table.loc[wrong, "segment"].astype(str))
            raise SettingsError(
                f"In the segment rules, {metric}_min is above {metric}_max: {names}."
            )
    table[RULE_COLUMNS[1:]] = numbers
    return table


def rules_table(rows: Rows | None) -> pd.DataFrame:
    """The rule table of ``Settings.rules`` (``None``: the default grid), checked."""
    if rows is None:
        return SEGMENT_RULES
    return check_rules(pd.DataFrame([list(r) for r in rows], columns=RULE_COLUMNS))


def rules_rows(table: pd.DataFrame) -> Rows:
    """A rule table (edited, or read from CSV) as hashable rows for ``Settings.rules``;
    empty rows (no segment name) are dropped."""
    table = table.dropna(subset=["segment"]) if "segment" in table else table
    table = check_rules(table)
    table = table[table["segment"].astype(str).str.strip() != ""]
    return tuple(
        (str(r[0]).strip(), *(int(v) for v in r[1:])) for r in table.itertuples(index=False)
    )


def read_rules(path) -> Rows:
    """A rule table from a file with the columns of ``SEGMENT_RULES`` (CSV or a workbook),
    through the reader's gate like any file a user gives."""
    from ..reading import read_user_table

    table = read_user_table(path)
    return rules_rows(table.replace("", np.nan))


def segment_by_rules(scores: pd.DataFrame, rules: pd.DataFrame = SEGMENT_RULES) -> pd.Series:
    """The first rule (in the table's order) whose ranges hold all three scores; "Others"
    where none does."""
    rules = check_rules(rules)
    out = pd.Series(OTHERS, index=scores.index, dtype="object")
    open_ = np.ones(len(scores), dtype=bool)
    r, f, m = (scores[c].to_numpy() for c in ("r_score", "f_score", "m_score"))
    for rule in rules.itertuples(index=False):
        hit = (
            open_
            & (r >= rule.r_min)
            & (r <= rule.r_max)
            & (f >= rule.f_min)
            & (f <= rule.f_max)
            & (m >= rule.m_min)
            & (m <= rule.m_max)
        )
        out[hit] = rule.segment
        open_ &= ~hit
    return out.rename("rfm_segment")


def grid_segments(rfm: pd.DataFrame, edges: ScoreEdges, rules: pd.DataFrame) -> pd.DataFrame:
    """Per customer ``r_score, f_score, m_score, rfm_score, rfm_segment``: the scores by the
    thresholds, then the first matching rule."""
    scores = score_customers(rfm, edges)
    scores["rfm_segment"] = segment_by_rules(scores, rules)
    return scores


def crosstab(
    kmeans: pd.Series, grid: pd.Series, ranks: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Customers per K-Means segment (rows) and grid segment (columns), both in the order of
    ``ranks`` (the playbook's: best first; names it does not know last)."""
    table = pd.crosstab(kmeans.rename("segment"), grid.rename("rfm_segment"))
    ranks = ranks or {}

    def order(names) -> list:
        last = max(ranks.values(), default=0) + 1
        return sorted(names, key=lambda n: (ranks.get(n, last), str(n)))

    table = table.loc[order(table.index), order(table.columns)]
    return table.rename_axis(index="segment", columns="rfm_segment")
