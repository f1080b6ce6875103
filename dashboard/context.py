"""The user's choices and the pipeline's cached stages, as one value the pages read."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

import segmentation as seg

from . import cache, choices, link, sidebar
from . import state as S


@dataclass(frozen=True)
class Context:
    """The data, the settings (k included) and the elbow; each stage on demand, cached."""

    source: S.SourceChoice
    settings: seg.Settings
    data: bytes
    elbow: seg.Elbow

    @property
    def k(self) -> int:
        return int(self.settings.k or self.elbow.suggested_k)

    @property
    def key(self) -> tuple:
        """The K-Means segmentation's signature (names and stability are kept per
        segmentation; the method, score thresholds, rules and playbook do not change it)."""
        s = self.settings
        return (self.source, replace(s, method="both", score_edges=None, rules=None, playbook=None))

    def _upstream(self) -> tuple:
        s = self.settings
        return (self.source, s.cleaning, s.rfm_options, s.transforms)

    def notes(self) -> seg.ReadingNotes:
        return cache.reading_notes(self.source, self.data)

    def cleaned(self) -> seg.Cleaned:
        return cache.cleaned(self.source, self.settings.cleaning, _data=self.data)

    def rfm(self) -> pd.DataFrame:
        return cache.rfm(self.source, self.settings.cleaning, self.settings.rfm_options, self.data)

    def transformed(self) -> seg.Transformed:
        return cache.transformed(*self._upstream(), self.data)

    def segments(self) -> seg.Segments:
        return cache.segments(*self._upstream(), self.settings.model_options, self.k, self.data)

    @property
    def sampled(self) -> bool:
        return self.settings.sample_size is not None

    def customers(self, profiled: seg.Profiled) -> pd.DataFrame:
        """Every customer with a segment: the fit's own labels, or, when the model saw a
        sample, every customer labelled by that model."""
        if not self.sampled:
            return profiled.customers
        return cache.labelled(
            *self._upstream(),
            self.settings.model_options,
            self.k,
            tuple(sorted(profiled.names.items())),
            self.data,
        )

    def scored(self) -> seg.Scored:
        s = self.settings
        return cache.scored(self.source, s.cleaning, s.rfm_options, s.score_options, self.data)

    def activity(self) -> pd.DataFrame:
        return cache.activity(self.source, self.settings.cleaning, self.data)

    def kpis(self, customers: pd.DataFrame, by: str) -> pd.DataFrame:
        return seg.segment_kpis(customers, self.activity(), by)

    def contact_fields(self) -> seg.ContactFields:
        return cache.contact_fields(self.source, self.data)

    def contacts(self) -> pd.DataFrame | None:
        """The contact fields chosen on the Data page, per customer."""
        fields = self.contact_fields()
        chosen = choices.contact_choice(fields)
        return fields.values[chosen] if chosen else None

    def value(self) -> seg.Value:
        """The value models (the Value page's choices), fitted on every customer."""
        return cache.value(
            self.source,
            self.settings.cleaning,
            float(st.session_state.get(S.DISCOUNT_RATE, 0.0)),
            st.session_state.get(S.VALUE_MODEL, "auto"),
            self.data,
        )

    def result(self, profiled: seg.Profiled) -> seg.SegmentationResult:
        """The stages of the chosen method as one result (what the command line gets)."""
        s = self.settings
        everyone = cache.rfm(self.source, s.cleaning, s.rfm_options.everyone, self.data)
        return seg.SegmentationResult(
            settings=s,
            cleaned=self.cleaned(),
            rfm=self.rfm(),
            transformed=self.transformed() if s.kmeans else None,
            elbow=self.elbow if s.kmeans else None,
            k=self.k if s.kmeans else None,
            segments=self.segments() if s.kmeans else None,
            profiled=profiled if s.kmeans else None,
            labelled=self.customers(profiled) if s.kmeans else seg.metrics_table(everyone),
            scored=self.scored() if s.scores else None,
        )

    def transform_grid(self):
        return cache.transform_grid(*self._upstream(), self.data)

    def distribution(self, metric: str):
        fitted = self.transformed().transformer
        s = self.settings
        return cache.distribution(
            self.source,
            s.cleaning,
            s.rfm_options,
            metric,
            fitted.methods_[metric],
            fitted.params_[metric],
            self.data,
        )

    def prediction_strength(self) -> pd.DataFrame:
        return cache.prediction_strength(*self._upstream(), self.settings.model_options, self.data)

    def stability(self, progress) -> seg.Stability:
        """Bootstrap refits in chunks (each cached), calling ``progress(share)`` between."""
        s, chunk = self.settings, 5
        parts = []
        for start in range(0, s.resamples, chunk):
            stop = min(start + chunk, s.resamples)
            parts.append(
                cache.bootstrap_jaccard(
                    *self._upstream(), s.model_options, self.k, start, stop, self.data
                )
            )
            progress(stop / s.resamples)
        agreement = cache.seed_agreement(*self._upstream(), s.model_options, self.k, self.data)
        return seg.summarize_stability(np.vstack(parts), agreement, s.resamples)

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

    def recipe(self, names: dict[int, str]) -> dict:
        s = self.settings
        return seg.recipe_from_parts(
            s,
            self.rfm().attrs,
            self.transformed() if s.kmeans else None,
            self.segments().centroids if s.kmeans else None,
            names if s.kmeans else None,
            self.scored() if s.scores else None,
            reading=self.reading(),
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
    cleaned = cache.cleaned(source, cleaning, _data=data)
    with st.sidebar:
        k_box = st.container()  # drawn after the advanced settings it depends on
        draft = choices.settings(sidebar.advanced(cleaned))
        if status:
            status.write("Computing recency, frequency and monetary value…")
            cache.rfm(source, cleaning, draft.rfm_options, data)
            status.write("Choosing k (elbow over k = 1..10)…")
        elbow = cache.elbow(
            source, cleaning, draft.rfm_options, draft.transforms, draft.model_options, data
        )
        with k_box:
            k = sidebar.k_slider(elbow, source.digest)
    return Context(source, replace(draft, k=k), data, elbow)
