"""The Data page's saved-recipe part: last month's model labels this file, as the command
line's ``--apply-recipe`` does."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import cache, choices, formats, pages
from . import state as S
from .context import Context


def _take_upload() -> None:
    """Read an uploaded recipe through the same gate and typed recipe as the command line;
    keep it (name, text) so that it survives a visit to another page."""
    upload = st.session_state.get(S.RECIPE_UPLOAD)
    if upload is None:
        return
    try:
        text = seg.read_text_file(upload.getvalue(), upload.name)
        seg.Recipe.from_json(text)
    except seg.SegmentationError as exc:
        st.error(f"Could not use '{upload.name}': {exc}")
        return
    st.session_state[S.RECIPE] = (upload.name, text)


def draw(ctx: Context) -> None:
    st.subheader("Label this file with a saved recipe")
    st.caption(
        "A recipe saved on the Download page holds last month's model, names, score "
        "thresholds and playbook: it labels this file without refitting, as "
        "`python -m segmentation FILE --apply-recipe RECIPE` does."
    )
    st.file_uploader("Recipe (JSON)", type=["json"], key=S.RECIPE_UPLOAD)
    _take_upload()
    if S.RECIPE not in st.session_state:
        return
    name, text = st.session_state[S.RECIPE]
    chosen = tuple(choices.contact_choice(ctx.contact_fields()))
    try:
        customers, _ = cache.labelled_by_recipe(ctx.source, text, chosen, ctx.data)
    except seg.SegmentationError as exc:
        pages.show_error(exc)
        return
    for column, method in formats.METHOD_COLUMNS:
        if column in customers:
            counts = customers[column].value_counts()
            st.caption(
                f"{method} segments of **{name}**: "
                + ", ".join(f"{n} ({seg.count(c, 'customer')})" for n, c in counts.items())
            )
    left, right = st.columns(2)
    left.download_button(
        f"Customers labelled by {name} (CSV)",
        seg.to_csv_bytes(customers),
        f"customers_labelled_by_{seg.safe_name(name.rsplit('.', 1)[0])}.csv",
        "text/csv",
        key="dl_recipe_labelled",
        icon=":material/download:",
        on_click="ignore",
    )
    if right.button("Forget this recipe", key="forget_recipe"):
        del st.session_state[S.RECIPE]
        st.rerun()
