"""What each stage of the method gives: frozen values that the next stage, the pages and the
recipe read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..settings import ScoreEdges
from .cleaning import CleaningReport
from .transforms import RFMTransformer


@dataclass(frozen=True)
class Cleaned:
    """Cleaned transactions (the RFM columns), the cleaning report, and the snapshot day of
    the whole cleaned data (a sample is measured to it too)."""

    transactions: pd.DataFrame
    report: CleaningReport
    snapshot: pd.Timestamp


@dataclass(frozen=True)
class Transformed:
    """The fitted per-metric transforms and the standardized matrix K-Means works on."""

    transformer: RFMTransformer
    scaled: pd.DataFrame
    scaler_mean: tuple[float, ...]
    scaler_scale: tuple[float, ...]

    @property
    def skewness(self) -> pd.DataFrame:
        """Skewness of each metric under each transform, on the data it was fitted on."""
        return self.transformer.skewness_


@dataclass(frozen=True)
class Elbow:
    """Quality metrics for each k and the k the elbow suggests."""

    metrics: pd.DataFrame
    suggested_k: int

    @property
    def k_max(self) -> int:
        return int(self.metrics["k"].max())


@dataclass(frozen=True)
class Profiled:
    """Names, profile, relative importance and the labelled customers of one segmentation."""

    names: dict[int, str]
    profile: pd.DataFrame
    importance: pd.DataFrame
    customers: pd.DataFrame


@dataclass(frozen=True)
class Scored:
    """Classic RFM scores and grid segments: the thresholds used (fitted on the customers the
    model saw, or given), the rule table, and per customer ``r_score, f_score, m_score,
    rfm_score, rfm_segment`` (index ``customer_id``)."""

    edges: ScoreEdges
    fitted: bool
    rules: pd.DataFrame
    scores: pd.DataFrame
