import numpy as np
import pandas as pd
import pytest

from segmentation.errors import SettingsError
from segmentation.method.clustering import (
    assign_segments,
    elbow_metrics,
    fit_segments,
    standardize,
    suggest_k,
)

CENTRES = np.array([[0.0, 0.0, 0.0], [6.0, 6.0, 6.0], [-6.0, 6.0, -6.0]])


@pytest.fixture
def blobs():
    rng = np.random.default_rng(3)
    points = np.vstack([c + rng.normal(0, 0.5, (100, 3)) for c in CENTRES])
    frame = pd.DataFrame(points, columns=["recency_days", "frequency", "monetary"])
    return standardize(frame)[0], pd.Series(np.repeat([10.0, 1000.0, 1.0], 100))


def test_standardize_mean_zero_sd_one():
    scaled, scaler = standardize(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 2.0, 5.0]}))
    np.testing.assert_allclose(scaled.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(ddof=0), 1)
    np.testing.assert_allclose(scaler.mean_, [2.0, 3.0])


def test_elbow_suggests_three_blobs(blobs):
    scaled, _ = blobs
    metrics = elbow_metrics(scaled, range(1, 8), seed=0)
    assert metrics["k"].tolist() == list(range(1, 8))
    assert metrics["sse"].is_monotonic_decreasing
    assert np.isnan(metrics.loc[0, "silhouette"])
    assert metrics.loc[metrics["silhouette"].idxmax(), "k"] == 3
    assert suggest_k(metrics) == 3


def test_clusters_numbered_by_descending_monetary(blobs):
    scaled, monetary = blobs
    seg = fit_segments(scaled, monetary, 3, seed=0)
    assert seg.labels.groupby(monetary.to_numpy()).first().to_dict() == {1.0: 2, 10.0: 1, 1000.0: 0}
    assert seg.labels.value_counts().sort_index().tolist() == [100, 100, 100]
    assert assign_segments(scaled, seg.centroids).equals(seg.labels)


def test_k_larger_than_customers(blobs):
    scaled, monetary = blobs
    with pytest.raises(SettingsError, match="There are 5 customers, fewer than the 6 segments"):
        fit_segments(scaled.iloc[:5], monetary.iloc[:5], 6)


def test_elbow_stops_at_number_of_customers(blobs):
    scaled, _ = blobs
    assert elbow_metrics(scaled.iloc[:4], range(1, 11))["k"].tolist() == [1, 2, 3, 4]


def test_knee_point_of_a_hand_built_curve():
    from segmentation.method.clustering import knee_point

    k = np.arange(1, 11)
    sse = np.array([100, 40, 20, 15, 12, 10, 9, 8, 7, 6])
    # Scaled gaps below the chord: k=2 0.527, k=3 0.629, k=4 0.571: the knee is 3.
    assert knee_point(k, sse) == 3.0
    assert knee_point(k, 100 - 10 * k) is None  # a straight line has no knee
    assert knee_point(k[:2], sse[:2]) is None
