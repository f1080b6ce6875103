"""Customer segmentation with RFM and K-Means: any transactions file to labelled customers.

The data flows one way, one function per arrow::

    file bytes -> load_transactions -> clean_transactions -> (sample_transactions) ->
    compute_rfm -> RFMTransformer -> standardize -> elbow_metrics / suggest_k ->
    fit_segments -> cluster_profile + name_segments -> customers_table -> exports / recipe

:func:`segment` runs the whole method after loading. This package never imports Streamlit.
"""

from .cleaning import CleaningOptions, CleaningReport, clean_transactions
from .clustering import Segments, assign_segments, elbow_metrics, fit_segments, standardize, suggest_k
from .columns import ColumnRoles, detect_roles, parse_dates, parse_ids, to_transactions
from .demo import demo_csv_bytes, demo_transactions
from .errors import ColumnError, DataError, FileReadError, SegmentationError, SettingsError
from .export import customers_table, neutralize_formulas, to_csv_bytes, to_xlsx_bytes
from .loading import LoadedData, load_transactions
from .pipeline import (
    PRESETS,
    TUTORIAL,
    SegmentationResult,
    Settings,
    apply_recipe,
    build_recipe,
    load_recipe,
    recipe_to_json,
    segment,
)
from .profiles import SEGMENT_PROTOTYPES, cluster_profile, name_segments, relative_importance
from .reading import Preview, ReadLimits, preview_table
from .rfm import METRICS, compute_rfm
from .sampling import sample_transactions
from .transforms import TRANSFORMS, RFMTransformer, skewness_table

__all__ = [
    "METRICS", "PRESETS", "SEGMENT_PROTOTYPES", "TRANSFORMS", "TUTORIAL",
    "CleaningOptions", "CleaningReport", "ColumnError", "ColumnRoles", "DataError",
    "FileReadError", "LoadedData", "Preview", "ReadLimits", "RFMTransformer",
    "SegmentationError", "SegmentationResult", "Segments", "Settings", "SettingsError",
    "apply_recipe", "assign_segments", "build_recipe", "clean_transactions",
    "cluster_profile", "compute_rfm", "customers_table", "demo_csv_bytes",
    "demo_transactions", "detect_roles", "elbow_metrics", "fit_segments", "load_recipe",
    "load_transactions", "name_segments", "neutralize_formulas", "parse_dates", "parse_ids",
    "preview_table", "recipe_to_json", "relative_importance", "sample_transactions", "segment",
    "skewness_table", "standardize", "suggest_k", "to_csv_bytes", "to_transactions",
    "to_xlsx_bytes",
]
