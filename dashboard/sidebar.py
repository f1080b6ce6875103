"""The sidebar's controls: sample size, number of segments, and the advanced settings."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import link
from . import state as S
from .persistence import init_once


def sample_size(cleaned: seg.Cleaned) -> int | None:
    """The sample-size slider (all by default); ``None`` when everything is used.

    The choice is kept when the data under it changes: "all" stays all; a sample larger than
    the new population becomes the whole population, and the sidebar says so."""
    unit = st.session_state.get(S.SAMPLE_UNIT, "customers")
    report = cleaned.report
    population = report.customers_kept if unit == "customers" else report.rows_kept
    if population <= 100:
        st.caption(f"All {population:,} {unit} are used.")
        return None
    step = 10 if population < 2_000 else 50 if population < 20_000 else 500
    before = st.session_state.get(S.SAMPLE_FOR)
    st.session_state[S.SAMPLE_FOR] = (unit, population)
    if S.SAMPLE_SIZE not in st.session_state or (before is not None and before[0] != unit):
        st.session_state[S.SAMPLE_SIZE] = population
    elif before is None:  # set by a link: kept within this data's range
        st.session_state[S.SAMPLE_SIZE] = max(100, min(st.session_state[S.SAMPLE_SIZE], population))
    elif st.session_state[S.SAMPLE_SIZE] == before[1]:
        st.session_state[S.SAMPLE_SIZE] = population  # "all" stays all
    elif st.session_state[S.SAMPLE_SIZE] > population:
        st.caption(f"The sample was larger than the {population:,} {unit} left: all are used.")
        st.session_state[S.SAMPLE_SIZE] = population
    st.slider(
        f"Sample size ({unit})",
        100,
        population,
        step=step,
        key=S.SAMPLE_SIZE,
        help="Default: all. Sampling customers keeps each history whole.",
    )
    chosen = st.session_state[S.SAMPLE_SIZE]
    return None if chosen >= population else chosen


def k_slider(elbow: seg.Elbow, data_in_use: object) -> int:
    """The number of segments: the elbow's suggestion for new data, then the user's choice,
    kept through other changes; when this data allows fewer segments, the sidebar says so."""
    if elbow.k_max < 2:
        raise seg.SettingsError("At least two customers are needed to form segments.")
    start = link.linked(S.K) or elbow.suggested_k  # a link's k applies to new data too
    init_once(S.K, min(start, elbow.k_max), data_in_use, S.K_FOR)
    if st.session_state[S.K] > elbow.k_max:
        st.caption(
            f"{st.session_state[S.K]} segments is more than these customers allow: "
            f"showing {elbow.k_max}."
        )
        st.session_state[S.K] = elbow.k_max
    if elbow.k_max > 2:
        st.slider(
            "Number of segments (k)",
            2,
            elbow.k_max,
            key=S.K,
            help=f"Suggested by the elbow: {elbow.suggested_k}.",
        )
    else:
        st.caption("Two segments: the most this data allows.")
    return int(st.session_state[S.K])


def advanced(cleaned: seg.Cleaned) -> int | None:
    """Sampling and the random seed; returns the sample size (``None``: every customer)."""
    with st.expander("Advanced"):
        st.session_state.setdefault(S.SEED, seg.Settings().seed)
        st.number_input("Random seed", 0, 2**31 - 1, step=1, key=S.SEED)
        st.session_state.setdefault(S.SAMPLE_UNIT, "customers")
        st.radio(
            "Sample unit",
            list(seg.SAMPLE_UNITS),
            key=S.SAMPLE_UNIT,
            horizontal=True,
            help="Rows is the tutorial's way; it cuts customers' histories.",
        )
        size = sample_size(cleaned)
        if size is not None:
            st.caption("The segments are fitted on the sample; downloads label every customer.")
        return size
