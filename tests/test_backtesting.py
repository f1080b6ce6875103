"""The backtest's own figures, on a file small enough to work out by hand."""

import pandas as pd
import pytest

from segmentation.outcomes.backtesting import LEARNED, backtest

DAY0 = pd.Timestamp("2024-01-01")
# (customer, day, revenue). The data spans days 0 to 100, so the horizon is cut to half of
# it: 50 days, and the cut is day 50.
ROWS = [
    ("A", 0, 10.0), ("A", 10, 10.0), ("A", 40, 10.0), ("A", 60, 10.0), ("A", 70, 10.0),
    ("B", 0, 20.0), ("B", 45, 20.0),
    ("C", 20, 30.0), ("C", 100, 30.0),
    ("D", 5, 40.0),
]  # fmt: skip


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [c for c, _, _ in ROWS],
            "invoice_date": [DAY0 + pd.Timedelta(days=d) for _, d, _ in ROWS],
            "revenue": [r for _, _, r in ROWS],
            "refund": False,
        }
    )


@pytest.fixture(scope="module")
def demo_shop():
    """A test-sized demo shop, cleaned (400 customers over the demo's two years)."""
    import segmentation as seg

    loaded = seg.load_transactions(seg.demo_csv_bytes(400, 5), "demo.csv")
    return seg.segment(loaded.transactions, seg.Settings(method="scores")).cleaned


def test_backtest_figures_worked_out_by_hand():
    found = backtest(frame(), horizon=365)
    assert (found.cut, found.horizon, found.customers) == ("2024-02-20", 50, 4)
    # After the cut: A bought on days 60 and 70 (20.00), C on day 100 (30.00).
    assert (found.actual_purchases, found.actual_revenue, found.bought_again) == (3, 50.0, 2)
    # The last period repeated: purchase days in (day 0, day 50]: A 10 and 40, B 45, C 20,
    # D 5: five days, 10 + 10 + 20 + 30 + 40 = 110.00.
    last = found.totals.loc["the last period repeated"]
    assert (last["predicted_purchases"], last["predicted_revenue"]) == (5, 110.0)
    assert last["purchases_error"] == pytest.approx(5 / 3 - 1)
    assert last["revenue_error"] == pytest.approx(110 / 50 - 1)
    # Days since the last purchase at the cut: A 10, B 5, C 30, D 45. Of the pairs (bought,
    # did not) A-B, A-D, C-B, C-D, the fewer days rank higher in A-D and C-D only: AUC 2/4.
    assert found.scores["days since the last purchase"] == pytest.approx(0.5)
    # Repeat purchases so far: A 2, B 1, C 0, D 0: A-B, A-D right, C-B wrong, C-D a tie (1/2).
    assert found.scores["purchases so far"] == pytest.approx(2.5 / 4)


def test_too_short_a_history_is_said():
    from segmentation.errors import DataError

    short = frame()
    short["invoice_date"] = DAY0 + (short["invoice_date"] - DAY0) / 10  # ten days in all
    with pytest.raises(DataError, match="too short"):
        backtest(short)


def test_the_verdict_names_the_model_in_use():
    found = backtest(frame(), horizon=365)
    for name in ("BG/NBD", "MBG/NBD", "Pareto/NBD"):
        assert f", {name} forecast" in found.verdict(name)
    assert f", {found.best_forecast} forecast" in found.verdict()


def test_backtest_by_segment_worked_out_by_hand():
    found = backtest(frame(), horizon=365)
    labels = pd.Series({"A": "Loyal", "B": "Loyal", "C": "Lost", "D": "Lost", "E": "New"})
    table = found.by_segment(labels, "the last period repeated").set_index("segment")
    # Loyal (A, B): last period A 10 and 40, B 45 = 3 days, 40.00; after: A 60, 70 = 2, 20.00.
    # Lost (C, D): last period C 20, D 5 = 2 days, 70.00; after: C 100 = 1, 30.00.
    # E is not known at the cut: left out.
    assert list(table.index) == ["Loyal", "Lost"]
    loyal = table.loc["Loyal", ["customers", "predicted_purchases", "actual_purchases"]]
    assert loyal.tolist() == [2, 3, 2]
    assert table.loc["Loyal", "revenue_error"] == pytest.approx(40 / 20 - 1)
    assert table.loc["Lost", ["predicted_revenue", "actual_revenue"]].tolist() == [70.0, 30.0]
    assert table.loc["Lost", "purchases_error"] == pytest.approx(2 / 1 - 1)


def test_a_verdict_when_everyone_bought_again_says_no_ranking_can_be_judged():
    rows = frame()
    day80 = rows.drop_duplicates("customer_id").assign(invoice_date=DAY0 + pd.Timedelta(days=80))
    rows = pd.concat([rows, day80])  # every customer also buys on day 80: all bought again
    found = backtest(rows, horizon=365)
    assert found.bought_again == found.customers == 4
    assert found.scores.empty
    assert "all 4 customers bought again" in found.verdict("BG/NBD")


def test_the_automatic_model_is_chosen_on_the_backtest_s_own_period(demo_shop):
    """One held-out period: the value stage's automatic choice is judged on the days the
    backtest forecasts, so the model in use is the one with the backtest's smallest error."""
    import segmentation as seg

    cleaned = demo_shop
    tested = backtest(cleaned.transactions, 365)
    value = seg.value_stage(cleaned.transactions, cleaned.snapshot, 365)
    assert f"fitted up to {tested.cut}" in value.chosen_because
    assert value.purchases.name == tested.best_forecast


def test_the_day_after_the_cut_and_the_score_shown_as_still_buying():
    found = backtest(frame(), horizon=365)
    assert found.after_cut == "2024-02-21"  # the cut is day 50: 2024-02-20
    scores = found.scores.copy()
    better = scores.copy()
    better["BG/NBD chance of being alive"], better[LEARNED] = 0.6, 0.7
    worse = better.copy()
    worse[LEARNED] = 0.5
    from dataclasses import replace

    assert replace(found, scores=better).still_buying("BG/NBD") == "p_buying_again"
    assert replace(found, scores=worse).still_buying("BG/NBD") == "p_alive"


def test_the_backtest_and_the_automatic_choice_fit_each_model_once(demo_shop, monkeypatch):
    """The automatic choice is judged on the backtest's own period: the same customers up to
    the same cut, so each model is fitted on them once, plus the chosen one on everything
    (three models: four fits, where computing the choice apart took seven)."""
    import segmentation as seg
    from segmentation.outcomes import value as value_module

    cleaned = demo_shop
    value_module._fit_rows.cache_clear()
    fitted = []
    real = value_module._fit

    def counting(loglik, start, what):
        fitted.append(what)
        return real(loglik, start, what)

    monkeypatch.setattr(value_module, "_fit", counting)
    tested = backtest(cleaned.transactions, 365)
    value = seg.value_stage(cleaned.transactions, cleaned.snapshot, 365)
    purchase_models = [w for w in fitted if w in value_module.MODEL_NAMES.values()]
    assert sorted(purchase_models) == sorted(
        [*value_module.MODEL_NAMES.values(), value.purchases.name]
    )
    assert value.purchases.name == tested.best_forecast
