"""The Movement page's parts: the earlier date, the previous file, and one method's moves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import segmentation as seg

from . import cache
from . import state as S
from .context import Context

PREVIOUS = "previous_file"  # (bytes, name) of the customer file uploaded to compare with
LISTS = {
    "down": ("Moved down", "moved_down"),
    "up": ("Moved up", "moved_up"),
    "new": ("New", "new"),
}
TITLES = {"segment": "K-Means segments", "rfm_segment": "RFM grid segments"}


def earlier_date(ctx: Context, snapshot: str) -> tuple[str, int]:
    """The days-back slider (default 90, at most the data's span less a week)."""
    first = ctx.run.cleaned().transactions["invoice_date"].min().normalize()
    span = int((pd.Timestamp(snapshot) - first).days)
    if span < 8:
        raise seg.DataError(
            "The data covers less than a week: there is no earlier date to compare."
        )
    top = min(span - 1, 730)
    st.session_state.setdefault(S.MOVEMENT_DAYS, min(90, top))
    st.session_state[S.MOVEMENT_DAYS] = min(st.session_state[S.MOVEMENT_DAYS], top)
    days = st.slider(
        "Days before the snapshot",
        7,
        top,
        key=S.MOVEMENT_DAYS,
        help="The earlier snapshot: customers are labelled from what they bought before it.",
    )
    s0 = seg.earlier_snapshot(snapshot, days)
    st.caption(
        f"Comparing **{s0.date()}** with **{snapshot}** ({days} days, about {days / 30.4:.0f} "
        "months). Customers whose first purchase is on or after the earlier date are new."
    )
    return str(s0.date()), days


def previous_file() -> pd.DataFrame:
    """The customer file to compare with (kept when the page is left)."""
    upload = st.file_uploader(
        "Customer file downloaded earlier (CSV or Excel)",
        type=["csv", "xlsx"],
        key=S.PREVIOUS_UPLOAD,
        help="The 'Customers' download of this tool: it records its snapshot date.",
    )
    if upload is not None:
        st.session_state[PREVIOUS] = (upload.getvalue(), upload.name)
    if PREVIOUS not in st.session_state:
        st.info("Upload a customer file this tool exported earlier to compare with it.")
        st.stop()
    data, name = st.session_state[PREVIOUS]
    st.caption(f"Comparing with **{name}**.")
    return cache.previous_file(S.digest(data), name, data)


def draw(move: seg.Movement, symbol: str, from_file: bool) -> None:
    """Headlines, the Sankey diagram, the matrix and the lists to act on, for one method."""
    st.header(TITLES.get(move.by, move.by))
    lines = move.headlines(symbol)
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    if from_file and move.unmatched:
        st.info(
            "Segment names found in only one of the two files (shown as they are): "
            + ", ".join(move.unmatched)
        )
    st.markdown("**Where each segment's customers went**")
    st.plotly_chart(seg.sankey_figure(move), key=f"sankey_{move.by}")
    _, hidden = seg.sankey_flows(move)
    if hidden:
        st.caption(
            f"{seg.count(hidden, 'smaller flow')} (under 1% of the customers each) "
            f"{'is' if hidden == 1 else 'are'} left out of the chart: the matrix below has "
            "every one."
        )
    counts = move.cells.groupby("direction")["customers"].sum()
    st.caption(
        "Flows: "
        + "; ".join(
            f"{seg.DIRECTION_WORDS[d]} ({_colour_word(d)}): {int(counts.get(d, 0)):,}"
            for d in ("up", "down", "same", "new", "left", "moved")
            if counts.get(d, 0)
        )
        + ". Segments are ordered by the playbook's rank, best first."
    )
    st.markdown("**Segment then (rows) and now (columns)**: customers and share of the row")
    st.plotly_chart(seg.movement_heatmap(move.counts, move.shares), key=f"heatmap_{move.by}")
    with st.expander("Every move as a table, with the revenue since the earlier date"):
        st.dataframe(
            move.cells.assign(direction=move.cells["direction"].map(seg.DIRECTION_WORDS)),
            hide_index=True,
            width="stretch",
            column_config={
                "before": "Then",
                "now": "Now",
                "customers": st.column_config.NumberColumn("Customers", format="%,d"),
                "share_of_row": st.column_config.NumberColumn("Share of then", format="percent"),
                "revenue_period": st.column_config.NumberColumn(
                    f"Spent since {move.before_date}", format="%,.2f"
                ),
                "direction": "Move",
            },
        )
    cols = st.columns(len(LISTS))
    customers = move.customers
    for col, (direction, (label, stem)) in zip(cols, LISTS.items(), strict=True):
        part = customers[customers["direction"] == direction]
        col.download_button(
            f"{label}: {seg.count(len(part), 'customer')} (CSV)",
            seg.to_csv_bytes(part),
            f"{stem}_{move.by}_{move.before_date}_to_{move.now_date}.csv",
            "text/csv",
            key=f"dl_{stem}_{move.by}",
            icon=":material/download:",
            on_click="ignore",
            disabled=part.empty,
        )


def _colour_word(direction: str) -> str:
    return {
        "up": "blue",
        "down": "orange",
        "same": "grey",
        "new": "green",
        "left": "black",
        "moved": "pink",
    }[direction]
