import json

import numpy as np
import pandas as pd
import pytest

from segmentation.columns.parsing import to_transactions
from segmentation.columns.roles import detect_roles
from segmentation.demo import demo_transactions
from segmentation.errors import SegmentationError, SettingsError
from segmentation.outcomes.labelling import apply_recipe, load_recipe, recipe_to_json
from segmentation.pipeline import Settings, segment


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
    assert recipe.kmeans.transforms[0].method == result.transformer.methods_["recency_days"]
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


def test_a_sample_is_measured_to_the_whole_datas_snapshot():
    import pandas as pd

    from segmentation.method.sampling import sample_transactions

    days = {"a": 1, "b": 5, "c": 9, "d": 14, "e": 20, "f": 26, "z": 40}
    # Everyone buys on their day; a, c and e also buy 1 and 2 days before (frequency varies).
    rows = [(c, d) for c, d in days.items()] + [(c, days[c] - k) for c in "ace" for k in (1, 2)]
    tx = pd.DataFrame(
        {
            "customer_id": pd.Series([c for c, _ in rows], dtype="str"),
            "invoice_id": pd.Series([str(i) for i in range(len(rows))], dtype="str"),
            "invoice_date": [pd.Timestamp(2024, 1, 1) + pd.Timedelta(days=d) for _, d in rows],
            "revenue": [10.0 * (i + 1) for i in range(len(rows))],
        }
    )
    # A seed whose sample of 4 customers leaves out z, the only buyer of the last day.
    seed = next(
        s for s in range(100) if "z" not in set(sample_transactions(tx, 4, seed=s)["customer_id"])
    )
    result = segment(tx, Settings(k=2, sample_size=4, seed=seed, transforms="none"))
    assert result.snapshot == pd.Timestamp("2024-02-11")  # the day after z's purchase
    assert result.frequency == "invoices"
    for customer, recency in result.rfm["recency_days"].items():
        assert recency == 41 - days[customer]


def test_a_model_fitted_on_a_sample_labels_every_customer(demo_tx):
    result = segment(demo_tx, Settings(k=3, sample_size=200))
    everyone = segment(demo_tx, Settings(k=3)).customers
    assert result.sampled
    assert result.profile["customers"].sum() == 200  # the summary describes the sample
    assert sorted(result.customers["customer_id"]) == sorted(everyone["customer_id"])
    # The sampled customers keep the labels of the fit; the others get the nearest centroid.
    fitted = result.segments.labels.rename("fit")
    both = result.customers.set_index("customer_id").join(fitted, how="inner")
    assert (both["cluster"] == both["fit"]).all()
    # Each label is the nearest centroid in the fitted model's own space (checked by hand).
    fitted_model = result.transformed
    x = fitted_model.transformer.transform(result.customers.set_index("customer_id"))
    z = (x - np.array(fitted_model.scaler_mean)) / np.array(fitted_model.scaler_scale)
    dist = ((z.to_numpy()[:, None, :] - result.segments.centroids.to_numpy()[None]) ** 2).sum(2)
    assert (dist.argmin(axis=1) == result.customers["cluster"].to_numpy()).all()


def test_a_rename_keeps_the_action_in_the_file_the_recipe_and_the_movement(demo_tx):
    """Renaming the best K-Means segment changes only its words: its customers keep the
    action of its kind, a recipe applies it, and Movement's directions are those of the run
    without the rename, customer by customer."""
    from segmentation.method.recipe import Recipe
    from segmentation.outcomes.movement import movements
    from segmentation.outcomes.playbook import PLAYBOOK

    plain = segment(demo_tx, Settings(k=4))
    renamed = segment(demo_tx, Settings(k=4), names={0: "VIP Fans"})
    was = plain.names[0]
    customers = renamed.customers
    assert customers["segment"].tolist() == plain.customers["segment"].replace(
        was, "VIP Fans").tolist()  # fmt: skip
    action = PLAYBOOK.set_index("segment").loc[plain.kinds[0], "action"]
    assert (customers.loc[customers["segment"] == "VIP Fans", "action"] == action).all()
    assert customers["action"].tolist() == plain.customers["action"].tolist()
    again, _ = apply_recipe(demo_tx, Recipe.from_dict(renamed.recipe()))
    assert again["action"].tolist() == customers["action"].tolist()
    s0 = pd.Timestamp(customers["snapshot_date"].iloc[0]) - pd.Timedelta(days=90)
    moved = {m.by: m for m in movements(renamed, demo_tx, s0)}
    before = {m.by: m for m in movements(plain, demo_tx, s0)}
    for by in ("segment", "rfm_segment"):
        got = moved[by].customers.set_index("customer_id")["direction"]
        expected = before[by].customers.set_index("customer_id")["direction"]
        assert got.sort_index().tolist() == expected.sort_index().tolist()
    # And by hand: a K-Means move is up or down by the ranks of the two segments' kinds.
    rank = PLAYBOOK.set_index("segment")["rank"]
    ranks = {plain.names[c]: rank[plain.kinds[c]] for c in plain.names}
    rows = before["segment"].customers.dropna(subset=["segment_before", "segment_now"])
    rows = rows[rows["segment_before"] != rows["segment_now"]]
    assert len(rows) > 0
    expected = [
        "up" if ranks[n] < ranks[b] else "down"
        for b, n in zip(rows["segment_before"], rows["segment_now"], strict=True)
    ]
    assert rows["direction"].tolist() == expected


def test_a_kmeans_name_that_a_grid_segment_uses_is_refused(demo_tx):
    with pytest.raises(SettingsError, match="'Champions' is already the name of an RFM grid"):
        segment(demo_tx, Settings(k=4), names={1: "Champions"})


class CountingMemo:
    """A run's memo that counts how often each stage was computed."""

    def __init__(self):
        self.kept, self.computed = {}, {}

    def get(self, key, compute):
        if key not in self.kept:
            self.computed[key[0]] = self.computed.get(key[0], 0) + 1
            self.kept[key] = compute()
        return self.kept[key]


def test_runs_sharing_a_memo_share_every_stage_their_settings_share(demo_tx):
    from dataclasses import replace

    from segmentation.pipeline import Run

    memo = CountingMemo()
    three = Run(demo_tx, Settings(k=3), memo=memo)
    three.result()
    four = three.with_settings(replace(three.settings, k=4))
    assert four.result().k == 4
    renamed = four.named({0: "Top"})
    assert renamed.result().names[0] == "Top"
    # A k change refits the final model alone; a rename only renames.
    assert memo.computed == {
        "cleaned": 1, "rfm": 1, "transformed": 1, "elbow": 1, "segments": 2, "profiled": 3,
        "scored": 1, "activity": 1,
    }  # fmt: skip
    # The same customers, labels and names as segment() with the same choices.
    alone = segment(demo_tx, Settings(k=4), {0: "Top"})
    assert renamed.result().customers.equals(alone.customers)


def test_a_run_of_the_scores_alone_fits_no_k_means_and_says_so(demo_tx):
    from segmentation.pipeline import Run

    memo = CountingMemo()
    result = Run(demo_tx, Settings(method="scores"), memo=memo).result()
    assert set(memo.computed) == {"cleaned", "rfm", "scored", "activity"}
    assert list(result.customers["rfm_segment"].notna().unique()) == [True]
    with pytest.raises(SettingsError, match="no K-Means segments"):
        result.names  # noqa: B018 - the property is the behaviour under test


def test_no_page_chains_the_stages_itself():
    """The dashboard asks a run for its stages: no page or dashboard module calls a stage
    function or segment() (one pipeline, wired once)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    face = [root / "app.py", *(root / "pages").glob("*.py"), *(root / "dashboard").glob("*.py")]
    for path in face:
        text = path.read_text()
        assert not re.search(r"\bseg\.(\w+_stage|segment)\(", text), path
