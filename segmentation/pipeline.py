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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

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
from .method.recipe import Recipe
from .method.results import Cleaned, Elbow, Profiled, Scored, Transformed
from .method.rfm import RFM_COLUMNS, compute_rfm, default_frequency, snapshot_date
from .method.sampling import sample_transactions
from .method.scores import crosstab, fit_edges, grid_segments, rules_table
from .method.stability import Stability, prediction_strength, stability_stage
from .method.transforms import RFMTransformer
from .outcomes.backtesting import Backtest, backtest
from .outcomes.export import customer_file, customers_table, metrics_table
from .outcomes.kpis import customer_activity, segment_kpis
from .outcomes.labelling import (
    label_with_model,
    recipe_from_parts,
)
from .outcomes.movement import earlier_labels, period_revenue
from .outcomes.playbook import playbook_table, with_names
from .outcomes.value import Holdout, Value, holdout_check, value_stage
from .settings import (
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


def rfm_basis(cleaned: Cleaned, options: RFMOptions) -> tuple[pd.Timestamp, str]:
    """What the RFM table is measured by: the snapshot day recency counts to (of the whole
    cleaned data, a sample's too) and what frequency counts."""
    tx = cleaned.transactions
    snapshot = cleaned.snapshot if options.snapshot is None else snapshot_date(tx, options.snapshot)
    return snapshot, options.frequency or default_frequency(tx)


def rfm_stage(cleaned: Cleaned, options: RFMOptions) -> pd.DataFrame:
    """Sample (when asked) and compute recency, frequency and monetary value per customer."""
    snapshot, frequency = rfm_basis(cleaned, options)
    sampled = sample_transactions(
        cleaned.transactions, options.sample_size, options.sample_unit, options.seed
    )
    return compute_rfm(sampled, snapshot, frequency)


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
    everyone: pd.DataFrame,
    transformed: Transformed,
    segments: Segments,
    names: Mapping[int, str],
) -> pd.DataFrame:
    """Every customer (``everyone``: the RFM of all the cleaned data) labelled by a model
    fitted on a sample: the fitted transforms and scaler, the nearest centroid. Without a
    sample, the fit's own labels are every customer's."""
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
    activity: pd.DataFrame  # orders, first and last purchase per customer
    snapshot: pd.Timestamp  # the day recency is measured to
    frequency: str  # what frequency counts: invoices, lines or days
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
            str(self.snapshot.date()),
            contacts,
            value,
        )

    def crosstab(self) -> pd.DataFrame:
        """Customers per K-Means segment and grid segment, in the playbook's order."""
        book = self.playbook
        customers = self.customers
        return crosstab(
            customers["segment"],
            customers["rfm_segment"],
            dict(zip(book["segment"], book["rank"], strict=True)),
        )

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


class Memo(Protocol):
    """Where a run keeps its stages: ``get`` returns the value kept under ``key``, computing
    it with ``compute`` the first time. Runs that share a memo (the dashboard's, per file)
    share every stage whose settings they share."""

    def get(self, key: tuple, compute: Callable[[], T]) -> T: ...


class Stages:
    """A run's own memo: a dictionary (the command line and ``segment()`` use one per run)."""

    def __init__(self) -> None:
        self._kept: dict[tuple, Any] = {}

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        if key not in self._kept:
            self._kept[key] = compute()
        return self._kept[key]


@dataclass(frozen=True)
class Run:
    """One segmentation of a file's transactions: each stage computed on first use and kept
    in ``memo`` under exactly the settings it depends on, so a k change refits only the
    final model and a rename only relabels. Every face (command line, report, dashboard)
    asks a run for its stages; none chains them itself."""

    transactions: pd.DataFrame = field(repr=False)
    settings: Settings = field(default_factory=Settings)
    names: tuple[tuple[int, str], ...] = ()
    memo: Memo = field(default_factory=Stages, repr=False, compare=False)

    def with_settings(self, settings: Settings) -> Run:
        return replace(self, settings=settings)

    def named(self, names: Mapping[int, str] | None) -> Run:
        """The same run with the user's segment names (by cluster number)."""
        return replace(self, names=tuple(sorted((names or {}).items())))

    def _kept(self, stage: str, *key: Any, compute: Callable[[], T]) -> T:
        return self.memo.get((stage, *key), compute)

    # ------------------------------------------------------------------ the method
    def cleaned(self) -> Cleaned:
        s = self.settings
        return self._kept(
            "cleaned", s.cleaning, compute=lambda: clean_stage(self.transactions, s.cleaning)
        )

    def rfm(self, everyone: bool = False) -> pd.DataFrame:
        """RFM of the customers the model sees (a sample when asked), or of ``everyone``."""
        s = self.settings
        options = s.rfm_options.everyone if everyone else s.rfm_options
        return self._kept(
            "rfm", s.cleaning, options, compute=lambda: rfm_stage(self.cleaned(), options)
        )

    def _upstream(self) -> tuple:
        s = self.settings
        return (s.cleaning, s.rfm_options, transform_choice(s.transforms))

    def transformed(self) -> Transformed:
        choice = transform_choice(self.settings.transforms)
        return self._kept(
            "transformed", *self._upstream(), compute=lambda: transform_stage(self.rfm(), choice)
        )

    def elbow(self) -> Elbow:
        model = self.settings.model_options
        return self._kept(
            "elbow",
            *self._upstream(),
            model,
            compute=lambda: elbow_stage(self.transformed(), model),
        )

    @property
    def k(self) -> int:
        """The k chosen, or the elbow's suggestion."""
        return int(self.settings.k or self.elbow().suggested_k)

    def segments(self) -> Segments:
        model, k = self.settings.model_options, self.k
        return self._kept(
            "segments",
            *self._upstream(),
            model,
            k,
            compute=lambda: fit_stage(self.transformed(), self.rfm(), k, model),
        )

    def profiled(self) -> Profiled:
        s = self.settings

        def compute() -> Profiled:
            profiled = profile_stage(self.rfm(), self.segments(), dict(self.names))
            if s.scores:  # one name, one group
                check_names(profiled.names, set(rules_table(s.rules)["segment"]), "RFM grid")
            return profiled

        return self._kept(
            "profiled", *self._upstream(), s.model_options, self.k, self.names, s.rules, s.method,
            compute=compute,
        )  # fmt: skip

    def labelled(self) -> pd.DataFrame:
        """Every customer with the K-Means segment (labelled by the model fitted on the
        sample when there is one), or every customer's metrics when K-Means is not asked."""
        s = self.settings
        if not s.kmeans:
            return metrics_table(self.rfm(everyone=True))
        if s.sample_size is None:
            return self.profiled().customers
        return self._kept(
            "labelled", *self._upstream(), s.model_options, self.k, self.names,
            compute=lambda: label_stage(
                self.rfm(everyone=True), self.transformed(), self.segments(),
                self.profiled().names,
            ),
        )  # fmt: skip

    def scored(self) -> Scored:
        """RFM scores of every customer, thresholds fitted on the customers the model sees."""
        s = self.settings
        return self._kept(
            "scored", s.cleaning, s.rfm_options, s.score_options,
            compute=lambda: score_stage(self.rfm(), self.rfm(everyone=True), s.score_options),
        )  # fmt: skip

    def basis(self) -> tuple[pd.Timestamp, str]:
        """The snapshot day and what frequency counts (see :func:`rfm_basis`)."""
        return rfm_basis(self.cleaned(), self.settings.rfm_options)

    def result(self) -> SegmentationResult:
        """The stages of the chosen method as one result."""
        s = self.settings
        snapshot, frequency = self.basis()
        return SegmentationResult(
            settings=s,
            cleaned=self.cleaned(),
            rfm=self.rfm(),
            transformed=self.transformed() if s.kmeans else None,
            elbow=self.elbow() if s.kmeans else None,
            k=self.k if s.kmeans else None,
            segments=self.segments() if s.kmeans else None,
            profiled=self.profiled() if s.kmeans else None,
            labelled=self.labelled(),
            scored=self.scored() if s.scores else None,
            activity=self.activity(),
            snapshot=snapshot,
            frequency=frequency,
        )

    def recipe(self, value=None, reading: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return build_recipe(self.result(), value, reading)

    # ------------------------------------------------------------------ on demand
    def stability(self, progress: Callable[[float], object] | None = None) -> Stability:
        s = self.settings
        return self._kept(
            "stability", *self._upstream(), s.model_options, self.k, s.resamples,
            compute=lambda: stability_stage(
                self.rfm(), transform_choice(s.transforms), self.transformed().scaled,
                self.segments().labels, self.k, s.model_options, s.resamples, progress,
            ),
        )  # fmt: skip

    def prediction_strength(self) -> pd.DataFrame:
        model = self.settings.model_options
        return self._kept(
            "prediction_strength", *self._upstream(), model,
            compute=lambda: prediction_strength(self.transformed().scaled, model),
        )  # fmt: skip

    def activity(self) -> pd.DataFrame:
        """Orders, first and last purchase per customer (see :mod:`.outcomes.kpis`)."""
        return self._kept(
            "activity", self.settings.cleaning,
            compute=lambda: customer_activity(self.cleaned().transactions),
        )  # fmt: skip

    def value(self, horizon: int = 365, rate: float = 0.0, model: str = "auto") -> Value:
        """The value models fitted on every customer (see :mod:`.outcomes.value`)."""

        def compute() -> Value:
            found = self.cleaned()
            return value_stage(found.transactions, found.snapshot, horizon, rate, model)

        return self._kept("value", self.settings.cleaning, horizon, rate, model, compute=compute)

    def backtest(self, horizon: int = 365) -> Backtest:
        """The forecasts of the data before its last ``horizon`` days against what happened."""
        return self._kept(
            "backtest", self.settings.cleaning, horizon,
            compute=lambda: backtest(self.cleaned().transactions, horizon),
        )  # fmt: skip

    def holdout(self, fraction: float, model: str = "auto") -> Holdout:
        return self._kept(
            "holdout", self.settings.cleaning, fraction, model,
            compute=lambda: holdout_check(self.cleaned().transactions, fraction, model),
        )  # fmt: skip

    def earlier_labels(self, s0: str | pd.Timestamp) -> pd.DataFrame:
        """The customers as they stood at ``s0``, labelled by this run's recipe."""
        s = self.settings
        return self._kept(
            "earlier", *self._upstream(), s.model_options, self.k, self.names, s.score_options,
            s.playbook, str(s0),
            compute=lambda: earlier_labels(
                self.transactions, Recipe.from_dict(self.recipe()), s0
            ),
        )  # fmt: skip

    def period_revenue(self, start: str | pd.Timestamp) -> pd.Series:
        return self._kept(
            "period_revenue", self.settings.cleaning, str(start),
            compute=lambda: period_revenue(self.cleaned().transactions, start),
        )  # fmt: skip


def segment(
    tx: pd.DataFrame,
    settings: Settings | None = None,
    names: Mapping[int, str] | None = None,
) -> SegmentationResult:
    """Clean, sample, RFM, transform, standardize, choose k, fit, profile and name: a
    :class:`Run`'s result.

    Parameters
    ----------
    tx : canonical transactions (see :func:`segmentation.load_transactions`).
    settings : the method's choices; defaults are every cleaning rule but non-product codes,
        refunds netted, all customers, auto transforms and the suggested k.
    names : segment names chosen by the user, by cluster number.
    """
    return Run(tx, settings or Settings()).named(names).result()


def build_recipe(
    result: SegmentationResult, value=None, reading: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything needed to label another file the same way without refitting."""
    return recipe_from_parts(
        result.settings,
        str(result.snapshot.date()),
        result.frequency,
        result.transformed,
        result.segments.centroids if result.segments else None,
        result.names if result.profiled else None,
        result.scored,
        value,
        reading,
    )
