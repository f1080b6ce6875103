"""The Value page's per-segment parts: expected revenue beside the segment's own past, and how
far off the backtest's forecast was for the segment as it stood at the cut."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import segmentation as seg

from . import formats


def segment_value(
    customers: pd.DataFrame, by: str, title: str, value: seg.Value, still: str, symbol: str
) -> None:
    """Expected purchases and revenue per segment of ``by``, the revenue of the last period
    beside them, and a warning for each segment forecast above its own past."""
    h = value.horizon
    st.markdown(f"**{title}**")
    table = seg.segment_value(customers, by)
    st.dataframe(
        table,
        column_order=[
            by,
            "customers",
            "expected_purchases_90d",
            "value_90d",
            "expected_purchases_365d",
            "value_365d",
            f"revenue_last_{h}d",
            still,
        ],
        hide_index=True,
        width="stretch",
        column_config={
            by: st.column_config.TextColumn("Segment"),
            "customers": formats.count("Customers"),
            "expected_purchases_90d": formats.whole("Purchases, next 90 days"),
            "expected_purchases_365d": formats.whole("Purchases, next 365 days"),
            "value_90d": formats.money(symbol, "Revenue, next 90 days"),
            "value_365d": formats.money(symbol, "Revenue, next 365 days"),
            f"revenue_last_{h}d": formats.money(symbol, f"Revenue, last {h} days"),
            still: formats.share("Still buying (mean)"),
        },
    )
    for line in seg.above_own_past(table, by, h, symbol):
        st.warning(line, icon=":material/warning:")


def segment_backtest(
    tested: seg.Backtest, at_cut: pd.DataFrame, by: str, model: str, symbol: str
) -> None:
    """The backtest of ``model`` per segment of ``by`` as the segments stood at the cut."""
    found = tested.by_segment(at_cut.set_index("customer_id")[by], model)
    errors = ["purchases_error", "revenue_error"]
    with st.expander(f"How far off the forecast was per segment (backtest from {tested.cut})"):
        st.dataframe(
            found.assign(**{c: found[c].map(seg.off_by) for c in errors}),
            hide_index=True,
            width="stretch",
            column_config={
                "segment": st.column_config.TextColumn("Segment on " + tested.cut),
                "customers": formats.count("Customers"),
                "predicted_purchases": formats.whole("Purchases forecast"),
                "actual_purchases": formats.whole("Purchases made"),
                "predicted_revenue": formats.money(symbol, "Revenue forecast"),
                "actual_revenue": formats.money(symbol, "Revenue made"),
                "purchases_error": st.column_config.TextColumn("Purchases off by"),
                "revenue_error": st.column_config.TextColumn("Revenue off by"),
            },
        )
