import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from segmentation.errors import SettingsError
from segmentation.profiles import (
    PROFILE_COLUMNS,
    cluster_profile,
    name_segments,
    relative_importance,
)


@pytest.fixture
def rfm():
    return pd.DataFrame(
        {
            "recency_days": [1, 3, 10, 20],
            "frequency": [5, 3, 1, 1],
            "monetary": [100.0, 60.0, 30.0, 10.0],
        },
        index=pd.Index(list("abcd"), name="customer_id"),
    )


def test_profile_exact(rfm):
    labels = pd.Series([0, 0, 1, 1], index=rfm.index)
    out = cluster_profile(rfm, labels, {0: "Best", 1: "Rest"})
    expected = pd.DataFrame(
        {
            "cluster": [0, 1],
            "segment": ["Best", "Rest"],
            "customers": [2, 2],
            "share": [0.5, 0.5],
            "recency_days_mean": [2.0, 15.0],
            "recency_days_median": [2.0, 15.0],
            "frequency_mean": [4.0, 1.0],
            "frequency_median": [4.0, 1.0],
            "monetary_mean": [80.0, 20.0],
            "monetary_median": [80.0, 20.0],
            "revenue_share": [0.8, 0.2],
        }
    )
    assert list(out.columns) == PROFILE_COLUMNS
    assert_frame_equal(out, expected, check_dtype=False)


def test_relative_importance(rfm):
    imp = relative_importance(rfm, pd.Series([0, 0, 1, 1], index=rfm.index))
    assert imp.loc[0].round(4).tolist() == [round(2 / 8.5 - 1, 4), round(4 / 2.5 - 1, 4), 0.6]


def centroids(rows):
    return pd.DataFrame(rows, columns=["recency_days", "frequency", "monetary"])


def test_names_from_centroid_positions():
    names = name_segments(centroids([[-1.0, 1.5, 1.5], [1.4, -1.0, -1.0], [-1.2, -0.8, -0.6]]))
    assert names == {0: "Champions", 1: "Lost", 2: "New customers"}


def test_names_unique_up_to_many_clusters_and_overrides():
    cents = centroids([[i * 0.1, 0.0, 0.0] for i in range(13)])
    names = name_segments(cents)
    assert len(set(names.values())) == 13
    renamed = name_segments(centroids([[-1.0, 1.5, 1.5], [1.4, -1.0, -1.0]]), {1: "Win back"})
    assert renamed == {0: "Champions", 1: "Win back"}
    with pytest.raises(SettingsError, match="same name"):
        name_segments(centroids([[-1.0, 1.5, 1.5], [1.4, -1.0, -1.0]]), {1: "Champions"})
