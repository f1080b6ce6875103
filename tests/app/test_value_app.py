"""AppTest: the Value page says which model is in use and why, matches the core's figures,
and its "probably gone" list does not silently omit one-time buyers."""

import functools

import pandas as pd

import segmentation as seg


def value_page(app):
    app.switch_page("pages/4_Value.py").run()
    assert not app.exception and not app.error
    return app


@functools.lru_cache  # the core's figures, once per module (read, never changed)
def core_value(model="auto"):
    loaded = seg.load_transactions(seg.demo_csv_bytes(), "demo.csv")
    run = seg.Run(loaded.transactions, seg.Settings(k=3))
    return run.result(), run.value(365, 0.0, model)


def test_the_model_in_use_and_the_segment_revenue_match_the_core(app):
    value_page(app)
    result, value = core_value()
    # The page leads with the backtest's verdict, then the model in use.
    tested = seg.backtest(result.cleaned.transactions, 365)
    infos = [i.value for i in app.info if "built-in demo shop" not in i.value]
    assert infos[0] == tested.verdict(value.purchases.name)
    assert value.purchases.name in infos[0]  # one model name everywhere
    assert value.chosen_because in infos[1]
    table = app.dataframe[0].value.set_index("segment")
    customers = result.customer_file(None, value.predictions)
    expected = customers.groupby("segment")["value_365d"].sum()
    for name, total in expected.items():
        assert abs(table.loc[name, "value_365d"] - total) < 0.01


def test_bg_nbd_warns_that_one_time_buyers_cannot_be_judged(app):
    value_page(app)
    app.selectbox(key="value_model").set_value("bgnbd").run()
    assert not app.exception
    assert "one-time buyers as still buying" in app.warning[0].value
    gone = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert (gone["frequency"] > 1).all()  # BG/NBD: a one-time buyer is alive


def test_mbg_nbd_lists_valuable_one_time_buyers_too(app):
    value_page(app)
    app.selectbox(key="value_model").set_value("mbgnbd").run()
    assert not app.exception
    assert not [w for w in app.warning if "one-time" in w.value]
    gone = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert (gone["p_alive"] < 0.5).all()
    assert any("of them bought only once" in c.value for c in app.caption)
    # Under MBG/NBD one-time buyers are judged: their chance of still buying is below 1.
    _, value = core_value("mbgnbd")
    assert (value.predictions["p_alive"][value.summary["x"] == 0] < 1).all()


def test_the_held_out_check_is_shown_in_words(app):
    value_page(app)
    assert any("predicted" in m.value and "there were" in m.value for m in app.markdown)
    app.slider(key="holdout_fraction").set_value(0.4).run()
    assert not app.exception


def test_the_backtest_per_segment_uses_the_segments_as_they_stood_at_the_cut(app):
    value_page(app)
    result, value = core_value()
    tested = seg.backtest(result.cleaned.transactions, 365)
    day = str((pd.Timestamp(tested.cut) + pd.Timedelta(days=1)).date())
    at_cut = seg.earlier_labels(
        seg.load_transactions(seg.demo_csv_bytes(), "demo.csv").transactions,
        seg.Recipe.from_dict(result.recipe()),
        day,
    )
    shown = next(d.value for d in app.dataframe if "actual_purchases" in d.value.columns)
    # Plain count of each segment's customers known at the cut, then purchase days after it.
    labels = at_cut.set_index("customer_id")["segment"]
    known = labels.reindex(tested.per_customer.index).dropna()
    assert shown.set_index("segment")["customers"].to_dict() == known.value_counts().to_dict()
    assert shown["actual_purchases"].sum() == tested.actual_purchases
    # Segments forecast above what they brought in the last year are flagged in words.
    customers = result.customer_file(None, value.predictions)
    customers["revenue_last_365d"] = value.recent_revenue.reindex(customers["customer_id"]).values
    above = []
    for by in ("segment", "rfm_segment"):
        table = seg.segment_value(customers, by)
        above += list(table[table["value_365d"] > table["revenue_last_365d"]][by])
    flagged = [w.value.split(":")[0] for w in app.warning if "in the next 365 days" in w.value]
    assert sorted(flagged) == sorted(above)
