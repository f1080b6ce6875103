"""Charts as pure functions: data in, plotly Figure out (usable from a notebook too)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..method.transforms import (
    TRANSFORM_LABELS,
    TRANSFORMS,
    apply_transform,
    fit_param,
    why_invalid,
)
from ..settings import METRICS

METRIC_LABELS = {"recency_days": "Recency (days)", "frequency": "Frequency", "monetary": "Monetary"}
SCATTER_POINTS = 2000  # more points draw slowly in the browser (WebGL) and show no more


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
        subplot_titles=(f"{METRIC_LABELS[metric]}: original", f"after {TRANSFORM_LABELS[method]}"),
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
            titles.append(f"{TRANSFORM_LABELS[method]}{star}<br><sup>{text}</sup>")
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
            values = apply_transform(method, x, param)
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
    """Spread within segments (SSE) against k with the suggested k marked; how distinct the
    segments are (silhouette) on a second axis."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=elbow["k"],
            y=elbow["sse"],
            name="spread within segments (SSE)",
            mode="lines+markers",
            line={"color": PALETTE[0]},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=elbow["k"],
            y=elbow["silhouette"],
            name="how distinct the segments are (silhouette)",
            mode="lines+markers",
            line={"dash": "dot", "color": PALETTE[1]},
            marker={"symbol": "square"},
        ),
        secondary_y=True,
    )
    fig.add_vline(
        x=suggested_k,
        line_dash="dash",
        line_color="#555",
        annotation_text=f"suggested k = {suggested_k}",
    )
    if chosen_k and chosen_k != suggested_k:
        fig.add_vline(
            x=chosen_k,
            line_color=PALETTE[2],
            annotation_text=f"chosen k = {chosen_k}",
            annotation_position="bottom right",
        )
    fig.update_xaxes(title_text="number of segments (k)", dtick=1)
    fig.update_yaxes(title_text="spread within segments", secondary_y=False)
    fig.update_yaxes(title_text="how distinct (silhouette)", tickformat=".2f", secondary_y=True)
    fig.update_layout(height=380, margin={"t": 30, "b": 40}, legend={"orientation": "h", "y": 1.15})
    return fig


# Okabe and Ito's colour-blind-safe palette (2008), the most valuable segment first (clusters
# are numbered by value). Beyond eight segments the colours repeat and the marker shape differs.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
SYMBOLS = ("circle", "square", "diamond", "cross", "x")


def segment_colour(cluster: int) -> str:
    """The segment's colour, the same in every chart, table and report."""
    return PALETTE[int(cluster) % len(PALETTE)]


def segment_symbol(cluster: int) -> str:
    """The marker shape that tells segments with the same colour apart (beyond eight)."""
    return SYMBOLS[(int(cluster) // len(PALETTE)) % len(SYMBOLS)]


def segment_label(cluster: int, names: Mapping[int, str]) -> str:
    return f"{int(cluster)}: {names.get(int(cluster), cluster)}"


def snake_figure(scaled: pd.DataFrame, labels: pd.Series, names: Mapping[int, str]) -> go.Figure:
    """Each segment's average of each metric, in standard units (0 is the average customer)."""
    means = scaled[list(METRICS)].groupby(labels.to_numpy()).mean()
    fig = go.Figure()
    for cluster, row in means.iterrows():
        fig.add_trace(
            go.Scatter(
                x=[METRIC_LABELS[m] for m in METRICS],
                y=row.to_numpy(),
                name=segment_label(cluster, names),
                mode="lines+markers",
                line={"color": segment_colour(cluster)},
                marker={"symbol": segment_symbol(cluster), "size": 9},
            )
        )
    fig.update_yaxes(title_text="standard units (0 = average)", tickformat=".1f")
    fig.update_layout(height=360, margin={"t": 30, "b": 30}, legend_title_text="segment")
    return fig


def importance_figure(importance: pd.DataFrame, names: Mapping[int, str]) -> go.Figure:
    """Each segment's mean against the average customer (+100% is twice the average).

    The colour says good or bad, not high or low: a high recency (long since the last order)
    is bad, so it is coloured like a low spend. The scale covers every value (no clipping)."""
    goodness = importance.copy()
    goodness["recency_days"] = -goodness["recency_days"]
    bound = float(np.nanmax(np.abs(goodness.to_numpy()))) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=goodness.to_numpy(),
            x=[METRIC_LABELS[m] for m in importance.columns],
            y=[segment_label(c, names) for c in importance.index],
            text=[[f"{v:+.0%}" for v in row] for row in importance.to_numpy()],
            texttemplate="%{text}",
            colorscale="RdBu",
            zmin=-bound,
            zmax=bound,
            colorbar={
                "title": "better than<br>average",
                "tickvals": [-bound, 0, bound],
                "ticktext": ["worse", "average", "better"],
            },
            hovertemplate="%{y}<br>%{x}: %{text} against the average<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=80 + 45 * len(importance), margin={"t": 30, "b": 30})
    return fig


def scatter3d_figure(customers: pd.DataFrame, log_axes: bool = False, seed: int = 0) -> go.Figure:
    """Recency, frequency and monetary of each customer, coloured by segment; a seeded sample
    of ``SCATTER_POINTS`` customers when there are more (the title says so)."""
    data = customers
    title = f"{len(data):,} customers"
    if len(data) > SCATTER_POINTS:
        data = data.sample(SCATTER_POINTS, random_state=seed)
        title = f"A sample of {SCATTER_POINTS:,} of {len(customers):,} customers"
    fig = go.Figure()
    for cluster, part in data.groupby("cluster", sort=True):
        fig.add_trace(
            go.Scatter3d(
                x=part["recency_days"],
                y=part["frequency"],
                z=part["monetary"],
                mode="markers",
                name=f"{int(cluster)}: {part['segment'].iloc[0]}",
                marker={
                    "size": 3,
                    "color": segment_colour(cluster),
                    "symbol": segment_symbol(cluster),
                    "opacity": 0.7,
                },
                text=part["customer_id"],
                hovertemplate="customer %{text}<br>recency %{x} days<br>frequency %{y}"
                "<br>spend %{z:,.2f}<extra></extra>",
            )
        )
    kind = "log" if log_axes else "linear"
    fig.update_layout(
        title={"text": title, "font": {"size": 13}},
        height=560,
        margin={"t": 40, "b": 0, "l": 0, "r": 0},
        legend_title_text="segment",
        scene={
            "xaxis": {"title": {"text": "recency (days)"}, "type": kind},
            "yaxis": {"title": {"text": "frequency (orders)"}, "type": kind},
            "zaxis": {"title": {"text": "spend"}, "type": kind},
        },
    )
    return fig


def _size_bars(labels, customers, shares, colours, axis: str, bottom: int) -> go.Figure:
    """Customers per segment as bars in the segments' colours, with each one's revenue share."""
    fig = go.Figure(
        go.Bar(
            x=list(labels),
            y=customers,
            marker={"color": list(colours)},
            text=shares.map("{:.0%} of revenue".format),
            hovertemplate="%{x}<br>%{y:,} customers, %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=310 + bottom,
        margin={"t": 30, "b": bottom},
        xaxis_title=axis,
        yaxis_title="customers",
    )
    return fig


def sizes_figure(profile: pd.DataFrame) -> go.Figure:
    """Customers per segment, each bar in its segment's colour, with its share of revenue."""
    return _size_bars(
        (f"{int(c)}: {s}" for c, s in zip(profile["cluster"], profile["segment"], strict=True)),
        profile["customers"],
        profile["revenue_share"],
        (segment_colour(c) for c in profile["cluster"]),
        "segment",
        30,
    )


def stability_figure(table: pd.DataFrame, names: Mapping[int, str]) -> go.Figure:
    """Mean bootstrap Jaccard per segment in its colour, with Hennig's 0.6 and 0.75 lines."""
    fig = go.Figure(
        go.Bar(
            x=[segment_label(c, names) for c in table["cluster"]],
            y=table["jaccard"],
            marker={"color": [segment_colour(c) for c in table["cluster"]]},
            text=table["verdict"],
            hovertemplate="%{x}<br>comes back %{y:.2f} (Jaccard): %{text}<extra></extra>",
        )
    )
    for edge, word in ((0.75, "stable above"), (0.6, "do not trust below")):
        fig.add_hline(y=edge, line_dash="dot", annotation_text=word, line_color="#555")
    fig.update_yaxes(range=[0, 1.05], title_text="how often it comes back", tickformat=".2f")
    fig.update_layout(height=340, margin={"t": 30, "b": 30}, xaxis_title="segment")
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


def rank_colour(rank: int, ranks: int = 12) -> str:
    """A grid segment's colour from its playbook rank: dark blue (best) to yellow (lost),
    the colour-blind-safe cividis scale."""
    from plotly.colors import sample_colorscale

    position = (int(rank) - 1) / max(ranks - 1, 1)
    return sample_colorscale("cividis", [min(max(position, 0.0), 1.0)])[0]


def grid_sizes_figure(kpis: pd.DataFrame, ranks: Mapping[str, int]) -> go.Figure:
    """Customers per grid segment, best rank first, coloured by rank, with revenue shares."""
    order = kpis.assign(rank=kpis["segment"].map(ranks).fillna(99)).sort_values("rank")
    return _size_bars(
        order["segment"],
        order["customers"],
        order["revenue_share"],
        (rank_colour(r) for r in order["rank"]),
        "RFM segment",
        110,
    )


def crosstab_figure(table: pd.DataFrame) -> go.Figure:
    """Customers per K-Means segment (rows) and RFM grid segment (columns), as a heatmap
    with the counts written in the cells."""
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[str(c) for c in table.columns],
            y=[str(i) for i in table.index],
            colorscale="Blues",
            text=table.to_numpy(),
            texttemplate="%{text:,}",
            hovertemplate="%{y} and %{x}: %{z:,} customers<extra></extra>",
            colorbar={"title": "customers"},
        )
    )
    fig.update_layout(
        height=220 + 45 * len(table.index),
        margin={"t": 30, "b": 120, "l": 150},
        xaxis_title="RFM score segment",
        yaxis_title="K-Means segment",
        yaxis={"autorange": "reversed"},
    )
    return fig


# Directions of a move, in Okabe-Ito colours, each also said in words (hover and legend).
DIRECTION_COLOURS = {
    "up": "#0072B2",
    "down": "#D55E00",
    "same": "#BBBBBB",
    "moved": "#CC79A7",
    "new": "#009E73",
    "left": "#000000",
}
DIRECTION_WORDS = {
    "up": "moved up",
    "down": "moved down",
    "same": "stayed",
    "moved": "moved (no rank)",
    "new": "new",
    "left": "left",
}


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# Legible with eleven segments: smaller flows stay in the matrix, smaller nodes go unlabelled.
SANKEY_MIN_FLOW = 0.01  # of all customers
SANKEY_MIN_LABEL = 0.03


def sankey_flows(movement, min_share: float = SANKEY_MIN_FLOW) -> tuple[pd.DataFrame, int]:
    """The flows the Sankey draws (at least ``min_share`` of the customers) and how many it
    leaves to the matrix."""
    cells = movement.cells
    shown = cells[cells["customers"] >= min_share * cells["customers"].sum()]
    return shown.reset_index(drop=True), len(cells) - len(shown)


def sankey_figure(movement) -> go.Figure:
    """Customers flowing from their segment at the earlier date (left) to their segment now
    (right), both in the matrix's order (the playbook's rank); each flow in its direction's
    colour (up, down, stayed, new, left). Flows under 1% of the customers are left to the
    matrix, and nodes under 3% carry no label (their name shows on hover)."""
    cells, _ = sankey_flows(movement)
    before, now = movement.before_date, movement.now_date
    left = [n for n in movement.counts.index if n in set(cells["before"])]
    right = [n for n in movement.counts.columns if n in set(cells["now"])]
    names = [f"{n} ({before})" for n in left] + [f"{n} ({now})" for n in right]
    total = cells["customers"].sum()
    size = pd.concat(
        [cells.groupby("before")["customers"].sum().reindex(left),
         cells.groupby("now")["customers"].sum().reindex(right)]
    ).to_numpy()  # fmt: skip
    labels = [n if s >= SANKEY_MIN_LABEL * total else "" for n, s in zip(names, size, strict=True)]

    def heights(side: str, names: list) -> list[float]:
        """Node centres from the top, in the given order (plotly would reorder them)."""
        size = cells.groupby(side)["customers"].sum().reindex(names).to_numpy(dtype=float)
        top = np.concatenate([[0.0], np.cumsum(size)[:-1]])
        return list(0.02 + 0.96 * (top + size / 2) / size.sum())

    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={
                "label": labels,
                "customdata": names,
                "hovertemplate": "%{customdata}: %{value:,} customers<extra></extra>",
                "pad": 12,
                "thickness": 14,
                "color": "#52606d",
                "x": [0.01] * len(left) + [0.99] * len(right),
                "y": heights("before", left) + heights("now", right),
            },
            link={
                "source": [left.index(b) for b in cells["before"]],
                "target": [len(left) + right.index(n) for n in cells["now"]],
                "value": cells["customers"],
                "color": [_alpha(DIRECTION_COLOURS[d], 0.55) for d in cells["direction"]],
                "customdata": [DIRECTION_WORDS[d] for d in cells["direction"]],
                "hovertemplate": "%{source.customdata} → %{target.customdata}<br>%{value:,} "
                "customers, %{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(height=max(360, 34 * max(len(left), len(right))), margin={"t": 20, "b": 10})
    return fig


def movement_heatmap(counts: pd.DataFrame, shares: pd.DataFrame) -> go.Figure:
    """Customers per segment then (rows) and now (columns), with each row's share."""
    text = [
        [f"{c:,}<br>{s:.0%}" if c else "" for c, s in zip(crow, srow, strict=True)]
        for crow, srow in zip(counts.to_numpy(), shares.to_numpy(), strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=shares.to_numpy(),
            x=[str(c) for c in counts.columns],
            y=[str(i) for i in counts.index],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            customdata=counts.to_numpy(),
            hovertemplate="%{y} → %{x}: %{customdata:,} customers (%{z:.0%} of the row)"
            "<extra></extra>",
            colorbar={"title": "share of row", "tickformat": ".0%"},
        )
    )
    fig.update_layout(
        height=220 + 45 * len(counts.index),
        margin={"t": 30, "b": 120, "l": 150},
        xaxis_title="segment now",
        yaxis_title="segment then",
        yaxis={"autorange": "reversed"},
    )
    return fig


def p_alive_figure(p_alive: pd.Series) -> go.Figure:
    """How many customers are probably still buying: a histogram of the probability alive."""
    fig = go.Figure(
        go.Histogram(
            x=p_alive,
            xbins={"start": 0, "end": 1.0001, "size": 0.05},
            marker={"color": PALETTE[0]},
            hovertemplate="%{x}: %{y:,} customers<extra></extra>",
        )
    )
    fig.update_layout(
        height=320,
        margin={"t": 20, "b": 40},
        xaxis={"title": "probability the customer is still buying", "tickformat": ".0%"},
        yaxis_title="customers",
        bargap=0.05,
    )
    return fig


def holdout_figure(table: pd.DataFrame) -> go.Figure:
    """Predicted and actual purchases per customer in the held-out period, by the number of
    repeat purchases before it (the classic check of the BG/NBD model)."""
    fig = go.Figure(
        [
            go.Bar(name="actual", x=table["purchases"], y=table["actual"], marker_color=PALETTE[0]),
            go.Bar(
                name="predicted",
                x=table["purchases"],
                y=table["predicted"],
                marker_color=PALETTE[1],
            ),
        ]
    )
    fig.update_layout(
        height=320,
        margin={"t": 20, "b": 40},
        barmode="group",
        xaxis_title="repeat purchases before the held-out period",
        yaxis_title="purchases per customer in it",
        legend={"orientation": "h", "y": 1.1},
    )
    return fig
