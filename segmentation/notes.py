"""Reading notes: every decision made while reading a file, in words a marketer can check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ReadingNotes:
    """Decisions made while reading (sheet, encoding, delimiter, number and date conventions,
    currency, customer key, rows filled or left out), each as ``(topic, text)``."""

    items: tuple[tuple[str, str], ...] = ()

    def add(self, topic: str, text: str) -> ReadingNotes:
        return ReadingNotes((*self.items, (topic, text)))

    def extend(self, other: ReadingNotes) -> ReadingNotes:
        return ReadingNotes((*self.items, *other.items))

    def lines(self) -> list[str]:
        return [f"{topic}: {text}" for topic, text in self.items]

    def summary(self) -> str:
        return "\n".join(f"  {line}" for line in self.lines())

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(list(self.items), columns=["topic", "decision"])
