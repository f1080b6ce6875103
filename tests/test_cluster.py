"""Spark on a real standalone cluster: a master and a 2-core worker started from the installed
pyspark (its ``bin/spark-class``), the scoring command pointed at ``spark://127.0.0.1:PORT``,
the same customers as pandas to the cent. CI runs it (REQUIRE_SPARK=1)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from segmentation.engines.scoring import score_pandas
from tests.spark_cluster import standalone_cluster
from tests.test_scoring import (  # noqa: F401 - fixtures
    ROOT,
    SKIP_SPARK,
    as_text,
    fitted,
    online_retail_fitted,
)

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``spark://127.0.0.1:PORT`` with one worker of 2 cores; both stopped afterwards."""
    if shutil.which("java") is None:
        if SKIP_SPARK:
            pytest.skip("no Java runtime (apt-get install openjdk-17-jre-headless)")
        pytest.fail("Spark tests required (REQUIRE_SPARK=1) but there is no Java runtime")
    try:
        with standalone_cluster(tmp_path_factory.mktemp("cluster")) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


def scored_on(cluster: str, data: Path, recipe, tmp_path: Path) -> pd.DataFrame:
    """The scoring command on the cluster, as a user runs it; its CSV as text."""
    saved = tmp_path / "recipe.json"
    saved.write_text(recipe.to_json())
    out = tmp_path / "cluster.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "segmentation", "score", str(data), "--apply-recipe", str(saved),
         "--engine", "spark", "--spark-master", cluster,
         "--spark-conf", "spark.driver.host=127.0.0.1", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # quiet on a cluster too
    return pd.read_csv(out, dtype=str, keep_default_na=False).sort_values("customer_id")


def assert_same_as_pandas(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The cluster's customers are pandas' (``as_text``), to the cent."""
    assert list(got.columns) == list(expected.columns)
    assert got["customer_id"].tolist() == expected["customer_id"].tolist()
    cents = got["monetary"].map(lambda v: f"{float(v):.2f}")
    assert cents.tolist() == expected["monetary"].tolist()
    for column in ("cluster", "segment", "action", "rfm_score", "rfm_segment", "rfm_action"):
        assert got[column].tolist() == expected[column].tolist(), column


def test_the_cluster_scores_the_edge_cases_as_pandas_does(cluster, fitted, tmp_path):  # noqa: F811
    data, recipe = fitted
    expected = as_text(score_pandas(data, recipe))
    assert_same_as_pandas(scored_on(cluster, data, recipe, tmp_path), expected)


def test_the_cluster_scores_online_retail_as_pandas_does(
    cluster,
    online_retail_fitted,  # noqa: F811
    tmp_path,
):
    data, recipe, expected = online_retail_fitted
    got = scored_on(cluster, data, recipe, tmp_path)
    assert len(got) == 4_317
    assert_same_as_pandas(got, expected)
