"""Cluster profiles, relative importance, and segment names from the centroids' positions."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..errors import SettingsError
from ..settings import METRICS

# Segment kinds as data: each kind's typical position in standardized space, as
# (recency score, frequency, monetary) where recency score = -standardized recency, so that
# high is good on every axis. Clusters get the nearest kinds, one kind per cluster. A kind is a
# playbook row (its rank and action); K-Means shows it in its own words, so that a K-Means
# segment and a grid segment never share a name.
SEGMENT_PROTOTYPES = pd.DataFrame(
    [
        ("Champions", "Best customers", 1.0, 1.5, 1.5),
        ("Loyal Customers", "Regulars", 0.5, 1.0, 1.0),
        ("Potential Loyalist", "Rising customers", 1.0, 0.3, 0.3),
        ("New Customers", "Newcomers", 1.2, -0.8, -0.6),
        ("Promising", "Recent first orders", 0.6, -0.4, -0.3),
        ("Need Attention", "Cooling down", 0.0, 0.0, 0.0),
        ("About To Sleep", "Drifting away", -0.4, -0.4, -0.4),
        ("At Risk", "Slipping big spenders", -0.8, 0.4, 0.4),
        ("Can't Lose Them", "Lapsed best customers", -1.0, 1.2, 1.2),
        ("Hibernating", "Dormant", -0.8, -0.6, -0.6),
        ("Lost", "Long gone", -1.4, -1.0, -1.0),
    ],
    columns=["segment", "kmeans_name", "recency_score", "frequency", "monetary"],
).set_index("segment")
POSITION = ["recency_score", "frequency", "monetary"]

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


def _nearest(centroids: pd.DataFrame, prototypes: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Each cluster's kind (the nearest prototype by optimal assignment, each used once; the
    nearest, numbered, when there are more clusters than kinds) and its K-Means name."""
    points = np.column_stack(
        [-centroids["recency_days"], centroids["frequency"], centroids["monetary"]]
    )
    protos = prototypes[POSITION].to_numpy()
    cost = ((points[:, None, :] - protos[None, :, :]) ** 2).sum(axis=2)
    words = prototypes["kmeans_name"]
    if len(points) <= len(protos):
        rows, cols = linear_sum_assignment(cost)
        return {
            int(centroids.index[r]): (str(prototypes.index[c]), str(words.iloc[c]))
            for r, c in zip(rows, cols, strict=True)
        }
    return {  # more clusters than kinds: the nearest, numbered
        int(centroids.index[i]): (str(prototypes.index[c]), f"{words.iloc[c]} {i}")
        for i, c in enumerate(cost.argmin(axis=1))
    }


def segment_kinds(
    centroids: pd.DataFrame, prototypes: pd.DataFrame = SEGMENT_PROTOTYPES
) -> dict[int, str]:
    """Each cluster's kind: the playbook row whose position is nearest (its identity apart
    from its display name: the action, rank and movement direction follow it)."""
    return {c: kind for c, (kind, _) in _nearest(centroids, prototypes).items()}


def name_segments(
    centroids: pd.DataFrame,
    overrides: Mapping[int, str] | None = None,
    prototypes: pd.DataFrame = SEGMENT_PROTOTYPES,
) -> dict[int, str]:
    """A name per cluster: its kind in K-Means' own words (each used once), then the user's
    names. Two clusters the user gives the same name are one segment in the profile and the
    exports (see :func:`cluster_profile`).

    Parameters
    ----------
    centroids : standardized centroids (cluster x recency_days, frequency, monetary).
    overrides : cluster -> name chosen by the user; these win.
    """
    names = {c: name for c, (_, name) in _nearest(centroids, prototypes).items()}
    for cluster, name in (overrides or {}).items():
        if int(cluster) not in names:
            raise SettingsError(f"There is no cluster {cluster} to rename.")
        if name and str(name).strip():
            names[int(cluster)] = str(name).strip()
    return names


def check_names(names: Mapping[int, str], taken: set[str], method: str) -> None:
    """One name, one group: a K-Means name may not be a name the other method uses."""
    for name in sorted(set(names.values()) & taken):
        raise SettingsError(
            f"'{name}' is already the name of an {method} segment: give the K-Means segment "
            "another name, so that each name means one group."
        )


def merged_names(names: Mapping[int, str]) -> dict[str, list[int]]:
    """Names shared by several clusters, with their clusters (these merge into one segment)."""
    groups: dict[str, list[int]] = {}
    for cluster, name in sorted(names.items()):
        groups.setdefault(name, []).append(int(cluster))
    return {name: clusters for name, clusters in groups.items() if len(clusters) > 1}


# A saved name follows a segment of a refit when the segment's mean recency, frequency and
# spend (on a log scale, in the data's standard deviations) lie within this distance.
SAME_SEGMENT = 0.5


def carry_names(
    saved: Mapping[str, tuple[float, float, float]], profile: pd.DataFrame, rfm: pd.DataFrame
) -> dict[int, str]:
    """The user's names for the clusters of a refit that are the same segments.

    ``saved`` holds each named segment's mean recency, frequency and monetary value when it
    was named. Each is matched to the refit's clusters by optimal assignment on those means
    (log scale, in standard deviations of the data); a match farther than ``SAME_SEGMENT``
    is a different segment and keeps its automatic name.
    """
    if not saved or profile.empty:
        return {}
    spread = np.log1p(rfm[list(METRICS)].clip(lower=0)).std().replace(0, 1).to_numpy()
    means = profile[[f"{m}_mean" for m in METRICS]].to_numpy(dtype="float64")
    new = np.log1p(np.clip(means, 0, None)) / spread
    old = np.log1p(np.clip(np.array(list(saved.values()), dtype="float64"), 0, None)) / spread
    cost = np.sqrt(((old[:, None, :] - new[None, :, :]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(cost)
    names = list(saved)
    return {
        int(profile["cluster"].iloc[c]): names[r]
        for r, c in zip(rows, cols, strict=True)
        if cost[r, c] <= SAME_SEGMENT
    }


def cluster_profile(
    rfm: pd.DataFrame, labels: pd.Series, names: Mapping[int, str] | None = None
) -> pd.DataFrame:
    """Per segment: customers, share, mean and median of each metric, revenue share.

    Clusters with the same name are one segment (numbered by its lowest cluster)."""
    names = dict(names or {})
    clusters = labels.to_numpy()
    first: dict[str, int] = {}
    for cluster in sorted(set(clusters.tolist())):
        first.setdefault(names.get(int(cluster), str(cluster)), int(cluster))
    segment_of = {c: first[names.get(int(c), str(c))] for c in set(clusters.tolist())}
    data = rfm[list(METRICS)].assign(cluster=[segment_of[c] for c in clusters])
    grouped = data.groupby("cluster")
    out = pd.DataFrame({"customers": grouped.size()})
    out["share"] = out["customers"] / len(data)
    for metric in METRICS:
        out[f"{metric}_mean"] = grouped[metric].mean()
        out[f"{metric}_median"] = grouped[metric].median()
    total = data["monetary"].sum()
    out["revenue_share"] = grouped["monetary"].sum() / total if total else np.nan
    out = out.reset_index()
    out["segment"] = out["cluster"].map(names).fillna("")
    return out[PROFILE_COLUMNS]


def relative_importance(rfm: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Cluster mean / overall mean - 1, per metric (0 means average)."""
    data = rfm[list(METRICS)]
    means = data.groupby(labels.to_numpy()).mean()
    means.index.name = "cluster"
    return means / data.mean() - 1
