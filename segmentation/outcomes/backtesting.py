"""The value forecasts judged on the user's own data: fit before the last H days, forecast them,
compare with what the customers really did.

Totals (purchase days and revenue of the customers known at the cut) are compared for each
purchase model and two naive baselines: the last H days repeated, and each customer's own past
rate. Customer-level scores are judged by how well they rank who bought again within H days
(the area under the ROC curve: 0.5 is chance, 1 a perfect ranking): each model's chance of
being alive and expected purchases, the days since the last purchase, and a logistic
regression on recency, frequency, tenure and spend, trained on the window before (features at
``cut - h``, label "bought in the next ``h`` days"), so nothing after the cut is seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .value import (
    MIN_HELD_OUT,
    MODEL_NAMES,
    between,
    customer_summary,
    fit_purchases,
    fit_spend,
    held_out,
)


@dataclass(frozen=True)
class Backtest:
    """What the forecasts of the data before ``cut`` said about the ``horizon`` days after it.

    ``totals``: one row per method (``predicted_purchases``, ``predicted_revenue`` and their
    errors against ``actual_purchases``, ``actual_revenue``). ``scores``: the AUC of each
    customer-level score for "bought again within the horizon"."""

    cut: str
    horizon: int
    customers: int
    bought_again: int
    actual_purchases: float
    actual_revenue: float
    totals: pd.DataFrame
    scores: pd.Series
    per_customer: pd.DataFrame  # actual and predicted purchases and revenue per customer

    def by_segment(self, labels: pd.Series, method: str) -> pd.DataFrame:
        """Predicted (by ``method``, a row of ``totals``) and actual purchases and revenue of
        each segment's customers known at the cut (``labels``: segment by customer id)."""
        known = self.per_customer.join(labels.rename("segment"), how="inner")
        columns = {f"{method}|purchases": "predicted_purchases",
                   f"{method}|revenue": "predicted_revenue"}  # fmt: skip
        grouped = known.rename(columns=columns).groupby("segment", sort=False)
        table = grouped[[*columns.values(), "actual_purchases", "actual_revenue"]].sum()
        table.insert(0, "customers", grouped.size())
        for what in ("purchases", "revenue"):
            actual = table[f"actual_{what}"].replace(0, np.nan)
            table[f"{what}_error"] = table[f"predicted_{what}"] / actual - 1
        return table.reset_index()

    @property
    def best_forecast(self) -> str:
        models = self.totals.loc[list(MODEL_NAMES.values())]
        return str(models["purchases_error"].abs().idxmin())

    @property
    def best_score(self) -> str:
        return str(self.scores.idxmax())

    @property
    def after_cut(self) -> str:
        """The first day of the forecast period: the snapshot of the segments at the cut."""
        return str((pd.Timestamp(self.cut) + pd.Timedelta(days=1)).date())

    def still_buying(self, model: str) -> str:
        """The customer file's column to show as "still buying": the learned chance of buying
        again when it ranked who bought again better than ``model``'s chance of being alive."""
        alive = self.scores.get(f"{model} chance of being alive", 0.0)
        return "p_buying_again" if self.scores.get(LEARNED, 0.0) > alive else "p_alive"

    def verdict(self, model: str | None = None) -> str:
        """In words; ``model`` names the purchase model in use (so that one name is used
        everywhere), else the backtest's best."""
        model = model if model in self.totals.index else self.best_forecast
        row = self.totals.loc[model]
        head = (
            f"Backtest: fitted on the data up to {self.cut}, {model} forecast "
            f"{row['predicted_purchases']:,.0f} purchases by these {self.customers:,} customers "
            f"in the next {self.horizon} days; there were {self.actual_purchases:,.0f} "
            f"({off_by(row['purchases_error'])}), and revenue {off_by(row['revenue_error'])}. "
        )
        if self.scores.empty:  # nobody, or everybody, bought again: no ranking to judge
            who = "all" if self.bought_again == self.customers else "none of the"
            return head + (
                f"In that period {who} {self.customers:,} customers bought again, so how well "
                "each score tells who will buy again cannot be judged here."
            )
        recency = self.scores.get("days since the last purchase", float("nan"))
        return head + (
            f"Who bought again is ranked best by {self.best_score} (AUC "
            f"{self.scores.max():.2f}; days since the last purchase alone {recency:.2f}, "
            "chance 0.50)."
        )


def off_by(error: float) -> str:
    """A backtest error in words: "+15%", or "no purchases" when nothing happened to compare."""
    return "no purchases" if error != error else f"{error:+.0%}"


def _auc(label: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    if label.all() or not label.any() or not np.isfinite(score).all():
        return float("nan")
    return float(roc_auc_score(label, score))


def _features(summary: pd.DataFrame, spend: pd.Series) -> np.ndarray:
    recency = summary["T"] - summary["t_x"]
    return np.column_stack(
        [
            np.log1p(recency),
            np.log1p(summary["x"]),
            np.log1p(summary["T"]),
            np.log1p(summary["x"] / (summary["T"] + 1)),
            np.log1p(spend.clip(lower=0).to_numpy()),
        ]
    )


def _learned_score(
    cleaned: pd.DataFrame, purchases: pd.DataFrame, cut: pd.Timestamp, h: int, summary
) -> np.ndarray | None:
    """The chance of buying within ``h`` days of ``cut``, from a logistic regression trained
    on the window before it (features at ``cut - h``, label "bought by ``cut``")."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if h < MIN_HELD_OUT:
        return None
    earlier = cut - pd.Timedelta(days=h)
    train = customer_summary(cleaned[cleaned["invoice_date"] <= earlier + pd.Timedelta(days=1)],
                             earlier)  # fmt: skip
    label = between(purchases, earlier, cut, train.index)["days"].to_numpy() > 0
    if label.all() or not label.any():
        return None
    spent = _spent(cleaned, earlier, train.index)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(_features(train, spent), label)
    return model.predict_proba(_features(summary, _spent(cleaned, cut, summary.index)))[:, 1]


def _spent(cleaned: pd.DataFrame, cut: pd.Timestamp, ids) -> pd.Series:
    before = cleaned[(cleaned["invoice_date"].dt.normalize() <= cut).to_numpy()]
    return before.groupby("customer_id")["revenue"].sum().reindex(ids, fill_value=0)


LEARNED = "the chance of buying again (learned from the period before)"


def chance_of_buying_again(
    cleaned: pd.DataFrame,
    end: str | pd.Timestamp,
    horizon: int = 365,
    summary: pd.DataFrame | None = None,
) -> pd.Series | None:
    """Each customer's chance of buying within ``horizon`` days after ``end`` (at most half
    the history), learned on the window before it; ``None`` when the history is too short or
    nobody (or everybody) bought again in that window. ``summary``: the customer summary at
    ``end``, when the caller has it."""
    purchases = cleaned[~cleaned["refund"].astype(bool)] if "refund" in cleaned else cleaned
    end = pd.Timestamp(end).normalize()
    start = purchases["invoice_date"].dt.normalize().min()
    if summary is None:
        summary = customer_summary(cleaned[(cleaned["invoice_date"].dt.normalize() <= end)], end)
    h = min(int((end - start).days) // 2, int(horizon))
    learned = _learned_score(cleaned, purchases, end, h, summary)
    if learned is None:
        return None
    return pd.Series(learned, index=summary.index, name="p_buying_again")


def backtest(cleaned: pd.DataFrame, horizon: int = 365) -> Backtest:
    """Fit on the data up to ``horizon`` days before its last day, forecast those days and
    compare (the horizon is cut to half the data's span when the data is shorter)."""
    purchases = cleaned[~cleaned["refund"].astype(bool)] if "refund" in cleaned else cleaned
    day = purchases["invoice_date"].dt.normalize()
    start, end = day.min(), day.max()
    cut, horizon = held_out(purchases, horizon)
    if horizon < MIN_HELD_OUT:
        raise DataError(
            f"The data spans {(end - start).days} days: too short to hold out a period and "
            "check the forecasts against it."
        )
    summary = customer_summary(cleaned[(cleaned["invoice_date"].dt.normalize() <= cut)], cut)
    after = between(purchases, cut, end, summary.index)
    bought = after["days"].to_numpy() > 0
    x, t_x, T = summary["x"], summary["t_x"], summary["T"]
    spend = fit_spend(summary)
    order_value = spend.expected_spend(x, summary["zbar"])
    scores: dict[str, float] = {}
    detail = {
        "actual_purchases": after["days"].to_numpy(),
        "actual_revenue": after["revenue"].to_numpy(),
    }
    fits = {name: fit_purchases(summary, model) for model, name in MODEL_NAMES.items()}
    for name, fitted in fits.items():
        expected = fitted.expected_purchases(horizon, x, t_x, T)
        detail[f"{name}|purchases"] = np.asarray(expected, dtype="float64")
        detail[f"{name}|revenue"] = np.asarray(order_value * expected, dtype="float64")
        scores[f"{name} chance of being alive"] = _auc(bought, fitted.p_alive(x, t_x, T))
        scores[f"{name} expected purchases"] = _auc(bought, np.asarray(expected))
    last = between(purchases, cut - pd.Timedelta(days=horizon), cut, summary.index)
    detail["the last period repeated|purchases"] = last["days"].to_numpy()
    detail["the last period repeated|revenue"] = last["revenue"].to_numpy()
    rate = (x + 1) / np.maximum(T, 1.0) * horizon  # each customer's own past rate
    past_spend = _spent(cleaned, cut, summary.index) / (x + 1)
    detail["each customer's own rate|purchases"] = rate.to_numpy()
    detail["each customer's own rate|revenue"] = (rate * past_spend).to_numpy()
    scores["days since the last purchase"] = _auc(bought, -(T - t_x).to_numpy())
    scores["purchases so far"] = _auc(bought, x.to_numpy())
    h = min(int((cut - start).days) // 2, horizon)
    learned = _learned_score(cleaned, purchases, cut, h, summary)
    if learned is not None:
        scores[LEARNED] = _auc(bought, learned)
    per_customer = pd.DataFrame(detail, index=summary.index)
    actual = (float(after["days"].sum()), float(after["revenue"].sum()))
    methods = dict.fromkeys(c.split("|")[0] for c in per_customer.columns if "|" in c)
    totals = pd.DataFrame(
        {m: per_customer[[f"{m}|purchases", f"{m}|revenue"]].sum().to_numpy() for m in methods},
        index=["predicted_purchases", "predicted_revenue"],
    ).T
    totals["purchases_error"] = totals["predicted_purchases"] / actual[0] - 1
    totals["revenue_error"] = totals["predicted_revenue"] / actual[1] - 1
    return Backtest(
        str(cut.date()), horizon, len(summary), int(bought.sum()), *actual, totals,
        pd.Series(scores, name="auc").dropna(), per_customer,
    )  # fmt: skip
