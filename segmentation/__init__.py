"""Customer segmentation with RFM and K-Means: any transactions file to labelled customers.

The data flows one way, one function per arrow::

    file bytes -> load_transactions -> clean_transactions -> (sample_transactions) ->
    compute_rfm (snapshot_date) -> RFMTransformer -> standardize -> elbow_metrics / suggest_k ->
    fit_segments -> cluster_profile + name_segments -> customers_table -> exports / recipe

:func:`segment` runs the whole method after loading. This package never imports Streamlit.

Names are imported on first use (PEP 562), so ``import segmentation`` is cheap and the command
line can read a file while scikit-learn is still importing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cleaning import CleaningReport, clean_transactions, refund_lines
    from .clustering import (
        Segments,
        assign_segments,
        elbow_metrics,
        fit_segments,
        standardize,
        suggest_k,
    )
    from .dates import DateFormat, parse_dates
    from .demo import demo_csv_bytes, demo_transactions
    from .errors import ColumnError, DataError, FileReadError, SegmentationError, SettingsError
    from .export import customers_table, neutralize_formulas, to_csv_bytes, to_xlsx_bytes
    from .loading import LoadedData, load_transactions
    from .notes import ReadingNotes
    from .numbers import AmbiguousNumbers, NumberFormat, parse_numbers
    from .parsing import ParseOptions, parse_ids, to_transactions
    from .pipeline import (
        SegmentationResult,
        apply_recipe,
        build_recipe,
        load_recipe,
        recipe_from_parts,
        recipe_to_json,
        segment,
    )
    from .profiles import SEGMENT_PROTOTYPES, cluster_profile, name_segments, relative_importance
    from .reading import Preview, ReadLimits, TextFormat, preview_table
    from .rfm import compute_rfm, snapshot_date
    from .roles import ColumnRoles, detect_roles, detect_shape
    from .sampling import sample_transactions
    from .settings import METRICS, PRESETS, REFUNDS, TUTORIAL, CleaningOptions, Settings
    from .shapes import SHAPES, Shape
    from .transforms import TRANSFORMS, RFMTransformer, skewness_table

_EXPORTS: dict[str, str] = {
    "CleaningOptions": "settings",
    "CleaningReport": "cleaning",
    "refund_lines": "cleaning",
    "clean_transactions": "cleaning",
    "Segments": "clustering",
    "assign_segments": "clustering",
    "elbow_metrics": "clustering",
    "fit_segments": "clustering",
    "standardize": "clustering",
    "suggest_k": "clustering",
    "ColumnRoles": "roles",
    "detect_roles": "roles",
    "DateFormat": "dates",
    "parse_dates": "dates",
    "ReadingNotes": "notes",
    "AmbiguousNumbers": "numbers",
    "NumberFormat": "numbers",
    "parse_numbers": "numbers",
    "ParseOptions": "parsing",
    "parse_ids": "parsing",
    "to_transactions": "parsing",
    "detect_shape": "roles",
    "SHAPES": "shapes",
    "Shape": "shapes",
    "REFUNDS": "settings",
    "TextFormat": "reading",
    "demo_csv_bytes": "demo",
    "demo_transactions": "demo",
    "ColumnError": "errors",
    "DataError": "errors",
    "FileReadError": "errors",
    "SegmentationError": "errors",
    "SettingsError": "errors",
    "customers_table": "export",
    "neutralize_formulas": "export",
    "to_csv_bytes": "export",
    "to_xlsx_bytes": "export",
    "LoadedData": "loading",
    "load_transactions": "loading",
    "SegmentationResult": "pipeline",
    "apply_recipe": "pipeline",
    "build_recipe": "pipeline",
    "load_recipe": "pipeline",
    "recipe_to_json": "pipeline",
    "recipe_from_parts": "pipeline",
    "segment": "pipeline",
    "SEGMENT_PROTOTYPES": "profiles",
    "cluster_profile": "profiles",
    "name_segments": "profiles",
    "relative_importance": "profiles",
    "Preview": "reading",
    "ReadLimits": "reading",
    "preview_table": "reading",
    "METRICS": "settings",
    "compute_rfm": "rfm",
    "snapshot_date": "rfm",
    "sample_transactions": "sampling",
    "PRESETS": "settings",
    "TUTORIAL": "settings",
    "Settings": "settings",
    "TRANSFORMS": "transforms",
    "RFMTransformer": "transforms",
    "skewness_table": "transforms",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        try:  # a submodule, as ``segmentation.cleaning`` would be after an eager import
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError:
            raise AttributeError(f"module 'segmentation' has no attribute '{name}'") from None
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
