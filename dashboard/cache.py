"""Cached wrappers of the segmentation core, one per step of the data flow.

Every wrapper is keyed by the upload's content digest and the choices its step depends on;
the bytes travel as ``_data`` (not hashed: the digest already says what they are). A step
asks the step before it only on a miss, so a k change refits only the final model and a
transform change never re-reads the file. Wrappers have no Streamlit output and no session
state: errors rise as ``SegmentationError`` for the page to show.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

import pandas as pd
import streamlit as st

import segmentation as seg
from segmentation.charts import distribution_figure, transform_grid_figure
from segmentation.transforms import apply as apply_transform

from .state import MethodChoice, SourceChoice

MAX_ENTRIES = 16


class CleaningSummary(NamedTuple):
    report: seg.CleaningReport
    head: pd.DataFrame
    customers: int
    default_snapshot: datetime.date | None


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def preview(digest: str, name: str, sheet: str | None, _data: bytes) -> seg.Preview:
    return seg.preview_table(_data, name, sheet)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def detected_roles(
    digest: str, name: str, sheet: str | None, _data: bytes
) -> dict[str, str | None]:
    p = preview(digest, name, sheet, _data)
    return seg.detect_roles(p.columns, p.sample).as_dict()


@st.cache_data(show_spinner=False, max_entries=4)
def loaded(source: SourceChoice, _data: bytes) -> tuple[pd.DataFrame, seg.ReadingNotes]:
    """The transactions and the reading notes."""
    result = seg.load_transactions(
        _data,
        source.name,
        sheet=source.sheet,
        roles=dict(source.roles),
        dayfirst=source.dayfirst,
        decimal=source.decimal,
        currency=source.currency,
    )
    return result.transactions, result.notes


def transactions(source: SourceChoice, _data: bytes) -> pd.DataFrame:
    return loaded(source, _data)[0]


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def cleaning(
    source: SourceChoice, cleaning: tuple[bool | str, ...], _data: bytes
) -> CleaningSummary:
    """The cleaning report, the first cleaned rows, the customers kept, the default snapshot."""
    cleaned, report = seg.clean_transactions(
        transactions(source, _data), seg.CleaningOptions(*cleaning)
    )
    last = cleaned["invoice_date"].max()
    snapshot = (last.normalize() + pd.Timedelta(days=1)).date() if pd.notna(last) else None
    return CleaningSummary(
        report, cleaned.head(200), int(cleaned["customer_id"].nunique()), snapshot
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def rfm(source: SourceChoice, method: MethodChoice, _data: bytes) -> pd.DataFrame:
    cleaned, _ = seg.clean_transactions(transactions(source, _data), method.cleaning_options())
    snapshot = seg.snapshot_date(cleaned, method.snapshot)  # the whole data's, not the sample's
    sampled = seg.sample_transactions(cleaned, method.sample_size, method.sample_unit, method.seed)
    return seg.compute_rfm(sampled, snapshot, method.frequency)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def transformed(
    source: SourceChoice,
    method: MethodChoice,
    transforms: tuple[tuple[str, str], ...],
    _data: bytes,
):
    """(fitted transform as a dict, skewness table, standardized matrix, scaler mean/scale)."""
    table = rfm(source, method, _data)
    fitted = seg.RFMTransformer(dict(transforms)).fit(table)
    scaled, scaler = seg.standardize(fitted.transform(table))
    return (
        fitted.to_dict(),
        fitted.skewness_,
        scaled,
        (scaler.mean_.tolist(), scaler.scale_.tolist()),
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def transform_grid(
    source: SourceChoice, method: MethodChoice, picks: tuple[tuple[str, str], ...], _data: bytes
):
    """Every transform of every metric; keyed by the transforms in use, not the ones asked
    for, so choosing what auto already picked redraws nothing."""
    table = rfm(source, method, _data)
    return transform_grid_figure(table, seg.skewness_table(table), dict(picks))


@st.cache_data(show_spinner=False, max_entries=4 * MAX_ENTRIES)
def distribution(
    source: SourceChoice,
    method: MethodChoice,
    metric: str,
    transform: str,
    param: float | None,
    _data: bytes,
):
    """One metric before and after its transform: a change to one metric redraws one chart."""
    values = rfm(source, method, _data)[metric]
    after = apply_transform(transform, values.to_numpy(dtype="float64"), param)
    return distribution_figure(values, pd.Series(after, index=values.index), metric, transform)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def elbow(
    source: SourceChoice,
    method: MethodChoice,
    transforms: tuple[tuple[str, str], ...],
    _data: bytes,
) -> tuple[pd.DataFrame, int]:
    scaled = transformed(source, method, transforms, _data)[2]
    metrics = seg.elbow_metrics(scaled, range(1, 11), method.seed)
    return metrics, seg.suggest_k(metrics)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def segments(
    source: SourceChoice,
    method: MethodChoice,
    transforms: tuple[tuple[str, str], ...],
    k: int,
    _data: bytes,
) -> seg.Segments:
    table = rfm(source, method, _data)
    scaled = transformed(source, method, transforms, _data)[2]
    return seg.fit_segments(scaled, table["monetary"], k, method.seed)
