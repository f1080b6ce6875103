"""Pareto/NBD: CDNOW's published parameters and log-likelihood (Fader and Hardie 2005), and
its expressions against a plain reimplementation at 60 digits (mpmath)."""

import mpmath
import numpy as np
import pandas as pd
import pytest

from segmentation.outcomes.paretonbd import ParetoNBD, _loglik, fit_pareto

PUBLISHED = (0.553, 10.578, 0.606, 11.669)  # r, alpha, s, beta (weeks)


@pytest.fixture(scope="module")
def weeks(shared_data):
    path = shared_data / "cdnow" / "cdnow_summary.csv"
    return pd.read_csv(path, dtype={"ID": str}).set_index("ID")


@pytest.mark.realdata
def test_cdnow_parameters_and_log_likelihood(weeks):
    at_published = _loglik(PUBLISHED, weeks["x"], weeks["t_x"], weeks["T"]).sum()
    assert at_published == pytest.approx(-9594.98, abs=0.01)
    fitted = fit_pareto(weeks)
    assert (fitted.r, fitted.alpha, fitted.s, fitted.beta) == pytest.approx(PUBLISHED, abs=0.005)
    assert fitted.log_likelihood == pytest.approx(-9594.98, abs=0.05)


def reference(model: ParetoNBD, t, x, t_x, T) -> tuple[float, float]:
    """P(alive) and E[X(t)] as written in the note, in 60-digit arithmetic."""
    mpmath.mp.dps = 60
    r, alpha, s, beta, t, x, t_x, T = (
        mpmath.mpf(v) for v in (model.r, model.alpha, model.s, model.beta, t, x, t_x, T)
    )
    big, second = (alpha, s + 1) if alpha >= beta else (beta, r + x)

    def f(y):
        z = abs(alpha - beta) / (big + y)
        return mpmath.hyp2f1(r + s + x, second, r + s + x + 1, z) / (big + y) ** (r + s + x)

    a0 = f(t_x) - f(T)
    alive = 1 / (1 + s / (r + s + x) * (alpha + T) ** (r + x) * (beta + T) ** s * a0)
    expected = (
        (r + x)
        * (beta + T)
        / ((alpha + T) * (s - 1))
        * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
        * alive
    )
    return float(alive), float(expected)


@pytest.mark.parametrize(
    ("params", "x", "t_x", "T", "t"),
    [
        (PUBLISHED, 2, 30.43, 38.86, 39),  # CDNOW customer 1, 39 weeks ahead
        (PUBLISHED, 0, 0.0, 38.86, 39),
        (PUBLISHED, 20, 38.0, 38.86, 52),
        ((0.8, 40.0, 1.3, 25.0), 300, 700.0, 720.0, 3650),  # alpha > beta, a daily buyer
        ((0.8, 25.0, 0.7, 60.0), 900, 1400.0, 1800.0, 365),  # alpha < beta
    ],
)
def test_expressions_match_the_note_at_high_precision(params, x, t_x, T, t):
    model = ParetoNBD(*params, 0.0, 1)
    alive, expected = reference(model, t, x, t_x, T)
    assert float(model.p_alive(x, t_x, T)[()]) == pytest.approx(alive, rel=1e-6, abs=1e-15)
    got = float(np.asarray(model.expected_purchases(t, x, t_x, T)))
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-15)


@pytest.mark.parametrize("params", [PUBLISHED, (0.8, 40.0, 1.3, 25.0), (0.8, 25.0, 0.7, 60.0)])
def test_many_customers_at_once_each_get_their_own_figures(params):
    """Customers who share a count and a date share their Gauss function (computed once);
    every customer still gets the figures of their own (x, t_x, T), in any order, and a
    single period end broadcasts over them."""
    model = ParetoNBD(*params, 0.0, 1)
    x = np.array([2, 0, 2, 7, 2, 0, 7, 1])
    t_x = np.array([30.5, 0.0, 30.5, 12.0, 10.0, 0.0, 12.0, 38.0])
    T = 38.86  # every customer observed to the same end
    got = model.p_alive(x, t_x, T)
    assert got.shape == (8,)
    for i in range(8):
        assert got[i] == pytest.approx(reference(model, 1, x[i], t_x[i], T)[0], rel=1e-6)
    each_own_end = np.array([38.86, 20.0, 38.86, 38.86, 38.86, 38.86, 14.0, 39.0])
    got = model.p_alive(x, t_x, each_own_end)
    for i in range(8):
        expected = reference(model, 1, x[i], t_x[i], each_own_end[i])[0]
        assert got[i] == pytest.approx(expected, rel=1e-6)
