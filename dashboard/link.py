"""The view's settings in the page URL: a reload or a shared link restores them.

Only settings travel (k, transforms, seed, sample, method); never data. After a reload the
demo is in use until the file is uploaded again, and the settings apply to it too.
"""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import state as S

# URL parameter -> session key of the widget it sets
PARAMS = {
    "k": S.K,
    "recency": S.TRANSFORM["recency_days"],
    "frequency": S.TRANSFORM["frequency"],
    "monetary": S.TRANSFORM["monetary"],
    "seed": S.SEED,
    "sample": S.SAMPLE_SIZE,
    "unit": S.SAMPLE_UNIT,
    "method": S.METHOD,
}
TRANSFORM_CHOICES = ("auto", *seg.TRANSFORMS)
# Whole-number settings: their ranges (a link may come from anywhere).
RANGES = {"k": (2, 30), "seed": (0, 2**31 - 1), "sample": (100, 100_000_000)}


def _parse(param: str, text: str) -> object | None:
    """A URL value as the widget's value; ``None`` for anything a widget would refuse:
    unknown names, numbers not written in ASCII digits ("²" is a digit to Python, not a
    number), numbers out of range."""
    if param in ("recency", "frequency", "monetary"):
        return text if text in TRANSFORM_CHOICES else None
    if param == "unit":
        return text if text in seg.SAMPLE_UNITS else None
    if param == "method":
        return text if text in seg.METHODS else None
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        return None
    low, high = RANGES[param]
    return int(text) if low <= int(text) <= high else None


def restore() -> None:
    """Once per session: the URL's settings become the widgets' starting values; they stay
    as the settings to use for the next file too (``S.LINKED``)."""
    if S.LINKED in st.session_state:
        return
    linked, ignored = {}, []
    for param, key in PARAMS.items():
        text = st.query_params.get(param, "")
        value = _parse(param, text)
        if value is not None:
            linked[key] = value
            st.session_state[key] = value
        elif text:
            ignored.append(f"{param}={text[:20]}")
    st.session_state[S.LINKED] = linked
    if ignored:
        st.toast(f"Link settings ignored (not valid here): {', '.join(ignored)}.")


def linked(key: str) -> object | None:
    """In a session opened from a link, the view's current setting (it applies to the file
    uploaded after a reload, too); ``None`` otherwise."""
    return st.session_state.get(S.LINKED, {}).get(key)


def write(settings: seg.Settings) -> None:
    """The view's settings into the URL (only what changed, so the address is stable)."""
    wanted = {
        "k": str(settings.k),
        **{
            param: dict(settings.transforms)[m]
            for param, m in zip(("recency", "frequency", "monetary"), seg.METRICS, strict=True)
        },
        "seed": str(settings.seed),
        "unit": settings.sample_unit,
        "method": settings.method,
    }
    if settings.sample_size is not None:
        wanted["sample"] = str(settings.sample_size)
    elif "sample" in st.query_params:
        del st.query_params["sample"]
    for param, value in wanted.items():
        if st.query_params.get(param) != value:
            st.query_params[param] = value
    if st.session_state.get(S.LINKED):
        st.session_state[S.LINKED][S.K] = settings.k
