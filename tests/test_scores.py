"""RFM scores and grid segments on hand-built tables; every expected score worked out by hand."""

import itertools

import pandas as pd
import pytest

from segmentation.errors import SettingsError
from segmentation.method.scores import (
    FIXED_FREQUENCY_EDGES,
    SEGMENT_RULES,
    ScoreEdges,
    fit_edges,
    score_customers,
    segment_by_rules,
)


def table(recency, frequency, monetary):
    return pd.DataFrame(
        {"recency_days": recency, "frequency": frequency, "monetary": monetary},
        index=pd.Index([f"c{i}" for i in range(len(recency))], name="customer_id"),
    )


def test_quintile_scores_two_customers_each():
    # 1..10: the 20/40/60/80 % quantiles are 2.8, 4.6, 6.4 and 8.2, so each pair of values
    # shares a score; recency is reversed (1 day ago scores 5).
    rfm = table(list(range(1, 11)), list(range(1, 11)), [10.0 * v for v in range(1, 11)])
    edges = fit_edges(rfm)
    assert edges.recency == pytest.approx((2.8, 4.6, 6.4, 8.2))
    assert not edges.fixed_frequency
    scores = score_customers(rfm, edges)
    assert scores["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert scores["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores["rfm_score"].tolist()[:2] == ["511", "511"]
    assert scores["rfm_score"].iloc[-1] == "155"


def test_ties_share_a_score():
    rfm = table(list(range(1, 11)), list(range(1, 11)), [5.0] * 5 + [6.0, 7, 8, 9, 10])
    scores = score_customers(rfm, fit_edges(rfm))
    assert scores["m_score"].iloc[:5].nunique() == 1  # the five customers who spent 5


def test_collapsed_frequency_quintiles_fall_back_to_fixed_thresholds():
    # Seven of ten bought once: the 20/40/60 % frequency quantiles are all 1.
    rfm = table(list(range(1, 11)), [1] * 7 + [2, 5, 8], [float(v) for v in range(1, 11)])
    edges = fit_edges(rfm)
    assert edges.fixed_frequency and edges.frequency == FIXED_FREQUENCY_EDGES
    # 1, 2, 3, 4-5 and 6+ invoices score 1 to 5.
    assert score_customers(rfm, edges)["f_score"].tolist() == [1] * 7 + [2, 4, 5]


def test_edges_saved_and_loaded_score_another_file_the_same_way():
    rfm = table(list(range(1, 11)), list(range(1, 11)), [10.0 * v for v in range(1, 11)])
    edges = fit_edges(rfm)
    assert ScoreEdges.from_dict(edges.to_dict()) == edges
    later = table([1, 9, 30], [10, 3, 1], [95.0, 45.0, 5.0])
    assert score_customers(later, edges)["rfm_score"].tolist() == ["555", "122", "111"]


def scores(*rows):
    return pd.DataFrame(rows, columns=["r_score", "f_score", "m_score"])


def test_the_first_matching_rule_wins_and_every_rule_can_match():
    names = segment_by_rules(
        scores(
            (5, 5, 5),
            (5, 5, 1),
            (5, 1, 3),
            (4, 1, 3),
            (5, 2, 2),
            (3, 2, 5),
            (3, 1, 1),
            (1, 5, 5),
            (2, 5, 5),
            (2, 1, 1),
            (1, 1, 1),
        )
    )
    assert names.tolist() == SEGMENT_RULES["segment"].tolist()


def test_the_default_grid_names_every_score_combination():
    every = scores(*itertools.product(range(1, 6), repeat=3))
    assert "Others" not in set(segment_by_rules(every))


def test_unmatched_customers_are_others_and_bad_rules_are_refused():
    rules = SEGMENT_RULES.iloc[:1]  # Champions only
    assert segment_by_rules(scores((5, 5, 5), (1, 1, 1))).tolist()[0] == "Champions"
    assert segment_by_rules(scores((5, 5, 5), (1, 1, 1)), rules).tolist() == ["Champions", "Others"]
    wrong = SEGMENT_RULES.assign(r_min=6)
    with pytest.raises(SettingsError, match="whole scores from 1 to 5"):
        segment_by_rules(scores((5, 5, 5)), wrong)
    with pytest.raises(SettingsError, match="missing: m_max"):
        segment_by_rules(scores((5, 5, 5)), SEGMENT_RULES.drop(columns="m_max"))


# Five one-order customers on five days: recency 5..1 days, spend 10..50. Frequency quintiles
# collapse (all 1), so the fixed thresholds score it. Recency edges 1.8, 2.6, 3.4, 4.2 and
# spend edges 18, 26, 34, 42 (linear quantiles) give the scores 111, 212, 313, 414, 515.
FIRST = b"""Invoice,Customer,Date,Amount
1,c1,2024-01-01,10
2,c2,2024-01-02,20
3,c3,2024-01-03,30
4,c4,2024-01-04,40
5,c5,2024-01-05,50
"""
# Next month: d1 bought three times (45 in all, last 1 day before the snapshot), d2 once (100).
LATER = b"""Invoice,Customer,Date,Amount
1,d1,2024-01-01,15
2,d1,2024-01-10,15
3,d1,2024-01-20,15
4,d2,2024-01-20,100
"""


def _load(data):
    from segmentation.columns.loading import load_transactions

    return load_transactions(data, "shop.csv").transactions


def test_pipeline_scores_and_names_by_hand():
    from segmentation.pipeline import Settings, segment

    result = segment(_load(FIRST), Settings(method="scores"))
    assert result.profiled is None and result.scored.fitted
    assert result.scored.edges.monetary == pytest.approx((18, 26, 34, 42))
    assert result.scored.edges.fixed_frequency
    customers = result.customers.set_index("customer_id")
    assert customers["rfm_score"].tolist() == ["111", "212", "313", "414", "515"]
    assert customers["rfm_segment"].tolist() == [
        "Lost",
        "Hibernating",
        "About To Sleep",
        "Promising",
        "New Customers",
    ]
    assert "segment" not in customers and "rfm_action" in customers


def test_saved_thresholds_score_next_months_file():
    from segmentation.outcomes.labelling import apply_recipe, load_recipe, recipe_to_json
    from segmentation.pipeline import Settings, segment

    recipe = load_recipe(recipe_to_json(segment(_load(FIRST), Settings(method="scores")).recipe()))
    customers, _ = apply_recipe(_load(LATER), recipe)
    got = customers.set_index("customer_id")
    # d1: recency 1 -> 5; 3 orders -> 3 (fixed thresholds); 45 -> 5. d2: 5, 1, 5.
    assert got["rfm_score"].to_dict() == {"d1": "535", "d2": "515"}
    assert got["rfm_segment"].to_dict() == {"d1": "Loyal Customers", "d2": "New Customers"}


def test_edited_thresholds_are_used_and_saved():
    from segmentation.outcomes.labelling import load_recipe, recipe_to_json
    from segmentation.pipeline import Settings, segment

    edges = ScoreEdges((2, 3, 4, 5), (2, 3, 4, 6), (15, 25, 35, 45), fixed_frequency=True)
    result = segment(_load(FIRST), Settings(method="scores", score_edges=edges))
    assert not result.scored.fitted
    # recency 5..1 against 2, 3, 4, 5 (a value at an edge stays below it): 2, 3, 4, 5, 5.
    assert result.customers["r_score"].tolist() == [2, 3, 4, 5, 5]
    assert result.customers["m_score"].tolist() == [1, 2, 3, 4, 5]
    recipe = load_recipe(recipe_to_json(result.recipe()))
    assert recipe.scores.edges == edges


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(SettingsError, match="monetary score thresholds"):
        ScoreEdges.from_dict(
            {"recency": [1, 2, 3, 4], "frequency": [2, 3, 4, 6], "monetary": [5, 1, 2, 3]}
        )


def test_rules_from_csv_and_others(tmp_path):
    from segmentation.cli import main

    rules = tmp_path / "rules.csv"
    rules.write_text(
        "segment,r_min,r_max,f_min,f_max,m_min,m_max\n"
        "Big spenders,1,5,1,5,4,5\nRecent,5,5,1,5,1,5\n"
    )
    shop = tmp_path / "shop.csv"
    shop.write_bytes(FIRST)
    out = tmp_path / "out.csv"
    assert main([str(shop), "--method", "scores", "--rules", str(rules), "--out", str(out)]) == 0
    got = pd.read_csv(out, encoding="utf-8-sig")
    # 414 and 515 spend big (the first rule wins for 515, which is also recent); the rest
    # match no rule.
    assert got["rfm_segment"].tolist() == ["Others"] * 3 + ["Big spenders"] * 2


def test_a_broken_rules_file_is_a_clear_error(tmp_path, capsys):
    from segmentation.cli import main

    rules = tmp_path / "rules.csv"
    rules.write_text("segment,r_min\nX,1\n")
    shop = tmp_path / "shop.csv"
    shop.write_bytes(FIRST)
    assert main([str(shop), "--rules", str(rules)]) == 2
    assert "missing: r_max" in capsys.readouterr().err


def test_crosstab_counts_pairs():
    from segmentation.method.scores import crosstab

    table = crosstab(pd.Series(["A", "A", "B"]), pd.Series(["X", "Y", "Y"]))
    assert table.loc["A"].tolist() == [1, 1] and table.loc["B"].tolist() == [0, 1]


def test_crosstab_follows_the_playbook_order():
    from segmentation.method.scores import crosstab

    ranks = {"Champions": 1, "Lost": 11}
    table = crosstab(pd.Series(["Lost", "Mine", "Champions"]), pd.Series(["Lost"] * 3), ranks)
    assert table.index.tolist() == ["Champions", "Lost", "Mine"]  # unknown names last
