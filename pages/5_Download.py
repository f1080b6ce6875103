"""Download: labelled customers (CSV, XLSX, one list per segment), the shareable report,
segment summary, recipe, cleaning report."""

import streamlit as st

import segmentation as seg
from dashboard import context, formats, mailing_view, pages, sql_view
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
    run = ctx.named()
    report = run.cleaned().report
    notes = ctx.notes()
    recipe = ctx.recipe(run)
    result = run.result()
    contacts = ctx.contacts()
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

try:  # value columns when the models can describe these customers
    predictions, value_note = ctx.value().predictions, None
except seg.SegmentationError as exc:
    predictions, value_note = None, f"No value columns: {exc}"
customers = result.customer_file(contacts, predictions)
source_name = st.session_state[S.DATA_NAME]
profile = result.profile if result.profiled is not None else result.kpis("rfm_segment")
if ctx.sampled:
    st.info(
        f"The segments were fitted on a sample of {len(result.rfm):,} customers; the customer "
        f"files label all {len(customers):,} customers with that model. The segment summary "
        "describes the sample."
    )
stem = f"k{result.k}" if result.profiled is not None else "rfm"
for column, method in formats.METHOD_COLUMNS:
    if column in customers:
        st.caption(
            f"{method}: {len(customers):,} customers in {customers[column].nunique()} segments: "
            + ", ".join(f"{n} ({c:,})" for n, c in customers[column].value_counts().items())
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


consent_column = ctx.contact_fields().consent_column(
    list(contacts.columns) if contacts is not None else []
)
only_consenting = None
if consent_column:
    st.session_state.setdefault(S.CONSENTED_ONLY, False)
    if st.checkbox(
        f"Per-segment lists: only customers who accept marketing ('{consent_column}')",
        key=S.CONSENTED_ONLY,
    ):
        only_consenting = consent_column
elif contacts is None:
    st.caption("No contact fields chosen: choose e-mail, name and more on the Data page.")
lists = seg.segment_lists(customers, only_consenting)
if only_consenting:
    listed = len(set().union(*(part["customer_id"] for part in lists.values())))
    st.caption(f"{listed:,} of {len(customers):,} customers accept marketing.")
if value_note:
    st.caption(value_note)


left, right = st.columns(2)
with left:
    st.markdown("**Every customer with a segment label**")
    st.download_button(
        "Customers (CSV)",
        csv(customers),
        f"customers_segmented_{stem}.csv",
        "text/csv",
        key="dl_customers_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        "One list per segment (zip of CSV files)",
        lambda: seg.segment_zip(lists, delimiter, decimal),
        f"customers_by_segment_{stem}.zip",
        "application/zip",
        key="dl_segment_zip",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        "Customers, a sheet per segment, summary (Excel)",
        lambda: seg.to_xlsx_bytes(
            {
                "customers": customers,
                **lists,
                "segments": profile,
                "cleaning": report.to_frame(),
                "reading": notes.to_frame(),
            }
        ),
        f"customers_segmented_{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_customers_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
with right:
    st.markdown("**How the segments were made**")
    st.download_button(
        "Report to share (HTML, opens offline)",
        # Runs on the click, outside this script: it may not read the session state.
        lambda: seg.html_report(result, source_name, notes, notes.currency_symbol).encode(),
        f"segments_report_{stem}.html",
        "text/html",
        key="dl_report_html",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        "Segment summary (CSV)",
        csv(profile),
        f"segment_summary_{stem}.csv",
        "text/csv",
        key="dl_summary",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        "Recipe (JSON): label next month's file the same way",
        seg.recipe_to_json(recipe),
        f"segmentation_recipe_{stem}.json",
        "application/json",
        key="dl_recipe",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        "Cleaning report (CSV)",
        csv(report.to_frame()),
        "cleaning_report.csv",
        "text/csv",
        key="dl_report",
        icon=":material/download:",
        on_click="ignore",
    )
mailing_view.draw(customers, ctx.contact_fields().kinds, consent_column, stem)
st.caption(
    "Text that a spreadsheet would run as a formula (starting =, +, -, @) is prefixed "
    "with an apostrophe in every export; phone numbers stay as written."
)
sql_view.draw(recipe)
st.subheader("Preview")
st.dataframe(
    customers.head(500),
    hide_index=True,
    width="stretch",
    column_config=formats.customer_columns(notes.currency_symbol),
)
