"""What every page shares: page setup, navigation, the sidebar controls, and the pipeline run."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import segmentation as seg

from . import cache
from . import state as S

PAGES = [
    ("app.py", "Data", ":material/upload_file:"),
    ("pages/1_Explore.py", "Explore", ":material/insights:"),
    ("pages/2_Segments.py", "Segments", ":material/donut_small:"),
    ("pages/3_Download.py", "Download", ":material/download:"),
]
WIDGET_KEYS = [
    S.SHEET,
    S.DAYFIRST,
    S.DECIMAL,
    S.CURRENCY,
    S.REFUNDS,
    S.SNAPSHOT_CUSTOM,
    S.SNAPSHOT,
    S.K,
    S.SAMPLE_SIZE,
    S.SEED,
    S.SAMPLE_UNIT,
    S.FREQUENCY,
    S.LOG_AXES,
    *S.TRANSFORM.values(),
    *S.CLEAN_KEYS,
    *(S.map_key(r) for r in seg.ColumnRoles().as_dict()),
]
FREQUENCY_LABELS = {
    "invoices": "distinct invoices",
    "lines": "invoice lines",
    "days": "purchase days",
}


@dataclass(frozen=True)
class Context:
    """The user's choices and the pipeline's results up to the chosen k."""

    source: S.SourceChoice
    method: S.MethodChoice
    transforms: tuple[tuple[str, str], ...]
    data: bytes
    elbow: pd.DataFrame
    suggested_k: int
    k: int

    @property
    def key(self) -> tuple:
        return (self.source, self.method, self.transforms, self.k)


def setup_page(title: str) -> None:
    """Page config, widget state kept across pages, demo data by default, navigation."""
    st.set_page_config(
        page_title=f"{title} · Customer segments", page_icon=":material/donut_small:", layout="wide"
    )
    # Streamlit forgets a widget's value when its page is left; re-assigning keeps it.
    for key in WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    if S.DATA_BYTES not in st.session_state:
        use_data(seg.demo_csv_bytes(), "demo_online_retail.csv", is_demo=True)
    accept_upload()
    with st.sidebar:
        st.markdown("### Customer segments")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        name = st.session_state[S.DATA_NAME]
        st.caption(
            f"Data: **{name}**" + (" (built-in demo)" if st.session_state[S.DATA_IS_DEMO] else "")
        )


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
    try:
        cache.preview(S.digest(data), upload.name, None, data)
    except seg.SegmentationError as exc:
        st.session_state[S.UPLOAD_ERROR] = f"Could not use '{upload.name}': {exc}"
        return
    use_data(data, upload.name)
    st.session_state.pop(S.UPLOAD_ERROR, None)


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
        *(S.map_key(r) for r in seg.ColumnRoles().as_dict()),
    ]:
        st.session_state.pop(key, None)


def source_choice() -> S.SourceChoice:
    sheet = st.session_state.get(S.SHEET)
    roles = tuple(
        (role, st.session_state[S.map_key(role)])
        for role in seg.ColumnRoles().as_dict()
        if st.session_state.get(S.map_key(role)) not in (None, S.NO_COLUMN)
    )
    return S.SourceChoice(
        digest=st.session_state[S.DATA_DIGEST],
        name=st.session_state[S.DATA_NAME],
        sheet=None if sheet in (None, S.ALL_SHEETS) else sheet,
        roles=roles,
        dayfirst=True if st.session_state.get(S.DAYFIRST) else None,
        decimal=st.session_state.get(S.DECIMAL),
        currency=st.session_state.get(S.CURRENCY) or None,
    )


def cleaning_choice() -> tuple[bool | str, ...]:
    defaults = seg.CleaningOptions()
    return tuple(
        st.session_state.get(S.REFUNDS, defaults.refunds)
        if f == "refunds"
        else bool(st.session_state.get(S.clean_key(f), getattr(defaults, f)))
        for f in vars(defaults)
    )


def transform_choice() -> tuple[tuple[str, str], ...]:
    return tuple((m, st.session_state.get(key, "auto")) for m, key in S.TRANSFORM.items())


def _init(
    key: str, value: object, reset_for: object | None = None, marker: str | None = None
) -> None:
    """Set a widget's starting value once, or again when what it depends on changed."""
    if marker is not None and st.session_state.get(marker) != reset_for:
        st.session_state[marker] = reset_for
        st.session_state[key] = value
    st.session_state.setdefault(key, value)


def run() -> Context:
    """Draw the sidebar controls and run the pipeline up to the elbow (cached).

    Raises ``SegmentationError`` for the page to show; nothing the user chose is lost.
    """
    data = st.session_state[S.DATA_BYTES]
    source = source_choice()
    clean = cleaning_choice()
    transforms = transform_choice()
    first = st.session_state.get(S.READY_FOR) != (source, clean)
    status = st.status("Preparing your segments…", expanded=True) if first else None
    try:
        ctx = _pipeline(data, source, clean, transforms, status)
    except seg.SegmentationError:
        if status:
            status.update(label="Stopped: see the message below", state="error", expanded=False)
        raise
    if status:
        status.update(label="Ready", state="complete", expanded=False)
        st.session_state[S.READY_FOR] = (source, clean)
    return ctx


def _pipeline(
    data: bytes,
    source: S.SourceChoice,
    clean: tuple[bool, ...],
    transforms: tuple[tuple[str, str], ...],
    status,
) -> Context:
    if status and st.session_state.get(S.READ_FOR) != source:
        status.write("Reading the file…")
        cache.transactions(source, data)  # only here on a new source: a hit copies the frame
        st.session_state[S.READ_FOR] = source
    if status:
        status.write("Cleaning…")
    summary = cache.cleaning(source, clean, data)
    report, customers = summary.report, summary.customers
    with st.sidebar:
        unit = st.session_state.get(S.SAMPLE_UNIT, "customers")
        population = customers if unit == "customers" else report.rows_kept
        sample_size = None
        if population > 100:
            step = 10 if population < 2_000 else 50 if population < 20_000 else 500
            _init(S.SAMPLE_SIZE, population, (source, clean, unit), S.SAMPLE_FOR)
            st.session_state[S.SAMPLE_SIZE] = min(st.session_state[S.SAMPLE_SIZE], population)
            st.slider(
                f"Sample size ({unit})",
                100,
                population,
                step=step,
                key=S.SAMPLE_SIZE,
                help="Default: all. Sampling customers keeps each history whole.",
            )
            sample_size = (
                None
                if st.session_state[S.SAMPLE_SIZE] >= population
                else st.session_state[S.SAMPLE_SIZE]
            )
        else:
            st.caption(f"All {population:,} {unit} are used.")
        snapshot = (
            st.session_state.get(S.SNAPSHOT) if st.session_state.get(S.SNAPSHOT_CUSTOM) else None
        )
        method = S.MethodChoice(
            cleaning=clean,
            snapshot=str(snapshot) if snapshot else None,
            frequency=st.session_state.get(S.FREQUENCY),
            sample_size=sample_size,
            sample_unit=unit,
            seed=int(st.session_state.get(S.SEED, 42)),
        )
        if status:
            status.write("Computing recency, frequency and monetary value…")
            cache.rfm(source, method, data)
            status.write("Choosing k (elbow over k = 1..10)…")
        metrics, suggested = cache.elbow(source, method, transforms, data)
        k_max = int(metrics["k"].max())
        if k_max < 2:
            raise seg.SettingsError("At least two customers are needed to form segments.")
        _init(S.K, min(suggested, k_max), (source, method, transforms), S.K_FOR)
        st.session_state[S.K] = max(2, min(st.session_state[S.K], k_max))
        if k_max > 2:
            st.slider(
                "Number of segments (k)",
                2,
                k_max,
                key=S.K,
                help=f"Suggested by the elbow: {suggested}.",
            )
        else:
            st.caption("Two segments: the most this data allows.")
        with st.expander("Advanced"):
            st.session_state.setdefault(S.SEED, 42)
            st.number_input("Random seed", 0, 2**31 - 1, step=1, key=S.SEED)
            st.session_state.setdefault(S.SAMPLE_UNIT, "customers")
            st.radio(
                "Sample unit",
                ["customers", "rows"],
                key=S.SAMPLE_UNIT,
                horizontal=True,
                help="Rows is the tutorial's way; it cuts customers' histories.",
            )
    return Context(
        source, method, transforms, data, metrics, suggested, min(st.session_state[S.K], k_max)
    )


def names_for(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """Automatic names with the user's edits for this exact segmentation."""
    edits = st.session_state.get(S.NAMES, {}).get(ctx.key, {})
    try:
        return seg.name_segments(segments.centroids, edits)
    except seg.SegmentationError as exc:
        st.warning(f"{exc} Showing the automatic names.")
        return seg.name_segments(segments.centroids)


def segment_name_inputs(ctx: Context, segments: seg.Segments) -> dict[int, str]:
    """One text box per segment, filled with its automatic name; edits are kept per segmentation."""
    auto = seg.name_segments(segments.centroids)
    store = st.session_state.setdefault(S.NAMES, {})
    edits = store.setdefault(ctx.key, {})
    missing = any(S.name_key(c) not in st.session_state for c in auto)  # page was left
    if missing or st.session_state.get(S.NAMES_FOR) != ctx.key:
        st.session_state[S.NAMES_FOR] = ctx.key
        for cluster, name in auto.items():
            st.session_state[S.name_key(cluster)] = edits.get(cluster, name)
    cols = st.columns(min(len(auto), 5))
    for cluster in auto:
        cols[cluster % len(cols)].text_input(f"Segment {cluster}", key=S.name_key(cluster))
    store[ctx.key] = {
        c: st.session_state[S.name_key(c)].strip()
        for c in auto
        if st.session_state[S.name_key(c)].strip() not in ("", auto[c])
    }
    return names_for(ctx, segments)


def settings_for(ctx: Context) -> seg.Settings:
    """The core's Settings matching the dashboard's choices (for the recipe)."""
    m = ctx.method
    return seg.Settings(
        cleaning=m.cleaning_options(),
        snapshot=m.snapshot,
        frequency=m.frequency,
        sample_size=m.sample_size,
        sample_unit=m.sample_unit,
        transforms=dict(ctx.transforms),
        k=ctx.k,
        seed=m.seed,
    )


# Where each fixing choice is made in the dashboard (errors name the choice, not a control).
PAGE_HINTS = {
    "decimal": "choose the **Decimal mark** on the Data page",
    "currency": "choose the **Currency** on the Data page",
    "dayfirst": "tick **Text dates are day/month/year** on the Data page",
    "map": "choose the column for each role under **Columns** on the Data page",
}


def show_error(exc: Exception) -> None:
    hint = PAGE_HINTS.get(getattr(exc, "setting", None) or "")
    st.error(f"{exc}" + (f" To fix it, {hint}." if hint else ""), icon=":material/error:")
