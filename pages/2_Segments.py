"""Segments: choose k from the elbow, read each segment's profile, name the segments."""

import streamlit as st

import segmentation as seg
from dashboard import cache, layout
from dashboard import state as S
from segmentation import charts

layout.setup_page("Segments")
st.title("Segments")

try:
    ctx = layout.run()
    table = cache.rfm(ctx.source, ctx.method, ctx.data)
    scaled = cache.transformed(ctx.source, ctx.method, ctx.transforms, ctx.data)[2]
    segments = cache.segments(ctx.source, ctx.method, ctx.transforms, ctx.k, ctx.data)
except seg.SegmentationError as exc:
    layout.show_error(exc)
    st.stop()

st.subheader("How many segments?")
st.caption(
    f"The elbow of the SSE curve suggests **k = {ctx.suggested_k}**; you chose "
    f"**k = {ctx.k}** (sidebar). Higher silhouette and Calinski-Harabasz, lower "
    "Davies-Bouldin mean better separated segments."
)
st.plotly_chart(charts.elbow_figure(ctx.elbow, ctx.suggested_k, ctx.k), key="elbow")
with st.expander("All k metrics"):
    st.dataframe(ctx.elbow.drop(columns="fit_seconds"), hide_index=True, width="stretch")

st.subheader("Segment names")
st.caption(
    "Named from each segment's position (recent, frequent, high spend, ...). "
    "Rename them: the names flow to every chart and download."
)
names = layout.segment_name_inputs(ctx, segments)

st.subheader("Profiles")
profile = seg.cluster_profile(table, segments.labels, names)
st.dataframe(
    profile,
    hide_index=True,
    width="stretch",
    column_config={
        "share": st.column_config.NumberColumn(format="percent"),
        "revenue_share": st.column_config.NumberColumn(format="percent"),
        "monetary_mean": st.column_config.NumberColumn(format="%.2f"),
        "monetary_median": st.column_config.NumberColumn(format="%.2f"),
    },
)
left, right = st.columns(2)
with left:
    st.markdown("**Snake plot** (standardized means)")
    st.plotly_chart(charts.snake_figure(scaled, segments.labels, names), key="snake")
with right:
    st.markdown("**Relative importance** (segment mean / overall mean − 1)")
    st.plotly_chart(
        charts.importance_figure(seg.relative_importance(table, segments.labels), names),
        key="importance",
    )
st.markdown("**Segment sizes**")
st.plotly_chart(charts.sizes_figure(profile), key="sizes")
st.markdown("**Customers in RFM space**")
st.session_state.setdefault(S.LOG_AXES, True)
log_axes = st.checkbox("Log axes", key=S.LOG_AXES)
customers = seg.customers_table(table, segments.labels, names)
if log_axes and (customers[list(seg.METRICS)] <= 0).any().any():
    st.caption("Customers with zero or negative values are left out of the log axes.")
    customers = customers[(customers[list(seg.METRICS)] > 0).all(axis=1)]
st.plotly_chart(charts.scatter3d_figure(customers, log_axes, ctx.method.seed), key="scatter3d")
st.page_link(
    "pages/3_Download.py",
    label="Next: download the labelled customers",
    icon=":material/arrow_forward:",
)
