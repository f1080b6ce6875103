"""Segment names: automatic from the centroids; the user's names follow their segment through
refits (a new k, transform or sample), and equal names merge segments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

import segmentation as seg

from . import state as S

if TYPE_CHECKING:
    from .context import Context


def _saved(ctx: Context) -> dict[str, tuple[float, float, float]]:
    """The user's names for this data, each with its segment's mean R, F and M."""
    return st.session_state.setdefault(S.NAMES, {}).setdefault(ctx.source, {})


def _carried(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """The user's names of the segments this refit found again."""
    auto = seg.name_segments(segments.centroids)
    rfm = ctx.run.rfm()
    profile = seg.cluster_profile(rfm, segments.labels, auto)
    return seg.carry_names(_saved(ctx), profile, rfm)


def names_for(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """Automatic names, with the user's names where a segment is one they named."""
    resolved = st.session_state.get(S.RESOLVED_NAMES, {}).get(ctx.key)
    if resolved is not None:
        return resolved
    return {**seg.name_segments(segments.centroids), **_carried(ctx, segments)}


def _grid_names(ctx: Context) -> set[str]:
    """The names the RFM grid uses (a K-Means segment may not take one)."""
    if not ctx.settings.scores:
        return set()
    return set(seg.rules_table(ctx.settings.rules)["segment"])


def name_inputs(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """One text box per segment, filled with its name; what the user types is remembered with
    the segment's profile (as it is typed: a page opened at once interrupts this page's rerun),
    so the name follows the segment when it is found again."""
    auto = seg.name_segments(segments.centroids)
    saved = _saved(ctx)
    missing = any(S.name_key(c) not in st.session_state for c in auto)  # page was left
    if missing or st.session_state.get(S.NAMES_FOR) != ctx.key:
        st.session_state[S.NAMES_FOR] = ctx.key
        start = names_for(ctx, segments)
        for cluster in auto:
            st.session_state[S.name_key(cluster)] = start[cluster]
        not_kept = sorted(set(saved) - set(_carried(ctx, segments).values()))
        if not_kept:
            st.info(
                f"Your name{'s' if len(not_kept) > 1 else ''} "
                f"{', '.join(repr(n) for n in not_kept)} could not be kept: no segment of "
                f"this fit ({ctx.k} segments) is close enough to the one you named. They come "
                "back when that segment does.",
                icon=":material/info:",
            )
    kinds = seg.segment_kinds(segments.centroids)
    book = seg.playbook_table(ctx.settings.playbook).set_index("segment")
    cols = st.columns(min(len(auto), 5))
    for cluster in auto:
        kind = kinds[cluster]
        action = book["action"].get(kind, "")
        cols[cluster % len(cols)].text_input(
            f"Segment {cluster}",
            key=S.name_key(cluster),
            on_change=_remember,
            args=(ctx, segments),
            help=f"Playbook row: {kind}. {action} The name is used in the customer file's "
            "segment column, the report, the mailing lists and Movement; the action and rank "
            "stay those of the row.",
        )
    chosen = _remember(ctx, segments)
    for cluster, name in chosen.items():
        typed = st.session_state[S.name_key(cluster)].strip()
        if typed and typed != name:
            st.warning(
                f"'{typed}' is already the name of an RFM grid segment: segment {cluster} "
                f"keeps '{name}', so that each name means one group.",
                icon=":material/warning:",
            )
    for name, clusters in seg.merged_names(chosen).items():
        st.info(
            f"Segments {', '.join(map(str, clusters))} are all called '{name}': they are one "
            "segment in the profile and the downloads."
        )
    return chosen


def _remember(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """The names in the boxes (a blank, or an RFM grid segment's name, gives the automatic
    one), kept with their segments' mean R, F and M; a name no box holds any more is
    forgotten."""
    auto = seg.name_segments(segments.centroids)
    rfm = ctx.run.rfm()
    profile = seg.cluster_profile(rfm, segments.labels, auto).set_index("cluster")
    saved = _saved(ctx)
    taken = _grid_names(ctx)
    chosen = {}
    for cluster, default in auto.items():
        typed = str(st.session_state.get(S.name_key(cluster), "")).strip()
        chosen[cluster] = typed if typed and typed not in taken else default
    for cluster, name in chosen.items():
        if name != auto[cluster]:
            row = profile.loc[cluster]
            saved[name] = tuple(float(row[f"{m}_mean"]) for m in seg.METRICS)
    kept = set(chosen.values())
    for name in [n for n in saved if n not in kept]:
        del saved[name]  # a name the user took back
    st.session_state.setdefault(S.RESOLVED_NAMES, {})[ctx.key] = chosen
    return chosen
