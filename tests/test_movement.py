"""Segment movement on hand-built transactions: named customers move in known ways; every
expected label and matrix cell worked out by hand."""

import pandas as pd
import pytest

from segmentation.columns.loading import load_transactions
from segmentation.errors import DataError, SettingsError
from segmentation.method.recipe import Recipe
from segmentation.outcomes.labelling import apply_recipe, load_recipe, recipe_to_json
from segmentation.outcomes.movement import (
    LEFT,
    NEW,
    earlier_labels,
    matrix_table,
    movements,
    movers_table,
    read_previous,
)
from segmentation.pipeline import Settings, segment
from segmentation.settings import ScoreEdges

# Recency edges 30/60/90/120 days (r 5 up to 30 days ... 1 beyond 120); fixed frequency
# thresholds (1, 2, 3, 4-5, 6+ orders); spend does not matter to these rules.
EDGES = ScoreEdges((30, 60, 90, 120), (2, 3, 4, 6), (10, 20, 30, 40), fixed_frequency=True)
RULES = (
    ("Loyal", 4, 5, 3, 5, 1, 5),
    ("Active", 4, 5, 1, 2, 1, 5),
    ("Lapsed", 1, 3, 1, 5, 1, 5),
)
PLAYBOOK = (
    ("Loyal", 1, "Buy often, recently", "Thank them"),
    ("Active", 2, "Bought recently", "Recommend"),
    ("Lapsed", 3, "Not seen for a while", "Win back"),
)
# S = 2024-07-01 (the day after the last purchase); S0 = S - 90 days = 2024-04-02.
# L: a loyal buyer who stops: 4 orders, the last on 03-30 (3 days before S0: Loyal; 93 days
#    before S: Lapsed).
# O: a one-off buyer who returns: 01-05 (88 days before S0: Lapsed), again on 06-20 (11 days
#    before S, 2 orders: Active).
# K: steady: 03-25 (8 days, 1 order: Active at S0), 06-25 and 06-30 (1 day, 3 orders: Loyal).
# N: new: 06-15 only (16 days, 1 order: Active; new since S0).
# Z: 2023-12-01 only (123 days before S0, 213 before S: Lapsed both times).
SHOP = b"""Invoice,Customer,Date,Amount,Email
1,Z,2023-12-01,10,z@shop.example
2,O,2024-01-05,10,o@shop.example
3,L,2024-01-10,10,l@shop.example
4,L,2024-02-10,10,l@shop.example
5,L,2024-03-10,10,l@shop.example
6,K,2024-03-25,10,k@shop.example
7,L,2024-03-30,10,l@shop.example
8,N,2024-06-15,10,n@shop.example
9,O,2024-06-20,10,o@shop.example
10,K,2024-06-25,10,k@shop.example
11,K,2024-06-30,10,k@shop.example
"""
S0 = "2024-04-02"


@pytest.fixture(scope="module")
def shop():
    loaded = load_transactions(SHOP, "shop.csv")
    settings = Settings(method="scores", score_edges=EDGES, rules=RULES, playbook=PLAYBOOK)
    return loaded, segment(loaded.transactions, settings)


def test_named_customers_move_as_worked_out_by_hand(shop):
    loaded, result = shop
    (found,) = movements(result, loaded.transactions, S0, contacts=loaded.contacts.values)
    moves = found.customers.set_index("customer_id")
    assert moves["segment_before"].dropna().to_dict() == {
        "K": "Active",
        "L": "Loyal",
        "O": "Lapsed",
        "Z": "Lapsed",
    }
    assert pd.isna(moves.loc["N", "segment_before"])  # new since S0
    assert moves["segment_now"].to_dict() == {
        "K": "Loyal",
        "L": "Lapsed",
        "N": "Active",
        "O": "Active",
        "Z": "Lapsed",
    }
    assert moves["direction"].to_dict() == {
        "K": "up",
        "L": "down",
        "N": "new",
        "O": "up",
        "Z": "same",
    }
    # Period revenue (from S0 on): K 20, N 10, O 10, L and Z nothing.
    assert moves["revenue_period"].to_dict() == {"K": 20, "L": 0, "N": 10, "O": 10, "Z": 0}
    assert moves.loc["L", "recency_days_before"] == 3 and moves.loc["L", "recency_days"] == 93
    assert moves.loc["L", "action"] == "Win back"  # the new segment's action
    assert moves.loc["L", "Email"] == "l@shop.example"
    expected = pd.DataFrame(
        [[0, 0, 1], [1, 0, 0], [0, 1, 1], [0, 1, 0]],
        index=["Loyal", "Active", "Lapsed", NEW],
        columns=["Loyal", "Active", "Lapsed"],
    )
    pd.testing.assert_frame_equal(found.counts, expected, check_names=False, check_dtype=False)
    assert found.shares.loc["Lapsed"].tolist() == [0, 0.5, 0.5]
    assert found.revenue.loc["Active", "Loyal"] == 20
    assert found.revenue.loc[NEW, "Active"] == 10
    assert found.headlines() == [
        "1 Loyal (100%) moved down to Lapsed; they spent 0 since 2024-04-02.",
        "1 Active (100%) moved up to Loyal; they spent 20 since 2024-04-02.",
        "1 customer is new since 2024-04-02; they spent 10.",
    ]
    assert set(movers_table([found])["customer_id"]) == {"K", "L", "N", "O"}
    matrix = matrix_table([found])
    assert matrix.columns.tolist() == ["method", "before", "Loyal", "Active", "Lapsed"]
    assert matrix["method"].unique().tolist() == ["RFM grid"]


def test_labels_at_s0_equal_a_cut_file_labelled_with_the_saved_recipe(shop, tmp_path):
    loaded, result = shop
    recipe = tmp_path / "recipe.json"
    recipe.write_text(recipe_to_json(result.recipe()))
    cut = b"\n".join(
        line
        for line in SHOP.split(b"\n")
        if not line or line[:1].isalpha() or line.split(b",")[2] < S0.encode()
    )
    cut_tx = load_transactions(cut, "cut.csv").transactions
    assert cut_tx["invoice_date"].max() == pd.Timestamp("2024-03-30")  # earlier than S0 - 1
    by_recipe, _ = apply_recipe(cut_tx, load_recipe(recipe.read_text()), snapshot=S0)
    at_s0 = earlier_labels(loaded.transactions, Recipe.from_dict(result.recipe()), S0)
    pd.testing.assert_frame_equal(by_recipe, at_s0)
    assert at_s0.set_index("customer_id")["recency_days"].to_dict() == {
        "K": 8,
        "L": 3,
        "O": 88,
        "Z": 123,
    }


def test_both_methods_move_and_kmeans_labels_use_the_same_model():
    from segmentation.demo import demo_csv_bytes

    loaded = load_transactions(demo_csv_bytes(300, 2), "demo.csv")
    result = segment(loaded.transactions, Settings(k=3))
    kmeans, grid = movements(result, loaded.transactions, "2024-10-01")
    assert (kmeans.by, grid.by) == ("segment", "rfm_segment")
    # Customers present at both dates keep their number of customers in the matrix.
    assert kmeans.counts.to_numpy().sum() == len(kmeans.customers)
    names = set(result.customers["segment"])
    assert set(kmeans.customers["segment_before"].dropna()) <= names


def test_a_previous_export_is_matched_by_customer_id_and_name(shop, tmp_path):
    from segmentation.outcomes.export import to_csv_bytes

    loaded, result = shop
    earlier = earlier_labels(loaded.transactions, Recipe.from_dict(result.recipe()), S0)
    earlier.loc[earlier["customer_id"] == "Z", "rfm_segment"] = "Dormant"  # an old name
    data = to_csv_bytes(earlier, ";", ",")  # a European-format export
    previous = read_previous(data, "previous.csv")
    assert previous["monetary"].dtype.kind == "f"
    (found,) = movements(result, loaded.transactions, previous=previous)
    assert found.before_date == S0
    assert found.unmatched == ("Dormant",)
    assert found.customers.set_index("customer_id").loc["L", "direction"] == "down"


def test_mistakes_are_clear(shop):
    loaded, result = shop
    with pytest.raises(SettingsError, match="must be before the snapshot"):
        movements(result, loaded.transactions, "2024-07-05")
    with pytest.raises(DataError, match="No purchases before 2023-01-01"):
        movements(result, loaded.transactions, "2023-01-01")
    with pytest.raises(DataError, match="not a customer file"):
        read_previous(b"a,b\n1,2\n", "x.csv")


def test_command_line_writes_the_matrix_and_the_movers(tmp_path):
    from segmentation.cli import main

    shop, rules = tmp_path / "shop.csv", tmp_path / "rules.csv"
    shop.write_bytes(SHOP)
    pd.DataFrame(
        RULES, columns=["segment", "r_min", "r_max", "f_min", "f_max", "m_min", "m_max"]
    ).to_csv(rules, index=False)
    movement, movers = tmp_path / "movement.csv", tmp_path / "movers.csv"
    code = main(
        [
            str(shop),
            "--method",
            "scores",
            "--rules",
            str(rules),
            "--compare-at",
            S0,
            "--movement",
            str(movement),
            "--movers",
            str(movers),
        ]
    )
    assert code == 0
    matrix = pd.read_csv(movement, encoding="utf-8-sig")
    assert matrix["before"].tolist()[-1] == NEW
    assert len(pd.read_csv(movers, encoding="utf-8-sig")) == 4
    assert LEFT not in matrix.columns


def test_the_sankey_stays_legible_with_eleven_segments():
    """Flows under 1% of the customers stay in the matrix; a node under 3% keeps no label."""
    from segmentation.outcomes.charts import sankey_figure
    from segmentation.outcomes.movement import compare

    names = [f"S{i}" for i in range(11)]
    ids, before, now = [], [], []
    # 1,000 customers: 900 stay in S0; 11 each stay in S1..S9 (1.1 %) ... and 1 moves S9->S10.
    for i in range(900):
        ids.append(i), before.append("S0"), now.append("S0")
    for k in range(1, 10):
        for _ in range(11):
            ids.append(len(ids)), before.append(names[k]), now.append(names[k])
    ids.append(len(ids)), before.append("S9"), now.append("S10")
    frame = lambda labels: pd.DataFrame(  # noqa: E731
        {"customer_id": ids, "rfm_segment": labels, "snapshot_date": "2024-01-01",
         "recency_days": 1, "frequency": 1, "monetary": 1.0}
    )  # fmt: skip
    ranks = {n: i + 1 for i, n in enumerate(names)}
    move = compare(frame(before), frame(now), "rfm_segment", ranks, pd.Series(dtype=float))
    sankey = sankey_figure(move).data[0]
    total = len(ids)
    shown = [c for c in move.cells["customers"] if c >= 0.01 * total]
    assert list(sankey.link.value) == shown  # the S9 -> S10 flow (1 customer) is left out
    labelled = [label for label in sankey.node.label if label]
    assert all(label.startswith("S0 ") for label in labelled)  # only S0 holds 3% or more
    assert len(sankey.node.label) == 2 * 10  # S10 (no flow shown) has no node
