"""The method's settings, options and presets.

A light module (no pandas, no scikit-learn): the command line parses its arguments and starts
reading a workbook before the heavy libraries have finished importing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

METRICS = ("recency_days", "frequency", "monetary")
FREQUENCY_MODES = ("invoices", "lines", "days")
SAMPLE_UNITS = ("customers", "rows")
REFUNDS = ("net", "drop", "keep")


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


@dataclass(frozen=True)
class Settings:
    """Every choice the method makes, with the defaults a careful analyst would use.

    ``transforms`` is ``"auto"`` or metric -> transform; ``k=None`` takes the suggested k;
    ``snapshot=None`` is the day after the last invoice date.
    """

    cleaning: CleaningOptions = field(default_factory=CleaningOptions)
    snapshot: str | None = None
    frequency: str | None = None
    sample_size: int | None = None
    sample_unit: str = "customers"
    transforms: str | Mapping[str, str] = "auto"
    k: int | None = None
    k_max: int = 10
    seed: int = 42
    n_init: int | str = 4

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["transforms"] = (
            self.transforms if isinstance(self.transforms, str) else dict(self.transforms)
        )
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
