"""Cached wrappers of the core's stages: the same functions the command line chains.

Each wrapper is keyed by the upload's content digest (inside ``SourceChoice``) and the settings
its stage depends on; the bytes travel as ``_data`` (not hashed: the digest already says what
they are). A wrapper asks the wrapper before it only on a miss, so a k change refits only the
final model and a transform change never re-reads the file. Wrappers add no logic: no
defaults, no Streamlit output, no session state. Errors rise as ``SegmentationError``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import segmentation as seg

from .state import SourceChoice

MAX_ENTRIES = 16


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def preview(digest: str, name: str, sheet: str | None, _data: bytes) -> seg.Preview:
    return seg.preview_transactions(_data, name, sheet)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def detected_roles(
    digest: str, name: str, sheet: str | None, _data: bytes
) -> dict[str, str | None]:
    p = preview(digest, name, sheet, _data)
    return seg.detect_roles(p.columns, p.sample).as_dict()


@st.cache_data(show_spinner=False, max_entries=4)
def loaded(source: SourceChoice, _data: bytes) -> seg.LoadedData:
    return seg.load_transactions(
        _data,
        source.name,
        sheet=source.sheet,
        roles=dict(source.roles),
        dayfirst=source.dayfirst,
        decimal=source.decimal,
        currency=source.currency,
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def cleaned(source: SourceChoice, cleaning: seg.CleaningOptions, _data: bytes) -> seg.Cleaned:
    return seg.clean_stage(loaded(source, _data).transactions, cleaning)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def rfm(
    source: SourceChoice, cleaning: seg.CleaningOptions, options: seg.RFMOptions, _data: bytes
) -> pd.DataFrame:
    return seg.rfm_stage(cleaned(source, cleaning, _data), options)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def transformed(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    _data: bytes,
) -> seg.Transformed:
    return seg.transform_stage(rfm(source, cleaning, options, _data), transforms)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def elbow(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    model: seg.ModelOptions,
    _data: bytes,
) -> seg.Elbow:
    return seg.elbow_stage(transformed(source, cleaning, options, transforms, _data), model)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def segments(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    model: seg.ModelOptions,
    k: int,
    _data: bytes,
) -> seg.Segments:
    return seg.fit_stage(
        transformed(source, cleaning, options, transforms, _data),
        rfm(source, cleaning, options, _data),
        k,
        model,
    )


@st.cache_data(show_spinner=False, max_entries=4 * MAX_ENTRIES)
def bootstrap_jaccard(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    model: seg.ModelOptions,
    k: int,
    start: int,
    stop: int,
    _data: bytes,
) -> np.ndarray:
    """One chunk of bootstrap refits (the page shows progress between chunks)."""
    labels = segments(source, cleaning, options, transforms, model, k, _data).labels
    return seg.bootstrap_jaccard(
        rfm(source, cleaning, options, _data), transforms, labels, k, model, start, stop
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def seed_agreement(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    model: seg.ModelOptions,
    k: int,
    _data: bytes,
) -> tuple[float, float]:
    scaled = transformed(source, cleaning, options, transforms, _data).scaled
    labels = segments(source, cleaning, options, transforms, model, k, _data).labels
    return seg.seed_agreement(scaled, labels, k, model)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def prediction_strength(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    model: seg.ModelOptions,
    _data: bytes,
) -> pd.DataFrame:
    scaled = transformed(source, cleaning, options, transforms, _data).scaled
    return seg.prediction_strength(scaled, model)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def transform_grid(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    _data: bytes,
) -> go.Figure:
    """Every transform of every metric, with the fitted parameters the transform stage found."""
    fitted = transformed(source, cleaning, options, transforms, _data).transformer
    return seg.transform_grid_figure(
        rfm(source, cleaning, options, _data),
        fitted.skewness_,
        fitted.methods_,
        fitted.candidates_,
    )


@st.cache_data(show_spinner=False, max_entries=4 * MAX_ENTRIES)
def distribution(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    metric: str,
    transform: str,
    param: float | None,
    _data: bytes,
) -> go.Figure:
    """One metric before and after its transform: a change to one metric redraws one chart."""
    values = rfm(source, cleaning, options, _data)[metric]
    after = seg.apply_transform(transform, values.to_numpy(dtype="float64"), param)
    return seg.distribution_figure(values, pd.Series(after, index=values.index), metric, transform)
