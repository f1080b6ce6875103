"""Explore: the RFM table, each metric's distribution, and the skew-reducing transforms."""

import streamlit as st

import segmentation as seg
from dashboard import cache, layout
from dashboard import state as S
from segmentation.charts import METRIC_LABELS
from segmentation.transforms import LABELS, TRANSFORMS

layout.setup_page("Explore")
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
        METRIC_LABELS[metric],
        ["auto", *TRANSFORMS],
        key=key,
        format_func=lambda v: "auto" if v == "auto" else LABELS[v],
    )

try:
    ctx = layout.run()
    table = cache.rfm(ctx.source, ctx.method, ctx.data)
    fitted, skewness, _, _ = cache.transformed(ctx.source, ctx.method, ctx.transforms, ctx.data)
except seg.SegmentationError as exc:
    layout.show_error(exc)
    st.stop()

picked = {m: v["method"] for m, v in fitted.items()}
for col, metric in zip(cols, seg.METRICS, strict=True):
    col.caption(
        f"In use: **{LABELS[picked[metric]]}**, skewness "
        f"{skewness.loc[metric, 'none']:.2f} → {skewness.loc[metric, picked[metric]]:.2f}"
    )

st.subheader("RFM summary")
snapshot = table.attrs.get("snapshot")
frequency = layout.FREQUENCY_LABELS[table.attrs.get("frequency", "invoices")]
st.caption(f"{len(table):,} customers · snapshot {snapshot} · frequency counts {frequency}")
summary = table.describe().T.rename(columns={"50%": "median", "25%": "q1", "75%": "q3"})
st.dataframe(summary[["count", "mean", "median", "q1", "q3", "min", "max"]], width="stretch")
with st.expander("RFM table (first 1,000 customers; click a header to sort)"):
    st.dataframe(table.head(1000), width="stretch")

st.subheader("Distributions before and after the transform")
for metric in seg.METRICS:
    figure = cache.distribution(
        ctx.source, ctx.method, metric, picked[metric], fitted[metric]["param"], ctx.data
    )
    st.plotly_chart(figure, key=f"dist_{metric}")

st.subheader("Transform comparison")
st.caption("★ marks the transform in use (orange). Skewness near 0 is best.")
st.dataframe(
    skewness.rename(columns=LABELS).style.format("{:.3f}", na_rep="unavailable"), width="stretch"
)
grid = cache.transform_grid(ctx.source, ctx.method, tuple(picked.items()), ctx.data)
st.plotly_chart(grid, key="grid")
st.page_link(
    "pages/2_Segments.py",
    label="Next: choose k and read the segments",
    icon=":material/arrow_forward:",
)
