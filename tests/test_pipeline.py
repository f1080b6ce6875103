import json

import pytest

from segmentation.demo import demo_transactions
from segmentation.errors import SegmentationError, SettingsError
from segmentation.parsing import to_transactions
from segmentation.pipeline import Settings, apply_recipe, load_recipe, recipe_to_json, segment
from segmentation.roles import detect_roles


@pytest.fixture(scope="module")
def demo_tx():
    raw = demo_transactions(n_customers=600, seed=11)
    return to_transactions(raw, detect_roles(list(raw.columns)))[0]


@pytest.fixture(scope="module")
def result(demo_tx):
    return segment(demo_tx, Settings(k=4))


def test_every_customer_labelled_once_and_sizes_add_up(result):
    customers = result.customers
    assert customers["customer_id"].is_unique
    assert len(customers) == len(result.rfm) == result.report.customers_kept
    assert result.profile["customers"].sum() == len(customers)
    assert result.profile["cluster"].tolist() == [0, 1, 2, 3]
    assert result.profile["monetary_mean"].is_monotonic_decreasing
    assert customers["monetary"].sum() == pytest.approx(result.report.revenue_kept)
    assert customers["segment"].nunique() == 4


def test_same_seed_same_labels(demo_tx, result):
    again = segment(demo_tx, Settings(k=4))
    assert again.customers.equals(result.customers)


def test_recipe_labels_a_file_the_same_way(demo_tx, result):
    recipe = load_recipe(recipe_to_json(result.recipe()))
    labelled, report = apply_recipe(demo_tx, recipe)
    assert labelled.equals(result.customers)
    assert report.rows_kept == result.report.rows_kept
    assert (
        recipe["transforms"]["recency_days"]["method"]
        == result.transformer.methods_["recency_days"]
    )
    assert json.loads(recipe_to_json(result.recipe()))["k"] == 4


def test_user_names_flow_to_exports(demo_tx):
    named = segment(demo_tx, Settings(k=3), names={2: "Win back"})
    assert named.profile.loc[2, "segment"] == "Win back"
    assert set(named.customers.loc[named.customers["cluster"] == 2, "segment"]) == {"Win back"}


def test_k_larger_than_customers_is_clear(demo_tx):
    few = demo_tx[demo_tx["customer_id"].isin(demo_tx["customer_id"].dropna().unique()[:3])]
    with pytest.raises(SettingsError, match="There are 3 customers, fewer than the 5 segments"):
        segment(few, Settings(k=5))


def test_bad_recipe_text():
    with pytest.raises(SegmentationError, match="not a segmentation recipe"):
        load_recipe('{"hello": 1}')
