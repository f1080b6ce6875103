"""Read the user's choices from the widgets into the core's settings (the one conversion)."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import cache
from . import state as S

# Choice boxes hold strings ("auto" included): a None option would show as a placeholder.
FREQUENCY_LABELS = {
    "auto": "automatic",
    "invoices": "distinct orders",
    "lines": "order lines",
    "days": "purchase days",
}
DATE_ORDERS = {"auto": "automatic", "dayfirst": "day/month/year", "monthfirst": "month/day/year"}
DECIMAL_MARKS = {"auto": "automatic", ".": "point: 1,234.50", ",": "comma: 1.234,50"}


def _auto(key: str) -> str | None:
    value = st.session_state.get(key, "auto")
    return None if value in ("auto", None) else value


def source_choice() -> S.SourceChoice:
    sheet = st.session_state.get(S.SHEET)
    roles = tuple(
        (role, st.session_state[S.map_key(role)])
        for role in seg.ROLES
        if st.session_state.get(S.map_key(role)) not in (None, S.NO_COLUMN)
    )
    return S.SourceChoice(
        digest=st.session_state[S.DATA_DIGEST],
        name=st.session_state[S.DATA_NAME],
        sheet=None if sheet in (None, S.ALL_SHEETS) else sheet,
        roles=roles,
        dayfirst={None: None, "dayfirst": True, "monthfirst": False}[_auto(S.DAYFIRST)],
        decimal=_auto(S.DECIMAL),
        currency=st.session_state.get(S.CURRENCY) or None,
        statuses=tuple(
            sorted((c, v, m) for (c, v), m in st.session_state.get(S.STATUS_CHOICES, {}).items())
        ),
    )


def cleaning_choice() -> seg.CleaningOptions:
    defaults = seg.CleaningOptions()
    return seg.CleaningOptions(
        **{
            rule: bool(st.session_state.get(S.clean_key(rule), getattr(defaults, rule)))
            for rule in S.RULE_FIELDS
        },
        refunds=st.session_state.get(S.REFUNDS, defaults.refunds),
    )


def transform_choice() -> tuple[tuple[str, str], ...]:
    return seg.transform_choice(
        {m: st.session_state.get(key, "auto") for m, key in S.TRANSFORM.items()}
    )


def settings(sample_size: int | None, k: int | None = None) -> seg.Settings:
    """The core's settings for the widgets' values (the sample size and k come from the
    sidebar's sliders, whose ranges depend on the data)."""
    snapshot = st.session_state.get(S.SNAPSHOT) if st.session_state.get(S.SNAPSHOT_CUSTOM) else None
    return seg.Settings(
        cleaning=cleaning_choice(),
        snapshot=str(snapshot) if snapshot else None,
        frequency=_auto(S.FREQUENCY),
        sample_size=sample_size,
        sample_unit=st.session_state.get(S.SAMPLE_UNIT, "customers"),
        transforms=transform_choice(),
        k=k,
        seed=int(st.session_state.get(S.SEED, seg.Settings().seed)),
        method=st.session_state.get(S.METHOD, "both"),
        score_edges=st.session_state.get(S.SCORE_EDGES, {}).get(st.session_state[S.DATA_DIGEST]),
        rules=st.session_state.get(S.RULES),
        playbook=st.session_state.get(S.PLAYBOOK),
    )


METHOD_LABELS = {
    "both": "Both, side by side",
    "kmeans": "K-Means segments",
    "scores": "RFM scores (5-5-5 grid)",
}


def contact_choice(fields: seg.ContactFields) -> list[str]:
    """The contact columns chosen on the Data page (its defaults until it has been seen)."""
    chosen = st.session_state.get(S.CONTACTS)
    if chosen is None:
        return fields.default
    return [c for c in chosen if c in fields.kinds]


def currency_chooser(container, data: bytes) -> None:
    """A currency box when the file does not say its currency (or the user chose one)."""
    try:
        said = cache.reading_notes(source_choice(), data).currency
    except seg.SegmentationError:
        said = None
    if said is None or st.session_state.get(S.CURRENCY):
        container.selectbox(
            "Currency of the amounts",
            CURRENCIES,
            key=S.CURRENCY,
            format_func=lambda c: c or "not said: amounts without a sign",
            help="The file does not say which currency its amounts are in: choose it to see "
            "its sign on every page, the report and the downloads.",
        )


# The currency chooser's list: nothing said first, then the most used, then every ISO code.
COMMON = ("EUR", "USD", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "SEK", "BRL", "MXN")
CURRENCIES = ("", *COMMON, *sorted(seg.CURRENCY_CODES - set(COMMON)))
