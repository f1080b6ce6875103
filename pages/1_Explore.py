"""Explore: the RFM table, each metric's distribution, and the skew-reducing transforms."""

import streamlit as st

import segmentation as seg
from dashboard import choices, context, pages
from dashboard import state as S

pages.setup_page("Explore")
st.title("Explore recency, frequency and monetary value")

st.subheader("Transforms")
st.caption(
    "A few very large customers would pull the segments towards them; a transform evens each "
    "metric out first. Automatic picks the one that makes it most symmetric (smallest "
    "skewness)."
)
cols = st.columns(3)
for col, (metric, key) in zip(cols, S.TRANSFORM.items(), strict=True):
    st.session_state.setdefault(key, "auto")
    col.selectbox(
        seg.METRIC_LABELS[metric],
        ["auto", *seg.TRANSFORMS],
        key=key,
        format_func=lambda v: "automatic" if v == "auto" else seg.TRANSFORM_LABELS[v],
    )

try:
    ctx = context.run()
    table = ctx.run.rfm()
    basis = ctx.run.basis()  # the snapshot day and what frequency counts
    fitted = ctx.run.transformed().transformer
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

skewness = fitted.skewness_
for col, metric in zip(cols, seg.METRICS, strict=True):
    used = fitted.methods_[metric]
    col.caption(
        f"In use: **{seg.TRANSFORM_LABELS[used]}**; lopsidedness (skewness) "
        f"{skewness.loc[metric, 'none']:.2f} → {skewness.loc[metric, used]:.2f}"
    )

st.subheader("RFM summary")
snapshot = basis[0].date()
frequency = choices.FREQUENCY_LABELS[basis[1]]
st.caption(
    f"{seg.count(len(table), 'customer')} · snapshot {snapshot} · frequency counts {frequency}"
)
summary = table.describe().T.rename(
    index=seg.METRIC_LABELS,
    columns={
        "count": "Customers",
        "mean": "Mean",
        "50%": "Median",
        "25%": "Lower quarter",
        "75%": "Upper quarter",
        "min": "Smallest",
        "max": "Largest",
    },
)
st.dataframe(
    summary[
        ["Customers", "Mean", "Median", "Lower quarter", "Upper quarter", "Smallest", "Largest"]
    ]
    .style.format("{:,.2f}")
    .format("{:,.0f}", subset=["Customers"]),
    width="stretch",
)
with st.expander("RFM table (first 1,000 customers; click a header to sort)"):
    st.dataframe(table.head(1000), width="stretch")

st.subheader("Distributions before and after the transform")
for metric in seg.METRICS:
    st.plotly_chart(ctx.distribution(metric), key=f"dist_{metric}")
    used = fitted.methods_[metric]
    st.caption(
        f"{seg.METRIC_LABELS[metric]}: median {table[metric].median():,.1f}, largest "
        f"{table[metric].max():,.1f}; lopsidedness {skewness.loc[metric, 'none']:.2f} before, "
        f"{skewness.loc[metric, used]:.2f} after the {seg.TRANSFORM_LABELS[used]} transform."
    )

with st.expander("Method details: how lopsided each metric is under each transform"):
    st.caption(
        "Skewness measures how lopsided a distribution is: 0 is symmetric. ★ marks the "
        "transform in use (orange)."
    )
    st.dataframe(
        skewness.rename(index=seg.METRIC_LABELS, columns=seg.TRANSFORM_LABELS).style.format(
            "{:.2f}", na_rep="unavailable"
        ),
        width="stretch",
    )
    st.plotly_chart(ctx.transform_grid(), key="grid")
st.page_link(
    "pages/2_Segments.py",
    label="Next: choose k and read the segments",
    icon=":material/arrow_forward:",
)
