"""Segment names: automatic from the centroids, editable per segmentation."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import state as S
from .context import Context


def names_for(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """Automatic names with the user's edits for this exact segmentation."""
    edits = st.session_state.get(S.NAMES, {}).get(ctx.key, {})
    try:
        return seg.name_segments(segments.centroids, edits)
    except seg.SegmentationError as exc:
        st.warning(f"{exc} Showing the automatic names.")
        return seg.name_segments(segments.centroids)


def name_inputs(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """One text box per segment, filled with its automatic name; edits are kept per
    segmentation."""
    auto = seg.name_segments(segments.centroids)
    store = st.session_state.setdefault(S.NAMES, {})
    edits = store.setdefault(ctx.key, {})
    missing = any(S.name_key(c) not in st.session_state for c in auto)  # page was left
    if missing or st.session_state.get(S.NAMES_FOR) != ctx.key:
        st.session_state[S.NAMES_FOR] = ctx.key
        for cluster, name in auto.items():
            st.session_state[S.name_key(cluster)] = edits.get(cluster, name)
    cols = st.columns(min(len(auto), 5))
    for cluster in auto:
        cols[cluster % len(cols)].text_input(f"Segment {cluster}", key=S.name_key(cluster))
    store[ctx.key] = {
        c: st.session_state[S.name_key(c)].strip()
        for c in auto
        if st.session_state[S.name_key(c)].strip() not in ("", auto[c])
    }
    return names_for(ctx, segments)
