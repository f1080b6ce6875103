"""Reading notes: every decision made while reading a file, in words a marketer can check,
and the file's conventions (delimiter, decimal mark, currency) for writing results back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .states import StateValue

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "$": "$", "JPY/CNY": "¥", "INR": "₹"}


@dataclass(frozen=True)
class ReadingNotes:
    """Decisions made while reading (sheet, encoding, delimiter, number and date conventions,
    currency, customer key, rows filled or left out), each as ``(topic, text)``.

    ``delimiter`` (text files), ``decimal``, ``currency`` and ``date_order`` are the file's
    conventions.
    """

    items: tuple[tuple[str, str], ...] = ()
    delimiter: str | None = None
    decimal: str = "."
    currency: str | None = None
    date_order: str | None = None  # "day/month/year" or "month/day/year" when text said so
    states: tuple[StateValue, ...] = ()  # every value of the state and flag columns
    # One machine-readable code per item: the decision itself, for the engines that must
    # repeat it (the SQL path reads these, never the wording).
    codes: tuple[str, ...] = ()

    def add(self, topic: str, text: str, code: str | None = None) -> ReadingNotes:
        return replace(
            self,
            items=(*self.items, (topic, text)),
            codes=(*self.codes, code or f"topic:{topic}"),
        )

    def first(self, topic: str, text: str, code: str | None = None) -> ReadingNotes:
        """The same, as the first item (what export a file is)."""
        return replace(
            self,
            items=((topic, text), *self.items),
            codes=(code or f"topic:{topic}", *self.codes),
        )

    def extend(self, other: ReadingNotes) -> ReadingNotes:
        return replace(
            other,
            items=(*self.items, *other.items),
            codes=(*self.codes, *other.codes),
            delimiter=other.delimiter or self.delimiter,
        )

    def lines(self) -> list[str]:
        return [f"{topic}: {text}" for topic, text in self.items]

    def summary(self) -> str:
        return "\n".join(f"  {line}" for line in self.lines())

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(list(self.items), columns=["topic", "decision"])

    @property
    def csv_convention(self) -> tuple[str, str]:
        """``(delimiter, decimal mark)`` for a CSV written back for this file's user: a file
        with decimal commas gets decimal commas and ``;``."""
        if self.decimal == ",":
            return ";", ","
        return (self.delimiter if self.delimiter in (",", ";", "\t", "|") else ","), "."

    @property
    def currency_symbol(self) -> str:
        """The currency's sign for display (its code when it has no common sign; none when
        the file does not say)."""
        if not self.currency:
            return ""
        return CURRENCY_SYMBOLS.get(self.currency, f"{self.currency} ")
