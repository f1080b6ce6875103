"""Skew-reducing transforms per metric, fitted so another file is transformed identically."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..errors import DataError, SettingsError
from ..settings import METRICS

TRANSFORMS = ("none", "log", "sqrt", "cbrt", "boxcox", "yeojohnson")
TRANSFORM_LABELS = {
    "none": "original",
    "log": "log",
    "sqrt": "square root",
    "cbrt": "cube root",
    "boxcox": "fitted power (Box-Cox)",
    "yeojohnson": "fitted power, any sign (Yeo-Johnson)",
}


def why_invalid(method: str, values: np.ndarray) -> str | None:
    """The reason ``method`` cannot take ``values``, or ``None`` when it can."""
    if method in ("log", "boxcox") and (values <= 0).any():
        return f"{TRANSFORM_LABELS[method]} needs values above 0 (smallest is {values.min():g})"
    if method == "sqrt" and (values < 0).any():
        return f"square root needs values of 0 or more (smallest is {values.min():g})"
    if method in ("boxcox", "yeojohnson") and np.ptp(values) == 0:
        return f"{TRANSFORM_LABELS[method]} needs values that vary"
    return None


def fit_param(method: str, values: np.ndarray) -> float | None:
    """The fitted parameter of a transform (the maximum-likelihood lambda), if it has one."""
    x = values.astype("float64")
    if method == "boxcox":
        return _boxcox_lambda(x)
    if method == "yeojohnson":
        return float(stats.yeojohnson(x)[1])
    return None


def _boxcox_lambda(x: np.ndarray) -> float:
    """Box-Cox's maximum-likelihood lambda as scipy's ``boxcox`` finds it (Brent's method from
    the bracket (-2, 2) on the same log-likelihood), with the variance of the powers computed
    in plain floats, scaled by the largest (or smallest) value so that none overflows: scipy's
    goes through a complex logsumexp, about 20x slower (40 ms for 4,000 customers, 0.35 s for
    50,000), and the transform stage fits every metric, every bootstrap again. A lambda whose
    transform leaves float range is scipy's to find (it bounds it)."""
    logs = np.log(x)
    total, n = logs.sum(), len(x)

    def negative_llf(lmb: float) -> float:
        if lmb == 0:
            log_var = np.log(np.var(logs))
        else:  # var(x**lmb / lmb) = exp(2 lmb shift) var(expm1(lmb (log x - shift))) / lmb**2
            shift = logs.max() if lmb > 0 else logs.min()
            spread = np.var(np.expm1(lmb * (logs - shift)))
            log_var = 2 * lmb * shift + np.log(spread) - 2 * np.log(abs(lmb))
        return -((lmb - 1) * total - n / 2 * log_var)

    with np.errstate(all="ignore"):
        lmb = float(optimize.brent(negative_llf, brack=(-2.0, 2.0)))
        ends = special.boxcox(np.array([x.min(), x.max()]), lmb)
    return lmb if np.isfinite(ends).all() else float(stats.boxcox(x)[1])


def apply_transform(method: str, values: np.ndarray, param: float | None = None) -> np.ndarray:
    """Apply a transform with a given (fitted) parameter."""
    x = values.astype("float64")
    if method == "none":
        return x
    if method == "log":
        return np.log(x)
    if method == "sqrt":
        return np.sqrt(x)
    if method == "cbrt":
        return np.cbrt(x)
    if method == "boxcox":
        return special.boxcox(x, param)
    if method == "yeojohnson":
        return stats.yeojohnson(x, lmbda=param)
    raise SettingsError(f"Unknown transform '{method}'. Choose from: {', '.join(TRANSFORMS)}.")


def skew(values: np.ndarray) -> float:
    """The skewness, or NaN where it means nothing: constant values, or values so nearly equal
    that scipy warns of precision loss (the warning is the answer, not a line for the user)."""
    if not np.ptp(values) > 0:
        return float("nan")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = float(stats.skew(values))
    return float("nan") if caught else value


def skewness_table(rfm: pd.DataFrame) -> pd.DataFrame:
    """Skewness of each metric (rows) under each transform (columns); NaN where invalid."""
    return _skew_and_params(rfm)[0]


def _skew_and_params(
    rfm: pd.DataFrame, methods: Mapping[str, Sequence[str]] | None = None
) -> tuple[pd.DataFrame, dict[tuple[str, str], float | None]]:
    """The skewness table and the fitted parameter of every valid (metric, transform), or of
    the given transforms per metric (the others NaN)."""
    table: dict[str, dict[str, float]] = {}
    params: dict[tuple[str, str], float | None] = {}
    for metric in METRICS:
        x = rfm[metric].to_numpy(dtype="float64")
        row = dict.fromkeys(TRANSFORMS, float("nan"))
        for method in TRANSFORMS if methods is None else methods[metric]:
            if why_invalid(method, x):
                row[method] = float("nan")
            else:
                params[metric, method] = fit_param(method, x)
                row[method] = skew(apply_transform(method, x, params[metric, method]))
        table[metric] = row
    return pd.DataFrame.from_dict(table, orient="index")[list(TRANSFORMS)], params


def best_transform(skews: pd.Series) -> str:
    """The valid transform with the smallest absolute skewness."""
    valid = skews.dropna()
    return str(valid.abs().idxmin()) if len(valid) else "none"


class RFMTransformer:
    """Per-metric transform, fitted like a scikit-learn transformer.

    Parameters
    ----------
    methods : ``"auto"``, or a mapping metric -> transform name (``"auto"`` allowed per metric;
        metrics left out get ``"auto"``).
    skewness : fit every transform of every metric for the skewness table (what the Explore
        page shows); ``False`` fits only what the choice needs (every transform of an
        ``"auto"`` metric, the chosen one of the others): a bootstrap's refits.

    Attributes
    ----------
    methods_ : dict metric -> chosen transform.
    params_ : dict metric -> fitted parameter (Box-Cox / Yeo-Johnson lambda) or ``None``.
    skewness_ : skewness table of the data it was fitted on (NaN where not fitted).
    candidates_ : dict (metric, transform) -> fitted parameter, for every valid pair fitted.
    """

    def __init__(self, methods: str | Mapping[str, str] = "auto", skewness: bool = True) -> None:
        self.methods = methods
        self.skewness = skewness

    def _requested(self) -> dict[str, str]:
        if isinstance(self.methods, str):
            return dict.fromkeys(METRICS, self.methods)
        unknown = set(self.methods) - set(METRICS)
        if unknown:
            raise SettingsError(f"Unknown metric {sorted(unknown)}; metrics: {', '.join(METRICS)}.")
        return {m: self.methods.get(m, "auto") for m in METRICS}

    def fit(self, rfm: pd.DataFrame) -> RFMTransformer:
        requested = self._requested()
        for method in requested.values():
            if method != "auto" and method not in TRANSFORMS:
                raise SettingsError(
                    f"Unknown transform '{method}'. Choose from: auto, {', '.join(TRANSFORMS)}."
                )
        if len(rfm) < 2:
            raise DataError(
                f"Only {len(rfm)} customer is left after cleaning; segments need at least 2. "
                "Check the cleaning report and the column mapping."
            )
        needed = {m: TRANSFORMS if r == "auto" else (r,) for m, r in requested.items()}
        self.skewness_, fitted = _skew_and_params(rfm, None if self.skewness else needed)
        self.candidates_ = fitted  # every valid (metric, transform) -> its fitted parameter
        self.methods_: dict[str, str] = {}
        self.params_: dict[str, float | None] = {}
        for metric, method in requested.items():
            x = rfm[metric].to_numpy(dtype="float64")
            if np.ptp(x) == 0:
                raise DataError(
                    f"Every customer has the same {metric.replace('_', ' ')} ({x[0]:g}), so it "
                    "cannot separate segments. Use more data or a longer period."
                )
            if method == "auto":
                method = best_transform(self.skewness_.loc[metric])
            reason = why_invalid(method, x)
            if reason:
                raise SettingsError(
                    f"Cannot use {TRANSFORM_LABELS[method]} for {metric}: {reason}."
                )
            self.methods_[metric] = method
            self.params_[metric] = fitted[metric, method]
        return self

    def transform(self, rfm: pd.DataFrame) -> pd.DataFrame:
        out = {}
        for metric in METRICS:
            method = self.methods_[metric]
            x = rfm[metric].to_numpy(dtype="float64")
            # A fitted transform needs values in its domain, not spread: one month's file
            # may hold customers who all bought once.
            reason = why_invalid(method, x) if method in ("log", "sqrt", "boxcox") else None
            if reason and "vary" in reason:
                reason = None
            if reason:
                raise DataError(f"Cannot apply {TRANSFORM_LABELS[method]} to {metric}: {reason}.")
            out[metric] = apply_transform(method, x, self.params_[metric])
        return pd.DataFrame(out, index=rfm.index)

    def fit_transform(self, rfm: pd.DataFrame) -> pd.DataFrame:
        return self.fit(rfm).transform(rfm)

    def to_dict(self) -> dict[str, Any]:
        return {m: {"method": self.methods_[m], "param": self.params_[m]} for m in METRICS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> RFMTransformer:
        self = cls({m: data[m]["method"] for m in METRICS})
        self.methods_ = {m: data[m]["method"] for m in METRICS}
        self.params_ = {m: data[m]["param"] for m in METRICS}
        return self
