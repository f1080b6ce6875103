"""Customer value models: CDNOW's published figures, conditional expectations and probability
alive worked out by hand, limits, and the value stage on generated data."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from segmentation.errors import DataError
from segmentation.outcomes.value import (
    PurchaseModel,
    SpendModel,
    customer_summary,
    discounted_purchases,
    fit_purchases,
    fit_spend,
    holdout_check,
    value_stage,
)
from tests.conftest import examples


@pytest.fixture(scope="module")
def cdnow(shared_data):
    folder = shared_data / "cdnow"
    raw = pd.read_csv(
        folder / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master", "id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    tx = pd.DataFrame(
        {
            "customer_id": raw["id"].astype(str),
            "invoice_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "revenue": raw["amount"],
        }
    )
    return tx, pd.read_csv(folder / "cdnow_summary.csv", dtype={"ID": str}).set_index("ID")


@pytest.mark.realdata
def test_cdnow_summary_is_rebuilt_from_the_transactions(cdnow):
    tx, published = cdnow
    built = customer_summary(tx[tx["invoice_date"] <= "1997-09-30"], "1997-09-30", unit_days=7)
    built = built.loc[published.index]
    assert (built["x"] == published["x"]).all()
    np.testing.assert_array_equal(built["t_x"].round(2), published["t_x"])
    np.testing.assert_array_equal(built["T"].round(2), published["T"])
    np.testing.assert_allclose(built["zbar"], published["zbar"], atol=0.01)


@pytest.mark.realdata
def test_bgnbd_and_gamma_gamma_give_the_published_parameters(cdnow):
    _, weeks = cdnow
    bg = fit_purchases(weeks, "bgnbd")
    assert (bg.r, bg.alpha, bg.a, bg.b) == pytest.approx((0.243, 4.414, 0.793, 2.426), abs=0.002)
    assert bg.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    # In days, alpha scales with the unit (x 7); the other parameters do not.
    days = weeks.assign(t_x=weeks["t_x"] * 7, T=weeks["T"] * 7)
    in_days = fit_purchases(days, "bgnbd")
    assert in_days.alpha / 7 == pytest.approx(4.414, abs=0.002)
    assert (in_days.r, in_days.a, in_days.b) == pytest.approx((0.243, 0.793, 2.426), abs=0.002)
    # ... and neither do predictions: 39 weeks ahead is 273 days ahead.
    args = [weeks["x"], weeks["t_x"], weeks["T"]]
    np.testing.assert_allclose(
        bg.expected_purchases(39, *args),
        in_days.expected_purchases(273, weeks["x"], days["t_x"], days["T"]),
        rtol=1e-3,
    )
    spend = fit_spend(weeks)
    assert (spend.p, spend.q, spend.gamma) == pytest.approx((6.25, 3.74, 15.44), abs=0.02)
    assert spend.customers == 946


@pytest.mark.realdata
def test_holdout_counts_the_published_holdout_purchases(cdnow):
    tx, _ = cdnow
    check = holdout_check(tx, model="bgnbd", calibration_end="1997-09-30")
    assert check.actual == 1882  # customer-days in 1997-10-01..1998-06-30 (data README)
    assert check.holdout_days == 273
    assert check.by_purchases["customers"].sum() == 2357
    assert abs(check.error) < 0.2 and "1,882" in check.verdict()


# Parameters chosen for hand calculation: r = 1, alpha = 1, a = 2, b = 3.
HAND = PurchaseModel("bgnbd", 1.0, 1.0, 2.0, 3.0, 0.0, 1)


def test_conditional_expectation_of_a_customer_without_repeat_purchases():
    # x = 0, T = 1, t = 2: E = (a+b-1)/(a-1) * [1 - ((a+T)/(a+T+t))^r * 2F1(1, 3; 4; z)] with
    # z = t/(alpha+T+t) = 1/2. 2F1(1, 3; 4; z) = 3 * (-ln(1-z) - z - z^2/2) / z^3.
    z = 0.5
    hyp = 3 * (-math.log(1 - z) - z - z**2 / 2) / z**3
    expected = 4 * (1 - 0.5 * hyp)
    assert HAND.expected_purchases(2, 0, 0, 1) == pytest.approx(expected, rel=1e-9)
    assert HAND.p_alive(0, 0, 1) == 1.0  # BG/NBD: no repeat purchase, no chance to drop out


def test_probability_alive_by_hand():
    # x = 2, t_x = 4, T = 6: odds of having left = a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)
    # = 2/4 * (7/5)^3 = 1.372.
    assert HAND.p_alive(2, 4, 6) == pytest.approx(1 / (1 + 0.5 * 1.4**3), rel=1e-12)
    # MBG/NBD: a one-time buyer (x = 0, t_x = 0, T = 6) may have left: odds 2/3 * 7 = 14/3.
    modified = PurchaseModel("mbgnbd", 1.0, 1.0, 2.0, 3.0, 0.0, 1)
    assert modified.p_alive(0, 0, 6) == pytest.approx(3 / 17, rel=1e-12)


def test_limits():
    for model in (HAND, PurchaseModel("mbgnbd", 1.0, 1.0, 2.0, 3.0, 0.0, 1)):
        assert model.expected_purchases(0, 3, 5, 9) == pytest.approx(0, abs=1e-12)
        assert model.expected_purchases(1e-6, 3, 5, 9) < 1e-5
        # More days ahead, more purchases expected.
        ahead = model.expected_purchases(np.array([10.0, 100.0, 1000.0]), 3, 5, 9)
        assert np.all(np.diff(ahead) > 0)


def test_expected_spend_by_hand():
    spend = SpendModel(p=2.0, q=3.0, gamma=10.0, log_likelihood=0.0, customers=1)
    # p (gamma + x zbar) / (p x + q - 1): x = 2, zbar = 20 -> 2 * 50 / 6; x = 0 -> the mean
    # of the population, p gamma / (q - 1) = 10.
    assert spend.expected_spend(2, 20) == pytest.approx(100 / 6)
    assert spend.expected_spend(0, 0) == pytest.approx(10.0)


def test_discounting_lowers_value_and_zero_rate_is_the_plain_expectation():
    summary = pd.DataFrame({"x": [0, 3], "t_x": [0.0, 50.0], "T": [100.0, 100.0]})
    plain = HAND.expected_purchases(365, summary["x"], summary["t_x"], summary["T"])
    np.testing.assert_allclose(discounted_purchases(HAND, summary, 365, 0.0), plain)
    assert np.all(discounted_purchases(HAND, summary, 365, 0.1) < plain)


def test_value_stage_on_the_demo_shop():
    from segmentation.columns.loading import load_transactions
    from segmentation.demo import demo_csv_bytes
    from segmentation.pipeline import Settings, segment

    loaded = load_transactions(demo_csv_bytes(400, 5), "demo.csv")
    result = segment(loaded.transactions, Settings(method="scores"))
    value = value_stage(result.cleaned.transactions, result.cleaned.snapshot, 90)
    predictions = value.predictions
    assert list(predictions.columns) == [
        "p_alive",
        "expected_purchases_90d",
        "expected_order_value",
        "value_90d",
        "p_buying_again",  # learned on the 90 days before the period's end
    ]
    assert predictions.index.equals(result.rfm.index)
    assert predictions["p_alive"].between(0, 1).all()
    assert predictions["p_buying_again"].between(0, 1).all()
    assert (predictions["value_90d"] >= 0).all()
    assert value.purchases.name in value.chosen_because
    day_before = result.cleaned.snapshot - pd.Timedelta(days=1)  # the period ends the day before
    assert value.end == day_before and value.summary.attrs == {}
    assert value.to_dict()["period_end"] == str(day_before.date())


def test_a_file_without_repeat_buyers_is_refused_clearly():
    once = pd.DataFrame({"x": [0, 0, 0], "t_x": [0.0] * 3, "T": [5.0, 6.0, 7.0], "zbar": 0.0})
    with pytest.raises(DataError, match="bought again"):
        fit_purchases(once)
    with pytest.raises(DataError, match="bought again"):
        fit_spend(once)


def test_a_fit_that_runs_to_huge_parameters_stays_quiet():
    """The optimiser may try parameters whose exponential overflows: such points are simply
    bad, never a RuntimeWarning on the user's stderr."""
    import warnings

    from segmentation.errors import DataError
    from segmentation.outcomes.value import _fit

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:  # the likelihood grows without bound: the fit may end anywhere far out
            _fit(lambda p: float(p[0]), np.array([1.0]), "test")
        except DataError:
            pass


@pytest.mark.realdata
def test_the_automatic_choice_is_made_on_the_held_out_period(cdnow):
    """On CDNOW the higher in-sample log-likelihood is MBG/NBD's, but BG/NBD's and Pareto/NBD's
    39-week forecasts are closer to what happened: the held-out period decides."""
    from segmentation.outcomes.value import choose_model

    tx, _ = cdnow
    calibration = customer_summary(tx, "1997-09-30")
    bg, mbg = fit_purchases(calibration, "bgnbd"), fit_purchases(calibration, "mbgnbd")
    assert mbg.log_likelihood > bg.log_likelihood
    checks = {
        m: holdout_check(tx, model=m, calibration_end="1997-09-30")
        for m in ("bgnbd", "mbgnbd", "pnbd")
    }
    assert abs(checks[bg.model].error) < abs(checks[mbg.model].error)
    closest = min(checks, key=lambda m: abs(checks[m].error))
    whole = customer_summary(tx, "1998-06-30")
    chosen, why = choose_model(whole, "auto", tx, calibration_end="1997-09-30")
    assert chosen.model == closest and "forecast" in why
    assert all(name in why for name in ("BG/NBD", "MBG/NBD", "Pareto/NBD"))


# ---------------------------------------------------------------- always numbers
MPMATH_DIGITS = 150  # the textbook form cancels 1 - shrink * 2F1: 60 digits fall short


def reference_expectation(model: PurchaseModel, t, x, t_x, T) -> float:
    """The textbook conditional expectation at 60 significant digits (mpmath), written as in
    Fader, Hardie and Lee (2005) and Batislam et al. (2007)."""
    import mpmath

    mpmath.mp.dps = MPMATH_DIGITS
    r, alpha, a, b, x, t_x, T, t = (
        mpmath.mpf(v) for v in (model.r, model.alpha, model.a, model.b, x, t_x, T, t)
    )
    z = t / (alpha + T + t)
    shrink = ((alpha + T) / (alpha + T + t)) ** (r + x)
    ratio = ((alpha + T) / (alpha + t_x)) ** (r + x)
    if model.modified:
        head, hyp = (
            (a + b + x) / (a - 1),
            mpmath.hyp2f1(r + x, b + x + 1, a + b + x, z, maxterms=10**6),
        )
        odds = a / (b + x) * ratio
    else:
        head, hyp = (
            (a + b + x - 1) / (a - 1),
            mpmath.hyp2f1(r + x, b + x, a + b + x - 1, z, maxterms=10**6),
        )
        odds = a / (b + x - 1) * ratio if x > 0 else 0
    return float(head * (1 - shrink * hyp) / (1 + odds))


@settings(max_examples=examples(150), deadline=None)
@given(
    st.sampled_from(["bgnbd", "mbgnbd"]),
    st.floats(0.05, 10), st.floats(0.5, 500), st.floats(0.05, 10), st.floats(0.05, 10),
    st.integers(0, 10_000),
    st.floats(0, 1), st.floats(1, 20_000),
    st.floats(1, 50 * 365.25),
)  # fmt: skip
def test_expectations_are_finite_and_exact_at_the_extremes(model, r, alpha, a, b, x, at, T, t):
    import warnings

    assume(abs(a - 1) > 1e-3)
    fitted = PurchaseModel(model, r, alpha, a, b, 0.0, 1)
    t_x = at * T if x else 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = float(fitted.expected_purchases(t, x, t_x, T))
        alive = float(fitted.p_alive(x, t_x, T))
    assert np.isfinite(got) and 0 <= alive <= 1
    assert got == pytest.approx(reference_expectation(fitted, t, x, t_x, T), rel=1e-6, abs=1e-12)


def test_a_ten_year_horizon_for_rare_and_daily_buyers_is_a_number_not_a_warning():
    """Long horizons put z near 1, where 2F1 leaves float range for small third parameters
    (rare buyers) and scipy's 2F1 fails for large ones (daily buyers)."""
    import warnings

    model = PurchaseModel("bgnbd", 0.8, 2.0, 3.5, 1.2, 0.0, 1)
    x = np.array([0, 1, 3, 700, 3000])
    T = np.array([2.0, 30.0, 300.0, 730.0, 3000.0])
    t_x = T * 0.98
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = model.expected_purchases(3652.5, x, t_x, T)
    expected = [reference_expectation(model, 3652.5, *v) for v in zip(x, t_x, T, strict=True)]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
def test_dropout_shared_by_every_customer_gives_numbers_or_a_refusal(model):
    """A few loyal customers fit a and b in the hundreds of thousands (every customer the same
    chance to leave); the float form's two factors then leave float range at ordinary horizons
    and 2F1 at those parameters took mpmath minutes per row (a 240-row file hung the command
    line). Horizons up to z = 0.6 are numbers equal to the textbook's; a longer one is a number
    or predict()'s one-line refusal, never a hang."""
    from segmentation.outcomes.value import SpendModel, predict

    fitted = PurchaseModel(model, 2.5, 40.0, 56_000.0, 950_000.0, 0.0, 1)
    for t in (140.0, 300.0):  # z = 0.41 and 0.6 for T = 160
        got = float(fitted.expected_purchases(t, 20, 150.0, 160.0))
        assert got == pytest.approx(reference_expectation(fitted, t, 20, 150.0, 160.0), rel=1e-6)
    summary = pd.DataFrame({"x": [20], "t_x": [150.0], "T": [160.0], "zbar": [50.0]}, index=["c"])
    spend = SpendModel(6.0, 4.0, 15.0, 0.0, 1)
    try:
        far = predict(fitted, spend, summary, horizon=3000)  # z = 0.94
    except DataError as refused:
        assert "give no number for 1 customers" in str(refused)
    else:
        assert (far["expected_purchases_3000d"] > 20).all()


def test_segments_forecast_above_their_own_past_are_flagged_in_words():
    from segmentation.outcomes.value import above_own_past

    table = pd.DataFrame(
        {
            "segment": ["Lost", "Champions", "Quiet"],
            "customers": [10, 5, 1],
            "value_365d": [120.0, 900.0, 5.0],
            "revenue_last_365d": [80.0, 1000.0, 0.0],
        }
    )
    # Lost: 120 against 80 (+50 %); Quiet: 5 against nothing; Champions below its past.
    assert above_own_past(table, "segment", 365, "£") == [
        "Lost: forecast £120 in the next 365 days, above the £80 it brought in the last 365 "
        "days (+50%): a forecast above a segment's own past is unlikely, treat it with care.",
        "Quiet: forecast £5 in the next 365 days, and it brought nothing in the last 365 "
        "days: treat it with care.",
    ]


def test_value_stage_gives_each_customer_its_revenue_in_the_last_horizon():
    from segmentation.outcomes.value import value_stage

    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B", "C"],
            "invoice_date": pd.to_datetime(
                ["2024-01-01", "2024-03-01", "2024-06-01", "2024-01-05", "2024-05-20", "2024-02-01"]
            ),
            "revenue": [10.0, 20.0, 30.0, 5.0, 7.0, 40.0],
            "refund": False,
        }
    )
    # Snapshot 2024-06-02: the period ends 2024-06-01; the last 30 days are May 3 to June 1.
    found = value_stage(tx, "2024-06-02", horizon=30, model="bgnbd")
    assert found.recent_revenue.to_dict() == {"A": 30.0, "B": 7.0, "C": 0.0}
