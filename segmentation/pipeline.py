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

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd

from .errors import SettingsError
from .method.cleaning import CleaningOptions, CleaningReport, clean_transactions
from .method.clustering import (
    Segments,
    elbow_metrics,
    fit_segments,
    standardize,
    suggest_k,
)
from .method.profiles import (
    check_names,
    cluster_profile,
    name_segments,
    relative_importance,
    segment_kinds,
)
from .method.results import Cleaned, Elbow, Profiled, Scored, Transformed
from .method.rfm import RFM_COLUMNS, compute_rfm, snapshot_date
from .method.sampling import sample_transactions
from .method.scores import crosstab, fit_edges, grid_segments, rules_table
from .method.transforms import RFMTransformer
from .outcomes.export import customer_file, customers_table, metrics_table
from .outcomes.kpis import customer_activity, segment_kpis
from .outcomes.labelling import (
    label_with_model,
    recipe_from_parts,
)
from .outcomes.playbook import playbook_table, with_names
from .settings import (
    METRICS,
    PRESETS,
    TUTORIAL,
    ModelOptions,
    RFMOptions,
    ScoreOptions,
    Settings,
    TransformChoice,
    transform_choice,
)

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
    return Scored(edges, options.edges is None, rules, grid_segments(rfm, edges, rules))


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
    return label_with_model(
        everyone,
        transformed.transformer,
        transformed.scaler_mean,
        transformed.scaler_scale,
        segments.centroids,
        names,
    )


T = TypeVar("T")


def _kmeans(part: T | None) -> T:
    """A K-Means part of a result; a run of the scores alone has none."""
    if part is None:
        raise SettingsError("This run has no K-Means segments (its method is 'scores').")
    return part


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
        return _kmeans(self.transformed).transformer

    @property
    def scaled(self) -> pd.DataFrame:
        return _kmeans(self.transformed).scaled

    @property
    def suggested_k(self) -> int:
        return _kmeans(self.elbow).suggested_k

    @property
    def names(self) -> dict[int, str]:
        return _kmeans(self.profiled).names

    @property
    def kinds(self) -> dict[int, str]:
        """Each cluster's kind: the playbook row its action and rank come from."""
        return segment_kinds(_kmeans(self.segments).centroids)

    @property
    def playbook(self) -> pd.DataFrame:
        """The playbook, with each K-Means display name given its kind's row."""
        book = playbook_table(self.settings.playbook)
        return with_names(book, self.names, self.kinds) if self.profiled else book

    @property
    def profile(self) -> pd.DataFrame:
        return _kmeans(self.profiled).profile

    @property
    def importance(self) -> pd.DataFrame:
        return _kmeans(self.profiled).importance

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
        """Customer value ahead (see :mod:`segmentation.outcomes.value`), fitted on every
        customer."""
        from .outcomes.value import value_stage

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
        """Orders, first and last purchase per customer (see :mod:`segmentation.outcomes.kpis`)."""
        return customer_activity(self.cleaned.transactions)

    def kpis(self, by: str = "segment") -> pd.DataFrame:
        """Per-segment figures (see :mod:`segmentation.outcomes.kpis`) of the K-Means segments
        (``by="segment"``) or the grid segments (``"rfm_segment"``), over every customer."""
        return segment_kpis(self.customers, self.activity, by)

    @property
    def sampled(self) -> bool:
        return self.settings.sample_size is not None and len(self.rfm) < len(self.labelled)

    def recipe(self, value=None, reading: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The recipe; ``reading`` records how the file was read (see :func:`reading_of`)."""
        return build_recipe(self, value, reading)

    def stability(self, progress=None):
        """How far these segments can be trusted (see :mod:`segmentation.method.stability`)."""
        from .method.stability import stability_stage

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
        transformed = transform_stage(rfm, transform_choice(settings.transforms))
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
