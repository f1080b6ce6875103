"""Counts in words: "1 customer", "2 customers", "1,234 rows"."""

from __future__ import annotations

IRREGULAR = {"is": "are", "was": "were", "has": "have"}


def count(n: float, singular: str, plural: str | None = None) -> str:
    """``n`` with the noun in its number, thousands grouped."""
    word = singular if n == 1 else (plural or IRREGULAR.get(singular, singular + "s"))
    return f"{n:,} {word}"
