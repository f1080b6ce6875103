"""Home: the data source, column mapping and cleaning report."""

import streamlit as st

import segmentation as seg
from dashboard import (
    cache,
    choices,
    contact_fields,
    context,
    formats,
    pages,
    recipe_view,
    states_view,
    uploads,
)
from dashboard import state as S

pages.setup_page("Data")
st.title("Customer segments from your transactions")
st.caption(
    "Upload the invoice lines your shop exports; get RFM segments and a labelled customer file."
)

st.file_uploader(
    "Transactions file (one row per invoice line)",
    type=["xlsx", "xls", "csv", "txt", "parquet"],
    key=S.UPLOAD,
    help="Columns needed: customer id, invoice date, and quantity + unit price (or a line amount).",
)
in_use = st.empty()  # the uploader cannot show the file in use: this line does
uploads.show_in_use(in_use)
if S.UPLOAD_ERROR in st.session_state:
    st.error(
        st.session_state[S.UPLOAD_ERROR] + f" Still using **{st.session_state[S.DATA_NAME]}**."
    )
uploads.pending_panel()
if st.session_state[S.DATA_IS_DEMO]:
    st.info("No file uploaded yet: showing the built-in demo shop (3,000 customers, one year).")

data, name, digest = (st.session_state[k] for k in (S.DATA_BYTES, S.DATA_NAME, S.DATA_DIGEST))
try:
    sheets = cache.preview(digest, name, None, data)
    if len(sheets.all_sheets) > 1:
        st.session_state.setdefault(S.SHEET, S.ALL_SHEETS)
        st.selectbox("Sheet", [S.ALL_SHEETS, *sheets.all_sheets], key=S.SHEET)
        if sheets.skipped_sheets and st.session_state[S.SHEET] == S.ALL_SHEETS:
            st.caption(
                f"Read: {', '.join(sheets.sheets)}. Left out (other columns or empty): "
                f"{', '.join(sheets.skipped_sheets)}."
            )
    sheet = choices.source_choice().sheet
    preview = cache.preview(digest, name, sheet, data)
    detected = cache.detected_roles(digest, name, sheet, data)
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()

st.subheader("Columns")
roles = list(detected)
options = [S.NO_COLUMN, *preview.columns]
if st.session_state.get(S.MAPPING_FOR) != (digest, sheet):
    st.session_state[S.MAPPING_FOR] = (digest, sheet)
    for role in roles:
        st.session_state[S.map_key(role)] = detected[role] or S.NO_COLUMN
cols = st.columns(3)
for i, role in enumerate(roles):
    cols[i % 3].selectbox(role.replace("_", " ").capitalize(), options, key=S.map_key(role))
c1, c2, c3 = st.columns(3)
st.session_state.setdefault(S.DAYFIRST, "auto")
detected_order = None
if st.session_state[S.DAYFIRST] == "auto":
    try:
        detected_order = cache.reading_notes(choices.source_choice(), data).date_order
    except seg.SegmentationError:
        pass  # the message is shown below
c1.selectbox(
    "Date order",
    list(choices.DATE_ORDERS),
    key=S.DAYFIRST,
    format_func=lambda v: (
        f"automatic: {detected_order}" if v == "auto" and detected_order else choices.DATE_ORDERS[v]
    ),
    help="For dates written as text such as 05/03/2012. Automatic decides from a day above "
    "12, dotted dates, or the order that keeps dates rising with the invoice numbers.",
)
st.session_state.setdefault(S.DECIMAL, "auto")
c2.selectbox(
    "Decimal mark",
    list(choices.DECIMAL_MARKS),
    key=S.DECIMAL,
    format_func=choices.DECIMAL_MARKS.get,
    help="For numbers written as text. Automatic decides from values such as 1.531,71.",
)
if st.session_state.get(S.map_key("currency"), S.NO_COLUMN) != S.NO_COLUMN:
    c3.text_input(
        "Currency",
        key=S.CURRENCY,
        placeholder="all rows (one currency)",
        help="When the currency column holds several currencies, type the one to keep (EUR).",
    )
else:  # the file may not say its currency: the user can
    choices.currency_chooser(c3, data)

st.subheader("Cleaning")
labels = {rule.key: rule.label for rule in seg.RULES if rule.key != "refunds"}
defaults = seg.CleaningOptions()
st.session_state.setdefault(S.REFUNDS, defaults.refunds)
st.radio(
    "Refunds (cancellations, negative quantities, credit notes)",
    seg.REFUNDS,
    key=S.REFUNDS,
    horizontal=True,
    format_func=lambda v: {
        "net": "subtract from the customer's spend",
        "drop": "drop the refund lines",
        "keep": "keep as ordinary rows",
    }[v],
    help="Subtract: a customer who returned everything leaves the table. Drop: the original "
    "orders count at full value. Keep: the tutorial's way.",
)
cols = st.columns(3)
for i, (rule, label) in enumerate(labels.items()):
    st.session_state.setdefault(S.clean_key(rule), getattr(defaults, rule))
    cols[i % 3].toggle(label, key=S.clean_key(rule))
c1, c2 = st.columns(2)
st.session_state.setdefault(S.FREQUENCY, "auto")
c1.selectbox(
    "Frequency counts",
    list(choices.FREQUENCY_LABELS),
    key=S.FREQUENCY,
    format_func=choices.FREQUENCY_LABELS.get,
    help="Automatic: distinct orders when the file has order ids, else purchase days.",
)
if c2.toggle(
    "Choose the snapshot date",
    key=S.SNAPSHOT_CUSTOM,
    help="Default: the day after the last invoice date.",
):
    if S.SNAPSHOT not in st.session_state:  # start from the snapshot in use
        try:
            settings = seg.Settings(cleaning=choices.cleaning_choice())
            cleaned = cache.run(choices.source_choice(), settings, data).cleaned()
            st.session_state[S.SNAPSHOT] = cleaned.snapshot.date()
        except seg.SegmentationError:
            pass  # the message is shown below
    c2.date_input("Snapshot date", key=S.SNAPSHOT)

source, cleaning = choices.source_choice(), choices.cleaning_choice()
try:
    ctx = context.run()
except seg.SegmentationError as exc:
    ctx = None
    pages.show_error(exc)
    if isinstance(exc, seg.StatusQuestion):
        states_view.draw(exc.states, expanded=True)
        st.stop()
    try:  # the report often says why (every customer bought once, nothing left, ...)
        cleaned = cache.run(source, seg.Settings(cleaning=cleaning), data).cleaned()
        notes = cache.reading_notes(source, data)
    except seg.SegmentationError:
        st.stop()
else:
    cleaned, notes = ctx.run.cleaned(), ctx.notes()
report = cleaned.report
uploads.show_in_use(in_use, report.rows_in)
symbol = notes.currency_symbol
st.subheader("Cleaning report")
m1, m2, m3, m4 = st.columns(4)
m1.metric("Rows read", f"{report.rows_in:,}")
m2.metric("Rows kept", f"{report.rows_kept:,}", f"{report.rows_kept - report.rows_in:,}")
m3.metric("Revenue kept", f"{symbol}{report.revenue_kept:,.2f}", help="After refunds.")
m4.metric("Customers", f"{report.customers_kept:,}")
st.dataframe(
    report.table, hide_index=True, width="stretch", column_config=formats.report_columns(symbol)
)
st.caption("Each rule sees only the rows the rules above it kept.")
with st.expander("How the file was read", expanded=True):
    st.dataframe(
        notes.to_frame(),
        hide_index=True,
        width="stretch",
        column_config={"topic": "What", "decision": st.column_config.TextColumn("Read as")},
    )
states_view.draw(notes.states, symbol)
states_view.draw_orders(cache.loaded(source, _data=data).orders, symbol)
contact_fields.draw(source, data)
if ctx is not None:
    recipe_view.draw(ctx)
with st.expander("First cleaned rows"):
    st.dataframe(cleaned.transactions.head(200), hide_index=True, width="stretch")
st.page_link(
    "pages/1_Explore.py",
    label="Next: explore the RFM distributions",
    icon=":material/arrow_forward:",
)
