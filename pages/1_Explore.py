"""Explore: the RFM table, each metric's distribution, and the skew-reducing transforms."""

import streamlit as st

import segmentation as seg
from dashboard import choices, context, pages
from dashboard import state as S

pages.setup_page("Explore")
st.title("Explore recency, frequency and monetary value")

st.subheader("Transforms")
st.caption(
    "Skewed metrics make K-Means chase a few big customers; a transform evens them out. "
    "Auto picks the valid transform with the smallest absolute skewness."
)
cols = st.columns(3)
for col, (metric, key) in zip(cols, S.TRANSFORM.items(), strict=True):
    st.session_state.setdefault(key, "auto")
    col.selectbox(
        seg.METRIC_LABELS[metric],
        ["auto", *seg.TRANSFORMS],
        key=key,
        format_func=lambda v: "auto" if v == "auto" else seg.TRANSFORM_LABELS[v],
    )

try:
    ctx = context.run()
    table = ctx.rfm()
    fitted = ctx.transformed().transformer
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

skewness = fitted.skewness_
for col, metric in zip(cols, seg.METRICS, strict=True):
    used = fitted.methods_[metric]
    col.caption(
        f"In use: **{seg.TRANSFORM_LABELS[used]}**, skewness "
        f"{skewness.loc[metric, 'none']:.2f} → {skewness.loc[metric, used]:.2f}"
    )

st.subheader("RFM summary")
snapshot = table.attrs.get("snapshot")
frequency = choices.FREQUENCY_LABELS[table.attrs.get("frequency", "invoices")]
st.caption(f"{len(table):,} customers · snapshot {snapshot} · frequency counts {frequency}")
summary = table.describe().T.rename(columns={"50%": "median", "25%": "q1", "75%": "q3"})
st.dataframe(summary[["count", "mean", "median", "q1", "q3", "min", "max"]], width="stretch")
with st.expander("RFM table (first 1,000 customers; click a header to sort)"):
    st.dataframe(table.head(1000), width="stretch")

st.subheader("Distributions before and after the transform")
for metric in seg.METRICS:
    st.plotly_chart(ctx.distribution(metric), key=f"dist_{metric}")

st.subheader("Transform comparison")
st.caption("★ marks the transform in use (orange). Skewness near 0 is best.")
st.dataframe(
    skewness.rename(columns=seg.TRANSFORM_LABELS).style.format("{:.3f}", na_rep="unavailable"),
    width="stretch",
)
st.plotly_chart(ctx.transform_grid(), key="grid")
st.page_link(
    "pages/2_Segments.py",
    label="Next: choose k and read the segments",
    icon=":material/arrow_forward:",
)
