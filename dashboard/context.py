"""The user's choices and the file's run with them, as one value the pages read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import segmentation as seg

from . import cache, choices, link, names, sidebar
from . import state as S


@dataclass(frozen=True)
class Context:
    """The data, the user's choices and the file's :class:`segmentation.Run` with them (k
    included): the pages ask the run for every stage."""

    source: S.SourceChoice
    data: bytes
    run: seg.Run

    @property
    def settings(self) -> seg.Settings:
        return self.run.settings

    @property
    def elbow(self) -> seg.Elbow:
        return self.run.elbow()

    @property
    def k(self) -> int:
        return self.run.k

    @property
    def key(self) -> tuple:
        """The K-Means segmentation's signature (names and stability are kept per
        segmentation; the method, score thresholds, rules and playbook do not change it)."""
        s = self.settings
        return (self.source, replace(s, method="both", score_edges=None, rules=None, playbook=None))

    def named(self) -> seg.Run:
        """The run with the user's segment names (K-Means' own where they gave none)."""
        if not self.settings.kmeans:
            return self.run
        return self.run.named(names.names_for(self, self.run.segments()))

    @property
    def sampled(self) -> bool:
        return self.settings.sample_size is not None

    def notes(self) -> seg.ReadingNotes:
        return cache.reading_notes(self.source, self.data)

    def contact_fields(self) -> seg.ContactFields:
        return cache.contact_fields(self.source, self.data)

    def contacts(self) -> pd.DataFrame | None:
        """The contact fields chosen on the Data page, per customer."""
        fields = self.contact_fields()
        chosen = choices.contact_choice(fields)
        return fields.values[chosen] if chosen else None

    def value(self) -> seg.Value:
        """The value models with the Value page's choices, fitted on every customer."""
        rate = float(st.session_state.get(S.DISCOUNT_RATE, 0.0))
        return self.run.value(365, rate, st.session_state.get(S.VALUE_MODEL, "auto"))

    def reading(self) -> dict:
        """How the file was read, for the recipe (the SQL engines repeat it)."""
        source = self.source
        return {
            "roles": cache.column_roles(source, self.data),
            "notes": [list(item) for item in self.notes().items],
            "contacts": choices.contact_choice(self.contact_fields()),
            **{
                k: v
                for k, v in {
                    "sheet": source.sheet,
                    "dayfirst": source.dayfirst,
                    "decimal": source.decimal,
                    "currency": source.currency,
                    "statuses": [list(d) for d in source.statuses] or None,
                }.items()
                if v is not None
            },
        }

    def recipe(self, run: seg.Run) -> dict:
        return run.recipe(reading=self.reading())

    def _figure(self, key: tuple, draw: Callable[[], go.Figure]) -> go.Figure:
        """A chart of this run's data, kept with its stages (drawn again only when the
        settings it shows change)."""
        s = self.settings
        return self.run.memo.get(("figure", s.cleaning, s.rfm_options, *key), draw)

    def distribution(self, metric: str) -> go.Figure:
        """One metric before and after its transform (a change to one metric redraws one)."""
        fitted = self.run.transformed().transformer
        method, param = fitted.methods_[metric], fitted.params_[metric]

        def draw() -> go.Figure:
            values = self.run.rfm()[metric]
            after = seg.apply_transform(method, values.to_numpy(dtype="float64"), param)
            return seg.distribution_figure(
                values, pd.Series(after, index=values.index), metric, method
            )

        return self._figure(("distribution", metric, method, param), draw)

    def transform_grid(self) -> go.Figure:
        """Every transform of every metric, with the parameters the transform stage found."""
        fitted = self.run.transformed().transformer
        return self._figure(
            ("transform_grid", tuple(fitted.methods_.items())),
            lambda: seg.transform_grid_figure(
                self.run.rfm(), fitted.skewness_, fitted.methods_, fitted.candidates_
            ),
        )


def run() -> Context:
    """Draw the sidebar controls and run the pipeline up to the elbow (cached).

    Raises ``SegmentationError`` for the page to show; nothing the user chose is lost.
    """
    data = st.session_state[S.DATA_BYTES]
    source = choices.source_choice()
    cleaning = choices.cleaning_choice()
    first = st.session_state.get(S.READY_FOR) != (source, cleaning)
    status = st.status("Preparing your segments…", expanded=True) if first else None
    try:
        ctx = _pipeline(data, source, cleaning, status)
    except seg.SegmentationError:
        if status:
            status.update(label="Stopped: see the message below", state="error", expanded=False)
        raise
    if status:
        status.update(label="Ready", state="complete", expanded=False)
        st.session_state[S.READY_FOR] = (source, cleaning)
    link.write(ctx.settings)
    return ctx


def _pipeline(data: bytes, source: S.SourceChoice, cleaning: seg.CleaningOptions, status):
    if status and st.session_state.get(S.READ_FOR) != source:
        status.write("Reading the file…")
        cache.loaded(source, _data=data)
        st.session_state[S.READ_FOR] = source
    if status:
        status.write("Cleaning…")
    run = cache.run(source, seg.Settings(cleaning=cleaning), data)
    cleaned = run.cleaned()
    with st.sidebar:
        k_box = st.container()  # drawn after the advanced settings it depends on
        draft = choices.settings(sidebar.advanced(cleaned))
        run = run.with_settings(draft)
        if status:
            status.write("Computing recency, frequency and monetary value…")
            run.rfm()
            status.write("Choosing k (elbow over k = 1..10)…")
        with k_box:
            k = sidebar.k_slider(run.elbow(), source.digest)
    return Context(source, data, run.with_settings(replace(draft, k=k)))
