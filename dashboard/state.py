"""Session-state keys (one place), and the data source as a hashable value."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

from segmentation import CleaningOptions

# Data source (set by the home page, read everywhere).
DATA_BYTES = "data_bytes"
DATA_NAME = "data_name"
DATA_DIGEST = "data_digest"
DATA_IS_DEMO = "data_is_demo"
UPLOAD_ERROR = "upload_error"
PENDING = "pending"  # (bytes, name) of an upload that lacks columns segmentation needs
SEEN_UPLOAD = "seen_upload"

# Widgets (keys the checks rely on).
UPLOAD = "upload"
SHEET = "sheet"
DAYFIRST = "dayfirst"
DECIMAL = "decimal"
CURRENCY = "currency"
REFUNDS = "refunds"
SNAPSHOT_CUSTOM = "snapshot_custom"
SNAPSHOT = "snapshot"
K = "k"
SAMPLE_SIZE = "sample_size"
SEED = "seed"
SAMPLE_UNIT = "sample_unit"
FREQUENCY = "frequency"
TRANSFORM = {
    "recency_days": "transform_recency",
    "frequency": "transform_frequency",
    "monetary": "transform_monetary",
}
LOG_AXES = "log_axes"
CSV_FORMAT = "csv_format"
STABILITY_RUN = "stability_run"
METHOD = "method"
CONTACTS = "contacts"
STATUS_CHOICES = "status_choices"  # {(column, value): meaning} chosen on the Data page
CONSENTED_ONLY = "consented_only"
EDGES_EDITOR = "edges_editor"
RULES_EDITOR = "rules_editor"
PLAYBOOK_EDITOR = "playbook_editor"
EDGES_RESET = "edges_reset"
COMPARE_WITH = "compare_with"
MOVEMENT_DAYS = "movement_days"
PREVIOUS_UPLOAD = "previous_upload"
RECIPE_UPLOAD = "recipe_upload"
RECIPE = "recipe"  # (file name, JSON text) of a saved recipe uploaded on the Data page
VALUE_MODEL = "value_model"
SQL_DIALECT = "sql_dialect"
DISCOUNT_RATE = "discount_rate"
HOLDOUT_FRACTION = "holdout_fraction"


def name_key(cluster: int) -> str:
    return f"segment_name_{cluster}"


def map_key(role: str) -> str:
    return f"map_{role}"


def pending_map_key(role: str) -> str:
    return f"pending_map_{role}"


def state_key(column: str, value: str) -> str:
    return f"state::{column}::{value}"


def clean_key(rule: str) -> str:
    return f"clean_{rule}"


RULE_FIELDS = [f.name for f in fields(CleaningOptions) if f.name != "refunds"]
CLEAN_KEYS = [clean_key(name) for name in RULE_FIELDS]

# Derived state (not widgets).
MAPPING_FOR = "mapping_for"  # the source the column selectboxes were filled for
K_FOR = "k_for"  # the settings the k slider default was set for
SAMPLE_FOR = "sample_for"  # the data the sample-size slider default was set for
NAMES = "names"  # {source: {user's name: (mean recency, frequency, monetary) of its segment}}
RESOLVED_NAMES = "resolved_names"  # {segmentation signature: {cluster: name}}
NAMES_FOR = "names_for"  # the segmentation the name boxes were filled for
READ_FOR = "read_for"  # the source whose first read the progress box has shown
READY_FOR = "ready_for"  # the source and cleaning whose first load the progress box showed
STABILITY = "stability"  # {segmentation signature: Stability}
LINKED = "linked"  # the settings a link (URL) gave at the session's start
CONTACTS_FOR = "contacts_for"  # the source the contact choice was filled for
SCORE_EDGES = "score_edges"  # {data digest: ScoreEdges the user set}
RULES = "rules"  # the user's segment grid rules (hashable rows), or absent
PLAYBOOK = "playbook"  # the user's playbook (hashable rows), or absent

ALL_SHEETS = "All sheets with the same columns"
NO_COLUMN = "(none)"


def digest(data: bytes) -> str:
    """Content digest of an upload: the cache key, so two sessions never mix data."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SourceChoice:
    """What to read and how: hashable, so it can key the caches."""

    digest: str
    name: str
    sheet: str | None = None
    roles: tuple[tuple[str, str], ...] = ()
    dayfirst: bool | None = None
    decimal: str | None = None
    currency: str | None = None
    statuses: tuple[tuple[str, str, str], ...] = ()  # (column, value, meaning) the user chose
