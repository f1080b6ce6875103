"""A fit saved and used again: the recipe built from a fit's parts (with how the file was read),
and new transactions labelled by a saved recipe without refitting (the pandas engine; the SQL
engines compile the same steps, see :mod:`segmentation.engines.sql`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..method.cleaning import CleaningReport, clean_transactions
from ..method.clustering import assign_segments
from ..method.profiles import segment_kinds
from ..method.recipe import RECIPE_VERSION, Recipe
from ..method.results import Scored, Transformed
from ..method.rfm import RFM_COLUMNS, compute_rfm, snapshot_date
from ..method.scores import grid_segments, rules_table
from ..method.transforms import RFMTransformer
from ..settings import METRICS, Settings
from .export import customer_file, customers_table, metrics_table
from .playbook import playbook_table, with_names
from .value import predict_with_saved


def label_with_model(
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


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("pandas", "numpy", "scipy", "scikit-learn", "fastexcel"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


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
    snapshot: str,
    frequency: str,
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
        "snapshot_used": snapshot,
        "frequency": frequency,
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
    """Read and check a recipe file (see :class:`~segmentation.method.recipe.Recipe`)."""
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
    snap = snapshot_date(cleaned, snapshot or recipe.snapshot)
    rfm = compute_rfm(cleaned, snap, recipe.frequency)
    part = recipe.kmeans
    if part is not None:
        transformer = RFMTransformer.from_dict(
            {
                m: {"method": t.method, "param": t.param}
                for m, t in zip(METRICS, part.transforms, strict=True)
            }
        )
        labelled = label_with_model(
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
        scores = grid_segments(rfm, recipe.scores.edges, rules_table(recipe.scores.rules))
    playbook = playbook_table(recipe.playbook or None)
    predictions = None
    if recipe.value is not None:
        predictions = predict_with_saved(cleaned, snap, recipe.value.as_saved())
    customers = customer_file(labelled, scores, playbook, str(snap.date()), contacts, predictions)
    return customers, report
