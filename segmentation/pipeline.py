"""The whole method as one call, its settings, the tutorial preset, and recipes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

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
from .errors import SegmentationError
from .export import customers_table
from .profiles import cluster_profile, name_segments, relative_importance
from .rfm import RFM_COLUMNS, compute_rfm, snapshot_date
from .sampling import sample_transactions
from .settings import METRICS, PRESETS, TUTORIAL, Settings
from .transforms import RFMTransformer

RECIPE_VERSION = 2
__all__ = ["PRESETS", "TUTORIAL", "SegmentationResult", "Settings", "segment"]


@dataclass(frozen=True)
class SegmentationResult:
    """Everything the method produced, step by step."""

    settings: Settings
    report: CleaningReport
    rfm: pd.DataFrame
    transformer: RFMTransformer
    scaler: Any
    scaled: pd.DataFrame
    elbow: pd.DataFrame
    suggested_k: int
    k: int
    segments: Segments
    names: dict[int, str]
    profile: pd.DataFrame
    importance: pd.DataFrame
    customers: pd.DataFrame

    def recipe(self) -> dict[str, Any]:
        return build_recipe(self)


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
        all customers, auto transforms and the suggested k.
    names : segment names chosen by the user, by cluster number.
    """
    settings = settings or Settings()
    cleaned, report = clean_transactions(tx, settings.cleaning, keep=RFM_COLUMNS)
    # The snapshot comes from all the cleaned data, so a sample is measured to the same day.
    snapshot = snapshot_date(cleaned, settings.snapshot)
    sampled = sample_transactions(
        cleaned, settings.sample_size, settings.sample_unit, settings.seed
    )
    rfm = compute_rfm(sampled, snapshot, settings.frequency)
    transformer = RFMTransformer(settings.transforms).fit(rfm)
    scaled, scaler = standardize(transformer.transform(rfm))
    # elbow_metrics stops at the number of customers; fit_segments refuses a k above it.
    elbow = elbow_metrics(scaled, range(1, settings.k_max + 1), settings.seed, settings.n_init)
    suggested = suggest_k(elbow)
    k = settings.k or suggested
    segments = fit_segments(scaled, rfm["monetary"], k, settings.seed, settings.n_init)
    labels = name_segments(segments.centroids, names)
    return SegmentationResult(
        settings=settings,
        report=report,
        rfm=rfm,
        transformer=transformer,
        scaler=scaler,
        scaled=scaled,
        elbow=elbow,
        suggested_k=suggested,
        k=k,
        segments=segments,
        names=labels,
        profile=cluster_profile(rfm, segments.labels, labels),
        importance=relative_importance(rfm, segments.labels),
        customers=customers_table(rfm, segments.labels, labels),
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


def build_recipe(result: SegmentationResult) -> dict[str, Any]:
    """Everything needed to label another file the same way without refitting."""
    return recipe_from_parts(
        result.settings,
        result.rfm.attrs,
        result.transformer.to_dict(),
        (list(result.scaler.mean_), list(result.scaler.scale_)),
        result.segments.centroids,
        result.names,
    )


def recipe_from_parts(
    settings: Settings,
    rfm_attrs: Mapping[str, Any],
    transforms: Mapping[str, Any],
    scaler: tuple[list[float], list[float]],
    centroids: pd.DataFrame,
    names: Mapping[int, str],
) -> dict[str, Any]:
    """A recipe from the fitted pieces (what the dashboard holds in its caches)."""
    return {
        "recipe_version": RECIPE_VERSION,
        "settings": settings.to_dict(),
        "snapshot_rule": "day after the last invoice date"
        if settings.snapshot is None
        else f"fixed: {settings.snapshot}",
        "snapshot_used": rfm_attrs.get("snapshot"),
        "frequency": rfm_attrs.get("frequency"),
        "transforms": dict(transforms),
        "scaler": {
            "mean": [float(v) for v in scaler[0]],
            "scale": [float(v) for v in scaler[1]],
            "columns": list(METRICS),
        },
        "k": len(centroids),
        "centroids": centroids.to_numpy().tolist(),
        "names": {str(c): n for c, n in names.items()},
        "versions": _versions(),
    }


def recipe_to_json(recipe: Mapping[str, Any]) -> str:
    return json.dumps(recipe, indent=2, default=str)


def load_recipe(text: str | bytes) -> dict[str, Any]:
    """Parse and check a recipe written by :func:`build_recipe`; older versions are migrated."""
    try:
        recipe = json.loads(text)
        version = recipe.get("recipe_version")
        if version == 1:  # cancellations on/off became the refunds setting
            cleaning = dict(recipe["settings"]["cleaning"])
            cleaning["refunds"] = "drop" if cleaning.pop("cancellations", True) else "keep"
            cleaning.setdefault("not_purchase", True)
            recipe["settings"]["cleaning"] = cleaning
            recipe["recipe_version"] = version = RECIPE_VERSION
        if version != RECIPE_VERSION:
            raise ValueError("version")
        for key in ("settings", "transforms", "scaler", "centroids", "names"):
            recipe[key]
        CleaningOptions(**recipe["settings"]["cleaning"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SegmentationError(
            "The recipe file is not a segmentation recipe saved by this tool "
            f"(or one of a newer version than {RECIPE_VERSION})."
        ) from exc
    return recipe


def apply_recipe(
    tx: pd.DataFrame, recipe: Mapping[str, Any]
) -> tuple[pd.DataFrame, CleaningReport]:
    """Label the customers of new transactions with a saved recipe (no refitting).

    The same cleaning rules, frequency, transforms (with their fitted parameters), scaler and
    centroids are used; the snapshot follows the recipe's rule.
    """
    settings = recipe["settings"]
    cleaning = CleaningOptions(**settings["cleaning"])
    cleaned, report = clean_transactions(tx, cleaning, keep=RFM_COLUMNS)
    rfm = compute_rfm(cleaned, settings.get("snapshot"), recipe.get("frequency"))
    transformed = RFMTransformer.from_dict(recipe["transforms"]).transform(rfm)
    mean = pd.Series(recipe["scaler"]["mean"], index=list(METRICS))
    scale = pd.Series(recipe["scaler"]["scale"], index=list(METRICS))
    scaled = (transformed - mean) / scale
    centroids = pd.DataFrame(recipe["centroids"], columns=list(METRICS))
    labels = assign_segments(scaled, centroids)
    names = {int(c): n for c, n in recipe["names"].items()}
    return customers_table(rfm, labels, names), report
