"""The Segments page's K-Means part: how many segments, their names, what each one is, and
how far they can be trusted."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import formats, names
from . import state as S
from .context import Context


def draw(ctx: Context, symbol: str) -> seg.Run:
    """Draw the K-Means sections; returns the run with the segments' names."""
    segments, scaled = ctx.run.segments(), ctx.run.transformed().scaled
    st.subheader("How many segments?")
    elbow = ctx.elbow.metrics.set_index("k")
    silhouette = elbow["silhouette"].get(ctx.k)
    st.caption(
        f"Where the curve of spread within segments bends, **{ctx.elbow.suggested_k} segments** "
        f"are suggested; you chose **{ctx.k}** (sidebar). At {ctx.k} segments, how distinct they "
        f"are (silhouette, from -1 to 1) is **{silhouette:.2f}**."
    )
    st.plotly_chart(seg.elbow_figure(ctx.elbow.metrics, ctx.elbow.suggested_k, ctx.k), key="elbow")

    st.subheader("Segment names")
    st.caption(
        "Named from each segment's recency, frequency and spend. Rename them: the names follow "
        "their segment when you change k or a transform, and reach every chart and download. "
        "Give two segments the same name to merge them."
    )
    labels = names.name_inputs(ctx, segments)
    run = ctx.run.named(labels)
    profiled = run.profiled()
    profile = profiled.profile

    st.subheader("What each segment is")
    top = profile.sort_values("revenue_share", ascending=False).iloc[0]
    st.caption(
        f"{len(profile)} segments of {seg.count(int(profile['customers'].sum()), 'customer')}. "
        f"**{top['segment']}** brings {top['revenue_share']:.0%} of the revenue with "
        f"{top['share']:.0%} of the customers. Medians: half the customers are above, half below."
    )
    st.dataframe(
        formats.with_colours(profile, formats.PROFILE_KEY),
        hide_index=True,
        width="stretch",
        column_config=formats.profile_columns(symbol),
    )
    st.markdown("**Each segment in figures** (every customer)")
    st.dataframe(
        formats.kpi_view(seg.segment_kpis(run.labelled(), run.activity(), "segment")),
        hide_index=True,
        width="stretch",
        column_config=formats.kpi_columns(symbol),
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Each segment against the average customer** (standard units)")
        st.plotly_chart(seg.snake_figure(scaled, segments.labels, labels), key="snake")
        means = scaled.groupby(segments.labels.to_numpy()).mean()
        st.caption(
            "0 is the average customer. "
            + "; ".join(
                f"{labels[c]}: recency {row['recency_days']:+.1f}, orders {row['frequency']:+.1f}, "
                f"spend {row['monetary']:+.1f}"
                for c, row in means.iterrows()
            )
        )
    with right:
        st.markdown("**Better or worse than the average customer**")
        st.plotly_chart(seg.importance_figure(profiled.importance, labels), key="importance")
        spend = profiled.importance["monetary"]
        st.caption(
            "Blue is better than average (recent, frequent, high spend), red is worse. Spend "
            "against the average: "
            + "; ".join(f"{labels.get(int(c), c)} {v:+.0%}" for c, v in spend.items())
        )
    st.markdown("**Segment sizes**")
    st.plotly_chart(seg.sizes_figure(profile), key="sizes")
    st.caption(
        "; ".join(
            f"{row.segment}: {seg.count(row.customers, 'customer')}, "
            f"{row.revenue_share:.0%} of revenue"
            for row in profile.itertuples()
        )
    )
    st.markdown("**Customers by recency, frequency and spend**")
    st.session_state.setdefault(S.LOG_AXES, True)
    log_axes = st.checkbox("Log axes", key=S.LOG_AXES)
    customers = profiled.customers
    if log_axes and (customers[list(seg.METRICS)] <= 0).any().any():
        st.caption("Customers with zero or negative values are left out of the log axes.")
        customers = customers[(customers[list(seg.METRICS)] > 0).all(axis=1)]
    st.plotly_chart(seg.scatter3d_figure(customers, log_axes, ctx.settings.seed), key="scatter3d")

    with st.expander("Method details: every k, and the full profile"):
        st.dataframe(
            ctx.elbow.metrics.drop(columns="fit_seconds"),
            hide_index=True,
            width="stretch",
            column_config=formats.elbow_columns(),
        )
        st.dataframe(
            profile, hide_index=True, width="stretch", column_config=formats.profile_columns(symbol)
        )

    st.subheader("Can these segments be trusted?")
    st.caption(
        f"Refits the whole method on {ctx.settings.resamples} resamples of your customers and "
        "checks whether each segment comes back (Hennig 2007: 0.75 or more is stable, 0.6 to 0.75 "
        "doubtful, below 0.6 do not trust), and whether other random starts give the same segments."
    )
    done = st.session_state.setdefault(S.STABILITY, {})
    if ctx.key not in done and st.button("Check stability", key=S.STABILITY_RUN):
        bar = st.progress(0.0, text="Refitting on resamples…")
        done[ctx.key] = run.stability(lambda share: bar.progress(share, text="Refitting…"))
        bar.empty()
    if ctx.key in done:
        found = done[ctx.key]
        st.plotly_chart(seg.stability_figure(found.table, labels), key="stability")
        st.caption(
            "; ".join(
                f"{labels.get(int(row.cluster), row.cluster)}: {row.verdict} ({row.jaccard:.2f})"
                for row in found.table.itertuples()
            )
            + f". Other random starts agree at {found.seed_agreement:.0%} "
            f"(adjusted Rand index; lowest {found.seed_agreement_min:.0%})."
        )
        st.markdown("**Prediction strength per k** (0.8 or more supports that k; information only)")
        strength = run.prediction_strength()
        st.plotly_chart(seg.prediction_strength_figure(strength, ctx.k), key="strength")
        supported = strength.loc[strength["prediction_strength"] >= 0.8, "k"]
        st.caption(
            f"Supported up to k = {int(supported.max())}; at your k = {ctx.k}: "
            f"{strength.set_index('k')['prediction_strength'].get(ctx.k, float('nan')):.2f}."
        )
    return run
