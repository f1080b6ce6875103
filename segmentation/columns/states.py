"""State, document-type and flag columns: every one is examined, whatever its header.

A column is a *state* column when its values are few words over many rows and either some of
them are in the vocabulary (:mod:`segmentation.columns.vocabulary`) or its header names a state
(Status, Type, Belegart, 상태, ...); a *flag* column holds yes/no values (or X and blanks). Each
row's kind is the strongest meaning any of its columns gives: ``void`` over ``refunded`` over
``refund`` over ``sale``. A value the vocabulary does not know, or a flag whose header does not
say what yes means, is a question for the user (:class:`StatusQuestion`): a wrong guess would
silently count cancelled orders or drop real ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ..words import count
from .shapes import Shape, shape_status
from .vocabulary import (
    address_part,
    flag_header,
    flag_value,
    key,
    neutral_header,
    payment,
    settles_invoices,
    state_header,
    state_meaning,
)

# Strongest first: a row any column calls void is no sale, whatever another column says.
PRECEDENCE = ("void", "refunded", "refund", "sale")
MEANING_WORDS = {
    "sale": "sale",
    "void": "not a sale",
    "refund": "refund / credit",
    "refunded": "refunded in full",
}
MAX_VALUES = 30  # more distinct words than this is a text column, not a state


@dataclass(frozen=True)
class StateValue:
    """One value of a state or flag column: its rows and money, and what it is read as
    (``meaning`` is ``None`` while nobody knows)."""

    column: str
    value: str
    rows: int
    money: float
    meaning: str | None
    decided_by: str  # "vocabulary", "export", "header", "you", or "" when unknown


class StatusQuestion(DataError):
    """Values of a state or flag column that the reader cannot read: the user says what they
    mean. ``states`` lists every value of every state column (the known ones too)."""

    def __init__(self, message: str, states: Sequence[StateValue]) -> None:
        super().__init__(message, setting="status")
        self.states = tuple(states)


Decisions = Iterable[tuple[str, str, str]]  # (column or "", value, meaning)


def _decided(decisions: Decisions, column: str, value: str) -> str | None:
    k = key(value)
    for col, val, meaning in decisions:
        if key(val) == k and (not col or col == column):
            return meaning
    return None


def _words(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes and distinct values (trimmed, blanks left out) of a text-like column with few
    distinct values, or None. Only the distinct values are turned into text: a long column
    of many values is set aside after a look at its first rows."""
    if values.iloc[:5000].nunique() > 2 * MAX_VALUES:
        return None
    codes, uniques = pd.factorize(values)
    if len(uniques) == 0 or len(uniques) > 2 * MAX_VALUES:
        return None
    trimmed = [str(u).strip() or None for u in uniques]
    inner, words = pd.factorize(pd.Series(trimmed, dtype=object))
    codes = np.where(codes >= 0, inner[np.maximum(codes, 0)], -1)
    if len(words) == 0 or len(words) > MAX_VALUES:
        return None
    # Numbers, dates, ids and e-mails are no states (0/1 flags are).
    words = [str(w) for w in words]
    wordy = [w for w in words if flag_value(w) is not None or not any(c.isdigit() for c in w)]
    if len(wordy) < len(words) or any("@" in w for w in words):
        return None
    return codes, np.asarray(words, dtype=object)


def read_states(
    raw: pd.DataFrame,
    candidates: Sequence[str],
    revenue: pd.Series,
    shape: Shape | None = None,
    decisions: Decisions = (),
    chosen: str | None = None,
) -> tuple[pd.Series | None, tuple[StateValue, ...]]:
    """The kind of every row (``None`` when the file has no state column) and every state
    value read, with its rows and money.

    Parameters
    ----------
    raw : the file's columns.
    candidates : the columns that may be states (those playing no other role).
    revenue : each row's money, for the notes and the question.
    shape : a known export, whose own vocabulary is consulted first.
    decisions : the user's ``(column or "", value, meaning)`` choices (consulted before all).
    chosen : a column the user mapped to the status role (examined whatever its header).

    Raises
    ------
    StatusQuestion
        A value or flag that nothing decides.
    """
    decisions = list(decisions)
    money = revenue.fillna(0).to_numpy(dtype="float64")
    states: list[StateValue] = []
    kinds = np.full(len(raw), len(PRECEDENCE) - 1)  # sale unless a column says otherwise
    found = False
    headers = [str(c) for c in raw.columns]
    for column in candidates:
        if column != chosen and (neutral_header(column) or address_part(column, headers)):
            continue
        values = raw[column]
        if pd.api.types.is_bool_dtype(values):
            values = values.map({True: "true", False: "false"})
        elif pd.api.types.is_numeric_dtype(values):
            if not values.dropna().isin([0, 1]).all() or values.dropna().empty:
                continue
            values = values.astype("Int64").astype("str").where(values.notna())
        elif not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        words = _words(values)
        if words is None:
            continue
        codes, uniques = words
        meanings = _meanings(column, uniques, codes, shape, decisions, chosen)
        if meanings is None:
            continue
        found = True
        rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
        sums = np.bincount(codes[codes >= 0], weights=money[codes >= 0], minlength=len(uniques))
        for i, value in enumerate(uniques):
            meaning, how = meanings[i]
            states.append(
                StateValue(column, str(value), int(rows[i]), round(sums[i], 2), meaning, how)
            )
            if meaning in PRECEDENCE:
                rank = PRECEDENCE.index(meaning)
                hit = codes == i
                kinds[hit] = np.minimum(kinds[hit], rank)
        blank_meaning = meanings[-1][0] if len(meanings) > len(uniques) else None
        if blank_meaning in PRECEDENCE:
            hit = codes < 0
            kinds[hit] = np.minimum(kinds[hit], PRECEDENCE.index(blank_meaning))
    unknown = [s for s in states if s.meaning is None]
    if unknown:
        raise StatusQuestion(_question(unknown), states)
    if not found:
        return None, ()
    return pd.Series(np.asarray(PRECEDENCE, dtype=object)[kinds], index=raw.index), tuple(states)


def _meanings(
    column: str,
    uniques: np.ndarray,
    codes: np.ndarray,
    shape: Shape | None,
    decisions: list[tuple[str, str, str]],
    chosen: str | None,
) -> list[tuple[str | None, str]] | None:
    """Each value's (meaning, how it was decided); for an X/blank flag one more entry for the
    blank rows. ``None``: the column is no state column."""
    flags = [flag_value(u) for u in uniques]
    if all(f is not None for f in flags):
        truthy = set(flags)
        xblank = truthy == {True} and (codes < 0).any()
        if len(truthy) < 2 and not xblank:
            return None  # one value everywhere: it decides nothing
        says = flag_header(column)
        out: list[tuple[str | None, str]] = []
        for value, flag in zip(uniques, flags, strict=True):
            mine = _decided(decisions, column, value)
            if mine:
                out.append((mine, "you"))
            elif says is None:
                out.append(("sale", "nothing"))  # a flag whose header names no sale state
            elif says == "not void":
                out.append(("sale" if flag else "void", "header"))
            else:
                out.append((says if flag else "sale", "header"))
        if xblank:  # a blank is a no
            no = ("void", "header") if says == "not void" else ("sale", "header")
            out.append(no if says else ("sale", "nothing"))
        return out
    out = []
    settling = settles_invoices([str(u) for u in uniques])
    for value in uniques:
        mine = _decided(decisions, column, value)
        own = shape_status(value, shape)
        if mine:
            out.append((mine, "you"))
        elif own:
            out.append((own, "export"))
        elif settling and payment(value):
            out.append(("void", "beside invoices"))
        else:
            known = state_meaning(value)
            out.append((known, "vocabulary" if known else ""))
    if column == chosen:
        return out
    rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
    known = sum(r for r, (m, how) in zip(rows, out, strict=True) if m and how != "you")
    if state_header(column):
        # Under a state header: state words, or a few values repeated over many rows.
        if known or (2 <= len(uniques) <= 8 and len(uniques) <= rows.sum() / 4):
            return out
        return None
    # Elsewhere the state words must be what the column mostly holds (not a note that once
    # says "test").
    return out if known >= 0.5 * rows.sum() else None


def _question(unknown: Sequence[StateValue]) -> str:
    by_column: dict[str, list[StateValue]] = {}
    for s in unknown:
        by_column.setdefault(s.column, []).append(s)
    parts = []
    for column, values in by_column.items():
        listed = ", ".join(f"'{v.value}' ({count(v.rows, 'row')})" for v in values[:8])
        more = f" and {len(values) - 8} more" if len(values) > 8 else ""
        parts.append(f"'{column}' has values whose meaning is not known: {listed}{more}")
    return "; ".join(parts) + ". Say which are sales and which are not."


def state_notes(states: Sequence[StateValue], symbol: str = "") -> list[str]:
    """One line per state column: each value, what it was read as, its rows and money."""
    by_column: dict[str, list[StateValue]] = {}
    for s in states:
        by_column.setdefault(s.column, []).append(s)
    lines = []
    for column, values in by_column.items():
        parts = [
            f"'{v.value}' {MEANING_WORDS.get(v.meaning or '', '?')}"
            f"{' (your choice)' if v.decided_by == 'you' else ''}: {count(v.rows, 'row')}, "
            f"{symbol}{v.money:,.2f}"
            for v in values
        ]
        line = f"'{column}': " + "; ".join(parts)
        if any(v.decided_by == "nothing" for v in values):
            line = (
                f"'{column}' (yes/no) does not say whether a row is a sale: every row kept "
                f"({', '.join(repr(v.value) + ' ' + count(v.rows, 'row') for v in values)}); "
                "if it marks "
                f"test or cancelled orders, say --not-sale-status '{column}=VALUE'"
            )
        lines.append(line)
    return lines


def parse_decisions(
    sale: str | None = "", not_sale: str | None = "", refund: str | None = ""
) -> tuple[tuple[str, str, str], ...]:
    """The command line's ``--sale-status``, ``--not-sale-status`` and ``--refund-status``
    (``VALUE,...`` or ``COLUMN=VALUE,...``) as decisions."""
    out = []
    for text, meaning in ((sale, "sale"), (not_sale, "void"), (refund, "refund")):
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            column, sep, value = part.rpartition("=")
            out.append((column.strip() if sep else "", value.strip(), meaning))
    return tuple(out)
