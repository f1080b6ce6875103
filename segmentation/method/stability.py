"""How far the segments can be trusted.

* **Bootstrap Jaccard per segment** (Hennig 2007, "Cluster-wise assessment of cluster
  stability", Computational Statistics & Data Analysis 52(1), the ``clusterboot`` method):
  customers are resampled with replacement, the whole method (transforms, scaling, K-Means) is
  refitted on the resample, and each segment is compared with its most similar new cluster
  by the Jaccard similarity of their customers (counting each customer of the resample once).
  The mean over resamples is read with Hennig's guidelines: 0.75 or more is a stable segment,
  0.6 to 0.75 shows a pattern but is doubtful, below 0.6 the segment should not be trusted.
* **Agreement between random starts**: the adjusted Rand index between the segmentation and
  K-Means refitted from other random seeds (1 is the same partition).
* **Prediction strength per k** (Tibshirani and Walther 2005, "Cluster validation by prediction
  strength", JCGS 14(3)): the customers are split in halves; the share of pairs of a test-half
  cluster that the training half's centroids also put together, at its worst cluster, averaged
  over splits. Values of 0.8 or more support that k. It is information beside the elbow; it does
  not change the suggested k.

Everything is seeded: the same settings give the same figures.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from ..errors import SegmentationError
from ..settings import ModelOptions, TransformChoice
from .clustering import _threads
from .transforms import RFMTransformer

STABLE = 0.75
DOUBTFUL = 0.6
VERDICTS = (
    (STABLE, "stable"),
    (DOUBTFUL, "doubtful"),
    (-np.inf, "do not trust"),
)
SEEDS = 10  # random starts compared with the segmentation
SPLITS = 5  # halvings averaged by the prediction strength


def verdict(jaccard: float) -> str:
    """Hennig's reading of a mean bootstrap Jaccard, in plain words."""
    if np.isnan(jaccard):
        return "not enough data"
    return next(word for edge, word in VERDICTS if jaccard >= edge)


@dataclass(frozen=True)
class Stability:
    """Per segment: mean bootstrap Jaccard and its verdict; agreement between random starts.

    ``table`` has ``cluster, jaccard, verdict``; ``seed_agreement`` and
    ``seed_agreement_min`` are the mean and lowest adjusted Rand index over other seeds.
    """

    table: pd.DataFrame
    seed_agreement: float
    seed_agreement_min: float
    resamples: int


def _kmeans(k: int, seed: int, n_init: int | str) -> KMeans:
    return KMeans(n_clusters=k, random_state=seed, n_init=n_init)


def _fit_labels(x: np.ndarray, k: int, seed: int, n_init: int | str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fewer distinct points than k in a small resample
        return _kmeans(k, seed, n_init).fit(x).labels_


def _scaled(rfm: pd.DataFrame, transforms: TransformChoice) -> np.ndarray:
    x = RFMTransformer(dict(transforms), skewness=False).fit_transform(rfm).to_numpy()
    spread = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def bootstrap_jaccard(
    rfm: pd.DataFrame,
    transforms: TransformChoice,
    labels: pd.Series,
    k: int,
    model: ModelOptions,
    start: int,
    stop: int,
) -> np.ndarray:
    """Jaccard of each segment with its best match, for resamples ``start`` to ``stop - 1``.

    Returns an array (resamples x k); NaN where a segment had no customer in the resample or
    the method could not be refitted on it. Resample ``b`` is drawn with seed
    ``model.seed + b``, so chunks computed apart add up to the same figures.
    """
    original = labels.to_numpy()
    n = len(rfm)
    out = np.full((stop - start, k), np.nan)
    with _threads(n):
        for row, b in enumerate(range(start, stop)):
            rng = np.random.default_rng(model.seed + b)
            idx = rng.integers(0, n, n)
            try:
                x = _scaled(rfm.iloc[idx], transforms)
            except SegmentationError:
                continue  # this resample cannot be transformed (no spread left): skipped
            boot = _fit_labels(x, k, model.seed + b, model.n_init)
            # Each customer once: a customer drawn twice is one point of both clusterings.
            first = np.unique(idx, return_index=True)[1]
            a, c = original[idx[first]], boot[first]
            table = np.zeros((k, k))
            np.add.at(table, (a, c), 1)
            sizes_a, sizes_c = table.sum(axis=1), table.sum(axis=0)
            union = sizes_a[:, None] + sizes_c[None, :] - table
            jac = np.divide(table, union, out=np.zeros_like(table), where=union > 0)
            out[row] = np.where(sizes_a > 0, jac.max(axis=1), np.nan)
    return out


def seed_agreement(
    scaled: pd.DataFrame, labels: pd.Series, k: int, model: ModelOptions
) -> tuple[float, float]:
    """Mean and lowest adjusted Rand index between the segmentation and K-Means refitted from
    ``SEEDS`` other random seeds."""
    x = scaled.to_numpy()
    with _threads(len(x)):
        scores = [
            adjusted_rand_score(labels, _fit_labels(x, k, model.seed + 1000 + s, model.n_init))
            for s in range(SEEDS)
        ]
    return float(np.mean(scores)), float(np.min(scores))


def summarize_stability(
    jaccards: np.ndarray, agreement: tuple[float, float], resamples: int
) -> Stability:
    """The per-segment table from the resamples' Jaccards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a segment absent from every resample
        means = np.nanmean(jaccards, axis=0)
    table = pd.DataFrame(
        {
            "cluster": np.arange(jaccards.shape[1]),
            "jaccard": np.round(means, 4),
            "verdict": [verdict(m) for m in means],
        }
    )
    return Stability(table, agreement[0], agreement[1], resamples)


def stability_stage(
    rfm: pd.DataFrame,
    transforms: TransformChoice,
    scaled: pd.DataFrame,
    labels: pd.Series,
    k: int,
    model: ModelOptions,
    resamples: int = 50,
    progress: Callable[[float], object] | None = None,
    chunk: int = 5,
) -> Stability:
    """Bootstrap Jaccard per segment and agreement between seeds (see the module docstring).

    ``progress`` is called with the share done after each chunk of resamples.
    """
    if resamples < 1:
        raise SegmentationError(f"The stability check needs at least 1 resample (got {resamples}).")
    parts = []
    for start in range(0, resamples, chunk):
        parts.append(
            bootstrap_jaccard(
                rfm, transforms, labels, k, model, start, min(start + chunk, resamples)
            )
        )
        if progress is not None:
            progress(min(start + chunk, resamples) / resamples)
    agreement = seed_agreement(scaled, labels, k, model)
    return summarize_stability(np.vstack(parts), agreement, resamples)


def prediction_strength(
    scaled: pd.DataFrame, model: ModelOptions, splits: int = SPLITS
) -> pd.DataFrame:
    """Prediction strength for each k of the model's range (``k, prediction_strength``)."""
    x = scaled.to_numpy()
    n = len(x)
    rows = []
    with _threads(n):
        for k in model.k_values:
            if k == 1:
                rows.append({"k": 1, "prediction_strength": 1.0})
                continue
            if 2 * k > n:
                break
            strengths = []
            for s in range(splits):
                order = np.random.default_rng(model.seed + s).permutation(n)
                train, test = x[order[: n // 2]], x[order[n // 2 :]]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    trained = _kmeans(k, model.seed + s, model.n_init).fit(train)
                    tested = _kmeans(k, model.seed + s, model.n_init).fit(test).labels_
                predicted = trained.predict(test)
                strengths.append(_strength(tested, predicted, k))
            rows.append({"k": k, "prediction_strength": round(float(np.mean(strengths)), 4)})
    return pd.DataFrame(rows)


def _strength(tested: np.ndarray, predicted: np.ndarray, k: int) -> float:
    """The lowest share, over test clusters of two or more, of pairs kept together."""
    table = np.zeros((k, k))
    np.add.at(table, (tested, predicted), 1)
    sizes = table.sum(axis=1)
    pairs = sizes * (sizes - 1) / 2
    together = (table * (table - 1) / 2).sum(axis=1)
    shares = together[pairs > 0] / pairs[pairs > 0]
    return float(shares.min()) if len(shares) else 1.0
