"""Cluster profiles, relative importance, and segment names from the centroids' positions."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .errors import SettingsError
from .settings import METRICS

# Segment names as data: each name's typical position in standardized space, as
# (recency score, frequency, monetary) where recency score = -standardized recency, so that
# high is good on every axis. Clusters get the nearest names, one name per cluster.
SEGMENT_PROTOTYPES = pd.DataFrame(
    [
        ("Champions", 1.0, 1.5, 1.5),
        ("Loyal", 0.5, 1.0, 1.0),
        ("Potential loyalists", 1.0, 0.3, 0.3),
        ("New customers", 1.2, -0.8, -0.6),
        ("Promising", 0.6, -0.4, -0.3),
        ("Need attention", 0.0, 0.0, 0.0),
        ("About to sleep", -0.4, -0.4, -0.4),
        ("At risk", -0.8, 0.4, 0.4),
        ("Can't lose them", -1.0, 1.2, 1.2),
        ("Hibernating", -0.8, -0.6, -0.6),
        ("Lost", -1.4, -1.0, -1.0),
    ],
    columns=["segment", "recency_score", "frequency", "monetary"],
).set_index("segment")

PROFILE_COLUMNS = [
    "cluster",
    "segment",
    "customers",
    "share",
    "recency_days_mean",
    "recency_days_median",
    "frequency_mean",
    "frequency_median",
    "monetary_mean",
    "monetary_median",
    "revenue_share",
]


def name_segments(
    centroids: pd.DataFrame,
    overrides: Mapping[int, str] | None = None,
    prototypes: pd.DataFrame = SEGMENT_PROTOTYPES,
) -> dict[int, str]:
    """One unique name per cluster: the nearest prototypes by optimal assignment.

    Parameters
    ----------
    centroids : standardized centroids (cluster x recency_days, frequency, monetary).
    overrides : cluster -> name chosen by the user; these win.
    """
    points = np.column_stack(
        [-centroids["recency_days"], centroids["frequency"], centroids["monetary"]]
    )
    protos = prototypes.to_numpy()
    cost = ((points[:, None, :] - protos[None, :, :]) ** 2).sum(axis=2)
    names: dict[int, str] = {}
    if len(points) <= len(protos):
        rows, cols = linear_sum_assignment(cost)
        names = {
            int(centroids.index[r]): str(prototypes.index[c])
            for r, c in zip(rows, cols, strict=True)
        }
    else:  # more clusters than names: nearest name, numbered
        for i, c in enumerate(cost.argmin(axis=1)):
            names[int(centroids.index[i])] = f"{prototypes.index[c]} {i}"
    for cluster, name in (overrides or {}).items():
        if int(cluster) not in names:
            raise SettingsError(f"There is no cluster {cluster} to rename.")
        if name and str(name).strip():
            names[int(cluster)] = str(name).strip()
    if len(set(names.values())) < len(names):
        raise SettingsError("Two segments have the same name; give each segment its own name.")
    return names


def cluster_profile(
    rfm: pd.DataFrame, labels: pd.Series, names: Mapping[int, str] | None = None
) -> pd.DataFrame:
    """Per cluster: customers, share, mean and median of each metric, revenue share."""
    data = rfm[list(METRICS)].assign(cluster=labels.to_numpy())
    grouped = data.groupby("cluster")
    out = pd.DataFrame({"customers": grouped.size()})
    out["share"] = out["customers"] / len(data)
    for metric in METRICS:
        out[f"{metric}_mean"] = grouped[metric].mean()
        out[f"{metric}_median"] = grouped[metric].median()
    total = data["monetary"].sum()
    out["revenue_share"] = grouped["monetary"].sum() / total if total else np.nan
    out = out.reset_index()
    out["segment"] = out["cluster"].map(dict(names or {})).fillna("")
    return out[PROFILE_COLUMNS]


def relative_importance(rfm: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Cluster mean / overall mean - 1, per metric (0 means average)."""
    data = rfm[list(METRICS)]
    means = data.groupby(labels.to_numpy()).mean()
    means.index.name = "cluster"
    return means / data.mean() - 1
