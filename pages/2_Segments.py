"""Segments: choose k from the elbow, read each segment's profile, name the segments, and
check how far they can be trusted."""

import streamlit as st

import segmentation as seg
from dashboard import context, names, pages
from dashboard import state as S

pages.setup_page("Segments")
st.title("Segments")

try:
    ctx = context.run()
    table = ctx.rfm()
    scaled = ctx.transformed().scaled
    segments = ctx.segments()
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

st.subheader("How many segments?")
st.caption(
    f"The elbow of the SSE curve suggests **k = {ctx.elbow.suggested_k}**; you chose "
    f"**k = {ctx.k}** (sidebar). Higher silhouette and Calinski-Harabasz, lower "
    "Davies-Bouldin mean better separated segments."
)
st.plotly_chart(seg.elbow_figure(ctx.elbow.metrics, ctx.elbow.suggested_k, ctx.k), key="elbow")
with st.expander("All k metrics"):
    st.dataframe(ctx.elbow.metrics.drop(columns="fit_seconds"), hide_index=True, width="stretch")

st.subheader("Segment names")
st.caption(
    "Named from each segment's position (recent, frequent, high spend, ...). "
    "Rename them: the names flow to every chart and download."
)
labels = names.name_inputs(ctx, segments)
profiled = seg.profile_stage(table, segments, labels)

st.subheader("Profiles")
st.dataframe(
    profiled.profile,
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
    st.plotly_chart(seg.snake_figure(scaled, segments.labels, labels), key="snake")
with right:
    st.markdown("**Relative importance** (segment mean / overall mean − 1)")
    st.plotly_chart(seg.importance_figure(profiled.importance, labels), key="importance")
st.markdown("**Segment sizes**")
st.plotly_chart(seg.sizes_figure(profiled.profile), key="sizes")
st.markdown("**Customers in RFM space**")
st.session_state.setdefault(S.LOG_AXES, True)
log_axes = st.checkbox("Log axes", key=S.LOG_AXES)
customers = profiled.customers
if log_axes and (customers[list(seg.METRICS)] <= 0).any().any():
    st.caption("Customers with zero or negative values are left out of the log axes.")
    customers = customers[(customers[list(seg.METRICS)] > 0).all(axis=1)]
st.plotly_chart(seg.scatter3d_figure(customers, log_axes, ctx.settings.seed), key="scatter3d")

st.subheader("Can these segments be trusted?")
st.caption(
    f"Refits the whole method on {ctx.settings.resamples} resamples of your customers and "
    "checks whether each segment comes back (Hennig 2007: 0.75 or more is stable, 0.6 to 0.75 "
    "doubtful, below 0.6 do not trust), and whether other random starts give the same segments."
)
done = st.session_state.setdefault(S.STABILITY, {})
if ctx.key not in done and st.button("Check stability", key=S.STABILITY_RUN):
    bar = st.progress(0.0, text="Refitting on resamples…")
    done[ctx.key] = ctx.stability(lambda share: bar.progress(share, text="Refitting…"))
    bar.empty()
if ctx.key in done:
    found = done[ctx.key]
    st.plotly_chart(seg.stability_figure(found.table, labels), key="stability")
    st.caption(
        "Other random starts agree with these segments at "
        f"{found.seed_agreement:.0%} (adjusted Rand index; lowest {found.seed_agreement_min:.0%})."
    )
    st.markdown("**Prediction strength per k** (0.8 or more supports that k; information only)")
    st.plotly_chart(
        seg.prediction_strength_figure(ctx.prediction_strength(), ctx.k), key="strength"
    )
st.page_link(
    "pages/3_Download.py",
    label="Next: download the labelled customers",
    icon=":material/arrow_forward:",
)
