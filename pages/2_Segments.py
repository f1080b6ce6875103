"""Segments: how many, what each one is, their names, and how far they can be trusted."""

import streamlit as st

import segmentation as seg
from dashboard import context, formats, kmeans_view, pages, scores_view

pages.setup_page("Segments")
st.title("Segments")
scores_view.method_radio()

try:
    ctx = context.run()
    symbol = ctx.notes().currency_symbol
    scored = ctx.run.scored() if ctx.settings.scores else None
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

kmeans = ctx.settings.kmeans
if kmeans:
    st.header("K-Means segments")
    run = kmeans_view.draw(ctx, symbol)
else:
    run = ctx.run
result = run.result()
customers = result.customers

if scored is not None:
    st.header("RFM scores")
    st.subheader("Score thresholds")
    scores_view.thresholds(scored)
    kpis = result.kpis("rfm_segment")
    book = result.playbook
    ranks = dict(zip(book["segment"], book["rank"], strict=True))
    st.subheader("Segments of the RFM grid")
    st.plotly_chart(seg.grid_sizes_figure(kpis, ranks), key="grid_sizes")
    st.dataframe(
        formats.kpi_view(kpis),
        hide_index=True,
        width="stretch",
        column_config=formats.kpi_columns(symbol),
    )
    with st.expander("The segment grid: which scores make which segment"):
        scores_view.rules(ctx.settings)

if kmeans and scored is not None:
    st.header("K-Means segments and RFM segments")
    table = result.crosstab()
    st.caption(
        "Customers in each pair of segments: where the two methods agree, and where a K-Means "
        "segment spreads over several RFM segments."
    )
    st.plotly_chart(seg.crosstab_figure(table), key="crosstab")
    with st.expander("The same counts as a table"):
        st.dataframe(table, width="stretch")

st.header("What to do with each segment")
scores_view.playbook(ctx.settings)

st.page_link(
    "pages/3_Movement.py",
    label="Next: how customers moved between segments",
    icon=":material/arrow_forward:",
)
