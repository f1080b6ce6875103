"""The page registry, each page's setup (config, kept widgets, data, navigation), and how a
page shows a user's mistake."""

from __future__ import annotations

import streamlit as st

from . import state as S
from .link import restore
from .persistence import keep_widget_values
from .uploads import ensure_data

PAGES = [
    ("app.py", "Data", ":material/upload_file:"),
    ("pages/1_Explore.py", "Explore", ":material/insights:"),
    ("pages/2_Segments.py", "Segments", ":material/donut_small:"),
    ("pages/3_Movement.py", "Movement", ":material/swap_vert:"),
    ("pages/4_Value.py", "Value", ":material/savings:"),
    ("pages/5_Download.py", "Download", ":material/download:"),
]
# Where each fixing choice is made in the dashboard (errors name the choice, not a control).
PAGE_HINTS = {
    "decimal": "choose the **Decimal mark** on the Data page",
    "currency": "choose the **Currency** on the Data page",
    "dayfirst": "tick **Text dates are day/month/year** on the Data page",
    "map": "choose the column for each role under **Columns** on the Data page",
    "status": "say what each value means under **Order states** on the Data page",
}


def setup_page(title: str) -> None:
    """Page config, widget state kept across pages, demo data by default, navigation."""
    st.set_page_config(
        page_title=f"{title} · Customer segments", page_icon=":material/donut_small:", layout="wide"
    )
    keep_widget_values()
    restore()
    ensure_data()
    with st.sidebar:
        st.markdown("### Customer segments")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        name = st.session_state[S.DATA_NAME]
        st.caption(
            f"Data: **{name}**" + (" (built-in demo)" if st.session_state[S.DATA_IS_DEMO] else "")
        )
    if st.session_state[S.DATA_IS_DEMO] and title != "Data":
        st.info(DEMO_AGAIN, icon=":material/info:")


# Uploaded files live in the browser tab's session only: a reload starts from the demo again.
DEMO_AGAIN = (
    "These pages show the built-in demo shop. After a reload the data is the demo again: "
    "upload your file on the Data page (your settings in the address bar are kept)."
)


def show_error(exc: Exception) -> None:
    hint = PAGE_HINTS.get(getattr(exc, "setting", None) or "")
    st.error(f"{exc}" + (f" To fix it, {hint}." if hint else ""), icon=":material/error:")
