"""The Data page's choice of contact fields that travel to the customer file."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import cache
from . import state as S
from .persistence import init_once

KIND_LABELS = {
    "email": "e-mail",
    "consent": "marketing consent",
    "postcode": "postcode",
}


def draw(source: S.SourceChoice, data: bytes) -> None:
    """A multiselect of the file's columns beyond the roles; e-mail, name, country and
    marketing consent chosen by default. Nothing is drawn for a file that cannot be read."""
    try:
        fields = cache.contact_fields(source, data)
    except seg.SegmentationError:
        return  # the message is shown above
    st.subheader("Contact fields")
    if not fields.kinds:
        st.caption("The file has no columns beyond those used for segmenting.")
        return
    options = list(fields.kinds)
    init_once(S.CONTACTS, fields.default, (source.digest, source.sheet), S.CONTACTS_FOR)
    st.session_state[S.CONTACTS] = [c for c in st.session_state[S.CONTACTS] if c in options]
    st.multiselect(
        "Columns to copy into the customer file",
        options,
        key=S.CONTACTS,
        format_func=lambda c: (
            f"{c} ({KIND_LABELS.get(fields.kinds[c], fields.kinds[c])})" if fields.kinds[c] else c
        ),
        help="Each customer gets the most recent non-empty value. Default: e-mail, name, "
        "country and marketing consent where the file has them.",
    )
    consent = fields.consent_column(st.session_state[S.CONTACTS])
    if consent:
        st.caption(
            f"'{consent}' says who accepts marketing: the per-segment lists on the Download "
            "page can be limited to them."
        )
