"""Cached wrappers of the core's stages: the same functions the command line chains.

Each wrapper is keyed by the upload's content digest (inside ``SourceChoice``) and the settings
its stage depends on; the bytes travel as ``_data`` (not hashed: the digest already says what
they are). A wrapper asks the wrapper before it only on a miss, so a k change refits only the
final model and a transform change never re-reads the file. Wrappers add no logic: no
defaults, no Streamlit output, no session state. Errors rise as ``SegmentationError``.

The two large stages (the file's transactions and the cleaned rows, about 70 and 20 MB for
Online Retail) live in one cache shared by every session and bounded by size, not by entry
count: a value is kept once (``st.cache_data`` would store a pickled copy and unpickle another
on every hit), sessions with the same file share it, and the least recently used file goes
first when the bound is reached (its session reads its bytes again on the next miss). At most
two of them are computed at a time (this machine has two cores; more at once would only add
their working memory up), and memory freed by a computation is handed back to the system.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from cachetools import LRUCache

import segmentation as seg

from .state import SourceChoice

MAX_ENTRIES = 16
# The shared cache's bound, in MB (about ten Online-Retail-sized files).
LARGE_CACHE_MB = int(os.environ.get("SEGMENTS_CACHE_MB", "1000"))
HEAVY_AT_ONCE = 2

T = TypeVar("T")


def _frame_bytes(value: object) -> int:
    frame = getattr(value, "transactions", None)
    return int(frame.memory_usage(deep=True).sum()) if frame is not None else 1


_large: LRUCache = LRUCache(maxsize=LARGE_CACHE_MB * 1_000_000, getsizeof=_frame_bytes)
_lock = threading.Lock()
_heavy = threading.BoundedSemaphore(HEAVY_AT_ONCE)


def _release_memory() -> None:
    """Hand freed memory back to the system (Arrow's pool and glibc keep it otherwise)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def shared(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache a large stage in the shared, size-bounded cache (see the module docstring)."""

    @wraps(fn)
    def wrapper(*args, _data: bytes) -> T:
        key = (fn.__name__, *args)
        with _lock:
            found = _large.get(key)
        if found is not None:
            return found
        with _heavy:
            with _lock:  # another session may have computed it while this one waited
                found = _large.get(key)
            if found is not None:
                return found
            try:
                value = fn(*args, _data=_data)
            finally:
                _release_memory()
        with _lock:
            try:
                _large[key] = value
            except ValueError:  # larger than the whole bound: used, not kept
                pass
        return value

    return wrapper


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def preview(digest: str, name: str, sheet: str | None, _data: bytes) -> seg.Preview:
    with _heavy:  # decodes the whole file: counted among the large computations
        return seg.preview_transactions(_data, name, sheet)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def detected_roles(
    digest: str, name: str, sheet: str | None, _data: bytes
) -> dict[str, str | None]:
    p = preview(digest, name, sheet, _data)
    return seg.detect_roles(p.columns, p.sample).as_dict()


@shared
def loaded(source: SourceChoice, _data: bytes) -> seg.LoadedData:
    return seg.load_transactions(
        _data,
        source.name,
        sheet=source.sheet,
        roles=dict(source.roles),
        dayfirst=source.dayfirst,
        decimal=source.decimal,
        currency=source.currency,
        statuses=source.statuses,
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def reading_notes(source: SourceChoice, _data: bytes) -> seg.ReadingNotes:
    return loaded(source, _data=_data).notes


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def column_roles(source: SourceChoice, _data: bytes) -> dict[str, str]:
    """The column each role was read from (the recipe records it)."""
    return loaded(source, _data=_data).roles.used()


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def contact_fields(source: SourceChoice, _data: bytes) -> seg.ContactFields:
    return loaded(source, _data=_data).contacts


@shared
def cleaned(source: SourceChoice, cleaning: seg.CleaningOptions, _data: bytes) -> seg.Cleaned:
    return seg.clean_stage(loaded(source, _data=_data).transactions, cleaning)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def rfm(
    source: SourceChoice, cleaning: seg.CleaningOptions, options: seg.RFMOptions, _data: bytes
) -> pd.DataFrame:
    return seg.rfm_stage(cleaned(source, cleaning, _data=_data), options)


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


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def labelled(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    transforms: tuple[tuple[str, str], ...],
    model: seg.ModelOptions,
    k: int,
    names: tuple[tuple[int, str], ...],
    _data: bytes,
) -> pd.DataFrame:
    """Every customer labelled by the model fitted on the sample."""
    return seg.label_stage(
        cleaned(source, cleaning, _data=_data),
        options,
        transformed(source, cleaning, options, transforms, _data),
        segments(source, cleaning, options, transforms, model, k, _data),
        dict(names),
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def scored(
    source: SourceChoice,
    cleaning: seg.CleaningOptions,
    options: seg.RFMOptions,
    scoring: seg.ScoreOptions,
    _data: bytes,
) -> seg.Scored:
    """RFM scores of every customer, thresholds fitted on the customers the model sees."""
    return seg.score_stage(
        rfm(source, cleaning, options, _data),
        rfm(source, cleaning, options.everyone, _data),
        scoring,
    )


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def activity(source: SourceChoice, cleaning: seg.CleaningOptions, _data: bytes) -> pd.DataFrame:
    return seg.customer_activity(cleaned(source, cleaning, _data=_data).transactions)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def earlier_labels(source: SourceChoice, recipe: str, s0: str, _data: bytes) -> pd.DataFrame:
    """The customers at the earlier date, labelled by the recipe (JSON) of the fit."""
    transactions = loaded(source, _data=_data).transactions
    return seg.earlier_labels(transactions, seg.Recipe.from_json(recipe), s0)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def labelled_by_recipe(
    source: SourceChoice, recipe: str, contacts: tuple[str, ...], _data: bytes
) -> tuple[pd.DataFrame, seg.CleaningReport]:
    """The file's customers labelled by a saved recipe (JSON), with the chosen contacts."""
    found = loaded(source, _data=_data)
    chosen = found.contacts.values[list(contacts)] if contacts else None
    return seg.apply_recipe(found.transactions, seg.Recipe.from_json(recipe), chosen)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def period_revenue(
    source: SourceChoice, cleaning: seg.CleaningOptions, start: str, _data: bytes
) -> pd.Series:
    return seg.period_revenue(cleaned(source, cleaning, _data=_data).transactions, start)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def previous_file(digest: str, name: str, _data: bytes) -> pd.DataFrame:
    return seg.read_previous(_data, name)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def value(
    source: SourceChoice, cleaning: seg.CleaningOptions, rate: float, model: str, _data: bytes
) -> seg.Value:
    """The value models fitted on every customer (365 days ahead)."""
    found = cleaned(source, cleaning, _data=_data)
    return seg.value_stage(found.transactions, found.snapshot, 365, rate, model)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def backtest(source: SourceChoice, cleaning: seg.CleaningOptions, _data: bytes) -> seg.Backtest:
    """The forecasts of the data before its last year (or half) against what happened."""
    return seg.backtest(cleaned(source, cleaning, _data=_data).transactions, 365)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def holdout(
    source: SourceChoice, cleaning: seg.CleaningOptions, fraction: float, model: str, _data: bytes
) -> seg.Holdout:
    return seg.holdout_check(cleaned(source, cleaning, _data=_data).transactions, fraction, model)
