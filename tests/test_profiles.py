import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from segmentation.errors import SettingsError
from segmentation.method.profiles import (
    PROFILE_COLUMNS,
    carry_names,
    cluster_profile,
    merged_names,
    name_segments,
    relative_importance,
    segment_kinds,
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
    cents = centroids([[-1.0, 1.5, 1.5], [1.4, -1.0, -1.0], [-1.2, -0.8, -0.6]])
    # Each cluster's kind is the nearest playbook position; K-Means shows its own word for it.
    assert segment_kinds(cents) == {0: "Champions", 1: "Lost", 2: "New Customers"}
    assert name_segments(cents) == {0: "Best customers", 1: "Long gone", 2: "Newcomers"}


def test_kmeans_names_never_reuse_a_name_of_the_grid_or_the_playbook():
    from segmentation.method.scores import SEGMENT_RULES
    from segmentation.outcomes.playbook import PLAYBOOK

    grid = set(SEGMENT_RULES["segment"]) | set(PLAYBOOK["segment"])
    for k in (2, 5, 11, 13):
        cents = centroids([[i * 0.3 - 1.5, 1.0 - i * 0.2, (i % 3) - 1.0] for i in range(k)])
        names = set(name_segments(cents).values())
        assert len(names) == k and not names & grid


def test_names_unique_up_to_many_clusters_and_overrides():
    cents = centroids([[i * 0.1, 0.0, 0.0] for i in range(13)])
    names = name_segments(cents)
    assert len(set(names.values())) == 13
    renamed = name_segments(centroids([[-1.0, 1.5, 1.5], [1.4, -1.0, -1.0]]), {1: "Win back"})
    assert renamed == {0: "Best customers", 1: "Win back"}
    with pytest.raises(SettingsError, match="no cluster 5"):
        name_segments(centroids([[-1.0, 1.5, 1.5], [1.4, -1.0, -1.0]]), {5: "Champions"})


def test_equal_names_merge_clusters_into_one_segment():
    rfm = pd.DataFrame(
        {"recency_days": [1, 3, 10, 30], "frequency": [5, 3, 2, 1], "monetary": [50.0, 30, 15, 5]},
        index=pd.Index(list("abcd"), name="customer_id"),
    )
    labels = pd.Series([0, 1, 2, 2], index=rfm.index)
    names = {0: "Keep", 1: "Keep", 2: "Lost"}
    assert merged_names(names) == {"Keep": [0, 1]}
    profile = cluster_profile(rfm, labels, names)
    # a and b are one segment numbered 0: 2 customers, mean spend (50 + 30) / 2.
    assert profile[["cluster", "segment", "customers"]].values.tolist() == [
        [0, "Keep", 2],
        [2, "Lost", 2],
    ]
    assert profile["monetary_mean"].tolist() == [40.0, 10.0]
    assert profile["revenue_share"].tolist() == [0.8, 0.2]


def test_names_follow_the_same_segment_after_a_refit():
    rfm = pd.DataFrame(
        {
            "recency_days": [2, 3, 4, 200, 210, 220],
            "frequency": [9, 8, 10, 1, 1, 2],
            "monetary": [900.0, 800, 1000, 20, 25, 30],
        }
    )
    # After the refit the clusters are numbered the other way round.
    profile = cluster_profile(rfm, pd.Series([1, 1, 1, 0, 0, 0]), {0: "a", 1: "b"})
    saved = {"VIP": (3.0, 9.0, 900.0), "Gone": (210.0, 1.3, 25.0), "Elsewhere": (40, 4, 300)}
    assert carry_names(saved, profile, rfm) == {1: "VIP", 0: "Gone"}
