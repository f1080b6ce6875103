"""Download: labelled customers (CSV, XLSX), segment summary, recipe, cleaning report."""

import streamlit as st

import segmentation as seg
from dashboard import context, formats, names, pages
from dashboard import state as S

CSV_FORMATS = {
    "file": "like the uploaded file",
    "point": "comma-separated, decimal point (1,234.5)",
    "comma": "semicolon-separated, decimal comma (1.234,5)",
}

pages.setup_page("Download")
st.title("Download")

try:
    ctx = context.run()
    segments = ctx.segments()
    profiled = seg.profile_stage(ctx.rfm(), segments, names.names_for(ctx, segments))
    report = ctx.cleaned().report
    notes = ctx.notes()
    recipe = ctx.recipe(profiled.names)
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

customers, profile = ctx.customers(profiled), profiled.profile
if ctx.sampled:
    st.info(
        f"The segments were fitted on a sample of {len(ctx.rfm()):,} customers; the customer "
        f"files label all {len(customers):,} customers with that model. The segment summary "
        "describes the sample."
    )
k = ctx.k
st.caption(
    f"{len(customers):,} customers in {k} segments: "
    + ", ".join(f"{n} ({c:,})" for n, c in customers["segment"].value_counts().items())
)

file_convention = notes.csv_convention
st.session_state.setdefault(S.CSV_FORMAT, "file")
choice = st.selectbox(
    "CSV format",
    list(CSV_FORMATS),
    key=S.CSV_FORMAT,
    format_func=lambda v: (
        CSV_FORMATS[v]
        + (
            ": " + CSV_FORMATS["comma" if file_convention[1] == "," else "point"]
            if v == "file"
            else ""
        )
    ),
    help="Column names stay the same in every format, for mailing tools and scripts.",
)
delimiter, decimal = {"file": file_convention, "point": (",", "."), "comma": (";", ",")}[choice]


def csv(frame):
    return seg.to_csv_bytes(frame, delimiter, decimal)


left, right = st.columns(2)
with left:
    st.markdown("**Every customer with a segment label**")
    st.download_button(
        "Customers (CSV)",
        csv(customers),
        f"customers_segmented_k{k}.csv",
        "text/csv",
        key="dl_customers_csv",
        icon=":material/download:",
    )
    st.download_button(
        "Customers and summary (Excel)",
        lambda: seg.to_xlsx_bytes(
            {
                "customers": customers,
                "segments": profile,
                "cleaning": report.to_frame(),
                "reading": notes.to_frame(),
            }
        ),
        f"customers_segmented_k{k}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_customers_xlsx",
        icon=":material/download:",
    )
with right:
    st.markdown("**How the segments were made**")
    st.download_button(
        "Segment summary (CSV)",
        csv(profile),
        f"segment_summary_k{k}.csv",
        "text/csv",
        key="dl_summary",
        icon=":material/download:",
    )
    st.download_button(
        "Recipe (JSON): label next month's file the same way",
        seg.recipe_to_json(recipe),
        f"segmentation_recipe_k{k}.json",
        "application/json",
        key="dl_recipe",
        icon=":material/download:",
    )
    st.download_button(
        "Cleaning report (CSV)",
        csv(report.to_frame()),
        "cleaning_report.csv",
        "text/csv",
        key="dl_report",
        icon=":material/download:",
    )
st.caption(
    "Text that a spreadsheet would run as a formula (starting =, +, -, @) is prefixed "
    "with an apostrophe in every export."
)
st.subheader("Preview")
st.dataframe(
    customers.head(500),
    hide_index=True,
    width="stretch",
    column_config=formats.customer_columns(notes.currency_symbol),
)
