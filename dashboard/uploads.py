"""The data in use: the built-in demo, or an upload once it can be read."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import cache
from . import state as S

DEMO_NAME = "demo_online_retail.csv"


def ensure_data() -> None:
    """The demo data until something is uploaded; then a readable upload replaces it."""
    if S.DATA_BYTES not in st.session_state:
        use_data(seg.demo_csv_bytes(), DEMO_NAME, is_demo=True)
    accept_upload()


def accept_upload() -> None:
    """Make a new upload the data in use, if it can be read; a bad file replaces nothing.

    The uploader's value is in session state before the home page draws it, so this runs
    before the sidebar says which data is in use.
    """
    upload = st.session_state.get(S.UPLOAD)
    if upload is None or st.session_state.get(S.SEEN_UPLOAD) == upload.file_id:
        return
    st.session_state[S.SEEN_UPLOAD] = upload.file_id
    data = upload.getvalue()
    digest = S.digest(data)
    try:
        cache.preview(digest, upload.name, None, data)
        roles = cache.detected_roles(digest, upload.name, None, data)
    except seg.SegmentationError as exc:
        st.session_state[S.UPLOAD_ERROR] = f"Could not use '{upload.name}': {exc}"
        return
    st.session_state.pop(S.UPLOAD_ERROR, None)
    if seg.missing_roles(seg.ColumnRoles(**roles)):
        # Readable but not usable yet: it waits on the Data page for its columns.
        st.session_state[S.PENDING] = (data, upload.name)
        for role, column in roles.items():
            st.session_state[S.pending_map_key(role)] = column or S.NO_COLUMN
        return
    st.session_state.pop(S.PENDING, None)
    use_data(data, upload.name)


def pending_roles() -> dict[str, str]:
    """The columns chosen for the pending file."""
    return {
        role: st.session_state[S.pending_map_key(role)]
        for role in seg.ROLES
        if st.session_state.get(S.pending_map_key(role)) not in (None, S.NO_COLUMN)
    }


def use_pending() -> None:
    """The pending file, with the columns chosen for it, becomes the data in use."""
    data, name = st.session_state.pop(S.PENDING)
    roles = pending_roles()
    use_data(data, name)
    for role, column in roles.items():
        st.session_state[S.map_key(role)] = column
    st.session_state[S.MAPPING_FOR] = (S.digest(data), None)


def use_data(data: bytes, name: str, is_demo: bool = False) -> None:
    """Make a file the active data; reset the choices that belonged to the previous file."""
    st.session_state[S.DATA_BYTES] = data
    st.session_state[S.DATA_NAME] = name
    st.session_state[S.DATA_DIGEST] = S.digest(data)
    st.session_state[S.DATA_IS_DEMO] = is_demo
    for key in [
        S.SHEET,
        S.SNAPSHOT_CUSTOM,
        S.SNAPSHOT,
        S.DECIMAL,
        S.CURRENCY,
        S.STATUS_CHOICES,
        *(S.map_key(r) for r in seg.ROLES),
    ]:
        st.session_state.pop(key, None)


def pending_panel() -> None:
    """On the Data page: the pending file, its column choices, and use or discard."""
    if S.PENDING not in st.session_state:
        return
    pending_data, pending_name = st.session_state[S.PENDING]
    pending = cache.preview(S.digest(pending_data), pending_name, None, pending_data)
    needed = seg.missing_roles(seg.ColumnRoles(**pending_roles()))
    with st.container(border=True):
        if needed:
            st.warning(
                f"**{pending_name}** is not in use yet: no {' / '.join(needed)} column was "
                "found. Choose the columns below, or upload another file. Still using "
                f"**{st.session_state[S.DATA_NAME]}**."
            )
        else:
            st.success(f"**{pending_name}** has the columns it needs.")
        pending_options = [S.NO_COLUMN, *pending.columns]
        cols = st.columns(3)
        for i, role in enumerate(seg.ROLES):
            cols[i % 3].selectbox(
                role.replace("_", " ").capitalize(),
                pending_options,
                key=S.pending_map_key(role),
            )
        b1, b2 = st.columns(2)
        b1.button(
            f"Use {pending_name}",
            key="use_pending",
            disabled=bool(needed),
            on_click=use_pending,
        )
        b2.button(
            "Discard it",
            key="discard_pending",
            on_click=lambda: st.session_state.pop(S.PENDING, None),
        )


def show_in_use(line, rows: int | None = None) -> None:
    """The file in use, its size and (once read) its rows, on the placeholder ``line``."""
    size = f"{len(st.session_state[S.DATA_BYTES]) / 1e6:,.1f} MB"
    counted = f", {seg.count(rows, 'row')}" if rows is not None else ""
    line.caption(f"In use: **{st.session_state[S.DATA_NAME]}** ({size}{counted})")
