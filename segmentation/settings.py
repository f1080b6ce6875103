"""The method's settings, options and presets.

A light module (no pandas, no scikit-learn): the command line parses its arguments and starts
reading a workbook before the heavy libraries have finished importing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .errors import SettingsError

METRICS = ("recency_days", "frequency", "monetary")
FREQUENCY_MODES = ("invoices", "lines", "days")
SAMPLE_UNITS = ("customers", "rows")
REFUNDS = ("net", "drop", "keep")
# K-Means segments, classic RFM scores with the segment grid, or both side by side.
METHODS = ("both", "kmeans", "scores")
# Where a saved recipe labels a file; auto: DuckDB for large files, pandas otherwise.
ENGINES = ("auto", "pandas", "duckdb", "spark")


# The repeat-purchase models: key, name, fitted parameters (in days).
PURCHASE_MODELS = {
    "bgnbd": ("BG/NBD", ("r", "alpha", "a", "b")),
    "mbgnbd": ("MBG/NBD", ("r", "alpha", "a", "b")),
    "pnbd": ("Pareto/NBD", ("r", "alpha", "s", "beta")),
}


@dataclass(frozen=True)
class CleaningOptions:
    """Which cleaning rules run, and what happens to refunds.

    ``refunds``: ``"net"`` (default) subtracts refund lines (cancellations, negative quantities,
    credit notes) from the customer's spend and counts only purchases in frequency and recency;
    customers whose refunds cancel their purchases leave the table. ``"drop"`` removes refund
    lines and keeps the original orders at full value. ``"keep"`` leaves refund lines as ordinary
    rows (the tutorial's choice). Default: every rule but non-product codes.
    """

    missing_customer: bool = True
    missing_date: bool = True
    not_purchase: bool = True
    refunds: str = "net"
    nonpositive_quantity: bool = True
    nonpositive_price: bool = True
    duplicates: bool = True
    non_product: bool = False

    @classmethod
    def only(cls, *rules: str) -> CleaningOptions:
        """Options with just ``rules`` on; refund lines kept as ordinary rows."""
        return cls(
            **{f.name: f.name in rules for f in fields(cls) if f.name != "refunds"},
            refunds="keep",
        )


# Transforms per metric, in METRICS order: ("recency_days", "auto"), ... (hashable).
TransformChoice = tuple[tuple[str, str], ...]


def transform_choice(transforms: str | Mapping[str, str] | TransformChoice) -> TransformChoice:
    """One transform name per metric: ``"auto"`` for all, or a mapping (missing metrics auto)."""
    if isinstance(transforms, str):
        return tuple((m, transforms) for m in METRICS)
    chosen = dict(transforms)
    return tuple((m, chosen.get(m, "auto")) for m in METRICS) + tuple(
        (m, t)
        for m, t in chosen.items()
        if m not in METRICS  # kept so the fit can refuse it
    )


AUTO: TransformChoice = tuple((m, "auto") for m in METRICS)


@dataclass(frozen=True)
class RFMOptions:
    """What the RFM stage needs: snapshot, frequency, and the sample it is computed on."""

    snapshot: str | None = None
    frequency: str | None = None
    sample_size: int | None = None
    sample_unit: str = "customers"
    seed: int = 42

    @property
    def everyone(self) -> RFMOptions:
        """The same options without a sample: every customer (to label them all)."""
        return replace(self, sample_size=None)


@dataclass(frozen=True)
class ModelOptions:
    """What the K-Means stages need (not k itself: a k change refits only the final model)."""

    k_max: int = 10
    n_init: int | str = 4
    seed: int = 42
    # Silhouette costs the square of the customers: 1,000 sampled customers estimate it within
    # about 0.01 of 2,000 (measured on Online Retail) at a quarter of the time.
    silhouette_sample: int = 1000

    @property
    def k_values(self) -> range:
        """The k tried by the elbow (stopped at the number of customers when it is fitted)."""
        return range(1, self.k_max + 1)


@dataclass(frozen=True)
class ScoreEdges:
    """Lower edges of RFM scores 2-5 per metric (recency: of scores 4, 3, 2, 1, in days), and
    whether fixed frequency thresholds replaced collapsed quintiles (see
    :mod:`segmentation.method.scores`)."""

    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]
    fixed_frequency: bool = False

    def to_dict(self) -> dict:
        return {
            "recency": list(self.recency),
            "frequency": list(self.frequency),
            "monetary": list(self.monetary),
            "fixed_frequency": self.fixed_frequency,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreEdges:
        edges = cls(
            tuple(float(v) for v in data["recency"]),
            tuple(float(v) for v in data["frequency"]),
            tuple(float(v) for v in data["monetary"]),
            bool(data.get("fixed_frequency", False)),
        )
        for metric in ("recency", "frequency", "monetary"):
            values = getattr(edges, metric)
            if len(values) != 4 or list(values) != sorted(values):
                raise SettingsError(
                    f"The {metric} score thresholds must be 4 numbers from low to high "
                    f"(got {', '.join(f'{v:g}' for v in values)})."
                )
        return edges


# A rule table or a playbook as hashable rows (the dashboard caches on settings).
Rows = tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class ScoreOptions:
    """What the RFM score stage needs: thresholds (``None``: fitted quintiles) and the rule
    table (``None``: the default grid)."""

    edges: ScoreEdges | None = None
    rules: Rows | None = None


@dataclass(frozen=True)
class Settings:
    """Every choice the method makes, with the defaults a careful analyst would use.

    ``transforms`` is ``"auto"`` or metric -> transform (stored as one pair per metric);
    ``k=None`` takes the suggested k; ``snapshot=None`` is the day after the last invoice date;
    ``resamples`` is the number of bootstrap refits of the stability check; ``method`` is
    one of ``METHODS``; ``score_edges`` fixes the RFM score thresholds (``None``: quintiles
    of the data); ``rules`` and ``playbook`` replace the default segment grid and actions.
    """

    cleaning: CleaningOptions = field(default_factory=CleaningOptions)
    snapshot: str | None = None
    frequency: str | None = None
    sample_size: int | None = None
    sample_unit: str = "customers"
    transforms: TransformChoice | str | Mapping[str, str] = AUTO
    k: int | None = None
    k_max: int = 10
    seed: int = 42
    n_init: int | str = 4
    silhouette_sample: int = 1000
    resamples: int = 50
    method: str = "both"
    score_edges: ScoreEdges | None = None
    rules: Rows | None = None
    playbook: Rows | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "transforms", transform_choice(self.transforms))
        if self.method not in METHODS:
            raise SettingsError(f"The method must be one of {', '.join(METHODS)}.")

    @property
    def kmeans(self) -> bool:
        return self.method in ("both", "kmeans")

    @property
    def scores(self) -> bool:
        return self.method in ("both", "scores")

    @property
    def score_options(self) -> ScoreOptions:
        return ScoreOptions(self.score_edges, self.rules)

    @property
    def rfm_options(self) -> RFMOptions:
        return RFMOptions(
            self.snapshot, self.frequency, self.sample_size, self.sample_unit, self.seed
        )

    @property
    def model_options(self) -> ModelOptions:
        return ModelOptions(self.k_max, self.n_init, self.seed, self.silhouette_sample)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["transforms"] = dict(transform_choice(self.transforms))
        data["score_edges"] = self.score_edges.to_dict() if self.score_edges else None
        data["rules"] = [list(r) for r in self.rules] if self.rules else None
        data["playbook"] = [list(r) for r in self.playbook] if self.playbook else None
        return data


# The tutorial's steps exactly: keep cancellations and everything but missing ids, sample 10,000
# rows with random_state=42, count invoice lines, Box-Cox R and F, cube-root M, k=3.
TUTORIAL = Settings(
    # Rows without a date cannot be used by any method; Online Retail has none.
    cleaning=CleaningOptions.only("missing_customer", "missing_date"),
    frequency="lines",
    sample_size=10_000,
    sample_unit="rows",
    transforms={"recency_days": "boxcox", "frequency": "boxcox", "monetary": "cbrt"},
    k=3,
    seed=42,
    n_init="auto",
)
PRESETS = {"tutorial": TUTORIAL}
