"""Customer segmentation with RFM and K-Means: any transactions file to labelled customers.

The data flows one way, one named stage per arrow (see :mod:`segmentation.pipeline`)::

    file bytes -> load_transactions -> clean_stage -> rfm_stage -> transform_stage ->
    elbow_stage / fit_stage -> profile_stage -> exports / recipe
                                      (on demand) stability_stage

:func:`segment` runs every stage after loading. This package never imports Streamlit; its
public API is the table below (the dashboard uses nothing else).

Names are imported on first use (PEP 562), so ``import segmentation`` is cheap and the command
line can read a file while pandas and scikit-learn are still importing (about a fifth of the
command's time on the Online Retail workbook).
"""

from __future__ import annotations

import importlib
from typing import Any

# module -> the public names it provides
_MODULES: dict[str, tuple[str, ...]] = {
    "charts": (
        "METRIC_LABELS",
        "PALETTE",
        "DIRECTION_COLOURS",
        "DIRECTION_WORDS",
        "crosstab_figure",
        "holdout_figure",
        "movement_heatmap",
        "p_alive_figure",
        "sankey_figure",
        "sankey_flows",
        "grid_sizes_figure",
        "rank_colour",
        "segment_colour",
        "segment_symbol",
        "distribution_figure",
        "elbow_figure",
        "importance_figure",
        "prediction_strength_figure",
        "scatter3d_figure",
        "sizes_figure",
        "snake_figure",
        "stability_figure",
        "transform_grid_figure",
    ),
    "cleaning": ("RULES", "CleaningReport", "clean_transactions", "refund_lines"),
    "clustering": (
        "Segments",
        "assign_segments",
        "elbow_metrics",
        "fit_segments",
        "standardize",
        "suggest_k",
    ),
    "contacts": ("ContactFields", "consent", "detect_kinds"),
    "dates": ("DateFormat", "parse_dates"),
    "demo": ("demo_csv_bytes", "demo_transactions"),
    "errors": ("ColumnError", "DataError", "FileReadError", "SegmentationError", "SettingsError"),
    "export": (
        "customer_file",
        "customers_table",
        "metrics_table",
        "neutralize_formulas",
        "safe_name",
        "segment_lists",
        "segment_zip",
        "to_csv_bytes",
        "to_xlsx_bytes",
        "zip_bytes",
    ),
    "kpis": ("KPI_COLUMNS", "customer_activity", "segment_kpis"),
    "loading": ("LoadedData", "load_transactions", "preview_transactions"),
    "notes": ("ReadingNotes",),
    "numbers": ("AmbiguousNumbers", "NumberFormat", "parse_numbers"),
    "movement": (
        "LEFT",
        "NEW",
        "Movement",
        "compare_all",
        "earlier_labels",
        "earlier_snapshot",
        "matrix_table",
        "movements",
        "movers_table",
        "period_revenue",
        "read_previous",
    ),
    "parsing": ("ParseOptions", "parse_ids", "to_transactions"),
    "words": ("count",),
    "currencies": ("CURRENCY_CODES",),
    "mailing": ("MAILING_COLUMNS", "mailing_lists", "mailing_zip"),
    "playbook": ("PLAYBOOK", "playbook_rows", "playbook_table", "with_names"),
    "pipeline": (
        "Cleaned",
        "Elbow",
        "Profiled",
        "Scored",
        "SegmentationResult",
        "Transformed",
        "apply_recipe",
        "build_recipe",
        "clean_stage",
        "elbow_stage",
        "fit_stage",
        "label_stage",
        "load_recipe",
        "reading_of",
        "profile_stage",
        "recipe_from_parts",
        "recipe_to_json",
        "rfm_stage",
        "score_stage",
        "segment",
        "transform_stage",
    ),
    "profiles": (
        "SEGMENT_PROTOTYPES",
        "carry_names",
        "cluster_profile",
        "merged_names",
        "name_segments",
        "relative_importance",
        "segment_kinds",
    ),
    "reading": ("Preview", "ReadLimits", "TextFormat", "preview_table", "read_text_file"),
    "recipe": ("Recipe", "RecipeError"),
    "report": ("html_report",),
    "rfm": ("compute_rfm", "snapshot_date"),
    "roles": ("ROLES", "ColumnRoles", "detect_roles", "detect_shape", "missing_roles"),
    "sampling": ("sample_transactions",),
    "sql": ("DIALECTS", "compile_recipe"),
    "scores": (
        "OTHERS",
        "SEGMENT_RULES",
        "crosstab",
        "fit_edges",
        "rules_rows",
        "rules_table",
        "score_customers",
        "segment_by_rules",
    ),
    "settings": (
        "FREQUENCY_MODES",
        "METHODS",
        "METRICS",
        "PRESETS",
        "REFUNDS",
        "SAMPLE_UNITS",
        "TUTORIAL",
        "CleaningOptions",
        "ScoreEdges",
        "ScoreOptions",
        "ModelOptions",
        "RFMOptions",
        "Settings",
        "transform_choice",
    ),
    "shapes": ("SHAPES", "Shape"),
    "states": ("MEANING_WORDS", "StateValue", "StatusQuestion"),
    "orders": ("OrderAsRead",),
    "stability": (
        "Stability",
        "bootstrap_jaccard",
        "prediction_strength",
        "seed_agreement",
        "stability_stage",
        "summarize_stability",
    ),
    "transforms": ("TRANSFORMS", "TRANSFORM_LABELS", "RFMTransformer", "apply_transform"),
    "backtesting": ("LEARNED", "Backtest", "backtest", "chance_of_buying_again", "off_by"),
    "paretonbd": ("ParetoNBD", "fit_pareto"),
    "value": (
        "GONE",
        "MODEL_NAMES",
        "STRONG_CORRELATION",
        "Holdout",
        "PurchaseModel",
        "SpendModel",
        "Value",
        "customer_summary",
        "fit_purchases",
        "fit_spend",
        "holdout_check",
        "predict",
        "above_own_past",
        "probably_gone",
        "segment_value",
        "value_stage",
    ),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}
_RENAMED = {"TRANSFORM_LABELS": "LABELS", "apply_transform": "apply"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        try:  # a submodule, as ``segmentation.cleaning`` would be after an eager import
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError:
            raise AttributeError(f"module 'segmentation' has no attribute '{name}'") from None
    module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
    value = getattr(module, _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
