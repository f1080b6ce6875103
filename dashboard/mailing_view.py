"""The Download page's lists for mailing tools (Mailchimp, Klaviyo): one CSV per segment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import segmentation as seg

from .formats import METHOD_COLUMNS


def draw(customers: pd.DataFrame, kinds: dict, consent_column: str | None, stem: str) -> None:
    st.subheader("Lists for your mailing tool")
    methods = [(c, m) for c, m in METHOD_COLUMNS if c in customers]
    by = methods[0][0]
    if len(methods) > 1:
        by = st.radio(
            "Segments of",
            [c for c, _ in methods],
            format_func=dict(methods).get,
            horizontal=True,
            key="mailing_by",
        )
    mail, left_out = seg.mailing_lists(customers, kinds, by, consent_column)
    listed = sum(len(part) for part in mail.values())
    why = "; ".join(f"{n:,} with {reason}" for reason, n in left_out.items())
    st.caption(
        "One CSV per segment with the columns Mailchimp and Klaviyo import: "
        f"{', '.join(seg.MAILING_COLUMNS)}; the segment and its action are the tags. "
        f"{seg.count(listed, 'customer')} listed"
        + (f" (left out: {why})." if why else ".")
        + (
            ""
            if consent_column
            else " The file says nothing about consent: list only people who agreed to hear "
            "from you."
        )
    )
    st.download_button(
        "Mailing lists, one per segment (zip of CSV files)",
        lambda: seg.mailing_zip(mail),
        f"mailing_lists_{stem}.zip",
        "application/zip",
        key="dl_mailing",
        icon=":material/download:",
        on_click="ignore",
        disabled=not listed,
    )
