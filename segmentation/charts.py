"""Charts as pure functions: data in, plotly Figure out (usable from a notebook too)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .settings import METRICS
from .transforms import LABELS, TRANSFORMS, apply, fit_param, why_invalid

METRIC_LABELS = {"recency_days": "Recency (days)", "frequency": "Frequency", "monetary": "Monetary"}
SCATTER_POINTS = 5000  # a 3D scatter of more points is slow in the browser and no clearer


def distribution_figure(
    raw: pd.Series, transformed: pd.Series, metric: str, method: str
) -> go.Figure:
    """Histogram of a metric before and after its transform, with a box plot above each."""
    fig = make_subplots(
        rows=2,
        cols=2,
        row_heights=[0.22, 0.78],
        shared_xaxes="columns",
        vertical_spacing=0.03,
        subplot_titles=(f"{METRIC_LABELS[metric]}: original", f"after {LABELS[method]}"),
    )
    for col, values in ((1, raw), (2, transformed)):
        fig.add_trace(go.Box(x=values, name="", showlegend=False, marker_color="#4C78A8"), 1, col)
        fig.add_trace(
            go.Histogram(x=values, nbinsx=50, showlegend=False, marker_color="#4C78A8"), 2, col
        )
    fig.update_yaxes(showticklabels=False, row=1)
    fig.update_layout(height=320, margin={"t": 40, "b": 20, "l": 20, "r": 20}, bargap=0.02)
    return fig


def transform_grid_figure(
    rfm: pd.DataFrame,
    skewness: pd.DataFrame,
    picks: Mapping[str, str],
    params: Mapping[tuple[str, str], float | None] | None = None,
) -> go.Figure:
    """For each metric (rows) each transform (columns) with its skewness; the pick is starred.

    Transforms that cannot take the data show why instead of a histogram. ``params`` are the
    fitted parameters by (metric, transform) (``RFMTransformer.candidates_``); missing ones
    are fitted here.
    """
    titles = []
    for metric in METRICS:
        for method in TRANSFORMS:
            skew = skewness.loc[metric, method]
            star = " ★" if picks.get(metric) == method else ""
            text = "unavailable" if np.isnan(skew) else f"skew {skew:.2f}"
            titles.append(f"{LABELS[method]}{star}<br><sup>{text}</sup>")
    fig = make_subplots(
        rows=len(METRICS),
        cols=len(TRANSFORMS),
        subplot_titles=titles,
        vertical_spacing=0.12,
        horizontal_spacing=0.03,
    )
    for r, metric in enumerate(METRICS, start=1):
        x = rfm[metric].to_numpy(dtype="float64")
        for c, method in enumerate(TRANSFORMS, start=1):
            reason = why_invalid(method, x)
            if reason:
                fig.add_annotation(
                    text=reason.replace(" (", "<br>("),
                    showarrow=False,
                    row=r,
                    col=c,
                    x=0.5,
                    y=0.5,
                    font={"size": 10, "color": "#888"},
                )
                fig.update_xaxes(visible=False, row=r, col=c)
                fig.update_yaxes(visible=False, row=r, col=c)
                continue
            colour = "#F58518" if picks.get(metric) == method else "#4C78A8"
            param = (params or {}).get((metric, method), None)
            if param is None:
                param = fit_param(method, x)
            values = apply(method, x, param)
            fig.add_trace(
                go.Histogram(x=values, nbinsx=40, marker_color=colour, showlegend=False),
                row=r,
                col=c,
            )
        fig.update_yaxes(title_text=METRIC_LABELS[metric], row=r, col=1)
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(height=620, margin={"t": 60, "b": 20, "l": 60, "r": 10}, bargap=0.02)
    return fig


def elbow_figure(elbow: pd.DataFrame, suggested_k: int, chosen_k: int | None = None) -> go.Figure:
    """SSE against k with the suggested k marked, silhouette on a second axis."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(x=elbow["k"], y=elbow["sse"], name="SSE (inertia)", mode="lines+markers")
    )
    fig.add_trace(
        go.Scatter(
            x=elbow["k"],
            y=elbow["silhouette"],
            name="silhouette",
            mode="lines+markers",
            line={"dash": "dot"},
        ),
        secondary_y=True,
    )
    fig.add_vline(
        x=suggested_k,
        line_dash="dash",
        line_color="#F58518",
        annotation_text=f"suggested k = {suggested_k}",
    )
    if chosen_k and chosen_k != suggested_k:
        fig.add_vline(
            x=chosen_k,
            line_color="#54A24B",
            annotation_text=f"chosen k = {chosen_k}",
            annotation_position="bottom right",
        )
    fig.update_xaxes(title_text="k (number of segments)", dtick=1)
    fig.update_yaxes(title_text="SSE", secondary_y=False)
    fig.update_yaxes(title_text="silhouette", secondary_y=True)
    fig.update_layout(height=380, margin={"t": 30, "b": 40}, legend={"orientation": "h", "y": 1.12})
    return fig


def _named(labels: pd.Series, names: Mapping[int, str]) -> pd.Series:
    return labels.map(lambda c: f"{c}: {names.get(int(c), c)}")


def snake_figure(scaled: pd.DataFrame, labels: pd.Series, names: Mapping[int, str]) -> go.Figure:
    """Standardized mean of each metric per segment (the tutorial's snake plot)."""
    means = scaled[list(METRICS)].groupby(_named(labels, names).to_numpy()).mean()
    long = (
        means.rename(columns=METRIC_LABELS)
        .reset_index(names="segment")
        .melt(id_vars="segment", var_name="metric", value_name="standardized mean")
    )
    fig = px.line(long, x="metric", y="standardized mean", color="segment", markers=True)
    fig.update_layout(height=360, margin={"t": 30, "b": 30})
    return fig


def importance_figure(importance: pd.DataFrame, names: Mapping[int, str]) -> go.Figure:
    """Heatmap of relative importance (segment mean / overall mean - 1)."""
    data = importance.rename(columns=METRIC_LABELS)
    data.index = [f"{c}: {names.get(int(c), c)}" for c in data.index]
    fig = px.imshow(
        data, text_auto=".2f", color_continuous_scale="RdBu", zmin=-1, zmax=1, aspect="auto"
    )
    fig.update_layout(height=80 + 45 * len(data), margin={"t": 30, "b": 30})
    return fig


def scatter3d_figure(customers: pd.DataFrame, log_axes: bool = False, seed: int = 0) -> go.Figure:
    """Recency, frequency and monetary of each customer, coloured by segment."""
    data = customers
    if len(data) > SCATTER_POINTS:
        data = data.sample(SCATTER_POINTS, random_state=seed)
    data = data.assign(segment=data["cluster"].astype(str) + ": " + data["segment"].astype(str))
    fig = px.scatter_3d(
        data,
        x="recency_days",
        y="frequency",
        z="monetary",
        color="segment",
        log_x=log_axes,
        log_y=log_axes,
        log_z=log_axes,
        opacity=0.6,
        hover_data=["customer_id"],
    )
    fig.update_traces(marker={"size": 3})
    fig.update_layout(height=560, margin={"t": 30, "b": 0, "l": 0, "r": 0})
    return fig


def sizes_figure(profile: pd.DataFrame) -> go.Figure:
    """Customers and revenue share per segment."""
    data = profile.assign(label=profile["cluster"].astype(str) + ": " + profile["segment"])
    fig = px.bar(
        data, x="label", y="customers", text=data["revenue_share"].map("{:.0%} of revenue".format)
    )
    fig.update_layout(height=340, margin={"t": 30, "b": 30}, xaxis_title="segment")
    return fig


def stability_figure(table: pd.DataFrame, names: Mapping[int, str]) -> go.Figure:
    """Mean bootstrap Jaccard per segment, with Hennig's 0.6 and 0.75 lines."""
    data = table.assign(label=[f"{c}: {names.get(int(c), c)}" for c in table["cluster"]])
    fig = px.bar(
        data,
        x="label",
        y="jaccard",
        text=data["verdict"],
        range_y=[0, 1.05],
        labels={"label": "segment", "jaccard": "how often it comes back (Jaccard)"},
    )
    for edge, word in ((0.75, "stable"), (0.6, "doubtful below")):
        fig.add_hline(y=edge, line_dash="dot", annotation_text=word, line_color="#888")
    fig.update_layout(height=340, margin={"t": 30, "b": 30})
    return fig


def prediction_strength_figure(strength: pd.DataFrame, chosen_k: int | None = None) -> go.Figure:
    """Prediction strength for each k, with the 0.8 line that supports a k."""
    fig = px.line(
        strength,
        x="k",
        y="prediction_strength",
        markers=True,
        range_y=[0, 1.05],
        labels={"prediction_strength": "prediction strength"},
    )
    fig.add_hline(y=0.8, line_dash="dot", annotation_text="supported above", line_color="#888")
    if chosen_k:
        fig.add_vline(x=chosen_k, line_color="#54A24B", annotation_text=f"chosen k = {chosen_k}")
    fig.update_xaxes(dtick=1)
    fig.update_layout(height=300, margin={"t": 30, "b": 30})
    return fig
