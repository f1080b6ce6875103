"""Money and quantities written as text, parsed by evidence, never by majority vote.

A column's convention (which of ``.`` and ``,`` is the decimal mark) is decided from values
that can only be read one way:

* both marks in one value (``1.531,71``): the last one is the decimal mark;
* one mark twice (``1,234,567``): it groups thousands, so the other is the decimal mark;
* one mark followed by other than three digits (``772,58``, ``12.5``), after a lone ``0``
  (``0,500``) or after more than three digits (``1500,000``): it is the decimal mark.

A value such as ``12,500`` can be read both ways. When a column holds only such values, the
file's other columns decide (every number column of a file follows one convention), then a
``;`` delimiter (the European convention, chosen because the comma is the decimal mark); if
nothing decides, the column is refused with examples and the ``decimal`` option is offered.
Conflicting evidence inside one column is refused too. Every value either parses to the number
its writer meant or is refused; it is never read as another number.

More evidence, from the values' own shapes:

* a currency without minor units (``₩12,000``, ``¥``-less ``JPY 1,500``) groups with the mark;
* a column whose values below 1,000 carry no mark while every value with one has three digits
  after it (Excel's ``#,##0``: ``850``, ``1,307``, ``39,759``) groups with the mark;
* a whole number of four digits or more written without a mark (``1500`` beside ``12,500``)
  shows the writer does not group, so the mark is the decimal one.

Digits of every script Python knows as decimal digits (Arabic-Indic, Persian, Devanagari,
full-width...) are read, with the Arabic decimal and group separators (``٫`` ``٬``); groups may
be separated by apostrophes (``1'234.50``, ``1’234.50``) or spaces of any width. Negatives may
be written ``-5``, ``−5`` (any minus or dash), ``(5.00)`` (accounting) or ``5.00-`` (trailing
minus). Currency signs and ISO 4217 codes before or after the number are recognised (the list is
data, in :mod:`segmentation.columns.currencies`), also where a code page wrote a sign as
``\\`` or ``?`` (said in the notes); a column that mixes currencies is refused, naming them. A
unit written after a number (``2x``, ``1.5 kg``, ``$44.00/kg``) is set aside and named in the notes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .currencies import CODES, LOST_SIGNS, SYMBOLS, whole_units

DECIMALS = (".", ",")
SPACES = "\u00a0\u202f\u2009\u2007\u2008\u200a\u205f\u3000 "  # no-break, thin, figure... space
MINUS = "-\u2212\u2013\u2012\u2010\ufe63\uff0d"  # hyphen-minus, minus, dashes, small, full-width
# Marks written in other scripts, as the ASCII mark they stand for.
MARKS = {
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    "\uff0e": ".",  # full-width full stop
    "\uff0c": ",",  # full-width comma
    "\u2019": "'",  # right single quote (Swiss grouping typed in a word processor)
    "\u02bc": "'",
    "\u2032": "'",
    "\uff07": "'",
    "\uff04": "$",
    "\uffe5": "¥",
    "\uffe1": "£",
    "\uffe6": "₩",
}
UNITS = (
    "x|×|pcs?|pce|pieces?|ea|each|units?|stk|stück|st|szt|шт|kg|g|mg|lbs?|oz|l|ml|cl|"
    "個|개|件|点|本|枚|箱"
)
_CURRENCY = "|".join(
    re.escape(s) for s in sorted([*SYMBOLS, *CODES, *LOST_SIGNS], key=len, reverse=True)
)
_VALUE = re.compile(
    rf"""^(?P<open>\()?
    (?P<sign1>[{MINUS}+])?
    (?P<cur1>{_CURRENCY})?
    (?P<sign2>[{MINUS}+])?
    (?P<body>\d[\d.,' ]*\d|\d|[.,]\d+|\d+\.\d*(?:[eE][-+]?\d+)|\d+[eE][-+]?\d+)
    (?P<cur2>{_CURRENCY})?
    (?P<trail>[{MINUS}])?
    (?P<close>\))?
    (?P<unit>(?:/\ ?)?(?i:{UNITS})\.?)?$""",
    re.X,
)
_EXPONENT = re.compile(r"^\d+(?:\.\d*)?[eE][-+]?\d+$")


class AmbiguousNumbers(DataError):
    """Values such as ``12,500`` that the file cannot decide; the ``decimal`` option can."""


@dataclass(frozen=True)
class NumberFormat:
    """How a number column was read, for the reading notes.

    Attributes
    ----------
    decimal : the decimal mark used (``"."`` or ``","``).
    decided_by : why, in words (``"values such as '1.531,71'"``).
    currency : the one currency written in the values, if any (``"GBP"``).
    text : whether the column was text at all (numbers stored as numbers need no reading).
    """

    decimal: str = "."
    decided_by: str = "numbers stored as numbers"
    currency: str | None = None
    text: bool = False
    remarks: tuple[str, ...] = ()  # units set aside, signs a code page lost


@dataclass(frozen=True)
class _Parsed:
    sign: int
    body: str
    currency: str | None
    unit: str | None = None


_MARK_TABLE = str.maketrans(MARKS)
_DIGIT = re.compile(r"\d")  # a decimal digit of any script (Unicode's category Nd)


def _in_ascii(text: str) -> str:
    """``text`` with every decimal digit as its ASCII digit, and the marks above as theirs."""
    return _DIGIT.sub(lambda d: str(unicodedata.decimal(d[0])), text.translate(_MARK_TABLE))


NOT_FINITE = {"nan": "nan", "inf": "inf", "+inf": "inf", "-inf": "-inf", "infinity": "inf"}


def _split(value: str) -> _Parsed | None:
    """Sign, digits and currency of one written value; ``None`` when it is not a number."""
    text = value.strip()
    if text.lower() in NOT_FINITE:  # kept as not-finite numbers; cleaning reports them
        word = NOT_FINITE[text.lower()]
        return _Parsed(-1 if word.startswith("-") else 1, word.lstrip("-"), None)
    if not text.isascii():
        text = _in_ascii(text)
    for space in SPACES:
        text = text.replace(space, " ")
    # Spaces between a symbol and the digits, or around a sign, carry nothing.
    compact = re.sub(r"(?<=\D) +| +(?=\D)", "", text)
    m = _VALUE.match(compact)
    if not m or bool(m["open"]) != bool(m["close"]) or (m["cur1"] and m["cur2"]):
        return None
    if m["unit"] and (m["open"] or m["trail"]):
        return None
    signs = [s for s in (m["sign1"], m["sign2"], m["trail"]) if s]
    if len(signs) > 1 or (m["open"] and signs):
        return None
    negative = bool(m["open"]) or (bool(signs) and signs[0] != "+")
    currency = m["cur1"] or m["cur2"]
    currency = SYMBOLS.get(currency, LOST_SIGNS.get(currency, currency))
    unit = m["unit"].lstrip("/ ").rstrip(".").lower() if m["unit"] else None
    return _Parsed(-1 if negative else 1, m["body"], currency, unit)


def _evidence(body: str, no_minor_units: bool = False) -> str | None:
    """The decimal mark this value proves, ``"?"`` when it could be either, ``None`` if it
    has no mark (or cannot be read whatever the convention). ``no_minor_units``: its currency
    has no minor units, so a mark before three digits groups them."""
    if body in ("nan", "inf"):
        return None
    if _EXPONENT.match(body):
        return "."
    marks = [c for c in body if c in DECIMALS]
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]
    mark = marks[0]
    if len(marks) > 1:  # a thousands separator: the decimal mark is the other one
        return DECIMALS[1 - DECIMALS.index(mark)]
    whole, frac = body.split(mark)
    whole = whole.replace("'", "").replace(" ", "")
    grouped = "'" in body or " " in body  # another thousands separator is in use
    if no_minor_units and len(frac) == 3 and not grouped:
        return DECIMALS[1 - DECIMALS.index(mark)]
    if len(frac) != 3 or whole in ("", "0") or (len(whole) > 3 and not grouped) or grouped:
        return mark
    return "?"


def _to_float(body: str, decimal: str) -> float | None:
    """The number a body means under ``decimal``; ``None`` if it is malformed there
    (thousands groups that are not groups of three)."""
    if body in ("nan", "inf"):
        return float(body)
    if _EXPONENT.match(body):
        return float(body) if decimal == "." else None
    thousands = [c for c in body if c in ".,' " and c != decimal]
    if body.count(decimal) > 1:
        return None
    whole, _, frac = body.partition(decimal)
    if thousands:
        groups = re.split(r"[.,' ]", whole)
        # Indian grouping (1,23,456) has groups of two before the last three.
        if not groups[0] or len(groups[0]) > 3 or len(groups[-1]) != 3:
            return None
        if any(len(g) not in (2, 3) for g in groups[1:-1]):
            return None
        if len({c for c in thousands}) > 1:
            return None
        whole = "".join(groups)
    return float(f"{whole or '0'}.{frac or '0'}")


def _examples(values: list[str], limit: int = 3) -> str:
    return ", ".join(repr(v) for v in values[:limit])


def column_evidence(values: pd.Series) -> str | None:
    """The decimal mark a text column proves on its own (``None`` when it proves nothing or
    contradicts itself); used as evidence for the file's other columns."""
    if not _is_text(values):
        return None
    proofs = set()
    for value in values.dropna().astype("str").unique():
        parsed = _split(value)
        if parsed is None:
            return None  # not a number column
        mark = _evidence(parsed.body, whole_units(parsed.currency))
        if mark in DECIMALS:
            proofs.add(mark)
    return proofs.pop() if len(proofs) == 1 else None


def _is_text(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values))


def parse_numbers(
    values: pd.Series,
    column: str,
    decimal: str | None = None,
    file_decimal: tuple[str, str] | None = None,
) -> tuple[pd.Series, NumberFormat]:
    """Read a column of numbers written in any common convention.

    Parameters
    ----------
    values : the column as read (numbers, or text as written).
    column : its name, for messages.
    decimal : the decimal mark chosen by the user (``"."`` or ``","``); ``None`` decides from
        the values.
    file_decimal : ``(mark, why)`` from the file's other columns or its delimiter, used when
        this column's values cannot decide.

    Returns
    -------
    The numbers (float64, NaN where blank) and how they were read.

    Raises
    ------
    DataError
        Values that are not numbers, conflicting conventions, or mixed currencies.
    AmbiguousNumbers
        Every value can be read two ways and nothing else decides.
    """
    if not _is_text(values):
        return values.astype("float64"), NumberFormat()
    if decimal is not None and decimal not in DECIMALS:
        raise DataError(f"The decimal mark must be '.' or ',' (got '{decimal}').")
    text = values.astype("str").where(values.notna(), None)
    codes, uniques = pd.factorize(text)
    parsed: dict[str, _Parsed] = {}
    bad: list[str] = []
    unsure: list[str] = []
    proofs: dict[str, list[str]] = {".": [], ",": []}
    for value in uniques:
        if not value.strip():
            continue
        p = _split(value)
        if p is None:
            bad.append(value)
            continue
        parsed[value] = p
        mark = _evidence(p.body, whole_units(p.currency))
        if mark in DECIMALS:
            proofs[mark].append(value)
        elif mark == "?":
            unsure.append(value)
    label, why = f"'{column}'", None
    if unsure and not (proofs["."] or proofs[","]) and decimal is None and file_decimal is None:
        decimal, why = _grouping_evidence(parsed, unsure)
    if bad:
        count = int(np.isin(text.to_numpy(dtype=object), bad).sum())
        raise DataError(
            f"{count:,} value{'s' if count != 1 else ''} of {label} "
            f"{'are' if count != 1 else 'is'} not a number (for example {_examples(bad)}). "
            "Fix them in the file or choose another column."
        )
    currencies = sorted({p.currency for p in parsed.values() if p.currency not in (None, "?")})
    if len(currencies) > 1:
        raise DataError(
            f"{label} mixes currencies ({', '.join(currencies)}): their sum would mean "
            "nothing. Export one currency at a time, or convert them first."
        )
    if decimal is not None:
        why = "your choice" if why is None else why
    elif proofs["."] and proofs[","]:
        raise DataError(
            f"{label} mixes number conventions: {_examples(proofs['.'], 2)} use '.' as the "
            f"decimal mark but {_examples(proofs[','], 2)} use ','. Fix the file, or choose the "
            "decimal mark."
        )
    elif proofs["."] or proofs[","]:
        decimal = "." if proofs["."] else ","
        why = f"values such as {_examples(proofs[decimal], 1)}"
    elif unsure and file_decimal is not None:
        decimal, why = file_decimal
    elif unsure:
        body = parsed[unsure[0]].body
        mark = next(c for c in body if c in DECIMALS)
        readings = " or ".join(
            f"{_to_float(body, d):g} (decimal mark '{d}')" for d in (mark, *DECIMALS) if d != mark
        )
        raise AmbiguousNumbers(
            f"{label} has values such as {_examples(unsure)}: '{unsure[0]}' reads as {readings} "
            f"or as {_to_float(body, mark):g} (decimal mark '{mark}'), and nothing else in the "
            "file tells which. Choose the decimal mark.",
            setting="decimal",
        )
    else:
        decimal, why = ".", "no value has a decimal mark"
    numbers: dict[str, float] = {}
    wrong = []
    for value, p in parsed.items():
        number = _to_float(p.body, decimal)
        if number is None:
            wrong.append(value)
        else:
            numbers[value] = p.sign * number
    if wrong:
        raise DataError(
            f"{label} has values that do not fit its decimal mark '{decimal}' "
            f"(for example {_examples(wrong)}). Fix them in the file, or choose the decimal mark.",
            setting="decimal",
        )
    lookup = np.array([numbers.get(u, np.nan) for u in uniques] + [np.nan], dtype="float64")
    out = pd.Series(lookup[codes], index=values.index, dtype="float64")
    return out, NumberFormat(
        decimal, why, currencies[0] if currencies else None, True, _remarks(parsed.values())
    )


def _grouping_evidence(
    parsed: dict[str, _Parsed], unsure: list[str]
) -> tuple[str | None, str | None]:
    """What the column's whole numbers without a mark say about values such as ``12,500``.

    Four digits or more without a mark (``1500``): the writer does not group, so the mark is
    the decimal one. Several values below 1,000 without a mark (``850``) beside values that
    always have three digits after it: the mark appears exactly from 1,000 up (Excel's
    ``#,##0``); read as a decimal mark it would mix whole numbers with three-decimal ones.
    """
    plain = {v: int(p.body) for v, p in parsed.items() if p.body.isdigit()}
    mark = next(c for c in parsed[unsure[0]].body if c in DECIMALS)
    other = DECIMALS[1 - DECIMALS.index(mark)]
    ungrouped = [v for v, n in plain.items() if n >= 1000]
    if ungrouped:
        return mark, f"values such as {_examples(ungrouped, 1)} are written without grouping"
    if len(set(plain.values())) >= 5 and 100 <= max(plain.values()) < 1000:
        small = _examples([max(plain, key=lambda v: plain[v])], 1)
        return other, (
            f"values below 1,000 such as {small} have no mark and every value with one has "
            f"three digits after it, such as {_examples(unsure, 1)}: it groups thousands"
        )
    return None, None


def _remarks(parsed) -> tuple[str, ...]:
    """What the notes say about units and currency signs a code page lost."""
    remarks = []
    units = sorted({p.unit for p in parsed if p.unit})
    if units:
        remarks.append(f"units written after the numbers set aside ({', '.join(units)})")
    signs = {p.currency for p in parsed}
    if "JPY/KRW" in signs:
        remarks.append(
            "'\\' before the numbers read as the yen or won sign (a Japanese or Korean code "
            "page writes it so)"
        )
    if "?" in signs:
        remarks.append("'?' beside the numbers read as a currency sign the file's code page lost")
    return tuple(remarks)


def file_decimal(
    columns: dict[str, pd.Series], delimiter: str | None = None
) -> tuple[str, str] | None:
    """The decimal mark the file's number columns prove together, or that its delimiter
    suggests (``;`` is the European convention), with the reason in words."""
    found = {name: column_evidence(values) for name, values in columns.items()}
    marks = {m for m in found.values() if m}
    if len(marks) == 1:
        mark = marks.pop()
        names = [n for n, m in found.items() if m == mark]
        return mark, f"the file's other number columns ({', '.join(names[:3])})"
    if not marks and delimiter == ";":
        return ",", "the file's ';' delimiter (the convention where ',' is the decimal mark)"
    return None


def looks_like_number(value: str) -> bool:
    """Whether a written value is a number in some convention (for role detection)."""
    return _split(str(value)) is not None
