"""A shareable report: one self-contained HTML file (plotly.js and every chart embedded), that
opens offline in any browser, with no server."""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd
import plotly.graph_objects as go

from .charts import (
    crosstab_figure,
    elbow_figure,
    grid_sizes_figure,
    rank_colour,
    segment_colour,
    sizes_figure,
)
from .kpis import KPI_COLUMNS

REFUND_WORDS = {"net": "netted against purchases", "drop": "left out", "keep": "kept as sales"}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1f2933;line-height:1.45;overflow-wrap:anywhere}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d9dee3;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;max-width:100%}
th,td{border:1px solid #d9dee3;padding:.2rem .4rem;text-align:right}
th{font-weight:600;vertical-align:bottom}
th:first-child,td:first-child{text-align:left}
.plotly-graph-div{max-width:100%}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(310px,1fr));gap:1rem}
.card{border:1px solid #d9dee3;border-left:8px solid var(--c);border-radius:6px;padding:.8rem}
.card h3{margin:.1rem 0 .4rem}.card dl{display:grid;grid-template-columns:auto auto;gap:0 1rem;
margin:.4rem 0}.card dt{color:#52606d}.card dd{margin:0;text-align:right}
.muted{color:#52606d}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}
table{font-size:7.5pt}.cards{grid-template-columns:1fr 1fr}
.card,table,.plotly-graph-div{break-inside:avoid}h2,h3{break-after:avoid}}
"""
# The figures of a segment in plain words (the exports keep their snake_case columns).
PROFILE_WORDS = {
    "segment": "Segment",
    "customers": "Customers",
    "share": "Share of customers",
    "recency_days_median": "Median days since the last order",
    "frequency_median": "Median orders",
    "monetary_median": "Median spend",
    "monetary_mean": "Average spend",
    "revenue_share": "Share of revenue",
}
METRIC_WORDS = {"recency_days": "days since the last order", "frequency": "orders",
                "monetary": "spend"}  # fmt: skip


def _figure(fig: go.Figure, first: bool) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=bool(first), config={"responsive": True})


def _money(value: float, symbol: str) -> str:
    return f"{symbol}{value:,.2f}"


def _percent(share: float) -> str:
    """One percentage format: whole percents ("below 1%" for a sliver)."""
    return "below 1%" if 0 < share < 0.005 else f"{share:.0%}"


def _profile_table(profile: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """The K-Means profile with plain headers, rounded as the customer file is."""
    from .export import rounded

    table = rounded(profile)[list(PROFILE_WORDS)]
    for column in ("share", "revenue_share"):
        table[column] = table[column].map(_percent)
    for column in ("monetary_median", "monetary_mean"):
        table[column] = table[column].map(lambda v: _money(v, symbol))
    table["customers"] = table["customers"].map("{:,}".format)
    for column in ("recency_days_median", "frequency_median"):
        table[column] = table[column].map("{:,.0f}".format)
    return table.rename(columns=PROFILE_WORDS)


def _position(part: pd.DataFrame, everyone: pd.DataFrame, symbol: str) -> str:
    """Where a segment's customers stand, in words, from their own figures."""
    days, overall = part["recency_days"].median(), everyone["recency_days"].median()
    return (
        f"Last order a median {days:,.0f} days ago (all customers: {overall:,.0f}); "
        f"{part['frequency'].mean():,.1f} orders and {symbol}{part['monetary'].mean():,.0f} "
        f"per customer (all customers: {everyone['frequency'].mean():,.1f} and "
        f"{symbol}{everyone['monetary'].mean():,.0f})."
    )


def _kpi_list(row: pd.Series, symbol: str) -> str:
    items = [
        ("Customers", f"{int(row['customers']):,}"),
        ("Orders", f"{int(row['orders']):,}"),
        ("Revenue", _money(row["revenue"], symbol)),
        ("Share of revenue", _percent(row["revenue_share"])),
        ("Average order value", _money(row["average_order_value"], symbol)),
        ("Median days since last order", f"{row['median_days_since_last_order']:,.0f}"),
        (
            "Median days between orders",
            "none (one order each)"
            if pd.isna(row["median_days_between_orders"])
            else f"{row['median_days_between_orders']:,.0f}",
        ),
        ("One-time buyers", _percent(row["one_time_share"])),
    ]
    return "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)


def _cards(
    kpis: pd.DataFrame,
    playbook: pd.DataFrame,
    colours: dict[str, str],
    symbol: str,
    customers: pd.DataFrame,
    by: str,
):
    book = playbook.set_index("segment")
    groups = dict(list(customers.groupby(by)))
    cards = []
    for _, row in kpis.iterrows():
        name = str(row["segment"])
        description = _position(groups[row["segment"]], customers, symbol)
        action = book["action"].get(name, "") or "No action set in the playbook."
        cards.append(
            f'<div class="card" style="--c:{colours.get(name, "#888")}">'
            f"<h3>{escape(name)}</h3><p>{escape(description)}</p>"
            f"<dl>{_kpi_list(row, symbol)}</dl>"
            f"<p><strong>Suggested action:</strong> {escape(action)}</p></div>"
        )
    return '<div class="cards">' + "".join(cards) + "</div>"


def _table(frame: pd.DataFrame) -> str:
    from .export import neutralize_formulas

    # Tables of a report get pasted into spreadsheets: no formula survives the paste.
    return neutralize_formulas(frame).to_html(
        index=False, border=0, na_rep="", float_format=lambda v: f"{v:,.2f}"
    )


def html_report(result, source: str, notes=None, currency_symbol: str = "") -> str:
    """The report of a :class:`~segmentation.pipeline.SegmentationResult` as one HTML page:
    data and cleaning summary, the method and its settings, the elbow and profiles, a card per
    segment (size, KPIs, description, action) and the crosstab of both methods."""
    s = result.settings
    playbook = result.playbook
    customers = result.customers
    report = result.report
    parts = [
        f"<h1>Customer segments of {escape(source)}</h1>",
        f'<p class="muted">Snapshot {escape(str(result.snapshot.date()))}; '
        f"{len(customers):,} customers; made {dt.date.today():%d %B %Y}.</p>",
        "<h2>Data and cleaning</h2>",
        f"<p>{escape(report.summary()).replace(chr(10), '<br>')}</p>",
    ]
    if notes is not None and len(notes.items):
        parts.append("<h3>How the file was read</h3>" + _table(notes.to_frame()))
    method = {"both": "K-Means segments and RFM scores", "kmeans": "K-Means segments"}
    parts += [
        "<h2>Method and settings</h2>",
        f"<p>{escape(method.get(s.method, 'RFM scores with the segment grid'))}. "
        f"Refunds: {escape(REFUND_WORDS.get(s.cleaning.refunds, s.cleaning.refunds))}; "
        "frequency counts "
        f"{escape(result.frequency)}; "
        + (
            f"fitted on a sample of {len(result.rfm):,} customers, every customer labelled. "
            if result.sampled
            else "every customer. "
        )
        + "</p>",
    ]
    first = True
    if result.profiled is not None:
        from ..method.transforms import TRANSFORM_LABELS

        transforms = "; ".join(
            f"{METRIC_WORDS[m]}: {TRANSFORM_LABELS[t]}"
            for m, t in result.transformer.methods_.items()
        )
        parts.append(
            f"<p>Transforms: {escape(transforms)}; k = {result.k} "
            f"(suggested {result.suggested_k}).</p>"
        )
        parts.append(
            _figure(elbow_figure(result.elbow.metrics, result.suggested_k, result.k), True)
        )
        first = False
    if result.scored is not None:
        edges = result.scored.edges
        thresholds = pd.DataFrame(
            {
                "metric": ["recency (days, lower is better)", "frequency", "monetary"],
                "score edges": [
                    ", ".join(f"{v:,.2f}" for v in getattr(edges, m))
                    for m in ("recency", "frequency", "monetary")
                ],
            }
        )
        parts.append("<h3>RFM score thresholds</h3>" + _table(thresholds))
        if edges.fixed_frequency:
            parts.append(
                "<p>Most customers bought once, so frequency quintiles collapse: fixed "
                "thresholds score 1, 2, 3, 4-5 and 6+ orders as 1 to 5.</p>"
            )
    if result.profiled is not None:
        colours = {str(r.segment): segment_colour(r.cluster) for r in result.profile.itertuples()}
        parts += [
            "<h2>K-Means segments</h2>",
            _figure(sizes_figure(result.profile), first),
            _table(_profile_table(result.profile, currency_symbol)),
            _cards(
                result.kpis("segment"), playbook, colours, currency_symbol, customers, "segment"
            ),
        ]
        first = False
    if result.scored is not None:
        kpis = result.kpis("rfm_segment")
        ranks = dict(zip(playbook["segment"], playbook["rank"], strict=True))
        kpis = kpis.assign(rank=kpis["segment"].map(ranks).fillna(99)).sort_values("rank")
        colours = {str(n): rank_colour(ranks.get(n, 12)) for n in kpis["segment"]}
        parts += [
            "<h2>RFM score segments</h2>",
            _figure(grid_sizes_figure(kpis, ranks), first),
            _cards(
                kpis[["segment", *KPI_COLUMNS]],
                playbook,
                colours,
                currency_symbol,
                customers,
                "rfm_segment",
            ),
        ]
        first = False
    if result.profiled is not None and result.scored is not None:
        table = result.crosstab()
        parts += [
            "<h2>K-Means segments and RFM score segments</h2>",
            "<p>Customers in each pair of segments.</p>",
            _figure(crosstab_figure(table), first),
            _table(table.rename_axis(index=None, columns=None).reset_index(names="")),
        ]
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Customer segments: {escape(source)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
