"""Customer value ahead: BG/NBD (or MBG/NBD) for repeat purchases and Gamma-Gamma for spend.

Models (time in days throughout):

- **BG/NBD** (Fader, Hardie and Lee 2005): while alive a customer buys at a Poisson rate
  (gamma-distributed across customers, shape r, scale α); after each repeat purchase they drop
  out with a beta-distributed probability (a, b). A customer without a repeat purchase is alive
  with probability 1.
- **MBG/NBD** (Batislam, Denizel and Filiztekin 2007): the same, but a customer can also drop
  out right after the first purchase, so one-time buyers can have left too.
- **Gamma-Gamma** (Fader and Hardie 2013): the mean spend of a customer's repeat purchases,
  independent of how often they buy; fitted on customers with repeat purchases.

The customer summary counts purchase *days* (a day's transactions are one purchase, as in the
published CDNOW analyses): ``x`` repeat purchase days, ``t_x`` days from the first to the last
purchase day, ``T`` days from the first purchase day to the end of the period (the last day
of the data), ``zbar`` the mean spend of the repeat purchase days (0 when x = 0). Spend per
day is the day's purchases (refund lines are not purchases).

Fits maximise the log-likelihood over log-parameters with scipy (L-BFGS-B from a start of
ones, as the reference implementation), on the distinct (x, t_x, T) rows weighted by their
counts; a fit that does not converge raises a clear error. α scales with the time unit (a fit
in weeks has α/7 of the fit in days); the other parameters and every prediction do not.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

from ..errors import DataError
from ..settings import PURCHASE_MODELS

MIN_HELD_OUT = 14  # days: a held-out period shorter than this tells nothing
MODEL_NAMES = {key: name for key, (name, _) in PURCHASE_MODELS.items()}
MODELS = ("auto", *MODEL_NAMES)
SUMMARY_COLUMNS = ["x", "t_x", "T", "zbar"]
# Gamma-Gamma assumes spend and frequency are independent: warn above this correlation.
STRONG_CORRELATION = 0.3


def customer_summary(
    tx: pd.DataFrame, end: str | pd.Timestamp | None = None, unit_days: float = 1.0
) -> pd.DataFrame:
    """``x, t_x, T, zbar`` per customer from cleaned transactions (purchase rows only).

    ``end`` is the last day of the period (default: the last purchase day in ``tx``);
    ``unit_days`` = 7 gives weeks (to compare with published figures)."""
    purchases = tx[~tx["refund"].astype(bool)] if "refund" in tx else tx
    day = purchases["invoice_date"].dt.normalize()
    end = day.max() if end is None else pd.Timestamp(end).normalize()
    purchases = purchases[(day <= end).to_numpy()]
    daily = (
        pd.DataFrame({"customer_id": purchases["customer_id"], "day": day[day <= end]})
        .assign(revenue=purchases["revenue"].to_numpy())
        .groupby(["customer_id", "day"], sort=True)["revenue"]
        .sum()
        .reset_index()
    )
    grouped = daily.groupby("customer_id", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    days = grouped.size()
    total = grouped["revenue"].sum()
    first_spend = daily.drop_duplicates("customer_id").set_index("customer_id")["revenue"]
    x = (days - 1).astype("int64")
    repeat_spend = total - first_spend
    return pd.DataFrame(
        {
            "x": x,
            "t_x": (last - first).dt.days / unit_days,
            "T": (end - first).dt.days / unit_days,
            "zbar": np.where(x > 0, repeat_spend / x.where(x > 0, 1), 0.0),
        }
    )


# --------------------------------------------------------------------------- likelihoods
def _bgnbd_ll(params, x, t_x, T, modified: bool) -> np.ndarray:
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a3 = -(r + x) * np.log(alpha + T)
    if modified:
        a2 = betaln(a, b + x + 1) - betaln(a, b)
        a4 = np.log(a) - np.log(b + x) - (r + x) * np.log(alpha + t_x)
        return a1 + a2 + np.logaddexp(a3, a4)
    a2 = betaln(a, b + x) - betaln(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x)
    a4 = np.where(x > 0, a4, -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def _gamma_gamma_ll(params, x, zbar) -> np.ndarray:
    p, q, gamma = params
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(gamma)
        + (p * x - 1) * np.log(zbar)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * zbar + gamma)
    )


def _fit(loglik, start: np.ndarray, what: str) -> tuple[np.ndarray, float]:
    def objective(log_params):
        # Far-out points (an exponential that overflows, a log of zero) are bad points for
        # the optimiser, not warnings for the user.
        if not np.all(np.abs(log_params) < 300):
            return 1e300
        with np.errstate(all="ignore"):
            value = -loglik(np.exp(log_params))
        return value if np.isfinite(value) else 1e300

    found = minimize(objective, np.log(start), method="L-BFGS-B")
    if not found.success or not np.isfinite(found.fun):
        found = minimize(objective, found.x, method="Nelder-Mead", options={"maxiter": 4000})
    if not found.success or not np.isfinite(found.fun):
        raise DataError(
            f"The {what} model could not be fitted to these customers ({found.message}). "
            "More customers with repeat purchases, or a longer period, may help."
        )
    return np.exp(found.x), -float(found.fun)


def _compress(summary: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows and their counts: the log-likelihood is a weighted sum over them."""
    rows, counts = np.unique(summary[columns].to_numpy(dtype="float64"), axis=0, return_counts=True)
    return rows, counts


@dataclass(frozen=True)
class PurchaseModel:
    """A fitted BG/NBD or MBG/NBD model: parameters (days), log-likelihood, customers."""

    model: str
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int

    @property
    def name(self) -> str:
        return MODEL_NAMES[self.model]

    @property
    def modified(self) -> bool:
        return self.model == "mbgnbd"

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("model", "r", "alpha", "a", "b", "log_likelihood")}

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """Probability that each customer is still alive at the end of the period."""
        x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
        return expit(-self._log_odds(x, t_x, T))

    def _log_odds(self, x, t_x, T) -> np.ndarray:
        """The log of the odds of having left, in log space: the odds' power
        ((alpha + T) / (alpha + t_x)) ** (r + x) overflows for frequent buyers long silent."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        power = (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        if self.modified:
            return np.log(a) - np.log(b + x) + power
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a) - np.log(b + x - 1) + power
        return np.where(x > 0, log_odds, -np.inf)  # no repeat purchase: no chance to leave yet

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """Expected purchases in the next ``t`` days of each customer (conditional on their
        history).

        The textbook form multiplies ((alpha + T) / (alpha + T + t)) ** (r + x), which
        underflows, by 2F1(r + x, b + x; a + b + x - 1; z), which overflows, for frequent
        buyers over long horizons (NaN). Euler's transformation of 2F1 cancels the two
        exactly: their product is (1 - z) ** (a - 1) * 2F1(a + b - 1 - r, a - 1; a + b + x - 1;
        z) (MBG/NBD: a + b - r and a + b + x), whose parameters stay small whatever x.
        """
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
        t = np.asarray(t, dtype="float64")
        z = t / (alpha + T + t)
        c = a + b + x if self.modified else a + b + x - 1
        head = c / (a - 1)
        with np.errstate(all="ignore"):  # what does not come out finite is redone below
            product = np.exp((a - 1) * np.log1p(-z)) * _hyp2f1(c - r - x, a - 1, c, z)
        product = _redo_in_high_precision(product, c - r - x, a - 1, c, z)
        return head * (1 - product) * self.p_alive(x, t_x, T)


def _redo_in_high_precision(product, a, b, c, z) -> np.ndarray:
    """(1 - z) ** b * 2F1(a, b; c; z) where the float computation was not finite, first as
    Pfaff's 2F1(c - a, b; c; z / (z - 1)), which is the same product with no factor to cancel
    (scipy's, when every customer shares one chance to leave: a and b in the hundreds of
    thousands), then where that fails too (near z = 1 with a small ``c``: long horizons) at 30
    digits by mpmath, which carries the exponent, for parameters below ``MPMATH_UP_TO`` (beyond,
    its series takes minutes per row); what is left is not finite and predict() refuses it."""
    shape = np.shape(product)
    flat = np.array(product, dtype="float64").reshape(-1)
    broken = np.flatnonzero(~np.isfinite(flat))
    if not len(broken):
        return flat.reshape(shape)
    a, b, c, z = (np.broadcast_to(np.asarray(v, dtype="float64"), shape).reshape(-1)[broken]
                  for v in (a, b, c, z))  # fmt: skip
    with np.errstate(all="ignore"):
        flat[broken] = hyp2f1(c - a, b, c, z / (z - 1))
    left = [
        i
        for i in np.flatnonzero(~np.isfinite(flat[broken]))
        if max(abs(a[i]), abs(b[i]), abs(c[i])) <= MPMATH_UP_TO
    ]
    if not left:
        return flat.reshape(shape)
    import mpmath

    with mpmath.workdps(30):
        for i in left:
            ai, bi, ci, zi = (mpmath.mpf(float(v[i])) for v in (a, b, c, z))
            try:
                found = mpmath.hyp2f1(ai, bi, ci, zi, maxterms=100_000)
            except mpmath.libmp.NoConvergence:
                continue
            flat[broken[i]] = float(mpmath.power(1 - zi, bi) * found)
    return flat.reshape(shape)


# The largest 2F1 parameter mpmath is given: at a and b of 56,000 and 950,000 its series
# took minutes per row (a file of 240 rows never finished).
MPMATH_UP_TO = 1e5

SERIES_FROM = 30.0  # the third parameter above which 2F1 is summed as its series
SERIES_TERMS = 400


def _hyp2f1(a, b, c, z) -> np.ndarray:
    """Gauss's 2F1 for 0 <= z < 1 with small ``a`` and ``b``: scipy's for small ``c``, the
    series summed here for large ``c`` (frequent buyers), where scipy's is unreliable (it gives
    inf for 2F1(1, 1; 101; 0.9)) and the series converges within a few dozen terms (its terms
    fall like n ** (1 - c))."""
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (a, b, c, z)))
    out = np.array(hyp2f1(a, b, c, z), dtype="float64", ndmin=1).reshape(a.shape)
    large = c >= SERIES_FROM
    if large.any():
        a_, b_, c_, z_ = a[large], b[large], c[large], z[large]
        term = np.ones_like(z_)
        total = np.ones_like(z_)
        for n in range(SERIES_TERMS):
            term = term * (a_ + n) * (b_ + n) / ((c_ + n) * (n + 1)) * z_
            total += term
            if np.all(np.abs(term) <= 1e-17 * np.abs(total)):
                break
        out[large] = total
    return out


def fit_purchases(summary: pd.DataFrame, model: str = "bgnbd") -> PurchaseModel:
    """Maximum-likelihood BG/NBD (``"bgnbd"``), MBG/NBD (``"mbgnbd"``) or Pareto/NBD
    (``"pnbd"``) on a summary."""
    if model not in MODEL_NAMES:
        raise DataError(f"Unknown purchase model '{model}' ({', '.join(MODEL_NAMES)}).")
    if (summary["x"] > 0).sum() < 2:
        raise DataError(
            "Fewer than two customers bought again: there is nothing to learn repeat buying from."
        )
    rows, counts = _compress(summary, ["x", "t_x", "T"])
    return _fit_rows(model, rows.tobytes(), counts.tobytes(), len(summary))


@functools.lru_cache(maxsize=16)
def _fit_rows(model: str, rows: bytes, counts: bytes, customers: int) -> PurchaseModel:
    """The fit on distinct ``(x, t_x, T)`` rows and their counts, kept: the automatic choice
    and the backtest fit the same customers up to the same cut (the arguments are bytes so
    that equal data finds the kept fit)."""
    found = np.frombuffer(rows, dtype="float64").reshape(-1, 3)
    weights = np.frombuffer(counts, dtype="int64")
    if model == "pnbd":
        from .paretonbd import pareto_from_rows

        return pareto_from_rows(found, weights, customers)  # type: ignore[return-value]
    x, t_x, T = found.T
    scale = max(float(T.mean()), 1.0)  # a start of ones in the data's own time scale

    def loglik(params):
        r, alpha, a, b = params
        return float(weights @ _bgnbd_ll((r, alpha * scale, a, b), x, t_x, T, model == "mbgnbd"))

    (r, alpha, a, b), ll = _fit(loglik, np.ones(4), MODEL_NAMES[model])
    return PurchaseModel(model, r, alpha * scale, a, b, ll, customers)


@dataclass(frozen=True)
class SpendModel:
    """A fitted Gamma-Gamma spend model."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("p", "q", "gamma", "log_likelihood")}

    def expected_spend(self, x, zbar) -> np.ndarray:
        """Expected spend per purchase: the customer's repeat mean shrunk towards the
        population's, by how many repeat purchases it rests on."""
        x, zbar = np.asarray(x, dtype="float64"), np.asarray(zbar, dtype="float64")
        p, q, gamma = self.p, self.q, self.gamma
        return p * (gamma + x * zbar) / (p * x + q - 1)


def fit_spend(summary: pd.DataFrame) -> SpendModel:
    """Maximum-likelihood Gamma-Gamma on the customers with repeat purchases and positive
    mean spend."""
    repeat = summary[(summary["x"] > 0) & (summary["zbar"] > 0)]
    if len(repeat) < 2:
        raise DataError("Fewer than two customers bought again: spend cannot be modelled.")
    rows, counts = _compress(repeat, ["x", "zbar"])
    x, zbar = rows.T
    scale = float(repeat["zbar"].mean())

    def loglik(params):
        p, q, gamma = params
        return float(counts @ _gamma_gamma_ll((p, q, gamma * scale), x, zbar))

    (p, q, gamma), ll = _fit(loglik, np.ones(3), "Gamma-Gamma")
    if q <= 1:
        raise DataError(
            "The spend model has no finite mean (q <= 1): spend varies too much to forecast."
        )
    return SpendModel(p, q, gamma * scale, ll, len(repeat))


# --------------------------------------------------------------------------- predictions
def discounted_purchases(
    model: PurchaseModel, summary: pd.DataFrame, horizon: float, rate: float = 0.0
) -> np.ndarray:
    """Expected purchases over ``horizon`` days, each 30-day step discounted at the annual
    ``rate`` (0: no discounting, the plain expectation)."""
    args = (summary["x"], summary["t_x"], summary["T"])
    if rate == 0:
        return model.expected_purchases(horizon, *args)
    steps = np.append(np.arange(30.0, horizon, 30.0), horizon)
    total, before = np.zeros(len(summary)), np.zeros(len(summary))
    for step in steps:
        now = model.expected_purchases(step, *args)
        total += (now - before) / (1 + rate) ** (step / 365.0)
        before = now
    return total


def predict(
    purchases: PurchaseModel,
    spend: SpendModel,
    summary: pd.DataFrame,
    horizon: int = 365,
    rate: float = 0.0,
) -> pd.DataFrame:
    """Per customer: ``p_alive``, ``expected_purchases_<H>d``, ``expected_order_value``,
    ``value_<H>d`` (discounted at the annual ``rate``)."""
    if horizon < 0:
        raise DataError("The value horizon must be 0 days or more.")
    x, t_x, T = summary["x"], summary["t_x"], summary["T"]
    order_value = spend.expected_spend(x, summary["zbar"])
    count = purchases.expected_purchases(horizon, x, t_x, T)
    value = order_value * discounted_purchases(purchases, summary, horizon, rate)
    out = pd.DataFrame(
        {
            "p_alive": purchases.p_alive(x, t_x, T),
            f"expected_purchases_{horizon}d": count,
            "expected_order_value": order_value,
            f"value_{horizon}d": value,
        },
        index=summary.index,
    )
    broken = ~np.isfinite(out.to_numpy(dtype="float64")).all(axis=1)
    if broken.any():  # never skipped by a sum: a forecast that is not a number is an error
        raise DataError(
            f"The value models give no number for {int(broken.sum()):,} customers (for example "
            f"{out.index[broken][0]}); shorten the horizon or choose the other model."
        )
    return out


# --------------------------------------------------------------------------- the stage
@dataclass(frozen=True)
class Value:
    """The fitted models, the customer summary and the predictions of one data set."""

    purchases: PurchaseModel
    spend: SpendModel
    summary: pd.DataFrame
    end: pd.Timestamp  # the period's last day: the day before the snapshot
    predictions: pd.DataFrame
    horizon: int
    rate: float
    chosen_because: str
    correlation: float
    recent_revenue: pd.Series  # per customer, over the last ``horizon`` days: the past to beat

    def to_dict(self) -> dict:
        return {
            "purchases": self.purchases.to_dict(),
            "spend": self.spend.to_dict(),
            "horizon_days": self.horizon,
            "discount_rate": self.rate,
            "period_end": str(self.end.date()),
        }


def held_out(purchases: pd.DataFrame, horizon: int) -> tuple[pd.Timestamp, int]:
    """The backtest's period: the last ``horizon`` days (at most half the data's span) and the
    day before them (the cut)."""
    day = purchases["invoice_date"].dt.normalize()
    start, end = day.min(), day.max()
    horizon = min(int(horizon), int((end - start).days) // 2)
    return end - pd.Timedelta(days=horizon), horizon


def between(purchases: pd.DataFrame, start, end, ids) -> pd.DataFrame:
    """Purchase ``days`` and ``revenue`` of each customer (``ids``) in (start, end]."""
    day = purchases["invoice_date"].dt.normalize()
    window = purchases[((day > start) & (day <= end)).to_numpy()]
    grouped = window.assign(day=window["invoice_date"].dt.normalize()).groupby("customer_id")
    out = pd.DataFrame({"days": grouped["day"].nunique(), "revenue": grouped["revenue"].sum()})
    return out.reindex(ids, fill_value=0)


def spend_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of repeat purchases and mean repeat spend (x > 0)."""
    repeat = summary[summary["x"] > 0]
    if len(repeat) < 3 or repeat["zbar"].std() == 0 or repeat["x"].std() == 0:
        return 0.0
    return float(np.corrcoef(repeat["x"], repeat["zbar"])[0, 1])


def choose_model(
    summary: pd.DataFrame,
    model: str = "auto",
    cleaned: pd.DataFrame | None = None,
    fraction: float = 0.25,
    calibration_end: str | pd.Timestamp | None = None,
) -> tuple[PurchaseModel, str]:
    """The purchase model asked for, or (``"auto"``) the one whose forecast of a held-out
    period is closer to what happened (each fitted on the earlier part of ``cleaned``: up to
    ``calibration_end``, or all but the last ``fraction``); without ``cleaned``, or with too
    little history to hold out, the better-fitting one (higher log-likelihood). The reason
    comes in words."""
    if model != "auto":
        fitted = fit_purchases(summary, model)
        return fitted, f"{fitted.name}, as chosen."
    if cleaned is not None:
        try:
            checks = holdout_checks(cleaned, fraction, list(MODEL_NAMES), calibration_end)
        except DataError:
            checks = {}
        if checks and all(c.actual for c in checks.values()):
            best = min(checks, key=lambda m: abs(checks[m].error))
            others = ", ".join(
                f"{MODEL_NAMES[m]} {abs(checks[m].error):.0%}" for m in checks if m != best
            )
            fitted = fit_purchases(summary, best)
            return fitted, (
                f"{fitted.name}: fitted up to {checks[best].calibration_end}, it forecast the "
                f"last {checks[best].holdout_days} days' repeat purchases within "
                f"{abs(checks[best].error):.0%} ({others})."
            )
    bg, mbg = fit_purchases(summary, "bgnbd"), fit_purchases(summary, "mbgnbd")
    one_time = float((summary["x"] == 0).mean())
    if mbg.log_likelihood >= bg.log_likelihood:
        return mbg, (
            "MBG/NBD: it fits these customers better than BG/NBD (the history is too short to "
            f"hold out a period), and it lets the {one_time:.0%} who bought only once have "
            "left too (BG/NBD counts them all as alive)."
        )
    return bg, (
        "BG/NBD: it fits these customers better than MBG/NBD (the history is too short to "
        f"hold out a period). It counts the {one_time:.0%} who bought only once as alive; "
        "their value still reflects how rarely such customers buy."
    )


def value_stage(
    cleaned: pd.DataFrame,
    snapshot: str | pd.Timestamp,
    horizon: int = 365,
    rate: float = 0.0,
    model: str = "auto",
    fraction: float = 0.25,
) -> Value:
    """Fit on all the cleaned data (period end: the day before the snapshot) and predict
    every customer's value over ``horizon`` days; ``"auto"`` chooses the model whose forecast
    of the backtest's period (the last ``horizon`` days, at most half the span) was closest,
    or of the last ``fraction`` when that period is too short."""
    if model not in MODELS:
        raise DataError(f"Unknown purchase model '{model}' ({', '.join(MODELS)}).")
    if rate < 0:
        raise DataError("The discount rate must be 0 or more (0.1 is 10 % a year).")
    end = pd.Timestamp(snapshot).normalize() - pd.Timedelta(days=1)
    summary = customer_summary(cleaned, end)
    bought = cleaned[~cleaned["refund"].astype(bool)] if "refund" in cleaned else cleaned
    cut, days = held_out(bought, horizon)
    purchases, why = choose_model(
        summary, model, cleaned, fraction, cut if days >= MIN_HELD_OUT else None
    )
    spend = fit_spend(summary)
    predictions = predict(purchases, spend, summary, horizon, rate)
    last = between(bought, end - pd.Timedelta(days=horizon), end, summary.index)
    from .backtesting import chance_of_buying_again

    chance = chance_of_buying_again(cleaned, end, horizon, summary)
    if chance is not None:  # the backtest judges it beside P(alive): the page shows the better
        predictions["p_buying_again"] = chance.reindex(predictions.index).to_numpy()
    return Value(
        purchases,
        spend,
        summary,
        end,
        predictions,
        horizon,
        rate,
        why,
        spend_correlation(summary),
        last["revenue"].rename(f"revenue_last_{horizon}d"),
    )


@dataclass(frozen=True)
class Holdout:
    """A calibration fit judged on the period after it: predicted and actual repeat
    purchase days in total and by number of calibration repeat purchases."""

    calibration_end: str
    holdout_days: int
    model: str
    by_purchases: pd.DataFrame
    predicted: float
    actual: float

    @property
    def error(self) -> float:
        return (self.predicted - self.actual) / self.actual if self.actual else float("nan")

    def verdict(self) -> str:
        """In words, without a judgement: the backtest over the forecast's own horizon is
        the one figure that says how far off the forecasts are likely to be."""
        return (
            f"Fitted on the data up to {self.calibration_end}, the {self.model} model predicted "
            f"{self.predicted:,.0f} repeat purchases in the following {self.holdout_days} days; "
            f"there were {self.actual:,.0f} ({self.error:+.0%})."
        )


def holdout_check(
    cleaned: pd.DataFrame,
    fraction: float = 0.25,
    model: str = "auto",
    calibration_end: str | pd.Timestamp | None = None,
) -> Holdout:
    """Fit on the first part of the period and compare with the last ``fraction`` of it."""
    return holdout_checks(cleaned, fraction, [model], calibration_end)[model]


def holdout_checks(
    cleaned: pd.DataFrame,
    fraction: float,
    models: list[str],
    calibration_end: str | pd.Timestamp | None = None,
) -> dict[str, Holdout]:
    """:func:`holdout_check` for each of ``models``, on one calibration summary and one count
    of what happened after the cut."""
    if not 0 < fraction < 1:
        raise DataError("The holdout fraction must be between 0 and 1 (0.25 is the last quarter).")
    purchases = cleaned[~cleaned["refund"].astype(bool)] if "refund" in cleaned else cleaned
    day = purchases["invoice_date"].dt.normalize()
    start, end = day.min(), day.max()
    if calibration_end is None:
        cut = start + pd.Timedelta(days=round((1 - fraction) * (end - start).days))
    else:
        cut = pd.Timestamp(calibration_end).normalize()
    summary = customer_summary(cleaned, cut)
    later = purchases[(day > cut).to_numpy()]
    actual = (
        later.assign(day=later["invoice_date"].dt.normalize())
        .groupby("customer_id")["day"]
        .nunique()
        .reindex(summary.index, fill_value=0)
    )
    days = int((end - cut).days)
    bucket = summary["x"].clip(upper=7)
    checks = {}
    for model in models:
        fitted, _ = choose_model(summary, model)
        predicted = fitted.expected_purchases(days, summary["x"], summary["t_x"], summary["T"])
        table = (
            pd.DataFrame({"purchases": bucket, "actual": actual.to_numpy(), "predicted": predicted})
            .groupby("purchases")
            .agg(
                customers=("actual", "size"),
                actual=("actual", "mean"),
                predicted=("predicted", "mean"),
            )
            .reset_index()
        )
        table["purchases"] = table["purchases"].map(lambda v: "7+" if v >= 7 else str(int(v)))
        checks[model] = Holdout(
            str(cut.date()), days, fitted.name, table, float(predicted.sum()), float(actual.sum())
        )
    return checks


def predict_with_saved(
    cleaned: pd.DataFrame, snapshot: str | pd.Timestamp, saved: dict
) -> pd.DataFrame:
    """Predictions for another file with the parameters a recipe saved (no refitting)."""
    end = pd.Timestamp(snapshot).normalize() - pd.Timedelta(days=1)
    return predict_summary(customer_summary(cleaned, end), saved)


def saved_purchases(saved: dict):
    """The purchase model of saved parameters (``{"model": key, <its parameters>}``)."""
    model = saved["model"]
    p = {name: float(saved[name]) for name in PURCHASE_MODELS[model][1]}
    fit = saved.get("log_likelihood", 0.0)
    if model == "pnbd":
        from .paretonbd import ParetoNBD

        return ParetoNBD(p["r"], p["alpha"], p["s"], p["beta"], fit, customers=0)
    return PurchaseModel(model, p["r"], p["alpha"], p["a"], p["b"], fit, customers=0)


def predict_summary(summary: pd.DataFrame, saved: dict) -> pd.DataFrame:
    """Predictions for a customer summary (index ``customer_id``) with saved parameters."""
    purchases = saved_purchases(saved["purchases"])
    spend = SpendModel(
        saved["spend"]["p"],
        saved["spend"]["q"],
        saved["spend"]["gamma"],
        saved["spend"].get("log_likelihood", 0.0),
        customers=0,
    )
    return predict(
        purchases, spend, summary, int(saved["horizon_days"]), float(saved["discount_rate"])
    )


# --------------------------------------------------------------------------- for marketers
# "Valuable but probably gone": the top fifth by past spend, below even odds of still buying.
TOP_SPEND, GONE = 0.8, 0.5


def segment_value(customers: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per segment (``by``): customers, the sum of every expected-purchases and value column
    the customer file has, and the mean probability of still buying; most valuable first."""
    sums = [
        c
        for c in customers.columns
        if c.startswith(("expected_purchases_", "value_", "revenue_last_"))
    ]
    grouped = customers.groupby(by)
    table = grouped[sums].sum()
    table.insert(0, "customers", grouped.size())
    table["p_alive"] = grouped["p_alive"].mean()
    if "p_buying_again" in customers:
        table["p_buying_again"] = grouped["p_buying_again"].mean()
    values = sorted((c for c in sums if c.startswith("value_")), key=lambda c: int(c[6:-1]))
    return table.sort_values(values[-1], ascending=False).reset_index()


def above_own_past(table: pd.DataFrame, by: str, horizon: int, symbol: str = "") -> list[str]:
    """In words, the segments of ``table`` (``segment_value``'s) whose forecast value over
    ``horizon`` days is above what they brought in the last ``horizon`` days."""
    value, past = f"value_{horizon}d", f"revenue_last_{horizon}d"
    if value not in table or past not in table:
        return []
    lines = []
    for row in table[table[value] > table[past]].itertuples(index=False):
        now, before = getattr(row, value), getattr(row, past)
        head = f"{getattr(row, by)}: forecast {symbol}{now:,.0f} in the next {horizon} days"
        if before > 0:
            lines.append(
                f"{head}, above the {symbol}{before:,.0f} it brought in the last {horizon} days "
                f"({now / before - 1:+.0%}): a forecast above a segment's own past is "
                "unlikely, treat it with care."
            )
        else:
            lines.append(
                f"{head}, and it brought nothing in the last {horizon} days: treat it with care."
            )
    return lines


def probably_gone(customers: pd.DataFrame, score: str = "p_alive") -> tuple[pd.DataFrame, float]:
    """Customers in the top fifth by past spend whose chance of still buying (``score``: the
    one that ranked best in the backtest) is below even, biggest spenders first, and the spend
    that makes the top fifth."""
    threshold = float(customers["monetary"].quantile(TOP_SPEND))
    gone = customers[(customers["monetary"] >= threshold) & (customers[score] < GONE)]
    return gone.sort_values("monetary", ascending=False), threshold
