"""Stability on hand-built blobs: the verdicts tested both ways (Hennig's classic example)."""

import numpy as np
import pandas as pd
import pytest

from segmentation import (
    ModelOptions,
    fit_stage,
    prediction_strength,
    stability_stage,
    transform_choice,
    transform_stage,
)
from segmentation.method.stability import verdict

NONE = transform_choice("none")


def blobs() -> pd.DataFrame:
    """Three well-separated blobs in (recency, frequency, monetary). The first is a wide cube
    of 125 customers on a lattice, so K-Means asked for 4 clusters has to cut it in two, and
    any of its three axes serves equally well (the classic example of an arbitrary cluster);
    the other two are tight blobs of 120 customers."""
    rng = np.random.default_rng(0)
    axis = np.linspace(-12.0, 12.0, 5)
    cube = np.array([(a, b, c) for a in axis for b in axis for c in axis]) + 100.0
    cube += rng.normal(0, 0.01, cube.shape)  # no exact ties
    tight = [
        rng.normal(c, 3.0, size=(120, 3)) for c in ((400.0, 100.0, 100.0), (100.0, 400.0, 400.0))
    ]
    points = np.vstack([cube, *tight])
    return pd.DataFrame(
        points,
        columns=["recency_days", "frequency", "monetary"],
        index=pd.Index([f"c{i}" for i in range(len(points))], name="customer_id"),
    )


def stability(k: int):
    rfm = blobs()
    model = ModelOptions(seed=3)
    transformed = transform_stage(rfm, NONE)
    segments = fit_stage(transformed, rfm, k, model)
    result = stability_stage(rfm, NONE, transformed.scaled, segments.labels, k, model, resamples=30)
    return result, segments, rfm


def test_three_blobs_with_k_3_are_stable():
    result, _, _ = stability(3)
    assert (result.table["jaccard"] >= 0.9).all()
    assert set(result.table["verdict"]) == {"stable"}
    assert result.seed_agreement == pytest.approx(1.0)


def test_the_split_blob_is_not_trusted_with_k_4():
    result, segments, rfm = stability(4)
    wide = rfm.index[:125]  # the cube's customers
    split = sorted(set(segments.labels[wide]))
    assert len(split) == 2  # K-Means cut the wide blob in two
    table = result.table.set_index("cluster")
    assert (table.loc[split, "jaccard"] < 0.6).all()
    assert set(table.loc[split, "verdict"]) == {"do not trust"}
    others = [c for c in table.index if c not in split]
    assert (table.loc[others, "jaccard"] >= 0.75).all()


def test_same_seed_same_figures_and_chunks_add_up():
    a, _, _ = stability(4)
    b, _, _ = stability(4)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_prediction_strength_supports_three_not_four():
    rfm = blobs()
    scaled = transform_stage(rfm, NONE).scaled
    strength = prediction_strength(scaled, ModelOptions(k_max=5, seed=1)).set_index("k")
    assert strength.loc[1, "prediction_strength"] == 1.0
    assert strength.loc[3, "prediction_strength"] >= 0.9
    assert strength.loc[4, "prediction_strength"] < 0.8


def test_verdict_thresholds_from_hennig():
    assert [verdict(x) for x in (0.9, 0.75, 0.74, 0.6, 0.59)] == [
        "stable",
        "stable",
        "doubtful",
        "doubtful",
        "do not trust",
    ]
