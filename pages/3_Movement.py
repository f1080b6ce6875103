"""Movement: how customers moved between segments since an earlier date, or since a customer
file downloaded earlier; lists of who moved down, moved up or is new."""

import streamlit as st

import segmentation as seg
from dashboard import context, movement_view, pages
from dashboard import state as S

COMPARE = {"date": "an earlier date of this file", "file": "a customer file downloaded earlier"}

pages.setup_page("Movement")
st.title("How customers moved between segments")
st.caption(
    "A segmentation is a snapshot. Here the same model and the same score thresholds label "
    "your customers at an earlier date too, so you see who moved up, who is slipping away and "
    "who is new, with what they spent in between."
)
st.session_state.setdefault(S.COMPARE_WITH, "date")
st.radio(
    "Compare with", list(COMPARE), key=S.COMPARE_WITH, format_func=COMPARE.get, horizontal=True
)

try:
    ctx = context.run()
    run = ctx.named()
    result = run.result()
    now = result.customer_file(ctx.contacts())
    symbol = ctx.notes().currency_symbol
    snapshot = now["snapshot_date"].iloc[0]
    if st.session_state[S.COMPARE_WITH] == "date":
        s0, days = movement_view.earlier_date(ctx, snapshot)
        before = run.earlier_labels(s0)
    else:
        before = movement_view.previous_file()
        s0 = str(before["snapshot_date"].iloc[0])
    revenue = run.period_revenue(s0)
    found = seg.compare_all(before, now, result.playbook, revenue)
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

if not found:
    st.warning(
        "The earlier file has none of the segment columns in use (segment for K-Means, "
        "rfm_segment for RFM scores): choose the method it was made with on the Segments page."
    )
    st.stop()
for move in found:
    movement_view.draw(move, symbol, st.session_state[S.COMPARE_WITH] == "file")

st.subheader("Download the movement")
left, right = st.columns(2)
left.download_button(
    "Movement matrix (CSV)",
    seg.to_csv_bytes(seg.matrix_table(found)),
    f"movement_{s0}_to_{snapshot}.csv",
    "text/csv",
    key="dl_movement",
    icon=":material/download:",
    on_click="ignore",
)
right.download_button(
    "Every customer whose segment changed (CSV)",
    seg.to_csv_bytes(seg.movers_table(found)),
    f"movers_{s0}_to_{snapshot}.csv",
    "text/csv",
    key="dl_movers",
    icon=":material/download:",
    on_click="ignore",
)
st.page_link(
    "pages/4_Value.py",
    label="Next: what each customer is likely to be worth",
    icon=":material/arrow_forward:",
)
