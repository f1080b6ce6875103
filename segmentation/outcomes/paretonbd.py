"""The Pareto/NBD model (Schmittlein, Morrison and Colombo 1987), by maximum likelihood.

Purchases follow a Poisson process with a gamma-distributed rate (r, alpha) while a customer is
alive; lifetimes are exponential with a gamma-distributed dropout rate (s, beta). The
likelihood, P(alive) and the conditional expectation are those of Fader and Hardie's note
"A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005), computed in log
space: the powers (alpha + T) ** (r + s + x) leave float range for frequent buyers, while the
logarithm of the Gauss function beside them stays moderate (scipy's, and mpmath's for the rare
rows scipy cannot give).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, gammaln, hyp2f1

NAME = "Pareto/NBD"
MAX_TERMS = 20_000  # of mpmath's series, for the rows scipy cannot give


def _log_hyp(a, b, c, z, exact: bool = True) -> np.ndarray:
    """log 2F1(a, b; c; z) for 0 <= z < 1, scipy's where finite, else mpmath's (``exact``; the
    likelihood leaves them NaN: a point the optimiser should not visit is a bad point)."""
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (a, b, c, z)))
    with np.errstate(all="ignore"):
        flat = np.log(hyp2f1(a, b, c, z)).reshape(-1)
    broken = np.flatnonzero(~np.isfinite(flat))
    if len(broken) and exact:
        import mpmath

        a, b, c, z = (v.reshape(-1) for v in (a, b, c, z))
        with mpmath.workdps(30):
            for i in broken:
                try:  # bounded work: a point the optimiser should not visit is just bad
                    found = mpmath.hyp2f1(a[i], b[i], c[i], z[i], maxterms=MAX_TERMS)
                    flat[i] = float(mpmath.log(found))
                except (mpmath.libmp.NoConvergence, ValueError, ZeroDivisionError):
                    flat[i] = np.nan
    return flat.reshape(a.shape)


Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]  # distinct (x, y) pairs, where each row's is


def _distinct_pairs(x, t_x, T) -> tuple[Pairs, Pairs]:
    """The distinct (x, t_x) and (x, T) pairs of customers' flat arrays, and where each
    customer's pair is: customers who share a count and a date share their Gauss function
    (about half the rows of a shop's summary; it is most of the likelihood's time)."""

    def pairs(y: np.ndarray) -> Pairs:
        points, back = np.unique(np.stack([x, y], axis=1), axis=0, return_inverse=True)
        return points[:, 0], points[:, 1], back.reshape(-1)

    return pairs(t_x), pairs(T)


def _log_a0(
    r, alpha, s, beta, x, t_x, T, exact: bool = True, pairs: tuple[Pairs, Pairs] | None = None
) -> np.ndarray:
    """log of A0, the lifetime term of the likelihood (positive: t_x < T); ``pairs``: the
    customers' :func:`_distinct_pairs`, when the caller keeps them (the fit, at every step)."""
    x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (x, t_x, T)))
    shape = x.shape
    if pairs is None:
        pairs = _distinct_pairs(*(v.reshape(-1) for v in (x, t_x, T)))
    big = max(alpha, beta)

    def term(px: np.ndarray, py: np.ndarray, back: np.ndarray) -> np.ndarray:
        # log 2F1(k, second; k + 1; |alpha - beta| / (big + y)) - k log(big + y) per pair
        k = r + s + px
        second = s + 1 if alpha >= beta else r + px
        z = abs(alpha - beta) / (big + py)
        return (_log_hyp(k, second, k + 1, z, exact) - k * np.log(big + py))[back]

    one, two = term(*pairs[0]), term(*pairs[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        return (one + np.log(-np.expm1(np.minimum(two - one, 0.0)))).reshape(shape)


def _loglik(params, x, t_x, T, pairs: tuple[Pairs, Pairs] | None = None) -> np.ndarray:
    r, alpha, s, beta = params
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    stay = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    leave = np.log(s / (r + s + x)) + _log_a0(r, alpha, s, beta, x, t_x, T, False, pairs)
    with np.errstate(invalid="ignore"):
        return head + np.logaddexp(stay, leave)  # NaN where scipy could not: a bad point


@dataclass(frozen=True)
class ParetoNBD:
    """A fitted Pareto/NBD model: parameters (in the summary's time unit), log-likelihood."""

    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    customers: int
    model: str = "pnbd"

    @property
    def name(self) -> str:
        return NAME

    @property
    def modified(self) -> bool:  # one-time buyers can have left, as under MBG/NBD
        return True

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("model", "r", "alpha", "s", "beta", "log_likelihood")}

    def _log_odds(self, x, t_x, T) -> np.ndarray:
        """log of the odds of having left: (s / (r + s + x)) (alpha+T)^(r+x) (beta+T)^s A0."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
        return (
            np.log(s / (r + s + x))
            + (r + x) * np.log(alpha + T)
            + s * np.log(beta + T)
            + _log_a0(r, alpha, s, beta, x, t_x, T)
        )

    def p_alive(self, x, t_x, T) -> np.ndarray:
        return expit(-self._log_odds(x, t_x, T))

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """E[X(T, T + t) | x, t_x, T] = (r + x)(beta + T) / ((alpha + T)(s - 1)) *
        [1 - ((beta + T) / (beta + T + t)) ** (s - 1)] * P(alive)."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
        t = np.asarray(t, dtype="float64")
        ratio = np.log(beta + T) - np.log(beta + T + t)
        if abs(s - 1) < 1e-9:  # the limit at s = 1
            part = (r + x) * (beta + T) / (alpha + T) * -ratio
        else:
            part = (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * -np.expm1((s - 1) * ratio)
        return part * self.p_alive(x, t_x, T)


def fit_pareto(summary: pd.DataFrame) -> ParetoNBD:
    """Maximum-likelihood Pareto/NBD on a customer summary (``x``, ``t_x``, ``T``)."""
    from .value import fit_purchases

    return fit_purchases(summary, "pnbd")  # type: ignore[return-value]


def pareto_from_rows(rows: np.ndarray, counts: np.ndarray, customers: int) -> ParetoNBD:
    """The fit on distinct ``(x, t_x, T)`` rows and their counts (see :func:`fit_pareto`)."""
    from .value import _fit

    x, t_x, T = rows.T
    scale = max(float(T.mean()), 1.0)
    pairs = _distinct_pairs(x, t_x, T)  # once, not at each of the optimiser's steps

    def loglik(params):
        r, alpha, s, beta = params
        return float(counts @ _loglik((r, alpha * scale, s, beta * scale), x, t_x, T, pairs))

    (r, alpha, s, beta), ll = _fit(loglik, np.ones(4), NAME)
    return ParetoNBD(r, alpha * scale, s, beta * scale, ll, customers)
