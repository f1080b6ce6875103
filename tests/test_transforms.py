import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from segmentation.errors import DataError, SettingsError
from segmentation.method.transforms import RFMTransformer, skewness_table


@pytest.fixture
def rfm():
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "recency_days": rng.integers(1, 300, 200),
            "frequency": rng.geometric(0.4, 200),
            "monetary": np.round(rng.lognormal(5, 1, 200), 2),
        }
    )


def test_skewness_table_matches_scipy(rfm):
    table = skewness_table(rfm)
    m = rfm["monetary"].to_numpy(dtype=float)
    assert table.loc["monetary", "none"] == pytest.approx(stats.skew(m))
    assert table.loc["monetary", "log"] == pytest.approx(stats.skew(np.log(m)))
    assert table.loc["monetary", "cbrt"] == pytest.approx(stats.skew(np.cbrt(m)))
    boxcox = stats.skew(stats.boxcox(m)[0])  # at a lambda equal to the last digits allowed
    assert table.loc["monetary", "boxcox"] == pytest.approx(boxcox, abs=1e-6)
    assert list(table.columns) == ["none", "log", "sqrt", "cbrt", "boxcox", "yeojohnson"]


def test_auto_picks_smallest_absolute_skew(rfm):
    t = RFMTransformer("auto").fit(rfm)
    table = skewness_table(rfm)
    for metric, method in t.methods_.items():
        assert abs(table.loc[metric, method]) == table.loc[metric].abs().min()


def test_invalid_transform_is_never_auto_and_clear_when_asked(rfm):
    data = rfm.assign(monetary=rfm["monetary"] - 200)  # negatives: no log / Box-Cox / sqrt
    assert np.isnan(skewness_table(data).loc["monetary", ["log", "sqrt", "boxcox"]]).all()
    assert RFMTransformer().fit(data).methods_["monetary"] in ("none", "cbrt", "yeojohnson")
    with pytest.raises(
        SettingsError, match="Cannot use log for monetary: log needs values above 0"
    ):
        RFMTransformer({"monetary": "log"}).fit(data)


def test_fitted_lambda_is_reused_on_new_data(rfm):
    t = RFMTransformer(
        {"recency_days": "boxcox", "frequency": "cbrt", "monetary": "yeojohnson"}
    ).fit(rfm)
    lam = t.params_["recency_days"]
    assert lam == pytest.approx(stats.boxcox(rfm["recency_days"].astype(float))[1])
    other = rfm.iloc[:50] * 2
    out = RFMTransformer.from_dict(t.to_dict()).transform(other)
    np.testing.assert_allclose(
        out["recency_days"], special.boxcox(other["recency_days"].astype(float), lam)
    )
    np.testing.assert_allclose(out["frequency"], np.cbrt(other["frequency"]))


def test_metric_without_spread_is_a_data_error(rfm):
    with pytest.raises(DataError, match="Every customer has the same recency days"):
        RFMTransformer().fit(rfm.assign(recency_days=5))


def test_unknown_transform(rfm):
    with pytest.raises(SettingsError, match="Unknown transform 'square'"):
        RFMTransformer({"monetary": "square"}).fit(rfm)


def test_skew_of_nearly_equal_values_is_nan_and_quiet():
    """scipy warns of precision loss on values such as these; the skewness then means
    nothing, and the warning must not reach the user's stderr."""
    import warnings

    from segmentation.method.transforms import skew

    values = np.array([1e9, 1e9, 1e9 + 1e-6, 1e9])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(skew(values))
    # 1, 2, 3, 10: mean 4, deviations -3, -2, -1, 6; m2 = 50/4, m3 = (-27 - 8 - 1 + 216)/4 = 45.
    assert skew(np.array([1.0, 2.0, 3.0, 10.0])) == pytest.approx(45 / 12.5**1.5)


def test_a_refit_without_the_skewness_table_fits_only_the_transforms_in_use(rfm):
    """A bootstrap refits the transforms hundreds of times: only the chosen ones are fitted
    there (an "auto" metric still compares every transform), with the same outcome."""
    chosen = {"recency_days": "boxcox", "frequency": "auto", "monetary": "log"}
    full = RFMTransformer(chosen).fit(rfm)
    lean = RFMTransformer(chosen, skewness=False).fit(rfm)
    assert set(lean.candidates_) == {("recency_days", "boxcox"), ("monetary", "log")} | {
        ("frequency", m) for m in ("none", "log", "sqrt", "cbrt", "boxcox", "yeojohnson")
    }
    assert lean.methods_ == full.methods_ and lean.params_ == full.params_
    pd.testing.assert_frame_equal(lean.transform(rfm), full.transform(rfm))
    assert lean.params_["recency_days"] == pytest.approx(
        stats.boxcox(rfm["recency_days"].astype(float))[1], abs=1e-6
    )


@pytest.mark.parametrize(
    ("values", "rel"),
    [
        (np.random.default_rng(1).lognormal(3, 1.5, 4000), 1e-6),  # spend
        (np.random.default_rng(2).lognormal(0.3, 0.8, 500).round() + 1, 1e-6),  # order counts
        (np.random.default_rng(3).integers(1, 374, 3000).astype(float), 1e-6),  # recency days
        (np.random.default_rng(4).pareto(1.2, 2000) * 1e5 + 1e5, 1e-6),  # large, heavy-tailed
        # Nearly equal, around one: the likelihood moves by 1e-9 (of 3,136) over lambda +-0.25
        # near its top at about -1255, so float noise alone moves the maximiser by ~1e-3.
        (1 + np.random.default_rng(5).random(300) * 1e-4, 1e-5),
        (np.array([1.0, 2.0, 3.0, 10.0]), 1e-6),
    ],
)
def test_box_cox_lambda_is_scipy_s_maximum_likelihood(values, rel):
    """The transform's own Box-Cox fit finds the lambda scipy's ``boxcox`` finds (the same
    log-likelihood maximised by Brent's method), whatever the data's scale: equal to the last
    digits the flat top of the likelihood allows, and as likely."""
    from segmentation.method.transforms import fit_param

    ours, scipys = fit_param("boxcox", values), stats.boxcox(values)[1]
    assert ours == pytest.approx(scipys, rel=rel, abs=1e-6)
    best = stats.boxcox_llf(scipys, values)
    assert stats.boxcox_llf(ours, values) >= best - 1e-9 * abs(best)
