"""The playbook: one action per named segment for both methods, editable and checked."""

import pandas as pd
import pytest

from segmentation.errors import SettingsError
from segmentation.method.profiles import SEGMENT_PROTOTYPES
from segmentation.method.scores import OTHERS, SEGMENT_RULES
from segmentation.outcomes.playbook import PLAYBOOK, lookup, playbook_rows, playbook_table


def test_every_segment_of_both_methods_has_an_action_and_a_rank():
    named = set(SEGMENT_RULES["segment"]) | set(SEGMENT_PROTOTYPES.index) | {OTHERS}
    assert named == set(PLAYBOOK["segment"])  # one vocabulary, one playbook
    assert (PLAYBOOK["action"].str.len() > 20).all()
    assert sorted(PLAYBOOK["rank"]) == list(range(1, len(PLAYBOOK) + 1))


def test_unknown_segments_have_no_action():
    actions = lookup(pd.Series(["Champions", "My VIPs"]), PLAYBOOK)
    assert actions.iloc[0].startswith("Reward") and actions.iloc[1] == ""


def test_an_edited_playbook_round_trips_and_is_checked():
    edited = PLAYBOOK.copy()
    edited.loc[edited["segment"] == "At Risk", "action"] = "Call them"
    edited.loc[len(edited)] = ["My VIPs", 13, "Hand-picked", "Invite to the launch"]
    edited.loc[len(edited)] = [None, None, None, None]  # the editor's empty last row
    table = playbook_table(playbook_rows(edited))
    assert lookup(pd.Series(["At Risk", "My VIPs"]), table).tolist() == [
        "Call them",
        "Invite to the launch",
    ]
    twice = pd.concat([PLAYBOOK, PLAYBOOK.head(1)])
    with pytest.raises(SettingsError, match="twice: Champions"):
        playbook_rows(twice)
    no_rank = PLAYBOOK.assign(rank=PLAYBOOK["rank"].astype(object)).copy()
    no_rank.loc[0, "rank"] = "first"
    with pytest.raises(SettingsError, match="whole-number rank"):
        playbook_rows(no_rank)


def test_a_renamed_segment_keeps_its_kind_s_rank_description_and_action():
    from segmentation.outcomes.playbook import with_names

    book = with_names(PLAYBOOK, {0: "VIP Fans", 1: "Long gone"}, {0: "Champions", 1: "Lost"})
    champions = PLAYBOOK.set_index("segment").loc["Champions"]
    vip = book.set_index("segment").loc["VIP Fans"]
    assert (vip["rank"], vip["description"], vip["action"]) == (
        champions["rank"],
        champions["description"],
        champions["action"],
    )
    assert lookup(pd.Series(["Long gone"]), book).iloc[0].startswith("Try one reactivation")
    assert len(book) == len(PLAYBOOK) + 2  # the grid's own rows are unchanged
    # A user's own row for the name wins over the kind's.
    mine = pd.concat([PLAYBOOK, pd.DataFrame([["VIP Fans", 3, "Mine", "Call"]],
                                             columns=PLAYBOOK.columns)])  # fmt: skip
    assert lookup(pd.Series(["VIP Fans"]), with_names(mine, {0: "VIP Fans"}, {0: "Champions"})
                  ).iloc[0] == "Call"  # fmt: skip


def test_the_lost_description_says_longest_since_the_last_order():
    lost = PLAYBOOK.set_index("segment").loc["Lost", "description"]
    assert "lowest recency" not in lost.lower() and "longest" in lost.lower()
