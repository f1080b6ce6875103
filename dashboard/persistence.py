"""Widget values kept across pages and reruns."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import state as S

WIDGET_KEYS = [
    S.SHEET,
    S.DAYFIRST,
    S.DECIMAL,
    S.CURRENCY,
    S.REFUNDS,
    S.SNAPSHOT_CUSTOM,
    S.SNAPSHOT,
    S.K,
    S.SAMPLE_SIZE,
    S.SEED,
    S.SAMPLE_UNIT,
    S.FREQUENCY,
    S.LOG_AXES,
    S.METHOD,
    S.CONTACTS,
    S.CONSENTED_ONLY,
    S.COMPARE_WITH,
    S.MOVEMENT_DAYS,
    S.VALUE_MODEL,
    S.SQL_DIALECT,
    S.DISCOUNT_RATE,
    S.HOLDOUT_FRACTION,
    *S.TRANSFORM.values(),
    *S.CLEAN_KEYS,
    *(S.map_key(r) for r in seg.ROLES),
]


def keep_widget_values() -> None:
    """Streamlit forgets a widget's value when its page is left; re-assigning keeps it."""
    for key in WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def init_once(
    key: str, value: object, reset_for: object | None = None, marker: str | None = None
) -> None:
    """Set a widget's starting value once, or again when what it depends on changed."""
    if marker is not None and st.session_state.get(marker) != reset_for:
        st.session_state[marker] = reset_for
        st.session_state[key] = value
    st.session_state.setdefault(key, value)
