"""RFM scores and grid segments on hand-built tables; every expected score worked out by hand."""

import itertools

import pandas as pd
import pytest

from segmentation.errors import SettingsError
from segmentation.scores import (
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
