"""How tables read on the pages: plain headers, money with the file's currency sign and
thousands separators, shares as percentages. (Exports keep their snake_case columns.)"""

from __future__ import annotations

import streamlit as st

Number = st.column_config.NumberColumn
# The customer file's label column of each method, and the method's name on the pages.
METHOD_COLUMNS = (("segment", "K-Means"), ("rfm_segment", "RFM grid"))


def money(symbol: str, label: str, help: str | None = None):
    return Number(label, format=f"{symbol}%,.2f", help=help)


def count(label: str, help: str | None = None):
    return Number(label, format="%,d", help=help)


def whole(label: str, help: str | None = None):
    """A figure shown without decimals (expected purchases, purchases made)."""
    return Number(label, format="%,.0f", help=help)


def share(label: str, help: str | None = None):
    return Number(label, format="percent", help=help)


def report_columns(symbol: str) -> dict:
    return {
        "rule": None,
        "description": st.column_config.TextColumn("Rule", width="large"),
        "enabled": st.column_config.CheckboxColumn("On"),
        "rows_removed": count("Rows removed"),
        "sales_removed": money(symbol, "Sales removed"),
        "note": st.column_config.TextColumn("Details", width="large"),
    }


# The columns a marketer reads first; the rest of the profile sits in "Method details".
PROFILE_KEY = [
    "segment",
    "customers",
    "share",
    "revenue_share",
    "recency_days_median",
    "frequency_median",
    "monetary_median",
]


def profile_columns(symbol: str) -> dict:
    return {
        "colour": st.column_config.TextColumn("", width=24, help="The segment's colour"),
        "cluster": Number("#", format="%d", width="small"),
        "segment": st.column_config.TextColumn("Segment", pinned=True),
        "customers": count("Customers"),
        "share": share("Share of customers"),
        "revenue_share": share("Share of revenue"),
        "recency_days_mean": Number("Days since last order (mean)", format="%,.1f"),
        "recency_days_median": Number(
            "Days since last order",
            format="%,.0f",
            help="Median: half the customers ordered more recently.",
        ),
        "frequency_mean": Number("Orders (mean)", format="%,.2f"),
        "frequency_median": Number("Orders", format="%,.0f", help="Median number of orders."),
        "monetary_mean": money(symbol, "Spend (mean)"),
        "monetary_median": money(symbol, "Spend", help="Median spend per customer."),
    }


def with_colours(profile, columns: list[str]):
    """The profile's columns with a first cell in each segment's colour (the same colour as in
    every chart)."""
    import segmentation as seg

    frame = profile[columns].assign(colour="").loc[:, ["colour", *columns]]
    colours = [seg.segment_colour(c) for c in profile["cluster"]]
    return frame.style.apply(
        lambda _: [f"background-color: {c}" for c in colours], subset=["colour"], axis=0
    )


def elbow_columns() -> dict:
    return {
        "k": Number("Segments (k)", format="%d"),
        "sse": Number(
            "Spread within segments",
            format="%,.1f",
            help="Sum of squared distances to the segment centres (SSE, inertia): lower is "
            "tighter; it always falls as k grows, so look for the bend.",
        ),
        "silhouette": Number(
            "How distinct",
            format="%.2f",
            help="Silhouette: from -1 to 1, higher means customers sit clearly in their segment.",
        ),
        "calinski_harabasz": Number(
            "Separation ratio",
            format="%,.0f",
            help="Calinski-Harabasz: spread between segments over spread within; higher is better.",
        ),
        "davies_bouldin": Number(
            "Overlap",
            format="%.2f",
            help="Davies-Bouldin: how much segments resemble their nearest one; lower is better.",
        ),
    }


def customer_columns(symbol: str) -> dict:
    return {
        "customer_id": st.column_config.TextColumn("Customer"),
        "recency_days": count("Days since last order"),
        "frequency": count("Orders"),
        "monetary": money(symbol, "Spend"),
        "cluster": Number("#", format="%d", width="small"),
        "segment": st.column_config.TextColumn("Segment"),
        **score_columns(),
    }


def kpi_view(kpis):
    """The KPI table as shown: a segment whose customers all bought once has no days between
    orders, said in words rather than as an empty cell or "None"."""
    days = kpis["median_days_between_orders"]
    words = days.map(lambda v: "one order each" if v != v else f"{v:,.0f}")
    return kpis.assign(median_days_between_orders=words)


def kpi_columns(symbol: str) -> dict:
    return {
        "segment": st.column_config.TextColumn("Segment"),
        "customers": count("Customers"),
        "orders": count("Orders"),
        "revenue": money(symbol, "Revenue", help="Net of refunds."),
        "average_order_value": money(symbol, "Average order"),
        "revenue_share": share("Share of revenue"),
        "median_days_since_last_order": Number(
            "Days since last order", format="%,.0f", help="Median over the segment's customers."
        ),
        "median_days_between_orders": st.column_config.TextColumn(
            "Days between orders",
            help="Median over customers with two orders or more.",
        ),
        "one_time_share": share("One-time buyers"),
    }


def score_columns() -> dict:
    return {
        "r_score": Number("R", format="%d", width="small", help="Recency score: 5 is recent."),
        "f_score": Number("F", format="%d", width="small", help="Frequency score: 5 buys most."),
        "m_score": Number("M", format="%d", width="small", help="Monetary score: 5 spends most."),
        "rfm_score": st.column_config.TextColumn("RFM"),
        "rfm_segment": st.column_config.TextColumn("RFM segment"),
        "action": st.column_config.TextColumn("Action (K-Means segment)", width="medium"),
        "rfm_action": st.column_config.TextColumn("Action (RFM segment)", width="medium"),
        "snapshot_date": st.column_config.TextColumn("Snapshot"),
    }
