"""The method as named stages with typed inputs and outputs, ``segment()`` chaining them, and
recipes.

    transactions --clean_stage--> Cleaned --rfm_stage--> RFM table --transform_stage-->
    Transformed --elbow_stage--> Elbow;  Transformed + k --fit_stage--> Segments
    --profile_stage--> Profiled;  (on demand) --stability_stage--> Stability
    RFM table --score_stage--> Scored (classic RFM scores and the segment grid)

Each stage takes only the settings it depends on (``Settings.cleaning``, ``.rfm_options``,
``.transforms``, ``.model_options``, k), so a face that caches the stages (the dashboard) reruns
only what a change touches: a k change refits the final model alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from .cleaning import CleaningOptions, CleaningReport, clean_transactions
from .clustering import (
    Segments,
    assign_segments,
    elbow_metrics,
    fit_segments,
    standardize,
    suggest_k,
)
from .errors import DataError
from .export import customer_file, customers_table, metrics_table
from .kpis import customer_activity, segment_kpis
from .playbook import playbook_table, with_names
from .profiles import (
    check_names,
    cluster_profile,
    name_segments,
    relative_importance,
    segment_kinds,
)
from .recipe import RECIPE_VERSION, Recipe
from .rfm import RFM_COLUMNS, compute_rfm, snapshot_date
from .sampling import sample_transactions
from .scores import (
    crosstab,
    fit_edges,
    rules_table,
    score_customers,
    segment_by_rules,
)
from .settings import (
    METRICS,
    PRESETS,
    TUTORIAL,
    ModelOptions,
    RFMOptions,
    ScoreEdges,
    ScoreOptions,
    Settings,
    TransformChoice,
)
from .transforms import RFMTransformer

__all__ = [
    "PRESETS",
    "TUTORIAL",
    "Cleaned",
    "Elbow",
    "Profiled",
    "Scored",
    "SegmentationResult",
    "Settings",
    "Transformed",
    "clean_stage",
    "elbow_stage",
    "fit_stage",
    "label_stage",
    "profile_stage",
    "rfm_stage",
    "score_stage",
    "segment",
    "transform_stage",
]


@dataclass(frozen=True)
class Cleaned:
    """Cleaned transactions (the RFM columns), the cleaning report, and the snapshot day of
    the whole cleaned data (a sample is measured to it too)."""

    transactions: pd.DataFrame
    report: CleaningReport
    snapshot: pd.Timestamp


@dataclass(frozen=True)
class Transformed:
    """The fitted per-metric transforms and the standardized matrix K-Means works on."""

    transformer: RFMTransformer
    scaled: pd.DataFrame
    scaler_mean: tuple[float, ...]
    scaler_scale: tuple[float, ...]

    @property
    def skewness(self) -> pd.DataFrame:
        """Skewness of each metric under each transform, on the data it was fitted on."""
        return self.transformer.skewness_


@dataclass(frozen=True)
class Elbow:
    """Quality metrics for each k and the k the elbow suggests."""

    metrics: pd.DataFrame
    suggested_k: int

    @property
    def k_max(self) -> int:
        return int(self.metrics["k"].max())


@dataclass(frozen=True)
class Profiled:
    """Names, profile, relative importance and the labelled customers of one segmentation."""

    names: dict[int, str]
    profile: pd.DataFrame
    importance: pd.DataFrame
    customers: pd.DataFrame


@dataclass(frozen=True)
class Scored:
    """Classic RFM scores and grid segments: the thresholds used (fitted on the customers the
    model saw, or given), the rule table, and per customer ``r_score, f_score, m_score,
    rfm_score, rfm_segment`` (index ``customer_id``)."""

    edges: ScoreEdges
    fitted: bool
    rules: pd.DataFrame
    scores: pd.DataFrame


def clean_stage(tx: pd.DataFrame, cleaning: CleaningOptions) -> Cleaned:
    """Apply the cleaning rules; fix the snapshot day on the whole cleaned data."""
    cleaned, report = clean_transactions(tx, cleaning, keep=RFM_COLUMNS)
    return Cleaned(cleaned, report, snapshot_date(cleaned))


def rfm_stage(cleaned: Cleaned, options: RFMOptions) -> pd.DataFrame:
    """Sample (when asked) and compute recency, frequency and monetary value per customer."""
    snapshot = snapshot_date(cleaned.transactions, options.snapshot)
    sampled = sample_transactions(
        cleaned.transactions, options.sample_size, options.sample_unit, options.seed
    )
    return compute_rfm(sampled, snapshot, options.frequency)


def transform_stage(rfm: pd.DataFrame, transforms: TransformChoice) -> Transformed:
    """Fit the per-metric transforms, then standardize."""
    transformer = RFMTransformer(dict(transforms)).fit(rfm)
    scaled, scaler = standardize(transformer.transform(rfm))
    return Transformed(
        transformer, scaled, tuple(scaler.mean_.tolist()), tuple(scaler.scale_.tolist())
    )


def elbow_stage(transformed: Transformed, model: ModelOptions) -> Elbow:
    """Quality metrics over the model's k range and the suggested k."""
    metrics = elbow_metrics(
        transformed.scaled, model.k_values, model.seed, model.n_init, model.silhouette_sample
    )
    return Elbow(metrics, suggest_k(metrics))


def fit_stage(transformed: Transformed, rfm: pd.DataFrame, k: int, model: ModelOptions) -> Segments:
    """K-Means with k clusters, numbered by descending mean monetary value."""
    return fit_segments(transformed.scaled, rfm["monetary"], k, model.seed, model.n_init)


def profile_stage(
    rfm: pd.DataFrame, segments: Segments, names: Mapping[int, str] | None = None
) -> Profiled:
    """Name the segments (the user's names win), profile them, label every customer."""
    labels = name_segments(segments.centroids, names)
    return Profiled(
        names=labels,
        profile=cluster_profile(rfm, segments.labels, labels),
        importance=relative_importance(rfm, segments.labels),
        customers=customers_table(rfm, segments.labels, labels),
    )


def score_stage(fit_rfm: pd.DataFrame, rfm: pd.DataFrame, options: ScoreOptions) -> Scored:
    """Score the customers of ``rfm`` with the given thresholds, or with quintiles of
    ``fit_rfm`` (the customers the model saw), and name them by the rule table."""
    edges = options.edges or fit_edges(fit_rfm)
    rules = rules_table(options.rules)
    scores = score_customers(rfm, edges)
    scores["rfm_segment"] = segment_by_rules(scores, rules)
    return Scored(edges, options.edges is None, rules, scores)


def label_stage(
    cleaned: Cleaned,
    options: RFMOptions,
    transformed: Transformed,
    segments: Segments,
    names: Mapping[int, str],
) -> pd.DataFrame:
    """Every customer labelled by a model fitted on a sample: RFM of all the cleaned data,
    the fitted transforms and scaler, the nearest centroid. Without a sample, the fit's own
    labels are every customer's."""
    everyone = rfm_stage(cleaned, options.everyone)
    return _label(
        everyone,
        transformed.transformer,
        transformed.scaler_mean,
        transformed.scaler_scale,
        segments.centroids,
        names,
    )


def _label(
    rfm: pd.DataFrame,
    transformer: RFMTransformer,
    mean: Sequence[float],
    scale: Sequence[float],
    centroids: pd.DataFrame,
    names: Mapping[int, str],
) -> pd.DataFrame:
    """Customers labelled by a fitted model: transform, scale, nearest centroid."""
    scaled = (transformer.transform(rfm) - np.asarray(mean)) / np.asarray(scale)
    return customers_table(rfm, assign_segments(scaled, centroids), names)


@dataclass(frozen=True)
class SegmentationResult:
    """Everything the method produced, stage by stage."""

    settings: Settings
    cleaned: Cleaned
    rfm: pd.DataFrame
    transformed: Transformed | None
    elbow: Elbow | None
    k: int | None
    segments: Segments | None
    profiled: Profiled | None
    labelled: pd.DataFrame
    scored: Scored | None = None

    @property
    def report(self) -> CleaningReport:
        return self.cleaned.report

    @property
    def transformer(self) -> RFMTransformer:
        return self.transformed.transformer

    @property
    def scaled(self) -> pd.DataFrame:
        return self.transformed.scaled

    @property
    def suggested_k(self) -> int:
        return self.elbow.suggested_k

    @property
    def names(self) -> dict[int, str]:
        return self.profiled.names

    @property
    def kinds(self) -> dict[int, str]:
        """Each cluster's kind: the playbook row its action and rank come from."""
        return segment_kinds(self.segments.centroids)

    @property
    def playbook(self) -> pd.DataFrame:
        """The playbook, with each K-Means display name given its kind's row."""
        book = playbook_table(self.settings.playbook)
        return with_names(book, self.names, self.kinds) if self.profiled else book

    @property
    def profile(self) -> pd.DataFrame:
        return self.profiled.profile

    @property
    def importance(self) -> pd.DataFrame:
        return self.profiled.importance

    @property
    def customers(self) -> pd.DataFrame:
        """Every customer (all of them, also when the model saw a sample) with the K-Means
        segment, the RFM scores and grid segment, actions and the snapshot date."""
        return self.customer_file()

    def customer_file(
        self, contacts: pd.DataFrame | None = None, value: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """:attr:`customers` with the contact fields and the value predictions (both indexed
        by ``customer_id``) beside them."""
        return customer_file(
            self.labelled,
            self.scored.scores if self.scored else None,
            self.playbook,
            str(self.rfm.attrs.get("snapshot")),
            contacts,
            value,
        )

    def value(self, horizon: int = 365, rate: float = 0.0, model: str = "auto"):
        """Customer value ahead (see :mod:`segmentation.value`), fitted on every customer."""
        from .value import value_stage

        return value_stage(self.cleaned.transactions, self.cleaned.snapshot, horizon, rate, model)

    def crosstab(self) -> pd.DataFrame:
        """Customers per K-Means segment and grid segment, in the playbook's order."""
        book = self.playbook
        customers = self.customers
        return crosstab(
            customers["segment"],
            customers["rfm_segment"],
            dict(zip(book["segment"], book["rank"], strict=True)),
        )

    @cached_property
    def activity(self) -> pd.DataFrame:
        """Orders, first and last purchase per customer (see :mod:`segmentation.kpis`)."""
        return customer_activity(self.cleaned.transactions)

    def kpis(self, by: str = "segment") -> pd.DataFrame:
        """Per-segment figures (see :mod:`segmentation.kpis`) of the K-Means segments
        (``by="segment"``) or the grid segments (``"rfm_segment"``), over every customer."""
        return segment_kpis(self.customers, self.activity, by)

    @property
    def sampled(self) -> bool:
        return self.settings.sample_size is not None and len(self.rfm) < len(self.labelled)

    def recipe(self, value=None, reading: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The recipe; ``reading`` records how the file was read (see :func:`reading_of`)."""
        return build_recipe(self, value, reading)

    def stability(self, progress=None):
        """How far these segments can be trusted (see :mod:`segmentation.stability`)."""
        from .stability import stability_stage

        s = self.settings
        return stability_stage(
            self.rfm,
            s.transforms,
            self.scaled,
            self.segments.labels,
            self.k,
            s.model_options,
            s.resamples,
            progress,
        )


def segment(
    tx: pd.DataFrame,
    settings: Settings | None = None,
    names: Mapping[int, str] | None = None,
) -> SegmentationResult:
    """Clean, sample, RFM, transform, standardize, choose k, fit, profile and name.

    Parameters
    ----------
    tx : canonical transactions (see :func:`segmentation.load_transactions`).
    settings : the method's choices; defaults are every cleaning rule but non-product codes,
        refunds netted, all customers, auto transforms and the suggested k.
    names : segment names chosen by the user, by cluster number.
    """
    settings = settings or Settings()
    cleaned = clean_stage(tx, settings.cleaning)
    rfm = rfm_stage(cleaned, settings.rfm_options)
    everyone = rfm if settings.sample_size is None else None
    transformed = elbow = k = segments = profiled = None
    if settings.kmeans:
        transformed = transform_stage(rfm, settings.transforms)
        elbow = elbow_stage(transformed, settings.model_options)
        k = settings.k or elbow.suggested_k
        segments = fit_stage(transformed, rfm, k, settings.model_options)
        profiled = profile_stage(rfm, segments, names)
        if settings.scores:  # one name, one group
            check_names(profiled.names, set(rules_table(settings.rules)["segment"]), "RFM grid")
        labelled = (
            profiled.customers
            if everyone is not None
            else label_stage(cleaned, settings.rfm_options, transformed, segments, profiled.names)
        )
    else:
        if everyone is None:
            everyone = rfm_stage(cleaned, settings.rfm_options.everyone)
        labelled = metrics_table(everyone)
    scored = None
    if settings.scores:
        metrics = labelled.set_index("customer_id")[list(METRICS)]
        scored = score_stage(rfm, metrics, settings.score_options)
    return SegmentationResult(
        settings=settings,
        cleaned=cleaned,
        rfm=rfm,
        transformed=transformed,
        elbow=elbow,
        k=k,
        segments=segments,
        profiled=profiled,
        labelled=labelled,
        scored=scored,
    )


# --------------------------------------------------------------------------- recipes
def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("pandas", "numpy", "scipy", "scikit-learn", "fastexcel"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def build_recipe(
    result: SegmentationResult, value=None, reading: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything needed to label another file the same way without refitting."""
    return recipe_from_parts(
        result.settings,
        result.rfm.attrs,
        result.transformed,
        result.segments.centroids if result.segments else None,
        result.names if result.profiled else None,
        result.scored,
        value,
        reading,
    )


def reading_of(loaded, contacts: Sequence[str] = (), **options: Any) -> dict[str, Any]:
    """How a file was read, for the recipe: the column of each role, the reading notes, the
    contact fields chosen and the reading options (sheet, dayfirst, decimal, currency,
    encoding), so another file of the same export is read the same way."""
    return {
        "roles": loaded.roles.used(),
        "notes": [list(item) for item in loaded.notes.items],
        "codes": list(loaded.notes.codes),
        "contacts": list(contacts),
        **{k: v for k, v in options.items() if v is not None},
    }


def recipe_from_parts(
    settings: Settings,
    rfm_attrs: Mapping[str, Any],
    transformed: Transformed | None,
    centroids: pd.DataFrame | None,
    names: Mapping[int, str] | None,
    scored: Scored | None = None,
    value=None,
    reading: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A recipe from the fitted pieces (what the dashboard holds in its caches): the K-Means
    parts when the method has them, the score thresholds and rules when it has scores."""
    recipe: dict[str, Any] = {
        "recipe_version": RECIPE_VERSION,
        "settings": settings.to_dict(),
        "snapshot_rule": "day after the last invoice date"
        if settings.snapshot is None
        else f"fixed: {settings.snapshot}",
        "snapshot_used": rfm_attrs.get("snapshot"),
        "frequency": rfm_attrs.get("frequency"),
        "method": settings.method,
    }
    if transformed is not None and centroids is not None:
        recipe |= {
            "transforms": transformed.transformer.to_dict(),
            "scaler": {
                "mean": [float(v) for v in transformed.scaler_mean],
                "scale": [float(v) for v in transformed.scaler_scale],
                "columns": list(METRICS),
            },
            "k": len(centroids),
            "centroids": centroids.to_numpy().tolist(),
            "names": {str(c): n for c, n in (names or {}).items()},
        }
    if scored is not None:
        recipe["scores"] = {
            "edges": scored.edges.to_dict(),
            "rules": scored.rules.to_dict(orient="records"),
        }
    book = playbook_table(settings.playbook)
    if names and centroids is not None:  # each display name with its kind's row
        book = with_names(book, names, segment_kinds(centroids))
    recipe["playbook"] = book.to_dict(orient="records")
    if value is not None:
        recipe["value"] = value.to_dict()
    if reading is not None:
        recipe["reading"] = dict(reading)
    recipe["versions"] = _versions()
    return recipe


def recipe_to_json(recipe: Mapping[str, Any]) -> str:
    return json.dumps(recipe, indent=2, default=str)


def load_recipe(text: str | bytes) -> Recipe:
    """Read and check a recipe file (see :class:`~segmentation.recipe.Recipe`)."""
    return Recipe.from_json(text)


def apply_recipe(
    tx: pd.DataFrame,
    recipe: Recipe,
    contacts: pd.DataFrame | None = None,
    snapshot: str | None = None,
) -> tuple[pd.DataFrame, CleaningReport]:
    """Label the customers of new transactions with a saved recipe (no refitting).

    The same cleaning rules, frequency, transforms (with their fitted parameters), scaler,
    centroids, score thresholds, rules and playbook are used; the snapshot follows the
    recipe's rule unless ``snapshot`` is given (any day after the file's last purchase).
    ``contacts`` (index ``customer_id``) travel beside the labels.
    """
    if not isinstance(recipe, Recipe):
        raise TypeError("apply_recipe takes a Recipe (see Recipe.from_json).")
    cleaned, report = clean_transactions(tx, recipe.cleaning, keep=RFM_COLUMNS)
    if cleaned.empty:
        raise DataError("No transactions are left to label (before the snapshot, after cleaning).")
    rfm = compute_rfm(cleaned, snapshot or recipe.snapshot, recipe.frequency)
    part = recipe.kmeans
    if part is not None:
        transformer = RFMTransformer.from_dict(
            {
                m: {"method": t.method, "param": t.param}
                for m, t in zip(METRICS, part.transforms, strict=True)
            }
        )
        labelled = _label(
            rfm,
            transformer,
            list(part.mean),
            list(part.scale),
            pd.DataFrame([list(c) for c in part.centroids], columns=list(METRICS)),
            dict(enumerate(part.names)),
        )
    else:
        labelled = metrics_table(rfm)
    scores = None
    if recipe.scores is not None:
        options = ScoreOptions(recipe.scores.edges, recipe.scores.rules)
        scores = score_stage(rfm, rfm, options).scores
    playbook = playbook_table(recipe.playbook or None)
    predictions = None
    if recipe.value is not None:
        from .value import predict_with_saved

        predictions = predict_with_saved(cleaned, rfm.attrs["snapshot"], recipe.value.as_saved())
    customers = customer_file(
        labelled, scores, playbook, str(rfm.attrs["snapshot"]), contacts, predictions
    )
    return customers, report
