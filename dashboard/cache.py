"""The dashboard's caches: the file as read (and its preview, roles, notes and contact
fields), and the memo of each file's :class:`segmentation.Run`, whose stages every page, rerun
and session with the same file and settings shares. Nothing here chains stages: a page asks the
run (``context.Context.run``) for what it shows. Keys are the upload's content digest (inside
``SourceChoice``) and the settings each stage depends on; the bytes travel as ``_data`` (not
hashed: the digest already says what they are). Errors rise as ``SegmentationError``.

The file's transactions and every stage live in one cache shared by every session and bounded
by size, not by entry count: a value is kept once (``st.cache_data`` would store a pickled copy
and unpickle another on every hit), and the least recently used goes first when the bound is
reached (its session computes it again on the next miss). At most two large computations run
at a time (this machine has two cores; more at once would only add their working memory up),
and memory freed by a computation is handed back to the system.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import threading
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st
from cachetools import LRUCache

import segmentation as seg

from .state import SourceChoice

MAX_ENTRIES = 16
# The shared cache's bound, in MB (about ten Online-Retail-sized files).
LARGE_CACHE_MB = int(os.environ.get("SEGMENTS_CACHE_MB", "1000"))
HEAVY_AT_ONCE = 2
# The stages that hold the file's rows: memory is handed back to the system after them.
ROW_STAGES = ("loaded", "cleaned")

T = TypeVar("T")


def _bytes(value: object) -> int:
    """About how much memory a kept value holds: its tables (a stage's result holds tables)."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(deep=True))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_bytes(getattr(value, f.name)) for f in dataclasses.fields(value)) or 1
    if isinstance(value, tuple):
        return sum(_bytes(v) for v in value) or 1
    return 1_000


_large: LRUCache = LRUCache(maxsize=LARGE_CACHE_MB * 1_000_000, getsizeof=_bytes)
_MISSING = object()
_lock = threading.Lock()
_local = threading.local()
_heavy = threading.BoundedSemaphore(HEAVY_AT_ONCE)


def _release_memory() -> None:
    """Hand freed memory back to the system (Arrow's pool and glibc keep it otherwise)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class SharedStages:
    """The memo of one file's :class:`segmentation.Run` (the file's ``SourceChoice``): each
    stage is kept once in the shared, size-bounded cache, so every rerun, page and session
    with the same file and settings finds it there, and at most ``HEAVY_AT_ONCE`` stages are
    computed at a time (the outermost stage of a computation holds the slot; the stages it
    asks for compute inside it)."""

    def __init__(self, source: SourceChoice) -> None:
        self.source = source

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        full = (self.source, *key)
        with _lock:
            found = _large.get(full, _MISSING)
        if found is not _MISSING:
            return found
        outer = not getattr(_local, "depth", 0)
        if outer:
            _heavy.acquire()
        _local.depth = getattr(_local, "depth", 0) + 1
        try:
            with _lock:  # another session may have computed it while this one waited
                found = _large.get(full, _MISSING)
            if found is _MISSING:
                found = compute()
                if key[0] in ROW_STAGES:  # their intermediates were the size of the file
                    _release_memory()
                with _lock:
                    try:
                        _large[full] = found
                    except ValueError:  # larger than the whole bound: used, not kept
                        pass
        finally:
            _local.depth -= 1
            if outer:
                _heavy.release()
        return found


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


def loaded(source: SourceChoice, _data: bytes) -> seg.LoadedData:
    """The file as read with the user's reading choices (kept with its run's stages)."""
    return SharedStages(source).get(
        ("loaded",),
        lambda: seg.load_transactions(
            _data,
            source.name,
            sheet=source.sheet,
            roles=dict(source.roles),
            dayfirst=source.dayfirst,
            decimal=source.decimal,
            currency=source.currency,
            statuses=source.statuses,
        ),
    )


def reading_notes(source: SourceChoice, _data: bytes) -> seg.ReadingNotes:
    return loaded(source, _data=_data).notes


def column_roles(source: SourceChoice, _data: bytes) -> dict[str, str]:
    """The column each role was read from (the recipe records it)."""
    return loaded(source, _data=_data).roles.used()


def contact_fields(source: SourceChoice, _data: bytes) -> seg.ContactFields:
    return loaded(source, _data=_data).contacts


def run(source: SourceChoice, settings: seg.Settings, data: bytes) -> seg.Run:
    """The file's run with these settings: its stages are shared with every other run of the
    same file (a k change refits only the final model)."""
    tx = loaded(source, _data=data).transactions
    return seg.Run(tx, settings, memo=SharedStages(source))


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def labelled_by_recipe(
    source: SourceChoice, recipe: str, contacts: tuple[str, ...], _data: bytes
) -> tuple[pd.DataFrame, seg.CleaningReport]:
    """The file's customers labelled by a saved recipe (JSON), with the chosen contacts."""
    found = loaded(source, _data=_data)
    chosen = found.contacts.values[list(contacts)] if contacts else None
    return seg.apply_recipe(found.transactions, seg.Recipe.from_json(recipe), chosen)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def previous_file(digest: str, name: str, _data: bytes) -> pd.DataFrame:
    return seg.read_previous(_data, name)
