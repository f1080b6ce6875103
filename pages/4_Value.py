"""Value: who is still buying, what each customer and segment is likely to bring, and the
valuable customers who have probably left."""

import streamlit as st

import segmentation as seg
from dashboard import context, formats, pages, value_view
from dashboard import state as S

MODELS = {
    "auto": "automatic (the best on a held-out period)",
    "bgnbd": "BG/NBD",
    "mbgnbd": "MBG/NBD (one-time buyers can have left)",
    "pnbd": "Pareto/NBD (one-time buyers can have left)",
}

pages.setup_page("Value")
st.title("What your customers are likely to be worth")
st.caption(
    "Two standard models look ahead: one learns from each customer's purchase rhythm how "
    "likely they are to still be buying and how often they will buy (BG/NBD, Fader, Hardie "
    "and Lee 2005); the other what they spend per order (Gamma-Gamma, Fader and Hardie 2013)."
)
c1, c2, c3 = st.columns(3)
st.session_state.setdefault(S.VALUE_MODEL, "auto")
c1.selectbox("Repeat-purchase model", list(MODELS), key=S.VALUE_MODEL, format_func=MODELS.get)
st.session_state.setdefault(S.DISCOUNT_RATE, 0.0)
c2.number_input(
    "Discount rate per year",
    0.0,
    1.0,
    step=0.01,
    key=S.DISCOUNT_RATE,
    format="%.2f",
    help="Money next year is worth less than today: 0.10 discounts it by 10 % a year.",
)
st.session_state.setdefault(S.HOLDOUT_FRACTION, 0.25)
c3.slider(
    "Held out to check the model",
    0.1,
    0.5,
    step=0.05,
    key=S.HOLDOUT_FRACTION,
    help="The model is fitted without the last part of the period and judged on it.",
)

try:
    ctx = context.run()
    run = ctx.named()
    value = ctx.value()
    # the model in use: one model name everywhere on the page
    check = run.holdout(float(st.session_state[S.HOLDOUT_FRACTION]), value.purchases.model)
    customers = run.result().customer_file(ctx.contacts(), value.predictions)
    symbol = ctx.notes().currency_symbol
except seg.SegmentationError as exc:
    pages.show_error(exc)
    st.stop()
try:  # the forecast is never shown without how far off it was on this data
    tested = run.backtest(365)
except seg.SegmentationError as exc:
    tested = None
    st.warning(f"The forecasts could not be checked on this data: {exc}")
else:
    st.info(tested.verdict(value.purchases.name), icon=":material/fact_check:")

rate = float(st.session_state[S.DISCOUNT_RATE])
soon = seg.predict(value.purchases, value.spend, value.summary, 90, rate)
customers["value_90d"] = soon["value_90d"].reindex(customers["customer_id"]).to_numpy()
customers["expected_purchases_90d"] = (
    soon["expected_purchases_90d"].reindex(customers["customer_id"]).to_numpy()
)
# "Still buying" is the score that ranked who bought again best in the backtest.
still = "p_alive"
if tested is not None and "p_buying_again" in customers:
    still = tested.still_buying(value.purchases.name)
STILL_WORDS = {
    "p_alive": f"the {value.purchases.name} chance of being alive",
    "p_buying_again": "the chance of buying again, learned from the period before",
}
one_time = int((value.summary["x"] == 0).sum())
st.info(f"**Model in use**: {value.chosen_because}", icon=":material/info:")
if not value.purchases.modified:
    st.warning(
        f"BG/NBD counts the {one_time:,} one-time buyers as still buying (probability 1), so "
        "the list of valuable customers who have probably left cannot include them. Choose "
        "MBG/NBD above to judge them too."
    )

h = value.horizon
customers[f"revenue_last_{h}d"] = value.recent_revenue.reindex(customers["customer_id"]).to_numpy()
at_cut = None
if tested is not None:  # the segments as they stood at the backtest's cut
    at_cut = run.earlier_labels(tested.after_cut)

st.subheader("Expected revenue per segment")
for by, title in (("segment", "K-Means segments"), ("rfm_segment", "RFM grid segments")):
    if by in customers:
        value_view.segment_value(customers, by, title, value, still, symbol)
        if at_cut is not None and by in at_cut:
            value_view.segment_backtest(tested, at_cut, by, value.purchases.name, symbol)
off = ""
if tested is not None:
    row = tested.totals.loc[value.purchases.name]
    off = (
        f" On this data's backtest the forecast was off by {row['purchases_error']:+.0%} in "
        f"purchases and {row['revenue_error']:+.0%} in revenue over {tested.horizon} days."
    )
st.caption(
    f"All customers: {symbol}{customers['value_90d'].sum():,.0f} expected in the next 90 days "
    f"and {symbol}{customers['value_365d'].sum():,.0f} in the next 365"
    + (f" (discounted at {rate:.0%} a year)." if rate else ".")
    + off
)

st.subheader("Who is still buying?")
st.plotly_chart(seg.p_alive_figure(customers[still]), key="p_alive")
likely = (customers[still] >= seg.GONE).mean()
st.caption(
    f"{likely:.0%} of the customers are more likely than not to still be buying; "
    f"{(customers[still] < 0.2).mean():.0%} have probably left (below 20 %). The score is "
    f"{STILL_WORDS[still]}: it told best who bought again in the backtest."
)

st.subheader("Valuable but probably gone")
gone, threshold = seg.probably_gone(customers, still)
once = int((gone["frequency"] == 1).sum())
st.caption(
    f"The top fifth by past spend ({symbol}{threshold:,.0f} or more) whose chance of still "
    f"buying is below {seg.GONE:.0%}: **{seg.count(len(gone), 'customer')}** who spent "
    f"{symbol}{gone['monetary'].sum():,.0f}; {once:,} of them bought only once."
)
st.dataframe(
    gone.head(500),
    hide_index=True,
    width="stretch",
    column_config=formats.customer_columns(symbol),
)
st.download_button(
    f"Valuable but probably gone: {seg.count(len(gone), 'customer')} (CSV)",
    seg.to_csv_bytes(gone),
    "valuable_probably_gone.csv",
    "text/csv",
    key="dl_gone",
    icon=":material/download:",
    on_click="ignore",
    disabled=gone.empty,
)

st.subheader("Can these forecasts be trusted?")
st.markdown(check.verdict())
st.plotly_chart(seg.holdout_figure(check.by_purchases), key="holdout")
st.caption(
    "Per customer, by how many times they bought again before the held-out period: the "
    "closer the two bars, the better the model knows your customers."
)
if abs(value.correlation) >= seg.STRONG_CORRELATION:
    st.warning(
        f"How often customers buy and how much they spend per order are correlated "
        f"({value.correlation:.2f}); the spend model assumes they are not, so expected spend "
        "per order is less reliable."
    )
else:
    st.caption(
        f"How often customers buy and what they spend per order are nearly independent "
        f"(correlation {value.correlation:.2f}), as the spend model assumes."
    )
st.page_link(
    "pages/5_Download.py",
    label="Next: download the labelled customers",
    icon=":material/arrow_forward:",
)
