"""The Segments page's parts for RFM scores: the method choice, the thresholds, the rule table
and the playbook, each editable; edits become settings (saved in the recipe)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

import segmentation as seg

from . import choices
from . import state as S

METRIC_ROWS = {
    "recency": "Recency (days since the last order)",
    "frequency": "Frequency (orders)",
    "monetary": "Monetary (spend)",
}
EDGE_COLUMNS = ["edge 1", "edge 2", "edge 3", "edge 4"]


def method_radio() -> None:
    st.session_state.setdefault(S.METHOD, "both")
    st.radio(
        "Method",
        list(seg.METHODS),
        key=S.METHOD,
        horizontal=True,
        format_func=choices.METHOD_LABELS.get,
        help="K-Means finds groups in your customers; RFM scores rate each customer 1-5 on "
        "recency, frequency and spend and name them by a fixed grid (5-5-5 is a champion).",
    )


def _reads_as(metric: str, edges: seg.ScoreEdges) -> str:
    e = [f"{v:,.2f}".rstrip("0").rstrip(".") for v in getattr(edges, metric)]
    if metric == "recency":
        return f"5 up to {e[0]} days, 4 up to {e[1]}, 3 up to {e[2]}, 2 up to {e[3]}, 1 beyond"
    if metric == "frequency" and edges.fixed_frequency:
        return f"1 below {e[0]}, 2 from {e[0]}, 3 from {e[1]}, 4 from {e[2]}, 5 from {e[3]}"
    return f"1 up to {e[0]}, 2 up to {e[1]}, 3 up to {e[2]}, 4 up to {e[3]}, 5 above"


def edges_frame(edges: seg.ScoreEdges) -> pd.DataFrame:
    return pd.DataFrame(
        [
            [label, *getattr(edges, metric), _reads_as(metric, edges)]
            for metric, label in METRIC_ROWS.items()
        ],
        columns=["metric", *EDGE_COLUMNS, "scores"],
    )


def edges_of(frame: pd.DataFrame, fixed_frequency: bool) -> seg.ScoreEdges:
    values = frame[EDGE_COLUMNS].apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any():
        raise seg.SettingsError("Every score threshold must be a number.")
    data = {m: values.iloc[i].tolist() for i, m in enumerate(METRIC_ROWS)}
    return seg.ScoreEdges.from_dict({**data, "fixed_frequency": fixed_frequency})


def _editor(key: str, current, frame_of: Callable, **options):
    """A data editor started from ``current``; the editor's edits apply to the table it
    started from, which is kept until the page is left or the table is reset."""
    base = f"{key}_base"
    if key not in st.session_state or base not in st.session_state:
        st.session_state[base] = current
    return st.data_editor(frame_of(st.session_state[base]), key=key, **options)


def _reset(key: str, state: str, digest: str | None = None) -> None:
    for k in (key, f"{key}_base"):
        st.session_state.pop(k, None)
    if digest is None:
        st.session_state.pop(state, None)
    else:
        st.session_state.get(state, {}).pop(digest, None)


def thresholds(scored: seg.Scored) -> None:
    """The score thresholds in use, editable; a change is kept for this data."""
    digest = st.session_state[S.DATA_DIGEST]
    edges = scored.edges
    st.caption(
        ("Quintiles of your customers" if scored.fitted else "Your thresholds")
        + ": each metric is cut at four edges into scores 1 to 5 (customers with equal values "
        "always share a score). Edit a number to change the edges; they are saved in the recipe, "
        "so next month's file is scored the same way."
    )
    if edges.fixed_frequency:
        st.info(
            "Most customers bought only once, so the frequency quintiles collapse: fixed "
            "thresholds score 1, 2, 3, 4-5 and 6+ orders as 1 to 5."
        )
    edited = _editor(
        S.EDGES_EDITOR,
        edges,
        edges_frame,
        hide_index=True,
        width="stretch",
        disabled=["metric", "scores"],
        column_config={c: st.column_config.NumberColumn(c, format="%.2f") for c in EDGE_COLUMNS},
    )
    try:
        wanted = edges_of(edited, edges.fixed_frequency)
    except seg.SettingsError as exc:
        st.error(f"{exc} The thresholds in use are unchanged.", icon=":material/error:")
        return
    if wanted != edges:
        st.session_state.setdefault(S.SCORE_EDGES, {})[digest] = wanted
        st.rerun()
    if not scored.fitted and st.button("Back to the quintiles of the data", key="edges_reset"):
        _reset(S.EDGES_EDITOR, S.SCORE_EDGES, digest)
        st.rerun()


def _rows_editor(key: str, state: str, current, default, frame_of, rows_of, what: str, **options):
    edited = _editor(key, current, frame_of, num_rows="dynamic", hide_index=True, **options)
    try:
        wanted = rows_of(edited)
    except seg.SettingsError as exc:
        st.error(f"{exc} The {what} in use is unchanged.", icon=":material/error:")
        return
    if wanted != current:
        st.session_state[state] = None if wanted == default else wanted
        st.rerun()
    if current != default and st.button(f"Back to the standard {what}", key=f"{key}_reset"):
        _reset(key, state)
        st.rerun()


DEFAULT_RULES = seg.rules_rows(seg.SEGMENT_RULES)
DEFAULT_PLAYBOOK = seg.playbook_rows(seg.PLAYBOOK)


def rules(settings: seg.Settings) -> None:
    st.caption(
        "Each customer gets the first segment (top to bottom) whose score ranges hold all three "
        "scores; customers no rule matches are 'Others'. Edit, add or delete rows."
    )
    _rows_editor(
        S.RULES_EDITOR,
        S.RULES,
        settings.rules or DEFAULT_RULES,
        DEFAULT_RULES,
        seg.rules_table,
        seg.rules_rows,
        "rule table",
        width="stretch",
    )


def playbook(settings: seg.Settings) -> None:
    st.caption(
        "The suggested action of each segment, written into every download. Rank 1 is the "
        "best customers. A segment you renamed needs a row here to get an action."
    )
    _rows_editor(
        S.PLAYBOOK_EDITOR,
        S.PLAYBOOK,
        settings.playbook or DEFAULT_PLAYBOOK,
        DEFAULT_PLAYBOOK,
        seg.playbook_table,
        seg.playbook_rows,
        "playbook",
        width="stretch",
        column_config={
            "segment": st.column_config.TextColumn("Segment"),
            "rank": st.column_config.NumberColumn("Rank", format="%d", min_value=1),
            "description": st.column_config.TextColumn("Who they are", width="large"),
            "action": st.column_config.TextColumn("Suggested action", width="large"),
        },
    )
